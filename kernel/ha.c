// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec: home agent, the RFC 4285 way of the Binding Update pipeline
 * (bu.c): Binding Updates authenticated with the Mobility Message
 * Authentication option (draft-giaretta-mip6-amsk: MN-HA and MN-AAA keys
 * derived from the EAP EMSK, provisioned with sa-add).
 *
 * The BU names the mobile node with an NAI (RFC 4283 Mobile Node
 * Identifier option) and its key with a Mobility SPI; the SA is looked up
 * by both (sa.c), never by the SPI alone. Then, in this order:
 *  - the authenticator (RFC 4285 5.1 MN-HA or 5.2 MN-AAA), constant time;
 *  - the home address: the SA's, or one of its home prefix that no
 *    other mobile node's SA names (sa.c, mip6sec_sa_home_check());
 *  - replay protection per SA, sequence number (modulo 2^16) or Replay
 *    Protection option (RFC 4285 6, NTP timestamp within replay_window_s,
 *    strictly increasing), under the SA's lock together with the binding
 *    cache change it allows.
 * The BA echoes the MN-ID option and carries an authentication option
 * computed like the BU's.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ipv6.h>
#include <linux/math64.h>
#include <linux/skbuff.h>
#include <linux/timekeeping.h>
#include <net/ipv6.h>

#include "mip6sec.h"
#include "mh.h"

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

/*
 * Find the SA by NAI and SPI and check the authenticator. A refusal before
 * that (unknown SPI, wrong authenticator) carries no authenticator, so
 * that no key-derived value is ever sent in answer to an unauthenticated
 * message.
 */
static enum mip6sec_step ha_verify(struct mip6sec_net *mn,
				   struct mip6sec_bu *bu)
{
	const struct mh_msg *m = bu->m;
	/* The authentication option in force is the last one (RFC 4285 5). */
	u16 auth_off = max(m->auth_mnha, m->auth_mnaaa);
	u8 subtype = auth_off == m->auth_mnha ? MH_AUTH_MN_HA : MH_AUTH_MN_AAA;
	u8 use = subtype == MH_AUTH_MN_HA ? MIP6SEC_SA_USE_MN_HA :
					    MIP6SEC_SA_USE_MN_AAA;
	struct mip6sec_ack *ack = &bu->ack;
	struct mip6sec_sa *sa;
	bool nai_known;

	ack->subtype = subtype;
	ack->spi = subtype == MH_AUTH_MN_HA ? m->mnha_spi : m->mnaaa_spi;
	if (!m->mnid) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_BU_NO_MNID);
		net_info_ratelimited("dropped Binding Update for home address %pI6c: authentication option without Mobile Node Identifier\n",
				     bu->hoa);
		return MIP6SEC_STEP_DROP;
	}
	/* Identifiers other than an NAI (RFC 8371) are not ours. */
	if (m->mnid_subtype != 1)
		return MIP6SEC_STEP_NOKEY;
	ack->nai = bu->mh + m->mnid + 3;
	ack->nai_len = m->mnid_id_len;

	sa = mip6sec_sa_lookup(mn, ack->nai, ack->nai_len, ack->spi, use,
			       &nai_known);
	/*
	 * No key: an unknown NAI, or an MN-AAA option this node has no key
	 * for (the home agent may then leave it to an AAA server). Pull
	 * model: an AAA client may provide the key.
	 */
	if (!nai_known || (!sa && subtype == MH_AUTH_MN_AAA)) {
		mip6sec_key_request(mn, ack->nai, ack->nai_len, ack->spi, use,
				    bu->cn, bu->hoa, &bu->coa);
		return MIP6SEC_STEP_NOKEY;
	}
	if (!sa) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_BU_UNKNOWN_SPI);
		net_info_ratelimited("Binding Update of NAI %*pE: no SA with SPI %u for this use\n",
				     ack->nai_len, ack->nai, ack->spi);
		ack->status = MH_BA_AUTH_FAIL;
		return MIP6SEC_STEP_REPLY;
	}
	if (!mip6sec_sa_verify(sa, m, bu->mh, auth_off, &bu->coa, bu->hoa)) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_AUTH_FAIL);
		net_info_ratelimited("Binding Update of NAI %*pE from %pI6c: authenticator mismatch\n",
				     ack->nai_len, ack->nai, &bu->p->src);
		ack->status = MH_BA_AUTH_FAIL;
		return MIP6SEC_STEP_REPLY;
	}
	mip6sec_sa_bu_key(bu, sa);
	return MIP6SEC_STEP_OK;
}

/*
 * The home address must be one the SA names: its home address, or an
 * address of its home prefix that no other mobile node's SA names more
 * specifically (sa.c). 129 otherwise, or 132 (not home subnet) when no SA
 * of this node names it (RFC 6275 10.3.1: "not an on-link IPv6 address
 * with respect to the home agent's current Prefix List").
 */
static enum mip6sec_step ha_authorise(struct mip6sec_net *mn,
				      struct mip6sec_bu *bu)
{
	const struct mip6sec_sa *sa = bu->sa;
	const struct in6_addr *hoa = bu->hoa;
	u8 status = mip6sec_sa_home_check(mn, sa, hoa);

	if (!status)
		return MIP6SEC_STEP_OK;
	mip6sec_stat_inc(mn, MIP6SEC_STAT_BU_HOA_MISMATCH);
	if (status == MH_BA_NOT_HOME_SUBNET)
		net_info_ratelimited("Binding Update of NAI %*pE: home address %pI6c is in no home prefix of this node\n",
				     sa->nai->len, sa->nai->id, hoa);
	else
		net_info_ratelimited("Binding Update of NAI %*pE: home address %pI6c is not this mobile node's\n",
				     sa->nai->len, sa->nai->id, hoa);
	bu->ack.status = status;
	return MIP6SEC_STEP_REPLY;
}

/*
 * Replay protection per SA: sequence number (modulo 2^16), or the Replay
 * Protection option (RFC 4285 6). Caller holds sa->lock.
 */
static u8 ha_replay(struct mip6sec_net *mn, struct mip6sec_bu *bu)
{
	const struct mh_msg *m = bu->m;
	struct mip6sec_sa *sa = bu->sa;
	struct mip6sec_ack *ack = &bu->ack;
	u64 ts, now;

	lockdep_assert_held(&sa->lock);
	if (sa->replay != MIP6SEC_REPLAY_TIMESTAMP)
		return mip6sec_bu_seq_check(mn, bu, &sa->seq);
	if (!m->replay) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_TS_MISSING);
		return MH_BA_MESG_ID_REQD;
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
		return MH_BA_ID_MISMATCH;
	}
	ack->ts = ts;
	sa->last_ts = ts;
	sa->ts_valid = true;
	return 0;
}

const struct mip6sec_way mip6sec_way_ha = {
	.auth = MIP6SEC_AUTH_MN_HA,
	.verify = ha_verify,
	.authorise = ha_authorise,
	.replay = ha_replay,
	.done = mip6sec_sa_bu_done,
};
