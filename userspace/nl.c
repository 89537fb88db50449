// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink plumbing: connecting, requests with extended ACK
 * reporting (libnl has no extack API), dumps with NLM_F_DUMP_INTR retry,
 * and decoding of the attributes the kernel sends back.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "mip6sec.h"

#define DUMP_TRIES 4

static const char *const attr_names[MIP6SEC_A_MAX + 1] = {
	[MIP6SEC_A_UNSPEC]	= "unspec",
	[MIP6SEC_A_PAD]		= "pad",
	[MIP6SEC_A_HOA]		= "hoa",
	[MIP6SEC_A_CN]		= "cn",
	[MIP6SEC_A_COA]		= "coa",
	[MIP6SEC_A_KEY]		= "key",
	[MIP6SEC_A_LAST_SEQ]	= "last_seq",
	[MIP6SEC_A_USES]	= "uses",
	[MIP6SEC_A_SEQ]		= "seq",
	[MIP6SEC_A_LIFETIME]	= "lifetime",
	[MIP6SEC_A_AUTH]	= "auth",
	[MIP6SEC_A_REASON]	= "reason",
	[MIP6SEC_A_STATS]	= "stats",
	[MIP6SEC_A_NAI]		= "nai",
	[MIP6SEC_A_SPI]		= "spi",
	[MIP6SEC_A_SA_USE]	= "sa_use",
	[MIP6SEC_A_KEY_NAME]	= "key_name",
	[MIP6SEC_A_REPLAY]	= "replay",
	[MIP6SEC_A_HA]		= "ha",
	[MIP6SEC_A_PCOA]	= "pcoa",
	[MIP6SEC_A_RR_MODE]	= "rr_mode",
	[MIP6SEC_A_KCN_AGE]	= "kcn_age",
	[MIP6SEC_A_NONCE]	= "nonce",
	[MIP6SEC_A_HOME_PREFIX]	= "home_prefix",
	[MIP6SEC_A_HOME_PREFIX_LEN] = "home_prefix_len",
};

static const struct nla_policy policy[MIP6SEC_A_MAX + 1] = {
	[MIP6SEC_A_HOA]		= { .minlen = 16, .maxlen = 16 },
	[MIP6SEC_A_CN]		= { .minlen = 16, .maxlen = 16 },
	[MIP6SEC_A_COA]		= { .minlen = 16, .maxlen = 16 },
	[MIP6SEC_A_LAST_SEQ]	= { .type = NLA_U32 },
	[MIP6SEC_A_USES]	= { .type = NLA_U64 },
	[MIP6SEC_A_SEQ]		= { .type = NLA_U32 },
	[MIP6SEC_A_LIFETIME]	= { .type = NLA_U32 },
	[MIP6SEC_A_AUTH]	= { .type = NLA_U32 },
	[MIP6SEC_A_REASON]	= { .type = NLA_U32 },
	[MIP6SEC_A_STATS]	= { .type = NLA_NESTED },
	/* A string; modules before 0.2 sent it without the NUL. */
	[MIP6SEC_A_NAI]		= { .minlen = 1, .maxlen = MIP6SEC_NAI_MAX + 1 },
	[MIP6SEC_A_SPI]		= { .type = NLA_U32 },
	[MIP6SEC_A_SA_USE]	= { .type = NLA_U32 },
	[MIP6SEC_A_KEY_NAME]	= { .minlen = MIP6SEC_KEY_NAME_LEN,
				    .maxlen = MIP6SEC_KEY_NAME_LEN },
	[MIP6SEC_A_REPLAY]	= { .type = NLA_U32 },
	[MIP6SEC_A_HA]		= { .minlen = 16, .maxlen = 16 },
	[MIP6SEC_A_PCOA]	= { .minlen = 16, .maxlen = 16 },
	[MIP6SEC_A_HOME_PREFIX]	= { .minlen = 16, .maxlen = 16 },
	[MIP6SEC_A_HOME_PREFIX_LEN] = { .type = NLA_U32 },
};

/* One bit per attribute in struct mip6sec_obj's @present. */
_Static_assert(MIP6SEC_A_MAX < 32, "mip6sec_obj.present is 32 bits");

const char *mip6sec_attr_name(int type)
{
	if (type >= 0 && type <= MIP6SEC_A_MAX)
		return attr_names[type];
	return "unknown";
}

void mip6sec_err_prefix(FILE *fp, const struct mip6sec_ctx *ctx)
{
	if (ctx->obj)
		fprintf(fp, "%s%s%s: ", ctx->obj, ctx->cmd ? " " : "",
			ctx->cmd ? ctx->cmd : "");
}

/* A generic netlink socket with extended ACKs, not yet bound to a family. */
int mip6sec_open(struct mip6sec_ctx *ctx)
{
	int one = 1, err;

	ctx->sk = nl_socket_alloc();
	if (!ctx->sk) {
		fprintf(stderr, "Error: out of memory\n");
		return EXIT_KERNEL;
	}
	err = genl_connect(ctx->sk);
	if (err < 0) {
		fprintf(stderr, "Error: cannot open generic netlink socket: %s\n",
			nl_geterror(err));
		return EXIT_KERNEL;
	}
	/* Both are best effort: old kernels just give less detail. CAP_ACK
	 * keeps the kernel from echoing our request, key included, back. */
	setsockopt(nl_socket_get_fd(ctx->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(ctx->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	/* We set NLM_F_ACK ourselves and check sequence numbers per request. */
	nl_socket_disable_auto_ack(ctx->sk);
	return 0;
}

int mip6sec_connect(struct mip6sec_ctx *ctx)
{
	int err = mip6sec_open(ctx);

	if (err)
		return err;
	ctx->family = genl_ctrl_resolve(ctx->sk, MIP6SEC_FAMILY_NAME);
	if (ctx->family == -NLE_OBJ_NOTFOUND) {
		fprintf(stderr, "mip6sec: module not loaded (generic netlink family '%s' not found)\n",
			MIP6SEC_FAMILY_NAME);
		return EXIT_KERNEL;
	}
	if (ctx->family < 0) {
		fprintf(stderr, "Error: cannot resolve generic netlink family '%s': %s\n",
			MIP6SEC_FAMILY_NAME, nl_geterror(ctx->family));
		return EXIT_KERNEL;
	}
	return 0;
}

void mip6sec_disconnect(struct mip6sec_ctx *ctx)
{
	nl_socket_free(ctx->sk);	/* closes the socket; NULL is fine */
	ctx->sk = NULL;
}

void mip6sec_replies_free(struct mip6sec_replies *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		nlmsg_free(r->msg[i]);
	free(r->msg);
	r->msg = NULL;
	r->n = r->cap = 0;
}

static int replies_add(struct mip6sec_replies *r, struct nl_msg *msg)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 16;
		struct nl_msg **p = realloc(r->msg, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		r->msg = p;
		r->cap = cap;
	}
	nlmsg_get(msg);
	r->msg[r->n++] = msg;
	return 0;
}

/* The type of the attribute of @req that contains byte @offset, or -1. */
int mip6sec_attr_at(const struct nlmsghdr *req, uint32_t offset)
{
	const struct genlmsghdr *ghdr = nlmsg_data(req);
	struct nlattr *nla;
	int rem;

	if (req->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return -1;
	nla_for_each_attr(nla, genlmsg_attrdata(ghdr, 0),
			  genlmsg_attrlen(ghdr, 0), rem) {
		uint32_t start = (const char *)nla - (const char *)req;

		if (offset >= start && offset < start + nla->nla_len)
			return nla_type(nla);
	}
	return -1;
}

/* Extended ACK attributes, starting @off bytes into the payload of @nlh. */
static void extack_tlvs(struct mip6sec_txn *txn, const struct nlmsghdr *nlh,
			size_t off)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t len = nlmsg_datalen(nlh);

	off = NLMSG_ALIGN(off);
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off >= len ||
	    nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlmsg_data(nlh) + off),
		      len - off, NULL) < 0)
		return;

	if (tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(txn->msg, tb[NLMSGERR_ATTR_MSG], sizeof(txn->msg));
	if (tb[NLMSGERR_ATTR_OFFS] && txn->req &&
	    nla_len(tb[NLMSGERR_ATTR_OFFS]) >= 4)
		txn->bad_attr = mip6sec_attr_at(txn->req,
					nla_get_u32(tb[NLMSGERR_ATTR_OFFS]));
	if (tb[NLMSGERR_ATTR_MISS_TYPE] &&
	    nla_len(tb[NLMSGERR_ATTR_MISS_TYPE]) >= 4)
		txn->miss_attr = nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
}

/* NLMSG_ERROR: struct nlmsgerr, the echoed request unless capped, TLVs. */
void mip6sec_extack_parse(struct mip6sec_txn *txn, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = nlmsg_data(nlh);
	size_t off = sizeof(*e);

	if (nlmsg_datalen(nlh) < (int)sizeof(*e))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < sizeof(e->msg))
			return;
		off += e->msg.nlmsg_len - sizeof(e->msg);
	}
	extack_tlvs(txn, nlh, off);
}

void mip6sec_print_error(FILE *fp, const struct mip6sec_ctx *ctx,
			 const struct mip6sec_txn *txn)
{
	mip6sec_err_prefix(fp, ctx);
	if (txn->error == EPERM)
		fputs("Error: Operation not permitted (need CAP_NET_ADMIN)", fp);
	else if (txn->msg[0])
		fprintf(fp, "Error: %s", txn->msg);
	else
		fprintf(fp, "Error: %s", strerror(txn->error));
	if (txn->bad_attr >= 0)
		fprintf(fp, " (attribute %s)", mip6sec_attr_name(txn->bad_attr));
	if (txn->miss_attr >= 0)
		fprintf(fp, " (missing attribute %s)",
			mip6sec_attr_name(txn->miss_attr));
	fputc('\n', fp);
}

static int seq_cb(struct nl_msg *msg, void *arg)
{
	const struct mip6sec_txn *txn = arg;

	return nlmsg_hdr(msg)->nlmsg_seq == txn->seq ? NL_OK : NL_SKIP;
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct mip6sec_txn *txn = arg;

	if (replies_add(txn->replies, msg) < 0) {
		txn->oom = true;
		return NL_STOP;
	}
	/* A do-request without NLM_F_ACK ends with its reply. */
	if (!(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_MULTI) &&
	    !(txn->req->nlmsg_flags & NLM_F_ACK))
		txn->done = true;
	return NL_OK;
}

/* NLMSG_DONE: an int, negative if the dump failed part way, then TLVs. */
static int finish_cb(struct nl_msg *msg, void *arg)
{
	const struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct mip6sec_txn *txn = arg;
	int error;

	if (nlmsg_datalen(nlh) >= (int)sizeof(error)) {
		memcpy(&error, nlmsg_data(nlh), sizeof(error));
		if (error < 0) {
			txn->error = -error;
			extack_tlvs(txn, nlh, sizeof(error));
		}
	}
	txn->done = true;
	return NL_STOP;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct mip6sec_txn *txn = arg;

	mip6sec_extack_parse(txn, nlmsg_hdr(msg));
	if (txn->msg[0])
		fprintf(stderr, "Warning: %s\n", txn->msg);
	txn->done = true;
	return NL_STOP;
}

static int error_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct mip6sec_txn *txn = arg;

	(void)nla;
	txn->error = abs(e->error);
	mip6sec_extack_parse(txn,
		(const struct nlmsghdr *)((char *)e - NLMSG_HDRLEN));
	txn->done = true;
	return NL_STOP;
}

static int intr_cb(struct nl_msg *msg, void *arg)
{
	struct mip6sec_txn *txn = arg;

	(void)msg;
	txn->intr = true;
	return NL_OK;
}

static struct nl_cb *txn_cb(struct mip6sec_txn *txn)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);

	if (!cb)
		return NULL;
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, seq_cb, txn);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, txn);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, txn);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, txn);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, intr_cb, txn);
	nl_cb_err(cb, NL_CB_CUSTOM, error_cb, txn);
	return cb;
}

/* Send @req once and collect the answer; returns 0 or a libnl error. */
static int txn_run(struct mip6sec_ctx *ctx, struct nl_msg *req,
		   struct mip6sec_txn *txn)
{
	struct nlmsghdr *nlh = nlmsg_hdr(req);
	struct nl_cb *cb;
	int err;

	cb = txn_cb(txn);
	if (!cb)
		return -NLE_NOMEM;
	nlh->nlmsg_seq = 0;	/* a fresh sequence number per attempt */
	err = nl_send_auto(ctx->sk, req);
	txn->seq = nlh->nlmsg_seq;
	while (err >= 0 && !txn->done)
		err = nl_recvmsgs(ctx->sk, cb);
	nl_cb_put(cb);
	if (txn->oom)
		return -NLE_NOMEM;
	return txn->error || txn->intr ? 0 : (err < 0 ? err : 0);
}

static int txn_report(struct mip6sec_ctx *ctx, const struct mip6sec_txn *txn,
		      int err)
{
	if (err < 0) {
		mip6sec_err_prefix(stderr, ctx);
		fprintf(stderr, "Error: netlink: %s\n", nl_geterror(err));
		return EXIT_KERNEL;
	}
	if (txn->error) {
		mip6sec_print_error(stderr, ctx, txn);
		return EXIT_KERNEL;
	}
	if (txn->intr) {
		mip6sec_err_prefix(stderr, ctx);
		fprintf(stderr, "Error: dump interrupted by concurrent changes\n");
		return EXIT_KERNEL;
	}
	return 0;
}

static int transact(struct mip6sec_ctx *ctx, struct nl_msg *req,
		    struct mip6sec_replies *replies)
{
	bool dump = nlmsg_hdr(req)->nlmsg_flags & NLM_F_DUMP;
	struct mip6sec_txn txn;
	int tries = 0, err;

	do {
		mip6sec_replies_free(replies);
		memset(&txn, 0, sizeof(txn));
		txn.req = nlmsg_hdr(req);
		txn.replies = replies;
		txn.bad_attr = txn.miss_attr = -1;
		err = txn_run(ctx, req, &txn);
	} while (!err && !txn.error && dump && txn.intr && ++tries < DUMP_TRIES);

	err = txn_report(ctx, &txn, err);
	if (err)
		mip6sec_replies_free(replies);
	return err;
}

static struct nl_msg *build_request(const struct mip6sec_ctx *ctx, uint8_t cmd,
				    int flags,
				    const struct mip6sec_attr *attrs,
				    size_t nattrs)
{
	struct nl_msg *msg = nlmsg_alloc();
	size_t i;

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, ctx->family, 0,
			 flags | NLM_F_REQUEST, cmd, MIP6SEC_FAMILY_VERSION))
		goto fail;
	for (i = 0; i < nattrs; i++)
		if (nla_put(msg, attrs[i].type, attrs[i].len, attrs[i].data) < 0)
			goto fail;
	return msg;
fail:
	explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
	return NULL;
}

/*
 * Connect if needed, send one request and wait for the reply, the end of
 * the dump or the ACK. On success, @replies (if not NULL) holds every
 * reply message. Returns an exit status; errors are already printed.
 */
int mip6sec_request(struct mip6sec_ctx *ctx, uint8_t cmd, int flags,
		    const struct mip6sec_attr *attrs, size_t nattrs,
		    struct mip6sec_replies *replies)
{
	struct mip6sec_replies unused = { 0 };
	struct nl_msg *req;
	int err;

	if (!ctx->sk) {
		err = mip6sec_connect(ctx);
		if (err)
			return err;
	}
	req = build_request(ctx, cmd, flags, attrs, nattrs);
	if (!req) {
		fprintf(stderr, "Error: out of memory\n");
		return EXIT_KERNEL;
	}
	err = transact(ctx, req, replies ? replies : &unused);
	mip6sec_replies_free(&unused);
	/* The request may carry key material. */
	explicit_bzero(nlmsg_hdr(req), nlmsg_hdr(req)->nlmsg_len);
	nlmsg_free(req);
	return err;
}

/* Decode a reply or notification; the key attribute is never looked at. */
int mip6sec_obj_parse(const struct nlmsghdr *nlh, struct mip6sec_obj *obj)
{
	struct nlattr *tb[MIP6SEC_A_MAX + 1];
	int i;

	memset(obj, 0, sizeof(*obj));
	if (genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, MIP6SEC_A_MAX,
			  policy) < 0)
		return -EINVAL;
	for (i = 0; i <= MIP6SEC_A_MAX; i++)
		if (tb[i] && i != MIP6SEC_A_KEY)
			obj->present |= 1u << i;
	if (tb[MIP6SEC_A_HOA])
		nla_memcpy(&obj->hoa, tb[MIP6SEC_A_HOA], sizeof(obj->hoa));
	if (tb[MIP6SEC_A_CN])
		nla_memcpy(&obj->cn, tb[MIP6SEC_A_CN], sizeof(obj->cn));
	if (tb[MIP6SEC_A_COA])
		nla_memcpy(&obj->coa, tb[MIP6SEC_A_COA], sizeof(obj->coa));
	if (tb[MIP6SEC_A_USES])
		obj->uses = nla_get_u64(tb[MIP6SEC_A_USES]);
	if (tb[MIP6SEC_A_LIFETIME])
		obj->lifetime = nla_get_u32(tb[MIP6SEC_A_LIFETIME]);
	if (tb[MIP6SEC_A_AUTH])
		obj->auth = nla_get_u32(tb[MIP6SEC_A_AUTH]);
	if (tb[MIP6SEC_A_REASON])
		obj->reason = nla_get_u32(tb[MIP6SEC_A_REASON]);
	if (tb[MIP6SEC_A_LAST_SEQ])
		obj->last_seq = nla_get_u32(tb[MIP6SEC_A_LAST_SEQ]);
	if (tb[MIP6SEC_A_SEQ])
		obj->seq = nla_get_u32(tb[MIP6SEC_A_SEQ]);
	if (tb[MIP6SEC_A_NAI]) {
		const uint8_t *nai = nla_data(tb[MIP6SEC_A_NAI]);
		size_t len = nla_len(tb[MIP6SEC_A_NAI]);

		if (!nai[len - 1])
			len--;		/* the terminating NUL */
		if (!len || len > sizeof(obj->nai))
			return -EINVAL;
		memcpy(obj->nai, nai, len);
		obj->nai_len = len;
	}
	if (tb[MIP6SEC_A_SPI])
		obj->spi = nla_get_u32(tb[MIP6SEC_A_SPI]);
	if (tb[MIP6SEC_A_SA_USE])
		obj->sa_use = nla_get_u32(tb[MIP6SEC_A_SA_USE]);
	if (tb[MIP6SEC_A_KEY_NAME])
		nla_memcpy(obj->key_name, tb[MIP6SEC_A_KEY_NAME],
			   sizeof(obj->key_name));
	if (tb[MIP6SEC_A_REPLAY])
		obj->replay = nla_get_u32(tb[MIP6SEC_A_REPLAY]);
	if (tb[MIP6SEC_A_HA])
		nla_memcpy(&obj->ha, tb[MIP6SEC_A_HA], sizeof(obj->ha));
	if (tb[MIP6SEC_A_PCOA])
		nla_memcpy(&obj->pcoa, tb[MIP6SEC_A_PCOA], sizeof(obj->pcoa));
	if (tb[MIP6SEC_A_HOME_PREFIX])
		nla_memcpy(&obj->home_prefix, tb[MIP6SEC_A_HOME_PREFIX],
			   sizeof(obj->home_prefix));
	if (tb[MIP6SEC_A_HOME_PREFIX_LEN])
		obj->home_prefix_len = nla_get_u32(tb[MIP6SEC_A_HOME_PREFIX_LEN]);
	return 0;
}
