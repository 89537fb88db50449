// SPDX-License-Identifier: GPL-2.0
/*
 * Typed libFuzzer targets for kernel/mh.c. mh_fuzz feeds raw octets, most
 * of which die at the common header; these build a well-formed header of a
 * message family around the input, so that every run reaches the option
 * walk and the code the module uses on that family:
 *
 *   FUZZ_FAMILY_AUTH    RFC 4285 / 4283: BU and BA with MN-ID, MN-HA and
 *                       MN-AAA authentication, Replay Protection
 *   FUZZ_FAMILY_FBU     RFC 5568: FBU and FBack with BADF
 *   FUZZ_FAMILY_COOKIE  draft-dupont-mipv6-cn-ipsec: BU with an Alternate
 *                       CoA and the care-of test cookie option (its type,
 *                       a module parameter, taken from the input)
 *   FUZZ_FAMILY_RR      RFC 6275 return routability: HoTI, CoTI, HoT, CoT,
 *                       BU and BA with Nonce Indices and Binding
 *                       Authorization Data
 *
 * Input: octet 0 selects the MH Type among the family's (and, for the
 * cookie, the option type); octet 1 is the Reserved octet; the rest is the
 * message from offset 6 on (fixed fields, then options). The Header Len is
 * set from the length, padded to 8 octets with a PadN/Pad1, and the
 * Checksum is computed with mh_csum(), which must then verify. On top of
 * the generic checks of fuzz_check.c, each family checks the fields the
 * module reads against an independent decoding.
 */
#include <string.h>

#include "fuzz_check.h"

#if defined(FUZZ_FAMILY_AUTH)
static const __u8 types[] = { MH_BU, MH_BA };
#elif defined(FUZZ_FAMILY_FBU)
static const __u8 types[] = { MH_FBU, MH_FBACK };
#elif defined(FUZZ_FAMILY_COOKIE)
static const __u8 types[] = { MH_BU };
#elif defined(FUZZ_FAMILY_RR)
static const __u8 types[] = { MH_HOTI, MH_COTI, MH_HOT, MH_COT, MH_BU,
			      MH_BA, MH_BRR };
#else
#error "define one FUZZ_FAMILY_*"
#endif

/*
 * An independent walk of the options of a message mh_parse() accepted:
 * offset of the first option of @type and how many there are. Stops at a
 * BADF, which ends the message and whose length octet is not a TLV length.
 */
static unsigned int walk_find(const __u8 *mh, unsigned int from,
			      unsigned int len, __u8 type, unsigned int *count)
{
	unsigned int off = from, first = 0;

	*count = 0;
	while (off < len) {
		if (mh[off] == MH_OPT_PAD1) {
			off++;
			continue;
		}
		REQUIRE(off + 2 <= len);
		if (mh[off] == MH_OPT_BADF)
			break;
		REQUIRE(off + 2 + mh[off + 1] <= len);
		if (mh[off] == type) {
			if (!first)
				first = off;
			(*count)++;
		}
		off += 2 + mh[off + 1];
	}
	return first;
}

/* A known option found by mh_parse() is where the walk finds it. */
static void same_opt(const struct mh_msg *m, const __u8 *mh, __u16 off,
		     __u8 type)
{
	unsigned int n, first;

	first = walk_find(mh, m->opt_off, m->len, type, &n);
	if (!off) {
		REQUIRE(!n || type == MH_OPT_AUTH || type == MH_OPT_MNP);
		return;
	}
	REQUIRE(mh[off] == type && n >= 1);
	REQUIRE(type == MH_OPT_AUTH || type == MH_OPT_MNP || n == 1);
	REQUIRE(type == MH_OPT_AUTH || first == off);
}

#if defined(FUZZ_FAMILY_AUTH)
static void check_family(const struct mh_msg *m, const __u8 *mh)
{
	struct mh_seg seg[MH_AUTH_SEGS];

	same_opt(m, mh, m->mnid, MH_OPT_MNID);
	same_opt(m, mh, m->replay, MH_OPT_REPLAY);
	same_opt(m, mh, m->auth_mnha, MH_OPT_AUTH);
	same_opt(m, mh, m->auth_mnaaa, MH_OPT_AUTH);
	if (m->mnid) {
		/* RFC 4283 3: subtype, then the identifier */
		REQUIRE(m->mnid_subtype == mh[m->mnid + 2]);
		REQUIRE(m->mnid_id_len + 1 == mh[m->mnid + 1]);
		REQUIRE(m->mnid + 3u + m->mnid_id_len <= m->len);
	}
	if (m->replay)	/* RFC 4285 6: 64-bit timestamp */
		REQUIRE(mh[m->replay + 1] == 8 && m->replay + 10u <= m->len);
	if (m->auth_mnha) {
		/* RFC 4285 5: subtype 1, SPI, then the MAC */
		REQUIRE(mh[m->auth_mnha + 2] == MH_AUTH_MN_HA);
		REQUIRE(m->mnha_spi == mh_get_be32(mh + m->auth_mnha + 3));
		REQUIRE(m->mnha_data_len + MH_AUTH_FIXED ==
			mh[m->auth_mnha + 1]);
		REQUIRE(mh_auth_input(m, mh, m->auth_mnha, A1, A2, seg) == 5);
		REQUIRE(touch(seg, 5, mh, m->len, m->auth_mnha + 7) ==
			32 + m->auth_mnha + 7u);
	}
	if (m->auth_mnaaa) {
		REQUIRE(mh[m->auth_mnaaa + 2] == MH_AUTH_MN_AAA);
		REQUIRE(m->mnaaa_spi == mh_get_be32(mh + m->auth_mnaaa + 3));
		REQUIRE(m->mnaaa_data_len + MH_AUTH_FIXED ==
			mh[m->auth_mnaaa + 1]);
	}
	/* only padding may follow the last authentication option */
	if (m->auth_mnha && !m->auth_mnaaa)
		REQUIRE(pads_only(mh, MH_AUTH_DATA_OFF(m->auth_mnha) +
				  m->mnha_data_len, m->len));
	if (m->auth_mnaaa)
		REQUIRE(pads_only(mh, MH_AUTH_DATA_OFF(m->auth_mnaaa) +
				  m->mnaaa_data_len, m->len));
}
#elif defined(FUZZ_FAMILY_FBU)
static void check_family(const struct mh_msg *m, const __u8 *mh)
{
	struct mh_seg seg[MH_AUTH_SEGS];
	unsigned int l;

	same_opt(m, mh, m->altcoa, MH_OPT_ALTCOA);
	same_opt(m, mh, m->mnid, MH_OPT_MNID);
	if (!m->badf)
		return;
	/* RFC 5568 6.4.5: SPI, then the authenticator, which ends the MH */
	l = mh[m->badf + 1];
	REQUIRE(m->badf_spi == mh_get_be32(mh + m->badf + 2));
	REQUIRE(m->badf_auth_off == m->badf + 2 + MH_BADF_SPI_LEN);
	REQUIRE(m->badf + 6u + l == m->len ||		/* literal */
		m->badf + 2u + l == m->len);		/* generic TLV */
	REQUIRE(mh_badf_input(m, mh, A1, A2, seg) == 5);
	touch(seg, 5, mh, m->len, m->badf_auth_off);
	REQUIRE(!m->bad && !m->auth_mnha && !m->auth_mnaaa);
}
#elif defined(FUZZ_FAMILY_COOKIE)
static __u8 cookie_type;

static void check_family(const struct mh_msg *m, const __u8 *mh)
{
	struct mh_seg seg[MH_AUTH_SEGS];
	unsigned int n, wn, first;
	__u16 off;
	int k, i;

	same_opt(m, mh, m->altcoa, MH_OPT_ALTCOA);
	off = mh_find_opt(m, mh, cookie_type, &n);
	if (mh_opt_known(cookie_type)) {
		/* the module refuses such a cookie_opt_type */
		REQUIRE(!off && !n);
		return;
	}
	first = walk_find(mh, m->opt_off, m->len, cookie_type, &wn);
	REQUIRE(off == first && n == wn);
	if (!off || n > 1 || mh[off + 1] != MH_COOKIE_LEN)
		return;		/* what ipsec.c counts as cookie_bad */
	/* ipsec.c reads the cookie data at off + 2, MH_COOKIE_LEN octets */
	REQUIRE(off + 2u + MH_COOKIE_LEN <= m->len);
	REQUIRE(mh_cookie_input(mh + off + 2, A1, A2, seg) == 3);
	REQUIRE(seg[0].p == mh + off + 2 &&
		seg[0].len == MH_COOKIE_TS_LEN + 16);
	REQUIRE(seg[1].p == A1 && seg[1].len == 16);
	REQUIRE(seg[2].p == A2 && seg[2].len == 16);
	for (k = 0; k < 3; k++) {
		volatile __u8 sink = 0;

		for (i = 0; i < (int)seg[k].len; i++)
			sink ^= seg[k].p[i];
		(void)sink;
	}
}
#elif defined(FUZZ_FAMILY_RR)
static void check_family(const struct mh_msg *m, const __u8 *mh)
{
	struct mh_seg seg[MH_AUTH_SEGS];

	switch (m->type) {
	case MH_HOTI:
	case MH_COTI:
		/* RFC 6275 6.1.3/6.1.4: Reserved, 64-bit init cookie at 8 */
		REQUIRE(m->len >= 16 && m->opt_off == 16);
		break;
	case MH_HOT:
	case MH_COT:
		/* 6.1.5/6.1.6: nonce index, cookie at 8, keygen token at 16 */
		REQUIRE(m->len >= 24 && m->opt_off == 24);
		REQUIRE(m->nonce_idx == mh_get_be16(mh + 6));
		break;
	case MH_BU:
		/* 6.1.7: sequence number, flags, lifetime */
		REQUIRE(m->seq == mh_get_be16(mh + 6));
		REQUIRE(m->flags == mh_get_be16(mh + 8));
		REQUIRE(m->lifetime == mh_get_be16(mh + 10));
		break;
	case MH_BA:
		REQUIRE(m->status == mh[6] && m->flags == mh[7]);
		REQUIRE(m->seq == mh_get_be16(mh + 8));
		break;
	}
	same_opt(m, mh, m->nonce, MH_OPT_NONCE);
	same_opt(m, mh, m->bad, MH_OPT_BAD);
	same_opt(m, mh, m->bra, MH_OPT_BRA);
	same_opt(m, mh, m->altcoa, MH_OPT_ALTCOA);
	if (m->nonce) {
		/* 6.2.6: home and care-of nonce index, 2n alignment */
		REQUIRE(mh[m->nonce + 1] == 4 && m->nonce % 2 == 0);
		REQUIRE(m->nonce + 6u <= m->len);
	}
	if (m->altcoa)	/* 6.2.5: 8n+6 */
		REQUIRE(m->altcoa % 8 == 6 && m->altcoa + 18u <= m->len);
	if (m->bad) {
		/* 6.2.7: last, 8n+2, 96-bit authenticator */
		REQUIRE(m->bad + 2u + MH_BAD_AUTH_LEN == m->len);
		REQUIRE(mh_bad_input(m, mh, A1, A2, seg) == 5);
		REQUIRE(touch(seg, 5, mh, m->len, m->bad + 2) ==
			32 + m->len - MH_BAD_AUTH_LEN);
	}
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	__u8 mh[MH_MAX_LEN];
	struct mh_msg m;
	size_t len, n;
	__u16 c;

	if (size < 2)
		return 0;
#ifdef FUZZ_FAMILY_COOKIE
	cookie_type = data[0];
#endif
	n = size - 2;
	if (n > MH_MAX_LEN - 6)
		n = MH_MAX_LEN - 6;
	len = (6 + n + 7) & ~(size_t)7;
	if (len < MH_HDR_MIN)
		len = MH_HDR_MIN;
	memset(mh, 0, len);
	mh[0] = MH_PAYLOAD_NONE;
	mh[1] = len / 8 - 1;
	mh[2] = types[data[0] % sizeof(types)];
	mh[3] = data[1];
	memcpy(mh + 6, data + 2, n);
	if (len - 6 - n >= 2) {		/* PadN over the rest, else Pad1 */
		mh[6 + n] = MH_OPT_PADN;
		mh[6 + n + 1] = len - 6 - n - 2;
	}
	c = mh_csum(A1, A2, mh, len);
	mh[4] = c >> 8;
	mh[5] = c & 0xff;
	/* RFC 6275 6.1.1: a receiver computes 0 over a correct checksum */
	REQUIRE(mh_csum(A1, A2, mh, len) == 0);

	if (fuzz_check_mh(mh, len, &m) != MH_OK)
		return 0;
	REQUIRE(m.type == mh[2] && m.len == len);
	check_family(&m, mh);
	return 0;
}
