// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec: generic netlink family "mip6sec".
 *
 * Every operation has its own strict policy: attributes an operation does
 * not take are rejected with a message naming them, key material is
 * write-only (no reply ever carries MIP6SEC_A_KEY), and operations that
 * change state or reveal keys' and bindings' metadata need CAP_NET_ADMIN.
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
#define OUTPUT_ONLY							\
	[MIP6SEC_A_PAD] = REJECT("attribute is output only"),		\
	[MIP6SEC_A_LAST_SEQ] = REJECT("attribute is output only"),	\
	[MIP6SEC_A_USES] = REJECT("attribute is output only"),		\
	[MIP6SEC_A_SEQ] = REJECT("attribute is output only"),		\
	[MIP6SEC_A_LIFETIME] = REJECT("attribute is output only"),	\
	[MIP6SEC_A_AUTH] = REJECT("attribute is output only"),		\
	[MIP6SEC_A_REASON] = REJECT("attribute is output only"),	\
	[MIP6SEC_A_STATS] = REJECT("attribute is output only")

static const struct nla_policy mip6sec_kbm_add_policy[MIP6SEC_A_MAX + 1] = {
	[MIP6SEC_A_HOA] = ADDR_POLICY,
	[MIP6SEC_A_CN] = ADDR_POLICY,
	[MIP6SEC_A_COA] = REJECT_ARG,
	[MIP6SEC_A_KEY] = NLA_POLICY_EXACT_LEN(MIP6SEC_KBM_LEN),
	OUTPUT_ONLY,
};

/* kbm-del, kbm-get, binding-get, binding-del: a home address only. */
static const struct nla_policy mip6sec_hoa_policy[MIP6SEC_A_MAX + 1] = {
	[MIP6SEC_A_HOA] = ADDR_POLICY,
	[MIP6SEC_A_CN] = REJECT_ARG,
	[MIP6SEC_A_COA] = REJECT_ARG,
	[MIP6SEC_A_KEY] = REJECT_KEY,
	OUTPUT_ONLY,
};

/* binding-flush, stats-get, stats-reset: no attributes. */
static const struct nla_policy mip6sec_noarg_policy[MIP6SEC_A_MAX + 1] = {
	[MIP6SEC_A_HOA] = REJECT_ARG,
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
	       nla_total_size(sizeof(u32)) * 4;	/* seq, lifetime, auth, reason */
}

static struct mip6sec_net *info_pernet(struct genl_info *info)
{
	return mip6sec_pernet(genl_info_net(info));
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

/* Never puts the key. */
static int kbm_fill(struct sk_buff *skb, struct mip6sec_kbm *kbm)
{
	u16 last_seq = 0;
	bool seq_valid;

	spin_lock_bh(&kbm->lock);
	seq_valid = kbm->seq_valid;
	if (seq_valid)
		last_seq = kbm->last_seq;
	spin_unlock_bh(&kbm->lock);

	if (put_addr(skb, MIP6SEC_A_HOA, &kbm->hoa))
		return -EMSGSIZE;
	if (!ipv6_addr_any(&kbm->cn) && put_addr(skb, MIP6SEC_A_CN, &kbm->cn))
		return -EMSGSIZE;
	if (seq_valid && nla_put_u32(skb, MIP6SEC_A_LAST_SEQ, last_seq))
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, MIP6SEC_A_USES, atomic64_read(&kbm->uses),
			      MIP6SEC_A_PAD))
		return -EMSGSIZE;
	return 0;
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

	msg = genlmsg_new(kbm_msg_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &mip6sec_genl_family, 0,
				MIP6SEC_CMD_KBM_GET);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}

	mutex_lock(&mn->kbm.lock);
	kbm = mip6sec_kbm_lookup_locked(&mn->kbm, &hoa);
	err = kbm ? kbm_fill(msg, kbm) : -ENOENT;
	mutex_unlock(&mn->kbm.lock);
	if (err == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MIP6SEC_A_HOA],
				    "no Kbm for this home address");
	if (err)
		goto err_free;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

static int mip6sec_nl_kbm_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct mip6sec_net *mn = mip6sec_pernet(sock_net(skb->sk));
	struct mip6sec_kbm *kbm;
	long idx = 0, start = cb->args[0];
	int err = 0;

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

	msg = genlmsg_new(binding_msg_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &mip6sec_genl_family, 0,
				MIP6SEC_CMD_BINDING_GET);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}

	rcu_read_lock();
	b = mip6sec_bcache_lookup_rcu(mn, &hoa);
	err = b ? binding_fill(msg, b) : -ENOENT;
	rcu_read_unlock();
	if (err == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MIP6SEC_A_HOA],
				    "no binding for this home address");
	if (err)
		goto err_free;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

static int mip6sec_nl_binding_dump(struct sk_buff *skb,
				   struct netlink_callback *cb)
{
	struct mip6sec_net *mn = mip6sec_pernet(sock_net(skb->sk));
	const struct mip6sec_binding *b;
	long idx = 0, start = cb->args[0];
	int err = 0;

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

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &mip6sec_genl_family, 0,
				MIP6SEC_CMD_STATS_GET);
	if (!hdr)
		goto err_free;
	nest = nla_nest_start(msg, MIP6SEC_A_STATS);
	if (!nest)
		goto err_free;
	for (i = MIP6SEC_STAT_PAD + 1; i < __MIP6SEC_STAT_MAX; i++)
		if (nla_put_u64_64bit(msg, i, cnt[i], MIP6SEC_STAT_PAD))
			goto err_free;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int mip6sec_nl_stats_reset(struct sk_buff *skb, struct genl_info *info)
{
	mip6sec_stats_reset(info_pernet(info));
	return 0;
}

static const struct genl_ops mip6sec_genl_ops[] = {
	{
		.cmd = MIP6SEC_CMD_KBM_ADD,
		.doit = mip6sec_nl_kbm_add,
		.policy = mip6sec_kbm_add_policy,
		.maxattr = MIP6SEC_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MIP6SEC_CMD_KBM_DEL,
		.doit = mip6sec_nl_kbm_del,
		.policy = mip6sec_hoa_policy,
		.maxattr = MIP6SEC_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MIP6SEC_CMD_KBM_GET,
		.doit = mip6sec_nl_kbm_get,
		.dumpit = mip6sec_nl_kbm_dump,
		.policy = mip6sec_hoa_policy,
		.maxattr = MIP6SEC_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MIP6SEC_CMD_BINDING_GET,
		.doit = mip6sec_nl_binding_get,
		.dumpit = mip6sec_nl_binding_dump,
		.policy = mip6sec_hoa_policy,
		.maxattr = MIP6SEC_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MIP6SEC_CMD_BINDING_DEL,
		.doit = mip6sec_nl_binding_del,
		.policy = mip6sec_hoa_policy,
		.maxattr = MIP6SEC_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MIP6SEC_CMD_BINDING_FLUSH,
		.doit = mip6sec_nl_binding_flush,
		.policy = mip6sec_noarg_policy,
		.maxattr = MIP6SEC_A_MAX,
		.flags = GENL_ADMIN_PERM,
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
		.flags = GENL_ADMIN_PERM,
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

static void notify(struct mip6sec_net *mn, struct sk_buff *msg, void *hdr,
		   gfp_t gfp)
{
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
	if (kbm_fill(msg, kbm)) {
		nlmsg_free(msg);
		return;
	}
	notify(mn, msg, hdr, gfp);
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
	if (binding_fill(msg, b) ||
	    (reason && nla_put_u32(msg, MIP6SEC_A_REASON, reason))) {
		nlmsg_free(msg);
		return;
	}
	notify(mn, msg, hdr, gfp);
}

int __init mip6sec_genl_register(void)
{
	return genl_register_family(&mip6sec_genl_family);
}

void mip6sec_genl_unregister(void)
{
	genl_unregister_family(&mip6sec_genl_family);
}
