// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec: Mobile IPv6 signalling security.
 *
 * Module parameters, per network namespace state and module life cycle.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <net/genetlink.h>

#include "mip6sec.h"

unsigned int mip6sec_net_id __read_mostly;

int mip6sec_hao_policy __read_mostly = MIP6SEC_HAO_ENFORCE;
unsigned int mip6sec_max_bindings __read_mostly = 4096;
unsigned int mip6sec_be_ratelimit_ms __read_mostly = 1000;

#define MIP6SEC_MAX_BINDINGS_LIMIT	1048576U
#define MIP6SEC_BE_RATELIMIT_MAX_MS	60000U

static const char * const hao_policy_names[] = {
	[MIP6SEC_HAO_OFF] = "off",
	[MIP6SEC_HAO_AUDIT] = "audit",
	[MIP6SEC_HAO_ENFORCE] = "enforce",
};

static int hao_policy_set(const char *val, const struct kernel_param *kp)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(hao_policy_names); i++) {
		if (sysfs_streq(val, hao_policy_names[i])) {
			WRITE_ONCE(*(int *)kp->arg, i);
			return 0;
		}
	}
	pr_err("hao_policy: invalid value '%s' (use enforce, audit or off)\n",
	       val);
	return -EINVAL;
}

static int hao_policy_get(char *buf, const struct kernel_param *kp)
{
	int v = READ_ONCE(*(int *)kp->arg);

	return sysfs_emit(buf, "%s\n", hao_policy_names[v]);
}

static const struct kernel_param_ops hao_policy_ops = {
	.set = hao_policy_set,
	.get = hao_policy_get,
};

module_param_cb(hao_policy, &hao_policy_ops, &mip6sec_hao_policy, 0644);
MODULE_PARM_DESC(hao_policy,
		 "Packets with a Home Address option and no binding: enforce (drop, send Binding Error), audit (count, log, accept) or off (default enforce)");

static int uint_range_set(const char *val, const struct kernel_param *kp,
			  unsigned int min, unsigned int max)
{
	unsigned int v;
	int err;

	err = kstrtouint(val, 0, &v);
	if (err || v < min || v > max) {
		pr_err("%s: invalid value '%s' (use %u..%u)\n",
		       kp->name, val, min, max);
		return -EINVAL;
	}
	WRITE_ONCE(*(unsigned int *)kp->arg, v);
	return 0;
}

static int max_bindings_set(const char *val, const struct kernel_param *kp)
{
	return uint_range_set(val, kp, 1, MIP6SEC_MAX_BINDINGS_LIMIT);
}

static const struct kernel_param_ops max_bindings_ops = {
	.set = max_bindings_set,
	.get = param_get_uint,
};

module_param_cb(max_bindings, &max_bindings_ops, &mip6sec_max_bindings, 0644);
MODULE_PARM_DESC(max_bindings,
		 "Binding cache entries per network namespace, 1..1048576 (default 4096)");

static int be_ratelimit_set(const char *val, const struct kernel_param *kp)
{
	return uint_range_set(val, kp, 0, MIP6SEC_BE_RATELIMIT_MAX_MS);
}

static const struct kernel_param_ops be_ratelimit_ops = {
	.set = be_ratelimit_set,
	.get = param_get_uint,
};

module_param_cb(be_ratelimit_ms, &be_ratelimit_ops, &mip6sec_be_ratelimit_ms,
		0644);
MODULE_PARM_DESC(be_ratelimit_ms,
		 "Minimum interval between Binding Errors to one destination in ms, 0..60000, 0 = no limit (default 1000)");

void mip6sec_stats_read(struct mip6sec_net *mn, u64 *out)
{
	int cpu, i;

	memset(out, 0, sizeof(u64) * __MIP6SEC_STAT_MAX);
	for_each_possible_cpu(cpu) {
		const struct mip6sec_pcpu_stats *s = per_cpu_ptr(mn->stats, cpu);
		u64 tmp[__MIP6SEC_STAT_MAX];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < __MIP6SEC_STAT_MAX; i++)
				tmp[i] = u64_stats_read(&s->cnt[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));

		for (i = 0; i < __MIP6SEC_STAT_MAX; i++)
			out[i] += tmp[i];
	}

	mutex_lock(&mn->stats_lock);
	for (i = 0; i < __MIP6SEC_STAT_MAX; i++)
		out[i] -= mn->stats_base[i];
	mutex_unlock(&mn->stats_lock);
}

/*
 * Counters are never written from another CPU: a reset records the current
 * totals as the new zero.
 */
void mip6sec_stats_reset(struct mip6sec_net *mn)
{
	u64 now[__MIP6SEC_STAT_MAX];
	int i;

	mip6sec_stats_read(mn, now);
	mutex_lock(&mn->stats_lock);
	for (i = 0; i < __MIP6SEC_STAT_MAX; i++)
		mn->stats_base[i] += now[i];
	mutex_unlock(&mn->stats_lock);
}

static int __net_init mip6sec_net_init(struct net *net)
{
	struct mip6sec_net *mn = mip6sec_pernet(net);
	int cpu, err;

	mn->net = net;
	mutex_init(&mn->stats_lock);
	mn->stats = alloc_percpu(struct mip6sec_pcpu_stats);
	if (!mn->stats)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(mn->stats, cpu)->syncp);

	err = mip6sec_kbm_init(&mn->kbm);
	if (err)
		goto err_stats;
	err = mip6sec_bcache_init(mn);
	if (err)
		goto err_kbm;
	err = mip6sec_hooks_register(net);
	if (err)
		goto err_bcache;
	return 0;

err_bcache:
	mip6sec_bcache_destroy(mn);
err_kbm:
	mip6sec_kbm_destroy(&mn->kbm);
err_stats:
	free_percpu(mn->stats);
	return err;
}

static void __net_exit mip6sec_net_exit(struct net *net)
{
	struct mip6sec_net *mn = mip6sec_pernet(net);

	/* No packet sees this namespace's state once the hooks are gone. */
	mip6sec_hooks_unregister(net);
	/* Entries go to RCU callbacks that touch nothing else. */
	mip6sec_bcache_destroy(mn);
	mip6sec_kbm_destroy(&mn->kbm);
	free_percpu(mn->stats);
}

static struct pernet_operations mip6sec_net_ops = {
	.init = mip6sec_net_init,
	.exit = mip6sec_net_exit,
	.id = &mip6sec_net_id,
	.size = sizeof(struct mip6sec_net),
};

static int __init mip6sec_init(void)
{
	int err;

	err = mip6sec_hooks_init();
	if (err)
		return err;
	err = register_pernet_subsys(&mip6sec_net_ops);
	if (err)
		goto err_hooks;
	err = mip6sec_genl_register();
	if (err)
		goto err_pernet;
	pr_info("loaded (hao_policy=%s max_bindings=%u be_ratelimit_ms=%u)\n",
		hao_policy_names[READ_ONCE(mip6sec_hao_policy)],
		READ_ONCE(mip6sec_max_bindings),
		READ_ONCE(mip6sec_be_ratelimit_ms));
	return 0;

err_pernet:
	unregister_pernet_subsys(&mip6sec_net_ops);
err_hooks:
	mip6sec_hooks_exit();
	return err;
}

static void __exit mip6sec_exit(void)
{
	/* No new requests, then no new packets, then no pending callbacks. */
	mip6sec_genl_unregister();
	unregister_pernet_subsys(&mip6sec_net_ops);
	rcu_barrier();
	mip6sec_hooks_exit();
}

module_init(mip6sec_init);
module_exit(mip6sec_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The mip6sec developers");
MODULE_DESCRIPTION("Mobile IPv6 signalling security: Binding Update authentication, binding cache, Home Address option validation");
MODULE_ALIAS_GENL_FAMILY(MIP6SEC_FAMILY_NAME);
