// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec: generic netlink family "mip6sec".
 *
 * Every operation has its own strict policy: attributes an operation does
 * not take are rejected with a message naming them, key material is
 * write-only (no reply ever carries MIP6SEC_A_KEY), and operations that
 * change state or reveal keys' and bindings' metadata need CAP_NET_ADMIN
 * in the user namespace that owns the network namespace they act on
 * (GENL_UNS_ADMIN_PERM): the root of a container administers its own
 * namespace, and no other.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/in6.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/ipv6.h>

#include "mip6sec.h"

static struct genl_family mip6sec_genl_family __ro_after_init;

enum mip6sec_mcgrp {
	MIP6SEC_MCGRP_EVENTS_ID,
};

#ifdef GENL_MCAST_CAP_NET_ADMIN
#define MIP6SEC_MCGRP_FLAGS	GENL_MCAST_CAP_NET_ADMIN
#else
#define MIP6SEC_MCGRP_FLAGS	0
#endif

static const struct genl_multicast_group mip6sec_mcgrps[] = {
	[MIP6SEC_MCGRP_EVENTS_ID] = {
		.name = MIP6SEC_MCGRP_EVENTS,
		.flags = MIP6SEC_MCGRP_FLAGS,
	},
};

#define ADDR_POLICY	NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr))
#define REJECT(msg)	{ .type = NLA_REJECT, .reject_message = (msg) }
#define REJECT_KEY	REJECT("key material is write-only and not taken here")
#define REJECT_ARG	REJECT("attribute not taken by this operation")

/* Attributes that only ever appear in replies and notifications. */
#define REJECT_OUT	REJECT("attribute is output only")
#define OUTPUT_ONLY_BUT_LIFETIME					\
	[MIP6SEC_A_PAD] = REJECT_OUT,					\
	[MIP6SEC_A_LAST_SEQ] = REJECT_OUT,				\
	[MIP6SEC_A_USES] = REJECT_OUT,					\
	[MIP6SEC_A_SEQ] = REJECT_OUT,					\
	[MIP6SEC_A_AUTH] = REJECT_OUT,					\
	[MIP6SEC_A_REASON] = REJECT_OUT,				\
	[MIP6SEC_A_STATS] = REJECT_OUT,					\
	[MIP6SEC_A_HA] = REJECT_OUT,					\
	[MIP6SEC_A_PCOA] = REJECT_OUT,					\
	[MIP6SEC_A_RR_MODE] = REJECT_OUT,				\
	[MIP6SEC_A_KCN_AGE] = REJECT_OUT,				\
	[MIP6SEC_A_NONCE] = REJECT_OUT
#define OUTPUT_ONLY							\
	[MIP6SEC_A_LIFETIME] = REJECT_OUT,				\
	OUTPUT_ONLY_BUT_LIFETIME

/* Attributes of the SA operations, refused by the others. */
#define NO_SA_ARGS							\
	[MIP6SEC_A_NAI] = REJECT_ARG,					\
	[MIP6SEC_A_SPI] = REJECT_ARG,					\
	[MIP6SEC_A_SA_USE] = REJECT_ARG,				\
	[MIP6SEC_A_KEY_NAME] = REJECT_ARG,				\
	[MIP6SEC_A_REPLAY] = REJECT_ARG,				\
	[MIP6SEC_A_HOME_PREFIX] = REJECT_ARG,				\
	[MIP6SEC_A_HOME_PREFIX_LEN] = REJECT_ARG

/*
 * An NAI is a string of 1 to MIP6SEC_NAI_MAX octets. Requests may end it
 * with a NUL or not (NLA_STRING checks the length without it; nai_get()
 * refuses an empty one); replies and events always NUL-terminate it.
 */
#define NAI_POLICY	{ .type = NLA_STRING, .len = MIP6SEC_NAI_MAX }
#define SPI_POLICY	NLA_POLICY_MIN(NLA_U32, MIP6SEC_SPI_HMAC_SHA1)

/* Not const: the policy's pointer is const only from 6.2 on. */
static struct netlink_range_validation sa_lifetime_range __ro_after_init = {
	.min = 1,
	.max = MIP6SEC_SA_LIFETIME_MAX,
};

static const struct nla_policy mip6sec_kbm_add_policy[MIP6SEC_A_MAX + 1] = {
	[MIP6SEC_A_HOA] = ADDR_POLICY,
	[MIP6SEC_A_CN] = ADDR_POLICY,
	[MIP6SEC_A_COA] = REJECT_ARG,
	[MIP6SEC_A_KEY] = NLA_POLICY_EXACT_LEN(MIP6SEC_KBM_LEN),
	OUTPUT_ONLY,
	NO_SA_ARGS,
};

/* kbm-del, kbm-get, binding-get, binding-del: a home address only. */
static const struct nla_policy mip6sec_hoa_policy[MIP6SEC_A_MAX + 1] = {
	[MIP6SEC_A_HOA] = ADDR_POLICY,
	[MIP6SEC_A_CN] = REJECT_ARG,
	[MIP6SEC_A_COA] = REJECT_ARG,
	[MIP6SEC_A_KEY] = REJECT_KEY,
	OUTPUT_ONLY,
	NO_SA_ARGS,
};

/* binding-flush, stats-get, stats-reset, rr-get: no attributes. */
static const struct nla_policy mip6sec_noarg_policy[MIP6SEC_A_MAX + 1] = {
	[MIP6SEC_A_HOA] = REJECT_ARG,
	[MIP6SEC_A_CN] = REJECT_ARG,
	[MIP6SEC_A_COA] = REJECT_ARG,
	[MIP6SEC_A_KEY] = REJECT_KEY,
	OUTPUT_ONLY,
	NO_SA_ARGS,
};

static const struct nla_policy mip6sec_sa_add_policy[MIP6SEC_A_MAX + 1] = {
	[MIP6SEC_A_NAI] = NAI_POLICY,
	[MIP6SEC_A_SPI] = SPI_POLICY,
	[MIP6SEC_A_SA_USE] = NLA_POLICY_RANGE(NLA_U32, MIP6SEC_SA_USE_MN_HA,
					      MIP6SEC_SA_USE_MAX),
	[MIP6SEC_A_KEY] = NLA_POLICY_RANGE(NLA_BINARY, MIP6SEC_SA_KEY_MIN,
					   MIP6SEC_SA_KEY_MAX),
	[MIP6SEC_A_KEY_NAME] = NLA_POLICY_EXACT_LEN(MIP6SEC_KEY_NAME_LEN),
	[MIP6SEC_A_HOA] = ADDR_POLICY,
	[MIP6SEC_A_HOME_PREFIX] = ADDR_POLICY,
	[MIP6SEC_A_HOME_PREFIX_LEN] = NLA_POLICY_RANGE(NLA_U32, 1, 128),
	[MIP6SEC_A_LIFETIME] = NLA_POLICY_FULL_RANGE(NLA_U32,
						     &sa_lifetime_range),
	[MIP6SEC_A_REPLAY] = NLA_POLICY_MAX(NLA_U32, MIP6SEC_REPLAY_MAX),
	[MIP6SEC_A_CN] = REJECT_ARG,
	[MIP6SEC_A_COA] = REJECT_ARG,
	OUTPUT_ONLY_BUT_LIFETIME,
};

/* sa-del, sa-get: an NAI and an SPI. */
static const struct nla_policy mip6sec_sa_policy[MIP6SEC_A_MAX + 1] = {
	[MIP6SEC_A_NAI] = NAI_POLICY,
	[MIP6SEC_A_SPI] = SPI_POLICY,
	[MIP6SEC_A_SA_USE] = REJECT_ARG,
	[MIP6SEC_A_KEY_NAME] = REJECT_ARG,
	[MIP6SEC_A_REPLAY] = REJECT_ARG,
	[MIP6SEC_A_HOA] = REJECT_ARG,
	[MIP6SEC_A_HOME_PREFIX] = REJECT_ARG,
	[MIP6SEC_A_HOME_PREFIX_LEN] = REJECT_ARG,
	[MIP6SEC_A_CN] = REJECT_ARG,
	[MIP6SEC_A_COA] = REJECT_ARG,
	[MIP6SEC_A_KEY] = REJECT_KEY,
	OUTPUT_ONLY,
};

/* Exact message sizes (genetlink header and padding excluded). */
static size_t kbm_msg_size(void)
{
	return nla_total_size(sizeof(struct in6_addr)) * 2 +	/* hoa, cn */
	       nla_total_size(sizeof(u32)) +			/* last-seq */
	       nla_total_size_64bit(sizeof(u64));		/* uses */
}

static size_t binding_msg_size(void)
{
	return nla_total_size(sizeof(struct in6_addr)) * 3 +	/* hoa, coa, cn */
	       nla_total_size(MIP6SEC_NAI_MAX + 1) +		/* nai */
	       nla_total_size(sizeof(u32)) * 5; /* seq, lifetime, auth, reason, spi */
}

static size_t sa_msg_size(void)
{
	return nla_total_size(MIP6SEC_NAI_MAX + 1) +		/* nai */
	       nla_total_size(MIP6SEC_KEY_NAME_LEN) +		/* key-name */
	       nla_total_size(sizeof(struct in6_addr)) +	/* hoa or prefix */
	       nla_total_size(sizeof(u32)) * 6 +  /* spi, use, lifetime, replay,
						   * last-seq, prefix length
						   */
	       nla_total_size_64bit(sizeof(u64));		/* uses */
}

static size_t event_msg_size(void)
{
	return nla_total_size(MIP6SEC_NAI_MAX + 1) +		/* nai */
	       nla_total_size(sizeof(struct in6_addr)) * 3 +	/* ha, hoa/pcoa, coa */
	       nla_total_size(sizeof(u32)) * 4;	/* spi, use, seq, lifetime */
}

static size_t rr_msg_size(void)
{
	return nla_total_size(sizeof(u32)) * 3 +	/* rr-mode, kcn-age, lifetime */
	       MIP6SEC_RR_NONCES * nla_total_size(nla_total_size(sizeof(u32)) * 3);
}

static struct mip6sec_net *info_pernet(struct genl_info *info)
{
	return mip6sec_pernet(genl_info_net(info));
}

/* The NAI of a request, without its terminating NUL if it has one. */
static const u8 *nai_get(const struct nlattr *nla, u8 *len,
			 struct netlink_ext_ack *extack)
{
	const u8 *nai = nla_data(nla);
	int n = nla_len(nla);

	if (n && !nai[n - 1])
		n--;
	if (!n || memchr(nai, 0, n)) {
		NL_SET_ERR_MSG_ATTR(extack, nla,
				    "NAI must be 1 to 253 octets, without a NUL inside");
		return NULL;
	}
	*len = n;
	return nai;
}

/* An NAI in a reply or event: NUL-terminated, as YNL strings are. */
static int put_nai(struct sk_buff *skb, const u8 *nai, u8 len)
{
	struct nlattr *nla = nla_reserve(skb, MIP6SEC_A_NAI, len + 1);

	if (!nla)
		return -EMSGSIZE;
	memcpy(nla_data(nla), nai, len);
	((u8 *)nla_data(nla))[len] = 0;
	return 0;
}

static int kbm_add(struct genl_info *info, const u8 *key)
{
	struct in6_addr hoa, cn = in6addr_any;

	nla_memcpy(&hoa, info->attrs[MIP6SEC_A_HOA], sizeof(hoa));
	if (!mip6sec_addr_global(&hoa)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MIP6SEC_A_HOA],
				    "home address must be unicast and global");
		return -EINVAL;
	}
	/* Absent or :: means any address of this node. */
	if (info->attrs[MIP6SEC_A_CN]) {
		nla_memcpy(&cn, info->attrs[MIP6SEC_A_CN], sizeof(cn));
		if (!ipv6_addr_any(&cn) && !mip6sec_addr_global(&cn)) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    info->attrs[MIP6SEC_A_CN],
					    "correspondent address must be unicast and global, or ::");
			return -EINVAL;
		}
	}
	return mip6sec_kbm_add(info_pernet(info), &hoa, &cn, key,
			       info->extack);
}

static int mip6sec_nl_kbm_add(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *key = info->attrs[MIP6SEC_A_KEY];
	int err;

	if (GENL_REQ_ATTR_CHECK(info, MIP6SEC_A_HOA) ||
	    GENL_REQ_ATTR_CHECK(info, MIP6SEC_A_KEY))
		err = -EINVAL;
	else
		err = kbm_add(info, nla_data(key));
	/* Do not leave the key in the request's memory. */
	if (key)
		memzero_explicit(nla_data(key), nla_len(key));
	return err;
}

static int mip6sec_nl_kbm_del(struct sk_buff *skb, struct genl_info *info)
{
	struct in6_addr hoa;

	if (GENL_REQ_ATTR_CHECK(info, MIP6SEC_A_HOA))
		return -EINVAL;
	nla_memcpy(&hoa, info->attrs[MIP6SEC_A_HOA], sizeof(hoa));
	return mip6sec_kbm_del(info_pernet(info), &hoa, info->extack);
}

static int put_addr(struct sk_buff *skb, int attr, const struct in6_addr *a)
{
	return nla_put_in6_addr(skb, attr, a);
}

/* LAST_SEQ of a key's replay state @s, guarded by @lock, once it has one. */
static int put_last_seq(struct sk_buff *skb, spinlock_t *lock,
			const struct mip6sec_seq *s)
{
	u16 last;
	bool valid;

	spin_lock_bh(lock);
	valid = s->valid;
	last = s->last;
	spin_unlock_bh(lock);
	return valid ? nla_put_u32(skb, MIP6SEC_A_LAST_SEQ, last) : 0;
}

/* Never puts the key. */
static int kbm_fill(struct sk_buff *skb, struct mip6sec_kbm *kbm)
{
	if (put_addr(skb, MIP6SEC_A_HOA, &kbm->hoa))
		return -EMSGSIZE;
	if (!ipv6_addr_any(&kbm->cn) && put_addr(skb, MIP6SEC_A_CN, &kbm->cn))
		return -EMSGSIZE;
	if (put_last_seq(skb, &kbm->lock, &kbm->seq))
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, MIP6SEC_A_USES, atomic64_read(&kbm->uses),
			      MIP6SEC_A_PAD))
		return -EMSGSIZE;
	return 0;
}

/* A reply to @info for @cmd, room for @size octets of attributes. */
static struct sk_buff *reply_new(struct genl_info *info, u8 cmd, size_t size,
				 void **hdr)
{
	struct sk_buff *msg = genlmsg_new(size, GFP_KERNEL);

	if (!msg)
		return NULL;
	*hdr = genlmsg_put_reply(msg, info, &mip6sec_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Send the reply, or drop it when filling it failed with @err. */
static int reply_send(struct genl_info *info, struct sk_buff *msg, void *hdr,
		      int err)
{
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int mip6sec_nl_kbm_get(struct sk_buff *skb, struct genl_info *info)
{
	struct mip6sec_net *mn = info_pernet(info);
	struct mip6sec_kbm *kbm;
	struct in6_addr hoa;
	struct sk_buff *msg;
	void *hdr;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, MIP6SEC_A_HOA))
		return -EINVAL;
	nla_memcpy(&hoa, info->attrs[MIP6SEC_A_HOA], sizeof(hoa));

	msg = reply_new(info, MIP6SEC_CMD_KBM_GET, kbm_msg_size(), &hdr);
	if (!msg)
		return -ENOMEM;

	mutex_lock(&mn->kbm.lock);
	kbm = mip6sec_kbm_lookup_locked(&mn->kbm, &hoa);
	err = kbm ? kbm_fill(msg, kbm) : -ENOENT;
	mutex_unlock(&mn->kbm.lock);
	if (err == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MIP6SEC_A_HOA],
				    "no Kbm for this home address");
	return reply_send(info, msg, hdr, err);
}

/*
 * The attributes of a dump request, checked against @policy when the dump
 * started; this finds them again. Checks of their values are made here,
 * in the dump itself: errors of a .start callback reach userspace without
 * their extack message on 6.1, errors of a dump with it (in NLMSG_DONE).
 */
static int dump_attrs(struct netlink_callback *cb, struct nlattr **tb,
		      const struct nla_policy *policy)
{
	return genlmsg_parse(cb->nlh, &mip6sec_genl_family, tb, MIP6SEC_A_MAX,
			     policy, cb->extack);
}

/*
 * kbm-get and binding-get dumps list every entry: a home address in the
 * request would be a filter they do not apply, so it is refused rather
 * than ignored (a do request gets one entry).
 */
static int hoa_dump_check(struct netlink_callback *cb)
{
	struct nlattr *tb[MIP6SEC_A_MAX + 1];
	int err;

	err = dump_attrs(cb, tb, mip6sec_hoa_policy);
	if (err)
		return err;
	if (tb[MIP6SEC_A_HOA]) {
		NL_SET_ERR_MSG_ATTR(cb->extack, tb[MIP6SEC_A_HOA],
				    "a dump takes no home address: request one entry without NLM_F_DUMP");
		return -EINVAL;
	}
	return 0;
}

static int mip6sec_nl_kbm_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct mip6sec_net *mn = mip6sec_pernet(sock_net(skb->sk));
	struct mip6sec_kbm *kbm;
	long idx = 0, start = cb->args[0];
	int err;

	err = hoa_dump_check(cb);
	if (err)
		return err;
	mutex_lock(&mn->kbm.lock);
	cb->seq = mn->kbm.genid;
	list_for_each_entry(kbm, &mn->kbm.list, list) {
		void *hdr;

		if (idx++ < start)
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &mip6sec_genl_family,
				  NLM_F_MULTI, MIP6SEC_CMD_KBM_GET);
		if (!hdr) {
			err = -EMSGSIZE;
			break;
		}
		genl_dump_check_consistent(cb, hdr);
		if (kbm_fill(skb, kbm)) {
			genlmsg_cancel(skb, hdr);
			err = -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = idx;
	}
	mutex_unlock(&mn->kbm.lock);

	/* Stop when the first entry of this round did not fit either. */
	if (err && cb->args[0] == start)
		return err;
	return skb->len;
}

static int binding_fill(struct sk_buff *skb, const struct mip6sec_binding *b)
{
	if (put_addr(skb, MIP6SEC_A_HOA, &b->hoa) ||
	    put_addr(skb, MIP6SEC_A_COA, &b->coa) ||
	    put_addr(skb, MIP6SEC_A_CN, &b->cn) ||
	    nla_put_u32(skb, MIP6SEC_A_SEQ, READ_ONCE(b->seq)) ||
	    nla_put_u32(skb, MIP6SEC_A_LIFETIME, mip6sec_binding_lifetime(b)) ||
	    nla_put_u32(skb, MIP6SEC_A_AUTH, b->auth))
		return -EMSGSIZE;
	if (b->nai_len && put_nai(skb, b->nai, b->nai_len))
		return -EMSGSIZE;
	if ((b->nai_len || b->auth == MIP6SEC_AUTH_IPSEC) &&
	    nla_put_u32(skb, MIP6SEC_A_SPI, b->spi))
		return -EMSGSIZE;
	return 0;
}

static int mip6sec_nl_binding_get(struct sk_buff *skb, struct genl_info *info)
{
	struct mip6sec_net *mn = info_pernet(info);
	const struct mip6sec_binding *b;
	struct in6_addr hoa;
	struct sk_buff *msg;
	void *hdr;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, MIP6SEC_A_HOA))
		return -EINVAL;
	nla_memcpy(&hoa, info->attrs[MIP6SEC_A_HOA], sizeof(hoa));

	msg = reply_new(info, MIP6SEC_CMD_BINDING_GET, binding_msg_size(), &hdr);
	if (!msg)
		return -ENOMEM;

	rcu_read_lock();
	b = mip6sec_bcache_lookup_rcu(mn, &hoa);
	err = b ? binding_fill(msg, b) : -ENOENT;
	rcu_read_unlock();
	if (err == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MIP6SEC_A_HOA],
				    "no binding for this home address");
	return reply_send(info, msg, hdr, err);
}

static int mip6sec_nl_binding_dump(struct sk_buff *skb,
				   struct netlink_callback *cb)
{
	struct mip6sec_net *mn = mip6sec_pernet(sock_net(skb->sk));
	const struct mip6sec_binding *b;
	long idx = 0, start = cb->args[0];
	int err;

	err = hoa_dump_check(cb);
	if (err)
		return err;
	rcu_read_lock();
	cb->seq = READ_ONCE(mn->bcache.genid);
	list_for_each_entry_rcu(b, &mn->bcache.list, list) {
		void *hdr;

		if (idx++ < start)
			continue;
		if (!mip6sec_binding_lifetime(b)) {
			cb->args[0] = idx;
			continue;
		}
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &mip6sec_genl_family,
				  NLM_F_MULTI, MIP6SEC_CMD_BINDING_GET);
		if (!hdr) {
			err = -EMSGSIZE;
			break;
		}
		genl_dump_check_consistent(cb, hdr);
		if (binding_fill(skb, b)) {
			genlmsg_cancel(skb, hdr);
			err = -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = idx;
	}
	rcu_read_unlock();

	if (err && cb->args[0] == start)
		return err;
	return skb->len;
}

static int mip6sec_nl_binding_del(struct sk_buff *skb, struct genl_info *info)
{
	struct in6_addr hoa;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, MIP6SEC_A_HOA))
		return -EINVAL;
	nla_memcpy(&hoa, info->attrs[MIP6SEC_A_HOA], sizeof(hoa));
	err = mip6sec_bcache_del(info_pernet(info), &hoa,
				 MIP6SEC_DEL_REASON_ADMIN);
	if (err == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MIP6SEC_A_HOA],
				    "no binding for this home address");
	return err;
}

static int mip6sec_nl_binding_flush(struct sk_buff *skb, struct genl_info *info)
{
	mip6sec_bcache_flush(info_pernet(info), MIP6SEC_DEL_REASON_ADMIN);
	return 0;
}

static int mip6sec_nl_stats_get(struct sk_buff *skb, struct genl_info *info)
{
	u64 cnt[__MIP6SEC_STAT_MAX];
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;
	int i;

	mip6sec_stats_read(info_pernet(info), cnt);

	msg = reply_new(info, MIP6SEC_CMD_STATS_GET, NLMSG_DEFAULT_SIZE, &hdr);
	if (!msg)
		return -ENOMEM;
	nest = nla_nest_start(msg, MIP6SEC_A_STATS);
	if (!nest)
		return reply_send(info, msg, hdr, -EMSGSIZE);
	for (i = MIP6SEC_STAT_PAD + 1; i < __MIP6SEC_STAT_MAX; i++)
		if (nla_put_u64_64bit(msg, i, cnt[i], MIP6SEC_STAT_PAD))
			return reply_send(info, msg, hdr, -EMSGSIZE);
	nla_nest_end(msg, nest);
	return reply_send(info, msg, hdr, 0);
}

static int mip6sec_nl_stats_reset(struct sk_buff *skb, struct genl_info *info)
{
	mip6sec_stats_reset(info_pernet(info));
	return 0;
}

static int rr_fill(struct sk_buff *msg, const struct mip6sec_rr_info *ri)
{
	struct nlattr *nest;
	unsigned int i;

	if (nla_put_u32(msg, MIP6SEC_A_RR_MODE, READ_ONCE(mip6sec_rr)) ||
	    nla_put_u32(msg, MIP6SEC_A_KCN_AGE, ri->kcn_age) ||
	    nla_put_u32(msg, MIP6SEC_A_LIFETIME,
			READ_ONCE(mip6sec_rr_nonce_lifetime_s)))
		return -EMSGSIZE;
	for (i = 0; i < ri->n; i++) {
		nest = nla_nest_start(msg, MIP6SEC_A_NONCE);
		if (!nest ||
		    nla_put_u32(msg, MIP6SEC_NONCE_A_INDEX, ri->nonce[i].index) ||
		    nla_put_u32(msg, MIP6SEC_NONCE_A_AGE, ri->nonce[i].age) ||
		    nla_put_u32(msg, MIP6SEC_NONCE_A_EXPIRES,
				ri->nonce[i].expires))
			return -EMSGSIZE;
		nla_nest_end(msg, nest);
	}
	return 0;
}

/* Return routability: never Kcn, nonces or tokens. */
static int mip6sec_nl_rr_get(struct sk_buff *skb, struct genl_info *info)
{
	struct mip6sec_rr_info ri;
	struct sk_buff *msg;
	void *hdr;

	mip6sec_rr_info(info_pernet(info), &ri);
	msg = reply_new(info, MIP6SEC_CMD_RR_GET, rr_msg_size(), &hdr);
	if (!msg)
		return -ENOMEM;
	return reply_send(info, msg, hdr, rr_fill(msg, &ri));
}

/*
 * What a home agent SA may register: a unicast global home address, or a
 * home prefix (address and length, the bits past the length zero) whose
 * first address is one.
 */
static int sa_add_home(struct genl_info *info, struct mip6sec_sa_params *sp)
{
	struct nlattr **attrs = info->attrs;
	struct nlattr *hoa = attrs[MIP6SEC_A_HOA];
	struct nlattr *pfx = attrs[MIP6SEC_A_HOME_PREFIX];
	struct nlattr *len = attrs[MIP6SEC_A_HOME_PREFIX_LEN];
	struct mip6sec_home *h = &sp->home;
	struct in6_addr masked;

	if (sp->use == MIP6SEC_SA_USE_FBU) {
		if (hoa || pfx || len) {
			NL_SET_ERR_MSG_ATTR(info->extack, hoa ?: pfx ?: len,
					    "a fast handover key is not bound to a home address");
			return -EINVAL;
		}
		return 0;
	}
	if (hoa && (pfx || len)) {
		NL_SET_ERR_MSG_ATTR(info->extack, pfx ?: len,
				    "an SA names a home address or a home prefix, not both");
		return -EINVAL;
	}
	if (!hoa && !pfx && !len) {
		NL_SET_ERR_MSG(info->extack,
			       "a home agent SA (mn-ha, mn-aaa) needs the home address (hoa) or the home prefix (home-prefix, home-prefix-len) it may register");
		return -EINVAL;
	}
	if (hoa) {
		nla_memcpy(&h->addr, hoa, sizeof(h->addr));
		h->len = 128;
	} else {
		if (GENL_REQ_ATTR_CHECK(info, MIP6SEC_A_HOME_PREFIX) ||
		    GENL_REQ_ATTR_CHECK(info, MIP6SEC_A_HOME_PREFIX_LEN))
			return -EINVAL;
		nla_memcpy(&h->addr, pfx, sizeof(h->addr));
		h->len = nla_get_u32(len);
		sp->home_prefix = true;
		ipv6_addr_prefix(&masked, &h->addr, h->len);
		if (!ipv6_addr_equal(&masked, &h->addr)) {
			NL_SET_ERR_MSG_ATTR(info->extack, pfx,
					    "home prefix has bits set past its length");
			return -EINVAL;
		}
	}
	if (mip6sec_addr_global(&h->addr))
		return 0;
	if (hoa)
		NL_SET_ERR_MSG_ATTR(info->extack, hoa,
				    "home address must be unicast and global");
	else
		NL_SET_ERR_MSG_ATTR(info->extack, pfx,
				    "home prefix must be unicast and global");
	return -EINVAL;
}

static int sa_add(struct genl_info *info, const struct nlattr *key)
{
	struct nlattr **attrs = info->attrs;
	struct mip6sec_sa_params sp = {
		.spi = nla_get_u32(attrs[MIP6SEC_A_SPI]),
		.use = nla_get_u32(attrs[MIP6SEC_A_SA_USE]),
		.key = nla_data(key),
		.key_len = nla_len(key),
	};
	unsigned int i;
	int err;

	sp.nai = nai_get(attrs[MIP6SEC_A_NAI], &sp.nai_len, info->extack);
	if (!sp.nai)
		return -EINVAL;
	/* RFC 7542: UTF-8, no control characters (also keeps logs clean). */
	for (i = 0; i < sp.nai_len; i++) {
		if (sp.nai[i] < 0x20 || sp.nai[i] == 0x7f) {
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[MIP6SEC_A_NAI],
					    "NAI must not contain control characters");
			return -EINVAL;
		}
	}
	/* RFC 4285: 0-255 reserved, HMAC_SHA1_SPI (5.2) for MN-AAA only. */
	if (sp.spi < MIP6SEC_SPI_MIN &&
	    (sp.spi != MIP6SEC_SPI_HMAC_SHA1 ||
	     sp.use != MIP6SEC_SA_USE_MN_AAA)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[MIP6SEC_A_SPI],
				    "SPI 0-255 are reserved, but 3 (HMAC_SHA1_SPI) for an mn-aaa SA");
		return -EINVAL;
	}
	if (attrs[MIP6SEC_A_REPLAY])
		sp.replay = nla_get_u32(attrs[MIP6SEC_A_REPLAY]);
	if (attrs[MIP6SEC_A_LIFETIME])
		sp.lifetime = nla_get_u32(attrs[MIP6SEC_A_LIFETIME]);
	if (attrs[MIP6SEC_A_KEY_NAME])
		sp.key_name = nla_data(attrs[MIP6SEC_A_KEY_NAME]);
	err = sa_add_home(info, &sp);
	if (err)
		return err;
	if (sp.use == MIP6SEC_SA_USE_FBU && sp.replay != MIP6SEC_REPLAY_SEQ) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[MIP6SEC_A_REPLAY],
				    "Fast Binding Updates are protected by sequence numbers only");
		return -EINVAL;
	}
	return mip6sec_sa_add(info_pernet(info), &sp, info->extack);
}

static int mip6sec_nl_sa_add(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *key = info->attrs[MIP6SEC_A_KEY];
	int err;

	if (GENL_REQ_ATTR_CHECK(info, MIP6SEC_A_NAI) ||
	    GENL_REQ_ATTR_CHECK(info, MIP6SEC_A_SPI) ||
	    GENL_REQ_ATTR_CHECK(info, MIP6SEC_A_SA_USE) ||
	    GENL_REQ_ATTR_CHECK(info, MIP6SEC_A_KEY))
		err = -EINVAL;
	else
		err = sa_add(info, key);
	/* Do not leave the key in the request's memory. */
	if (key)
		memzero_explicit(nla_data(key), nla_len(key));
	return err;
}

static int mip6sec_nl_sa_del(struct sk_buff *skb, struct genl_info *info)
{
	const u8 *nai;
	u8 nai_len;
	u32 spi;

	if (GENL_REQ_ATTR_CHECK(info, MIP6SEC_A_NAI))
		return -EINVAL;
	nai = nai_get(info->attrs[MIP6SEC_A_NAI], &nai_len, info->extack);
	if (!nai)
		return -EINVAL;
	if (info->attrs[MIP6SEC_A_SPI])
		spi = nla_get_u32(info->attrs[MIP6SEC_A_SPI]);
	return mip6sec_sa_del(info_pernet(info), nai, nai_len,
			      info->attrs[MIP6SEC_A_SPI] ? &spi : NULL,
			      info->extack);
}

/* Never puts the key. Caller holds the SA table mutex. */
static int sa_fill(struct sk_buff *skb, struct mip6sec_sa *sa)
{
	if (put_nai(skb, sa->nai->id, sa->nai->len) ||
	    nla_put_u32(skb, MIP6SEC_A_SPI, sa->spi) ||
	    nla_put_u32(skb, MIP6SEC_A_SA_USE, sa->use) ||
	    nla_put_u32(skb, MIP6SEC_A_REPLAY, sa->replay) ||
	    nla_put_u64_64bit(skb, MIP6SEC_A_USES, atomic64_read(&sa->uses),
			      MIP6SEC_A_PAD))
		return -EMSGSIZE;
	if (sa->has_name &&
	    nla_put(skb, MIP6SEC_A_KEY_NAME, sizeof(sa->key_name),
		    sa->key_name))
		return -EMSGSIZE;
	if (sa->home.len && !sa->home_prefix &&
	    put_addr(skb, MIP6SEC_A_HOA, &sa->home.addr))
		return -EMSGSIZE;
	if (sa->home_prefix &&
	    (put_addr(skb, MIP6SEC_A_HOME_PREFIX, &sa->home.addr) ||
	     nla_put_u32(skb, MIP6SEC_A_HOME_PREFIX_LEN, sa->home.len)))
		return -EMSGSIZE;
	if (sa->expires &&
	    nla_put_u32(skb, MIP6SEC_A_LIFETIME, mip6sec_sa_lifetime(sa)))
		return -EMSGSIZE;
	if (put_last_seq(skb, &sa->lock, &sa->seq))
		return -EMSGSIZE;
	return 0;
}

static int mip6sec_nl_sa_get(struct sk_buff *skb, struct genl_info *info)
{
	struct mip6sec_net *mn = info_pernet(info);
	struct mip6sec_sa *sa = NULL;
	struct mip6sec_nai *n;
	struct sk_buff *msg;
	const u8 *nai;
	u8 nai_len;
	void *hdr;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, MIP6SEC_A_NAI) ||
	    GENL_REQ_ATTR_CHECK(info, MIP6SEC_A_SPI))
		return -EINVAL;
	nai = nai_get(info->attrs[MIP6SEC_A_NAI], &nai_len, info->extack);
	if (!nai)
		return -EINVAL;

	msg = reply_new(info, MIP6SEC_CMD_SA_GET, sa_msg_size(), &hdr);
	if (!msg)
		return -ENOMEM;

	mutex_lock(&mn->sa.lock);
	rcu_read_lock();
	n = mip6sec_nai_lookup(mn, nai, nai_len);
	if (n)
		sa = mip6sec_sa_find(n, nla_get_u32(info->attrs[MIP6SEC_A_SPI]));
	rcu_read_unlock();
	err = sa ? sa_fill(msg, sa) : -ENOENT;
	mutex_unlock(&mn->sa.lock);
	if (err == -ENOENT)
		NL_SET_ERR_MSG(info->extack, "no SA with this NAI and SPI");
	return reply_send(info, msg, hdr, err);
}

/* A dump request may carry an NAI (and an SPI): then only those SAs. */
static int mip6sec_nl_sa_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct mip6sec_net *mn = mip6sec_pernet(sock_net(skb->sk));
	struct nlattr *tb[MIP6SEC_A_MAX + 1];
	long idx = 0, start = cb->args[0];
	const struct mip6sec_nai *n;
	const u8 *nai = NULL;
	struct mip6sec_sa *sa;
	u8 nai_len = 0;
	int err;

	err = dump_attrs(cb, tb, mip6sec_sa_policy);
	if (err)
		return err;
	if (tb[MIP6SEC_A_NAI]) {
		nai = nai_get(tb[MIP6SEC_A_NAI], &nai_len, cb->extack);
		if (!nai)
			return -EINVAL;
	}

	mutex_lock(&mn->sa.lock);
	cb->seq = mn->sa.genid;
	list_for_each_entry(n, &mn->sa.list, list) {
		if (nai && (nai_len != n->len || memcmp(nai, n->id, n->len)))
			continue;
		list_for_each_entry(sa, &n->sas, node) {
			void *hdr;

			if (tb[MIP6SEC_A_SPI] &&
			    nla_get_u32(tb[MIP6SEC_A_SPI]) != sa->spi)
				continue;
			if (idx++ < start)
				continue;
			hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq,
					  &mip6sec_genl_family, NLM_F_MULTI,
					  MIP6SEC_CMD_SA_GET);
			if (!hdr) {
				err = -EMSGSIZE;
				goto out;
			}
			genl_dump_check_consistent(cb, hdr);
			if (sa_fill(skb, sa)) {
				genlmsg_cancel(skb, hdr);
				err = -EMSGSIZE;
				goto out;
			}
			genlmsg_end(skb, hdr);
			cb->args[0] = idx;
		}
	}
out:
	mutex_unlock(&mn->sa.lock);

	if (err && cb->args[0] == start)
		return err;
	return skb->len;
}

static const struct genl_ops mip6sec_genl_ops[] = {
	{
		.cmd = MIP6SEC_CMD_KBM_ADD,
		.doit = mip6sec_nl_kbm_add,
		.policy = mip6sec_kbm_add_policy,
		.maxattr = MIP6SEC_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MIP6SEC_CMD_KBM_DEL,
		.doit = mip6sec_nl_kbm_del,
		.policy = mip6sec_hoa_policy,
		.maxattr = MIP6SEC_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MIP6SEC_CMD_KBM_GET,
		.doit = mip6sec_nl_kbm_get,
		.dumpit = mip6sec_nl_kbm_dump,
		.policy = mip6sec_hoa_policy,
		.maxattr = MIP6SEC_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MIP6SEC_CMD_BINDING_GET,
		.doit = mip6sec_nl_binding_get,
		.dumpit = mip6sec_nl_binding_dump,
		.policy = mip6sec_hoa_policy,
		.maxattr = MIP6SEC_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MIP6SEC_CMD_BINDING_DEL,
		.doit = mip6sec_nl_binding_del,
		.policy = mip6sec_hoa_policy,
		.maxattr = MIP6SEC_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MIP6SEC_CMD_BINDING_FLUSH,
		.doit = mip6sec_nl_binding_flush,
		.policy = mip6sec_noarg_policy,
		.maxattr = MIP6SEC_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MIP6SEC_CMD_STATS_GET,
		.doit = mip6sec_nl_stats_get,
		.policy = mip6sec_noarg_policy,
		.maxattr = MIP6SEC_A_MAX,
	},
	{
		.cmd = MIP6SEC_CMD_STATS_RESET,
		.doit = mip6sec_nl_stats_reset,
		.policy = mip6sec_noarg_policy,
		.maxattr = MIP6SEC_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MIP6SEC_CMD_SA_ADD,
		.doit = mip6sec_nl_sa_add,
		.policy = mip6sec_sa_add_policy,
		.maxattr = MIP6SEC_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MIP6SEC_CMD_SA_DEL,
		.doit = mip6sec_nl_sa_del,
		.policy = mip6sec_sa_policy,
		.maxattr = MIP6SEC_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MIP6SEC_CMD_SA_GET,
		.doit = mip6sec_nl_sa_get,
		.dumpit = mip6sec_nl_sa_dump,
		.policy = mip6sec_sa_policy,
		.maxattr = MIP6SEC_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MIP6SEC_CMD_RR_GET,
		.doit = mip6sec_nl_rr_get,
		.policy = mip6sec_noarg_policy,
		.maxattr = MIP6SEC_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family mip6sec_genl_family __ro_after_init = {
	.name = MIP6SEC_FAMILY_NAME,
	.version = MIP6SEC_FAMILY_VERSION,
	.maxattr = MIP6SEC_A_MAX,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = mip6sec_genl_ops,
	.n_ops = ARRAY_SIZE(mip6sec_genl_ops),
	.mcgrps = mip6sec_mcgrps,
	.n_mcgrps = ARRAY_SIZE(mip6sec_mcgrps),
};

/* Multicast @msg, or drop it when filling it failed with @err. */
static void notify(struct mip6sec_net *mn, struct sk_buff *msg, void *hdr,
		   gfp_t gfp, int err)
{
	if (err) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&mip6sec_genl_family, mn->net, msg, 0,
				MIP6SEC_MCGRP_EVENTS_ID, gfp);
}

static struct sk_buff *notify_new(struct mip6sec_net *mn, u8 cmd,
				  size_t size, void **hdr, gfp_t gfp)
{
	struct sk_buff *msg;

	if (!genl_has_listeners(&mip6sec_genl_family, mn->net,
				MIP6SEC_MCGRP_EVENTS_ID))
		return NULL;
	msg = genlmsg_new(size, gfp);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &mip6sec_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

void mip6sec_notify_kbm(struct mip6sec_net *mn, u8 cmd,
			struct mip6sec_kbm *kbm, gfp_t gfp)
{
	struct sk_buff *msg;
	void *hdr;

	msg = notify_new(mn, cmd, kbm_msg_size(), &hdr, gfp);
	if (!msg)
		return;
	notify(mn, msg, hdr, gfp, kbm_fill(msg, kbm));
}

void mip6sec_notify_binding(struct mip6sec_net *mn, u8 cmd,
			    const struct mip6sec_binding *b,
			    enum mip6sec_del_reason reason, gfp_t gfp)
{
	struct sk_buff *msg;
	void *hdr;

	msg = notify_new(mn, cmd, binding_msg_size(), &hdr, gfp);
	if (!msg)
		return;
	notify(mn, msg, hdr, gfp, binding_fill(msg, b) ||
	       (reason && nla_put_u32(msg, MIP6SEC_A_REASON, reason)));
}

void mip6sec_notify_sa(struct mip6sec_net *mn, u8 cmd,
		       struct mip6sec_sa *sa, gfp_t gfp)
{
	struct sk_buff *msg;
	void *hdr;

	msg = notify_new(mn, cmd, sa_msg_size(), &hdr, gfp);
	if (!msg)
		return;
	notify(mn, msg, hdr, gfp, sa_fill(msg, sa));
}

/* key-request-ntf, or fbu-accepted-ntf when @fbu. */
static int event_fill(struct sk_buff *msg, bool fbu,
		      const struct mip6sec_event *e)
{
	if (put_nai(msg, e->nai, e->nai_len) ||
	    nla_put_u32(msg, MIP6SEC_A_SPI, e->spi) ||
	    put_addr(msg, MIP6SEC_A_HA, e->ha) ||
	    put_addr(msg, fbu ? MIP6SEC_A_PCOA : MIP6SEC_A_HOA, e->hoa) ||
	    put_addr(msg, MIP6SEC_A_COA, e->coa))
		return -EMSGSIZE;
	if (!fbu)
		return nla_put_u32(msg, MIP6SEC_A_SA_USE, e->use);
	if (nla_put_u32(msg, MIP6SEC_A_SEQ, e->seq) ||
	    nla_put_u32(msg, MIP6SEC_A_LIFETIME, e->lifetime))
		return -EMSGSIZE;
	return 0;
}

/* From the packet path: GFP_ATOMIC. */
static void notify_event(struct mip6sec_net *mn, u8 cmd,
			 const struct mip6sec_event *e)
{
	struct sk_buff *msg;
	void *hdr;

	msg = notify_new(mn, cmd, event_msg_size(), &hdr, GFP_ATOMIC);
	if (msg)
		notify(mn, msg, hdr, GFP_ATOMIC,
		       event_fill(msg, cmd == MIP6SEC_CMD_FBU_ACCEPTED_NTF, e));
}

void mip6sec_notify_key_request(struct mip6sec_net *mn,
				const struct mip6sec_event *e)
{
	notify_event(mn, MIP6SEC_CMD_KEY_REQUEST_NTF, e);
}

void mip6sec_notify_fbu(struct mip6sec_net *mn, const struct mip6sec_event *e)
{
	notify_event(mn, MIP6SEC_CMD_FBU_ACCEPTED_NTF, e);
}

int __init mip6sec_genl_register(void)
{
	return genl_register_family(&mip6sec_genl_family);
}

void mip6sec_genl_unregister(void)
{
	genl_unregister_family(&mip6sec_genl_family);
}
