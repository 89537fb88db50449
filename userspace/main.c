// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec(8): configure the mip6sec kernel module over generic netlink.
 *
 * mip6sec [ OPTIONS ] OBJECT { COMMAND | help }
 */
#include <stdio.h>
#include <string.h>

#include "mip6sec.h"

#ifndef MIP6SEC_VERSION
#define MIP6SEC_VERSION "0.1"
#endif

static int do_help(struct mip6sec_ctx *ctx, int argc, char **argv);

static const struct mip6sec_object objects[] = {
	{ "kbm",	do_kbm,		kbm_help },
	{ "sa",		do_sa,		sa_help },
	{ "binding",	do_binding,	binding_help },
	{ "rr",		do_rr,		rr_help },
	{ "stats",	do_stats,	stats_help },
	{ "monitor",	do_monitor,	monitor_help },
	{ "derive",	do_derive,	derive_help },
	{ "help",	do_help,	NULL },
};

static void usage(FILE *fp)
{
	size_t i;

	fputs("Usage: mip6sec [ OPTIONS ] OBJECT { COMMAND | help }\n"
	      "       mip6sec { -V | --version }\n"
	      "where  OBJECT := {", fp);
	for (i = 0; i < ARRAY_SIZE(objects); i++)
		if (objects[i].help)
			fprintf(fp, "%s %s", i ? " |" : "", objects[i].name);
	fputs(" }\n"
	      "       OPTIONS := { -j[son] | -p[retty] }\n", fp);
	for (i = 0; i < ARRAY_SIZE(objects); i++)
		if (objects[i].help)
			fprintf(fp, "\n%s", objects[i].help);
}

static int do_help(struct mip6sec_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	(void)argv;
	if (argc > 0)
		return usage_error("help takes no arguments");
	usage(stdout);
	return 0;
}

static bool is_opt(const char *arg, const char *shrt, const char *lng)
{
	/* -j, -json and --json, like ip(8) */
	return !strcmp(arg, shrt) || !strcmp(arg, lng) || !strcmp(arg, lng + 1);
}

/* Returns the number of arguments used, or -1 after an error or -V. */
static int parse_options(struct mip6sec_ctx *ctx, int argc, char **argv,
			 int *status)
{
	int i;

	for (i = 0; i < argc && argv[i][0] == '-'; i++) {
		if (is_opt(argv[i], "-j", "--json")) {
			ctx->out.json = true;
		} else if (is_opt(argv[i], "-p", "--pretty")) {
			ctx->out.pretty = true;
		} else if (is_opt(argv[i], "-V", "--version")) {
			printf("mip6sec %s\n", MIP6SEC_VERSION);
			*status = 0;
			return -1;
		} else if (is_help(argv[i])) {
			usage(stdout);
			*status = 0;
			return -1;
		} else {
			fprintf(stderr, "Error: unknown option \"%s\"\n", argv[i]);
			usage(stderr);
			*status = EXIT_USAGE;
			return -1;
		}
	}
	return i;
}

static int run(struct mip6sec_ctx *ctx, int argc, char **argv)
{
	const struct mip6sec_object *obj;
	bool ambiguous;

	if (argc < 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	obj = lookup(argv[0], objects, ARRAY_SIZE(objects), sizeof(*obj),
		     &ambiguous);
	if (!obj) {
		fprintf(stderr, "Error: %s object \"%s\"\n",
			ambiguous ? "ambiguous" : "unknown", argv[0]);
		usage(stderr);
		return EXIT_USAGE;
	}
	ctx->obj = obj->name;
	return obj->handler(ctx, argc - 1, argv + 1);
}

/*
 * Output options may also end the command line ("mip6sec sa show -j"):
 * take them off the end, so that no argument value is ever mistaken for
 * one. Returns the new argc.
 */
static int trailing_options(struct mip6sec_ctx *ctx, int argc, char **argv)
{
	while (argc > 1) {
		if (is_opt(argv[argc - 1], "-j", "--json"))
			ctx->out.json = true;
		else if (is_opt(argv[argc - 1], "-p", "--pretty"))
			ctx->out.pretty = true;
		else
			break;
		argc--;
	}
	return argc;
}

int main(int argc, char **argv)
{
	struct mip6sec_ctx ctx = { .out = { .fp = stdout } };
	int status = 0, n;

	n = parse_options(&ctx, argc - 1, argv + 1, &status);
	if (n >= 0)
		status = run(&ctx, trailing_options(&ctx, argc - 1 - n,
						    argv + 1 + n),
			     argv + 1 + n);
	mip6sec_disconnect(&ctx);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "Error: cannot write to standard output\n");
		return EXIT_KERNEL;
	}
	return status;
}
