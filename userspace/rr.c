// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec rr: return routability state of the network namespace. The
 * kernel never tells Kcn, nonces or keygen tokens: only the mode, the age
 * of Kcn and the indices of the nonces it still accepts.
 */
#include <inttypes.h>
#include <stdio.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "mip6sec.h"

const char rr_help[] =
	"Usage: mip6sec rr [ show ]\n";

static const char *const rr_modes[MIP6SEC_RR_MODE_MAX + 1] = {
	[MIP6SEC_RR_MODE_KERNEL]	= "kernel",
	[MIP6SEC_RR_MODE_USERSPACE]	= "userspace",
};

static const struct nla_policy nonce_policy[MIP6SEC_NONCE_A_MAX + 1] = {
	[MIP6SEC_NONCE_A_INDEX]		= { .type = NLA_U32 },
	[MIP6SEC_NONCE_A_AGE]		= { .type = NLA_U32 },
	[MIP6SEC_NONCE_A_EXPIRES]	= { .type = NLA_U32 },
};

static void nonce_print(struct out *o, struct nlattr *nest)
{
	struct nlattr *tb[MIP6SEC_NONCE_A_MAX + 1];

	if (nla_parse_nested(tb, MIP6SEC_NONCE_A_MAX, nest, nonce_policy) ||
	    !tb[MIP6SEC_NONCE_A_INDEX])
		return;
	out_obj_begin(o, false);
	out_u64(o, o->json ? "index" : "nonce", NULL,
		nla_get_u32(tb[MIP6SEC_NONCE_A_INDEX]));
	if (tb[MIP6SEC_NONCE_A_AGE])
		out_u64(o, "age", "age %" PRIu64 "s",
			nla_get_u32(tb[MIP6SEC_NONCE_A_AGE]));
	if (tb[MIP6SEC_NONCE_A_EXPIRES])
		out_u64(o, "expires", "expires %" PRIu64 "s",
			nla_get_u32(tb[MIP6SEC_NONCE_A_EXPIRES]));
	out_obj_end(o);
}

/* Text: the state on one line, then a line per nonce, newest first. */
static void rr_print(struct out *o, const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *ghdr = nlmsg_data(nlh);
	struct nlattr *attrs = genlmsg_attrdata(ghdr, 0), *nla;
	int len = genlmsg_attrlen(ghdr, 0), rem;
	uint32_t mode;

	out_obj_begin(o, false);
	nla = nla_find(attrs, len, MIP6SEC_A_RR_MODE);
	if (nla && nla_len(nla) == sizeof(uint32_t)) {
		mode = nla_get_u32(nla);
		out_str(o, "mode", NULL, mode <= MIP6SEC_RR_MODE_MAX ?
			rr_modes[mode] : "unknown");
	}
	nla = nla_find(attrs, len, MIP6SEC_A_KCN_AGE);
	if (nla && nla_len(nla) == sizeof(uint32_t))
		out_u64(o, "kcn_age", "kcn_age %" PRIu64 "s",
			nla_get_u32(nla));
	nla = nla_find(attrs, len, MIP6SEC_A_LIFETIME);
	if (nla && nla_len(nla) == sizeof(uint32_t))
		out_u64(o, "nonce_lifetime", "nonce_lifetime %" PRIu64 "s",
			nla_get_u32(nla));
	if (!o->json)
		out_obj_end(o);
	out_array_begin_key(o, "nonces");
	nla_for_each_attr(nla, attrs, len, rem)
		if (nla_type(nla) == MIP6SEC_A_NONCE)
			nonce_print(o, nla);
	out_array_end(o);
	if (o->json)
		out_obj_end(o);
}

static int rr_show(struct mip6sec_ctx *ctx, int argc, char **argv)
{
	struct mip6sec_replies r = { 0 };
	int err;

	(void)argv;
	if (argc)
		return usage_error("rr show takes no arguments");
	err = mip6sec_request(ctx, MIP6SEC_CMD_RR_GET, NLM_F_ACK, NULL, 0, &r);
	if (!err && r.n)
		rr_print(&ctx->out, nlmsg_hdr(r.msg[0]));
	mip6sec_replies_free(&r);
	return err;
}

static const struct mip6sec_cmd rr_cmds[] = {
	{ "show", rr_show },
};

int do_rr(struct mip6sec_ctx *ctx, int argc, char **argv)
{
	return mip6sec_dispatch(ctx, rr_cmds, ARRAY_SIZE(rr_cmds), rr_help,
				argc, argv);
}
