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
 * where the care-of address is the Alternate Care-of Address option or the
 * source. Anything else is dropped and counted by reason; nothing but an
 * authenticated FBU is answered. An accepted FBU is announced
 * (fbu-accepted-ntf) for a handover daemon to set up the tunnel and
 * answered with an authenticated FBack. FBUs are never left to userspace.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <net/ipv6.h>

#include "mip6sec.h"
#include "mh.h"

#define FBACK_ACCEPTED	0	/* RFC 5568 6.2.3 */

/* Called under rcu_read_lock() from the receive hook. */
enum mip6sec_verdict mip6sec_fbu_rcv(struct mip6sec_net *mn,
				     const struct sk_buff *skb,
				     const struct mip6sec_pkt *p,
				     const struct mh_msg *m, const u8 *mh)
{
	const struct in6_addr *par = mip6sec_pkt_daddr(skb, p);
	const struct in6_addr *pcoa = &p->hoa;
	struct mip6sec_ack ack = {
		.in = p,
		.type = MH_FBACK,
		.src = par,
		.dst = &p->src,
		.status = FBACK_ACCEPTED,
		.seq = m->seq,
		.subtype = MH_AUTH_MN_HA,
		.spi = m->mnha_spi,
	};
	struct mip6sec_event e = {
		.use = MIP6SEC_SA_USE_FBU,
		.spi = m->mnha_spi,
		.ha = par,
		.hoa = pcoa,
		.seq = m->seq,
	};
	struct mip6sec_sa *sa;
	struct in6_addr coa;
	bool exhausted, nai_known;
	u16 units;
	int v;

	mip6sec_stat_inc(mn, MIP6SEC_STAT_FBU_RX);

	/*
	 * Answers come from the address the FBU was sent to; never from the
	 * address of a type 2 Routing Header (RFC 6275 6.1: not with an FBU).
	 */
	if (p->has_rh2) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_BAD_EXTHDR);
		return MIP6SEC_DROP;
	}
	if (!(ipv6_addr_type(par) & IPV6_ADDR_UNICAST)) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_FBU_MISSING_OPT);
		return MIP6SEC_DROP;
	}

	/* The MN-HA option must be the last one: no MN-AAA after it. */
	if (!m->mnid || m->mnid_subtype != 1 || !m->auth_mnha ||
	    m->auth_mnaaa || !p->has_hao) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_FBU_MISSING_OPT);
		net_info_ratelimited("dropped Fast Binding Update from %pI6c: NAI, authentication or Home Address option missing\n",
				     &p->src);
		return MIP6SEC_DROP;
	}
	e.nai = mh + m->mnid + 3;
	e.nai_len = m->mnid_id_len;
	ack.nai = e.nai;
	ack.nai_len = e.nai_len;

	mip6sec_msg_coa(p, mh, m->altcoa, &coa);
	e.coa = &coa;

	sa = mip6sec_sa_lookup(mn, e.nai, e.nai_len, e.spi, e.use, &nai_known);
	if (!nai_known)
		mip6sec_key_request(mn, e.nai, e.nai_len, e.spi, e.use, par,
				    pcoa, &coa);
	if (!sa) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_FBU_NOKEY);
		net_info_ratelimited("dropped Fast Binding Update of NAI %*pE: no fast handover key with SPI %u\n",
				     e.nai_len, e.nai, e.spi);
		return MIP6SEC_DROP;
	}
	if (!mip6sec_sa_verify(sa, m, mh, m->auth_mnha, &coa, pcoa)) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_FBU_AUTH_FAIL);
		net_info_ratelimited("dropped Fast Binding Update of NAI %*pE from %pI6c: authenticator mismatch\n",
				     e.nai_len, e.nai, &p->src);
		return MIP6SEC_DROP;
	}
	atomic64_inc(&sa->uses);

	spin_lock_bh(&sa->lock);
	v = mip6sec_seq_check(&sa->seq, m->seq, &ack.seq, &exhausted);
	spin_unlock_bh(&sa->lock);
	if (exhausted)
		mip6sec_sa_exhausted(sa);
	if (v != MIP6SEC_SEQ_OK) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_FBU_REPLAY);
		net_info_ratelimited("dropped Fast Binding Update of NAI %*pE: sequence number %u not newer than %u\n",
				     e.nai_len, e.nai, m->seq, ack.seq);
		return MIP6SEC_DROP;
	}

	units = min_t(u16, m->lifetime, READ_ONCE(mip6sec_max_lifetime) / 4);
	if (sa->expires)
		units = min_t(u32, units, mip6sec_sa_lifetime(sa) / 4);
	mip6sec_stat_inc(mn, MIP6SEC_STAT_FBU_ACCEPTED);
	e.lifetime = units * 4;
	mip6sec_notify_fbu(mn, &e);

	ack.lifetime = units;
	ack.sa = sa;
	ack.auth_coa = &coa;
	ack.auth_hoa = pcoa;
	mip6sec_send_ack(mn, &ack);
	return MIP6SEC_CONSUMED;
}
