/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mip6sec: internal declarations shared by the module's files.
 */
#ifndef _MIP6SEC_H
#define _MIP6SEC_H

#include <crypto/sha1.h>
#include <linux/atomic.h>
#include <linux/types.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rhashtable-types.h>
#include <linux/seqlock.h>
#include <linux/spinlock.h>
#include <linux/u64_stats_sync.h>
#include <linux/siphash.h>
#include <linux/workqueue.h>
#include <net/ipv6.h>
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

enum mip6sec_bu_nokey_policy {
	MIP6SEC_BU_NOKEY_PASS,		/* leave it to a userspace daemon */
	MIP6SEC_BU_NOKEY_DROP,
};

enum mip6sec_kbm_wrap_policy {
	MIP6SEC_KBM_WRAP_ALLOW,		/* notify, keep using the key */
	MIP6SEC_KBM_WRAP_REFUSE,	/* notify, refuse further BUs */
};

/* rr: who answers return routability (enum mip6sec_rr_mode, uapi). */

/* A home address with both a Kbm and a suitable IPsec SA. */
enum mip6sec_kbm_and_ipsec_policy {
	MIP6SEC_KBM_AND_IPSEC_EITHER,	/* both authorise it */
	MIP6SEC_KBM_AND_IPSEC_KBM,	/* only the Kbm */
	MIP6SEC_KBM_AND_IPSEC_IPSEC,	/* only the SA */
};

extern int mip6sec_hao_policy;
extern unsigned int mip6sec_max_bindings;
extern unsigned int mip6sec_be_ratelimit_ms;
extern unsigned int mip6sec_max_lifetime;
extern int mip6sec_bu_nokey;
extern int mip6sec_kbm_wrap;
extern unsigned int mip6sec_replay_window_s;
extern unsigned int mip6sec_keyreq_ratelimit_ms;
extern int mip6sec_kbm_and_ipsec;
extern unsigned int mip6sec_ipsec_max_lifetime;
extern int mip6sec_coa_test;
extern unsigned int mip6sec_cookie_ba_status;
extern unsigned int mip6sec_cookie_opt_type;
extern unsigned int mip6sec_cookie_window_s;
extern unsigned int mip6sec_cookie_secret_period_s;
extern int mip6sec_rr;
extern unsigned int mip6sec_rr_nonce_lifetime_s;
extern unsigned int mip6sec_rr_ratelimit;

/* Work items that must be done with before the module goes away. */
extern struct workqueue_struct *mip6sec_wq;

/* HMAC-SHA1-96 (hmac.c): a keyed transform per key. */
#define MIP6SEC_AUTH_LEN	12

/*
 * A key: its own keyed transform (provisioned keys), or, for a key that
 * lives only while one message is processed (return routability's Kbm),
 * its bytes on the stack and a per-CPU transform keyed for each use.
 */
struct mip6sec_hmac {
	struct crypto_shash *tfm;
	const u8 *key;			/* without tfm: SHA1_DIGEST_SIZE octets */
};

struct mh_seg;

struct mip6sec_pcpu_stats {
	u64_stats_t cnt[__MIP6SEC_STAT_MAX];
	struct u64_stats_sync syncp;
};

/*
 * Replay state of a key whose Binding Updates are numbered (RFC 6275
 * 9.5.1): see mip6sec_seq_check(). Under the owner's lock.
 */
struct mip6sec_seq {
	u16 last;
	bool valid;
	bool exhausted;
	u32 advance;			/* numbers advanced since the first */
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
	struct mip6sec_hmac hmac;	/* holds the key; no other copy */
	u64 id;				/* unique per namespace, never reused */
	/*
	 * Serialises the Binding Updates verified with this key: the replay
	 * state below and the binding cache change they make.
	 */
	spinlock_t lock;
	struct mip6sec_seq seq;
	atomic64_t uses;
	struct rcu_work free_work;
};

struct mip6sec_kbm_table {
	struct rhashtable ht;
	struct list_head list;
	struct mutex lock;		/* serialises writers and dumps */
	unsigned int genid;		/* bumped on change, for NLM_F_DUMP_INTR */
};

/*
 * What a home agent SA may register: one home address (len 128) or the
 * addresses of a home prefix. The hash key of mip6sec_sa_table.homes: the
 * address, bits past len zero, and len.
 */
struct mip6sec_home {
	struct in6_addr addr;
	u8 len;				/* 0: none (use fbu) */
};

#define MIP6SEC_HOME_KEY_LEN	offsetofend(struct mip6sec_home, len)

/*
 * A mobility security association (RFC 4285 5): a key that authenticates
 * the messages of one mobile node, named by its NAI and a Mobility SPI,
 * for one use. Looked up by (NAI, SPI) under RCU, never by SPI alone;
 * created and destroyed under mip6sec_sa_table.lock. The key lives only in
 * the keyed transform.
 */
struct mip6sec_sa {
	struct list_head node;		/* in its mip6sec_nai, RCU */
	struct rhlist_head home_node;	/* in mip6sec_sa_table.homes, if home.len */
	struct mip6sec_nai *nai;
	u32 spi;
	u8 use;				/* enum mip6sec_sa_use */
	u8 replay;			/* enum mip6sec_replay */
	bool has_name;
	bool home_prefix;		/* home given as a prefix, not an address */
	u8 key_name[MIP6SEC_KEY_NAME_LEN];
	struct mip6sec_home home;	/* what it may register (mn-ha, mn-aaa) */
	unsigned long expires;		/* jiffies; 0: no lifetime */
	struct mip6sec_hmac hmac;
	u64 id;				/* unique per namespace, never reused */
	spinlock_t lock;		/* replay state + binding cache change */
	struct mip6sec_seq seq;
	u64 last_ts;			/* NTP 32.32, MIP6SEC_REPLAY_TIMESTAMP */
	bool ts_valid;
	atomic64_t uses;
	struct rcu_work free_work;
};

/* The SAs of one NAI. Lives while it has SAs. */
struct mip6sec_nai {
	struct rhash_head rnode;
	struct list_head list;		/* table order, for dumps */
	struct list_head sas;		/* struct mip6sec_sa, RCU */
	struct rcu_head rcu;
	u8 len;
	u8 id[MIP6SEC_NAI_MAX];
};

/* Home prefix lengths 1 to 128 (0: none). */
#define MIP6SEC_HOME_LENS	129

struct mip6sec_sa_table {
	struct rhashtable ht;		/* struct mip6sec_nai by identifier */
	struct rhltable homes;		/* home agent SAs by struct mip6sec_home */
	/* the lengths homes holds, for longest prefix first lookups */
	DECLARE_BITMAP(home_lens, MIP6SEC_HOME_LENS);
	unsigned int home_len_count[MIP6SEC_HOME_LENS];	/* under lock */
	struct list_head list;
	struct mutex lock;		/* serialises writers and dumps */
	unsigned int genid;
	struct delayed_work expiry;	/* removes SAs past their lifetime */
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
	u64 key_id;			/* the key that authorised it */
	struct mip6sec_binding *reap_next; /* private list, once unlinked */
	u32 spi;			/* auth mn-ha: the SA's */
	u16 seq;
	u8 auth;			/* enum mip6sec_auth */
	bool dead;			/* unlinked; under mip6sec_bcache.lock */
	struct rcu_head rcu;
	u8 nai_len;			/* auth mn-ha: the mobile node's NAI */
	bool disabled;			/* care-of address test under way */
	u8 nai[];
};

struct mip6sec_bcache {
	struct rhashtable ht;
	struct list_head list;
	spinlock_t lock;		/* writers; readers use RCU */
	unsigned int count;
	unsigned int genid;
	struct delayed_work gc;
};

/*
 * Rate limits without allocation: one timestamp per hash bucket of
 * destinations (error replies) or of NAIs (key requests).
 */
#define MIP6SEC_BE_BUCKETS	256

/*
 * Return routability (rr.c, RFC 6275 5.2): the node key Kcn and a ring of
 * nonces. Readers (the packet path) take no lock: they copy a nonce under
 * the seqlock's read side and retry if a writer ran. A new nonce is made
 * by the first Home or Care-of Test Init that finds the newest one older
 * than a period; a nonce is acceptable for rr_nonce_lifetime_s.
 */
#define MIP6SEC_RR_NONCES	16	/* > MAX_NONCE_LIFETIME / period */

struct mip6sec_nonce {
	u8 nonce[8];			/* RFC 6275 5.2.2: 64 bits */
	unsigned long born;		/* jiffies */
	u16 index;
	bool valid;
};

struct mip6sec_rr_rate {
	unsigned long start;		/* jiffies: this second's window */
	atomic_t count;			/* replies sent in it */
};

struct mip6sec_rr {
	struct mip6sec_hmac kcn;	/* holds Kcn; no other copy */
	unsigned long kcn_born;		/* jiffies */
	seqlock_t lock;			/* writers of the nonce ring */
	struct mip6sec_nonce nonces[MIP6SEC_RR_NONCES];	/* by index */
	u16 newest;			/* index of the newest nonce */
	struct mip6sec_rr_rate rate[MIP6SEC_BE_BUCKETS]; /* by source /64 */
};

/* Care-of address test secrets (ipsec.c): RCU, written by rotate only. */
struct mip6sec_cookie_secret;

struct mip6sec_cookie {
	struct mip6sec_cookie_secret __rcu *cur;
	struct mip6sec_cookie_secret __rcu *prev;
	struct delayed_work rotate;
};

struct mip6sec_net {
	struct net *net;
	siphash_key_t be_key;
	unsigned long be_last[MIP6SEC_BE_BUCKETS];
	unsigned long keyreq_last[MIP6SEC_BE_BUCKETS];
	atomic64_t next_key_id;		/* Kbm and SA ids share one space */
	struct mip6sec_pcpu_stats __percpu *stats;
	struct mutex stats_lock;	/* protects stats_base */
	u64 stats_base[__MIP6SEC_STAT_MAX];
	struct mip6sec_kbm_table kbm;
	struct mip6sec_sa_table sa;
	struct mip6sec_bcache bcache;
	struct mip6sec_cookie cookie;
	struct mip6sec_rr rr;
};

extern unsigned int mip6sec_net_id;

static inline struct mip6sec_net *mip6sec_pernet(const struct net *net)
{
	return net_generic(net, mip6sec_net_id);
}

/*
 * Unicast and of global scope (RFC 6275 9.3.1, 9.5.1): not multicast,
 * link- or site-local, v4-mapped, nor in ::/96 (unspecified, loopback,
 * deprecated v4-compatible).
 */
static inline bool mip6sec_addr_global(const struct in6_addr *a)
{
	int type = ipv6_addr_type(a);

	if (!a->s6_addr32[0] && !a->s6_addr32[1] && !a->s6_addr32[2])
		return false;
	return (type & IPV6_ADDR_UNICAST) &&
	       !(type & (IPV6_ADDR_LINKLOCAL | IPV6_ADDR_SITELOCAL |
			 IPV6_ADDR_MAPPED));
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

enum mip6sec_seq_verdict {
	MIP6SEC_SEQ_OK,
	MIP6SEC_SEQ_OLD,		/* not newer than the last accepted */
	MIP6SEC_SEQ_REFUSED,		/* key exhausted, operator refuses */
};

enum mip6sec_seq_verdict mip6sec_seq_check(struct mip6sec_seq *s, u16 seq,
					   u16 *last, bool *exhausted_now);
void mip6sec_kbm_exhausted(struct mip6sec_net *mn, struct mip6sec_kbm *kbm);

static inline u64 mip6sec_new_key_id(struct mip6sec_net *mn)
{
	return atomic64_inc_return(&mn->next_key_id);
}

/* sa.c */
struct mip6sec_sa_params {
	const u8 *nai;
	u8 nai_len;
	u32 spi;
	u8 use;
	u8 replay;
	const u8 *key;
	unsigned int key_len;
	const u8 *key_name;		/* NULL: none */
	struct mip6sec_home home;	/* mn-ha, mn-aaa: what it may register */
	bool home_prefix;		/* given as a prefix */
	u32 lifetime;			/* seconds, 0: none */
};

int mip6sec_sa_init(struct mip6sec_net *mn);
void mip6sec_sa_stop(struct mip6sec_net *mn);
void mip6sec_sa_destroy(struct mip6sec_net *mn);
int mip6sec_sa_add(struct mip6sec_net *mn, const struct mip6sec_sa_params *sp,
		   struct netlink_ext_ack *extack);
int mip6sec_sa_del(struct mip6sec_net *mn, const u8 *nai, u8 nai_len,
		   const u32 *spi, struct netlink_ext_ack *extack);
struct mip6sec_nai *mip6sec_nai_lookup(struct mip6sec_net *mn, const u8 *nai,
				       unsigned int len);
struct mip6sec_sa *mip6sec_sa_find(const struct mip6sec_nai *n, u32 spi);
struct mip6sec_sa *mip6sec_sa_get(const struct mip6sec_nai *n, u32 spi, u8 use);
struct mip6sec_sa *mip6sec_sa_mnha(const struct mip6sec_nai *n);
struct mip6sec_sa *mip6sec_sa_lookup(struct mip6sec_net *mn, const u8 *nai,
				     unsigned int nai_len, u32 spi, u8 use,
				     bool *nai_known);
u8 mip6sec_sa_home_check(struct mip6sec_net *mn, const struct mip6sec_sa *sa,
			 const struct in6_addr *hoa);
bool mip6sec_sa_hoa_bound(struct mip6sec_net *mn, const struct in6_addr *hoa);
u32 mip6sec_sa_lifetime(const struct mip6sec_sa *sa);
void mip6sec_key_request(struct mip6sec_net *mn, const u8 *nai, u8 nai_len,
			 u32 spi, u8 use, const struct in6_addr *ha,
			 const struct in6_addr *hoa,
			 const struct in6_addr *coa);
void mip6sec_sa_exhausted(struct mip6sec_sa *sa);
struct mh_msg;
bool mip6sec_sa_verify(const struct mip6sec_sa *sa, const struct mh_msg *m,
		       const u8 *mh, u16 auth_off, const struct in6_addr *coa,
		       const struct in6_addr *hoa);

/* bcache.c */
int mip6sec_bcache_init(struct mip6sec_net *mn);
void mip6sec_bcache_stop(struct mip6sec_net *mn);
void mip6sec_bcache_destroy(struct mip6sec_net *mn);
struct mip6sec_binding *mip6sec_bcache_lookup_rcu(struct mip6sec_net *mn,
						  const struct in6_addr *hoa);
struct mip6sec_binding_req {
	const struct in6_addr *hoa;
	const struct in6_addr *coa;
	const struct in6_addr *cn;
	u64 key_id;
	u32 lifetime;			/* seconds */
	u16 seq;
	u8 auth;			/* enum mip6sec_auth */
	const u8 *nai;			/* auth mn-ha, else NULL */
	u8 nai_len;
	u32 spi;
	bool dereg;			/* remove the entry instead */
	u16 *last_seq;			/* non-NULL: refuse a sequence number
					 * not newer than the entry's
					 */
};

int mip6sec_bcache_update(struct mip6sec_net *mn,
			  const struct mip6sec_binding_req *req);
int mip6sec_bcache_del(struct mip6sec_net *mn, const struct in6_addr *hoa,
		       enum mip6sec_del_reason reason);
void mip6sec_bcache_key_removed(struct mip6sec_net *mn,
				const struct in6_addr *hoa, u64 key_id);
void mip6sec_bcache_sa_removed(struct mip6sec_net *mn, u64 key_id);
void mip6sec_bcache_disable(struct mip6sec_net *mn, const struct in6_addr *hoa,
			    u8 auth);
void mip6sec_bcache_flush(struct mip6sec_net *mn,
			  enum mip6sec_del_reason reason);
u32 mip6sec_binding_lifetime(const struct mip6sec_binding *b);

/* hmac.c */
int mip6sec_hmac_init(struct mip6sec_hmac *h, const u8 *key, unsigned int len);
void mip6sec_hmac_destroy(struct mip6sec_hmac *h);
int mip6sec_hmac_sha1(const struct mip6sec_hmac *h, const struct mh_seg *seg,
		      int n, u8 *out, unsigned int len);
int mip6sec_hmac_sha1_96(const struct mip6sec_hmac *h,
			 const struct mh_seg *seg, int n,
			 u8 out[MIP6SEC_AUTH_LEN]);
int mip6sec_sha1(const struct mh_seg *seg, int n, u8 *out);

/* A key whose @key octets (SHA1_DIGEST_SIZE) outlive every use of @h. */
static inline void mip6sec_hmac_onstack(struct mip6sec_hmac *h, const u8 *key)
{
	h->tfm = NULL;
	h->key = key;
}

/* RFC 4285 5.2: the MN-AAA hash, HMAC over SHA1 of the input. */
int mip6sec_hmac_sha1_aaa(const struct mip6sec_hmac *h,
			  const struct mh_seg *seg, int n,
			  u8 out[SHA1_DIGEST_SIZE]);
bool mip6sec_mac_equal(const u8 *a, const u8 *b, unsigned int len);
bool mip6sec_auth_equal(const u8 *a, const u8 *b);
int mip6sec_hmac_selftest(void);
int mip6sec_hmac_module_init(void);
void mip6sec_hmac_module_exit(void);

/*
 * reply.c: the one builder of acknowledgments, a Binding Acknowledgment
 * (RFC 6275 6.1.8) or FBack (RFC 5568 6.2.3). Its options come in this
 * order: Mobile Node Identifier (RFC 4283), Replay Protection (RFC 4285
 * 6), care-of address test cookie (draft-dupont-mipv6-cn-ipsec A1), and
 * last one authenticator: Binding Authorization Data (RFC 6275 6.2.7)
 * keyed with @bad, or the RFC 4285 MN-HA authentication option keyed with
 * @sa.
 */
struct mip6sec_pkt;

struct mip6sec_ack {
	const struct mip6sec_pkt *in;	/* the message answered */
	const struct in6_addr *src;	/* this node: the message's destination */
	const struct in6_addr *dst;
	const struct in6_addr *rh2;	/* type 2 Routing Header, or NULL */
	const struct in6_addr *auth_coa; /* Mobility Data: care-of address */
	const struct in6_addr *auth_hoa; /* RFC 4285: home (FBU: previous CoA) */
	const struct mip6sec_hmac *bad;	/* Binding Authorization Data key */
	const struct mip6sec_sa *sa;	/* RFC 4285 MN-HA option key */
	const u8 *nai;			/* Mobile Node Identifier, if nai_len */
	const u8 *cookie;		/* MH_COOKIE_LEN octets, or NULL */
	u64 ts;				/* with has_ts */
	u32 spi;
	u16 seq;
	u16 lifetime;			/* BA: units of 4 s; FBack: seconds */
	u8 type;			/* MH_BA or MH_FBACK */
	u8 status;
	u8 nai_len;
	u8 cookie_type;
	bool has_ts;
};

int mip6sec_send_ack(struct mip6sec_net *mn, const struct mip6sec_ack *a);
int mip6sec_mh_xmit(struct mip6sec_net *mn, const struct mip6sec_pkt *in,
		    const struct in6_addr *src, const struct in6_addr *dst,
		    const struct in6_addr *rh2, u8 *mh, unsigned int len);
bool mip6sec_reply_allowed(struct mip6sec_net *mn, const struct in6_addr *dst);
void mip6sec_be_init(struct mip6sec_net *mn);
void mip6sec_send_be(struct mip6sec_net *mn, const struct mip6sec_pkt *in,
		     const struct in6_addr *src, const struct in6_addr *dst,
		     u8 status, const struct in6_addr *hoa);
void mip6sec_pkt_origin(struct mip6sec_pkt *p, const struct sk_buff *skb);

/*
 * What the receive hook found in the extension headers of a packet.
 *
 * A Home Address option processed before decryption (hooks.c) comes back
 * with the addresses swapped: the home address is then the IPv6 source
 * and the option holds the care-of address. hoa and src are filled in
 * either way: the home address, and the address the packet came from.
 */
struct mip6sec_pkt {
	struct in6_addr hoa;		/* home address, if has_hao */
	struct in6_addr src;		/* source on the wire: the CoA */
	struct in6_addr rh2;		/* type 2 Routing Header address */
	/* offsets from skb->data, the IPv6 header at NF_INET_LOCAL_IN */
	unsigned int hao_off;		/* the option's type octet */
	unsigned int hao_hdr;		/* its Destination Options header */
	unsigned int mh_off;		/* 0: no Mobility Header */
	unsigned int ipsec_off;		/* the ESP or AH header, if ipsec */
	bool has_hao;
	bool has_rh2;
	bool ipsec;			/* ESP or AH follows */
	bool hao_done;			/* HAO processed (swapped) already */
	bool deferred;			/* by this hook, before decryption */
	u8 nexthdr;			/* ESP, AH, MH or the upper layer */
	unsigned int dsthao;		/* IP6CB()->dsthao from skb->data, or 0 */
	unsigned int marks;		/* processed HAOs seen in the HAO's or
					 * the dsthao header (see hooks.c)
					 */
	unsigned int mark_off;		/* the first one's type octet */
	unsigned int mark_hdr;		/* its header */
	/* where it came in: a reply goes out the same way (reply.c) */
	int iif;			/* the interface it arrived on */
	int l3mdev;			/* that interface's VRF, or 0 */
	u32 skb_mark;			/* skb->mark */
};

/* The home address: the Home Address option's, or the source. */
static inline const struct in6_addr *
mip6sec_pkt_hoa(const struct sk_buff *skb, const struct mip6sec_pkt *p)
{
	return p->has_hao ? &p->hoa : &ipv6_hdr(skb)->saddr;
}

/* The final destination: the home address of a type 2 Routing Header. */
static inline const struct in6_addr *
mip6sec_pkt_daddr(const struct sk_buff *skb, const struct mip6sec_pkt *p)
{
	return p->has_rh2 ? &p->rh2 : &ipv6_hdr(skb)->daddr;
}

/*
 * The care-of address a message names: its Alternate Care-of Address
 * option (RFC 6275 6.2.5; the parser checked its length) or its source.
 */
static inline void mip6sec_msg_coa(const struct mip6sec_pkt *p, const u8 *mh,
				   u16 altcoa, struct in6_addr *coa)
{
	if (altcoa)
		memcpy(coa, mh + altcoa + 2, sizeof(*coa));
	else
		*coa = p->src;
}

/* What to do with a packet after the module looked at it. */
enum mip6sec_verdict {
	MIP6SEC_PASS,			/* on to the stack, untouched */
	MIP6SEC_DROP,
	MIP6SEC_CONSUMED,		/* handled here (a BU we answered) */
};

/* ipsec.c: draft-dupont-mipv6-cn-ipsec */
struct mip6sec_ipsec_sa {		/* the state that protected a packet */
	u32 spi;
	u8 proto;			/* IPPROTO_ESP or IPPROTO_AH */
	u32 remaining;			/* seconds to hard expiry, U32_MAX: none */
};

bool mip6sec_ipsec_suitable(const struct sk_buff *skb,
			    const struct in6_addr *hoa,
			    const struct in6_addr *cn, u8 proto, int mh_type,
			    struct mip6sec_ipsec_sa *f);
int mip6sec_ipsec_esp_mode(struct net *net, const struct sk_buff *skb,
			   unsigned int esp_off);
bool mip6sec_ipsec_overrides_kbm(struct mip6sec_net *mn,
				 const struct in6_addr *hoa,
				 const struct in6_addr *cn);
bool mip6sec_ipsec_allowed(struct mip6sec_net *mn, const struct in6_addr *hoa);
bool mip6sec_ro_state(struct net *net, const struct sk_buff *skb,
		      const struct in6_addr *hoa, const struct in6_addr *coa);
int mip6sec_cookie_init(struct mip6sec_net *mn);
void mip6sec_cookie_destroy(struct mip6sec_net *mn);

/*
 * bu.c: one pipeline for every Binding Update and Fast Binding Update.
 *
 *   pick a way -> verify -> authorise -> [way's lock: replay check ->
 *   binding cache update (or commit)] -> one reply
 *
 * A way is one manner of authorising the message: a preconfigured Kbm
 * (kbm.c), return routability (rr.c), a suitable IPsec SA (ipsec.c), an
 * RFC 4285 mobility SA (ha.c) or a fast handover key (fbu.c). The
 * pipeline picks it (in that order of precedence, FBU by type); the way
 * fills in the message's key, replay state and limits, and the pipeline
 * does the rest the same way for all.
 */
enum mip6sec_step {
	MIP6SEC_STEP_OK,		/* go on */
	MIP6SEC_STEP_REPLY,		/* refused: answer with ack.status */
	MIP6SEC_STEP_DROP,		/* refused silently (counted) */
	MIP6SEC_STEP_NOKEY,		/* no key after all: bu_nokey decides */
	MIP6SEC_STEP_DONE,		/* answered by the way itself */
};

struct mip6sec_bu;

struct mip6sec_way {
	u8 auth;			/* enum mip6sec_auth of its bindings */
	bool silent;			/* refusals are never answered (FBU) */
	bool ack_to_coa;		/* an accepting BA goes to the CoA */
	enum mip6sec_stat_attrs refused; /* counts its refusals, if set */
	/* Find the key, check the authenticator: only then set a key in
	 * bu->ack, so that no reply before it carries an authenticator.
	 * Sets bu->lock, bu->key_id and bu->max_lifetime.
	 */
	enum mip6sec_step (*verify)(struct mip6sec_net *mn,
				    struct mip6sec_bu *bu);
	/* Optional: may this key register this? */
	enum mip6sec_step (*authorise)(struct mip6sec_net *mn,
				       struct mip6sec_bu *bu);
	/* Optional, under bu->lock: the way's replay check, a BA status.
	 * Without it, or when it sets bu->bind_seq, the binding's own
	 * sequence number is checked.
	 */
	u8 (*replay)(struct mip6sec_net *mn, struct mip6sec_bu *bu);
	/* Optional, under bu->lock, instead of a binding cache change. */
	u8 (*commit)(struct mip6sec_net *mn, struct mip6sec_bu *bu);
	/* Optional, once the lock is dropped; bu->ack.status is set. */
	void (*done)(struct mip6sec_net *mn, struct mip6sec_bu *bu);
};

extern const struct mip6sec_way mip6sec_way_kbm;
extern const struct mip6sec_way mip6sec_way_rr;
extern const struct mip6sec_way mip6sec_way_ipsec;
extern const struct mip6sec_way mip6sec_way_ha;
extern const struct mip6sec_way mip6sec_way_fbu;

struct mip6sec_bu {
	/* the message, filled in by the pipeline */
	const struct sk_buff *skb;
	const struct mip6sec_pkt *p;
	const struct mh_msg *m;
	const u8 *mh;
	const struct in6_addr *hoa;	/* home address (FBU: previous CoA) */
	const struct in6_addr *cn;	/* this node: where it was sent */
	struct in6_addr coa;		/* Alternate Care-of Address or source */
	bool dereg;			/* lifetime 0, or CoA == HoA */
	const struct mip6sec_way *way;

	/* the key, filled in by the way */
	union {
		struct mip6sec_kbm *kbm;
		struct mip6sec_sa *sa;
	};
	struct mip6sec_ipsec_sa ipsec;	/* the SA that protected it */
	struct mip6sec_hmac key;	/* return routability's Kbm */
	u8 rr_kbm[SHA1_DIGEST_SIZE];
	spinlock_t *lock;		/* serialises replay state + change */
	u64 key_id;			/* the binding remembers its key */
	u32 spi;			/* and its SPI (RFC 4285, IPsec) */
	u32 max_lifetime;		/* seconds */
	bool exhausted;			/* sequence numbers used up */
	bool bind_seq;			/* the binding's sequence number decides */

	/* the answer */
	struct mip6sec_ack ack;
};

enum mip6sec_verdict mip6sec_bu_rcv(struct mip6sec_net *mn,
				    const struct sk_buff *skb,
				    const struct mip6sec_pkt *p,
				    const struct mh_msg *m, const u8 *mh);
bool mip6sec_bu_bad_ok(const struct mip6sec_bu *bu,
		       const struct mip6sec_hmac *key);
void mip6sec_bu_send(struct mip6sec_net *mn, struct mip6sec_bu *bu);
u8 mip6sec_bu_seq_check(struct mip6sec_net *mn, struct mip6sec_bu *bu,
			struct mip6sec_seq *s);
void mip6sec_sa_bu_key(struct mip6sec_bu *bu, struct mip6sec_sa *sa);
void mip6sec_sa_bu_done(struct mip6sec_net *mn, struct mip6sec_bu *bu);

/* rr.c: return routability */
int mip6sec_rr_init(struct mip6sec_net *mn);
void mip6sec_rr_destroy(struct mip6sec_net *mn);
enum mip6sec_verdict mip6sec_rr_init_rcv(struct mip6sec_net *mn,
					 const struct sk_buff *skb,
					 const struct mip6sec_pkt *p,
					 const struct mh_msg *m,
					 const u8 *mh);
struct mip6sec_rr_info {
	u32 kcn_age;			/* seconds */
	unsigned int n;
	struct {
		u16 index;
		u32 age;		/* seconds */
		u32 expires;		/* seconds */
	} nonce[MIP6SEC_RR_NONCES];	/* newest first */
};

void mip6sec_rr_info(struct mip6sec_net *mn, struct mip6sec_rr_info *info);

/* hooks.c */
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
void mip6sec_notify_sa(struct mip6sec_net *mn, u8 cmd,
		       struct mip6sec_sa *sa, gfp_t gfp);
struct mip6sec_event {
	const u8 *nai;
	u8 nai_len;
	u8 use;
	u32 spi;
	const struct in6_addr *ha;
	const struct in6_addr *hoa;	/* fbu-accepted: previous CoA */
	const struct in6_addr *coa;
	u16 seq;
	u32 lifetime;			/* seconds */
};

void mip6sec_notify_key_request(struct mip6sec_net *mn,
				const struct mip6sec_event *e);
void mip6sec_notify_fbu(struct mip6sec_net *mn, const struct mip6sec_event *e);

#endif /* _MIP6SEC_H */
