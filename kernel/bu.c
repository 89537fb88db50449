// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec: Binding Updates authorised by a preconfigured Kbm
 * (draft-ietf-mip6-precfgKbm, RFC 6275 9.5.1), correspondent node side.
 *
 * A BU (H = 0) for a home address that has a Kbm must carry a Binding
 * Authorization Data option; Nonce Indices are ignored. The authenticator
 * is First(96, HMAC-SHA1(Kbm, care-of address | correspondent | MH data
 * with the checksum zeroed, up to the authenticator)), compared in
 * constant time. The sequence number must be newer (modulo 2^16) than the
 * last one accepted with the key. Such a BU is consumed here: the module
 * updates the binding cache and answers with an authenticated BA.
 *
 * A BU with an RFC 4285 authentication option goes to ha.c. A BU for a
 * home address without a Kbm (or with a Kbm bound to another address of
 * this node, or with H = 1) is return routability's or a home agent's
 * business: it goes on untouched to userspace (raw IPPROTO_MH
 * sockets), or is dropped when bu_nokey=drop.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <net/ipv6.h>
#include <net/xfrm.h>

#include "mip6sec.h"
#include "mh.h"

#define BU_FLAG_A	0x8000	/* acknowledge (RFC 6275 6.1.7) */
#define BU_FLAG_H	0x4000	/* home registration */

/* RFC 6275 6.1.8 status codes used here */
#define BA_ACCEPTED		0
#define BA_PROHIBITED		129
#define BA_INSUFFICIENT		130
#define BA_SEQ_OUT_OF_WINDOW	135
#define BA_INVALID_COA		174

enum mip6sec_verdict mip6sec_bu_without_key(struct mip6sec_net *mn)
{
	if (READ_ONCE(mip6sec_bu_nokey) == MIP6SEC_BU_NOKEY_DROP) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_BU_NOKEY_DROPPED);
		return MIP6SEC_DROP;
	}
	mip6sec_stat_inc(mn, MIP6SEC_STAT_BU_PASSED);
	return MIP6SEC_PASS;
}

/*
 * Replay check, then the binding cache change. Returns the BA status and
 * fills in ba->seq (for 135) and ba->lifetime. Caller holds kbm->lock.
 */
static u8 bu_apply(struct mip6sec_net *mn, struct mip6sec_kbm *kbm,
		   const struct mh_msg *m, const struct in6_addr *hoa,
		   const struct in6_addr *coa, const struct in6_addr *cn,
		   bool dereg, struct mip6sec_ba *ba, bool *exhausted)
{
	struct mip6sec_binding_req req = {
		.hoa = hoa,
		.coa = coa,
		.cn = cn,
		.key_id = kbm->id,
		.seq = m->seq,
		.auth = MIP6SEC_AUTH_KBM,
	};
	u16 lifetime;
	int err;

	lockdep_assert_held(&kbm->lock);
	switch (mip6sec_seq_check(&kbm->seq, m->seq, &ba->seq, exhausted)) {
	case MIP6SEC_SEQ_OK:
		break;
	case MIP6SEC_SEQ_OLD:
		mip6sec_stat_inc(mn, MIP6SEC_STAT_REPLAY);
		net_info_ratelimited("Binding Update for home address %pI6c: sequence number %u not newer than %u\n",
				     hoa, m->seq, ba->seq);
		return BA_SEQ_OUT_OF_WINDOW;
	case MIP6SEC_SEQ_REFUSED:
		return BA_PROHIBITED;
	}

	if (dereg) {
		if (mip6sec_bcache_dereg(mn, hoa, MIP6SEC_AUTH_KBM, NULL, 0) ==
		    -EPERM)
			return BA_PROHIBITED;
		return BA_ACCEPTED;
	}
	if (!mip6sec_addr_global(coa))
		return BA_INVALID_COA;

	lifetime = min_t(u16, m->lifetime, READ_ONCE(mip6sec_max_lifetime) / 4);
	req.lifetime = lifetime * 4;
	err = mip6sec_bcache_update(mn, &req);
	if (err)
		return mip6sec_bcache_refusal(mn, err, hoa);
	ba->lifetime = lifetime;
	return BA_ACCEPTED;
}

/* The BA status for a binding cache update that failed with @err. */
u8 mip6sec_bcache_refusal(struct mip6sec_net *mn, int err,
			  const struct in6_addr *hoa)
{
	switch (err) {
	case -EPERM:
		net_info_ratelimited("Binding Update for home address %pI6c: bound by another key\n",
				     hoa);
		return BA_PROHIBITED;
	case -ENOSPC:
		mip6sec_stat_inc(mn, MIP6SEC_STAT_BC_FULL);
		return BA_INSUFFICIENT;
	default:
		return BA_INSUFFICIENT;
	}
}

/* Called under rcu_read_lock() from the receive hook. */
enum mip6sec_verdict mip6sec_bu_rcv(struct mip6sec_net *mn,
				    const struct sk_buff *skb,
				    const struct mip6sec_pkt *p,
				    const struct mh_msg *m, const u8 *mh)
{
	const struct in6_addr *hoa = mip6sec_pkt_hoa(skb, p);
	const struct in6_addr *cn = mip6sec_pkt_daddr(skb, p);
	u8 mac[MIP6SEC_AUTH_LEN];
	struct mh_seg seg[MH_AUTH_SEGS];
	struct mip6sec_ba ba = {
		.in = p,
		.src = cn,
		.dst = &p->src,
		.hoa = hoa,
		.seq = m->seq,
	};
	struct mip6sec_kbm *kbm;
	struct in6_addr coa;
	bool dereg, exhausted;
	int n;

	mip6sec_stat_inc(mn, MIP6SEC_STAT_BU_RX);

	/* Answers come from the address the BU was sent to. */
	if (!(ipv6_addr_type(cn) & IPV6_ADDR_UNICAST))
		return MIP6SEC_DROP;

	/* An RFC 4285 authentication option: home agent business. */
	if (m->auth_mnha || m->auth_mnaaa)
		return mip6sec_ha_bu_rcv(mn, skb, p, m, mh);

	/* Protected by IPsec: draft-dupont-mipv6-cn-ipsec 4 (ipsec.c). */
	if (skb_sec_path(skb) && skb_sec_path(skb)->len) {
		struct mip6sec_ipsec_sa f;

		if (!mip6sec_ipsec_suitable(skb, hoa, cn, IPPROTO_MH, MH_BU,
					    &f))
			mip6sec_stat_inc(mn, MIP6SEC_STAT_IPSEC_UNSUITABLE);
		else if (mip6sec_ipsec_allowed(mn, hoa))
			return mip6sec_ipsec_bu_rcv(mn, p, m, mh, hoa, cn, &f);
	}

	kbm = mip6sec_kbm_lookup_rcu(mn, hoa);
	if (!kbm || (m->flags & BU_FLAG_H) ||
	    (!ipv6_addr_any(&kbm->cn) && !ipv6_addr_equal(&kbm->cn, cn)))
		return mip6sec_bu_without_key(mn);

	if (!m->bad) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_AUTH_FAIL);
		net_info_ratelimited("Binding Update for home address %pI6c without Binding Authorization Data\n",
				     hoa);
		return MIP6SEC_DROP;
	}

	/* RFC 6275 6.2.7: the home address stands in for de-registration. */
	mip6sec_msg_coa(p, mh, m->altcoa, &coa);
	dereg = m->lifetime == 0 || ipv6_addr_equal(&coa, hoa);
	ba.auth_coa = dereg ? hoa : &coa;

	n = mh_bad_input(m, mh, ba.auth_coa->s6_addr, cn->s6_addr, seg);
	if (n < 0 || mip6sec_hmac_sha1_96(&kbm->hmac, seg, n, mac) ||
	    !mip6sec_auth_equal(mac, mh + MH_BAD_DATA_OFF(m->bad))) {
		memzero_explicit(mac, sizeof(mac));
		mip6sec_stat_inc(mn, MIP6SEC_STAT_AUTH_FAIL);
		net_info_ratelimited("Binding Update for home address %pI6c from %pI6c: authenticator mismatch\n",
				     hoa, &p->src);
		return MIP6SEC_DROP;
	}
	memzero_explicit(mac, sizeof(mac));
	atomic64_inc(&kbm->uses);

	/* Authenticated: every answer from here on carries a BAD. */
	ba.key = &kbm->hmac;

	if (mip6sec_ipsec_overrides_kbm(mn, hoa, cn)) {
		net_info_ratelimited("Binding Update for home address %pI6c: authorised by IPsec only (kbm_and_ipsec=ipsec)\n",
				     hoa);
		ba.status = BA_PROHIBITED;
		mip6sec_send_ba(mn, &ba);
		return MIP6SEC_CONSUMED;
	}

	/*
	 * The sequence check and the binding cache change it allows happen
	 * under the key's lock: two BUs on two CPUs cannot apply in the
	 * wrong order.
	 */
	spin_lock_bh(&kbm->lock);
	ba.status = bu_apply(mn, kbm, m, hoa, &coa, cn, dereg, &ba,
			     &exhausted);
	spin_unlock_bh(&kbm->lock);
	if (exhausted)
		mip6sec_kbm_exhausted(mn, kbm);

	if (ba.status == BA_ACCEPTED) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_BU_ACCEPTED);
		if (!(m->flags & BU_FLAG_A))
			return MIP6SEC_CONSUMED;
	}

	/* RFC 6275 9.5.1: a rejection is always acknowledged. */
	mip6sec_send_ba(mn, &ba);
	return MIP6SEC_CONSUMED;
}
