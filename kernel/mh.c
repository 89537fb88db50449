// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec: Mobility Header parser and authenticator-input assembly.
 *
 * Every read is bounds-checked against the octets really present; length
 * fields are never trusted. The input is const and never written.
 *
 * Rules and the decisions taken where the RFCs leave room:
 *
 * Common header (RFC 6275 6.1.1, 9.2):
 *  - avail < 8 or (Header Len + 1) * 8 > avail: MH_ERR_TRUNCATED. Checked
 *    first: nothing else is trusted before the MH is known to be present.
 *  - Payload Proto != 59 (IPPROTO_NONE): MH_ERR_PROTO (receiver sends
 *    ICMPv6 Parameter Problem code 0 pointing at Payload Proto).
 *  - MH Type >= 24 (not in the IANA registry): MH_ERR_UNKNOWN_TYPE
 *    (receiver sends Binding Error status 2). type and len are filled in.
 *  - Header Len below the type's minimum: MH_ERR_LEN (Parameter Problem,
 *    pointer to Header Len). Minimums: BRR 0, HoTI/CoTI/BU/BA 1,
 *    HoT/CoT/BE 2 (RFC 6275 6.1.2-6.1.9); FBU/FBack 1 (RFC 5568 6.2.2,
 *    6.2.3: BU/BA-like body, 12 fixed octets); every other registered
 *    type 0 (only the common 8 octets are known).
 *  - The Checksum is not checked here; see mh_csum().
 *  - Octets after the MH (avail > len) are ignored.
 *
 * Options (RFC 6275 6.2):
 *  - Walked only for types whose body is known: 0-9, starting right after
 *    the fixed part (BRR 8, HoTI/CoTI 16, HoT/CoT 24, BU/BA 12, BE 24,
 *    FBU/FBack 12). Types 10-23 are not walked (opt_off = 0): FNA is
 *    deprecated (RFC 5568 8) and the bodies of 11-23 are not implemented.
 *  - The walk must end exactly at the end of the MH: an option whose
 *    Type/Length octets or data do not fit is MH_ERR_OPT.
 *  - Pad1 (1 octet) and PadN (2 + Length octets) are skipped anywhere and
 *    may repeat; PadN content is not checked (RFC 6275 6.2.3: ignored by
 *    the receiver) and its length is not limited.
 *  - Unknown option types are skipped by their Length (RFC 6275 6.2.1) and
 *    counted in unknown_opts. Types 7 (LLA) and 34 (IPv6 Address/Prefix)
 *    of RFC 5568 are treated as unknown (format not confirmed here).
 *  - Known options must have the exact (or minimum) Option Length of
 *    mh_opt_rules[]; otherwise MH_ERR_OPT.
 *  - Alignment "xn+y" (Type octet at an MH offset = y mod x) is REQUIRED:
 *    a misaligned known option is MH_ERR_OPT. RFC 6275 6.2.4-6.2.7 give the
 *    requirement (BRA 2n, AltCoA 8n+6, Nonce Indices 2n, BAD 8n+2); RFC
 *    3963 (MNP 8n+4) and RFC 4285 (AUTH 4n+1, replay 8n+2). Every sender
 *    known (UMIP, KAME, scapy) aligns; strictness removes any doubt about
 *    which octets an authenticator covers. MN-ID (RFC 4283) and BADF
 *    (RFC 5568) have no alignment check (requirement not confirmed).
 *  - A known non-padding option may appear once; a duplicate is
 *    MH_ERR_OPT. Exceptions: MNP may repeat (a mobile router may have
 *    several prefixes, RFC 3963); RFC 4285 AUTH may appear once per
 *    subtype. An AUTH option with a subtype other than MN-HA (1) or
 *    MN-AAA (2) is MH_ERR_OPT (nothing could verify it).
 *  - Authentication options (BAD, RFC 6275 6.2.7; AUTH, RFC 4285 5; BADF,
 *    RFC 5568 6.4.5) must be the last option: no option but padding may
 *    follow one, except that an MN-HA option may be followed by an MN-AAA
 *    option, which is then last (RFC 4285 5).
 *  - BAD and BADF must end the MH: no padding may follow them either. A
 *    correctly aligned BAD (8n+2, 14 octets) always ends on an 8-octet
 *    boundary, so senders never need trailing padding; this removes the
 *    UMIP/KAME disagreement on whether trailing padding is covered by the
 *    authenticator. RFC 4285 has no such rule for its option: with its
 *    4n+1 alignment a 12-octet MAC ends at 8n+4 or 8n, and an option at
 *    8n+1 needs padding after it to reach the 8-octet boundary. Padding
 *    (Pad1, PadN) after an AUTH option is therefore accepted; its
 *    authenticator covers the MH up to its SPI only, so the padding is
 *    never part of it.
 *  - BAD: Option Length exactly 12 (RFC 6275: 96-bit authenticator).
 *  - AUTH: Option Length >= 6 (subtype + SPI + at least one octet of
 *    authentication data); the verifier must check that the data length
 *    is the MAC length of its security association.
 *  - MN-ID: Option Length >= 2 (subtype + at least one identifier octet).
 *  - BADF: RFC 5568 6.4.5 defines Option Length as the length of the
 *    Authenticator alone (the option is Length + 6 octets), which breaks
 *    the generic TLV rule; generic encoders use Length = 4 + authenticator.
 *    Since BADF must end the MH, both encodings are unambiguous and both
 *    are accepted: literal if off + 6 + Length == len, generic if
 *    off + 2 + Length == len (Length >= 5). The authenticator is never
 *    empty.
 *
 * Authenticator inputs (no copy; the Checksum octets are replaced by two
 * zero octets from a constant):
 *  - RFC 6275 6.2.7 BAD: care-of address | correspondent | MH [0, bad + 2),
 *    i.e. everything up to and excluding the authenticator.
 *  - RFC 4285 5.1: care-of address | home address | MH [0, auth + 7),
 *    i.e. up to and including the Mobility SPI.
 *  - RFC 5568 BADF (formula UNCONFIRMED): care-of address | PAR address |
 *    MH up to and excluding the authenticator.
 */

#ifdef __KERNEL__
#include <linux/string.h>
#else
#include <string.h>
#endif

#include "mh.h"

/* Per MH type: minimum Header Len and offset of the first option. */
struct mh_type_rule {
	__u8 min_hdrlen;
	__u8 opt_off;		/* 0: body unknown, options not walked */
};

static const struct mh_type_rule mh_type_rules[MH_TYPE_COUNT] = {
	[MH_BRR]   = { 0,  8 },		/* RFC 6275 6.1.2 */
	[MH_HOTI]  = { 1, 16 },		/* RFC 6275 6.1.3 */
	[MH_COTI]  = { 1, 16 },		/* RFC 6275 6.1.4 */
	[MH_HOT]   = { 2, 24 },		/* RFC 6275 6.1.5 */
	[MH_COT]   = { 2, 24 },		/* RFC 6275 6.1.6 */
	[MH_BU]    = { 1, 12 },		/* RFC 6275 6.1.7 */
	[MH_BA]    = { 1, 12 },		/* RFC 6275 6.1.8 */
	[MH_BE]    = { 2, 24 },		/* RFC 6275 6.1.9 */
	[MH_FBU]   = { 1, 12 },		/* RFC 5568 6.2.2 */
	[MH_FBACK] = { 1, 12 },		/* RFC 5568 6.2.3 */
	/* 10..23: { 0, 0 } */
};

#define MHO_KNOWN	0x01	/* validated option type */
#define MHO_DUP_OK	0x02	/* may appear more than once */
#define MHO_AUTH	0x04	/* authentication option: must be last */

/* Per option type: Option Length bounds and alignment xn+y. */
struct mh_opt_rule {
	__u8 flags;
	__u8 min_len;
	__u8 max_len;
	__u8 align_x;		/* 0: no alignment requirement */
	__u8 align_y;
};

#define MH_OPT_RULES	(MH_OPT_BADF + 1)

static const struct mh_opt_rule mh_opt_rules[MH_OPT_RULES] = {
	/* RFC 6275 6.2.4 */
	[MH_OPT_BRA]	= { MHO_KNOWN, 2, 2, 2, 0 },
	/* RFC 6275 6.2.5 */
	[MH_OPT_ALTCOA]	= { MHO_KNOWN, 16, 16, 8, 6 },
	/* RFC 6275 6.2.6 */
	[MH_OPT_NONCE]	= { MHO_KNOWN, 4, 4, 2, 0 },
	/* RFC 6275 6.2.7 */
	[MH_OPT_BAD]	= { MHO_KNOWN | MHO_AUTH, MH_BAD_AUTH_LEN,
			    MH_BAD_AUTH_LEN, 8, 2 },
	/* RFC 3963 6.2 */
	[MH_OPT_MNP]	= { MHO_KNOWN | MHO_DUP_OK, 18, 18, 8, 4 },
	/* RFC 4283 3 */
	[MH_OPT_MNID]	= { MHO_KNOWN, 2, 255, 0, 0 },
	/* RFC 4285 5 */
	[MH_OPT_AUTH]	= { MHO_KNOWN | MHO_AUTH, MH_AUTH_FIXED + 1, 255, 4, 1 },
	/* RFC 4285 6 */
	[MH_OPT_REPLAY]	= { MHO_KNOWN, 8, 8, 8, 2 },
	/* RFC 5568 6.4.5; length checked in mh_opt_badf() */
	[MH_OPT_BADF]	= { MHO_KNOWN | MHO_AUTH, 0, 255, 0, 0 },
};

/* Bits of the authentication options seen so far. */
#define MH_SEEN_BAD	0x01
#define MH_SEEN_MNHA	0x02
#define MH_SEEN_MNAAA	0x04
#define MH_SEEN_BADF	0x08

static const __u8 mh_zero_csum[2];

static const struct mh_opt_rule *mh_opt_rule(__u8 type)
{
	if (type >= MH_OPT_RULES)
		return NULL;
	if (!(mh_opt_rules[type].flags & MHO_KNOWN))
		return NULL;
	return &mh_opt_rules[type];
}

/* Where the offset of a known option is recorded; NULL: bad subtype. */
static __u16 *mh_opt_slot(struct mh_msg *m, __u8 type, __u8 subtype)
{
	switch (type) {
	case MH_OPT_BRA:
		return &m->bra;
	case MH_OPT_ALTCOA:
		return &m->altcoa;
	case MH_OPT_NONCE:
		return &m->nonce;
	case MH_OPT_BAD:
		return &m->bad;
	case MH_OPT_MNP:
		return &m->mnp;
	case MH_OPT_MNID:
		return &m->mnid;
	case MH_OPT_AUTH:
		if (subtype == MH_AUTH_MN_HA)
			return &m->auth_mnha;
		if (subtype == MH_AUTH_MN_AAA)
			return &m->auth_mnaaa;
		return NULL;
	case MH_OPT_REPLAY:
		return &m->replay;
	case MH_OPT_BADF:
		return &m->badf;
	}
	return NULL;
}

/*
 * BADF (RFC 5568 6.4.5): must end the MH; accept the RFC's literal
 * encoding (Length = authenticator only) or the generic TLV one.
 * Returns the option's size in octets, or 0 if it does not end the MH.
 */
static unsigned int mh_opt_badf(const __u8 *mh, unsigned int off,
				unsigned int end, struct mh_msg *m)
{
	unsigned int olen = mh[off + 1];
	unsigned int left = end - off;

	if (olen >= 1 && left == 2 + MH_BADF_SPI_LEN + olen)
		m->badf_auth_len = olen;			/* literal */
	else if (olen > MH_BADF_SPI_LEN && left == 2 + olen)
		m->badf_auth_len = olen - MH_BADF_SPI_LEN;	/* generic */
	else
		return 0;
	m->badf_spi = mh_get_be32(mh + off + 2);
	m->badf_auth_off = off + 2 + MH_BADF_SPI_LEN;
	return left;
}

/* Record the contents of a validated option. */
static void mh_opt_decode(const __u8 *mh, unsigned int off, struct mh_msg *m)
{
	unsigned int olen = mh[off + 1];

	switch (mh[off]) {
	case MH_OPT_MNID:
		m->mnid_subtype = mh[off + 2];
		m->mnid_id_len = olen - 1;
		break;
	case MH_OPT_AUTH:
		if (mh[off + 2] == MH_AUTH_MN_HA) {
			m->mnha_spi = mh_get_be32(mh + off + 3);
			m->mnha_data_len = olen - MH_AUTH_FIXED;
		} else {
			m->mnaaa_spi = mh_get_be32(mh + off + 3);
			m->mnaaa_data_len = olen - MH_AUTH_FIXED;
		}
		break;
	}
}

static __u8 mh_auth_bit(__u8 type, __u8 subtype)
{
	if (type == MH_OPT_BAD)
		return MH_SEEN_BAD;
	if (type == MH_OPT_BADF)
		return MH_SEEN_BADF;
	return subtype == MH_AUTH_MN_HA ? MH_SEEN_MNHA : MH_SEEN_MNAAA;
}

/* Walk the options in mh[m->opt_off, m->len). RFC 6275 6.2. */
static enum mh_err mh_walk_opts(const __u8 *mh, struct mh_msg *m)
{
	unsigned int off = m->opt_off;
	unsigned int end = m->len;
	__u8 auth_seen = 0;	/* MH_SEEN_* */
	int last_is_auth = 0;	/* the option just walked was an auth one */

	while (off < end) {
		const struct mh_opt_rule *r;
		unsigned int olen, size;
		__u8 type = mh[off];
		__u8 subtype;
		__u16 *slot;

		if (type == MH_OPT_PAD1) {		/* RFC 6275 6.2.2 */
			off++;
			last_is_auth = 0;
			continue;
		}
		if (end - off < 2)			/* no Length octet */
			return MH_ERR_OPT;
		olen = mh[off + 1];
		size = 2 + olen;
		if (type == MH_OPT_BADF) {
			size = mh_opt_badf(mh, off, end, m);
			if (!size)
				return MH_ERR_OPT;
		} else if (size > end - off) {		/* data overrun */
			return MH_ERR_OPT;
		}
		if (type == MH_OPT_PADN) {		/* RFC 6275 6.2.3 */
			off += size;
			last_is_auth = 0;
			continue;
		}
		subtype = olen ? mh[off + 2] : 0;

		/*
		 * Nothing but padding may follow an authentication option,
		 * except an MN-AAA option after an MN-HA one (RFC 4285 5).
		 */
		if (auth_seen &&
		    !(auth_seen == MH_SEEN_MNHA && type == MH_OPT_AUTH &&
		      subtype == MH_AUTH_MN_AAA))
			return MH_ERR_OPT;

		r = mh_opt_rule(type);
		if (!r) {				/* RFC 6275 6.2.1 */
			m->unknown_opts++;
			off += size;
			last_is_auth = 0;
			continue;
		}
		if (olen < r->min_len || olen > r->max_len)
			return MH_ERR_OPT;
		if (r->align_x && off % r->align_x != r->align_y)
			return MH_ERR_OPT;
		slot = mh_opt_slot(m, type, subtype);
		if (!slot)				/* AUTH subtype */
			return MH_ERR_OPT;
		if (*slot && !(r->flags & MHO_DUP_OK))
			return MH_ERR_OPT;
		if (!*slot)
			*slot = off;
		mh_opt_decode(mh, off, m);

		last_is_auth = !!(r->flags & MHO_AUTH);
		if (last_is_auth)
			auth_seen |= mh_auth_bit(type, subtype);
		off += size;
	}

	/*
	 * BAD ends the MH: no trailing padding (BADF is checked to end it
	 * by mh_opt_badf()). RFC 4285 options may be followed by padding.
	 */
	if ((auth_seen & MH_SEEN_BAD) && !last_is_auth)
		return MH_ERR_OPT;
	return MH_OK;
}

/* Fixed fields of the message bodies we know (host order). */
static void mh_decode_fixed(const __u8 *mh, struct mh_msg *m)
{
	switch (m->type) {
	case MH_BU:			/* RFC 6275 6.1.7 */
	case MH_FBU:			/* RFC 5568 6.2.2 */
		m->seq = mh_get_be16(mh + 6);
		m->flags = mh_get_be16(mh + 8);
		m->lifetime = mh_get_be16(mh + 10);
		break;
	case MH_BA:			/* RFC 6275 6.1.8 */
	case MH_FBACK:			/* RFC 5568 6.2.3 */
		m->status = mh[6];
		m->flags = mh[7];
		m->seq = mh_get_be16(mh + 8);
		m->lifetime = mh_get_be16(mh + 10);
		break;
	case MH_BE:			/* RFC 6275 6.1.9 */
		m->status = mh[6];
		break;
	case MH_HOT:			/* RFC 6275 6.1.5 */
	case MH_COT:			/* RFC 6275 6.1.6 */
		m->nonce_idx = mh_get_be16(mh + 6);
		break;
	}
}

enum mh_err mh_parse(const __u8 *mh, size_t avail, struct mh_msg *m)
{
	const struct mh_type_rule *t;
	unsigned int hdrlen;

	memset(m, 0, sizeof(*m));
	if (avail < MH_HDR_MIN)
		return MH_ERR_TRUNCATED;
	hdrlen = mh[1];
	m->type = mh[2];
	m->len = (hdrlen + 1) * 8;
	if (m->len > avail)
		return MH_ERR_TRUNCATED;
	if (mh[0] != MH_PAYLOAD_NONE)
		return MH_ERR_PROTO;
	if (m->type >= MH_TYPE_COUNT)
		return MH_ERR_UNKNOWN_TYPE;
	t = &mh_type_rules[m->type];
	if (hdrlen < t->min_hdrlen)
		return MH_ERR_LEN;

	mh_decode_fixed(mh, m);
	if (!t->opt_off)
		return MH_OK;
	m->opt_off = t->opt_off;
	return mh_walk_opts(mh, m);
}

static __u32 mh_csum_add(__u32 sum, const __u8 *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		sum += (__u32)((p[i] << 8) | p[i + 1]);
		sum = (sum & 0xffff) + (sum >> 16);
	}
	if (len & 1) {
		sum += (__u32)p[len - 1] << 8;
		sum = (sum & 0xffff) + (sum >> 16);
	}
	return sum;
}

/* RFC 6275 6.1.1 with the RFC 2460 8.1 pseudo-header. */
__u16 mh_csum(const __u8 src[16], const __u8 dst[16], const __u8 *mh,
	      size_t len)
{
	__u32 ulen = (__u32)len;
	__u32 sum = 0;

	sum = mh_csum_add(sum, src, 16);
	sum = mh_csum_add(sum, dst, 16);
	sum += ulen >> 16;
	sum = (sum & 0xffff) + (sum >> 16);
	sum += ulen & 0xffff;
	sum = (sum & 0xffff) + (sum >> 16);
	sum += MH_PROTO;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = mh_csum_add(sum, mh, len);
	return (__u16)~sum;
}

/* addr1 | addr2 | mh[0, 4) | 0 0 | mh[6, end) */
static int mh_mac_segs(const __u8 *mh, unsigned int end, const __u8 *addr1,
		       const __u8 *addr2, struct mh_seg seg[MH_AUTH_SEGS])
{
	seg[0].p = addr1;
	seg[0].len = 16;
	seg[1].p = addr2;
	seg[1].len = 16;
	seg[2].p = mh;
	seg[2].len = MH_CSUM_OFF;
	seg[3].p = mh_zero_csum;
	seg[3].len = sizeof(mh_zero_csum);
	seg[4].p = mh + MH_CSUM_OFF + 2;
	seg[4].len = end - (MH_CSUM_OFF + 2);
	return 5;
}

int mh_bad_input(const struct mh_msg *m, const __u8 *mh, const __u8 coa[16],
		 const __u8 cn[16], struct mh_seg seg[MH_AUTH_SEGS])
{
	unsigned int end = MH_BAD_DATA_OFF(m->bad);

	/* mh_parse() guarantees both; refuse an inconsistent m anyway */
	if (m->bad < MH_HDR_MIN || end + MH_BAD_AUTH_LEN != m->len)
		return -1;
	return mh_mac_segs(mh, end, coa, cn, seg);
}

int mh_auth_input(const struct mh_msg *m, const __u8 *mh, __u16 auth_off,
		  const __u8 coa[16], const __u8 hoa[16],
		  struct mh_seg seg[MH_AUTH_SEGS])
{
	unsigned int end = MH_AUTH_DATA_OFF(auth_off);

	if (auth_off < MH_HDR_MIN ||
	    (auth_off != m->auth_mnha && auth_off != m->auth_mnaaa) ||
	    end >= m->len)
		return -1;
	return mh_mac_segs(mh, end, coa, hoa, seg);
}

int mh_badf_input(const struct mh_msg *m, const __u8 *mh, const __u8 coa[16],
		  const __u8 par[16], struct mh_seg seg[MH_AUTH_SEGS])
{
	unsigned int end = m->badf_auth_off;

	if (m->badf < MH_HDR_MIN || end <= m->badf || end >= m->len)
		return -1;
	return mh_mac_segs(mh, end, coa, par, seg);
}

int mh_opt_known(__u8 type)
{
	return type == MH_OPT_PAD1 || type == MH_OPT_PADN || mh_opt_rule(type);
}

__u16 mh_find_opt(const struct mh_msg *m, const __u8 *mh, __u8 type,
		  unsigned int *count)
{
	unsigned int off = m->opt_off;
	__u16 found = 0;

	*count = 0;
	if (!off || mh_opt_known(type))
		return 0;
	while (off < m->len) {
		if (mh[off] == MH_OPT_PAD1) {
			off++;
			continue;
		}
		/* Validated by mh_parse(); a BADF ends the message. */
		if (m->len - off < 2 || mh[off] == MH_OPT_BADF)
			break;
		if (mh[off] == type) {
			if (!found)
				found = off;
			(*count)++;
		}
		off += 2 + mh[off + 1];
	}
	return found;
}

int mh_cookie_input(const __u8 *cookie, const __u8 hoa[16],
		    const __u8 cn[16], struct mh_seg seg[MH_AUTH_SEGS])
{
	seg[0].p = cookie;
	seg[0].len = MH_COOKIE_TS_LEN + 16;
	seg[1].p = hoa;
	seg[1].len = 16;
	seg[2].p = cn;
	seg[2].len = 16;
	return 3;
}
