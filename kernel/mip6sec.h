/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mip6sec: internal declarations shared by the module's files.
 */
#ifndef _MIP6SEC_H
#define _MIP6SEC_H

#include <linux/types.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include <uapi/linux/mip6sec.h>

struct netlink_ext_ack;

/* Module parameters (main.c); read with READ_ONCE() on any path. */
enum mip6sec_hao_policy {
	MIP6SEC_HAO_OFF,
	MIP6SEC_HAO_AUDIT,
	MIP6SEC_HAO_ENFORCE,
};

extern int mip6sec_hao_policy;
extern unsigned int mip6sec_max_bindings;
extern unsigned int mip6sec_be_ratelimit_ms;

struct mip6sec_pcpu_stats {
	u64_stats_t cnt[__MIP6SEC_STAT_MAX];
	struct u64_stats_sync syncp;
};

/*
 * A preconfigured Binding Management Key. Looked up by home address under
 * RCU; created and destroyed under mip6sec_kbm_table.lock. The key bytes
 * never leave the kernel and are wiped when the entry is freed.
 */
struct mip6sec_kbm {
	struct rhash_head node;
	struct list_head list;		/* table order, for dumps */
	struct in6_addr hoa;		/* hash key */
	struct in6_addr cn;		/* :: means any address of this node */
	spinlock_t lock;		/* protects last_seq, seq_valid */
	u16 last_seq;
	bool seq_valid;
	atomic64_t uses;
	struct rcu_head rcu;
	u8 key[MIP6SEC_KBM_LEN];
};

struct mip6sec_kbm_table {
	struct rhashtable ht;
	struct list_head list;
	struct mutex lock;		/* serialises writers and dumps */
	unsigned int genid;		/* bumped on change, for NLM_F_DUMP_INTR */
};

/*
 * A binding cache entry, keyed by home address. Readers use RCU; writers
 * take mip6sec_bcache.lock (a BH spinlock: Binding Updates are processed
 * in softirq context).
 */
struct mip6sec_binding {
	struct rhash_head node;
	struct list_head list;
	struct in6_addr hoa;		/* hash key */
	struct in6_addr coa;
	struct in6_addr cn;
	unsigned long expires;		/* jiffies */
	u16 seq;
	u8 auth;			/* enum mip6sec_auth */
	struct rcu_head rcu;
};

struct mip6sec_bcache {
	struct rhashtable ht;
	struct list_head list;
	spinlock_t lock;		/* writers; readers use RCU */
	unsigned int count;
	unsigned int genid;
	struct delayed_work gc;
};

struct mip6sec_net {
	struct net *net;
	struct mip6sec_pcpu_stats __percpu *stats;
	struct mutex stats_lock;	/* protects stats_base */
	u64 stats_base[__MIP6SEC_STAT_MAX];
	struct mip6sec_kbm_table kbm;
	struct mip6sec_bcache bcache;
};

extern unsigned int mip6sec_net_id;

static inline struct mip6sec_net *mip6sec_pernet(const struct net *net)
{
	return net_generic(net, mip6sec_net_id);
}

/* Counters: per-CPU, lock-free on the packet path. */
static inline void mip6sec_stat_inc(struct mip6sec_net *mn,
				    enum mip6sec_stat_attrs stat)
{
	struct mip6sec_pcpu_stats *s = this_cpu_ptr(mn->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->cnt[stat]);
	u64_stats_update_end(&s->syncp);
}

void mip6sec_stats_read(struct mip6sec_net *mn, u64 *out);
void mip6sec_stats_reset(struct mip6sec_net *mn);

/* kbm.c */
int mip6sec_kbm_init(struct mip6sec_kbm_table *t);
void mip6sec_kbm_destroy(struct mip6sec_kbm_table *t);
int mip6sec_kbm_add(struct mip6sec_net *mn, const struct in6_addr *hoa,
		    const struct in6_addr *cn, const u8 *key,
		    struct netlink_ext_ack *extack);
int mip6sec_kbm_del(struct mip6sec_net *mn, const struct in6_addr *hoa,
		    struct netlink_ext_ack *extack);
struct mip6sec_kbm *mip6sec_kbm_lookup_locked(struct mip6sec_kbm_table *t,
					      const struct in6_addr *hoa);
struct mip6sec_kbm *mip6sec_kbm_lookup_rcu(struct mip6sec_net *mn,
					   const struct in6_addr *hoa);

/* bcache.c */
int mip6sec_bcache_init(struct mip6sec_net *mn);
void mip6sec_bcache_destroy(struct mip6sec_net *mn);
struct mip6sec_binding *mip6sec_bcache_lookup_rcu(struct mip6sec_net *mn,
						  const struct in6_addr *hoa);
int mip6sec_bcache_del(struct mip6sec_net *mn, const struct in6_addr *hoa,
		       enum mip6sec_del_reason reason);
void mip6sec_bcache_flush(struct mip6sec_net *mn,
			  enum mip6sec_del_reason reason);
u32 mip6sec_binding_lifetime(const struct mip6sec_binding *b);

/* hooks.c */
int mip6sec_hooks_register(struct net *net);
void mip6sec_hooks_unregister(struct net *net);
int mip6sec_hooks_init(void);
void mip6sec_hooks_exit(void);

/* netlink.c */
int mip6sec_genl_register(void);
void mip6sec_genl_unregister(void);
void mip6sec_notify_kbm(struct mip6sec_net *mn, u8 cmd,
			struct mip6sec_kbm *kbm, gfp_t gfp);
void mip6sec_notify_binding(struct mip6sec_net *mn, u8 cmd,
			    const struct mip6sec_binding *b,
			    enum mip6sec_del_reason reason, gfp_t gfp);

#endif /* _MIP6SEC_H */
