// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec stats: the module's counters.
 */
#include <stdio.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "mip6sec.h"

const char stats_help[] =
	"Usage: mip6sec stats [ show ] [ -a ]\n"
	"       mip6sec stats reset\n"
	"Shows the counters that are not zero; -a (or -all) shows every one.\n"
	"With -j every counter is printed.\n";

/* Generated from the uAPI header (gen_stat_names.sh). */
static const char *const stat_names[MIP6SEC_STAT_MAX + 1] = {
#include "stat_names.h"
};

static const char *stat_name(int type, char *buf, size_t size)
{
	if (type <= MIP6SEC_STAT_MAX && stat_names[type])
		return stat_names[type];
	snprintf(buf, size, "stat_%d", type);
	return buf;
}

/*
 * One object of counters; unknown ones by number, padding skipped. Text
 * output leaves out the counters that are zero unless o->all; JSON has
 * them all, so that scripts find every key.
 */
void stats_print(struct out *o, const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *ghdr = nlmsg_data(nlh);
	struct nlattr *stats, *nla;
	bool shown = false;
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
			if (!o->json && !o->all && !nla_get_u64(nla))
				continue;
			out_u64(o, stat_name(type, buf, sizeof(buf)), NULL,
				nla_get_u64(nla));
			shown = true;
		}
	}
	if (!o->json && !shown)
		fputs("every counter is 0 (mip6sec stats -a lists them)\n", o->fp);
	out_obj_end(o);
}

static int stats_show(struct mip6sec_ctx *ctx, int argc, char **argv)
{
	struct mip6sec_replies r = { 0 };
	int err;

	for (; argc > 0; argc--, argv++) {
		if (strcmp(argv[0], "-a") && strcmp(argv[0], "-all") &&
		    strcmp(argv[0], "all"))
			return usage_error("unknown argument \"%s\" for stats show", argv[0]);
		ctx->out.all = true;
	}
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
