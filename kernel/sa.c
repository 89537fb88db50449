// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec: mobility security associations (RFC 4285 5) of the home agent
 * and previous access router roles: MN-HA and MN-AAA keys (AMSKs of
 * draft-giaretta-mip6-amsk) and fast handover keys (draft-li-mipshop-
 * fbu-sec).
 *
 * An SA is named by the mobile node's NAI and a Mobility SPI. The SPI is
 * chosen by the mobile node and means nothing across subscribers, so the
 * packet path first finds the NAI (an rhashtable of struct mip6sec_nai,
 * random seed, rehashed when chains grow), then the SPI among that NAI's
 * few SAs: one subscriber's SPI never selects another's key. Writers hold
 * the table mutex; readers use RCU. A bounded number of SAs per NAI keeps
 * that second step short and lets deletions remember the SAs' ids on the
 * stack.
 *
 * A home agent SA (mn-ha, mn-aaa) names what it may register, one home
 * address or a home prefix, and an address belongs to the mobile node
 * whose SA names it most specifically (mip6sec_sa_home_check()). The SAs
 * are indexed by that name too: one hash table keyed by (prefix, length),
 * a home address being a prefix of length 128, probed from the longest
 * length in use down, so that a lookup costs one probe per length in use
 * whatever the number of SAs. No two NAIs name the same home address or
 * prefix.
 *
 * An SA may have a lifetime: past it the packet path treats it as absent,
 * and one delayed work item per namespace, armed for the earliest expiry,
 * removes it and announces sa-expired-ntf. The bindings an SA authorised
 * go with it, once no packet verified with it can still be in flight.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/rhashtable.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "mip6sec.h"
#include "mh.h"

/* Enough for one key per use and a rollover of each. */
#define MIP6SEC_SA_PER_NAI	8

struct nai_key {
	const u8 *id;
	unsigned int len;
};

static u32 nai_hashfn(const void *data, u32 len, u32 seed)
{
	const struct nai_key *k = data;

	return jhash(k->id, k->len, seed);
}

static u32 nai_obj_hashfn(const void *data, u32 len, u32 seed)
{
	const struct mip6sec_nai *n = data;

	return jhash(n->id, n->len, seed);
}

static int nai_obj_cmpfn(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct nai_key *k = arg->key;
	const struct mip6sec_nai *n = obj;

	return n->len != k->len || memcmp(n->id, k->id, k->len);
}

static const struct rhashtable_params nai_params = {
	.head_offset = offsetof(struct mip6sec_nai, rnode),
	.hashfn = nai_hashfn,
	.obj_hashfn = nai_obj_hashfn,
	.obj_cmpfn = nai_obj_cmpfn,
	.automatic_shrinking = true,
};

static const struct rhashtable_params home_params = {
	.head_offset = offsetof(struct mip6sec_sa, home_node),
	.key_offset = offsetof(struct mip6sec_sa, home),
	.key_len = MIP6SEC_HOME_KEY_LEN,
	.automatic_shrinking = true,
};

static void sa_expiry_work(struct work_struct *work);

int mip6sec_sa_init(struct mip6sec_net *mn)
{
	struct mip6sec_sa_table *t = &mn->sa;
	int err;

	INIT_LIST_HEAD(&t->list);
	mutex_init(&t->lock);
	t->genid = 1;
	INIT_DELAYED_WORK(&t->expiry, sa_expiry_work);
	err = rhashtable_init(&t->ht, &nai_params);
	if (err)
		return err;
	err = rhltable_init(&t->homes, &home_params);
	if (err)
		rhashtable_destroy(&t->ht);
	return err;
}

/* The home agent SAs that name the first @len bits of @addr. Under RCU. */
static struct rhlist_head *home_lookup(struct mip6sec_sa_table *t,
				       const struct in6_addr *addr,
				       unsigned int len)
{
	struct mip6sec_home key = { .len = len };

	ipv6_addr_prefix(&key.addr, addr, len);
	return rhltable_lookup(&t->homes, &key, home_params);
}

/* The longest home length in use below @below, or 0. */
static unsigned int home_len_below(const struct mip6sec_sa_table *t,
				   unsigned int below)
{
	unsigned int len = find_last_bit(t->home_lens, below);

	return len < below ? len : 0;
}

/* Does an SA name @hoa as its home address? Under rcu_read_lock(). */
bool mip6sec_sa_hoa_bound(struct mip6sec_net *mn, const struct in6_addr *hoa)
{
	return home_lookup(&mn->sa, hoa, 128);
}

/*
 * May @sa, a home agent SA, register @hoa? As in cryptokey routing, a
 * home address belongs to the mobile node whose SA names it most
 * specifically: the SA's home address or home prefix must contain it, no
 * SA of another NAI may name a longer prefix of it (or the address
 * itself), and an address that a Kbm names is not a prefix's to give.
 * Returns 0, or the status that refuses it: 129, or 132 (not home subnet,
 * RFC 6275 10.3.1) when it is outside every home address and home prefix
 * of the namespace's SAs. Under rcu_read_lock().
 */
u8 mip6sec_sa_home_check(struct mip6sec_net *mn, const struct mip6sec_sa *sa,
			 const struct in6_addr *hoa)
{
	struct mip6sec_sa_table *t = &mn->sa;
	unsigned int len = MIP6SEC_HOME_LENS, own = 0;
	struct rhlist_head *list, *pos;
	const struct mip6sec_sa *it;

	if (!mip6sec_addr_global(hoa))
		return MH_BA_PROHIBITED;
	if (sa->home.len && ipv6_prefix_equal(hoa, &sa->home.addr, sa->home.len))
		own = sa->home.len;
	/* Longest first, down to the SA's own length (or all of them). */
	while ((len = home_len_below(t, len)) > own) {
		list = home_lookup(t, hoa, len);
		if (list && !own)
			return MH_BA_PROHIBITED;
		rhl_for_each_entry_rcu(it, pos, list, home_node)
			if (it->nai != sa->nai)
				return MH_BA_PROHIBITED;
	}
	if (!own)
		return MH_BA_NOT_HOME_SUBNET;
	if (own < 128 && mip6sec_kbm_lookup_rcu(mn, hoa))
		return MH_BA_PROHIBITED;
	return 0;
}

/* Does an SA of another NAI than @n name exactly @h? */
static bool home_taken_locked(struct mip6sec_sa_table *t,
			      const struct mip6sec_home *h,
			      const struct mip6sec_nai *n)
{
	struct rhlist_head *list, *pos;
	struct mip6sec_sa *it;
	bool taken = false;

	lockdep_assert_held(&t->lock);
	rcu_read_lock();
	list = rhltable_lookup(&t->homes, h, home_params);
	rhl_for_each_entry_rcu(it, pos, list, home_node) {
		if (it->nai != n) {
			taken = true;
			break;
		}
	}
	rcu_read_unlock();
	return taken;
}

static void sa_free(struct mip6sec_sa *sa)
{
	mip6sec_hmac_destroy(&sa->hmac);
	kfree_sensitive(sa);
}

static void sa_free_work(struct work_struct *work)
{
	sa_free(container_of(to_rcu_work(work), struct mip6sec_sa, free_work));
}

/* Caller holds rcu_read_lock(). */
struct mip6sec_nai *mip6sec_nai_lookup(struct mip6sec_net *mn, const u8 *nai,
				       unsigned int len)
{
	struct nai_key k = { .id = nai, .len = len };

	return rhashtable_lookup(&mn->sa.ht, &k, nai_params);
}

static struct mip6sec_nai *nai_lookup_locked(struct mip6sec_net *mn,
					     const u8 *nai, unsigned int len)
{
	struct nai_key k = { .id = nai, .len = len };

	lockdep_assert_held(&mn->sa.lock);
	return rhashtable_lookup_fast(&mn->sa.ht, &k, nai_params);
}

/* Caller holds rcu_read_lock(). */
struct mip6sec_sa *mip6sec_sa_find(const struct mip6sec_nai *n, u32 spi)
{
	struct mip6sec_sa *sa;

	list_for_each_entry_rcu(sa, &n->sas, node)
		if (sa->spi == spi)
			return sa;
	return NULL;
}

static struct mip6sec_sa *sa_find_locked(struct mip6sec_sa_table *t,
					 const struct mip6sec_nai *n, u32 spi)
{
	struct mip6sec_sa *sa;

	lockdep_assert_held(&t->lock);
	list_for_each_entry(sa, &n->sas, node)
		if (sa->spi == spi)
			return sa;
	return NULL;
}

static bool sa_expired(const struct mip6sec_sa *sa)
{
	return sa->expires && time_after_eq(jiffies, sa->expires);
}

/*
 * The SA of @n with @spi, usable for @use: of that use and not past its
 * lifetime; NULL if none. Caller holds rcu_read_lock().
 */
struct mip6sec_sa *mip6sec_sa_get(const struct mip6sec_nai *n, u32 spi, u8 use)
{
	struct mip6sec_sa *sa = mip6sec_sa_find(n, spi);

	if (!sa || sa->use != use || sa_expired(sa))
		return NULL;
	return sa;
}

/*
 * The key a Binding Acknowledgment of @n is authenticated with when the
 * Binding Update named no MN-HA SA (RFC 4285 5.2: the answer to an MN-AAA
 * option "MUST include the MN-HA" option): the usable MN-HA SA of @n
 * added last, NULL if none. Caller holds rcu_read_lock().
 */
struct mip6sec_sa *mip6sec_sa_mnha(const struct mip6sec_nai *n)
{
	struct mip6sec_sa *sa, *found = NULL;

	list_for_each_entry_rcu(sa, &n->sas, node)
		if (sa->use == MIP6SEC_SA_USE_MN_HA && !sa_expired(sa))
			found = sa;
	return found;
}

/*
 * The SA a message names, usable for @use: by NAI, then SPI, of that use
 * and not past its lifetime; NULL if none. *nai_known tells whether the
 * NAI has any SA at all (else a key request is in order). Caller holds
 * rcu_read_lock().
 */
struct mip6sec_sa *mip6sec_sa_lookup(struct mip6sec_net *mn, const u8 *nai,
				     unsigned int nai_len, u32 spi, u8 use,
				     bool *nai_known)
{
	struct mip6sec_nai *n = NULL;

	if (nai_len <= MIP6SEC_NAI_MAX)
		n = mip6sec_nai_lookup(mn, nai, nai_len);
	*nai_known = n;
	return n ? mip6sec_sa_get(n, spi, use) : NULL;
}

/* Seconds left, rounded up; 0 when expired. Only for SAs with a lifetime. */
u32 mip6sec_sa_lifetime(const struct mip6sec_sa *sa)
{
	unsigned long now = jiffies;

	if (time_after_eq(now, sa->expires))
		return 0;
	/* Not jiffies_to_msecs(): its unsigned int wraps after 49 days. */
	return DIV_ROUND_UP(sa->expires - now, HZ);
}

/* Arm the expiry work for the earliest lifetime. */
static void sa_schedule_locked(struct mip6sec_sa_table *t)
{
	unsigned long now = jiffies, first = 0;
	struct mip6sec_nai *n;
	struct mip6sec_sa *sa;
	bool any = false;

	lockdep_assert_held(&t->lock);
	list_for_each_entry(n, &t->list, list) {
		list_for_each_entry(sa, &n->sas, node) {
			if (!sa->expires)
				continue;
			if (!any || time_before(sa->expires, first))
				first = sa->expires;
			any = true;
		}
	}
	if (any)
		mod_delayed_work(mip6sec_wq, &t->expiry,
				 time_after(first, now) ? first - now : 0);
}

/*
 * Out of the table; freed after a grace period. Returns true when its NAI
 * went with it (it was the NAI's last SA): a walk of the NAI's SAs must
 * stop then.
 */
static bool sa_unlink(struct mip6sec_sa_table *t, struct mip6sec_sa *sa)
{
	struct mip6sec_nai *n = sa->nai;
	bool nai_gone;

	lockdep_assert_held(&t->lock);
	list_del_rcu(&sa->node);
	if (sa->home.len) {
		rhltable_remove(&t->homes, &sa->home_node, home_params);
		if (!--t->home_len_count[sa->home.len])
			clear_bit(sa->home.len, t->home_lens);
	}
	nai_gone = list_empty(&n->sas);
	if (nai_gone) {
		rhashtable_remove_fast(&t->ht, &n->rnode, nai_params);
		list_del_rcu(&n->list);
		kfree_rcu(n, rcu);
	}
	t->genid++;
	INIT_RCU_WORK(&sa->free_work, sa_free_work);
	queue_rcu_work(mip6sec_wq, &sa->free_work);
	return nai_gone;
}

/* After a grace period no message verified with them is in flight. */
static void sa_removed(struct mip6sec_net *mn, const u64 *ids, int n)
{
	int i;

	if (!n)
		return;
	synchronize_rcu();
	for (i = 0; i < n; i++)
		mip6sec_bcache_sa_removed(mn, ids[i]);
}

int mip6sec_sa_add(struct mip6sec_net *mn, const struct mip6sec_sa_params *sp,
		   struct netlink_ext_ack *extack)
{
	struct mip6sec_sa_table *t = &mn->sa;
	struct mip6sec_nai *n, *new_nai = NULL;
	struct mip6sec_sa *sa, *it;
	unsigned int count = 0;
	int err;

	sa = kzalloc(sizeof(*sa), GFP_KERNEL_ACCOUNT);
	if (!sa)
		return -ENOMEM;
	sa->spi = sp->spi;
	sa->use = sp->use;
	sa->replay = sp->replay;
	if (sp->key_name) {
		memcpy(sa->key_name, sp->key_name, sizeof(sa->key_name));
		sa->has_name = true;
	}
	sa->home = sp->home;
	sa->home_prefix = sp->home_prefix;
	spin_lock_init(&sa->lock);
	atomic64_set(&sa->uses, 0);
	err = mip6sec_hmac_init(&sa->hmac, sp->key, sp->key_len);
	if (err) {
		kfree_sensitive(sa);
		NL_SET_ERR_MSG(extack, "cannot set up hmac(sha1) for the key");
		return err;
	}

	mutex_lock(&t->lock);
	n = nai_lookup_locked(mn, sp->nai, sp->nai_len);
	/* One owner per home address and home prefix: see home_check. */
	if (sa->home.len && home_taken_locked(t, &sa->home, n)) {
		if (sa->home_prefix)
			NL_SET_ERR_MSG(extack,
				       "an SA of another NAI names this home prefix");
		else
			NL_SET_ERR_MSG(extack,
				       "an SA of another NAI names this home address");
		err = -EEXIST;
		goto err_unlock;
	}
	if (n) {
		if (sa_find_locked(t, n, sp->spi)) {
			NL_SET_ERR_MSG(extack,
				       "an SA with this NAI and SPI exists (delete it first)");
			err = -EEXIST;
			goto err_unlock;
		}
		list_for_each_entry(it, &n->sas, node)
			count++;
		if (count >= MIP6SEC_SA_PER_NAI) {
			NL_SET_ERR_MSG(extack, "too many SAs for this NAI");
			err = -ENOSPC;
			goto err_unlock;
		}
	} else {
		new_nai = kzalloc(sizeof(*new_nai), GFP_KERNEL_ACCOUNT);
		if (!new_nai) {
			err = -ENOMEM;
			goto err_unlock;
		}
		INIT_LIST_HEAD(&new_nai->sas);
		new_nai->len = sp->nai_len;
		memcpy(new_nai->id, sp->nai, sp->nai_len);
		err = rhashtable_insert_fast(&t->ht, &new_nai->rnode,
					     nai_params);
		if (err) {
			kfree(new_nai);
			goto err_unlock;
		}
		list_add_tail_rcu(&new_nai->list, &t->list);
		n = new_nai;
	}

	if (sa->home.len) {
		err = rhltable_insert(&t->homes, &sa->home_node, home_params);
		if (err) {
			if (new_nai) {
				rhashtable_remove_fast(&t->ht, &new_nai->rnode,
						       nai_params);
				list_del_rcu(&new_nai->list);
				kfree_rcu(new_nai, rcu);
			}
			goto err_unlock;
		}
		if (!t->home_len_count[sa->home.len]++)
			set_bit(sa->home.len, t->home_lens);
	}
	sa->nai = n;
	sa->id = mip6sec_new_key_id(mn);
	if (sp->lifetime)
		sa->expires = jiffies + min_t(u64, (u64)sp->lifetime * HZ,
					      MAX_JIFFY_OFFSET) ?: 1;
	list_add_tail_rcu(&sa->node, &n->sas);
	t->genid++;
	mip6sec_notify_sa(mn, MIP6SEC_CMD_SA_NEW_NTF, sa, GFP_KERNEL);
	if (sa->expires)
		sa_schedule_locked(t);
	mutex_unlock(&t->lock);
	return 0;

err_unlock:
	mutex_unlock(&t->lock);
	sa_free(sa);
	return err;
}

int mip6sec_sa_del(struct mip6sec_net *mn, const u8 *nai, u8 nai_len,
		   const u32 *spi, struct netlink_ext_ack *extack)
{
	struct mip6sec_sa_table *t = &mn->sa;
	u64 ids[MIP6SEC_SA_PER_NAI];
	struct mip6sec_sa *sa, *tmp;
	struct mip6sec_nai *n;
	int count = 0;

	mutex_lock(&t->lock);
	n = nai_lookup_locked(mn, nai, nai_len);
	if (!n) {
		mutex_unlock(&t->lock);
		NL_SET_ERR_MSG(extack, "no SA for this NAI");
		return -ENOENT;
	}
	list_for_each_entry_safe(sa, tmp, &n->sas, node) {
		if (spi && sa->spi != *spi)
			continue;
		mip6sec_notify_sa(mn, MIP6SEC_CMD_SA_DEL_NTF, sa, GFP_KERNEL);
		ids[count++] = sa->id;
		if (sa_unlink(t, sa))
			break;
	}
	mutex_unlock(&t->lock);

	if (!count) {
		NL_SET_ERR_MSG(extack, "no SA with this NAI and SPI");
		return -ENOENT;
	}
	sa_removed(mn, ids, count);
	return 0;
}

/* Removes a batch of expired SAs; returns how many. */
static int sa_expire_batch(struct mip6sec_net *mn, u64 *ids, int max)
{
	struct mip6sec_sa_table *t = &mn->sa;
	struct mip6sec_nai *n, *ntmp;
	struct mip6sec_sa *sa, *tmp;
	int count = 0;

	mutex_lock(&t->lock);
	list_for_each_entry_safe(n, ntmp, &t->list, list) {
		list_for_each_entry_safe(sa, tmp, &n->sas, node) {
			if (!sa_expired(sa))
				continue;
			local_bh_disable();	/* counters are per CPU */
			mip6sec_stat_inc(mn, MIP6SEC_STAT_SA_EXPIRED);
			local_bh_enable();
			mip6sec_notify_sa(mn, MIP6SEC_CMD_SA_EXPIRED_NTF, sa,
					  GFP_KERNEL);
			ids[count++] = sa->id;
			if (sa_unlink(t, sa) || count == max)
				break;
		}
		if (count == max)
			break;
	}
	if (count < max)
		sa_schedule_locked(t);
	mutex_unlock(&t->lock);
	return count;
}

static void sa_expiry_work(struct work_struct *work)
{
	struct mip6sec_sa_table *t = container_of(to_delayed_work(work),
						  struct mip6sec_sa_table,
						  expiry);
	struct mip6sec_net *mn = container_of(t, struct mip6sec_net, sa);
	u64 ids[MIP6SEC_SA_PER_NAI];
	int n;

	do {
		n = sa_expire_batch(mn, ids, ARRAY_SIZE(ids));
		sa_removed(mn, ids, n);
	} while (n == ARRAY_SIZE(ids));
}

/* No request can arm the expiry work any more. */
void mip6sec_sa_stop(struct mip6sec_net *mn)
{
	cancel_delayed_work_sync(&mn->sa.expiry);
}

/* Frees every SA, without notifications: the namespace is going. */
void mip6sec_sa_destroy(struct mip6sec_net *mn)
{
	struct mip6sec_sa_table *t = &mn->sa;
	struct mip6sec_nai *n, *ntmp;
	struct mip6sec_sa *sa, *tmp;

	mutex_lock(&t->lock);
	list_for_each_entry_safe(n, ntmp, &t->list, list) {
		list_for_each_entry_safe(sa, tmp, &n->sas, node)
			if (sa_unlink(t, sa))
				break;
	}
	mutex_unlock(&t->lock);
	rhltable_destroy(&t->homes);
	rhashtable_destroy(&t->ht);
}

/*
 * Pull model: a message named an NAI this node has no key for. Tell an
 * AAA client (key-request-ntf), at most once per keyreq_ratelimit_ms and
 * hash bucket of NAIs. Any context.
 */
void mip6sec_key_request(struct mip6sec_net *mn, const u8 *nai, u8 nai_len,
			 u32 spi, u8 use, const struct in6_addr *ha,
			 const struct in6_addr *hoa,
			 const struct in6_addr *coa)
{
	unsigned int ms = READ_ONCE(mip6sec_keyreq_ratelimit_ms);
	struct mip6sec_event e = {
		.nai = nai,
		.nai_len = nai_len,
		.spi = spi,
		.use = use,
		.ha = ha,
		.hoa = hoa,
		.coa = coa,
	};
	unsigned long now = jiffies, last, *slot;

	/* An NAI longer than any SA's can never be provided. */
	if (nai_len > MIP6SEC_NAI_MAX)
		return;
	if (ms) {
		slot = &mn->keyreq_last[siphash(nai, nai_len, &mn->be_key) %
					MIP6SEC_BE_BUCKETS];
		last = READ_ONCE(*slot);
		if (time_before(now, last + msecs_to_jiffies(ms)) ||
		    cmpxchg(slot, last, now) != last) {
			mip6sec_stat_inc(mn,
					 MIP6SEC_STAT_KEY_REQUEST_RATELIMITED);
			return;
		}
	}
	mip6sec_stat_inc(mn, MIP6SEC_STAT_KEY_REQUEST);
	mip6sec_notify_key_request(mn, &e);
}

void mip6sec_sa_exhausted(struct mip6sec_sa *sa)
{
	pr_warn_ratelimited("SA %u of NAI %*pE has advanced its sequence number by more than 32768: old messages could be replayed, replace the key\n",
			    sa->spi, sa->nai->len, sa->nai->id);
}

/*
 * An SA way (ha.c, fbu.c) authenticated @bu with @sa: every answer from
 * here on carries an MN-HA option keyed with it (the home agent may name
 * another MN-HA SA of the mobile node for it, RFC 4285 5.2); the SA's
 * lock serialises its replay state and the change, and its lifetime caps
 * the one granted.
 */
void mip6sec_sa_bu_key(struct mip6sec_bu *bu, struct mip6sec_sa *sa)
{
	atomic64_inc(&sa->uses);
	bu->sa = sa;
	bu->ack.sa = sa;
	bu->ack.auth_coa = &bu->coa;
	bu->ack.auth_hoa = bu->hoa;
	bu->lock = &sa->lock;
	bu->key_id = sa->id;
	bu->spi = sa->spi;
	bu->max_lifetime = READ_ONCE(mip6sec_max_lifetime);
	if (sa->expires)
		bu->max_lifetime = min(bu->max_lifetime,
				       mip6sec_sa_lifetime(sa));
}

/* The done step of the SA ways (ha.c, fbu.c): after the SA's lock. */
void mip6sec_sa_bu_done(struct mip6sec_net *mn, struct mip6sec_bu *bu)
{
	if (bu->exhausted)
		mip6sec_sa_exhausted(bu->sa);
}

/*
 * Verify the RFC 4285 authentication option at @auth_off of @m with @sa,
 * over coa | hoa | MH up to the SPI, compared in constant time:
 *   MN-HA (5.1):  First(96, HMAC-SHA1(key, Mobility Data)), 12 octets;
 *   MN-AAA (5.2): HMAC-SHA1(key, SHA1(Mobility Data)), 20 octets, the
 *                 hash_fn of HMAC_SHA1_SPI (the only one implemented, for
 *                 every SPI of an mn-aaa SA).
 * Any context.
 */
bool mip6sec_sa_verify(const struct mip6sec_sa *sa, const struct mh_msg *m,
		       const u8 *mh, u16 auth_off, const struct in6_addr *coa,
		       const struct in6_addr *hoa)
{
	struct mh_seg seg[MH_AUTH_SEGS];
	u8 mac[SHA1_DIGEST_SIZE];
	unsigned int len;
	bool aaa, ok;
	int n, err;

	aaa = auth_off != m->auth_mnha;
	len = aaa ? m->mnaaa_data_len : m->mnha_data_len;
	if (len != (aaa ? SHA1_DIGEST_SIZE : MIP6SEC_AUTH_LEN))
		return false;
	n = mh_auth_input(m, mh, auth_off, coa->s6_addr, hoa->s6_addr, seg);
	if (n < 0)
		return false;
	if (aaa)
		err = mip6sec_hmac_sha1_aaa(&sa->hmac, seg, n, mac);
	else
		err = mip6sec_hmac_sha1_96(&sa->hmac, seg, n, mac);
	ok = !err && mip6sec_mac_equal(mac, mh + MH_AUTH_DATA_OFF(auth_off),
				       len);
	memzero_explicit(mac, sizeof(mac));
	return ok;
}
