// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec: IPv6 receive-path hook.
 *
 * At NF_INET_LOCAL_IN the extension headers of a packet addressed to this
 * node have not been processed yet: the Home Address option still holds the
 * home address (the kernel swaps it with the source address later, in
 * ipv6_dest_hao()) and the Mobility Header has not reached a raw socket.
 * nf_defrag_ipv6 is enabled so that fragments are reassembled before this
 * hook: a Home Address option or Mobility Header in the fragmentable part
 * cannot slip past it.
 *
 * The packet path takes no lock and allocates nothing. Packets whose next
 * header is an upper-layer protocol leave after one comparison; others have
 * their extension headers walked with skb_header_pointer(), copying into a
 * per-CPU scratch buffer only when the skb is not linear there. The skb is
 * never modified.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv6.h>
#include <linux/percpu.h>
#include <linux/skbuff.h>
#include <net/ipv6.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

#include "mip6sec.h"
#include "mh.h"

/* Bound on extension headers walked; longer chains are dropped. */
#define MIP6SEC_MAX_EXTHDRS	16

/* Run after the operator's filter table has had its say. */
#define MIP6SEC_NF_PRIO		(NF_IP6_PRI_FILTER + 1)

struct mip6sec_scratch {
	u8 buf[MH_MAX_LEN];
};

static struct mip6sec_scratch __percpu *mip6sec_scratch;

struct mip6sec_pkt {
	struct in6_addr hoa;		/* Home Address option contents */
	unsigned int mh_off;		/* 0: no Mobility Header */
	bool has_hao;
};

static const char * const mh_err_names[] = {
	[MH_OK] = "ok",
	[MH_ERR_PROTO] = "payload proto is not 59",
	[MH_ERR_LEN] = "header length below the minimum for its type",
	[MH_ERR_TRUNCATED] = "longer than the packet",
	[MH_ERR_OPT] = "bad mobility option",
	[MH_ERR_UNKNOWN_TYPE] = "unknown type",
};

static const enum mip6sec_stat_attrs mh_err_stats[] = {
	[MH_ERR_PROTO] = MIP6SEC_STAT_MH_BAD_PROTO,
	[MH_ERR_LEN] = MIP6SEC_STAT_MH_BAD_LEN,
	[MH_ERR_TRUNCATED] = MIP6SEC_STAT_MH_TRUNCATED,
	[MH_ERR_OPT] = MIP6SEC_STAT_MH_BAD_OPT,
	[MH_ERR_UNKNOWN_TYPE] = MIP6SEC_STAT_MH_UNKNOWN_TYPE,
};

/*
 * Find the Home Address option in a Destination Options header of @len
 * octets at @hdr. Returns 0 (found or not), or -EINVAL for an option that
 * overruns the header, a HAO of the wrong length, or a second HAO: the
 * kernel would drop such a packet too (ip6_parse_tlv(), ipv6_dest_hao()).
 */
static int find_hao(const u8 *hdr, unsigned int len, struct mip6sec_pkt *p)
{
	unsigned int i = 2;

	while (i < len) {
		unsigned int optlen;

		if (hdr[i] == IPV6_TLV_PAD1) {
			i++;
			continue;
		}
		if (i + 2 > len)
			return -EINVAL;
		optlen = hdr[i + 1];
		if (i + 2 + optlen > len)
			return -EINVAL;
		if (hdr[i] == IPV6_TLV_HAO) {
			if (optlen != sizeof(struct in6_addr) || p->has_hao)
				return -EINVAL;
			memcpy(&p->hoa, hdr + i + 2, sizeof(p->hoa));
			p->has_hao = true;
		}
		i += 2 + optlen;
	}
	return 0;
}

/*
 * Walk the extension headers: note the Home Address option and where the
 * Mobility Header starts. Returns 0, or -EINVAL when the chain cannot be
 * walked (truncated, malformed, or longer than MIP6SEC_MAX_EXTHDRS).
 */
static int walk_exthdrs(const struct sk_buff *skb, u8 *scratch,
			struct mip6sec_pkt *p)
{
	unsigned int off = skb_network_offset(skb) + sizeof(struct ipv6hdr);
	u8 nexthdr = ipv6_hdr(skb)->nexthdr;
	int n;

	for (n = 0; n < MIP6SEC_MAX_EXTHDRS; n++) {
		const struct frag_hdr *fh;
		struct frag_hdr _fh;
		const u8 *hdr;
		u8 _hdr[2];
		unsigned int len;

		switch (nexthdr) {
		case NEXTHDR_MOBILITY:
			p->mh_off = off;
			return 0;
		case NEXTHDR_HOP:
		case NEXTHDR_ROUTING:
		case NEXTHDR_DEST:
			hdr = skb_header_pointer(skb, off, sizeof(_hdr), _hdr);
			if (!hdr)
				return -EINVAL;
			len = ipv6_optlen((const struct ipv6_opt_hdr *)hdr);
			if (nexthdr == NEXTHDR_DEST) {
				hdr = skb_header_pointer(skb, off, len, scratch);
				if (!hdr || find_hao(hdr, len, p))
					return -EINVAL;
			}
			nexthdr = hdr[0];
			off += len;
			break;
		case NEXTHDR_FRAGMENT:
			/*
			 * Reassembly happened before this hook; what is left
			 * is an atomic fragment (RFC 6946) or a fragment
			 * nf_defrag_ipv6 gave up on, which the stack drops.
			 */
			fh = skb_header_pointer(skb, off, sizeof(_fh), &_fh);
			if (!fh)
				return -EINVAL;
			if (fh->frag_off & htons(IP6_OFFSET | IP6_MF))
				return 0;
			nexthdr = fh->nexthdr;
			off += sizeof(_fh);
			break;
		default:
			return 0;
		}
	}
	return -EINVAL;
}

static unsigned int mh_rcv(struct mip6sec_net *mn, const struct sk_buff *skb,
			   const struct mip6sec_pkt *p, u8 *scratch)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	const struct in6_addr *src;
	unsigned int avail;
	struct mh_msg m;
	enum mh_err err;
	const u8 *mh;

	mip6sec_stat_inc(mn, MIP6SEC_STAT_MH_RX);

	avail = min_t(unsigned int, skb->len - p->mh_off, MH_MAX_LEN);
	mh = skb_header_pointer(skb, p->mh_off, avail, scratch);
	if (!mh) {
		err = MH_ERR_TRUNCATED;
		goto drop;
	}
	err = mh_parse(mh, avail, &m);
	if (err)
		goto drop;

	/* RFC 6275 6.1.1: the home address stands in for the source. */
	src = p->has_hao ? &p->hoa : &ip6h->saddr;
	if (mh_csum(src->s6_addr, ip6h->daddr.s6_addr, mh, m.len)) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_MH_MALFORMED);
		mip6sec_stat_inc(mn, MIP6SEC_STAT_MH_BAD_CSUM);
		net_dbg_ratelimited("mip6sec: dropped Mobility Header from %pI6c: bad checksum\n",
				    &ip6h->saddr);
		return NF_DROP;
	}

	if (m.type == MH_BU)
		mip6sec_stat_inc(mn, MIP6SEC_STAT_BU_RX);
	return NF_ACCEPT;

drop:
	mip6sec_stat_inc(mn, MIP6SEC_STAT_MH_MALFORMED);
	mip6sec_stat_inc(mn, mh_err_stats[err]);
	net_info_ratelimited("mip6sec: dropped Mobility Header from %pI6c: %s\n",
			     &ip6h->saddr, mh_err_names[err]);
	return NF_DROP;
}

static unsigned int mip6sec_local_in(void *priv, struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	struct mip6sec_pkt p = { .mh_off = 0, .has_hao = false };
	struct mip6sec_net *mn;
	unsigned int verdict;
	u8 *scratch;

	/* Fast path: no extension header and no Mobility Header. */
	switch (ipv6_hdr(skb)->nexthdr) {
	case NEXTHDR_HOP:
	case NEXTHDR_ROUTING:
	case NEXTHDR_DEST:
	case NEXTHDR_FRAGMENT:
	case NEXTHDR_MOBILITY:
		break;
	default:
		return NF_ACCEPT;
	}

	mn = mip6sec_pernet(state->net);

	/* The scratch buffer is per CPU: keep softirqs off while using it. */
	local_bh_disable();
	scratch = this_cpu_ptr(mip6sec_scratch)->buf;

	if (walk_exthdrs(skb, scratch, &p)) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_BAD_EXTHDR);
		net_info_ratelimited("mip6sec: dropped packet from %pI6c: unparsable extension headers\n",
				     &ipv6_hdr(skb)->saddr);
		verdict = NF_DROP;
		goto out;
	}

	if (p.has_hao)
		mip6sec_stat_inc(mn, MIP6SEC_STAT_HAO_RX);

	verdict = NF_ACCEPT;
	if (p.mh_off)
		verdict = mh_rcv(mn, skb, &p, scratch);
out:
	local_bh_enable();
	return verdict;
}

static const struct nf_hook_ops mip6sec_nf_ops[] = {
	{
		.hook = mip6sec_local_in,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = MIP6SEC_NF_PRIO,
	},
};

int mip6sec_hooks_register(struct net *net)
{
	int err;

	err = nf_defrag_ipv6_enable(net);
	if (err)
		return err;
	err = nf_register_net_hooks(net, mip6sec_nf_ops,
				    ARRAY_SIZE(mip6sec_nf_ops));
	if (err)
		nf_defrag_ipv6_disable(net);
	return err;
}

void mip6sec_hooks_unregister(struct net *net)
{
	/* Waits for packets in flight (synchronize_net()). */
	nf_unregister_net_hooks(net, mip6sec_nf_ops,
				ARRAY_SIZE(mip6sec_nf_ops));
	nf_defrag_ipv6_disable(net);
}

int __init mip6sec_hooks_init(void)
{
	mip6sec_scratch = alloc_percpu(struct mip6sec_scratch);
	return mip6sec_scratch ? 0 : -ENOMEM;
}

void mip6sec_hooks_exit(void)
{
	free_percpu(mip6sec_scratch);
}
