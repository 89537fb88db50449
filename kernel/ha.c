// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec: home agent, Binding Updates authenticated with the RFC 4285
 * Mobility Message Authentication option (draft-giaretta-mip6-amsk: MN-HA
 * and MN-AAA keys derived from the EAP EMSK, provisioned with sa-add).
 *
 * The BU names the mobile node with an NAI (RFC 4283 Mobile Node
 * Identifier option) and its key with a Mobility SPI; the SA is looked up
 * by both (sa.c), never by the SPI alone. Then, in this order:
 *  - the authenticator (RFC 4285 5.1 MN-HA or 5.2 MN-AAA), constant time;
 *  - the home address, when the SA is bound to one;
 *  - replay protection per SA, sequence number (modulo 2^16) or Replay
 *    Protection option (RFC 4285 6, NTP timestamp within replay_window_s,
 *    strictly increasing), under the SA's lock together with the binding
 *    cache change it allows.
 * The BA echoes the MN-ID option and carries an authentication option
 * computed like the BU's. A rejection before the authenticator was
 * verified (unknown SPI, wrong authenticator) is answered without one, so
 * that no key-derived value is ever sent in answer to an unauthenticated
 * message; rejections are rate-limited per destination like Binding
 * Errors.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ipv6.h>
#include <linux/math64.h>
#include <linux/skbuff.h>
#include <linux/timekeeping.h>
#include <net/ipv6.h>

#include "mip6sec.h"
#include "mh.h"

#define BU_FLAG_A	0x8000

/* RFC 6275 6.1.8 and RFC 4285 8 status codes used here */
#define BA_ACCEPTED		0
#define BA_PROHIBITED		129
#define BA_INSUFFICIENT		130
#define BA_SEQ_OUT_OF_WINDOW	135
#define BA_ID_MISMATCH		144
#define BA_MESG_ID_REQD		145
#define BA_AUTH_FAIL		146
#define BA_INVALID_COA		174

/* Seconds from 1900-01-01 (NTP era 0) to 1970-01-01. */
#define NTP_UNIX_OFFSET		2208988800ULL

/* The current time as a 64-bit NTP timestamp, 32.32 fixed point. */
static u64 ntp_now(void)
{
	struct timespec64 ts;

	ktime_get_real_ts64(&ts);
	return ((u64)(ts.tv_sec + NTP_UNIX_OFFSET) << 32) |
	       div_u64((u64)ts.tv_nsec << 32, NSEC_PER_SEC);
}

static u64 get_be64(const u8 *p)
{
	return ((u64)mh_get_be32(p) << 32) | mh_get_be32(p + 4);
}

/*
 * RFC 4285 6: within replay_window_s of this node's clock and newer than
 * the last one accepted with the SA. Differences are taken modulo 2^64,
 * so that the NTP era rollover of 2036 changes nothing. Caller holds
 * sa->lock.
 */
static bool ts_acceptable(const struct mip6sec_sa *sa, u64 ts, u64 now)
{
	s64 window = (s64)READ_ONCE(mip6sec_replay_window_s) << 32;
	s64 diff = (s64)(ts - now);

	if (diff > window || diff < -window)
		return false;
	return !sa->ts_valid || (s64)(ts - sa->last_ts) > 0;
}

struct ha_bu {
	const struct mh_msg *m;
	const u8 *mh;
	const struct in6_addr *hoa;
	const struct in6_addr *coa;
	const struct in6_addr *ha;
	bool dereg;
};

/*
 * Replay check, then the binding cache change. Returns the BA status and
 * fills in ack->seq (for 135), ack->lifetime and the Replay Protection
 * option. Caller holds sa->lock.
 */
static u8 ha_apply(struct mip6sec_net *mn, struct mip6sec_sa *sa,
		   const struct ha_bu *bu, struct mip6sec_ack *ack,
		   bool *exhausted)
{
	const struct mh_msg *m = bu->m;
	struct mip6sec_binding_req req = {
		.hoa = bu->hoa,
		.coa = bu->coa,
		.cn = bu->ha,
		.key_id = sa->id,
		.seq = m->seq,
		.auth = MIP6SEC_AUTH_MN_HA,
		.nai = sa->nai->id,
		.nai_len = sa->nai->len,
		.spi = sa->spi,
	};
	u32 units;
	u64 ts, now;

	lockdep_assert_held(&sa->lock);
	*exhausted = false;
	if (sa->replay == MIP6SEC_REPLAY_TIMESTAMP) {
		if (!m->replay) {
			mip6sec_stat_inc(mn, MIP6SEC_STAT_TS_MISSING);
			return BA_MESG_ID_REQD;
		}
		ts = get_be64(bu->mh + m->replay + 2);
		now = ntp_now();
		ack->has_ts = true;
		if (!ts_acceptable(sa, ts, now)) {
			/* Our time, so that the mobile node can catch up. */
			ack->ts = now;
			mip6sec_stat_inc(mn, MIP6SEC_STAT_TS_MISMATCH);
			net_info_ratelimited("Binding Update of NAI %*pE: timestamp out of window or not newer\n",
					     sa->nai->len, sa->nai->id);
			return BA_ID_MISMATCH;
		}
		ack->ts = ts;
		sa->last_ts = ts;
		sa->ts_valid = true;
	} else {
		switch (mip6sec_seq_check(&sa->seq, m->seq, &ack->seq,
					  exhausted)) {
		case MIP6SEC_SEQ_OK:
			break;
		case MIP6SEC_SEQ_OLD:
			mip6sec_stat_inc(mn, MIP6SEC_STAT_REPLAY);
			net_info_ratelimited("Binding Update of NAI %*pE: sequence number %u not newer than %u\n",
					     sa->nai->len, sa->nai->id, m->seq,
					     ack->seq);
			return BA_SEQ_OUT_OF_WINDOW;
		case MIP6SEC_SEQ_REFUSED:
			return BA_PROHIBITED;
		}
	}

	if (bu->dereg) {
		switch (mip6sec_bcache_dereg(mn, bu->hoa, req.auth, req.nai,
					     req.nai_len)) {
		case -EPERM:
			mip6sec_stat_inc(mn, MIP6SEC_STAT_BU_HOA_MISMATCH);
			return BA_PROHIBITED;
		default:
			return BA_ACCEPTED;
		}
	}
	if (!mip6sec_addr_global(bu->coa))
		return BA_INVALID_COA;

	units = min_t(u32, m->lifetime, READ_ONCE(mip6sec_max_lifetime) / 4);
	if (sa->expires)
		units = min(units, mip6sec_sa_lifetime(sa) / 4);
	if (!units)
		return BA_PROHIBITED;	/* the SA is about to expire */
	req.lifetime = units * 4;
	switch (mip6sec_bcache_update(mn, &req)) {
	case 0:
		ack->lifetime = units;
		return BA_ACCEPTED;
	case -EPERM:
		mip6sec_stat_inc(mn, MIP6SEC_STAT_BU_HOA_MISMATCH);
		net_info_ratelimited("Binding Update of NAI %*pE: home address %pI6c is bound to another mobile node\n",
				     sa->nai->len, sa->nai->id, bu->hoa);
		return BA_PROHIBITED;
	case -ENOSPC:
		mip6sec_stat_inc(mn, MIP6SEC_STAT_BC_FULL);
		return BA_INSUFFICIENT;
	default:
		return BA_INSUFFICIENT;
	}
}

/* A rejection: rate-limited per destination. */
static void ha_reject(struct mip6sec_net *mn, struct mip6sec_ack *ack, u8 status)
{
	ack->status = status;
	if (!mip6sec_reply_allowed(mn, ack->dst)) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_BE_RATELIMITED);
		return;
	}
	mip6sec_send_ack(mn, ack);
}

/* Called under rcu_read_lock() from bu.c for a BU with an auth option. */
enum mip6sec_verdict mip6sec_ha_bu_rcv(struct mip6sec_net *mn,
				       const struct sk_buff *skb,
				       const struct mip6sec_pkt *p,
				       const struct mh_msg *m, const u8 *mh)
{
	const struct in6_addr *hoa = mip6sec_pkt_hoa(skb, p);
	const struct in6_addr *ha = mip6sec_pkt_daddr(skb, p);
	/* The authentication option in force is the last one (RFC 4285 5). */
	u16 auth_off = max(m->auth_mnha, m->auth_mnaaa);
	u8 subtype = auth_off == m->auth_mnha ? MH_AUTH_MN_HA : MH_AUTH_MN_AAA;
	u8 use = subtype == MH_AUTH_MN_HA ? MIP6SEC_SA_USE_MN_HA :
					    MIP6SEC_SA_USE_MN_AAA;
	struct mip6sec_ack ack = {
		.in = p,
		.type = MH_BA,
		.src = ha,
		.dst = &p->src,
		.rh2 = ipv6_addr_equal(hoa, &p->src) ? NULL : hoa,
		.seq = m->seq,
		.subtype = subtype,
		.spi = subtype == MH_AUTH_MN_HA ? m->mnha_spi : m->mnaaa_spi,
	};
	struct mip6sec_sa *sa;
	struct in6_addr coa;
	struct ha_bu bu = {
		.m = m,
		.mh = mh,
		.hoa = hoa,
		.coa = &coa,
		.ha = ha,
	};
	bool exhausted, nai_known;
	const u8 *nai;
	u8 nai_len;

	/*
	 * A BU never comes with a type 2 Routing Header (RFC 6275 6.1), and
	 * its address, which the MAC does not cover, would become the source
	 * of the reply.
	 */
	if (p->has_rh2) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_BAD_EXTHDR);
		return MIP6SEC_DROP;
	}
	if (!m->mnid) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_BU_NO_MNID);
		net_info_ratelimited("dropped Binding Update for home address %pI6c: authentication option without Mobile Node Identifier\n",
				     hoa);
		return MIP6SEC_DROP;
	}
	/* Identifiers other than an NAI (RFC 8371) are not ours. */
	if (m->mnid_subtype != 1)
		return mip6sec_bu_without_key(mn);
	nai = mh + m->mnid + 3;
	nai_len = m->mnid_id_len;
	ack.nai = nai;
	ack.nai_len = nai_len;

	mip6sec_msg_coa(p, mh, m->altcoa, &coa);
	bu.dereg = m->lifetime == 0 || ipv6_addr_equal(&coa, hoa);

	sa = mip6sec_sa_lookup(mn, nai, nai_len, ack.spi, use, &nai_known);
	/*
	 * No key: an unknown NAI, or an MN-AAA option this node has no key
	 * for (the home agent may then leave it to an AAA server). Pull
	 * model: an AAA client may provide the key.
	 */
	if (!nai_known || (!sa && subtype == MH_AUTH_MN_AAA)) {
		mip6sec_key_request(mn, nai, nai_len, ack.spi, use, ha, hoa,
				    &coa);
		return mip6sec_bu_without_key(mn);
	}
	if (!sa) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_BU_UNKNOWN_SPI);
		net_info_ratelimited("Binding Update of NAI %*pE: no SA with SPI %u for this use\n",
				     nai_len, nai, ack.spi);
		ha_reject(mn, &ack, BA_AUTH_FAIL);
		return MIP6SEC_CONSUMED;
	}
	if (!mip6sec_sa_verify(sa, m, mh, auth_off, &coa, hoa)) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_AUTH_FAIL);
		net_info_ratelimited("Binding Update of NAI %*pE from %pI6c: authenticator mismatch\n",
				     nai_len, nai, &p->src);
		ha_reject(mn, &ack, BA_AUTH_FAIL);
		return MIP6SEC_CONSUMED;
	}
	atomic64_inc(&sa->uses);

	/* Authenticated: every answer from here on carries an authenticator. */
	ack.sa = sa;
	ack.auth_coa = &coa;
	ack.auth_hoa = hoa;

	if (sa->has_hoa ? !ipv6_addr_equal(&sa->hoa, hoa) :
			  !mip6sec_addr_global(hoa) ||
			  mip6sec_hoa_claimed(mn, hoa, sa->nai)) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_BU_HOA_MISMATCH);
		net_info_ratelimited("Binding Update of NAI %*pE: home address %pI6c is not this mobile node's\n",
				     nai_len, nai, hoa);
		ha_reject(mn, &ack, BA_PROHIBITED);
		return MIP6SEC_CONSUMED;
	}

	spin_lock_bh(&sa->lock);
	ack.status = ha_apply(mn, sa, &bu, &ack, &exhausted);
	spin_unlock_bh(&sa->lock);
	if (exhausted)
		mip6sec_sa_exhausted(sa);

	if (ack.status != BA_ACCEPTED) {
		ha_reject(mn, &ack, ack.status);
		return MIP6SEC_CONSUMED;
	}
	mip6sec_stat_inc(mn, MIP6SEC_STAT_BU_ACCEPTED);
	if (m->flags & BU_FLAG_A)
		mip6sec_send_ack(mn, &ack);
	return MIP6SEC_CONSUMED;
}
