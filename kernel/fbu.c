// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec: previous access router, FMIPv6 Fast Binding Updates (RFC 5568
 * 6.2.2) authenticated with a fast handover key derived from the EAP MSK
 * (draft-li-mipshop-fbu-sec; the KDF is the project's, see
 * Documentation/mip6sec.rst).
 *
 * An FBU asks this router to forward the traffic of the previous care-of
 * address to a new one: it must name the mobile node (RFC 4283 NAI), carry
 * the previous care-of address in a Home Address option and end with an
 * RFC 4285 authentication option (MN-HA format) keyed with the fast
 * handover key of that NAI and SPI:
 *   First(96, HMAC-SHA1(FHK, care-of address | previous care-of address |
 *                        MH up to and including the SPI))
 * where the care-of address (the new one, NCoA) is the Alternate Care-of
 * Address option or the source. Anything else is dropped and counted by
 * reason; nothing but an authenticated FBU is answered. An accepted FBU is
 * announced (fbu-accepted-ntf) for a handover daemon to set up the tunnel
 * and answered with an authenticated FBack to the NCoA (RFC 5568 6.2.3,
 * "Destination Address: NCoA, and optionally PCoA": the FBU carries the
 * PCoA in a Home Address option, so it came from the new link). Lifetimes
 * are in seconds (RFC 5568 6.2.2 "The requested time in seconds", 6.2.3
 * "The granted lifetime in seconds"), unlike a BU's. FBUs are never left
 * to userspace. This is the FBU way of the Binding Update pipeline (bu.c).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <net/ipv6.h>

#include "mip6sec.h"
#include "mh.h"

/* Find the fast handover key by NAI and SPI and check the authenticator. */
static enum mip6sec_step fbu_verify(struct mip6sec_net *mn,
				    struct mip6sec_bu *bu)
{
	const struct mh_msg *m = bu->m;
	struct mip6sec_ack *ack = &bu->ack;
	struct mip6sec_sa *sa;
	bool nai_known;

	/* The MN-HA option must be the last one: no MN-AAA after it. */
	if (!m->mnid || m->mnid_subtype != 1 || !m->auth_mnha ||
	    m->auth_mnaaa || !bu->p->has_hao) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_FBU_MISSING_OPT);
		net_info_ratelimited("dropped Fast Binding Update from %pI6c: NAI, authentication or Home Address option missing\n",
				     &bu->p->src);
		return MIP6SEC_STEP_DROP;
	}
	ack->nai = bu->mh + m->mnid + 3;
	ack->nai_len = m->mnid_id_len;
	ack->spi = m->mnha_spi;

	sa = mip6sec_sa_lookup(mn, ack->nai, ack->nai_len, ack->spi,
			       MIP6SEC_SA_USE_FBU, &nai_known);
	if (!nai_known)
		mip6sec_key_request(mn, ack->nai, ack->nai_len, ack->spi,
				    MIP6SEC_SA_USE_FBU, bu->cn, bu->hoa,
				    &bu->coa);
	if (!sa) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_FBU_NOKEY);
		net_info_ratelimited("dropped Fast Binding Update of NAI %*pE: no fast handover key with SPI %u\n",
				     ack->nai_len, ack->nai, ack->spi);
		return MIP6SEC_STEP_DROP;
	}
	if (!mip6sec_sa_verify(sa, m, bu->mh, m->auth_mnha, &bu->coa,
			       bu->hoa)) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_FBU_AUTH_FAIL);
		net_info_ratelimited("dropped Fast Binding Update of NAI %*pE from %pI6c: authenticator mismatch\n",
				     ack->nai_len, ack->nai, &bu->p->src);
		return MIP6SEC_STEP_DROP;
	}
	mip6sec_sa_bu_key(bu, sa);
	return MIP6SEC_STEP_OK;
}

/* Sequence numbers of the key, modulo 2^16. Caller holds sa->lock. */
static u8 fbu_replay(struct mip6sec_net *mn, struct mip6sec_bu *bu)
{
	lockdep_assert_held(&bu->sa->lock);
	return mip6sec_bu_seq_check(mn, bu, &bu->sa->seq);
}

/*
 * No binding here: a handover daemon sets up the forwarding, for the
 * lifetime granted, in seconds (RFC 5568 6.2.2, 6.2.3).
 */
static u8 fbu_commit(struct mip6sec_net *mn, struct mip6sec_bu *bu)
{
	u16 secs = min_t(u32, bu->m->lifetime, bu->max_lifetime);
	struct mip6sec_event e = {
		.nai = bu->ack.nai,
		.nai_len = bu->ack.nai_len,
		.use = MIP6SEC_SA_USE_FBU,
		.spi = bu->ack.spi,
		.ha = bu->cn,
		.hoa = bu->hoa,
		.coa = &bu->coa,
		.seq = bu->m->seq,
		.lifetime = secs,
	};

	mip6sec_notify_fbu(mn, &e);
	bu->ack.lifetime = secs;
	return 0;
}

const struct mip6sec_way mip6sec_way_fbu = {
	.auth = MIP6SEC_AUTH_FBU,
	.silent = true,
	.ack_to_coa = true,
	.verify = fbu_verify,
	.replay = fbu_replay,
	.commit = fbu_commit,
	.done = mip6sec_sa_bu_done,
};
