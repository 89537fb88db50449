// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec: home agent, the RFC 4285 way of the Binding Update pipeline
 * (bu.c): Binding Updates authenticated with the Mobility Message
 * Authentication option (draft-giaretta-mip6-amsk: MN-HA and MN-AAA keys
 * derived from the EAP EMSK, provisioned with sa-add).
 *
 * The BU names the mobile node with an NAI (RFC 4283 Mobile Node
 * Identifier option) and its keys with Mobility SPIs; an SA is looked up
 * by both (sa.c), never by the SPI alone. Then, in this order:
 *  - the authenticators, constant time: an MN-HA option (RFC 4285 5.1)
 *    with the SA its SPI names, an MN-AAA option (5.2) with the MN-AAA SA
 *    its SPI names; when the BU carries both, both must verify. An MN-HA
 *    option whose SPI names no SA of the NAI: dropped (5.3);
 *  - the home address: the SA's, or one of its home prefix that no
 *    other mobile node's SA names (sa.c, mip6sec_sa_home_check());
 *  - replay protection per SA in force (the MN-HA one if the BU has an
 *    MN-HA option, else the MN-AAA one): the Replay Protection option
 *    (RFC 4285 6, NTP timestamp within replay_window_s, strictly
 *    increasing), or sequence numbers, which are those of the binding of
 *    the home address (RFC 6275 9.5.1, as RFC 4285 5.1 says: "the
 *    Sequence number as specified in RFC 3775"), under the SA's lock
 *    together with the binding cache change it allows.
 * The BA echoes the MN-ID option and the Replay Protection option, and
 * carries an MN-HA authentication option: with the SA of the BU's MN-HA
 * option, or the NAI's newest MN-HA SA for a BU with an MN-AAA option
 * only (5.2). A BU whose authenticator is wrong gets status 146 with it
 * too, when there is such an SA (5.1.1).
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
 * Answers from here on carry an MN-HA option keyed with @reply (or none
 * without it), over the addresses the BU's authenticator covered.
 */
static void ha_reply_key(struct mip6sec_bu *bu, const struct mip6sec_sa *reply)
{
	struct mip6sec_ack *ack = &bu->ack;

	if (!reply)
		return;
	ack->sa = reply;
	ack->spi = reply->spi;
	ack->auth_coa = &bu->coa;
	ack->auth_hoa = bu->hoa;
}

/*
 * Find the SAs by NAI and SPI, check the authenticators. An MN-HA option
 * must name an SA of the NAI: otherwise the BU is dropped (RFC 4285 5.3:
 * without a shared-key SA the home agent drops it). A wrong authenticator
 * is answered with status 146, carrying an MN-HA option when the home
 * agent has an MN-HA SA for the mobile node (5.1.1): the one of the BU's
 * MN-HA option, else the NAI's.
 */
static enum mip6sec_step ha_verify(struct mip6sec_net *mn,
				   struct mip6sec_bu *bu)
{
	const struct mh_msg *m = bu->m;
	struct mip6sec_ack *ack = &bu->ack;
	struct mip6sec_sa *mnha = NULL, *mnaaa = NULL, *reply;
	const struct mip6sec_nai *n = NULL;
	bool ok;

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
	/*
	 * RFC 4285 6: "When the Home Agent receives the mobility message
	 * replay protection option in Binding Update, it MUST include" it
	 * in the Binding Acknowledgment, whatever the SA's replay method.
	 */
	if (m->replay) {
		ack->has_ts = true;
		ack->ts = get_be64(bu->mh + m->replay + 2);
	}

	if (ack->nai_len <= MIP6SEC_NAI_MAX)
		n = mip6sec_nai_lookup(mn, ack->nai, ack->nai_len);
	/* Pull model: an AAA client may provide the key. */
	if (!n) {
		if (m->auth_mnha)
			mip6sec_key_request(mn, ack->nai, ack->nai_len,
					    m->mnha_spi, MIP6SEC_SA_USE_MN_HA,
					    bu->cn, bu->hoa, &bu->coa);
		else
			mip6sec_key_request(mn, ack->nai, ack->nai_len,
					    m->mnaaa_spi, MIP6SEC_SA_USE_MN_AAA,
					    bu->cn, bu->hoa, &bu->coa);
		return MIP6SEC_STEP_NOKEY;
	}
	if (m->auth_mnha) {
		mnha = mip6sec_sa_get(n, m->mnha_spi, MIP6SEC_SA_USE_MN_HA);
		if (!mnha) {
			mip6sec_stat_inc(mn, MIP6SEC_STAT_BU_UNKNOWN_SPI);
			net_info_ratelimited("dropped Binding Update of NAI %*pE: no MN-HA SA with SPI %u\n",
					     ack->nai_len, ack->nai, m->mnha_spi);
			return MIP6SEC_STEP_DROP;
		}
	}
	if (m->auth_mnaaa) {
		mnaaa = mip6sec_sa_get(n, m->mnaaa_spi, MIP6SEC_SA_USE_MN_AAA);
		/* The home agent may leave it to an AAA server. */
		if (!mnaaa) {
			mip6sec_key_request(mn, ack->nai, ack->nai_len,
					    m->mnaaa_spi, MIP6SEC_SA_USE_MN_AAA,
					    bu->cn, bu->hoa, &bu->coa);
			return MIP6SEC_STEP_NOKEY;
		}
	}

	reply = mnha ?: mip6sec_sa_mnha(n);
	ok = (!mnha || mip6sec_sa_verify(mnha, m, bu->mh, m->auth_mnha,
					 &bu->coa, bu->hoa)) &&
	     (!mnaaa || mip6sec_sa_verify(mnaaa, m, bu->mh, m->auth_mnaaa,
					  &bu->coa, bu->hoa));
	if (!ok) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_AUTH_FAIL);
		net_info_ratelimited("Binding Update of NAI %*pE from %pI6c: authenticator mismatch\n",
				     ack->nai_len, ack->nai, &bu->p->src);
		ha_reply_key(bu, reply);
		ack->status = MH_BA_AUTH_FAIL;
		return MIP6SEC_STEP_REPLY;
	}
	/*
	 * An MN-AAA option alone: the answer needs an MN-HA key (RFC 4285
	 * 5.2), which this home agent does not have.
	 */
	if (!reply) {
		net_info_ratelimited("Binding Update of NAI %*pE: no MN-HA SA to answer it with\n",
				     ack->nai_len, ack->nai);
		return MIP6SEC_STEP_NOKEY;
	}
	if (mnha && mnaaa)
		atomic64_inc(&mnaaa->uses);
	mip6sec_sa_bu_key(bu, mnha ?: mnaaa);
	/* Every answer from here on carries an MN-HA option. */
	ha_reply_key(bu, reply);
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
 * Replay protection per SA (RFC 4285 5.1: "the Sequence number as
 * specified in RFC 3775 or the Timestamp option"). Caller holds sa->lock.
 *
 * Sequence numbers are the binding's: newer than the binding of the home
 * address, any number without one (RFC 6275 9.5.1: "If the receiving node
 * has no Binding Cache entry for the indicated home address, it MUST
 * accept any Sequence Number value"), checked with the binding cache
 * change. Timestamps are the SA's: within replay_window_s of this node's
 * clock and newer than the last one accepted with the SA.
 */
static u8 ha_replay(struct mip6sec_net *mn, struct mip6sec_bu *bu)
{
	const struct mh_msg *m = bu->m;
	struct mip6sec_sa *sa = bu->sa;
	struct mip6sec_ack *ack = &bu->ack;
	u64 now;

	lockdep_assert_held(&sa->lock);
	if (sa->replay != MIP6SEC_REPLAY_TIMESTAMP) {
		bu->bind_seq = true;
		return 0;
	}
	if (!m->replay) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_TS_MISSING);
		return MH_BA_MESG_ID_REQD;
	}
	now = ntp_now();
	if (!ts_acceptable(sa, ack->ts, now)) {
		/*
		 * RFC 4285 6: the home agent "copies only the low-order 32
		 * bits" of the mobile node's timestamp and supplies the
		 * high-order 32 bits from its own time.
		 */
		ack->ts = (now & ~0xffffffffULL) | (ack->ts & 0xffffffffULL);
		mip6sec_stat_inc(mn, MIP6SEC_STAT_TS_MISMATCH);
		net_info_ratelimited("Binding Update of NAI %*pE: timestamp out of window or not newer\n",
				     sa->nai->len, sa->nai->id);
		return MH_BA_ID_MISMATCH;
	}
	sa->last_ts = ack->ts;
	sa->ts_valid = true;
	return 0;
}

/* The SA shows the last sequence number accepted with it. */
static void ha_done(struct mip6sec_net *mn, struct mip6sec_bu *bu)
{
	struct mip6sec_sa *sa = bu->sa;

	if (!bu->bind_seq || bu->ack.status)
		return;
	spin_lock_bh(&sa->lock);
	sa->seq.last = bu->m->seq;
	sa->seq.valid = true;
	spin_unlock_bh(&sa->lock);
}

const struct mip6sec_way mip6sec_way_ha = {
	.auth = MIP6SEC_AUTH_MN_HA,
	.verify = ha_verify,
	.authorise = ha_authorise,
	.replay = ha_replay,
	.done = ha_done,
};
