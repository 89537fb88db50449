// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec: return routability, correspondent node side (RFC 6275 5.2,
 * 6.1.3-6.1.6, 9.4, 9.5.1, 9.5.4), with rr=kernel.
 *
 * Node key and nonces (5.2.2, 5.2.7). Each network namespace has a random
 * 20-octet Kcn, which lives only in its keyed transform, and a ring of
 * MIP6SEC_RR_NONCES nonces of 64 random bits, each with a 16-bit index.
 * A Home or Care-of Test Init that finds the newest nonce older than a
 * period (rr_nonce_lifetime_s / 8, 30 s by default) makes a new one with
 * the next index; a nonce is accepted in a Binding Update while younger
 * than rr_nonce_lifetime_s (MAX_NONCE_LIFETIME, 240 s). A token is thus
 * usable for at least 7/8 of that (MAX_TOKEN_LIFETIME, 210 s).
 *
 * Home Test Init -> Home Test, Care-of Test Init -> Care-of Test (9.4):
 * a Test Init with a Home Address option is silently ignored (9.4.1,
 * 9.4.2), and so is one from an address that is not global unicast, to an
 * address that is not unicast, or with a routing header. The Test goes
 * from the Init's destination to its source, echoes the cookie, and
 * carries the nonce index and the keygen token (5.2.5):
 *   home keygen token    = First(64, HMAC-SHA1(Kcn, home address | nonce | 0))
 *   care-of keygen token = First(64, HMAC-SHA1(Kcn, care-of address | nonce | 1))
 * One Test per Init at most, and at most rr_ratelimit per second to each
 * hash bucket of source /64 prefixes: the module cannot be made to send
 * more than it receives, nor to flood one network.
 *
 * The return routability way of the Binding Update pipeline (bu.c): a BU
 * with H = 0 and a Nonce Indices option, for a home address without a
 * preconfigured Kbm. Kbm = SHA1(home keygen token | care-of keygen token),
 * or SHA1(home keygen token) for a de-registration (the care-of nonce
 * index is then ignored), from the tokens this node would have sent for
 * the BU's home and care-of addresses and nonce indices. Unknown or
 * expired indices are answered with status 136, 137 or 138 and no Binding
 * Authorization Data (9.5.4); a wrong authenticator is silently dropped.
 * The binding's lifetime is at most MAX_RR_BINDING_LIFETIME (420 s) and
 * its sequence numbers are the binding's own.
 *
 * The packet path takes no lock: nonces are copied under the read side of
 * a seqlock. Making a nonce takes the write side, once a period.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ipv6.h>
#include <linux/jiffies.h>
#include <linux/random.h>
#include <linux/siphash.h>
#include <linux/skbuff.h>
#include <net/ipv6.h>

#include "mip6sec.h"
#include "mh.h"

#define RR_KCN_LEN		SHA1_DIGEST_SIZE	/* RFC 6275 5.2.1 */
#define RR_TOKEN_LEN		8			/* 64 bits */
#define RR_MAX_BINDING_LIFETIME	420	/* RFC 6275 12 */
#define RR_TEST_LEN		24	/* HoT, CoT: RFC 6275 6.1.5, 6.1.6 */

static unsigned long rr_lifetime(void)
{
	return READ_ONCE(mip6sec_rr_nonce_lifetime_s) * HZ;
}

/* How often a new nonce is made: an eighth of the lifetime, >= 1 s. */
static unsigned long rr_period(void)
{
	return max_t(unsigned long, rr_lifetime() / 8, HZ);
}

static struct mip6sec_nonce *rr_slot(struct mip6sec_rr *rr, u16 index)
{
	return &rr->nonces[index % MIP6SEC_RR_NONCES];
}

/* A copy of the nonce of @index if it is still acceptable. Lock-free. */
static bool rr_nonce_get(struct mip6sec_rr *rr, u16 index,
			 struct mip6sec_nonce *out)
{
	const struct mip6sec_nonce *n = rr_slot(rr, index);
	unsigned int seq;

	do {
		seq = read_seqbegin(&rr->lock);
		*out = *n;
	} while (read_seqretry(&rr->lock, seq));
	return out->valid && out->index == index &&
	       time_before(jiffies, out->born + rr_lifetime());
}

/* The nonce to make tokens with: the newest, or a new one. */
static void rr_nonce_current(struct mip6sec_rr *rr, struct mip6sec_nonce *out)
{
	unsigned long now = jiffies;
	struct mip6sec_nonce *n;
	unsigned int seq;
	u16 index;

	do {
		seq = read_seqbegin(&rr->lock);
		*out = *rr_slot(rr, READ_ONCE(rr->newest));
	} while (read_seqretry(&rr->lock, seq));
	if (out->valid && time_before(now, out->born + rr_period()))
		return;

	write_seqlock_bh(&rr->lock);
	n = rr_slot(rr, rr->newest);
	if (!n->valid || !time_before(now, n->born + rr_period())) {
		index = n->valid ? rr->newest + 1 : rr->newest;
		n = rr_slot(rr, index);
		get_random_bytes(n->nonce, sizeof(n->nonce));
		n->born = now;
		n->index = index;
		n->valid = true;
		WRITE_ONCE(rr->newest, index);
	}
	*out = *n;
	write_sequnlock_bh(&rr->lock);
}

/* RFC 6275 5.2.5: First(64, HMAC-SHA1(Kcn, address | nonce | id)). */
static int rr_token(struct mip6sec_rr *rr, const struct in6_addr *addr,
		    const struct mip6sec_nonce *n, u8 id,
		    u8 token[RR_TOKEN_LEN])
{
	struct mh_seg seg[3] = {
		{ addr->s6_addr, sizeof(*addr) },
		{ n->nonce, sizeof(n->nonce) },
		{ &id, 1 },
	};

	return mip6sec_hmac_sha1(&rr->kcn, seg, ARRAY_SIZE(seg), token,
				 RR_TOKEN_LEN);
}

/* At most rr_ratelimit Tests a second to one bucket of /64 prefixes. */
static bool rr_rate_ok(struct mip6sec_net *mn, const struct in6_addr *to)
{
	unsigned int limit = READ_ONCE(mip6sec_rr_ratelimit);
	struct mip6sec_rr_rate *r;
	unsigned long now = jiffies, start;

	if (!limit)
		return true;
	r = &mn->rr.rate[siphash(to, 8, &mn->be_key) % MIP6SEC_BE_BUCKETS];
	start = READ_ONCE(r->start);
	if (!time_before(now, start + HZ) && cmpxchg(&r->start, start, now) ==
	    start)
		atomic_set(&r->count, 0);
	return atomic_inc_return(&r->count) <= limit;
}

/*
 * A Home Test Init or Care-of Test Init (RFC 6275 9.4.1, 9.4.2), whose
 * checksum the hook verified. Under rcu_read_lock() with softirqs off.
 */
enum mip6sec_verdict mip6sec_rr_init_rcv(struct mip6sec_net *mn,
					 const struct sk_buff *skb,
					 const struct mip6sec_pkt *p,
					 const struct mh_msg *m, const u8 *mh)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	bool home = m->type == MH_HOTI;
	struct mip6sec_nonce n;
	u8 test[RR_TEST_LEN] = {
		MH_PAYLOAD_NONE, RR_TEST_LEN / 8 - 1, home ? MH_HOT : MH_COT,
	};

	mip6sec_stat_inc(mn, home ? MIP6SEC_STAT_RR_HOTI_RX :
			 MIP6SEC_STAT_RR_COTI_RX);
	if (READ_ONCE(mip6sec_rr) != MIP6SEC_RR_MODE_KERNEL) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_RR_PASSED);
		return MIP6SEC_PASS;
	}
	/*
	 * 9.4.1/9.4.2: "The packet MUST NOT include a Home Address
	 * destination option" or it is silently ignored; nor is a Test sent
	 * from a non-unicast address, to a non-global one, or along a
	 * routing header nobody authenticated.
	 */
	if (p->has_hao || p->has_rh2 || !mip6sec_addr_global(&ip6h->saddr) ||
	    !(ipv6_addr_type(&ip6h->daddr) & IPV6_ADDR_UNICAST)) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_RR_INIT_DROPPED);
		net_dbg_ratelimited("ignored %s Test Init from %pI6c\n",
				    home ? "Home" : "Care-of", &ip6h->saddr);
		return MIP6SEC_DROP;
	}
	if (!rr_rate_ok(mn, &ip6h->saddr)) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_RR_RATELIMITED);
		return MIP6SEC_DROP;
	}

	rr_nonce_current(&mn->rr, &n);
	test[6] = n.index >> 8;
	test[7] = n.index & 0xff;
	memcpy(test + 8, mh + 8, 8);		/* the Init's cookie */
	if (!rr_token(&mn->rr, &ip6h->saddr, &n, home ? 0 : 1, test + 16) &&
	    !mip6sec_mh_xmit(mn, p, &ip6h->daddr, &ip6h->saddr, NULL, test,
			     sizeof(test)))
		mip6sec_stat_inc(mn, home ? MIP6SEC_STAT_RR_HOT_SENT :
				 MIP6SEC_STAT_RR_COT_SENT);
	memzero_explicit(&n, sizeof(n));
	return MIP6SEC_CONSUMED;
}

/*
 * Kbm from the tokens of the BU's indices (RFC 6275 5.2.5, 9.5.1), or the
 * status that refuses them: 136, 137 or 138.
 */
static u8 rr_kbm(struct mip6sec_rr *rr, struct mip6sec_bu *bu)
{
	const u8 *ni = bu->mh + bu->m->nonce + 2;
	struct mip6sec_nonce hn, cn;
	u8 tokens[2 * RR_TOKEN_LEN];
	struct mh_seg seg = { tokens, RR_TOKEN_LEN };
	bool home_ok, coa_ok;
	int err;

	home_ok = rr_nonce_get(rr, mh_get_be16(ni), &hn);
	/* De-registration: "the care-of nonce index is ignored". */
	coa_ok = bu->dereg || rr_nonce_get(rr, mh_get_be16(ni + 2), &cn);
	if (!home_ok || !coa_ok) {
		memzero_explicit(&hn, sizeof(hn));
		memzero_explicit(&cn, sizeof(cn));
		return !home_ok && !coa_ok ? MH_BA_NONCES_EXPIRED :
		       !home_ok ? MH_BA_HOME_NONCE_EXPIRED :
		       MH_BA_COA_NONCE_EXPIRED;
	}
	err = rr_token(rr, bu->hoa, &hn, 0, tokens);
	if (!err && !bu->dereg) {
		err = rr_token(rr, &bu->coa, &cn, 1, tokens + RR_TOKEN_LEN);
		seg.len += RR_TOKEN_LEN;
	}
	if (!err)
		err = mip6sec_sha1(&seg, 1, bu->rr_kbm);
	memzero_explicit(tokens, sizeof(tokens));
	memzero_explicit(&hn, sizeof(hn));
	memzero_explicit(&cn, sizeof(cn));
	return err ? MH_BA_INSUFFICIENT : 0;
}

static enum mip6sec_step rr_verify(struct mip6sec_net *mn,
				   struct mip6sec_bu *bu)
{
	u8 status;

	/* 9.5.1: Binding Authorization Data must be present too. */
	if (!bu->m->bad) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_AUTH_FAIL);
		net_info_ratelimited("Binding Update for home address %pI6c from %pI6c: Nonce Indices without Binding Authorization Data\n",
				     bu->hoa, &bu->p->src);
		return MIP6SEC_STEP_DROP;
	}
	status = rr_kbm(&mn->rr, bu);
	if (status) {
		/* 9.5.4: no Binding Authorization Data with 136-138. */
		if (status == MH_BA_INSUFFICIENT) {
			mip6sec_stat_inc(mn, MIP6SEC_STAT_BU_REFUSED);
			net_info_ratelimited("Binding Update for home address %pI6c from %pI6c: Kbm not computed\n",
					     bu->hoa, &bu->p->src);
		} else {
			mip6sec_stat_inc(mn, MIP6SEC_STAT_RR_NONCE_EXPIRED);
			net_info_ratelimited("Binding Update for home address %pI6c from %pI6c: nonce index unknown or expired\n",
					     bu->hoa, &bu->p->src);
		}
		bu->ack.status = status;
		return MIP6SEC_STEP_REPLY;
	}
	mip6sec_hmac_onstack(&bu->key, bu->rr_kbm);
	if (!mip6sec_bu_bad_ok(bu, &bu->key)) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_AUTH_FAIL);
		net_info_ratelimited("Binding Update for home address %pI6c from %pI6c: authenticator mismatch (return routability)\n",
				     bu->hoa, &bu->p->src);
		return MIP6SEC_STEP_DROP;
	}
	/* Authenticated: every answer from here on carries a BAD. */
	bu->ack.bad = &bu->key;
	bu->ack.auth_coa = bu->dereg ? bu->hoa : &bu->coa;
	bu->max_lifetime = min_t(u32, READ_ONCE(mip6sec_max_lifetime),
				 RR_MAX_BINDING_LIFETIME);
	return MIP6SEC_STEP_OK;
}

/* The pipeline wipes bu->rr_kbm once it has answered. */
const struct mip6sec_way mip6sec_way_rr = {
	.auth = MIP6SEC_AUTH_RR,
	.verify = rr_verify,
};

/* rr-get: what an operator may see. Never Kcn, nonces or tokens. */
void mip6sec_rr_info(struct mip6sec_net *mn, struct mip6sec_rr_info *info)
{
	struct mip6sec_rr *rr = &mn->rr;
	unsigned long now = jiffies, life = rr_lifetime(), age;
	struct mip6sec_nonce n;
	unsigned int i, seq;
	u16 newest;

	info->kcn_age = (now - rr->kcn_born) / HZ;
	info->n = 0;
	newest = READ_ONCE(rr->newest);
	for (i = 0; i < MIP6SEC_RR_NONCES; i++) {
		do {
			seq = read_seqbegin(&rr->lock);
			n = *rr_slot(rr, newest - i);
		} while (read_seqretry(&rr->lock, seq));
		age = now - n.born;
		if (!n.valid || n.index != (u16)(newest - i) || age >= life)
			break;
		info->nonce[info->n].index = n.index;
		info->nonce[info->n].age = age / HZ;
		info->nonce[info->n].expires = DIV_ROUND_UP(life - age, HZ);
		info->n++;
	}
	memzero_explicit(&n, sizeof(n));
}

int mip6sec_rr_init(struct mip6sec_net *mn)
{
	struct mip6sec_rr *rr = &mn->rr;
	u8 kcn[RR_KCN_LEN];
	int i, err;

	get_random_bytes(kcn, sizeof(kcn));
	err = mip6sec_hmac_init(&rr->kcn, kcn, sizeof(kcn));
	memzero_explicit(kcn, sizeof(kcn));
	if (err)
		return err;
	rr->kcn_born = jiffies;
	seqlock_init(&rr->lock);
	memset(rr->nonces, 0, sizeof(rr->nonces));
	/* The first index is random: indices say nothing of the node's age. */
	rr->newest = get_random_u32() & 0xffff;
	for (i = 0; i < MIP6SEC_BE_BUCKETS; i++) {
		rr->rate[i].start = jiffies - HZ;
		atomic_set(&rr->rate[i].count, 0);
	}
	return 0;
}

/* No packet can reach the state any more. */
void mip6sec_rr_destroy(struct mip6sec_net *mn)
{
	mip6sec_hmac_destroy(&mn->rr.kcn);
	memzero_explicit(mn->rr.nonces, sizeof(mn->rr.nonces));
}
