// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec stats: the module's counters.
 */
#include <stdio.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "mip6sec.h"

const char stats_help[] =
	"Usage: mip6sec stats [ show ]\n"
	"       mip6sec stats reset\n";

static const char *const stat_names[MIP6SEC_STAT_MAX + 1] = {
	[MIP6SEC_STAT_MH_RX]		= "mh_rx",
	[MIP6SEC_STAT_MH_MALFORMED]	= "mh_malformed",
	[MIP6SEC_STAT_MH_BAD_PROTO]	= "mh_bad_proto",
	[MIP6SEC_STAT_MH_BAD_LEN]	= "mh_bad_len",
	[MIP6SEC_STAT_MH_TRUNCATED]	= "mh_truncated",
	[MIP6SEC_STAT_MH_BAD_CSUM]	= "mh_bad_csum",
	[MIP6SEC_STAT_MH_BAD_OPT]	= "mh_bad_opt",
	[MIP6SEC_STAT_MH_UNKNOWN_TYPE]	= "mh_unknown_type",
	[MIP6SEC_STAT_BU_RX]		= "bu_rx",
	[MIP6SEC_STAT_BU_ACCEPTED]	= "bu_accepted",
	[MIP6SEC_STAT_BU_PASSED]	= "bu_passed",
	[MIP6SEC_STAT_AUTH_FAIL]	= "auth_fail",
	[MIP6SEC_STAT_REPLAY]		= "replay",
	[MIP6SEC_STAT_HAO_RX]		= "hao_rx",
	[MIP6SEC_STAT_HAO_ACCEPTED]	= "hao_accepted",
	[MIP6SEC_STAT_HAO_DROPPED]	= "hao_dropped",
	[MIP6SEC_STAT_BA_SENT]		= "ba_sent",
	[MIP6SEC_STAT_BE_SENT]		= "be_sent",
	[MIP6SEC_STAT_BE_RATELIMITED]	= "be_ratelimited",
	[MIP6SEC_STAT_BAD_EXTHDR]	= "bad_exthdr",
	[MIP6SEC_STAT_HAO_AUDITED]	= "hao_audited",
	[MIP6SEC_STAT_BU_NOKEY_DROPPED]	= "bu_nokey_dropped",
	[MIP6SEC_STAT_BC_FULL]		= "bc_full",
	[MIP6SEC_STAT_BU_NO_MNID]	= "bu_no_mnid",
	[MIP6SEC_STAT_BU_UNKNOWN_SPI]	= "bu_unknown_spi",
	[MIP6SEC_STAT_BU_HOA_MISMATCH]	= "bu_hoa_mismatch",
	[MIP6SEC_STAT_TS_MISSING]	= "ts_missing",
	[MIP6SEC_STAT_TS_MISMATCH]	= "ts_mismatch",
	[MIP6SEC_STAT_KEY_REQUEST]	= "key_request",
	[MIP6SEC_STAT_KEY_REQUEST_RATELIMITED] = "key_request_ratelimited",
	[MIP6SEC_STAT_SA_EXPIRED]	= "sa_expired",
	[MIP6SEC_STAT_FBU_RX]		= "fbu_rx",
	[MIP6SEC_STAT_FBU_ACCEPTED]	= "fbu_accepted",
	[MIP6SEC_STAT_FBU_MISSING_OPT]	= "fbu_missing_opt",
	[MIP6SEC_STAT_FBU_NOKEY]	= "fbu_nokey",
	[MIP6SEC_STAT_FBU_AUTH_FAIL]	= "fbu_auth_fail",
	[MIP6SEC_STAT_FBU_REPLAY]	= "fbu_replay",
	[MIP6SEC_STAT_FBACK_SENT]	= "fback_sent",
	[MIP6SEC_STAT_HAO_IPSEC]	= "hao_ipsec",
	[MIP6SEC_STAT_HAO_BU]		= "hao_bu",
	[MIP6SEC_STAT_HAO_DEFERRED]	= "hao_deferred",
	[MIP6SEC_STAT_IPSEC_UNSUITABLE]	= "ipsec_unsuitable",
	[MIP6SEC_STAT_BU_IPSEC]		= "bu_ipsec",
	[MIP6SEC_STAT_BU_IPSEC_REJECTED] = "bu_ipsec_rejected",
	[MIP6SEC_STAT_COOKIE_SENT]	= "cookie_sent",
	[MIP6SEC_STAT_COOKIE_ACCEPTED]	= "cookie_accepted",
	[MIP6SEC_STAT_COOKIE_BAD]	= "cookie_bad",
	[MIP6SEC_STAT_COOKIE_STALE]	= "cookie_stale",
	[MIP6SEC_STAT_RR_HOTI_RX]	= "rr_hoti_rx",
	[MIP6SEC_STAT_RR_COTI_RX]	= "rr_coti_rx",
	[MIP6SEC_STAT_RR_HOT_SENT]	= "rr_hot_sent",
	[MIP6SEC_STAT_RR_COT_SENT]	= "rr_cot_sent",
	[MIP6SEC_STAT_RR_RATELIMITED]	= "rr_ratelimited",
	[MIP6SEC_STAT_RR_INIT_DROPPED]	= "rr_init_dropped",
	[MIP6SEC_STAT_RR_PASSED]	= "rr_passed",
	[MIP6SEC_STAT_RR_NONCE_EXPIRED]	= "rr_nonce_expired",
	[MIP6SEC_STAT_HAO_STACK]	= "hao_stack",
	[MIP6SEC_STAT_BU_BAD_ADDR]	= "bu_bad_addr",
};

static const char *stat_name(int type, char *buf, size_t size)
{
	if (type <= MIP6SEC_STAT_MAX && stat_names[type])
		return stat_names[type];
	snprintf(buf, size, "stat_%d", type);
	return buf;
}

/* One object of counters; unknown ones by number, padding skipped. */
void stats_print(struct out *o, const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *ghdr = nlmsg_data(nlh);
	struct nlattr *stats, *nla;
	char buf[32];
	int rem;

	out_obj_begin(o, true);
	stats = nla_find(genlmsg_attrdata(ghdr, 0), genlmsg_attrlen(ghdr, 0),
			 MIP6SEC_A_STATS);
	if (stats) {
		nla_for_each_nested(nla, stats, rem) {
			int type = nla_type(nla);

			if (type == MIP6SEC_STAT_PAD || type == 0 ||
			    nla_len(nla) != sizeof(uint64_t))
				continue;
			out_u64(o, stat_name(type, buf, sizeof(buf)), NULL,
				nla_get_u64(nla));
		}
	}
	out_obj_end(o);
}

static int stats_show(struct mip6sec_ctx *ctx, int argc, char **argv)
{
	struct mip6sec_replies r = { 0 };
	int err;

	(void)argv;
	if (argc)
		return usage_error("stats show takes no arguments");
	err = mip6sec_request(ctx, MIP6SEC_CMD_STATS_GET, NLM_F_ACK, NULL, 0,
			      &r);
	if (!err && r.n)
		stats_print(&ctx->out, nlmsg_hdr(r.msg[0]));
	mip6sec_replies_free(&r);
	return err;
}

static int stats_reset(struct mip6sec_ctx *ctx, int argc, char **argv)
{
	(void)argv;
	if (argc)
		return usage_error("stats reset takes no arguments");
	return mip6sec_request(ctx, MIP6SEC_CMD_STATS_RESET, NLM_F_ACK, NULL,
			       0, NULL);
}

static const struct mip6sec_cmd stats_cmds[] = {
	{ "show", stats_show },
	{ "reset", stats_reset },
};

int do_stats(struct mip6sec_ctx *ctx, int argc, char **argv)
{
	return mip6sec_dispatch(ctx, stats_cmds, ARRAY_SIZE(stats_cmds),
				stats_help, argc, argv);
}
