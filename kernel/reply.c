// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec: what the module sends: acknowledgments (Binding
 * Acknowledgment, FBack) from one builder, Binding Errors, and the Home
 * and Care-of Tests of return routability (rr.c), all through one
 * transmit function.
 *
 * Messages are built in a small buffer; an authenticator's input is
 * assembled by parsing the message back with the receive-side parser, so
 * that one piece of code defines it for both directions. Replies go out
 * with ip6_local_out() through xfrm, so that the operator's IPsec
 * policies apply. Error replies are rate-limited per destination with a
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
 * gets no answer (mip6sec_mh_xmit()).
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
 * May a reply to @in go from @src to @dst (final destination @rh2)? Only
 * from a unicast address of this node, not tentative, in the L3 domain
 * of the interface @in came in on (and on that interface when
 * link-scoped), and only to unicast addresses.
 */
static bool reply_addrs_ok(struct net *net, const struct mip6sec_pkt *in,
			   const struct in6_addr *src,
			   const struct in6_addr *dst,
			   const struct in6_addr *rh2)
{
	const struct net_device *dev;
	bool ok;

	if (!(ipv6_addr_type(dst) & IPV6_ADDR_UNICAST) ||
	    (rh2 && !(ipv6_addr_type(rh2) & IPV6_ADDR_UNICAST)))
		return false;
	rcu_read_lock();
	dev = dev_get_by_index_rcu(net, in->iif);
	ok = dev && ipv6_chk_addr(net, src, dev, 0);
	rcu_read_unlock();
	return ok;
}

/*
 * Checksum @mh (RFC 6275 6.1.1: over the final destination, RFC 8200 8.1)
 * and send it from @src to @dst, with a type 2 Routing Header carrying
 * @rh2 when it is not NULL, in answer to the packet @in (see the top).
 * Returns 0 once handed to the stack, or -EADDRNOTAVAIL, sending nothing,
 * when reply_addrs_ok() refuses the addresses.
 */
int mip6sec_mh_xmit(struct mip6sec_net *mn, const struct mip6sec_pkt *in,
		    const struct in6_addr *src, const struct in6_addr *dst,
		    const struct in6_addr *rh2, u8 *mh, unsigned int len)
{
	unsigned int rhlen = rh2 ? RH2_LEN : 0;
	struct net *net = mn->net;
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

	if (!reply_addrs_ok(net, in, src, dst, rh2)) {
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

	mh_set_csum(mh, len, src, rh2 ?: dst);

	/*
	 * Through xfrm: the operator's IPsec policies apply to replies. With
	 * a type 2 Routing Header the route goes to the care-of address and
	 * the policy lookup to the home address, the final destination.
	 */
	dst_e = ip6_dst_lookup_flow(net, NULL, &fl6, rh2);
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
	ip6h->nexthdr = rh2 ? NEXTHDR_ROUTING : IPPROTO_MH;
	ip6h->hop_limit = ip6_dst_hoplimit(dst_e);
	ip6h->saddr = *src;
	ip6h->daddr = *dst;

	if (rh2) {
		struct rt2_hdr *rt2 = skb_put_zero(skb, sizeof(*rt2));

		rt2->rt_hdr.nexthdr = IPPROTO_MH;
		rt2->rt_hdr.hdrlen = (sizeof(*rt2) >> 3) - 1;
		rt2->rt_hdr.type = IPV6_SRCRT_TYPE_2;
		rt2->rt_hdr.segments_left = 1;
		rt2->addr = *rh2;
	}
	skb_put_data(skb, mh, len);

	err = ip6_local_out(net, NULL, skb);
	return net_xmit_eval(err);
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

/*
 * 12 + MN-ID 256 + pad 7 + replay 10 + pad 7 + cookie 32 + pad 7 +
 * authentication option 19
 */
#define ACK_MAX_LEN	360

/* The authenticator of @a, whose option starts at mh + @off. */
static int ack_auth(const struct mip6sec_ack *a, u8 *mh, unsigned int len,
		    unsigned int off)
{
	struct mh_seg seg[MH_AUTH_SEGS];
	struct mh_msg m;
	int n;

	/* Assembled by the receive-side code: one formula both ways. */
	if (mh_parse(mh, len, &m) != MH_OK)
		return -EINVAL;
	if (a->bad) {
		n = mh_bad_input(&m, mh, a->auth_coa->s6_addr,
				 a->src->s6_addr, seg);
		if (n < 0)
			return -EINVAL;
		return mip6sec_hmac_sha1_96(a->bad, seg, n,
					    mh + MH_BAD_DATA_OFF(off));
	}
	n = mh_auth_input(&m, mh, off, a->auth_coa->s6_addr,
			  a->auth_hoa->s6_addr, seg);
	if (n < 0)
		return -EINVAL;
	return mip6sec_hmac_sha1_96(&a->sa->hmac, seg, n,
				    mh + MH_AUTH_DATA_OFF(off));
}

/*
 * Build and send @a (see struct mip6sec_ack). Each option is aligned as
 * its RFC asks, the authenticator so that it ends the message on its
 * 8-octet boundary: Binding Authorization Data at 8n+2 (RFC 6275 6.2.7),
 * the RFC 4285 option at 8n+5 (a 4n+1 offset); nothing follows it. The
 * RFC 4285 option of a reply is always an MN-HA one (RFC 4285 5.2: the
 * answer to an MN-AAA option "MUST include the MN-HA" option "and MUST
 * NOT include the MN-AAA" one).
 * Without an authenticator the message is padded to 8 octets. K is 0: a
 * correspondent node, or a home agent without IKE (RFC 6275 6.1.8).
 * Returns 0 once sent.
 */
int mip6sec_send_ack(struct mip6sec_net *mn, const struct mip6sec_ack *a)
{
	unsigned int off = 12, auth_off = 0, len;
	u8 mh[ACK_MAX_LEN];
	int err;

	BUILD_BUG_ON(12 + 3 + MIP6SEC_NAI_MAX + 7 + 10 + 7 + 2 +
		     MH_COOKIE_LEN + 7 + 2 + MH_AUTH_FIXED + MIP6SEC_AUTH_LEN >
		     ACK_MAX_LEN);
	if (a->nai_len > MIP6SEC_NAI_MAX || (a->bad && a->sa))
		return -EINVAL;
	mh_header(mh, sizeof(mh), a->type);
	mh[6] = a->status;
	mh[7] = 0;
	put_be(mh + 8, a->seq, 2);
	put_be(mh + 10, a->lifetime, 2);

	if (a->nai_len) {
		mh[off] = MH_OPT_MNID;
		mh[off + 1] = 1 + a->nai_len;
		mh[off + 2] = 1;		/* NAI (RFC 4283 3) */
		memcpy(mh + off + 3, a->nai, a->nai_len);
		off += 3 + a->nai_len;
	}
	if (a->has_ts) {
		off = put_align(mh, off, 8, 2);
		mh[off] = MH_OPT_REPLAY;
		mh[off + 1] = 8;
		put_be(mh + off + 2, a->ts, 8);
		off += 10;
	}
	if (a->cookie) {
		/* draft-dupont-mipv6-cn-ipsec A1: its address 8-aligned */
		off = put_align(mh, off, 8, 4);
		mh[off] = a->cookie_type;
		mh[off + 1] = MH_COOKIE_LEN;
		memcpy(mh + off + 2, a->cookie, MH_COOKIE_LEN);
		off += 2 + MH_COOKIE_LEN;
	}
	if (a->bad) {
		off = put_align(mh, off, 8, 2);
		auth_off = off;
		mh[off] = MH_OPT_BAD;
		mh[off + 1] = MIP6SEC_AUTH_LEN;
		off += 2 + MIP6SEC_AUTH_LEN;
	} else if (a->sa) {
		off = put_align(mh, off, 8, 5);
		auth_off = off;
		mh[off] = MH_OPT_AUTH;
		mh[off + 1] = MH_AUTH_FIXED + MIP6SEC_AUTH_LEN;
		mh[off + 2] = MH_AUTH_MN_HA;
		put_be(mh + off + 3, a->spi, 4);
		off += 2 + MH_AUTH_FIXED + MIP6SEC_AUTH_LEN;
	}
	len = ALIGN(off, 8);
	put_pad(mh, off, len - off);
	mh[1] = len / 8 - 1;

	if (auth_off) {
		err = ack_auth(a, mh, len, auth_off);
		if (err)
			return err;
	}
	err = mip6sec_mh_xmit(mn, a->in, a->src, a->dst, a->rh2, mh, len);
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

	if (!mip6sec_mh_xmit(mn, in, src, dst, NULL, mh, BE_LEN))
		mip6sec_stat_inc(mn, MIP6SEC_STAT_BE_SENT);
}
