// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec: one pipeline for Binding Updates (RFC 6275 9.5.1) and Fast
 * Binding Updates (RFC 5568 6.2.2), whatever authorises them.
 *
 *  1. Pick the way that authorises the message, in this order:
 *       Fast Binding Update                  fast handover key (fbu.c)
 *       RFC 4285 authentication option       mobility SA (ha.c)
 *       protected by a suitable IPsec SA     the SA (ipsec.c)
 *       H = 0, a Kbm for the home address    the Kbm (kbm.c)
 *       H = 0, Nonce Indices, rr=kernel      return routability (rr.c)
 *     None: the message is not the module's (a home registration for a
 *     userspace home agent, return routability in userspace): bu_nokey
 *     passes it on untouched or drops it.
 *  2. verify: the way finds its key and checks the authenticator. Until
 *     then no reply carries an authenticator.
 *  3. authorise: may this key register this home (and care-of) address.
 *  4. Under the way's lock, so that two messages on two CPUs cannot apply
 *     in the wrong order: the replay check (the key's sequence number or
 *     timestamp, or else the binding's sequence number), then the one
 *     binding cache change (or, for an FBU, the handover notification).
 *  5. One reply: an accepted message is acknowledged when it asks (A), an
 *     FBU always; a refusal is always answered (RFC 6275 9.5.1), through
 *     the rate limit of every reply to a source that was not shown to be
 *     a care-of address of an authenticated mobile node; FBU refusals are
 *     silent.
 *
 * A message with a type 2 Routing Header is dropped: a mobile node never
 * sends one (RFC 6275 6.1), and its address, which no authenticator
 * covers, would become the source of the reply.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <net/ipv6.h>
#include <net/xfrm.h>

#include "mip6sec.h"
#include "mh.h"

/* No way authorises it: a userspace daemon's business, or nobody's. */
static enum mip6sec_verdict bu_nokey(struct mip6sec_net *mn)
{
	if (READ_ONCE(mip6sec_bu_nokey) == MIP6SEC_BU_NOKEY_DROP) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_BU_NOKEY_DROPPED);
		return MIP6SEC_DROP;
	}
	mip6sec_stat_inc(mn, MIP6SEC_STAT_BU_PASSED);
	return MIP6SEC_PASS;
}

static const struct mip6sec_way *bu_pick(struct mip6sec_net *mn,
					 struct mip6sec_bu *bu)
{
	const struct mh_msg *m = bu->m;
	const struct sec_path *sp = skb_sec_path(bu->skb);
	struct mip6sec_kbm *kbm;

	if (m->type == MH_FBU)
		return &mip6sec_way_fbu;
	if (m->auth_mnha || m->auth_mnaaa)
		return &mip6sec_way_ha;
	if (sp && sp->len) {
		if (!mip6sec_ipsec_suitable(bu->skb, bu->hoa, bu->cn,
					    IPPROTO_MH, MH_BU, &bu->ipsec))
			mip6sec_stat_inc(mn, MIP6SEC_STAT_IPSEC_UNSUITABLE);
		else if (mip6sec_ipsec_allowed(mn, bu->hoa))
			return &mip6sec_way_ipsec;
	}
	/* A home registration: a home agent's (a userspace daemon). */
	if ((m->flags & MH_BU_FLAG_H) || !mip6sec_addr_global(bu->hoa))
		return NULL;
	/* A preconfigured Kbm overrides return routability. */
	kbm = mip6sec_kbm_lookup_rcu(mn, bu->hoa);
	if (kbm) {
		/* Bound to another address of this node. */
		if (!ipv6_addr_any(&kbm->cn) &&
		    !ipv6_addr_equal(&kbm->cn, bu->cn))
			return NULL;
		bu->kbm = kbm;
		return &mip6sec_way_kbm;
	}
	if (m->nonce && READ_ONCE(mip6sec_rr) == MIP6SEC_RR_MODE_KERNEL)
		return &mip6sec_way_rr;
	return NULL;
}

/*
 * RFC 6275 6.2.7: First(96, HMAC-SHA1(Kbm, care-of address | correspondent
 * | MH data up to the authenticator)), the home address standing in for
 * the care-of address in a de-registration; compared in constant time.
 */
bool mip6sec_bu_bad_ok(const struct mip6sec_bu *bu,
		       const struct mip6sec_hmac *key)
{
	const struct in6_addr *auth_coa = bu->dereg ? bu->hoa : &bu->coa;
	struct mh_seg seg[MH_AUTH_SEGS];
	u8 mac[MIP6SEC_AUTH_LEN];
	bool ok;
	int n;

	n = mh_bad_input(bu->m, bu->mh, auth_coa->s6_addr, bu->cn->s6_addr,
			 seg);
	ok = n >= 0 && !mip6sec_hmac_sha1_96(key, seg, n, mac) &&
	     mip6sec_auth_equal(mac, bu->mh + MH_BAD_DATA_OFF(bu->m->bad));
	memzero_explicit(mac, sizeof(mac));
	return ok;
}

/*
 * The sequence number against a key's replay state @s (RFC 6275 9.5.1):
 * 0, or the BA status that refuses it (135 with the last number accepted,
 * or 129 once kbm_wrap=refuse finds the numbers used up). Under the key's
 * lock.
 */
u8 mip6sec_bu_seq_check(struct mip6sec_net *mn, struct mip6sec_bu *bu,
			struct mip6sec_seq *s)
{
	switch (mip6sec_seq_check(s, bu->m->seq, &bu->ack.seq,
				  &bu->exhausted)) {
	case MIP6SEC_SEQ_OK:
		return 0;
	case MIP6SEC_SEQ_OLD:
		mip6sec_stat_inc(mn, bu->m->type == MH_FBU ?
				 MIP6SEC_STAT_FBU_REPLAY : MIP6SEC_STAT_REPLAY);
		net_info_ratelimited("%s for home address %pI6c from %pI6c: sequence number %u not newer than %u\n",
				     bu->m->type == MH_FBU ?
				     "Fast Binding Update" : "Binding Update",
				     bu->hoa, &bu->p->src, bu->m->seq,
				     bu->ack.seq);
		return MH_BA_SEQ_OUT_OF_WINDOW;
	default:
		mip6sec_stat_inc(mn, bu->m->type == MH_FBU ?
				 MIP6SEC_STAT_FBU_REPLAY :
				 MIP6SEC_STAT_BU_REFUSED);
		net_info_ratelimited("%s for home address %pI6c: sequence numbers of the key used up (kbm_wrap=refuse)\n",
				     bu->m->type == MH_FBU ?
				     "Fast Binding Update" : "Binding Update",
				     bu->hoa);
		return MH_BA_PROHIBITED;
	}
}

/* The binding cache change; a BA status. Under bu->lock, if any. */
static u8 bu_bind(struct mip6sec_net *mn, struct mip6sec_bu *bu)
{
	const struct mh_msg *m = bu->m;
	u16 last = 0;
	struct mip6sec_binding_req req = {
		.hoa = bu->hoa,
		.coa = &bu->coa,
		.cn = bu->cn,
		.key_id = bu->key_id,
		.seq = m->seq,
		.auth = bu->way->auth,
		.spi = bu->spi,
		.dereg = bu->dereg,
		/* Without a replay state of its own: the binding's. */
		.last_seq = bu->bind_seq ? &last : NULL,
	};
	u32 units = 0;

	if (bu->way->auth == MIP6SEC_AUTH_MN_HA) {
		req.nai = bu->ack.nai;
		req.nai_len = bu->ack.nai_len;
	}
	if (!bu->dereg) {
		units = min_t(u32, m->lifetime, bu->max_lifetime / 4);
		if (!units) {		/* the key expires within 4 s */
			mip6sec_stat_inc(mn, MIP6SEC_STAT_BU_REFUSED);
			net_info_ratelimited("Binding Update for home address %pI6c: its key expires within 4 s\n",
					     bu->hoa);
			return MH_BA_INSUFFICIENT;
		}
		req.lifetime = units * 4;
	}
	switch (mip6sec_bcache_update(mn, &req)) {
	case 0:
	case -ENOENT:		/* de-registration of nothing */
		bu->ack.lifetime = units;
		return MH_BA_ACCEPTED;
	case -EALREADY:
		mip6sec_stat_inc(mn, MIP6SEC_STAT_REPLAY);
		net_info_ratelimited("Binding Update for home address %pI6c: sequence number %u not newer than %u\n",
				     bu->hoa, m->seq, last);
		bu->ack.seq = last;
		return MH_BA_SEQ_OUT_OF_WINDOW;
	case -EPERM:
		mip6sec_stat_inc(mn, MIP6SEC_STAT_BU_HOA_MISMATCH);
		net_info_ratelimited("Binding Update for home address %pI6c: bound by another key\n",
				     bu->hoa);
		return MH_BA_PROHIBITED;
	case -ENOSPC:
		mip6sec_stat_inc(mn, MIP6SEC_STAT_BC_FULL);
		return MH_BA_INSUFFICIENT;
	default:
		mip6sec_stat_inc(mn, MIP6SEC_STAT_BU_REFUSED);
		net_info_ratelimited("Binding Update for home address %pI6c: no memory for the binding\n",
				     bu->hoa);
		return MH_BA_INSUFFICIENT;
	}
}

/* The way's replay check, then the change. Under bu->lock, if any. */
static u8 bu_change(struct mip6sec_net *mn, struct mip6sec_bu *bu)
{
	const struct mip6sec_way *way = bu->way;
	u8 status = 0;

	if (way->replay)
		status = way->replay(mn, bu);
	if (!status)
		status = way->commit ? way->commit(mn, bu) : bu_bind(mn, bu);
	return status;
}

/* Step 4: replay check and change, under the way's lock. */
static enum mip6sec_step bu_apply(struct mip6sec_net *mn,
				  struct mip6sec_bu *bu)
{
	u8 status;

	if (bu->lock) {
		spin_lock_bh(bu->lock);
		status = bu_change(mn, bu);
		spin_unlock_bh(bu->lock);
	} else {
		status = bu_change(mn, bu);
	}
	bu->ack.status = status;
	if (bu->way->done)
		bu->way->done(mn, bu);
	if (!status)
		return MIP6SEC_STEP_OK;
	return bu->way->silent ? MIP6SEC_STEP_DROP : MIP6SEC_STEP_REPLY;
}

/*
 * Send bu->ack, with a type 2 Routing Header when a BA goes to a care-of
 * address (RFC 6275 6.4).
 */
void mip6sec_bu_send(struct mip6sec_net *mn, struct mip6sec_bu *bu)
{
	struct mip6sec_ack *a = &bu->ack;

	a->rh2 = a->type == MH_BA && !ipv6_addr_equal(bu->hoa, a->dst) ?
		 bu->hoa : NULL;
	mip6sec_send_ack(mn, a);
}

/*
 * A refusal goes to the message's source, which nothing authenticated:
 * one reply per request at most, and no more than one per
 * be_ratelimit_ms and hash bucket of destinations.
 */
static void bu_refuse(struct mip6sec_net *mn, struct mip6sec_bu *bu)
{
	if (bu->way->refused)
		mip6sec_stat_inc(mn, bu->way->refused);
	if (!mip6sec_reply_allowed(mn, bu->ack.dst)) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_BE_RATELIMITED);
		return;
	}
	mip6sec_bu_send(mn, bu);
}

static enum mip6sec_verdict bu_process(struct mip6sec_net *mn,
				       struct mip6sec_bu *bu)
{
	const struct mh_msg *m = bu->m;
	bool fbu = m->type == MH_FBU;
	enum mip6sec_step step;

	mip6sec_stat_inc(mn, fbu ? MIP6SEC_STAT_FBU_RX : MIP6SEC_STAT_BU_RX);
	if (bu->p->has_rh2) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_BAD_EXTHDR);
		net_info_ratelimited("dropped Binding Update from %pI6c with a type 2 Routing Header\n",
				     &bu->p->src);
		return MIP6SEC_DROP;
	}
	/* Answers come from the address the message was sent to. */
	if (!(ipv6_addr_type(bu->cn) & IPV6_ADDR_UNICAST)) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_BU_BAD_ADDR);
		return MIP6SEC_DROP;
	}
	mip6sec_msg_coa(bu->p, bu->mh, m->altcoa, &bu->coa);
	/* RFC 6275 9.5.1: lifetime 0, or the home address as care-of address */
	bu->dereg = !fbu && (!m->lifetime ||
			     ipv6_addr_equal(&bu->coa, bu->hoa));

	bu->way = bu_pick(mn, bu);
	if (!bu->way)
		return bu_nokey(mn);
	/*
	 * RFC 6275 9.5.1: a care-of address that is not unicast routable
	 * makes the Binding Update be silently discarded (paraphrase).
	 */
	if (!bu->dereg && !mip6sec_addr_global(&bu->coa)) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_BU_BAD_ADDR);
		net_info_ratelimited("dropped Binding Update for home address %pI6c: care-of address %pI6c is not unicast routable\n",
				     bu->hoa, &bu->coa);
		return MIP6SEC_DROP;
	}
	bu->bind_seq = !bu->way->replay;
	step = bu->way->verify(mn, bu);
	if (step == MIP6SEC_STEP_OK && bu->way->authorise)
		step = bu->way->authorise(mn, bu);
	if (step == MIP6SEC_STEP_OK)
		step = bu_apply(mn, bu);

	switch (step) {
	case MIP6SEC_STEP_OK:
		break;
	case MIP6SEC_STEP_REPLY:
		bu_refuse(mn, bu);
		return MIP6SEC_CONSUMED;
	case MIP6SEC_STEP_NOKEY:
		return bu_nokey(mn);
	case MIP6SEC_STEP_DONE:
		return MIP6SEC_CONSUMED;
	default:
		return MIP6SEC_DROP;
	}

	mip6sec_stat_inc(mn, fbu ? MIP6SEC_STAT_FBU_ACCEPTED :
			 MIP6SEC_STAT_BU_ACCEPTED);
	if (fbu || (m->flags & MH_BU_FLAG_A)) {
		if (bu->way->ack_to_coa && !bu->dereg)
			bu->ack.dst = &bu->coa;
		mip6sec_bu_send(mn, bu);
	}
	return MIP6SEC_CONSUMED;
}

/*
 * A Binding Update or Fast Binding Update the receive hook parsed and
 * checksummed. Called under rcu_read_lock() with softirqs off.
 */
enum mip6sec_verdict mip6sec_bu_rcv(struct mip6sec_net *mn,
				    const struct sk_buff *skb,
				    const struct mip6sec_pkt *p,
				    const struct mh_msg *m, const u8 *mh)
{
	struct mip6sec_bu bu = {
		.skb = skb,
		.p = p,
		.m = m,
		.mh = mh,
		.hoa = mip6sec_pkt_hoa(skb, p),
		.cn = &ipv6_hdr(skb)->daddr,
		.ack = {
			.in = p,
			.type = m->type == MH_FBU ? MH_FBACK : MH_BA,
			.src = &ipv6_hdr(skb)->daddr,
			.dst = &p->src,
			.seq = m->seq,
		},
	};
	enum mip6sec_verdict v = bu_process(mn, &bu);

	/* Return routability's Kbm was made for this message only. */
	memzero_explicit(bu.rr_kbm, sizeof(bu.rr_kbm));
	return v;
}
