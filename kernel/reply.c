// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec: Binding Acknowledgements and Binding Errors sent by the module.
 *
 * Messages are built in a small buffer, parsed back with the receive-side
 * parser (so the authenticator input is assembled by the same code for
 * both directions), authenticated, checksummed, then sent with
 * ip6_local_out(). Binding Errors are rate-limited per destination with a
 * fixed array of timestamps indexed by a keyed hash: no allocation, no
 * lock, bounded memory whatever the number of sources.
 *
 * Replies are sent from the receive softirq: the stack below
 * ip6_local_out() runs nested in it, as for ICMPv6 errors. Like those,
 * every reply goes out where the packet it answers came in: in its L3
 * domain (VRF), through its interface when an address is link-scoped,
 * with its mark when net.ipv6.fwmark_reflect asks for it. And it is never
 * sent from an address that is not one of this node's unicast addresses
 * in that domain, nor to one that is not unicast: a message sent to a
 * multicast, anycast or AnyIP address, or that names such a destination,
 * gets no answer (mh_xmit()).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ipv6.h>
#include <linux/jiffies.h>
#include <linux/netdevice.h>
#include <linux/siphash.h>
#include <linux/skbuff.h>
#include <net/addrconf.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/l3mdev.h>

#include "mip6sec.h"
#include "mh.h"

/* BA: 12 octets, PadN to 8n+2, Binding Authorization Data (RFC 6275 6.2.7) */
#define BA_LEN_AUTH	32
#define BA_LEN_NOAUTH	16
/* BA: 12 octets, cookie option at 8n+4 (its address 8-aligned), PadN */
#define BA_COOKIE_OFF	12
#define BA_LEN_COOKIE	ALIGN(BA_COOKIE_OFF + 2 + MH_COOKIE_LEN, 8)
#define BE_LEN		24
#define RH2_LEN		24

static void mh_header(u8 *mh, unsigned int len, u8 type)
{
	memset(mh, 0, len);
	mh[0] = MH_PAYLOAD_NONE;
	mh[1] = len / 8 - 1;
	mh[2] = type;
}

static void mh_set_csum(u8 *mh, unsigned int len, const struct in6_addr *src,
			const struct in6_addr *dst)
{
	u16 csum;

	mh[MH_CSUM_OFF] = 0;
	mh[MH_CSUM_OFF + 1] = 0;
	csum = mh_csum(src->s6_addr, dst->s6_addr, mh, len);
	mh[MH_CSUM_OFF] = csum >> 8;
	mh[MH_CSUM_OFF + 1] = csum & 0xff;
}

/*
 * Where @skb came in, for the replies to it (see the top): the interface
 * it arrived on (for local traffic and behind a VRF, the one its route
 * names, as icmp6_send() finds it), that interface's VRF and the mark.
 * Receive path, under RCU.
 */
void mip6sec_pkt_origin(struct mip6sec_pkt *p, const struct sk_buff *skb)
{
	const struct net_device *dev = skb->dev;

	if (dev->ifindex == LOOPBACK_IFINDEX || netif_is_l3_master(dev)) {
		const struct rt6_info *rt = skb_rt6_info(skb);

		if (rt && rt->rt6i_idev)
			dev = rt->rt6i_idev->dev;
	}
	p->iif = dev->ifindex;
	p->l3mdev = l3mdev_master_ifindex_rcu(dev);
	p->skb_mark = skb->mark;
}

/*
 * May a reply to @in go from @src to @dst (final destination @hoa)? Only
 * from a unicast address of this node, not tentative, in the L3 domain
 * of the interface @in came in on (and on that interface when
 * link-scoped), and only to unicast addresses.
 */
static bool reply_addrs_ok(struct net *net, const struct mip6sec_pkt *in,
			   const struct in6_addr *src,
			   const struct in6_addr *dst,
			   const struct in6_addr *hoa)
{
	const struct net_device *dev;
	bool ok;

	if (!(ipv6_addr_type(dst) & IPV6_ADDR_UNICAST) ||
	    (hoa && !(ipv6_addr_type(hoa) & IPV6_ADDR_UNICAST)))
		return false;
	rcu_read_lock();
	dev = dev_get_by_index_rcu(net, in->iif);
	ok = dev && ipv6_chk_addr(net, src, dev, 0);
	rcu_read_unlock();
	return ok;
}

/*
 * Send @mh from @src to @dst, with a type 2 Routing Header carrying @hoa
 * when it is not NULL, in answer to the packet @in (see the top). Returns
 * -EADDRNOTAVAIL, sending nothing, when reply_addrs_ok() refuses the
 * addresses.
 */
static int mh_xmit(struct net *net, const struct mip6sec_pkt *in,
		   const struct in6_addr *src, const struct in6_addr *dst,
		   const struct in6_addr *hoa, const u8 *mh, unsigned int len)
{
	unsigned int rhlen = hoa ? RH2_LEN : 0;
	struct flowi6 fl6 = {
		.flowi6_proto = IPPROTO_MH,
		.flowi6_mark = IP6_REPLY_MARK(net, in->skb_mark),
		.flowi6_uid = sock_net_uid(net, NULL),
		.daddr = *dst,
		.saddr = *src,
		.fl6_mh_type = mh[2],
	};
	struct dst_entry *dst_e;
	struct ipv6hdr *ip6h;
	struct sk_buff *skb;
	int hlen, err;

	if (!reply_addrs_ok(net, in, src, dst, hoa)) {
		net_dbg_ratelimited("no reply from %pI6c to %pI6c\n", src, dst);
		return -EADDRNOTAVAIL;
	}
	/*
	 * A link-scoped address ties the reply to the interface the packet
	 * came in on; any other route is looked up in its VRF.
	 */
	if (__ipv6_addr_needs_scope_id(ipv6_addr_type(dst)) ||
	    __ipv6_addr_needs_scope_id(ipv6_addr_type(src)))
		fl6.flowi6_oif = in->iif;
	else
		fl6.flowi6_oif = in->l3mdev;

	/*
	 * Through xfrm: the operator's IPsec policies apply to replies. With
	 * a type 2 Routing Header the route goes to the care-of address and
	 * the policy lookup to the home address, the final destination.
	 */
	dst_e = ip6_dst_lookup_flow(net, NULL, &fl6, hoa);
	if (IS_ERR(dst_e))
		return PTR_ERR(dst_e);

	hlen = LL_RESERVED_SPACE(dst_e->dev);
	skb = alloc_skb(hlen + sizeof(*ip6h) + rhlen + len +
			dst_e->dev->needed_tailroom, GFP_ATOMIC);
	if (!skb) {
		dst_release(dst_e);
		return -ENOMEM;
	}
	skb_reserve(skb, hlen);
	skb_dst_set(skb, dst_e);
	skb->protocol = htons(ETH_P_IPV6);
	skb->mark = fl6.flowi6_mark;

	skb_reset_network_header(skb);
	ip6h = skb_put(skb, sizeof(*ip6h));
	ip6_flow_hdr(ip6h, 0, 0);
	ip6h->payload_len = htons(rhlen + len);
	ip6h->nexthdr = hoa ? NEXTHDR_ROUTING : IPPROTO_MH;
	ip6h->hop_limit = ip6_dst_hoplimit(dst_e);
	ip6h->saddr = *src;
	ip6h->daddr = *dst;

	if (hoa) {
		struct rt2_hdr *rt2 = skb_put_zero(skb, sizeof(*rt2));

		rt2->rt_hdr.nexthdr = IPPROTO_MH;
		rt2->rt_hdr.hdrlen = (sizeof(*rt2) >> 3) - 1;
		rt2->rt_hdr.type = IPV6_SRCRT_TYPE_2;
		rt2->rt_hdr.segments_left = 1;
		rt2->addr = *hoa;
	}
	skb_put_data(skb, mh, len);

	err = ip6_local_out(net, NULL, skb);
	return net_xmit_eval(err);
}

void mip6sec_send_ba(struct mip6sec_net *mn, const struct mip6sec_ba *ba)
{
	unsigned int len = ba->key ? BA_LEN_AUTH : BA_LEN_NOAUTH;
	const struct in6_addr *rh2 = NULL;
	struct mh_seg seg[MH_AUTH_SEGS];
	u8 mh[BA_LEN_COOKIE];
	struct mh_msg m;
	int n;

	BUILD_BUG_ON(BA_LEN_AUTH > BA_LEN_COOKIE);
	if (ba->cookie)
		len = BA_LEN_COOKIE;

	mh_header(mh, len, MH_BA);
	mh[6] = ba->status;
	mh[7] = 0;		/* K = 0: a correspondent node (RFC 6275 6.1.8) */
	mh[8] = ba->seq >> 8;
	mh[9] = ba->seq & 0xff;
	mh[10] = ba->lifetime >> 8;
	mh[11] = ba->lifetime & 0xff;
	if (ba->key) {
		mh[12] = MH_OPT_PADN;	/* BAD at 8n+2 */
		mh[13] = 4;
		mh[18] = MH_OPT_BAD;
		mh[19] = MIP6SEC_AUTH_LEN;
	} else if (ba->cookie) {
		/* draft-dupont-mipv6-cn-ipsec A1 */
		mh[BA_COOKIE_OFF] = ba->cookie_type;
		mh[BA_COOKIE_OFF + 1] = MH_COOKIE_LEN;
		memcpy(mh + BA_COOKIE_OFF + 2, ba->cookie, MH_COOKIE_LEN);
		mh[BA_COOKIE_OFF + 2 + MH_COOKIE_LEN] = MH_OPT_PADN;
		mh[BA_COOKIE_OFF + 3 + MH_COOKIE_LEN] =
			BA_LEN_COOKIE - (BA_COOKIE_OFF + 2 + MH_COOKIE_LEN) - 2;
	} else {
		mh[12] = MH_OPT_PADN;
		mh[13] = 2;
	}

	if (ba->hoa && !ipv6_addr_equal(ba->hoa, ba->dst))
		rh2 = ba->hoa;

	if (ba->key) {
		if (mh_parse(mh, len, &m) != MH_OK)
			return;
		n = mh_bad_input(&m, mh, ba->auth_coa->s6_addr,
				 ba->src->s6_addr, seg);
		if (n < 0 || mip6sec_hmac_sha1_96(ba->key, seg, n,
						  mh + MH_BAD_DATA_OFF(m.bad)))
			return;
	}
	/* The final destination stands in the pseudo-header (RFC 8200 8.1). */
	mh_set_csum(mh, len, ba->src, rh2 ? rh2 : ba->dst);

	if (!mh_xmit(mn->net, ba->in, ba->src, ba->dst, rh2, mh, len))
		mip6sec_stat_inc(mn, MIP6SEC_STAT_BA_SENT);
}

/* Big-endian store of the low @n octets of @v, at any alignment. */
static void put_be(u8 *p, u64 v, unsigned int n)
{
	while (n--) {
		p[n] = v & 0xff;
		v >>= 8;
	}
}

/* Pad mh[off..) with @k octets: Pad1 or PadN (RFC 6275 6.2.2, 6.2.3). */
static unsigned int put_pad(u8 *mh, unsigned int off, unsigned int k)
{
	if (k == 1) {
		mh[off] = MH_OPT_PAD1;
	} else if (k >= 2) {
		mh[off] = MH_OPT_PADN;
		mh[off + 1] = k - 2;
	}
	return off + k;
}

/* Pad so that the next option starts at an offset of @mul n + @rem. */
static unsigned int put_align(u8 *mh, unsigned int off, unsigned int mul,
			      unsigned int rem)
{
	return put_pad(mh, off, (mul + rem - off % mul) % mul);
}

/* 12 + MN-ID 256 + pad 7 + replay 10 + pad 7 + authentication 19 */
#define ACK_MAX_LEN	320

/*
 * BA (RFC 6275 6.1.8) or FBack (RFC 5568 6.2.3) with the options of the
 * RFC 4285 roles, in this order: Mobile Node Identifier (RFC 4283), the
 * Replay Protection option at 8n+2, the authentication option at 8n+5
 * (a 4n+1 offset), computed like the message it answers (same subtype,
 * SPI and key), last; without it, padding to the 8-octet boundary.
 * Returns 0 once sent.
 */
int mip6sec_send_ack(struct mip6sec_net *mn, const struct mip6sec_ack *a)
{
	unsigned int off = 12, auth_off = 0, len;
	struct mh_seg seg[MH_AUTH_SEGS];
	u8 mh[ACK_MAX_LEN];
	struct mh_msg m;
	int err, n;

	BUILD_BUG_ON(12 + 3 + MIP6SEC_NAI_MAX + 7 + 10 + 7 +
		     2 + MH_AUTH_FIXED + MIP6SEC_AUTH_LEN > ACK_MAX_LEN);
	if (!a->nai_len || a->nai_len > MIP6SEC_NAI_MAX)
		return -EINVAL;
	mh_header(mh, sizeof(mh), a->type);
	mh[6] = a->status;
	mh[7] = 0;
	mh[8] = a->seq >> 8;
	mh[9] = a->seq & 0xff;
	mh[10] = a->lifetime >> 8;
	mh[11] = a->lifetime & 0xff;

	mh[off] = MH_OPT_MNID;
	mh[off + 1] = 1 + a->nai_len;
	mh[off + 2] = 1;		/* NAI (RFC 4283 3) */
	memcpy(mh + off + 3, a->nai, a->nai_len);
	off += 3 + a->nai_len;

	if (a->has_ts) {
		off = put_align(mh, off, 8, 2);
		mh[off] = MH_OPT_REPLAY;
		mh[off + 1] = 8;
		put_be(mh + off + 2, a->ts, 8);
		off += 10;
	}
	if (a->sa) {
		/*
		 * 4n+1 (RFC 4285 5), and 8n+5 so that the option ends the
		 * message on its 8-octet boundary: nothing may follow it.
		 */
		off = put_align(mh, off, 8, 5);
		auth_off = off;
		mh[off] = MH_OPT_AUTH;
		mh[off + 1] = MH_AUTH_FIXED + MIP6SEC_AUTH_LEN;
		mh[off + 2] = a->subtype;
		put_be(mh + off + 3, a->spi, 4);
		off += 2 + MH_AUTH_FIXED + MIP6SEC_AUTH_LEN;
	}
	len = ALIGN(off, 8);
	put_pad(mh, off, len - off);
	mh[1] = len / 8 - 1;

	if (a->sa) {
		/* Assembled by the receive-side code, as for the Kbm BA. */
		if (mh_parse(mh, len, &m) != MH_OK)
			return -EINVAL;
		n = mh_auth_input(&m, mh, auth_off, a->auth_coa->s6_addr,
				  a->auth_hoa->s6_addr, seg);
		if (n < 0)
			return -EINVAL;
		if (a->subtype == MH_AUTH_MN_AAA)
			err = mip6sec_hmac_sha1_96_aaa(&a->sa->hmac, seg, n,
						       mh + MH_AUTH_DATA_OFF(auth_off));
		else
			err = mip6sec_hmac_sha1_96(&a->sa->hmac, seg, n,
						   mh + MH_AUTH_DATA_OFF(auth_off));
		if (err)
			return err;
	}
	mh_set_csum(mh, len, a->src, a->rh2 ? a->rh2 : a->dst);

	err = mh_xmit(mn->net, a->in, a->src, a->dst, a->rh2, mh, len);
	if (!err)
		mip6sec_stat_inc(mn, a->type == MH_FBACK ?
				 MIP6SEC_STAT_FBACK_SENT :
				 MIP6SEC_STAT_BA_SENT);
	return err;
}

/*
 * One error reply (Binding Error, rejecting BA) per be_ratelimit_ms and
 * hash bucket of destinations.
 */
bool mip6sec_reply_allowed(struct mip6sec_net *mn, const struct in6_addr *dst)
{
	unsigned int ms = READ_ONCE(mip6sec_be_ratelimit_ms);
	unsigned long now = jiffies, last, *slot;

	if (!ms)
		return true;
	slot = &mn->be_last[siphash(dst, sizeof(*dst), &mn->be_key) %
			    MIP6SEC_BE_BUCKETS];
	last = READ_ONCE(*slot);
	if (time_before(now, last + msecs_to_jiffies(ms)))
		return false;
	return cmpxchg(slot, last, now) == last;
}

void mip6sec_be_init(struct mip6sec_net *mn)
{
	unsigned long past = jiffies - msecs_to_jiffies(60000) - 1;
	int i;

	get_random_bytes(&mn->be_key, sizeof(mn->be_key));
	for (i = 0; i < MIP6SEC_BE_BUCKETS; i++) {
		mn->be_last[i] = past;
		mn->keyreq_last[i] = past;
	}
}

/*
 * RFC 6275 9.3.3: to the source of the offending packet @in, never to a
 * multicast or unspecified address; Home Address = the HAO contents.
 */
void mip6sec_send_be(struct mip6sec_net *mn, const struct mip6sec_pkt *in,
		     const struct in6_addr *src, const struct in6_addr *dst,
		     u8 status, const struct in6_addr *hoa)
{
	u8 mh[BE_LEN];

	if (!(ipv6_addr_type(dst) & IPV6_ADDR_UNICAST))
		return;
	if (!mip6sec_reply_allowed(mn, dst)) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_BE_RATELIMITED);
		return;
	}

	mh_header(mh, BE_LEN, MH_BE);
	mh[6] = status;
	memcpy(mh + 8, hoa, sizeof(*hoa));
	mh_set_csum(mh, BE_LEN, src, dst);

	if (!mh_xmit(mn->net, in, src, dst, NULL, mh, BE_LEN))
		mip6sec_stat_inc(mn, MIP6SEC_STAT_BE_SENT);
}
