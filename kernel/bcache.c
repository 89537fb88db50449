// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec: binding cache.
 *
 * Entries are keyed by home address in an rhashtable (random hash seed per
 * table, rehashed when chains grow). The packet path only does RCU lookups
 * and treats an entry past its lifetime as absent. One delayed work item
 * per namespace reaps expired entries, so there is no timer per entry; it
 * walks the list under RCU and takes the lock only to unlink an entry.
 * Writers hold a BH spinlock because Binding Updates are processed in
 * softirq context. A refresh that keeps the addresses moves only the
 * expiry and sequence number; any other change replaces the entry at the
 * same place in the list, so that dumps in progress stay valid.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/rhashtable.h>
#include <linux/sched.h>
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
	unsigned long now = jiffies;

	if (time_after_eq(now, expires))
		return 0;
	return DIV_ROUND_UP(jiffies_to_msecs(expires - now), MSEC_PER_SEC);
}

/* Out of the table; the caller notifies and frees it after unlocking. */
static void binding_unlink(struct mip6sec_bcache *bc,
			   struct mip6sec_binding *b)
{
	lockdep_assert_held(&bc->lock);
	rhashtable_remove_fast(&bc->ht, &b->node, bcache_params);
	list_del_rcu(&b->list);
	b->dead = true;
	bc->count--;
	WRITE_ONCE(bc->genid, bc->genid + 1);
}

static void binding_release(struct mip6sec_net *mn, struct mip6sec_binding *b,
			    enum mip6sec_del_reason reason, gfp_t gfp)
{
	mip6sec_notify_binding(mn, MIP6SEC_CMD_BINDING_DEL_NTF, b, reason, gfp);
	kfree_rcu(b, rcu);
}

/*
 * Remove the entries @match selects, walking the list under RCU and
 * taking the lock once per entry removed; notifications are sent outside
 * the lock. @match is evaluated once without the lock, to skip the other
 * entries cheaply, and again under it. Process context.
 */
static void bcache_reap(struct mip6sec_net *mn,
			bool (*match)(const struct mip6sec_binding *b,
				      const void *arg),
			const void *arg, enum mip6sec_del_reason reason)
{
	struct mip6sec_bcache *bc = &mn->bcache;
	struct mip6sec_binding *b, *reaped = NULL;

	rcu_read_lock();
	list_for_each_entry_rcu(b, &bc->list, list) {
		if (!match(b, arg))
			continue;
		/*
		 * Judged again under the lock: a Binding Update may have
		 * refreshed the entry in place since, and been told so.
		 */
		spin_lock_bh(&bc->lock);
		if (!b->dead && match(b, arg)) {
			binding_unlink(bc, b);
			b->reap_next = reaped;
			reaped = b;
		}
		spin_unlock_bh(&bc->lock);
	}
	rcu_read_unlock();

	while (reaped) {
		b = reaped;
		reaped = b->reap_next;
		binding_release(mn, b, reason, GFP_KERNEL);
		cond_resched();
	}
}

static bool match_all(const struct mip6sec_binding *b, const void *arg)
{
	return true;
}

static bool match_expired(const struct mip6sec_binding *b, const void *arg)
{
	return binding_expired(b);
}

static bool match_key(const struct mip6sec_binding *b, const void *arg)
{
	return b->key_id == *(const u64 *)arg;
}

static void bcache_gc(struct work_struct *work)
{
	struct mip6sec_bcache *bc = container_of(to_delayed_work(work),
						 struct mip6sec_bcache, gc);
	struct mip6sec_net *mn = container_of(bc, struct mip6sec_net, bcache);

	bcache_reap(mn, match_expired, NULL, MIP6SEC_DEL_REASON_EXPIRED);
	if (READ_ONCE(bc->count))
		queue_delayed_work(mip6sec_wq, &bc->gc, MIP6SEC_GC_INTERVAL);
}

int mip6sec_bcache_init(struct mip6sec_net *mn)
{
	struct mip6sec_bcache *bc = &mn->bcache;

	/* The memory budget of an entry without NAI: one kmalloc-128. */
	BUILD_BUG_ON(offsetof(struct mip6sec_binding, nai) > 128);

	INIT_LIST_HEAD(&bc->list);
	spin_lock_init(&bc->lock);
	bc->count = 0;
	bc->genid = 1;
	INIT_DELAYED_WORK(&bc->gc, bcache_gc);
	return rhashtable_init(&bc->ht, &bcache_params);
}

/* Stops the reaper; no packet reaches this namespace's hook any more. */
void mip6sec_bcache_stop(struct mip6sec_net *mn)
{
	cancel_delayed_work_sync(&mn->bcache.gc);
}

/* Frees every entry, without notifications: the namespace is going. */
void mip6sec_bcache_destroy(struct mip6sec_net *mn)
{
	struct mip6sec_bcache *bc = &mn->bcache;
	struct mip6sec_binding *b, *tmp;

	spin_lock_bh(&bc->lock);
	list_for_each_entry_safe(b, tmp, &bc->list, list) {
		binding_unlink(bc, b);
		kfree_rcu(b, rcu);
	}
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

static bool nai_equal(const struct mip6sec_binding *b, const u8 *nai,
		      u8 nai_len)
{
	return b->nai_len == nai_len &&
	       (!nai_len || !memcmp(b->nai, nai, nai_len));
}

static bool binding_same(const struct mip6sec_binding *b,
			 const struct mip6sec_binding_req *req)
{
	return ipv6_addr_equal(&b->coa, req->coa) &&
	       ipv6_addr_equal(&b->cn, req->cn) &&
	       b->key_id == req->key_id && b->auth == req->auth &&
	       b->spi == req->spi && nai_equal(b, req->nai, req->nai_len);
}

/*
 * A live binding can only be changed by a Binding Update authorised the
 * same way: a Kbm's by a Kbm, a mobile node's (NAI) by an SA of that NAI.
 * A key that may serve several home addresses (an SA without a bound
 * home address) cannot take over another mobile node's. Return
 * routability proves the least (anyone on the paths of both tests can
 * make its Kbm): its bindings yield to any key, never the reverse.
 * Caller holds bc->lock.
 */
static bool auth_compatible(u8 a, u8 b)
{
	if (a == b)
		return true;
	/* kbm_and_ipsec=either: a Kbm and an SA stand for each other. */
	return READ_ONCE(mip6sec_kbm_and_ipsec) == MIP6SEC_KBM_AND_IPSEC_EITHER &&
	       (a == MIP6SEC_AUTH_KBM || a == MIP6SEC_AUTH_IPSEC) &&
	       (b == MIP6SEC_AUTH_KBM || b == MIP6SEC_AUTH_IPSEC);
}

static bool binding_owned_by_other(const struct mip6sec_binding *b, u8 auth,
				   const u8 *nai, u8 nai_len)
{
	if (!b || binding_expired(b))
		return false;
	if (b->auth == MIP6SEC_AUTH_RR && auth != MIP6SEC_AUTH_RR)
		return false;
	return !auth_compatible(b->auth, auth) || !nai_equal(b, nai, nai_len);
}

/* RFC 6275 9.5.1: @seq is newer than @last, modulo 2^16. */
static bool seq_newer(u16 seq, u16 last)
{
	return (s16)(seq - last) > 0;
}

/*
 * Create or refresh the entry of req->hoa. A refresh that keeps the
 * addresses only moves the expiry and the sequence number (readers load
 * each with READ_ONCE()); any other change replaces the entry, so that a
 * reader never sees a half-written address. With req->dereg the entry
 * goes instead (-ENOENT if there is none). With req->last_seq, a live
 * entry whose sequence number is not older than req->seq is left alone:
 * -EALREADY, its number in *req->last_seq. Returns 0, -EPERM when the
 * home address is bound by another key kind or NAI, -ENOSPC when
 * max_bindings entries exist (expired ones count until the reaper, which
 * is then kicked, has removed them), or -ENOMEM. Any context; allocates
 * only on this signalling path.
 */
int mip6sec_bcache_update(struct mip6sec_net *mn,
			  const struct mip6sec_binding_req *req)
{
	unsigned long expires = jiffies +
				msecs_to_jiffies(req->lifetime * MSEC_PER_SEC);
	struct mip6sec_bcache *bc = &mn->bcache;
	struct mip6sec_binding *b, *old;
	int err = 0;
	u8 cmd;

	spin_lock_bh(&bc->lock);
	old = rhashtable_lookup_fast(&bc->ht, req->hoa, bcache_params);
	cmd = !old || binding_expired(old) ? MIP6SEC_CMD_BINDING_NEW_NTF :
					     MIP6SEC_CMD_BINDING_UPDATE_NTF;
	if (binding_owned_by_other(old, req->auth, req->nai, req->nai_len)) {
		err = -EPERM;
		goto unlock;
	}
	if (req->last_seq && old && !binding_expired(old) &&
	    !seq_newer(req->seq, old->seq)) {
		*req->last_seq = old->seq;
		err = -EALREADY;
		goto unlock;
	}
	if (req->dereg) {
		if (!old) {
			err = -ENOENT;
			goto unlock;
		}
		binding_unlink(bc, old);
		spin_unlock_bh(&bc->lock);
		binding_release(mn, old, MIP6SEC_DEL_REASON_DEREGISTERED,
				GFP_ATOMIC);
		return 0;
	}
	if (old && binding_same(old, req)) {
		WRITE_ONCE(old->expires, expires);
		WRITE_ONCE(old->seq, req->seq);
		WRITE_ONCE(old->disabled, false);
		b = old;
		goto notify;
	}
	if (!old && bc->count >= READ_ONCE(mip6sec_max_bindings)) {
		mod_delayed_work(mip6sec_wq, &bc->gc, 0);
		err = -ENOSPC;
		goto unlock;
	}

	b = kzalloc(struct_size(b, nai, req->nai_len), GFP_ATOMIC);
	if (!b) {
		err = -ENOMEM;
		goto unlock;
	}
	b->hoa = *req->hoa;
	b->coa = *req->coa;
	b->cn = *req->cn;
	b->key_id = req->key_id;
	b->seq = req->seq;
	b->auth = req->auth;
	b->expires = expires;
	b->spi = req->spi;
	b->nai_len = req->nai_len;
	if (req->nai_len)
		memcpy(b->nai, req->nai, req->nai_len);

	if (old) {
		err = rhashtable_replace_fast(&bc->ht, &old->node, &b->node,
					      bcache_params);
		if (err)
			goto free;
		list_replace_rcu(&old->list, &b->list);
		old->dead = true;
		kfree_rcu(old, rcu);
	} else {
		err = rhashtable_insert_fast(&bc->ht, &b->node, bcache_params);
		if (err)
			goto free;
		list_add_tail_rcu(&b->list, &bc->list);
		bc->count++;
		WRITE_ONCE(bc->genid, bc->genid + 1);
	}
notify:
	mip6sec_notify_binding(mn, cmd, b, 0, GFP_ATOMIC);
	queue_delayed_work(mip6sec_wq, &bc->gc, MIP6SEC_GC_INTERVAL);
unlock:
	spin_unlock_bh(&bc->lock);
	return err;
free:
	spin_unlock_bh(&bc->lock);
	kfree(b);
	return err;
}

/* Delete the entry of @hoa if it was authorised by key @key_id (or any). */
static int bcache_del(struct mip6sec_net *mn, const struct in6_addr *hoa,
		      const u64 *key_id, enum mip6sec_del_reason reason)
{
	struct mip6sec_bcache *bc = &mn->bcache;
	struct mip6sec_binding *b;

	spin_lock_bh(&bc->lock);
	b = rhashtable_lookup_fast(&bc->ht, hoa, bcache_params);
	if (b && (!key_id || b->key_id == *key_id))
		binding_unlink(bc, b);
	else
		b = NULL;
	spin_unlock_bh(&bc->lock);
	if (!b)
		return -ENOENT;
	binding_release(mn, b, reason, GFP_ATOMIC);
	return 0;
}

int mip6sec_bcache_del(struct mip6sec_net *mn, const struct in6_addr *hoa,
		       enum mip6sec_del_reason reason)
{
	return bcache_del(mn, hoa, NULL, reason);
}

/* A key went: so does the binding it authorised. */
void mip6sec_bcache_key_removed(struct mip6sec_net *mn,
				const struct in6_addr *hoa, u64 key_id)
{
	bcache_del(mn, hoa, &key_id, MIP6SEC_DEL_REASON_KEY_REMOVED);
}

/* An SA went: so do the bindings it authorised, whatever their address. */
void mip6sec_bcache_sa_removed(struct mip6sec_net *mn, u64 key_id)
{
	bcache_reap(mn, match_key, &key_id, MIP6SEC_DEL_REASON_KEY_REMOVED);
}

/*
 * Care-of address test under way (draft-dupont-mipv6-cn-ipsec A1): the
 * live binding of @hoa, if this kind of key may change it, stops
 * validating Home Address options until a Binding Update replaces,
 * refreshes or removes it.
 */
void mip6sec_bcache_disable(struct mip6sec_net *mn, const struct in6_addr *hoa,
			    u8 auth)
{
	struct mip6sec_bcache *bc = &mn->bcache;
	struct mip6sec_binding *b;

	spin_lock_bh(&bc->lock);
	b = rhashtable_lookup_fast(&bc->ht, hoa, bcache_params);
	if (b && !binding_expired(b) &&
	    !binding_owned_by_other(b, auth, NULL, 0))
		WRITE_ONCE(b->disabled, true);
	spin_unlock_bh(&bc->lock);
}

void mip6sec_bcache_flush(struct mip6sec_net *mn,
			  enum mip6sec_del_reason reason)
{
	bcache_reap(mn, match_all, NULL, reason);
}
