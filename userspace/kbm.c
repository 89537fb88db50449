// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec kbm: preconfigured binding management keys (RFC 6275 Kbm).
 */
#include <inttypes.h>
#include <string.h>

#include "mip6sec.h"

const char kbm_help[] =
	"Usage: mip6sec kbm add HOA { key HEX | key-file FILE } [ cn ADDR ]\n"
	"       mip6sec kbm del HOA\n"
	"       mip6sec kbm show [ HOA ]\n"
	"HEX is the 20-octet Kbm as 40 hex digits; FILE \"-\" is standard input.\n";

struct kbm_add_args {
	struct in6_addr hoa, cn;
	uint8_t key[MIP6SEC_KBM_LEN];
	bool has_key, has_cn;
};

void kbm_fields(struct out *o, const struct mip6sec_obj *obj)
{
	out_addr(o, "hoa", &obj->hoa);
	if (OBJ_HAS(obj, MIP6SEC_A_CN))
		out_addr(o, "cn", &obj->cn);
	else
		out_null(o, "cn", "any");
	if (OBJ_HAS(obj, MIP6SEC_A_LAST_SEQ))
		out_u64(o, "last_seq", NULL, obj->last_seq);
	else
		out_null(o, "last_seq", "none");
	if (OBJ_HAS(obj, MIP6SEC_A_USES))
		out_u64(o, "uses", NULL, obj->uses);
}

static int kbm_add_key(struct kbm_add_args *a, const char *kw, char *val)
{
	int err;

	if (a->has_key)
		return usage_error("give only one of key and key-file");
	if (!strcmp(kw, "key")) {
		err = inline_key_check(kw, "key-file FILE (mode 0600)");
		if (!err)
			err = parse_kbm_hex(val, strlen(val), a->key);
		/* Shorten the time the key is visible in /proc/PID/cmdline. */
		explicit_bzero(val, strlen(val));
	} else {
		err = read_key_file(val, a->key);
	}
	a->has_key = !err;
	return err;
}

static int kbm_add_parse(struct kbm_add_args *a, int argc, char **argv)
{
	int err;

	if (argc < 1)
		return usage_error("kbm add needs a home address");
	err = parse_addr(argv[0], "hoa", &a->hoa);
	for (argc--, argv++; !err && argc > 0; argc -= 2, argv += 2) {
		if (argc < 2)
			return usage_error("\"%s\" needs an argument", argv[0]);
		if (!strcmp(argv[0], "key") || !strcmp(argv[0], "key-file")) {
			err = kbm_add_key(a, argv[0], argv[1]);
		} else if (!strcmp(argv[0], "cn")) {
			if (a->has_cn)
				return usage_error("duplicate \"cn\"");
			err = parse_addr(argv[1], "cn", &a->cn);
			a->has_cn = true;
		} else {
			return usage_error("unknown argument \"%s\"", argv[0]);
		}
	}
	if (!err && !a->has_key)
		return usage_error("kbm add needs key HEX or key-file FILE");
	return err;
}

static int kbm_add(struct mip6sec_ctx *ctx, int argc, char **argv)
{
	struct kbm_add_args a = { 0 };
	struct mip6sec_attr attrs[3];
	size_t n = 0;
	int err;

	err = kbm_add_parse(&a, argc, argv);
	if (!err) {
		attrs[n++] = (struct mip6sec_attr){ MIP6SEC_A_HOA, &a.hoa, 16 };
		attrs[n++] = (struct mip6sec_attr){ MIP6SEC_A_KEY, a.key,
						    sizeof(a.key) };
		if (a.has_cn)
			attrs[n++] = (struct mip6sec_attr){ MIP6SEC_A_CN,
							    &a.cn, 16 };
		/* Generic netlink takes no NLM_F_CREATE/EXCL: add never replaces. */
		err = mip6sec_request(ctx, MIP6SEC_CMD_KBM_ADD, NLM_F_ACK,
				      attrs, n, NULL);
	}
	explicit_bzero(&a, sizeof(a));
	return err;
}

static int kbm_del(struct mip6sec_ctx *ctx, int argc, char **argv)
{
	return del_by_hoa(ctx, "kbm", MIP6SEC_CMD_KBM_DEL, argc, argv);
}

static int kbm_show(struct mip6sec_ctx *ctx, int argc, char **argv)
{
	return show_by_hoa(ctx, "kbm", MIP6SEC_CMD_KBM_GET, kbm_fields, argc, argv);
}

static const struct mip6sec_cmd kbm_cmds[] = {
	{ "show", kbm_show },
	{ "list", kbm_show },
	{ "add", kbm_add },
	{ "del", kbm_del },
};

int do_kbm(struct mip6sec_ctx *ctx, int argc, char **argv)
{
	return mip6sec_dispatch(ctx, kbm_cmds, ARRAY_SIZE(kbm_cmds), kbm_help,
				argc, argv);
}
