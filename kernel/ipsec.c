// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec: IPsec between mobile and correspondent nodes
 * (draft-dupont-mipv6-cn-ipsec), correspondent node side.
 *
 * Suitable SA (draft 2). The xfrm state that processed the packet, the
 * last ESP or AH entry of its sec_path (IPComp skipped), must be in
 * transport mode, provide integrity (AH, an AEAD, or an ESP authentication
 * algorithm other than digest_null, with an ICV of 64 bits or more) and
 * anti-replay (a replay window, or ESN), be valid, and have a selector
 * naming exactly the home address and this node's address (/128 both)
 * that lets the packet's upper-layer protocol (and Mobility Header type)
 * through. The presence of some SA proves nothing: only a state in the
 * packet's sec_path counts, and a packet whose ICV failed never has one
 * (xfrm_input() frees it). The state's fields read here are fixed once
 * the state is installed, except its lifetime, read under x->lock on the
 * Binding Update path only.
 *
 * Binding Updates under a suitable SA (draft 4): H set is a home
 * registration, which a correspondent node refuses with status 131 (RFC
 * 6275 10.3.1); K is ignored (RFC 6275 6.1.7: "Correspondent nodes MUST
 * ignore this bit"); Nonce Indices and Binding Authorization Data are
 * ignored, ESP (which does not cover the IPv6 header) requires an
 * Alternate Care-of Address option (else 129), and that address must be
 * the source or the home address (else 174), unless the care-of address
 * test runs. The sequence number must be newer than the binding's. The
 * binding is marked "ipsec"; its lifetime is capped by ipsec_max_lifetime
 * and by the SA's hard lifetime. The BA carries K = 0 and no Binding
 * Authorization Data; it is routed through xfrm like any packet from this
 * node to the home address (reply.c), so that the operator's policy
 * protects it.
 *
 * Care-of address test (draft A1, global secret method), once
 * cookie_opt_type names the option (no type was ever assigned, and an
 * experimental one is not shipped as a default, RFC 5096 and RFC 3692;
 * until then real alternate care-of addresses get 174). A BU whose
 * Alternate Care-of Address is neither its source nor the home address is
 * answered with a BA of status cookie_ba_status carrying a cookie option
 * (cookie_opt_type): timestamp | care-of address | First(96,
 * HMAC-SHA1(secret, timestamp | care-of address | home address |
 * correspondent address)), sent to the tested address. Only a BU that
 * brings back a cookie for its own Alternate Care-of Address, younger than
 * cookie_window_s and made with the current or the previous secret, is
 * applied. Meanwhile the binding of the home address stops validating
 * Home Address options (the draft's default policy). The secret is 20
 * random octets, replaced every cookie_secret_period_s; a cookie is
 * checked against both secrets in constant time.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/algapi.h>
#include <crypto/sha1.h>
#include <linux/ipv6.h>
#include <linux/random.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <net/ipv6.h>
#include <net/xfrm.h>

#include "mip6sec.h"
#include "mh.h"

/* An ICV shorter than this is no integrity protection. */
#define MIP6SEC_MIN_ICV_BITS	64

#define COOKIE_SECRET_LEN	SHA1_DIGEST_SIZE

#if IS_ENABLED(CONFIG_XFRM)

static bool state_integrity(const struct xfrm_state *x)
{
	if (x->aead)
		return x->aead->alg_icv_len >= MIP6SEC_MIN_ICV_BITS;
	return x->aalg && x->aalg->alg_trunc_len >= MIP6SEC_MIN_ICV_BITS &&
	       strcmp(x->aalg->alg_name, "digest_null");
}

/* draft 2: the selector names the home address and this node, exactly. */
static bool state_selector(const struct xfrm_state *x,
			   const struct in6_addr *hoa,
			   const struct in6_addr *cn, u8 proto, int mh_type)
{
	const struct xfrm_selector *sel = &x->sel;

	if (sel->family != AF_INET6 || sel->prefixlen_s != 128 ||
	    sel->prefixlen_d != 128 ||
	    !ipv6_addr_equal((const struct in6_addr *)&sel->saddr, hoa) ||
	    !ipv6_addr_equal((const struct in6_addr *)&sel->daddr, cn))
		return false;
	if (sel->proto && sel->proto != proto)
		return false;
	/* The Mobility Header type travels in the source port. */
	if (sel->proto == IPPROTO_MH && mh_type >= 0 &&
	    ((htons(mh_type) ^ sel->sport) & sel->sport_mask))
		return false;
	return true;
}

static bool state_suitable(const struct xfrm_state *x,
			   const struct in6_addr *hoa,
			   const struct in6_addr *cn, u8 proto, int mh_type)
{
	u32 window;

	if (x->props.mode != XFRM_MODE_TRANSPORT ||
	    x->props.family != AF_INET6 ||
	    READ_ONCE(x->km.state) != XFRM_STATE_VALID)
		return false;
	if (x->id.proto == IPPROTO_ESP) {
		if (!state_integrity(x))
			return false;
	} else if (x->id.proto != IPPROTO_AH) {
		return false;
	}
	window = x->replay_esn ? READ_ONCE(x->replay_esn->replay_window) :
				 x->props.replay_window;
	return window && state_selector(x, hoa, cn, proto, mh_type);
}

/* Seconds until the state's hard expiry; U32_MAX for none. BH off. */
static u32 state_remaining(struct xfrm_state *x)
{
	time64_t now = ktime_get_real_seconds(), end = S64_MAX, t;

	spin_lock(&x->lock);
	if (x->lft.hard_add_expires_seconds) {
		t = x->curlft.add_time + x->lft.hard_add_expires_seconds;
		end = min(end, t);
	}
	if (x->lft.hard_use_expires_seconds) {
		t = (x->curlft.use_time ?: now) +
		    x->lft.hard_use_expires_seconds;
		end = min(end, t);
	}
	spin_unlock(&x->lock);
	if (end == S64_MAX)
		return U32_MAX;
	if (end <= now)
		return 0;
	return min_t(time64_t, end - now, U32_MAX - 1);
}

bool mip6sec_ipsec_suitable(const struct sk_buff *skb, const struct in6_addr *hoa,
			    const struct in6_addr *cn, u8 proto, int mh_type,
			    struct mip6sec_ipsec_sa *f)
{
	struct sec_path *sp = skb_sec_path(skb);
	struct xfrm_state *x;
	int i;

	if (!sp)
		return false;
	for (i = sp->len - 1; i >= 0; i--) {
		x = sp->xvec[i];
		if (x->id.proto == IPPROTO_COMP &&
		    x->props.mode == XFRM_MODE_TRANSPORT)
			continue;
		if (!state_suitable(x, hoa, cn, proto, mh_type))
			return false;
		if (f) {
			f->spi = ntohl(x->id.spi);
			f->proto = x->id.proto;
			f->remaining = state_remaining(x);
		}
		return true;
	}
	return false;
}

int mip6sec_ipsec_esp_mode(struct net *net, const struct sk_buff *skb,
			   unsigned int esp_off)
{
	struct xfrm_state *x;
	__be32 _spi;
	const __be32 *spi;
	int mode;

	spi = skb_header_pointer(skb, esp_off, sizeof(_spi), &_spi);
	if (!spi)
		return -EINVAL;
	x = xfrm_state_lookup(net, skb->mark,
			      (const xfrm_address_t *)&ipv6_hdr(skb)->daddr,
			      *spi, IPPROTO_ESP, AF_INET6);
	if (!x)
		return -ENOENT;
	mode = x->props.mode;
	xfrm_state_put(x);
	return mode;
}

/* kbm_and_ipsec=ipsec: is there a suitable inbound SA for @hoa? */
static bool ipsec_has_sa(struct net *net, const struct in6_addr *hoa,
			 const struct in6_addr *cn)
{
	static const u8 protos[] = { IPPROTO_ESP, IPPROTO_AH };
	struct xfrm_state *x;
	bool ok = false;
	int i;

	for (i = 0; !ok && i < ARRAY_SIZE(protos); i++) {
		x = xfrm_state_lookup_byaddr(net, 0,
					     (const xfrm_address_t *)cn,
					     (const xfrm_address_t *)hoa,
					     protos[i], AF_INET6);
		if (!x)
			continue;
		ok = state_suitable(x, hoa, cn, IPPROTO_MH, MH_BU);
		xfrm_state_put(x);
	}
	return ok;
}

/*
 * Does the kernel hold a route optimisation state that would process the
 * Home Address option of @skb (@hoa, sent from @coa)? The lookups of
 * xfrm6_input_addr(): exact, then any source, then any address with
 * XFRM_STATE_WILDRECV; and mip6_destopt_input()'s care-of address check.
 * A mobility daemon (UMIP mip6d) installs such states for the bindings
 * it made. Takes the state table lock, as the stack's own processing of
 * the option does.
 */
bool mip6sec_ro_state(struct net *net, const struct sk_buff *skb,
		      const struct in6_addr *hoa, const struct in6_addr *coa)
{
	const xfrm_address_t *any = (const xfrm_address_t *)&in6addr_any;
	const xfrm_address_t *daddr =
		(const xfrm_address_t *)&ipv6_hdr(skb)->daddr;
	const xfrm_address_t *lookups[3][2] = {
		{ daddr, (const xfrm_address_t *)hoa },
		{ daddr, any },
		{ any, any },
	};
	struct xfrm_state *x;
	bool ok = false;
	int i;

	for (i = 0; !ok && i < ARRAY_SIZE(lookups); i++) {
		x = xfrm_state_lookup_byaddr(net, skb->mark, lookups[i][0],
					     lookups[i][1], IPPROTO_DSTOPTS,
					     AF_INET6);
		if (!x)
			continue;
		spin_lock(&x->lock);
		ok = x->props.mode == XFRM_MODE_ROUTEOPTIMIZATION &&
		     x->km.state == XFRM_STATE_VALID &&
		     (!i || (x->props.flags & XFRM_STATE_WILDRECV)) &&
		     x->coaddr &&
		     (ipv6_addr_any((struct in6_addr *)x->coaddr) ||
		      ipv6_addr_equal((struct in6_addr *)x->coaddr, coa));
		spin_unlock(&x->lock);
		xfrm_state_put(x);
	}
	return ok;
}

#else /* !CONFIG_XFRM */

bool mip6sec_ipsec_suitable(const struct sk_buff *skb, const struct in6_addr *hoa,
			    const struct in6_addr *cn, u8 proto, int mh_type,
			    struct mip6sec_ipsec_sa *f)
{
	return false;
}

int mip6sec_ipsec_esp_mode(struct net *net, const struct sk_buff *skb,
			   unsigned int esp_off)
{
	return -ENOENT;
}

static bool ipsec_has_sa(struct net *net, const struct in6_addr *hoa,
			 const struct in6_addr *cn)
{
	return false;
}

bool mip6sec_ro_state(struct net *net, const struct sk_buff *skb,
		      const struct in6_addr *hoa, const struct in6_addr *coa)
{
	return false;
}

#endif /* CONFIG_XFRM */

/*
 * kbm_and_ipsec=ipsec: a Kbm does not authorise a home address that has
 * a suitable SA. Signalling path (takes the xfrm state lock).
 */
bool mip6sec_ipsec_overrides_kbm(struct mip6sec_net *mn,
				 const struct in6_addr *hoa,
				 const struct in6_addr *cn)
{
	return READ_ONCE(mip6sec_kbm_and_ipsec) ==
	       MIP6SEC_KBM_AND_IPSEC_IPSEC &&
	       ipsec_has_sa(mn->net, hoa, cn);
}

/* kbm_and_ipsec=kbm: an SA does not authorise a home address with a Kbm. */
bool mip6sec_ipsec_allowed(struct mip6sec_net *mn, const struct in6_addr *hoa)
{
	return READ_ONCE(mip6sec_kbm_and_ipsec) != MIP6SEC_KBM_AND_IPSEC_KBM ||
	       !mip6sec_kbm_lookup_rcu(mn, hoa);
}

/* Care-of address test secrets */

struct mip6sec_cookie_secret {
	struct mip6sec_hmac hmac;	/* holds the secret; no other copy */
};

static struct mip6sec_cookie_secret *cookie_secret_new(void)
{
	struct mip6sec_cookie_secret *s;
	u8 key[COOKIE_SECRET_LEN];
	int err;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return NULL;
	get_random_bytes(key, sizeof(key));
	err = mip6sec_hmac_init(&s->hmac, key, sizeof(key));
	memzero_explicit(key, sizeof(key));
	if (err) {
		kfree(s);
		return NULL;
	}
	return s;
}

static void cookie_secret_free(struct mip6sec_cookie_secret *s)
{
	if (!s)
		return;
	mip6sec_hmac_destroy(&s->hmac);
	kfree_sensitive(s);
}

static unsigned long cookie_period(void)
{
	return READ_ONCE(mip6sec_cookie_secret_period_s) * HZ;
}

static void cookie_rotate(struct work_struct *work)
{
	struct mip6sec_cookie *c = container_of(to_delayed_work(work),
						struct mip6sec_cookie, rotate);
	struct mip6sec_cookie_secret *s, *old;

	s = cookie_secret_new();
	if (s) {
		/* Only this work item writes the pointers. */
		old = rcu_dereference_protected(c->prev, true);
		rcu_assign_pointer(c->prev,
				   rcu_dereference_protected(c->cur, true));
		rcu_assign_pointer(c->cur, s);
		synchronize_rcu();
		cookie_secret_free(old);
	}
	queue_delayed_work(mip6sec_wq, &c->rotate, cookie_period());
}

int mip6sec_cookie_init(struct mip6sec_net *mn)
{
	struct mip6sec_cookie *c = &mn->cookie;
	struct mip6sec_cookie_secret *s;

	s = cookie_secret_new();
	if (!s)
		return -ENOMEM;
	RCU_INIT_POINTER(c->cur, s);
	RCU_INIT_POINTER(c->prev, NULL);
	INIT_DELAYED_WORK(&c->rotate, cookie_rotate);
	queue_delayed_work(mip6sec_wq, &c->rotate, cookie_period());
	return 0;
}

/* No packet can reach the secrets any more. */
void mip6sec_cookie_destroy(struct mip6sec_net *mn)
{
	struct mip6sec_cookie *c = &mn->cookie;

	cancel_delayed_work_sync(&c->rotate);
	cookie_secret_free(rcu_dereference_protected(c->cur, true));
	cookie_secret_free(rcu_dereference_protected(c->prev, true));
}

/* The MAC of the cookie whose timestamp and address are at @cookie. */
static int cookie_mac(const struct mip6sec_cookie_secret *s, const u8 *cookie,
		      const struct in6_addr *hoa, const struct in6_addr *cn,
		      u8 mac[MIP6SEC_AUTH_LEN])
{
	struct mh_seg seg[MH_AUTH_SEGS];
	int n;

	n = mh_cookie_input(cookie, hoa->s6_addr, cn->s6_addr, seg);
	return mip6sec_hmac_sha1_96(&s->hmac, seg, n, mac);
}

static u16 cookie_now(void)
{
	return (u16)ktime_get_boottime_seconds();
}

/* Fill @cookie (MH_COOKIE_LEN octets) for @coa. Under RCU. */
static int cookie_make(struct mip6sec_net *mn, u8 *cookie,
		       const struct in6_addr *coa, const struct in6_addr *hoa,
		       const struct in6_addr *cn)
{
	const struct mip6sec_cookie_secret *s = rcu_dereference(mn->cookie.cur);
	u16 ts = cookie_now();

	cookie[0] = ts >> 8;
	cookie[1] = ts & 0xff;
	memcpy(cookie + MH_COOKIE_TS_LEN, coa, sizeof(*coa));
	return cookie_mac(s, cookie, hoa, cn,
			  cookie + MH_COOKIE_TS_LEN + sizeof(*coa));
}

/*
 * Check the cookie option of a BU. Returns 0, or the counter of the
 * reason it is refused.
 */
static enum mip6sec_stat_attrs cookie_check(struct mip6sec_net *mn,
					    const u8 *cookie,
					    const struct in6_addr *coa,
					    const struct in6_addr *hoa,
					    const struct in6_addr *cn)
{
	const u8 *theirs = cookie + MH_COOKIE_TS_LEN + sizeof(*coa);
	const struct mip6sec_cookie_secret *s[2];
	u8 mac[MIP6SEC_AUTH_LEN];
	u16 age;
	bool ok = false;
	int i;

	age = cookie_now() - mh_get_be16(cookie);
	if (age > READ_ONCE(mip6sec_cookie_window_s))
		return MIP6SEC_STAT_COOKIE_STALE;
	if (memcmp(cookie + MH_COOKIE_TS_LEN, coa, sizeof(*coa)))
		return MIP6SEC_STAT_COOKIE_BAD;

	s[0] = rcu_dereference(mn->cookie.cur);
	s[1] = rcu_dereference(mn->cookie.prev);
	for (i = 0; i < ARRAY_SIZE(s); i++) {
		if (!s[i] || cookie_mac(s[i], cookie, hoa, cn, mac))
			continue;
		ok |= mip6sec_auth_equal(mac, theirs);
	}
	memzero_explicit(mac, sizeof(mac));
	return ok ? 0 : MIP6SEC_STAT_COOKIE_BAD;
}

/*
 * Start (or restart) the care-of address test of the BU's care-of address:
 * the BA with a fresh cookie goes to it, and the binding stops validating
 * HAOs meanwhile.
 */
static void cookie_send(struct mip6sec_net *mn, struct mip6sec_bu *bu)
{
	u8 cookie[MH_COOKIE_LEN];

	mip6sec_bcache_disable(mn, bu->hoa, MIP6SEC_AUTH_IPSEC);
	if (!mip6sec_reply_allowed(mn, &bu->coa)) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_BE_RATELIMITED);
		return;
	}
	if (cookie_make(mn, cookie, &bu->coa, bu->hoa, bu->cn))
		return;
	bu->ack.dst = &bu->coa;
	bu->ack.status = READ_ONCE(mip6sec_cookie_ba_status);
	bu->ack.cookie = cookie;
	bu->ack.cookie_type = READ_ONCE(mip6sec_cookie_opt_type);
	mip6sec_bu_send(mn, bu);
	bu->ack.cookie = NULL;
	memzero_explicit(cookie, sizeof(cookie));
	mip6sec_stat_inc(mn, MIP6SEC_STAT_COOKIE_SENT);
}

/*
 * The care-of address test of a BU whose Alternate Care-of Address is
 * neither its source nor its home address. True when it passed; otherwise
 * a cookie went out and the BU is done with.
 */
static bool coa_tested(struct mip6sec_net *mn, struct mip6sec_bu *bu)
{
	u8 type = READ_ONCE(mip6sec_cookie_opt_type);
	enum mip6sec_stat_attrs why;
	const u8 *mh = bu->mh;
	unsigned int n;
	u16 off;

	off = mh_find_opt(bu->m, mh, type, &n);
	if (!off) {
		cookie_send(mn, bu);
		return false;
	}
	if (n > 1 || mh[off + 1] != MH_COOKIE_LEN)
		why = MIP6SEC_STAT_COOKIE_BAD;
	else
		why = cookie_check(mn, mh + off + 2, &bu->coa, bu->hoa,
				   bu->cn);
	if (why) {
		mip6sec_stat_inc(mn, why);
		net_info_ratelimited("Binding Update for home address %pI6c: %s care-of address test cookie for %pI6c\n",
				     bu->hoa,
				     why == MIP6SEC_STAT_COOKIE_STALE ?
				     "stale" : "invalid", &bu->coa);
		cookie_send(mn, bu);
		return false;
	}
	mip6sec_stat_inc(mn, MIP6SEC_STAT_COOKIE_ACCEPTED);
	return true;
}

/*
 * The IPsec way of the Binding Update pipeline (bu.c): a BU that arrived
 * under a suitable SA for its home address (the pipeline found it with
 * mip6sec_ipsec_suitable(), bu->ipsec). IPsec authenticated it; the
 * binding's own sequence number protects against replays.
 */
static enum mip6sec_step ipsec_verify(struct mip6sec_net *mn,
				      struct mip6sec_bu *bu)
{
	mip6sec_stat_inc(mn, MIP6SEC_STAT_BU_IPSEC);
	bu->spi = bu->ipsec.spi;
	/* draft 4: "long" lifetimes MAY be granted, within the SA's. */
	bu->max_lifetime = min(READ_ONCE(mip6sec_ipsec_max_lifetime),
			       bu->ipsec.remaining);
	return MIP6SEC_STEP_OK;
}

static enum mip6sec_step ipsec_authorise(struct mip6sec_net *mn,
					 struct mip6sec_bu *bu)
{
	const struct mh_msg *m = bu->m;

	/*
	 * RFC 6275 10.3.1: a node that "implements only correspondent node
	 * functionality" answers a home registration with 131. K is the
	 * home agent's business too: 6.1.7, "Correspondent nodes MUST ignore
	 * this bit".
	 */
	if (m->flags & MH_BU_FLAG_H) {
		net_info_ratelimited("Binding Update for home address %pI6c under IPsec with H set: not a home agent\n",
				     bu->hoa);
		bu->ack.status = MH_BA_HOME_REG_UNSUPPORTED;
		return MIP6SEC_STEP_REPLY;
	}
	/* ESP does not cover the IPv6 header: the CoA must be inside. */
	if (bu->ipsec.proto == IPPROTO_ESP && !m->altcoa) {
		net_info_ratelimited("Binding Update for home address %pI6c under ESP without an Alternate Care-of Address\n",
				     bu->hoa);
		bu->ack.status = MH_BA_PROHIBITED;
		return MIP6SEC_STEP_REPLY;
	}
	if (bu->dereg || ipv6_addr_equal(&bu->coa, &bu->p->src))
		return MIP6SEC_STEP_OK;
	/* Without an option type for the cookie there is no test. */
	if (!READ_ONCE(mip6sec_coa_test) || !READ_ONCE(mip6sec_cookie_opt_type)) {
		net_info_ratelimited("Binding Update for home address %pI6c: alternate care-of address %pI6c is not the source\n",
				     bu->hoa, &bu->coa);
		bu->ack.status = MH_BA_INVALID_COA;
		return MIP6SEC_STEP_REPLY;
	}
	return coa_tested(mn, bu) ? MIP6SEC_STEP_OK : MIP6SEC_STEP_DONE;
}

const struct mip6sec_way mip6sec_way_ipsec = {
	.auth = MIP6SEC_AUTH_IPSEC,
	.ack_to_coa = true,
	.refused = MIP6SEC_STAT_BU_IPSEC_REJECTED,
	.verify = ipsec_verify,
	.authorise = ipsec_authorise,
};
