/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mip6sec(8): shared declarations of the command line tool.
 */
#ifndef MIP6SEC_H
#define MIP6SEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <netlink/netlink.h>
#include <linux/mip6sec.h>

#include "output.h"

/* Exit status, as ip(8): 1 = usage error, 2 = the kernel said no. */
enum {
	EXIT_USAGE = 1,
	EXIT_KERNEL = 2,
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Everything a command needs: the netlink socket and the output sink. */
struct mip6sec_ctx {
	struct nl_sock *sk;
	int family;
	struct out out;
	const char *obj;	/* "kbm", for error prefixes */
	const char *cmd;	/* "add" */
};

struct mip6sec_cmd {
	const char *name;
	int (*fn)(struct mip6sec_ctx *ctx, int argc, char **argv);
};

struct mip6sec_object {
	const char *name;
	int (*handler)(struct mip6sec_ctx *ctx, int argc, char **argv);
	const char *help;
};

/* One attribute of a request. */
struct mip6sec_attr {
	int type;
	const void *data;
	size_t len;
};

/* Replies of one request (a single message, or every message of a dump). */
struct mip6sec_replies {
	struct nl_msg **msg;
	size_t n, cap;
};

/* A reply or notification, decoded; @present has bit (1 << MIP6SEC_A_x). */
struct mip6sec_obj {
	uint32_t present;
	struct in6_addr hoa, cn, coa, ha, pcoa, home_prefix;
	uint64_t uses;
	uint32_t lifetime, auth, reason, spi, sa_use, replay, home_prefix_len;
	uint16_t last_seq, seq;
	uint8_t key_name[MIP6SEC_KEY_NAME_LEN];
	size_t nai_len;
	uint8_t nai[MIP6SEC_NAI_MAX];
};

#define OBJ_HAS(o, attr) (((o)->present >> (attr)) & 1)

/* Result of one netlink transaction, filled by the ack/error callbacks. */
struct mip6sec_txn {
	const struct nlmsghdr *req;
	struct mip6sec_replies *replies;
	uint32_t seq;
	bool done, intr, oom;
	int error;		/* positive errno, 0 on success */
	int bad_attr;		/* from NLMSGERR_ATTR_OFFS, or -1 */
	int miss_attr;		/* from NLMSGERR_ATTR_MISS_TYPE, or -1 */
	char msg[256];		/* from NLMSGERR_ATTR_MSG */
};

/* main.c: true while running -batch (keys only by file there) */
extern bool batch_mode;

/* nl.c */
int mip6sec_open(struct mip6sec_ctx *ctx);
int mip6sec_connect(struct mip6sec_ctx *ctx);
void mip6sec_disconnect(struct mip6sec_ctx *ctx);
int mip6sec_request(struct mip6sec_ctx *ctx, uint8_t cmd, int flags,
		    const struct mip6sec_attr *attrs, size_t nattrs,
		    struct mip6sec_replies *replies);
void mip6sec_replies_free(struct mip6sec_replies *r);
int mip6sec_obj_parse(const struct nlmsghdr *nlh, struct mip6sec_obj *obj);
const char *mip6sec_attr_name(int type);
int mip6sec_attr_at(const struct nlmsghdr *req, uint32_t offset);
void mip6sec_extack_parse(struct mip6sec_txn *txn, const struct nlmsghdr *nlh);
void mip6sec_print_error(FILE *fp, const struct mip6sec_ctx *ctx,
			 const struct mip6sec_txn *txn);
void mip6sec_err_prefix(FILE *fp, const struct mip6sec_ctx *ctx);

/* utils.c */
int parse_addr(const char *s, const char *what, struct in6_addr *addr);
ssize_t hex_decode(const char *s, size_t len, uint8_t *buf, size_t max);
int parse_hex(const char *s, size_t len, const char *what, uint8_t **out,
	      size_t *out_len);
void hex_encode(const uint8_t *p, size_t len, char *hex);
int parse_u32(const char *s, const char *what, uint32_t min, uint32_t max,
	      uint32_t *val);
int parse_kbm_hex(const char *s, size_t len, uint8_t key[MIP6SEC_KBM_LEN]);
int read_key_file(const char *path, uint8_t key[MIP6SEC_KBM_LEN]);
int read_hex_file(const char *kw, const char *what, const char *path,
		  uint8_t **out, size_t *out_len);
bool is_help(const char *arg);
int inline_key_check(const char *kw, const char *instead);
const void *lookup(const char *word, const void *table, size_t n,
		   size_t stride, bool *ambiguous);
int mip6sec_dispatch(struct mip6sec_ctx *ctx, const struct mip6sec_cmd *cmds,
		     size_t ncmds, const char *help, int argc, char **argv);
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int show_by_hoa(struct mip6sec_ctx *ctx, const char *what, uint8_t cmd,
		void (*fields)(struct out *o, const struct mip6sec_obj *obj),
		int argc, char **argv);
int del_by_hoa(struct mip6sec_ctx *ctx, const char *what, uint8_t cmd,
	       int argc, char **argv);
void print_objs(struct mip6sec_ctx *ctx, const struct mip6sec_replies *r,
		void (*fields)(struct out *o, const struct mip6sec_obj *obj));

/* Objects. */
int do_kbm(struct mip6sec_ctx *ctx, int argc, char **argv);
int do_sa(struct mip6sec_ctx *ctx, int argc, char **argv);
int do_binding(struct mip6sec_ctx *ctx, int argc, char **argv);
int do_stats(struct mip6sec_ctx *ctx, int argc, char **argv);
int do_monitor(struct mip6sec_ctx *ctx, int argc, char **argv);
int do_derive(struct mip6sec_ctx *ctx, int argc, char **argv);
int do_rr(struct mip6sec_ctx *ctx, int argc, char **argv);
extern const char kbm_help[], binding_help[], stats_help[], monitor_help[];
extern const char derive_help[], sa_help[], rr_help[];

void kbm_fields(struct out *o, const struct mip6sec_obj *obj);
void binding_fields(struct out *o, const struct mip6sec_obj *obj);
void sa_fields(struct out *o, const struct mip6sec_obj *obj);
void nai_field(struct out *o, const struct mip6sec_obj *obj);
void sa_use_field(struct out *o, uint32_t use);

/*
 * "sa add": parse @argv, derive the key, and hand the attributes of the
 * request to @send (the kernel, or a test). Usage errors come before
 * @send is called; every key buffer is wiped on return.
 */
#define SA_ADD_MAX_ATTRS 9
typedef int (*sa_add_send_fn)(void *arg, const struct mip6sec_attr *attrs,
			      size_t nattrs);
int sa_add_run(int argc, char **argv, sa_add_send_fn send, void *arg);
void stats_print(struct out *o, const struct nlmsghdr *nlh);
int monitor_print(struct out *o, const struct nlmsghdr *nlh);
struct timeval;
int monitor_print_at(struct out *o, const struct nlmsghdr *nlh,
		     const struct timeval *tv);

#endif /* MIP6SEC_H */
