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
#include "mh.h"
#include "version.h"

unsigned int mip6sec_net_id __read_mostly;

int mip6sec_hao_policy __read_mostly = MIP6SEC_HAO_ENFORCE;
int mip6sec_bu_nokey __read_mostly = MIP6SEC_BU_NOKEY_PASS;
int mip6sec_kbm_wrap __read_mostly = MIP6SEC_KBM_WRAP_ALLOW;
unsigned int mip6sec_max_bindings __read_mostly = 4096;
unsigned int mip6sec_be_ratelimit_ms __read_mostly = 1000;
/* RFC 6275 MAX_RR_BINDING_LIFETIME: a Kbm proves no more than RR does. */
unsigned int mip6sec_max_lifetime __read_mostly = 420;
/* RFC 4285 6: "close enough", default 7 s. */
unsigned int mip6sec_replay_window_s __read_mostly = 7;
unsigned int mip6sec_keyreq_ratelimit_ms __read_mostly = 1000;
int mip6sec_kbm_and_ipsec __read_mostly = MIP6SEC_KBM_AND_IPSEC_EITHER;
/* draft-dupont-mipv6-cn-ipsec 4: "long" lifetimes MAY be granted. */
unsigned int mip6sec_ipsec_max_lifetime __read_mostly = 3600;
int mip6sec_coa_test __read_mostly = 1;
/*
 * Neither the BA status nor the option type of the care-of address test
 * were ever assigned. The status defaults to an unassigned rejection
 * value; the option type must be set by the operator (0: unset, no test):
 * an experimental value such as RFC 5096's option 18 is for a deployment
 * to choose, not for a default (RFC 5096 4, RFC 3692 1).
 */
unsigned int mip6sec_cookie_ba_status __read_mostly = 250;
unsigned int mip6sec_cookie_opt_type __read_mostly;
unsigned int mip6sec_cookie_window_s __read_mostly = 30;
unsigned int mip6sec_cookie_secret_period_s __read_mostly = 300;
/* draft-ietf-mip6-precfgKbm 3: return routability "MUST be the default". */
int mip6sec_rr __read_mostly = MIP6SEC_RR_MODE_KERNEL;
/* RFC 6275 12: MAX_NONCE_LIFETIME. */
unsigned int mip6sec_rr_nonce_lifetime_s __read_mostly = 240;
unsigned int mip6sec_rr_ratelimit __read_mostly = 100;

struct workqueue_struct *mip6sec_wq;

#define MIP6SEC_MAX_BINDINGS_LIMIT	1048576U
#define MIP6SEC_BE_RATELIMIT_MAX_MS	60000U
#define MIP6SEC_MAX_LIFETIME_LIMIT	262140U	/* 0xffff units of 4 s */
#define MIP6SEC_REPLAY_WINDOW_MAX_S	3600U
#define MIP6SEC_KEYREQ_RATELIMIT_MAX_MS	60000U
#define MIP6SEC_COOKIE_MAX_S		32767U	/* half the timestamp space */
#define MIP6SEC_RR_NONCE_LIFETIME_MIN_S	8U	/* a period of 1 s */
#define MIP6SEC_RR_NONCE_LIFETIME_MAX_S	240U	/* MAX_NONCE_LIFETIME */
#define MIP6SEC_RR_RATELIMIT_MAX	100000U

/*
 * Parameters that take one of a few words. kp->arg points at one of these;
 * the value is read with READ_ONCE() wherever it is used.
 */
struct enum_param {
	int *val;
	const char * const *names;
	unsigned int n;
};

static int enum_param_set(const char *val, const struct kernel_param *kp)
{
	const struct enum_param *ep = kp->arg;
	unsigned int i;

	for (i = 0; i < ep->n; i++) {
		if (sysfs_streq(val, ep->names[i])) {
			WRITE_ONCE(*ep->val, i);
			return 0;
		}
	}
	pr_err("%s: invalid value '%.*s' (use %s)\n", kp->name,
	       (int)strcspn(val, "\n"), val, ep->names[ep->n]);
	return -EINVAL;
}

static int enum_param_get(char *buf, const struct kernel_param *kp)
{
	const struct enum_param *ep = kp->arg;

	return sysfs_emit(buf, "%s\n", ep->names[READ_ONCE(*ep->val)]);
}

static const struct kernel_param_ops enum_param_ops = {
	.set = enum_param_set,
	.get = enum_param_get,
};

/* The last name is the usage text. */
#define ENUM_PARAM(_name, _var, ...)					\
	static const char * const _name##_names[] = { __VA_ARGS__ };	\
	static struct enum_param _name##_param = {			\
		.val = &(_var),						\
		.names = _name##_names,					\
		.n = ARRAY_SIZE(_name##_names) - 1,			\
	};								\
	module_param_cb(_name, &enum_param_ops, &_name##_param, 0644)

ENUM_PARAM(hao_policy, mip6sec_hao_policy,
	   [MIP6SEC_HAO_OFF] = "off",
	   [MIP6SEC_HAO_AUDIT] = "audit",
	   [MIP6SEC_HAO_ENFORCE] = "enforce",
	   "enforce, audit or off");
MODULE_PARM_DESC(hao_policy,
		 "Packets with a Home Address option and no binding: enforce (drop, send Binding Error), audit (count, log, accept) or off (leave to the stack) (default enforce)");

ENUM_PARAM(bu_nokey, mip6sec_bu_nokey,
	   [MIP6SEC_BU_NOKEY_PASS] = "pass",
	   [MIP6SEC_BU_NOKEY_DROP] = "drop",
	   "pass or drop");
MODULE_PARM_DESC(bu_nokey,
		 "Binding Updates for a home address without a Kbm: pass (to a userspace daemon, return routability) or drop (default pass)");

ENUM_PARAM(kbm_wrap, mip6sec_kbm_wrap,
	   [MIP6SEC_KBM_WRAP_ALLOW] = "allow",
	   [MIP6SEC_KBM_WRAP_REFUSE] = "refuse",
	   "allow or refuse");
ENUM_PARAM(kbm_and_ipsec, mip6sec_kbm_and_ipsec,
	   [MIP6SEC_KBM_AND_IPSEC_EITHER] = "either",
	   [MIP6SEC_KBM_AND_IPSEC_KBM] = "kbm",
	   [MIP6SEC_KBM_AND_IPSEC_IPSEC] = "ipsec",
	   "either, kbm or ipsec");
MODULE_PARM_DESC(kbm_and_ipsec,
		 "A home address with both a Kbm and a suitable IPsec SA is authorised by: either (both), kbm (only the Kbm) or ipsec (only the SA) (default either)");

ENUM_PARAM(coa_test, mip6sec_coa_test,
	   [0] = "off",
	   [1] = "on",
	   "on or off");
MODULE_PARM_DESC(coa_test,
		 "Care-of address test (cookie) for an IPsec-protected Binding Update whose Alternate Care-of Address is neither its source nor the home address: on, or off (reject with status 174); on runs the test only once cookie_opt_type is set (default on)");

ENUM_PARAM(rr, mip6sec_rr,
	   [MIP6SEC_RR_MODE_KERNEL] = "kernel",
	   [MIP6SEC_RR_MODE_USERSPACE] = "userspace",
	   "kernel or userspace");
MODULE_PARM_DESC(rr,
		 "Return routability: kernel (the module answers Home and Care-of Test Inits and verifies Binding Updates with Nonce Indices) or userspace (left to a mobility daemon, whose route optimisation states then decide on the Home Address options of home addresses the module does not know) (default kernel)");

MODULE_PARM_DESC(kbm_wrap,
		 "A Kbm whose 65536 sequence numbers are used up: allow (keep using it) or refuse (BA status 129 until replaced); kbm-exhausted is announced either way (default allow)");

static int uint_range_set(const char *val, const struct kernel_param *kp,
			  unsigned int min, unsigned int max)
{
	unsigned int v;
	int err;

	err = kstrtouint(val, 0, &v);
	if (err || v < min || v > max) {
		pr_err("%s: invalid value '%.*s' (use %u..%u)\n", kp->name,
		       (int)strcspn(val, "\n"), val, min, max);
		return -EINVAL;
	}
	WRITE_ONCE(*(unsigned int *)kp->arg, v);
	return 0;
}

/* Parameters that take an unsigned number in [_min, _max]. */
#define UINT_PARAM(_name, _var, _min, _max)				\
	static int _name##_set(const char *val,				\
			       const struct kernel_param *kp)		\
	{								\
		return uint_range_set(val, kp, _min, _max);		\
	}								\
	static const struct kernel_param_ops _name##_ops = {		\
		.set = _name##_set,					\
		.get = param_get_uint,					\
	};								\
	module_param_cb(_name, &_name##_ops, &(_var), 0644)

UINT_PARAM(max_bindings, mip6sec_max_bindings, 1, MIP6SEC_MAX_BINDINGS_LIMIT);
MODULE_PARM_DESC(max_bindings,
		 "Binding cache entries per network namespace, 1..1048576 (default 4096)");
UINT_PARAM(be_ratelimit_ms, mip6sec_be_ratelimit_ms, 0,
	   MIP6SEC_BE_RATELIMIT_MAX_MS);
MODULE_PARM_DESC(be_ratelimit_ms,
		 "Minimum interval between Binding Errors (and rejecting acknowledgements) to one destination in ms, 0..60000, 0 = no limit (default 1000)");
UINT_PARAM(max_lifetime, mip6sec_max_lifetime, 4, MIP6SEC_MAX_LIFETIME_LIMIT);
MODULE_PARM_DESC(max_lifetime,
		 "Longest binding lifetime granted, in seconds, 4..262140 (default 420, RFC 6275 MAX_RR_BINDING_LIFETIME)");
UINT_PARAM(replay_window_s, mip6sec_replay_window_s, 1,
	   MIP6SEC_REPLAY_WINDOW_MAX_S);
MODULE_PARM_DESC(replay_window_s,
		 "Largest difference between an RFC 4285 timestamp and this node's clock, in seconds, 1..3600 (default 7)");
UINT_PARAM(keyreq_ratelimit_ms, mip6sec_keyreq_ratelimit_ms, 0,
	   MIP6SEC_KEYREQ_RATELIMIT_MAX_MS);
MODULE_PARM_DESC(keyreq_ratelimit_ms,
		 "Minimum interval between key requests for one NAI in ms, 0..60000, 0 = no limit (default 1000)");

UINT_PARAM(ipsec_max_lifetime, mip6sec_ipsec_max_lifetime, 4,
	   MIP6SEC_MAX_LIFETIME_LIMIT);
MODULE_PARM_DESC(ipsec_max_lifetime,
		 "Longest lifetime granted to a binding authorised by an IPsec SA, in seconds, 4..262140, also capped by the SA's hard lifetime (default 3600)");
UINT_PARAM(cookie_ba_status, mip6sec_cookie_ba_status, 128, 255);
MODULE_PARM_DESC(cookie_ba_status,
		 "Binding Acknowledgment status that carries a care-of address test cookie, 128..255 (default 250, not assigned by IANA)");
UINT_PARAM(cookie_window_s, mip6sec_cookie_window_s, 1, MIP6SEC_COOKIE_MAX_S);
MODULE_PARM_DESC(cookie_window_s,
		 "Oldest care-of address test cookie accepted, in seconds, 1..32767 (default 30)");
UINT_PARAM(cookie_secret_period_s, mip6sec_cookie_secret_period_s, 1,
	   MIP6SEC_COOKIE_MAX_S);
MODULE_PARM_DESC(cookie_secret_period_s,
		 "Period of the cookie secret, in seconds, 1..32767; the previous secret stays valid one more period (default 300)");

UINT_PARAM(rr_nonce_lifetime_s, mip6sec_rr_nonce_lifetime_s,
	   MIP6SEC_RR_NONCE_LIFETIME_MIN_S, MIP6SEC_RR_NONCE_LIFETIME_MAX_S);
MODULE_PARM_DESC(rr_nonce_lifetime_s,
		 "How long a return routability nonce is accepted, in seconds, 8..240; a new one is made every eighth of it (default 240, RFC 6275 MAX_NONCE_LIFETIME)");
UINT_PARAM(rr_ratelimit, mip6sec_rr_ratelimit, 0, MIP6SEC_RR_RATELIMIT_MAX);
MODULE_PARM_DESC(rr_ratelimit,
		 "Most Home Test and Care-of Test messages sent per second to one hash bucket of /64 prefixes, 0..100000, 0 = no limit (default 100)");

static int cookie_opt_type_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (kstrtouint(val, 0, &v) || v > 255 || (v && mh_opt_known(v))) {
		pr_err("%s: invalid value '%.*s' (0 for none, or a mobility option type this module does not parse: not 1-6, 8-10 or 21)\n",
		       kp->name, (int)strcspn(val, "\n"), val);
		return -EINVAL;
	}
	WRITE_ONCE(mip6sec_cookie_opt_type, v);
	return 0;
}

static const struct kernel_param_ops cookie_opt_type_ops = {
	.set = cookie_opt_type_set,
	.get = param_get_uint,
};

module_param_cb(cookie_opt_type, &cookie_opt_type_ops,
		&mip6sec_cookie_opt_type, 0644);
MODULE_PARM_DESC(cookie_opt_type,
		 "Mobility option type of the care-of address test cookie; 0 (the default) leaves the test off until a type is chosen (the experimental option of RFC 5096 is 18)");

static void stats_sum(struct mip6sec_net *mn, u64 *out)
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
}

void mip6sec_stats_read(struct mip6sec_net *mn, u64 *out)
{
	int i;

	mutex_lock(&mn->stats_lock);
	stats_sum(mn, out);
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
	mutex_lock(&mn->stats_lock);
	stats_sum(mn, mn->stats_base);
	mutex_unlock(&mn->stats_lock);
}

static int __net_init mip6sec_net_init(struct net *net)
{
	struct mip6sec_net *mn = mip6sec_pernet(net);
	int cpu, err;

	mn->net = net;
	mutex_init(&mn->stats_lock);
	mip6sec_be_init(mn);
	mn->stats = alloc_percpu(struct mip6sec_pcpu_stats);
	if (!mn->stats)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(mn->stats, cpu)->syncp);

	atomic64_set(&mn->next_key_id, 0);
	err = mip6sec_kbm_init(&mn->kbm);
	if (err)
		goto err_stats;
	err = mip6sec_sa_init(mn);
	if (err)
		goto err_kbm;
	err = mip6sec_bcache_init(mn);
	if (err)
		goto err_sa;
	err = mip6sec_cookie_init(mn);
	if (err)
		goto err_bcache;
	err = mip6sec_rr_init(mn);
	if (err)
		goto err_cookie;
	return 0;

err_cookie:
	mip6sec_cookie_destroy(mn);
err_bcache:
	mip6sec_bcache_stop(mn);
	mip6sec_bcache_destroy(mn);
err_sa:
	mip6sec_sa_destroy(mn);
err_kbm:
	mip6sec_kbm_destroy(&mn->kbm);
err_stats:
	free_percpu(mn->stats);
	return err;
}

/*
 * The hooks (hooks.c) are gone, no packet is in flight and no request
 * runs in this namespace any more.
 */
static void __net_exit mip6sec_net_exit(struct net *net)
{
	struct mip6sec_net *mn = mip6sec_pernet(net);

	mip6sec_rr_destroy(mn);
	mip6sec_cookie_destroy(mn);
	mip6sec_sa_stop(mn);
	mip6sec_bcache_destroy(mn);
	mip6sec_sa_destroy(mn);
	mip6sec_kbm_destroy(&mn->kbm);
	free_percpu(mn->stats);
}

static struct pernet_operations mip6sec_net_ops = {
	.init = mip6sec_net_init,
	.exit = mip6sec_net_exit,
	.id = &mip6sec_net_id,
	.size = sizeof(struct mip6sec_net),
};

/*
 * Order: the per-namespace state, then the netlink family, then the hooks
 * (hooks.c registers its own pernet operations), so that neither packets
 * nor requests ever see state that is not there; exit in reverse.
 */
static int __init mip6sec_init(void)
{
	int err;

	err = mip6sec_hmac_selftest();
	if (err)
		return err;
	err = mip6sec_hmac_module_init();
	if (err)
		return err;
	mip6sec_wq = alloc_workqueue("mip6sec", WQ_UNBOUND, 0);
	if (!mip6sec_wq) {
		err = -ENOMEM;
		goto err_hmac;
	}
	err = register_pernet_subsys(&mip6sec_net_ops);
	if (err)
		goto err_wq;
	err = mip6sec_genl_register();
	if (err)
		goto err_pernet;
	err = mip6sec_hooks_init();
	if (err)
		goto err_genl;
	pr_info("loaded (hao_policy=%s rr=%s max_bindings=%u max_lifetime=%u be_ratelimit_ms=%u)\n",
		hao_policy_names[READ_ONCE(mip6sec_hao_policy)],
		rr_names[READ_ONCE(mip6sec_rr)],
		READ_ONCE(mip6sec_max_bindings),
		READ_ONCE(mip6sec_max_lifetime),
		READ_ONCE(mip6sec_be_ratelimit_ms));
	return 0;

err_genl:
	mip6sec_genl_unregister();
err_pernet:
	unregister_pernet_subsys(&mip6sec_net_ops);
	rcu_barrier();
err_wq:
	destroy_workqueue(mip6sec_wq);
err_hmac:
	mip6sec_hmac_module_exit();
	return err;
}

static void __exit mip6sec_exit(void)
{
	/* No packets (and no reaper), then no requests, then no state. */
	mip6sec_hooks_exit();
	mip6sec_genl_unregister();
	unregister_pernet_subsys(&mip6sec_net_ops);
	/* Pending rcu_work items are queued once their grace period ends. */
	rcu_barrier();
	destroy_workqueue(mip6sec_wq);
	mip6sec_hmac_module_exit();
}

module_init(mip6sec_init);
module_exit(mip6sec_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The mip6sec developers");
MODULE_DESCRIPTION("Mobile IPv6 signalling security: Binding Update authentication, binding cache, Home Address option validation");
MODULE_ALIAS_GENL_FAMILY(MIP6SEC_FAMILY_NAME);
MODULE_VERSION(MIP6SEC_VERSION);
