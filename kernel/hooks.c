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
 * cannot slip past it. ipv6_defrag() leaves alone the fragments that carry
 * conntrack state already: those a stateful firewall saw on their way out
 * of this node, back in through loopback. The stack would reassemble them
 * after this hook, which would never see the whole packet: the hook
 * reassembles them itself, in nf_defrag_ipv6's queues (mip6sec_defrag()).
 * Any other fragment left over is dropped.
 *
 * For data packets the hook takes no lock and allocates nothing (but for
 * the route optimisation state lookup of an unknown home address, which
 * takes the xfrm state lock as the stack's own processing of the option
 * would). Packets
 * whose next header is an upper-layer protocol leave after one comparison;
 * others have their extension headers walked with skb_header_pointer(),
 * copying into a per-CPU scratch buffer only when the skb is not linear
 * there. Parsing never modifies the skb. (Binding Updates, a signalling
 * path, take the key's lock and allocate a binding and a reply.)
 *
 * Mobility Header. Binding Updates and Fast Binding Updates go to the one
 * pipeline of bu.c, Home and Care-of Test Inits to return routability
 * (rr.c, or userspace with rr=userspace); other messages go on.
 *
 * Home Address option (RFC 6275 9.3.1). A packet carrying one is accepted
 * when its home address is unicast and global and either a binding for it
 * has the packet's source as care-of address, or the packet is a Binding
 * Update (judged by the BU rules). A home address the module knows
 * nothing of (no binding, Kbm or mobility SA) may be a mobility daemon's
 * (UMIP mip6d as home agent or correspondent node): such a packet is left
 * to the stack untouched when the kernel holds a route optimisation state
 * that would process its option (the daemon's), and always with
 * rr=userspace; the stack then accepts it only under such a state.
 * Otherwise hao_policy decides: enforce drops it and sends a Binding Error
 * status 1, audit counts, logs and accepts, off leaves the packet to the
 * stack untouched.
 *
 * An accepted packet has its Home Address option processed here, as
 * ipv6_dest_hao() would: the home address becomes the source, the care-of
 * address goes into the option, and the option type becomes an
 * experimental "skip" type (RFC 4727) so that the stack does not process
 * it again. The stack then delivers the packet from the home address
 * without any xfrm state: the module alone decides, and no route
 * optimisation state lands in the packet's sec_path, where it would break
 * the operator's IPsec policies. Like ipv6_dest_hao(), this makes the
 * header writable first (which allocates only when it is cloned or not in
 * the linear area) and drops CHECKSUM_COMPLETE.
 *
 * IPsec (draft-dupont-mipv6-cn-ipsec 3). A HAO may also be validated by
 * a suitable SA (ipsec.c), known only once the packet is decrypted. A HAO
 * before transport-mode ESP is therefore processed here as above (ESP does
 * not cover it) and marked "to be validated": its header is recorded in
 * IP6CB()->dsthao, where ipv6_dest_hao() records the HAO it processes.
 * After decryption, xfrm6_transport_finish() sends the packet through
 * PRE_ROUTING and LOCAL_IN again, with its sec_path and without ESP: this
 * hook then finds the mark and takes the decision, a binding or a
 * suitable SA or a Binding Update, or drop and Binding Error. A packet
 * whose ICV fails never comes back. ESP processed before the IPv6 layer
 * (GRO) brings an unprocessed HAO with its sec_path: decided at once.
 * Under tunnel-mode or unknown SAs a binding accepts the HAO before
 * decryption; without one the packet is left to the stack. AH covers the
 * option, which can be neither swapped nor retired here: a HAO before AH
 * is left to the stack (it needs the operator's route optimisation
 * states) and judged when it comes back.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv6.h>
#include <linux/percpu.h>
#include <linux/skbuff.h>
#include <net/ipv6.h>
#include <net/ipv6_frag.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>
#include <net/xfrm.h>

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

/*
 * What a processed Home Address option becomes: a type the stack skips
 * (action bits 00) and that no specification will ever process, which
 * only RFC 4727's experimental destination option types are (0x1e is the
 * one with action 00); PadN cannot hold the care-of address (the stack
 * refuses more than 7 octets of padding). The mark lives only in packets
 * this node accepted and delivers locally, never sent, and is recognised
 * only in the header IP6CB()->dsthao names (cleared by ip6_rcv_core() for
 * every packet received): an option of this type from the network is
 * skipped like any other unknown option.
 */
#define MIP6SEC_HAO_DONE	0x1e

/* RFC 6275 6.4.2 / 9.3.3 Binding Error status codes */
#define BE_STATUS_NO_BINDING	1
#define BE_STATUS_UNKNOWN_MH	2

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
 * octets at @hdr, and the options that look like one this hook processed
 * (MIP6SEC_HAO_DONE, 16 octets of data). Those are counted only in the
 * header that holds the HAO, or the one IP6CB()->dsthao names: an option
 * of that type elsewhere is another node's RFC 4727 experiment, which the
 * stack skips, and so does this hook. Returns 0 (found or not), or
 * -EINVAL for an option that overruns the header, a HAO of the wrong
 * length, or a second HAO: the kernel would drop such a packet too
 * (ip6_parse_tlv(), ipv6_dest_hao()).
 */
static int find_hao(const u8 *hdr, unsigned int off, unsigned int len,
		    struct mip6sec_pkt *p)
{
	unsigned int i = 2, marks = 0, mark_off = 0;
	bool hao_here = false;

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
			p->hao_off = off + i;
			p->hao_hdr = off;
			p->has_hao = true;
			hao_here = true;
		} else if (hdr[i] == MIP6SEC_HAO_DONE &&
			   optlen == sizeof(struct in6_addr)) {
			if (!marks++)
				mark_off = off + i;
		}
		i += 2 + optlen;
	}
	if (off == p->dsthao || (hao_here && !p->dsthao)) {
		p->marks = marks;
		p->mark_off = mark_off;
		p->mark_hdr = off;
	}
	return 0;
}

/* The packet only passes through this node on its way elsewhere. */
#define MIP6SEC_WALK_TRANSIT	1
/* A fragment that was not reassembled before this hook. */
#define MIP6SEC_WALK_FRAGMENT	2

/*
 * Walk the extension headers: note the Home Address option, a type 2
 * Routing Header, ESP or AH, and where the Mobility Header starts.
 * Returns 0, MIP6SEC_WALK_TRANSIT, MIP6SEC_WALK_FRAGMENT, or -EINVAL when
 * the chain cannot be walked (truncated, malformed, longer than
 * MIP6SEC_MAX_EXTHDRS, or a Mobility Header or HAO behind a routing
 * header that still has segments to visit).
 */
static int walk_exthdrs(const struct sk_buff *skb, u8 *scratch,
			struct mip6sec_pkt *p)
{
	unsigned int off = skb_network_offset(skb) + sizeof(struct ipv6hdr);
	u8 nexthdr = ipv6_hdr(skb)->nexthdr;
	bool transit = false;
	int n;

	for (n = 0; n < MIP6SEC_MAX_EXTHDRS; n++) {
		const struct ipv6_rt_hdr *rt;
		const struct frag_hdr *fh;
		struct ipv6_rt_hdr _rt;
		struct frag_hdr _fh;
		const u8 *hdr;
		u8 _hdr[2];
		unsigned int len;

		p->nexthdr = nexthdr;
		switch (nexthdr) {
		case NEXTHDR_MOBILITY:
			p->mh_off = off;
			goto done;
		case NEXTHDR_ESP:
		case NEXTHDR_AUTH:
			p->ipsec = true;
			p->ipsec_off = off;
			goto done;
		case NEXTHDR_ROUTING:
			rt = skb_header_pointer(skb, off, sizeof(_rt), &_rt);
			if (!rt)
				return -EINVAL;
			if (rt->segments_left) {
				/*
				 * A type 2 header ends here (RFC 6275 6.4):
				 * its address is the final destination. Any
				 * other header with segments left makes the
				 * packet transit through this node.
				 */
				if (rt->type == IPV6_SRCRT_TYPE_2 &&
				    rt->hdrlen == 2 && rt->segments_left == 1 &&
				    !p->has_rh2) {
					if (skb_copy_bits(skb, off + 8, &p->rh2,
							  sizeof(p->rh2)))
						return -EINVAL;
					p->has_rh2 = true;
				} else {
					transit = true;
				}
			}
			nexthdr = rt->nexthdr;
			off += ipv6_optlen((const struct ipv6_opt_hdr *)rt);
			break;
		case NEXTHDR_HOP:
		case NEXTHDR_DEST:
			hdr = skb_header_pointer(skb, off, sizeof(_hdr), _hdr);
			if (!hdr)
				return -EINVAL;
			len = ipv6_optlen((const struct ipv6_opt_hdr *)hdr);
			if (nexthdr == NEXTHDR_DEST) {
				hdr = skb_header_pointer(skb, off, len, scratch);
				if (!hdr || find_hao(hdr, off, len, p))
					return -EINVAL;
			}
			nexthdr = hdr[0];
			off += len;
			break;
		case NEXTHDR_FRAGMENT:
			/*
			 * Reassembly happened before this hook: only atomic
			 * fragments (RFC 6946) go on. The stack would
			 * reassemble a leftover fragment after this hook.
			 */
			fh = skb_header_pointer(skb, off, sizeof(_fh), &_fh);
			if (!fh)
				return -EINVAL;
			if (fh->frag_off & htons(IP6_OFFSET | IP6_MF))
				return MIP6SEC_WALK_FRAGMENT;
			nexthdr = fh->nexthdr;
			off += sizeof(_fh);
			break;
		default:
			goto done;
		}
	}
	return -EINVAL;

done:
	/*
	 * The stack may deliver a packet whose routing header names more
	 * local segments without passing this hook again: no signalling
	 * through such headers.
	 */
	if (transit)
		return p->mh_off || p->has_hao ? -EINVAL : MIP6SEC_WALK_TRANSIT;
	return 0;
}

/*
 * RFC 6275 9.2: a bad Payload Proto or a Header Len below the minimum is
 * answered with an ICMPv6 Parameter Problem pointing at the field
 * (icmpv6_send() rate-limits it).
 */
static void mh_param_prob(struct sk_buff *skb, const struct mip6sec_pkt *p,
			  enum mh_err err)
{
	unsigned int ptr = p->mh_off - skb_network_offset(skb);

	if (err == MH_ERR_PROTO)
		icmpv6_send(skb, ICMPV6_PARAMPROB, ICMPV6_HDR_FIELD, ptr);
	else if (err == MH_ERR_LEN)
		icmpv6_send(skb, ICMPV6_PARAMPROB, ICMPV6_HDR_FIELD, ptr + 1);
}

/* draft-dupont-mipv6-cn-ipsec 3: a suitable SA validates the HAO. */
static bool hao_ipsec_ok(struct mip6sec_net *mn, const struct sk_buff *skb,
			 const struct mip6sec_pkt *p, int mh_type)
{
	return mip6sec_ipsec_allowed(mn, &p->hoa) &&
	       mip6sec_ipsec_suitable(skb, &p->hoa, &ipv6_hdr(skb)->daddr,
				      p->nexthdr, mh_type, NULL);
}

/*
 * Mobility Header: validate, then hand Binding Updates and Fast Binding
 * Updates to the pipeline (bu.c), Home and Care-of Test Inits to return
 * routability (rr.c). Sets *bu when the message is a Binding Update that
 * goes on to userspace.
 */
static enum mip6sec_verdict mh_rcv(struct mip6sec_net *mn,
				   struct sk_buff *skb,
				   const struct mip6sec_pkt *p, u8 *scratch,
				   bool *bu)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	const struct in6_addr *src;
	enum mip6sec_verdict v;
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
	if (err && err != MH_ERR_UNKNOWN_TYPE)
		goto drop;

	/*
	 * RFC 6275 6.1.1: the home address stands in for the source; the
	 * final destination (RFC 8200 8.1) for the destination.
	 */
	src = mip6sec_pkt_hoa(skb, p);
	if (mh_csum(src->s6_addr, mip6sec_pkt_daddr(skb, p)->s6_addr, mh,
		    m.len)) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_MH_MALFORMED);
		mip6sec_stat_inc(mn, MIP6SEC_STAT_MH_BAD_CSUM);
		net_dbg_ratelimited("dropped Mobility Header from %pI6c: bad checksum\n",
				    &ip6h->saddr);
		return MIP6SEC_DROP;
	}

	if (err == MH_ERR_UNKNOWN_TYPE) {
		/* RFC 6275 9.2: Binding Error status 2 to the source. */
		mip6sec_send_be(mn, p, &ip6h->daddr, &p->src,
				BE_STATUS_UNKNOWN_MH,
				p->has_hao ? &p->hoa : &in6addr_any);
		goto drop;
	}

	if (m.type == MH_HOTI || m.type == MH_COTI)
		return mip6sec_rr_init_rcv(mn, skb, p, &m, mh);
	if (m.type != MH_BU && m.type != MH_FBU)
		return MIP6SEC_PASS;
	if (p->has_hao && !mip6sec_addr_global(&p->hoa)) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_HAO_DROPPED);
		return MIP6SEC_DROP;
	}
	v = mip6sec_bu_rcv(mn, skb, p, &m, mh);
	/*
	 * The HAO of a BU: validated by a suitable SA, or else by the BU
	 * rules having judged the packet.
	 */
	if (p->has_hao && v != MIP6SEC_DROP)
		mip6sec_stat_inc(mn, skb_sec_path(skb) &&
				 hao_ipsec_ok(mn, skb, p, m.type) ?
				 MIP6SEC_STAT_HAO_IPSEC : MIP6SEC_STAT_HAO_BU);
	*bu = v == MIP6SEC_PASS;
	return v;

drop:
	mip6sec_stat_inc(mn, MIP6SEC_STAT_MH_MALFORMED);
	mip6sec_stat_inc(mn, mh_err_stats[err]);
	net_info_ratelimited("dropped Mobility Header from %pI6c: %s\n",
			     &ip6h->saddr, mh_err_names[err]);
	mh_param_prob(skb, p, err);
	return MIP6SEC_DROP;
}

/* Do what ipv6_dest_hao() does, and retire the option (see the top). */
static int hao_apply(struct sk_buff *skb, const struct mip6sec_pkt *p)
{
	struct in6_addr *saddr;
	struct in6_addr tmp;
	u8 *opt;

	if (skb_ensure_writable(skb, p->hao_off + 2 + sizeof(tmp)))
		return -ENOMEM;

	/* The option need not be aligned: copy its address bytewise. */
	opt = skb->data + p->hao_off;
	saddr = &ipv6_hdr(skb)->saddr;
	memcpy(&tmp, opt + 2, sizeof(tmp));
	memcpy(opt + 2, saddr, sizeof(tmp));
	*saddr = tmp;
	opt[0] = MIP6SEC_HAO_DONE;

	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;
	return 0;
}

static unsigned int ip6cb_dsthao(const struct sk_buff *skb)
{
#if IS_ENABLED(CONFIG_IPV6_MIP6)
	return IP6CB(skb)->dsthao;
#else
	return 0;
#endif
}

/*
 * A Home Address option processed before this pass: by this hook before
 * decryption (its type is then MIP6SEC_HAO_DONE), or by the kernel with
 * the operator's route optimisation states. Either way the Destination
 * Options header is recorded where ipv6_dest_hao() records it, in
 * IP6CB()->dsthao, which ip6_rcv_core() clears for every packet received
 * and xfrm keeps across decryption: an option of type MIP6SEC_HAO_DONE
 * that arrived from the network is never taken for one. The addresses are
 * swapped: the home address is the source, the option holds the care-of
 * address. Returns -EINVAL when the header recorded is not one with a
 * single processed option.
 */
static int hao_resolve(const struct sk_buff *skb, struct mip6sec_pkt *p)
{
	unsigned int dsthao = p->dsthao;
	const struct in6_addr *saddr = &ipv6_hdr(skb)->saddr;

	p->src = *saddr;
	if (!dsthao)
		return 0;
	if (p->has_hao && p->hao_hdr == dsthao) {
		p->src = p->hoa;
	} else if (!p->has_hao && p->marks == 1 && p->mark_hdr == dsthao) {
		if (skb_copy_bits(skb, p->mark_off + 2, &p->src,
				  sizeof(p->src)))
			return -EINVAL;
		p->hao_off = p->mark_off;
		p->has_hao = true;
		p->deferred = true;
	} else {
		return -EINVAL;
	}
	p->hoa = *saddr;
	p->hao_done = true;
	return 0;
}

/* Does @b, the binding of the home address (or NULL), validate @p? */
static bool hao_binding_ok(const struct mip6sec_binding *b,
			   const struct mip6sec_pkt *p)
{
	return b && !READ_ONCE(b->disabled) &&
	       ipv6_addr_equal(&b->coa, &p->src);
}

/*
 * A home address the module knows nothing of: no binding, no Kbm, no
 * mobility SA bound to it. Its Home Address options may be a mobility
 * daemon's (UMIP mip6d as home agent or correspondent node), which the
 * stack accepts only under the daemon's route optimisation states.
 */
static bool hoa_unknown(struct mip6sec_net *mn,
			const struct mip6sec_binding *b,
			const struct in6_addr *hoa)
{
	return !b && !mip6sec_kbm_lookup_rcu(mn, hoa) &&
	       !mip6sec_sa_hoa_bound(mn, hoa);
}

/* Left to the stack, untouched: the daemon's states decide. */
static enum mip6sec_verdict hao_stack(struct mip6sec_net *mn)
{
	mip6sec_stat_inc(mn, MIP6SEC_STAT_HAO_STACK);
	return MIP6SEC_PASS;
}

/* No way validates the option: hao_policy decides. */
static enum mip6sec_verdict hao_refuse(struct mip6sec_net *mn,
				       struct sk_buff *skb,
				       const struct mip6sec_pkt *p)
{
	const struct in6_addr *daddr = &ipv6_hdr(skb)->daddr;

	if (READ_ONCE(mip6sec_hao_policy) == MIP6SEC_HAO_AUDIT) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_HAO_AUDITED);
		net_info_ratelimited("audit: home address %pI6c from %pI6c has no binding\n",
				     &p->hoa, &p->src);
		if (!p->hao_done && hao_apply(skb, p)) {
			mip6sec_stat_inc(mn, MIP6SEC_STAT_HAO_DROPPED);
			return MIP6SEC_DROP;
		}
		return MIP6SEC_PASS;
	}

	mip6sec_stat_inc(mn, MIP6SEC_STAT_HAO_DROPPED);
	net_info_ratelimited("dropped packet with home address %pI6c from %pI6c: no binding\n",
			     &p->hoa, &p->src);
	if (mip6sec_addr_global(&p->hoa) &&
	    (ipv6_addr_type(daddr) & IPV6_ADDR_UNICAST))
		mip6sec_send_be(mn, p, daddr, &p->src, BE_STATUS_NO_BINDING,
				&p->hoa);
	return MIP6SEC_DROP;
}

/*
 * A Home Address option before ESP or AH, seen before decryption. Under a
 * transport-mode ESP SA the option is processed now (ESP does not cover
 * it) and the decision taken when the packet comes back decrypted, with
 * its sec_path: hao_rcv() or the BU rules find it through hao_resolve().
 * Under another SA (tunnel mode, or none known) no SA can vouch for the
 * home address (draft-dupont-mipv6-cn-ipsec 2: transport mode only): a
 * binding accepts it now; without one the packet is "processed normally"
 * (RFC 6275 9.3.1, as the issue quotes it): left to the stack untouched,
 * which accepts it only under a route optimisation state and otherwise
 * drops it, and xfrm drops an unknown SPI; no Binding Error. So is a HAO
 * whose own header already holds an option of type MIP6SEC_HAO_DONE: the
 * module could not tell its mark from it after decryption. AH covers the
 * option, which can be neither processed nor retired here: such packets
 * are the stack's too (it needs route optimisation states), and come
 * back to hao_rcv().
 */
static enum mip6sec_verdict hao_before_ipsec(struct mip6sec_net *mn,
					     struct sk_buff *skb,
					     struct mip6sec_pkt *p)
{
	const struct mip6sec_binding *b;
	bool unknown;

	if (p->nexthdr == NEXTHDR_AUTH)
		return MIP6SEC_PASS;
	if (p->marks) {
		/* Deferred once already: no second round (nested ESP). */
		if (p->hao_done) {
			mip6sec_stat_inc(mn, MIP6SEC_STAT_BAD_EXTHDR);
			return MIP6SEC_DROP;
		}
		return hao_stack(mn);
	}
	if (mip6sec_addr_global(&p->hoa)) {
		/* A daemon's: its state processes the option, then ESP. */
		b = mip6sec_bcache_lookup_rcu(mn, &p->hoa);
		unknown = hoa_unknown(mn, b, &p->hoa);
		if (unknown && mip6sec_ro_state(mn->net, skb, &p->hoa, &p->src))
			return hao_stack(mn);
#if IS_ENABLED(CONFIG_IPV6_MIP6)
		/*
		 * Deferred even with a binding: the decision (and what the
		 * BU rules see as source) must be the same either way.
		 */
		if (mip6sec_ipsec_esp_mode(mn->net, skb, p->ipsec_off) ==
		    XFRM_MODE_TRANSPORT) {
			mip6sec_stat_inc(mn, MIP6SEC_STAT_HAO_DEFERRED);
			IP6CB(skb)->dsthao = p->hao_hdr -
					     skb_network_offset(skb);
			goto apply;
		}
#endif
		if (hao_binding_ok(b, p)) {
			mip6sec_stat_inc(mn, MIP6SEC_STAT_HAO_ACCEPTED);
			goto apply;
		}
		return hao_stack(mn);
	}
	return hao_refuse(mn, skb, p);

apply:
	/*
	 * The kernel may have processed the option already, with a route
	 * optimisation state, before AH: swapping it again would undo that.
	 */
	if (!p->hao_done && hao_apply(skb, p)) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_HAO_DROPPED);
		return MIP6SEC_DROP;
	}
	return MIP6SEC_PASS;
}

/*
 * RFC 6275 9.3.1 and draft-dupont-mipv6-cn-ipsec 3, once the IPsec
 * headers (if any) were processed, in the draft's order: a suitable SA
 * for the home address in the packet's sec_path, or a binding for the
 * home address with this care-of address (a BU was judged by the BU rules
 * before).
 */
static enum mip6sec_verdict hao_rcv(struct mip6sec_net *mn,
				    struct sk_buff *skb,
				    struct mip6sec_pkt *p)
{
	bool sp = skb_sec_path(skb) && skb_sec_path(skb)->len;
	const struct mip6sec_binding *b;

	if (mip6sec_addr_global(&p->hoa)) {
		if (sp && hao_ipsec_ok(mn, skb, p, -1)) {
			mip6sec_stat_inc(mn, MIP6SEC_STAT_HAO_IPSEC);
			goto apply;
		}
		b = mip6sec_bcache_lookup_rcu(mn, &p->hoa);
		if (hao_binding_ok(b, p)) {
			mip6sec_stat_inc(mn, MIP6SEC_STAT_HAO_ACCEPTED);
			goto apply;
		}
		/*
		 * A daemon's: the stack processed the option already, under
		 * the daemon's route optimisation state; or rr=userspace; or
		 * such a state exists.
		 */
		if (!p->deferred && hoa_unknown(mn, b, &p->hoa) &&
		    (p->hao_done ||
		     READ_ONCE(mip6sec_rr) == MIP6SEC_RR_MODE_USERSPACE ||
		     mip6sec_ro_state(mn->net, skb, &p->hoa, &p->src)))
			return hao_stack(mn);
	}
	if (sp)
		mip6sec_stat_inc(mn, MIP6SEC_STAT_IPSEC_UNSUITABLE);
	return hao_refuse(mn, skb, p);

apply:
	if (!p->hao_done && hao_apply(skb, p)) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_HAO_DROPPED);
		return MIP6SEC_DROP;
	}
	return MIP6SEC_PASS;
}

static unsigned int mip6sec_defrag(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state);

static unsigned int mip6sec_local_in(void *priv, struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	struct mip6sec_pkt p = { .mh_off = 0, .has_hao = false };
	unsigned int dsthao;
	enum mip6sec_verdict v = MIP6SEC_PASS;
	struct mip6sec_net *mn;
	bool bu = false;
	u8 *scratch;
	int err;

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

	dsthao = ip6cb_dsthao(skb);
	if (dsthao)
		p.dsthao = dsthao + skb_network_offset(skb);
	err = walk_exthdrs(skb, scratch, &p);
	if (err == MIP6SEC_WALK_TRANSIT)
		goto out;
	if (err == MIP6SEC_WALK_FRAGMENT) {
		local_bh_enable();
		return mip6sec_defrag(priv, skb, state);
	}
	mip6sec_pkt_origin(&p, skb);
	if (!err)
		err = hao_resolve(skb, &p);
	if (err) {
		mip6sec_stat_inc(mn, MIP6SEC_STAT_BAD_EXTHDR);
		net_info_ratelimited("dropped packet from %pI6c: unparsable extension headers\n",
				     &ipv6_hdr(skb)->saddr);
		v = MIP6SEC_DROP;
		goto out;
	}

	if (p.has_hao && !p.hao_done)
		mip6sec_stat_inc(mn, MIP6SEC_STAT_HAO_RX);
	if (p.mh_off)
		v = mh_rcv(mn, skb, &p, scratch, &bu);
	if (v == MIP6SEC_DROP || !p.has_hao ||
	    READ_ONCE(mip6sec_hao_policy) == MIP6SEC_HAO_OFF)
		goto out;

	if (bu) {
		/*
		 * A BU going to userspace carries its HAO along, untouched;
		 * but one this hook processed lost its care-of address.
		 */
		if (p.deferred) {
			mip6sec_stat_inc(mn, MIP6SEC_STAT_IPSEC_UNSUITABLE);
			v = MIP6SEC_DROP;
		}
	} else if (v == MIP6SEC_PASS) {
		v = p.ipsec ? hao_before_ipsec(mn, skb, &p) :
			      hao_rcv(mn, skb, &p);
	}
out:
	local_bh_enable();

	switch (v) {
	case MIP6SEC_PASS:
		return NF_ACCEPT;
	case MIP6SEC_CONSUMED:
		consume_skb(skb);
		return NF_STOLEN;
	default:
		return NF_DROP;
	}
}

/*
 * A fragment that reached the hook (see the top). Those that ipv6_defrag()
 * passed over because they carry conntrack state, outside IPsec, are
 * reassembled here, in nf_defrag_ipv6's queues with a user it does not
 * take (IP6_DEFRAG_LOCAL_DELIVER): the whole packet is then judged. Any
 * other fragment, or one that did not reassemble (a first fragment
 * without the whole header chain, a fragment inside a reassembled
 * packet), is dropped.
 */
static unsigned int mip6sec_defrag(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	bool tracked = false;
	int err = -EINVAL;

#if IS_ENABLED(CONFIG_NF_CONNTRACK)
	tracked = skb->_nfct;
#endif
	if (tracked && !skb_sec_path(skb) &&
	    !(IP6CB(skb)->flags & IP6SKB_FRAGMENTED)) {
		err = nf_ct_frag6_gather(state->net, skb,
					 IP6_DEFRAG_LOCAL_DELIVER);
		if (err == -EINPROGRESS)
			return NF_STOLEN;
		if (!err && IP6CB(skb)->flags & IP6SKB_FRAGMENTED)
			return mip6sec_local_in(priv, skb, state);
	}
	mip6sec_stat_inc(mip6sec_pernet(state->net), MIP6SEC_STAT_BAD_EXTHDR);
	net_info_ratelimited("dropped fragment from %pI6c: not reassembled (%d)\n",
			     &ipv6_hdr(skb)->saddr, err);
	return NF_DROP;
}

static const struct nf_hook_ops mip6sec_nf_ops[] = {
	{
		.hook = mip6sec_local_in,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = MIP6SEC_NF_PRIO,
	},
};

static int __net_init hooks_net_init(struct net *net)
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

/*
 * nf_unregister_net_hooks() does not wait for packets in flight: the
 * namespace core runs synchronize_rcu() between .pre_exit and .exit, and
 * the hook runs under rcu_read_lock().
 */
static void __net_exit hooks_net_pre_exit(struct net *net)
{
	nf_unregister_net_hooks(net, mip6sec_nf_ops,
				ARRAY_SIZE(mip6sec_nf_ops));
}

static void __net_exit hooks_net_exit(struct net *net)
{
	nf_defrag_ipv6_disable(net);
	/* No packet can queue the reaper any more. */
	mip6sec_bcache_stop(mip6sec_pernet(net));
}

static struct pernet_operations mip6sec_hooks_net_ops = {
	.init = hooks_net_init,
	.pre_exit = hooks_net_pre_exit,
	.exit = hooks_net_exit,
};

/* After the state (main.c) exists, before the netlink family goes. */
int __init mip6sec_hooks_init(void)
{
	int err;

	BUILD_BUG_ON(MH_MAX_LEN < (255 + 1) * 8);	/* largest option header */
	mip6sec_scratch = alloc_percpu(struct mip6sec_scratch);
	if (!mip6sec_scratch)
		return -ENOMEM;
	err = register_pernet_subsys(&mip6sec_hooks_net_ops);
	if (err)
		free_percpu(mip6sec_scratch);
	return err;
}

void mip6sec_hooks_exit(void)
{
	unregister_pernet_subsys(&mip6sec_hooks_net_ops);
	free_percpu(mip6sec_scratch);
}
