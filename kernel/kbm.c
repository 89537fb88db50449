// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec: preconfigured Binding Management Keys (draft-ietf-mip6-precfgKbm).
 *
 * One Kbm per home address and network namespace. Lookups on the packet
 * path are RCU reads of an rhashtable (random hash seed per table, rehashed
 * when chains grow, so remote peers cannot force collisions). Writers hold
 * the table mutex. The key lives only in the entry's keyed HMAC transform,
 * which is freed (and wiped) in process context after an RCU grace period.
 *
 * Replay protection (RFC 6275 9.5.1, draft-ietf-mip6-precfgKbm 1): the last
 * accepted sequence number is kept per key, and a Binding Update is
 * accepted only with a number newer modulo 2^16, (s16)(seq - last) > 0.
 * That comparison has a blind spot: once the numbers accepted have
 * advanced by more than 2^15 since a BU was captured, the captured BU
 * looks newer again. So a key is "exhausted" as soon as its numbers have
 * advanced by more than 2^15 since the first one accepted: the module
 * announces kbm-exhausted-ntf once, logs a warning, and keeps or refuses
 * the key as the kbm_wrap parameter says (the draft: the key SHOULD be
 * replaced when the sequence number rolls over).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "mip6sec.h"
#include "mh.h"

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

static void kbm_free(struct mip6sec_kbm *kbm)
{
	mip6sec_hmac_destroy(&kbm->hmac);
	kfree_sensitive(kbm);
}

static void kbm_free_work(struct work_struct *work)
{
	kbm_free(container_of(to_rcu_work(work), struct mip6sec_kbm,
			      free_work));
}

static void kbm_unlink(struct mip6sec_kbm_table *t, struct mip6sec_kbm *kbm)
{
	lockdep_assert_held(&t->lock);
	rhashtable_remove_fast(&t->ht, &kbm->node, kbm_params);
	list_del_rcu(&kbm->list);
	t->genid++;
	INIT_RCU_WORK(&kbm->free_work, kbm_free_work);
	queue_rcu_work(mip6sec_wq, &kbm->free_work);
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

	kbm = kzalloc(sizeof(*kbm), GFP_KERNEL_ACCOUNT);
	if (!kbm)
		return -ENOMEM;
	kbm->hoa = *hoa;
	kbm->cn = *cn;
	spin_lock_init(&kbm->lock);
	atomic64_set(&kbm->uses, 0);
	err = mip6sec_hmac_init(&kbm->hmac, key, MIP6SEC_KBM_LEN);
	if (err) {
		kfree(kbm);
		NL_SET_ERR_MSG(extack, "cannot set up hmac(sha1) for the key");
		return err;
	}

	mutex_lock(&t->lock);
	kbm->id = mip6sec_new_key_id(mn);
	err = rhashtable_lookup_insert_fast(&t->ht, &kbm->node, kbm_params);
	if (err) {
		mutex_unlock(&t->lock);
		kbm_free(kbm);
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
	u64 id;

	mutex_lock(&t->lock);
	kbm = mip6sec_kbm_lookup_locked(t, hoa);
	if (!kbm) {
		mutex_unlock(&t->lock);
		NL_SET_ERR_MSG(extack, "no Kbm for this home address");
		return -ENOENT;
	}
	id = kbm->id;
	mip6sec_notify_kbm(mn, MIP6SEC_CMD_KBM_DEL_NTF, kbm, GFP_KERNEL);
	kbm_unlink(t, kbm);
	mutex_unlock(&t->lock);
	/*
	 * After a grace period no BU verified with the key is in flight;
	 * then its bindings go (not those of a key added since).
	 */
	synchronize_rcu();
	mip6sec_bcache_key_removed(mn, hoa, id);
	return 0;
}

/*
 * Accept @seq if it is newer than the last accepted number and make it the
 * last one. On MIP6SEC_SEQ_OLD, *last is the number for the BA (status
 * 135). *exhausted_now is set once, when the key becomes exhausted: the
 * caller then reports it without the lock. Caller holds the lock of the
 * key that owns @s.
 */
enum mip6sec_seq_verdict mip6sec_seq_check(struct mip6sec_seq *s, u16 seq,
					   u16 *last, bool *exhausted_now)
{
	*exhausted_now = false;
	if (s->valid && (s16)(seq - s->last) <= 0) {
		*last = s->last;
		return MIP6SEC_SEQ_OLD;
	}
	if (s->exhausted &&
	    READ_ONCE(mip6sec_kbm_wrap) == MIP6SEC_KBM_WRAP_REFUSE)
		return MIP6SEC_SEQ_REFUSED;

	if (s->valid && !s->exhausted) {
		s->advance += (u16)(seq - s->last);
		if (s->advance > 1U << 15) {
			s->exhausted = true;
			*exhausted_now = true;
		}
	}
	s->last = seq;
	s->valid = true;
	return MIP6SEC_SEQ_OK;
}

void mip6sec_kbm_exhausted(struct mip6sec_net *mn, struct mip6sec_kbm *kbm)
{
	pr_warn("Kbm of home address %pI6c has advanced its sequence number by more than 32768: old Binding Updates could be replayed, replace the key\n",
		&kbm->hoa);
	mip6sec_notify_kbm(mn, MIP6SEC_CMD_KBM_EXHAUSTED_NTF, kbm, GFP_ATOMIC);
}

/*
 * The preconfigured-Kbm way of the Binding Update pipeline
 * (draft-ietf-mip6-precfgKbm, RFC 6275 9.5.1): a BU (H = 0) for a home
 * address with a Kbm must carry Binding Authorization Data computed with
 * it; Nonce Indices are ignored. Its sequence numbers are the key's, under
 * the key's lock.
 */
static enum mip6sec_step kbm_verify(struct mip6sec_net *mn,
				    struct mip6sec_bu *bu)
{
	struct mip6sec_kbm *kbm = bu->kbm;

	if (!bu->m->bad || !mip6sec_bu_bad_ok(bu, &kbm->hmac)) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_AUTH_FAIL);
		net_info_ratelimited("Binding Update for home address %pI6c from %pI6c: %s\n",
				     bu->hoa, &bu->p->src, bu->m->bad ?
				     "authenticator mismatch" :
				     "no Binding Authorization Data");
		return MIP6SEC_STEP_DROP;
	}
	atomic64_inc(&kbm->uses);
	/* Authenticated: every answer from here on carries a BAD. */
	bu->ack.bad = &kbm->hmac;
	bu->ack.auth_coa = bu->dereg ? bu->hoa : &bu->coa;
	bu->lock = &kbm->lock;
	bu->key_id = kbm->id;
	bu->max_lifetime = READ_ONCE(mip6sec_max_lifetime);
	return MIP6SEC_STEP_OK;
}

static enum mip6sec_step kbm_authorise(struct mip6sec_net *mn,
				       struct mip6sec_bu *bu)
{
	if (!mip6sec_ipsec_overrides_kbm(mn, bu->hoa, bu->cn))
		return MIP6SEC_STEP_OK;
	mip6sec_stat_inc(mn, MIP6SEC_STAT_BU_REFUSED);
	net_info_ratelimited("Binding Update for home address %pI6c: authorised by IPsec only (kbm_and_ipsec=ipsec)\n",
			     bu->hoa);
	bu->ack.status = MH_BA_PROHIBITED;
	return MIP6SEC_STEP_REPLY;
}

static u8 kbm_replay(struct mip6sec_net *mn, struct mip6sec_bu *bu)
{
	lockdep_assert_held(&bu->kbm->lock);
	return mip6sec_bu_seq_check(mn, bu, &bu->kbm->seq);
}

static void kbm_done(struct mip6sec_net *mn, struct mip6sec_bu *bu)
{
	if (bu->exhausted)
		mip6sec_kbm_exhausted(mn, bu->kbm);
}

const struct mip6sec_way mip6sec_way_kbm = {
	.auth = MIP6SEC_AUTH_KBM,
	.verify = kbm_verify,
	.authorise = kbm_authorise,
	.replay = kbm_replay,
	.done = kbm_done,
};
