// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec monitor: print the notifications of the "events" group until
 * SIGINT or SIGTERM. Signals arrive through a signalfd, so no global
 * state is needed.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/time.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "mip6sec.h"

const char monitor_help[] =
	"Usage: mip6sec monitor [ -t | -ts ]\n"
	"Prints key, SA, binding, key request and fast handover events until\n"
	"interrupted. -t (-timestamp) prints a \"Timestamp:\" line before each\n"
	"event and -ts (-tshort) a short one in front of it, as ip monitor does.\n";

typedef void (*fields_fn)(struct out *o, const struct mip6sec_obj *obj);

static void key_request_fields(struct out *o, const struct mip6sec_obj *obj);
static void fbu_accepted_fields(struct out *o, const struct mip6sec_obj *obj);

static const struct {
	const char *name;
	fields_fn fields;
} events[MIP6SEC_CMD_MAX + 1] = {
	[MIP6SEC_CMD_KBM_NEW_NTF]	= { "kbm-new", kbm_fields },
	[MIP6SEC_CMD_KBM_DEL_NTF]	= { "kbm-del", kbm_fields },
	[MIP6SEC_CMD_KBM_EXHAUSTED_NTF]	= { "kbm-exhausted", kbm_fields },
	[MIP6SEC_CMD_BINDING_NEW_NTF]	= { "binding-new", binding_fields },
	[MIP6SEC_CMD_BINDING_UPDATE_NTF] = { "binding-update", binding_fields },
	[MIP6SEC_CMD_BINDING_DEL_NTF]	= { "binding-del", binding_fields },
	[MIP6SEC_CMD_SA_NEW_NTF]	= { "sa-new", sa_fields },
	[MIP6SEC_CMD_SA_DEL_NTF]	= { "sa-del", sa_fields },
	[MIP6SEC_CMD_SA_EXPIRED_NTF]	= { "sa-expired", sa_fields },
	[MIP6SEC_CMD_KEY_REQUEST_NTF]	= { "key-request", key_request_fields },
	[MIP6SEC_CMD_FBU_ACCEPTED_NTF]	= { "fbu-accepted", fbu_accepted_fields },
};

static const char *const reason_names[MIP6SEC_DEL_REASON_MAX + 1] = {
	[MIP6SEC_DEL_REASON_UNSPEC]		= "unspec",
	[MIP6SEC_DEL_REASON_DEREGISTERED]	= "deregistered",
	[MIP6SEC_DEL_REASON_EXPIRED]		= "expired",
	[MIP6SEC_DEL_REASON_ADMIN]		= "admin",
	[MIP6SEC_DEL_REASON_KEY_REMOVED]	= "key-removed",
};

static void addr_field(struct out *o, const struct mip6sec_obj *obj,
		       int attr, const char *key, const struct in6_addr *addr)
{
	if (OBJ_HAS(obj, attr))
		out_addr(o, key, addr);
}

/* A BU or FBU named an NAI that has no SA here: an AAA client may push one. */
static void key_request_fields(struct out *o, const struct mip6sec_obj *obj)
{
	nai_field(o, obj);
	if (OBJ_HAS(obj, MIP6SEC_A_SPI))
		out_u64(o, "spi", NULL, obj->spi);
	if (OBJ_HAS(obj, MIP6SEC_A_SA_USE))
		sa_use_field(o, obj->sa_use);
	addr_field(o, obj, MIP6SEC_A_HA, "ha", &obj->ha);
	addr_field(o, obj, MIP6SEC_A_HOA, "hoa", &obj->hoa);
	addr_field(o, obj, MIP6SEC_A_COA, "coa", &obj->coa);
}

/* An FBU was accepted: a handover daemon tunnels PCoA to NCoA. */
static void fbu_accepted_fields(struct out *o, const struct mip6sec_obj *obj)
{
	nai_field(o, obj);
	if (OBJ_HAS(obj, MIP6SEC_A_SPI))
		out_u64(o, "spi", NULL, obj->spi);
	addr_field(o, obj, MIP6SEC_A_PCOA, "pcoa", &obj->pcoa);
	addr_field(o, obj, MIP6SEC_A_COA, "coa", &obj->coa);
	addr_field(o, obj, MIP6SEC_A_HA, "ha", &obj->ha);
	if (OBJ_HAS(obj, MIP6SEC_A_SEQ))
		out_u64(o, "seq", NULL, obj->seq);
	if (OBJ_HAS(obj, MIP6SEC_A_LIFETIME))
		out_u64(o, "lifetime", "lifetime %" PRIu64 "s", obj->lifetime);
}

static void reason_field(struct out *o, uint32_t reason)
{
	char buf[32];

	if (reason <= MIP6SEC_DEL_REASON_MAX) {
		out_str(o, "reason", NULL, reason_names[reason]);
		return;
	}
	snprintf(buf, sizeof(buf), "unknown-%u", reason);
	out_str(o, "reason", NULL, buf);
}

/*
 * The time an event was received, as ip(8) prints it: -t a line
 * "Timestamp: Thu Dec  3 06:10:22 2026 123456 usec" before the event, -ts
 * a prefix "[2026-12-03T06:10:22.123456]"; in JSON a "timestamp" member in
 * the short form.
 */
static void timestamp_field(struct out *o, const struct timeval *tv)
{
	char buf[64], full[80];
	struct tm tm;

	if (!localtime_r(&tv->tv_sec, &tm))
		return;
	if (o->json || o->timestamp == TS_SHORT) {
		strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(full, sizeof(full), "%s.%06ld", buf, (long)tv->tv_usec);
		out_str(o, "timestamp", "[%s]", full);
		return;
	}
	strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S %Y", &tm);
	fprintf(o->fp, "Timestamp: %s %ld usec\n", buf, (long)tv->tv_usec);
}

/*
 * Print one notification, received at @tv (printed with -t or -ts);
 * -EINVAL if it is not one we know.
 */
int monitor_print_at(struct out *o, const struct nlmsghdr *nlh,
		     const struct timeval *tv)
{
	const struct genlmsghdr *ghdr = nlmsg_data(nlh);
	struct mip6sec_obj obj;

	if (ghdr->cmd > MIP6SEC_CMD_MAX || !events[ghdr->cmd].name ||
	    mip6sec_obj_parse(nlh, &obj) < 0)
		return -EINVAL;

	if (o->timestamp && !o->json && o->timestamp == TS_LONG)
		timestamp_field(o, tv);
	out_obj_begin(o, false);
	if (o->timestamp && (o->json || o->timestamp == TS_SHORT))
		timestamp_field(o, tv);
	out_str(o, "event", "[%s]", events[ghdr->cmd].name);
	events[ghdr->cmd].fields(o, &obj);
	if (OBJ_HAS(&obj, MIP6SEC_A_REASON))
		reason_field(o, obj.reason);
	out_obj_end(o);
	return 0;
}

int monitor_print(struct out *o, const struct nlmsghdr *nlh)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return monitor_print_at(o, nlh, &tv);
}

static int event_cb(struct nl_msg *msg, void *arg)
{
	struct out *o = arg;

	monitor_print(o, nlmsg_hdr(msg));
	return NL_OK;
}

static int subscribe(struct mip6sec_ctx *ctx)
{
	int grp, err;

	grp = genl_ctrl_resolve_grp(ctx->sk, MIP6SEC_FAMILY_NAME,
				    MIP6SEC_MCGRP_EVENTS);
	if (grp < 0) {
		fprintf(stderr, "Error: cannot find multicast group '%s': %s\n",
			MIP6SEC_MCGRP_EVENTS, nl_geterror(grp));
		return EXIT_KERNEL;
	}
	err = nl_socket_add_membership(ctx->sk, grp);
	if (err == -NLE_PERM || err == -NLE_NOACCESS) {
		fprintf(stderr, "Error: Operation not permitted (need CAP_NET_ADMIN)\n");
		return EXIT_KERNEL;
	}
	if (err < 0) {
		fprintf(stderr, "Error: cannot join multicast group '%s': %s\n",
			MIP6SEC_MCGRP_EVENTS, nl_geterror(err));
		return EXIT_KERNEL;
	}
	nl_socket_disable_seq_check(ctx->sk);
	nl_socket_modify_cb(ctx->sk, NL_CB_VALID, NL_CB_CUSTOM, event_cb,
			    &ctx->out);
	return nl_socket_set_nonblocking(ctx->sk) < 0 ? EXIT_KERNEL : 0;
}

static int signal_fd(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC);
}

/* Returns 1 to go on, 0 to stop, or an exit status > 1. */
static int receive(struct mip6sec_ctx *ctx)
{
	int err = nl_recvmsgs_default(ctx->sk);

	if (err >= 0 || err == -NLE_AGAIN)
		return 1;
	if (err == -NLE_NOMEM) {
		/* ENOBUFS: the socket overran, the kernel dropped events. */
		fprintf(stderr, "Warning: receive queue overrun, events were lost\n");
		return 1;
	}
	fprintf(stderr, "Error: netlink: %s\n", nl_geterror(err));
	return EXIT_KERNEL;
}

static int event_loop(struct mip6sec_ctx *ctx, int sfd)
{
	struct pollfd pfd[2] = {
		{ .fd = nl_socket_get_fd(ctx->sk), .events = POLLIN },
		{ .fd = sfd, .events = POLLIN },
	};
	int ret = 1;

	while (ret == 1) {
		if (poll(pfd, ARRAY_SIZE(pfd), -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "Error: poll: %s\n", strerror(errno));
			return EXIT_KERNEL;
		}
		if (pfd[1].revents)
			return 0;
		if (pfd[0].revents)
			ret = receive(ctx);
	}
	return ret;
}

int do_monitor(struct mip6sec_ctx *ctx, int argc, char **argv)
{
	int sfd, err;

	if (argc > 0 && is_help(argv[0])) {
		fputs(monitor_help, stdout);
		return 0;
	}
	for (; argc > 0; argc--, argv++) {
		if (!strcmp(argv[0], "-t") || !strcmp(argv[0], "-timestamp")) {
			ctx->out.timestamp = TS_LONG;
		} else if (!strcmp(argv[0], "-ts") || !strcmp(argv[0], "-tshort")) {
			ctx->out.timestamp = TS_SHORT;
		} else {
			fprintf(stderr, "Error: unknown argument \"%s\" for monitor\n",
				argv[0]);
			fputs(monitor_help, stderr);
			return EXIT_USAGE;
		}
	}
	err = mip6sec_connect(ctx);
	if (!err)
		err = subscribe(ctx);
	if (err)
		return err;

	sfd = signal_fd();
	if (sfd < 0) {
		fprintf(stderr, "Error: signalfd: %s\n", strerror(errno));
		return EXIT_KERNEL;
	}
	ctx->out.pretty = false;	/* one JSON object per line */
	setvbuf(stdout, NULL, _IOLBF, 0);
	err = event_loop(ctx, sfd);
	close(sfd);
	return err;
}
