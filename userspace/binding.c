// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec binding: the binding cache the kernel keeps for verified BUs.
 */
#include <inttypes.h>
#include <stdio.h>

#include "mip6sec.h"

const char binding_help[] =
	"Usage: mip6sec binding show [ HOA ]\n"
	"       mip6sec binding del HOA\n"
	"       mip6sec binding flush\n";

static const char *const auth_names[MIP6SEC_AUTH_MAX + 1] = {
	[MIP6SEC_AUTH_NONE]	= "none",
	[MIP6SEC_AUTH_KBM]	= "kbm",
	[MIP6SEC_AUTH_MN_HA]	= "mn-ha",
	[MIP6SEC_AUTH_FBU]	= "fbu",
	[MIP6SEC_AUTH_IPSEC]	= "ipsec",
	[MIP6SEC_AUTH_RR]	= "rr",
};

void binding_fields(struct out *o, const struct mip6sec_obj *obj)
{
	char buf[32];

	if (OBJ_HAS(obj, MIP6SEC_A_HOA))
		out_addr(o, "hoa", &obj->hoa);
	if (OBJ_HAS(obj, MIP6SEC_A_COA))
		out_addr(o, "coa", &obj->coa);
	if (OBJ_HAS(obj, MIP6SEC_A_CN))
		out_addr(o, "cn", &obj->cn);
	else
		out_null(o, "cn", "any");
	if (OBJ_HAS(obj, MIP6SEC_A_SEQ))
		out_u64(o, "seq", NULL, obj->seq);
	if (OBJ_HAS(obj, MIP6SEC_A_LIFETIME))
		out_u64(o, "lifetime", "lifetime %" PRIu64 "s", obj->lifetime);
	if (OBJ_HAS(obj, MIP6SEC_A_AUTH)) {
		if (obj->auth <= MIP6SEC_AUTH_MAX)
			out_str(o, "auth", NULL, auth_names[obj->auth]);
		else {
			snprintf(buf, sizeof(buf), "unknown-%u", obj->auth);
			out_str(o, "auth", NULL, buf);
		}
	}
	/* Bindings authorised by a mobility SA (RFC 4285) name it. */
	nai_field(o, obj);
	if (OBJ_HAS(obj, MIP6SEC_A_SPI))
		out_u64(o, "spi", NULL, obj->spi);
}

static int binding_show(struct mip6sec_ctx *ctx, int argc, char **argv)
{
	return show_by_hoa(ctx, "binding", MIP6SEC_CMD_BINDING_GET, binding_fields, argc, argv);
}

static int binding_del(struct mip6sec_ctx *ctx, int argc, char **argv)
{
	return del_by_hoa(ctx, "binding", MIP6SEC_CMD_BINDING_DEL, argc, argv);
}

static int binding_flush(struct mip6sec_ctx *ctx, int argc, char **argv)
{
	(void)argv;
	if (argc)
		return usage_error("binding flush takes no arguments");
	return mip6sec_request(ctx, MIP6SEC_CMD_BINDING_FLUSH, NLM_F_ACK,
			       NULL, 0, NULL);
}

static const struct mip6sec_cmd binding_cmds[] = {
	{ "show", binding_show },
	{ "list", binding_show },
	{ "del", binding_del },
	{ "flush", binding_flush },
};

int do_binding(struct mip6sec_ctx *ctx, int argc, char **argv)
{
	return mip6sec_dispatch(ctx, binding_cmds, ARRAY_SIZE(binding_cmds),
				binding_help, argc, argv);
}
