// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec: binding cache.
 *
 * Entries are keyed by home address in an rhashtable (random hash seed per
 * table, rehashed when chains grow). The packet path only does RCU lookups
 * and treats an entry past its lifetime as absent; one delayed work per
 * namespace reaps expired entries, so there is no timer per entry. Writers
 * hold a BH spinlock because Binding Updates are processed in softirq
 * context.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>

#include "mip6sec.h"

#define MIP6SEC_GC_INTERVAL	(5 * HZ)

static const struct rhashtable_params bcache_params = {
	.head_offset = offsetof(struct mip6sec_binding, node),
	.key_offset = offsetof(struct mip6sec_binding, hoa),
	.key_len = sizeof(struct in6_addr),
	.automatic_shrinking = true,
};

static bool binding_expired(const struct mip6sec_binding *b)
{
	return time_after_eq(jiffies, READ_ONCE(b->expires));
}

u32 mip6sec_binding_lifetime(const struct mip6sec_binding *b)
{
	unsigned long expires = READ_ONCE(b->expires);

	if (time_after_eq(jiffies, expires))
		return 0;
	return DIV_ROUND_UP(jiffies_to_msecs(expires - jiffies), MSEC_PER_SEC);
}

static void binding_unlink(struct mip6sec_net *mn, struct mip6sec_binding *b,
			   enum mip6sec_del_reason reason)
{
	struct mip6sec_bcache *bc = &mn->bcache;

	lockdep_assert_held(&bc->lock);
	rhashtable_remove_fast(&bc->ht, &b->node, bcache_params);
	list_del_rcu(&b->list);
	bc->count--;
	bc->genid++;
	mip6sec_notify_binding(mn, MIP6SEC_CMD_BINDING_DEL_NTF, b, reason,
			       GFP_ATOMIC);
	kfree_rcu(b, rcu);
}

static void bcache_gc(struct work_struct *work)
{
	struct mip6sec_bcache *bc = container_of(to_delayed_work(work),
						 struct mip6sec_bcache, gc);
	struct mip6sec_net *mn = container_of(bc, struct mip6sec_net, bcache);
	struct mip6sec_binding *b, *tmp;
	bool more;

	spin_lock_bh(&bc->lock);
	list_for_each_entry_safe(b, tmp, &bc->list, list)
		if (binding_expired(b))
			binding_unlink(mn, b, MIP6SEC_DEL_REASON_EXPIRED);
	more = bc->count > 0;
	spin_unlock_bh(&bc->lock);

	if (more)
		schedule_delayed_work(&bc->gc, MIP6SEC_GC_INTERVAL);
}

int mip6sec_bcache_init(struct mip6sec_net *mn)
{
	struct mip6sec_bcache *bc = &mn->bcache;

	INIT_LIST_HEAD(&bc->list);
	spin_lock_init(&bc->lock);
	bc->count = 0;
	bc->genid = 1;
	INIT_DELAYED_WORK(&bc->gc, bcache_gc);
	return rhashtable_init(&bc->ht, &bcache_params);
}

void mip6sec_bcache_destroy(struct mip6sec_net *mn)
{
	struct mip6sec_bcache *bc = &mn->bcache;
	struct mip6sec_binding *b, *tmp;

	/* The hooks are gone: no one can schedule the work again. */
	cancel_delayed_work_sync(&bc->gc);
	spin_lock_bh(&bc->lock);
	list_for_each_entry_safe(b, tmp, &bc->list, list) {
		rhashtable_remove_fast(&bc->ht, &b->node, bcache_params);
		list_del_rcu(&b->list);
		kfree_rcu(b, rcu);
	}
	bc->count = 0;
	spin_unlock_bh(&bc->lock);
	rhashtable_destroy(&bc->ht);
}

/* Caller holds rcu_read_lock(). Expired entries are not returned. */
struct mip6sec_binding *mip6sec_bcache_lookup_rcu(struct mip6sec_net *mn,
						  const struct in6_addr *hoa)
{
	struct mip6sec_binding *b;

	b = rhashtable_lookup(&mn->bcache.ht, hoa, bcache_params);
	if (b && binding_expired(b))
		return NULL;
	return b;
}

int mip6sec_bcache_del(struct mip6sec_net *mn, const struct in6_addr *hoa,
		       enum mip6sec_del_reason reason)
{
	struct mip6sec_bcache *bc = &mn->bcache;
	struct mip6sec_binding *b;
	int err = -ENOENT;

	spin_lock_bh(&bc->lock);
	b = rhashtable_lookup_fast(&bc->ht, hoa, bcache_params);
	if (b) {
		binding_unlink(mn, b, reason);
		err = 0;
	}
	spin_unlock_bh(&bc->lock);
	return err;
}

void mip6sec_bcache_flush(struct mip6sec_net *mn,
			  enum mip6sec_del_reason reason)
{
	struct mip6sec_bcache *bc = &mn->bcache;
	struct mip6sec_binding *b, *tmp;

	spin_lock_bh(&bc->lock);
	list_for_each_entry_safe(b, tmp, &bc->list, list)
		binding_unlink(mn, b, reason);
	spin_unlock_bh(&bc->lock);
}
