// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec(8): configure the mip6sec kernel module over generic netlink.
 *
 * mip6sec [ OPTIONS ] OBJECT { COMMAND | help }
 */
#define _GNU_SOURCE		/* setns() */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mip6sec.h"

#ifndef MIP6SEC_VERSION
#error "MIP6SEC_VERSION comes from kernel/version.h, through the Makefile"
#endif

/* Words of one batch line; a longer line is an error. */
#define BATCH_MAX_ARGS	64

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
	      "       mip6sec [ OPTIONS ] -batch FILE [ -force ]\n"
	      "       mip6sec { -V | --version }\n"
	      "where  OBJECT := {", fp);
	for (i = 0; i < ARRAY_SIZE(objects); i++)
		if (objects[i].help)
			fprintf(fp, "%s %s", i ? " |" : "", objects[i].name);
	fputs(" }\n"
	      "       OPTIONS := { -j[son] | -p[retty] | -a[ll] | -t[imestamp] |\n"
	      "                    -ts[hort] | -n[etns] NAME }\n", fp);
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

/* An output option (they may also end a command line); false if not one. */
static bool output_option(struct mip6sec_ctx *ctx, const char *arg)
{
	if (is_opt(arg, "-j", "--json"))
		ctx->out.json = true;
	else if (is_opt(arg, "-p", "--pretty"))
		ctx->out.pretty = true;
	else if (is_opt(arg, "-a", "--all"))
		ctx->out.all = true;
	else if (is_opt(arg, "-t", "--timestamp"))
		ctx->out.timestamp = TS_LONG;
	else if (is_opt(arg, "-ts", "--tshort"))
		ctx->out.timestamp = TS_SHORT;
	else
		return false;
	return true;
}

/* The module's version, if it is loaded and has one. */
static void print_module_version(void)
{
	char buf[64] = "";
	FILE *fp = fopen("/sys/module/mip6sec/version", "re");

	if (!fp) {
		if (errno != ENOENT)
			return;
		if (!access("/sys/module/mip6sec", F_OK))
			puts("module mip6sec: loaded, without a version");
		return;
	}
	if (fgets(buf, sizeof(buf), fp)) {
		buf[strcspn(buf, "\n")] = 0;
		printf("module mip6sec %s%s\n", buf,
		       strcmp(buf, MIP6SEC_VERSION) ? " (differs from the tool)" : "");
	}
	fclose(fp);
}

/*
 * -n NETNS, as ip(8): work in the network namespace /run/netns/NETNS (a
 * name, as "ip netns add" makes), or the one a path names
 * (/proc/PID/ns/net). Only the network namespace changes: this tool reads
 * nothing "ip netns exec" would remount or bind (/sys, /etc/netns/NETNS).
 */
static int enter_netns(const char *name)
{
	char path[PATH_MAX];
	int fd, n;

	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return usage_error("-netns needs the name of a network namespace");
	n = snprintf(path, sizeof(path), "%s%s",
		     strchr(name, '/') ? "" : "/run/netns/", name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return usage_error("-netns: name too long");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "Error: cannot open network namespace \"%s\": %s\n",
			name, strerror(errno));
		return EXIT_USAGE;
	}
	if (setns(fd, CLONE_NEWNET)) {
		fprintf(stderr, "Error: cannot enter network namespace \"%s\": %s\n",
			name, strerror(errno));
		close(fd);
		return errno == EINVAL ? EXIT_USAGE : EXIT_KERNEL;
	}
	close(fd);
	return 0;
}

struct options {
	const char *batch;	/* -batch FILE */
	bool force;		/* -force: go on after a failed batch line */
};

/* Returns the number of arguments used, or -1 after an error or -V. */
static int parse_options(struct mip6sec_ctx *ctx, struct options *opt,
			 int argc, char **argv, int *status)
{
	int i;

	for (i = 0; i < argc && argv[i][0] == '-'; i++) {
		if (output_option(ctx, argv[i])) {
			continue;
		} else if (is_opt(argv[i], "-b", "--batch")) {
			if (i + 1 >= argc) {
				*status = usage_error("-batch needs a file name (\"-\" is standard input)");
				return -1;
			}
			opt->batch = argv[++i];
		} else if (is_opt(argv[i], "-n", "--netns")) {
			if (i + 1 >= argc) {
				*status = usage_error("-netns needs the name of a network namespace");
				return -1;
			}
			*status = enter_netns(argv[++i]);
			if (*status)
				return -1;
		} else if (is_opt(argv[i], "-f", "--force")) {
			opt->force = true;
		} else if (is_opt(argv[i], "-V", "--version")) {
			printf("mip6sec %s\n", MIP6SEC_VERSION);
			print_module_version();
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
	while (argc > 1 && output_option(ctx, argv[argc - 1]))
		argc--;
	return argc;
}

/*
 * Split a batch line into words, in place, as ip(8) -batch does: blanks
 * separate words, "..." and '...' quote them, and a word that starts with
 * '#' starts a comment. Returns the number of words, or -1 (@err says why).
 */
static int split_line(char *line, char **argv, int max, const char **err)
{
	static const char blanks[] = " \t\r\n";
	char *p = line, *w;
	int n = 0;

	for (p += strspn(p, blanks); *p && *p != '#'; p += strspn(p, blanks)) {
		if (n == max) {
			*err = "too many words";
			return -1;
		}
		if (*p == '"' || *p == '\'') {
			w = strchr(p + 1, *p);
			if (!w) {
				*err = "unterminated quote";
				return -1;
			}
			argv[n++] = p + 1;
			*w = 0;
			p = w + 1;
			if (*p && !strchr(blanks, *p)) {
				*err = "a quote must end a word";
				return -1;
			}
			continue;
		}
		argv[n++] = p;
		p += strcspn(p, blanks);
		if (*p)
			*p++ = 0;
	}
	return n;
}

/*
 * mip6sec -batch FILE: one command per line, with the options given
 * before -batch. A line that ends in a backslash goes on on the next one.
 * The first failing command ends the batch, unless -force. Returns the
 * exit status of the first failed command, or 0.
 */
static int run_batch(const struct mip6sec_ctx *proto, const struct options *opt)
{
	bool is_stdin = !strcmp(opt->batch, "-");
	const char *name = is_stdin ? "<stdin>" : opt->batch;
	char *line = NULL, *argv[BATCH_MAX_ARGS];
	size_t size = 0, cont = 0, len;
	unsigned int lineno = 0, first = 0;
	int status = 0, argc, rc;
	const char *err;
	ssize_t got;
	FILE *fp;

	fp = is_stdin ? stdin : fopen(opt->batch, "re");
	if (!fp) {
		fprintf(stderr, "Error: cannot open batch file \"%s\": %s\n",
			opt->batch, strerror(errno));
		return EXIT_USAGE;
	}
	batch_mode = true;
	for (;;) {
		char *more = NULL;
		size_t more_size = 0;

		got = getline(cont ? &more : &line, cont ? &more_size : &size, fp);
		if (got < 0) {
			free(more);
			more = NULL;
			if (!cont)
				break;
			got = 0;	/* a backslash on the last line */
		}
		lineno++;
		if (cont) {
			char *joined = realloc(line, cont + got + 1);

			if (!joined) {
				free(more);
				fprintf(stderr, "Error: out of memory\n");
				status = EXIT_KERNEL;
				break;
			}
			line = joined;
			size = cont + got + 1;
			memcpy(line + cont, more ? more : "", got + 1);
			free(more);
		} else {
			first = lineno;
		}
		len = strlen(line);
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = 0;
		if (len && line[len - 1] == '\\' && got > 0) {
			line[len - 1] = ' ';
			cont = len;
			continue;
		}
		cont = 0;

		argc = split_line(line, argv, BATCH_MAX_ARGS, &err);
		if (argc == 0)
			continue;
		if (argc < 0) {
			fprintf(stderr, "Error: %s:%u: %s\n", name, first, err);
			rc = EXIT_USAGE;
		} else {
			struct mip6sec_ctx ctx = *proto;

			ctx.obj = ctx.cmd = NULL;
			rc = run(&ctx, trailing_options(&ctx, argc, argv), argv);
			mip6sec_disconnect(&ctx);
			fflush(stdout);
		}
		if (rc) {
			/* As ip(8): the line, never its words (a key may be there). */
			fprintf(stderr, "Command failed %s:%u\n", name, first);
			if (!status)
				status = rc;
			if (!opt->force)
				break;
		}
	}
	if (ferror(fp)) {
		fprintf(stderr, "Error: cannot read batch file \"%s\"\n", name);
		status = status ? status : EXIT_USAGE;
	}
	if (line)
		explicit_bzero(line, size);
	free(line);
	if (!is_stdin)
		fclose(fp);
	return status;
}

int main(int argc, char **argv)
{
	struct mip6sec_ctx ctx = { .out = { .fp = stdout } };
	struct options opt = { 0 };
	int status = 0, n;

	n = parse_options(&ctx, &opt, argc - 1, argv + 1, &status);
	if (n >= 0 && opt.batch) {
		if (n < argc - 1)
			status = usage_error("-batch takes no command line: the commands are in the file");
		else
			status = run_batch(&ctx, &opt);
	} else if (n >= 0 && opt.force) {
		status = usage_error("-force only applies to -batch");
	} else if (n >= 0) {
		status = run(&ctx, trailing_options(&ctx, argc - 1 - n,
						    argv + 1 + n),
			     argv + 1 + n);
	}
	mip6sec_disconnect(&ctx);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "Error: cannot write to standard output\n");
		return EXIT_KERNEL;
	}
	return status;
}
