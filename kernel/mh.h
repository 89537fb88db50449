/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mip6sec: Mobility Header (RFC 6275 section 6.1) parser and
 * authenticator-input assembly.
 *
 * Pure C: builds in the kernel module and in userspace (unit tests,
 * libFuzzer). No allocation, no written globals, no recursion; the input
 * is never modified. The decisions taken where the RFCs leave room are
 * listed at the top of mh.c.
 */
#ifndef _MIP6SEC_MH_H
#define _MIP6SEC_MH_H

#include <linux/types.h>
#ifndef __KERNEL__
#include <stddef.h>		/* size_t */
#endif

#define MH_PROTO		135
#define MH_PAYLOAD_NONE		59	/* IPPROTO_NONE, RFC 6275 6.1.1 */
#define MH_HDR_MIN		8	/* proto, hdrlen, type, rsvd, csum, 2 */
#define MH_MAX_LEN		2048	/* (255 + 1) * 8 */
#define MH_CSUM_OFF		4	/* offset of the Checksum field */

#define MH_BAD_AUTH_LEN		12	/* RFC 6275 6.2.7: First(96, ...) */
#define MH_AUTH_FIXED		5	/* RFC 4285 5: subtype(1) + SPI(4) */
#define MH_BADF_SPI_LEN		4	/* RFC 5568 6.4.5: SPI(32) */

/* MH Type registry (IANA "Mobility Header Types"). */
enum mh_type {
	MH_BRR = 0,		/* RFC 6275 */
	MH_HOTI = 1,
	MH_COTI = 2,
	MH_HOT = 3,
	MH_COT = 4,
	MH_BU = 5,
	MH_BA = 6,
	MH_BE = 7,
	MH_FBU = 8,		/* RFC 5568 */
	MH_FBACK = 9,
	MH_FNA = 10,		/* RFC 5568 (deprecated) */
	MH_EXP = 11,		/* RFC 5096 */
	MH_HAS = 12,		/* RFC 5142 */
	MH_HB = 13,		/* RFC 5847 */
	MH_HI = 14,		/* RFC 5568 */
	MH_HACK = 15,
	MH_BR = 16,		/* RFC 5846 */
	MH_LRI = 17,		/* RFC 6705 */
	MH_LRA = 18,
	MH_UPN = 19,		/* RFC 7077 */
	MH_UPA = 20,
	MH_FLOWB = 21,		/* RFC 7109 */
	MH_SUBQ = 22,		/* RFC 7161 */
	MH_SUBR = 23,
	MH_TYPE_COUNT = 24	/* first value not in the registry */
};

/* Binding Update flags (RFC 6275 6.1.7), host order of the 16-bit field. */
#define MH_BU_FLAG_A		0x8000	/* acknowledge */
#define MH_BU_FLAG_H		0x4000	/* home registration */
#define MH_BU_FLAG_K		0x1000	/* key management mobility capability */

/* Binding Acknowledgment status codes used here (IANA registry). */
enum mh_ba_status {
	MH_BA_ACCEPTED = 0,		/* RFC 6275 6.1.8 */
	MH_BA_PROHIBITED = 129,
	MH_BA_INSUFFICIENT = 130,
	MH_BA_HOME_REG_UNSUPPORTED = 131,
	MH_BA_NOT_HOME_SUBNET = 132,
	MH_BA_SEQ_OUT_OF_WINDOW = 135,
	MH_BA_HOME_NONCE_EXPIRED = 136,
	MH_BA_COA_NONCE_EXPIRED = 137,
	MH_BA_NONCES_EXPIRED = 138,
	MH_BA_ID_MISMATCH = 144,	/* RFC 4285 8 */
	MH_BA_MESG_ID_REQD = 145,
	MH_BA_AUTH_FAIL = 146,
	MH_BA_INVALID_COA = 174,	/* RFC 6275 */
};

/* Mobility option registry (IANA "Mobility Options"), those used here. */
enum mh_opt_type {
	MH_OPT_PAD1 = 0,	/* RFC 6275 6.2.2 */
	MH_OPT_PADN = 1,	/* RFC 6275 6.2.3 */
	MH_OPT_BRA = 2,		/* RFC 6275 6.2.4 Binding Refresh Advice */
	MH_OPT_ALTCOA = 3,	/* RFC 6275 6.2.5 Alternate Care-of Address */
	MH_OPT_NONCE = 4,	/* RFC 6275 6.2.6 Nonce Indices */
	MH_OPT_BAD = 5,		/* RFC 6275 6.2.7 Binding Authorization Data */
	MH_OPT_MNP = 6,		/* RFC 3963 Mobile Network Prefix */
	MH_OPT_LLA = 7,		/* RFC 5568 MH Link-Layer Address (*) */
	MH_OPT_MNID = 8,	/* RFC 4283 Mobile Node Identifier */
	MH_OPT_AUTH = 9,	/* RFC 4285 Mobility Message Authentication */
	MH_OPT_REPLAY = 10,	/* RFC 4285 Mobility Message Replay Protection */
	MH_OPT_BADF = 21,	/* RFC 5568 6.4.5 Binding Auth. Data for FMIPv6 */
	MH_OPT_IPADDR = 34,	/* RFC 5568 MH IPv6 Address/Prefix (*) */
	/* (*) not validated: skipped like an unknown option */
};

/* RFC 4285 authentication option subtypes. */
enum mh_auth_subtype {
	MH_AUTH_MN_HA = 1,
	MH_AUTH_MN_AAA = 2,
};

/* Result of mh_parse(); MH_OK == 0, errors are positive. */
enum mh_err {
	MH_OK = 0,
	MH_ERR_PROTO,		/* Payload Proto != 59 */
	MH_ERR_LEN,		/* Header Len below the minimum for the type */
	MH_ERR_TRUNCATED,	/* avail < 8, or (hdrlen + 1) * 8 > avail */
	MH_ERR_OPT,		/* option overrun, length, alignment,
				 * duplicate, or authentication option
				 * not last
				 */
	MH_ERR_UNKNOWN_TYPE,	/* MH Type >= 24: send BE status 2 */
};

/*
 * Parsed message. Every *_off / option field is an offset from the first
 * octet of the MH (Payload Proto); 0 means absent (no option starts at
 * offset 0). Offsets of options point at the option's Type octet.
 * Fields after an error return are meaningful only as far as parsing got:
 * type and len are set once the common header was read.
 */
struct mh_msg {
	__u8  type;
	__u16 len;		/* total MH length, == (hdrlen + 1) * 8 */
	__u16 opt_off;		/* first option; 0 = options not walked */

	/* fixed fields (host order), 0 when the type has none */
	__u16 seq;		/* BU, FBU: offset 6; BA, FBack: offset 8 */
	__u16 flags;		/* BU, FBU: 16 bits @8; BA, FBack: 8 bits @7 */
	__u16 lifetime;		/* BU, FBU, BA, FBack: offset 10 (units 4 s) */
	__u8  status;		/* BA, FBack, BE: offset 6 */
	__u16 nonce_idx;	/* HoT, CoT: nonce index @6 */

	/* option offsets, 0 = absent */
	__u16 bra, altcoa, nonce, bad, mnp, mnid, auth_mnha, auth_mnaaa;
	__u16 replay, badf;

	/* decoded option contents, valid when the option is present */
	__u8  mnid_subtype;	/* RFC 4283: 1 = NAI */
	__u8  mnid_id_len;	/* identifier at mnid + 3 */
	__u32 mnha_spi;		/* RFC 4285 SPI, MN-HA option */
	__u8  mnha_data_len;	/* authentication data at auth_mnha + 7 */
	__u32 mnaaa_spi;
	__u8  mnaaa_data_len;	/* authentication data at auth_mnaaa + 7 */
	__u32 badf_spi;		/* RFC 5568 BADF SPI at badf + 2 */
	__u16 badf_auth_off;	/* BADF authenticator offset from MH start */
	__u8  badf_auth_len;

	__u32 unknown_opts;	/* count of skipped unknown options */
};

/* Offset of the RFC 4285 authentication data from the option offset. */
#define MH_AUTH_DATA_OFF(opt)	((opt) + 2 + MH_AUTH_FIXED)
/* Offset of the RFC 6275 BAD authenticator from the option offset. */
#define MH_BAD_DATA_OFF(opt)	((opt) + 2)

static inline __u16 mh_get_be16(const __u8 *p)
{
	return (__u16)((p[0] << 8) | p[1]);
}

static inline __u32 mh_get_be32(const __u8 *p)
{
	return ((__u32)p[0] << 24) | ((__u32)p[1] << 16) |
	       ((__u32)p[2] << 8) | (__u32)p[3];
}

/*
 * Parse and validate the MH in mh[0..avail). Does not check the checksum.
 * Bytes beyond m->len (e.g. a following header) are ignored.
 */
enum mh_err mh_parse(const __u8 *mh, size_t avail, struct mh_msg *m);

/*
 * RFC 6275 6.1.1 checksum: returns the 16-bit one's complement of the
 * one's-complement sum of the IPv6 pseudo-header (src, dst, upper-layer
 * length = len, next header 135) and mh[0..len) taken as it is.
 *  - receive: the Checksum field is correct iff the result is 0;
 *  - send: with the Checksum field set to zero, the result is the value
 *    to store there (big-endian).
 * src = home address when a Home Address option is present, dst = final
 * destination (the home address in a type 2 Routing Header).
 */
__u16 mh_csum(const __u8 src[16], const __u8 dst[16], const __u8 *mh,
	      size_t len);

/*
 * Authenticator input as a list of segments pointing into the caller's
 * buffers (no copy); the Checksum field is replaced by two zero octets
 * from a constant. Hash seg[0..n) in order.
 */
struct mh_seg {
	const __u8 *p;
	size_t len;
};

#define MH_AUTH_SEGS 6

/*
 * RFC 6275 6.2.7: care-of address | correspondent | MH octets
 * [0, bad + 2) (all of the MH except the 96-bit authenticator).
 * Returns the number of segments, or -1 if m has no BAD option.
 */
int mh_bad_input(const struct mh_msg *m, const __u8 *mh, const __u8 coa[16],
		 const __u8 cn[16], struct mh_seg seg[MH_AUTH_SEGS]);

/*
 * RFC 4285 5.1/5.2: care-of address | home address | MH octets
 * [0, auth_off + 7) (up to and including the Mobility SPI).
 * auth_off must be m->auth_mnha or m->auth_mnaaa (the MN-AAA input is
 * then hashed by the caller as the RFC requires). Returns the number of
 * segments, or -1 if auth_off is not an authentication option of m.
 */
int mh_auth_input(const struct mh_msg *m, const __u8 *mh, __u16 auth_off,
		  const __u8 coa[16], const __u8 hoa[16],
		  struct mh_seg seg[MH_AUTH_SEGS]);

/*
 * RFC 5568 6.4.5 BADF, formula UNCONFIRMED (modelled on RFC 6275 6.2.7):
 * care-of address | PAR address | MH octets [0, m->badf_auth_off).
 * Returns the number of segments, or -1 if m has no BADF option.
 */
int mh_badf_input(const struct mh_msg *m, const __u8 *mh, const __u8 coa[16],
		  const __u8 par[16], struct mh_seg seg[MH_AUTH_SEGS]);

/*
 * 1 if mh_parse() knows option @type (validates it, records its offset):
 * such a type cannot serve as an experimental option.
 */
int mh_opt_known(__u8 type);

/*
 * Offset of the first option of @type, an option mh_parse() does not know,
 * in a message it accepted; 0 if none. *count is the number present.
 */
__u16 mh_find_opt(const struct mh_msg *m, const __u8 *mh, __u8 type,
		  unsigned int *count);

/*
 * Care-of address test cookie (draft-dupont-mipv6-cn-ipsec A1, global
 * secret method): the option data is timestamp(2) | care-of address(16) |
 * MAC(12), MAC = First(96, HMAC-SHA1(secret, timestamp | care-of address |
 * home address | correspondent address)).
 */
#define MH_COOKIE_TS_LEN	2
#define MH_COOKIE_LEN		(MH_COOKIE_TS_LEN + 16 + MH_BAD_AUTH_LEN)

/*
 * MAC input of the cookie whose data (timestamp first) is at @cookie:
 * cookie[0, 18) | hoa | cn. Returns the number of segments.
 */
int mh_cookie_input(const __u8 *cookie, const __u8 hoa[16],
		    const __u8 cn[16], struct mh_seg seg[MH_AUTH_SEGS]);

#endif /* _MIP6SEC_MH_H */
