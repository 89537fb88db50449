// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec: preconfigured Binding Management Keys (draft-ietf-mip6-precfgKbm).
 *
 * One Kbm per home address and network namespace. Lookups on the packet
 * path are RCU reads of an rhashtable (random hash seed per table, rehashed
 * when chains grow, so remote peers cannot force collisions). Writers hold
 * the table mutex. Key bytes are wiped when an entry is freed.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "mip6sec.h"

static const struct rhashtable_params kbm_params = {
	.head_offset = offsetof(struct mip6sec_kbm, node),
	.key_offset = offsetof(struct mip6sec_kbm, hoa),
	.key_len = sizeof(struct in6_addr),
	.automatic_shrinking = true,
};

int mip6sec_kbm_init(struct mip6sec_kbm_table *t)
{
	INIT_LIST_HEAD(&t->list);
	mutex_init(&t->lock);
	t->genid = 1;
	return rhashtable_init(&t->ht, &kbm_params);
}

static void kbm_free_rcu(struct rcu_head *head)
{
	struct mip6sec_kbm *kbm = container_of(head, struct mip6sec_kbm, rcu);

	kfree_sensitive(kbm);
}

static void kbm_unlink(struct mip6sec_kbm_table *t, struct mip6sec_kbm *kbm)
{
	lockdep_assert_held(&t->lock);
	rhashtable_remove_fast(&t->ht, &kbm->node, kbm_params);
	list_del_rcu(&kbm->list);
	t->genid++;
	call_rcu(&kbm->rcu, kbm_free_rcu);
}

void mip6sec_kbm_destroy(struct mip6sec_kbm_table *t)
{
	struct mip6sec_kbm *kbm, *tmp;

	mutex_lock(&t->lock);
	list_for_each_entry_safe(kbm, tmp, &t->list, list)
		kbm_unlink(t, kbm);
	mutex_unlock(&t->lock);
	rhashtable_destroy(&t->ht);
}

struct mip6sec_kbm *mip6sec_kbm_lookup_rcu(struct mip6sec_net *mn,
					   const struct in6_addr *hoa)
{
	return rhashtable_lookup(&mn->kbm.ht, hoa, kbm_params);
}

struct mip6sec_kbm *mip6sec_kbm_lookup_locked(struct mip6sec_kbm_table *t,
					      const struct in6_addr *hoa)
{
	lockdep_assert_held(&t->lock);
	return rhashtable_lookup_fast(&t->ht, hoa, kbm_params);
}

int mip6sec_kbm_add(struct mip6sec_net *mn, const struct in6_addr *hoa,
		    const struct in6_addr *cn, const u8 *key,
		    struct netlink_ext_ack *extack)
{
	struct mip6sec_kbm_table *t = &mn->kbm;
	struct mip6sec_kbm *kbm;
	int err;

	kbm = kzalloc(sizeof(*kbm), GFP_KERNEL);
	if (!kbm)
		return -ENOMEM;
	kbm->hoa = *hoa;
	kbm->cn = *cn;
	memcpy(kbm->key, key, sizeof(kbm->key));
	spin_lock_init(&kbm->lock);
	atomic64_set(&kbm->uses, 0);

	mutex_lock(&t->lock);
	err = rhashtable_lookup_insert_fast(&t->ht, &kbm->node, kbm_params);
	if (err) {
		mutex_unlock(&t->lock);
		kfree_sensitive(kbm);
		if (err == -EEXIST)
			NL_SET_ERR_MSG(extack,
				       "a Kbm for this home address exists (delete it first)");
		return err;
	}
	list_add_tail_rcu(&kbm->list, &t->list);
	t->genid++;
	mip6sec_notify_kbm(mn, MIP6SEC_CMD_KBM_NEW_NTF, kbm, GFP_KERNEL);
	mutex_unlock(&t->lock);
	return 0;
}

int mip6sec_kbm_del(struct mip6sec_net *mn, const struct in6_addr *hoa,
		    struct netlink_ext_ack *extack)
{
	struct mip6sec_kbm_table *t = &mn->kbm;
	struct mip6sec_kbm *kbm;

	mutex_lock(&t->lock);
	kbm = mip6sec_kbm_lookup_locked(t, hoa);
	if (!kbm) {
		mutex_unlock(&t->lock);
		NL_SET_ERR_MSG(extack, "no Kbm for this home address");
		return -ENOENT;
	}
	mip6sec_notify_kbm(mn, MIP6SEC_CMD_KBM_DEL_NTF, kbm, GFP_KERNEL);
	kbm_unlink(t, kbm);
	mutex_unlock(&t->lock);
	return 0;
}
