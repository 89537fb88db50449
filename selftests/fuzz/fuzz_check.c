// SPDX-License-Identifier: GPL-2.0
/*
 * The properties every libFuzzer target checks on kernel/mh.c: mh_parse()
 * on arbitrary octets, then the authenticator-input functions on what it
 * accepted. Every octet of every returned segment is read (so ASan sees
 * segments that leave the input), and the parser's guarantees are checked;
 * a violation aborts.
 */
#include <string.h>

#include "fuzz_check.h"

const __u8 A1[16] = { 0x20, 0x01, 0x0d, 0xb8, 1 };
const __u8 A2[16] = { 0x20, 0x01, 0x0d, 0xb8, 2 };

/* Read every octet of the segments; check they stay in mh[0, len). */
size_t touch(const struct mh_seg *seg, int n, const __u8 *mh, size_t len,
	     size_t end)
{
	volatile __u8 sink = 0;
	size_t total = 0, i;
	int k;

	REQUIRE(n == 5);
	REQUIRE(seg[0].p == A1 && seg[0].len == 16);
	REQUIRE(seg[1].p == A2 && seg[1].len == 16);
	REQUIRE(seg[2].p == mh && seg[2].len == 4);
	REQUIRE(seg[3].len == 2 && !seg[3].p[0] && !seg[3].p[1]);
	REQUIRE(seg[4].p == mh + 6 && 6 + seg[4].len == end);
	REQUIRE(end <= len);
	for (k = 0; k < n; k++) {
		for (i = 0; i < seg[k].len; i++)
			sink ^= seg[k].p[i];
		total += seg[k].len;
	}
	(void)sink;
	return total;
}

/* An option offset is 0 or lies in the option area. */
static void in_opts(const struct mh_msg *m, unsigned int off, unsigned int sz)
{
	if (!off)
		return;
	REQUIRE(m->opt_off && off >= m->opt_off);
	REQUIRE(off + sz <= m->len);
}

enum mh_err fuzz_check_mh(const uint8_t *data, size_t size, struct mh_msg *mp)
{
	struct mh_seg seg[MH_AUTH_SEGS];
	struct mh_msg m, m2;
	enum mh_err e;

	(void)mh_csum(A1, A2, data, size);

	e = mh_parse(data, size, &m);
	REQUIRE(e <= MH_ERR_UNKNOWN_TYPE);
	if (e != MH_OK) {
		REQUIRE(mh_bad_input(&m, data, A1, A2, seg) == -1);
		REQUIRE(mh_badf_input(&m, data, A1, A2, seg) == -1);
		*mp = m;
		return e;
	}

	REQUIRE(m.len >= MH_HDR_MIN && m.len <= size && m.len % 8 == 0);
	REQUIRE(m.len <= MH_MAX_LEN && m.type < MH_TYPE_COUNT);
	REQUIRE(data[0] == 59);

	/* the octets after the MH do not matter */
	REQUIRE(mh_parse(data, m.len, &m2) == MH_OK);
	REQUIRE(!memcmp(&m, &m2, sizeof(m)));

	in_opts(&m, m.bra, 4);
	in_opts(&m, m.altcoa, 18);
	in_opts(&m, m.nonce, 6);
	in_opts(&m, m.bad, 14);
	in_opts(&m, m.mnp, 20);
	in_opts(&m, m.mnid, 4);
	in_opts(&m, m.auth_mnha, 8);
	in_opts(&m, m.auth_mnaaa, 8);
	in_opts(&m, m.replay, 10);
	in_opts(&m, m.badf, 7);

	if (m.bad) {
		REQUIRE(m.bad % 8 == 2 && m.bad + 14 == m.len);
		REQUIRE(!m.auth_mnha && !m.auth_mnaaa && !m.badf);
		REQUIRE(mh_bad_input(&m, data, A1, A2, seg) == 5);
		REQUIRE(touch(seg, 5, data, m.len, m.bad + 2) ==
			32 + m.len - MH_BAD_AUTH_LEN);
	} else {
		REQUIRE(mh_bad_input(&m, data, A1, A2, seg) == -1);
	}
	if (m.auth_mnha) {
		REQUIRE(m.auth_mnha % 4 == 1 && m.mnha_data_len >= 1);
		REQUIRE(m.auth_mnaaa ||
			pads_only(data, m.auth_mnha + 7 + m.mnha_data_len,
				  m.len));
		REQUIRE(mh_auth_input(&m, data, m.auth_mnha, A1, A2, seg) ==
			5);
		touch(seg, 5, data, m.len, m.auth_mnha + 7);
	}
	if (m.auth_mnaaa) {
		REQUIRE(m.auth_mnaaa % 4 == 1 && m.mnaaa_data_len >= 1);
		REQUIRE(pads_only(data, m.auth_mnaaa + 7 + m.mnaaa_data_len,
				  m.len));
		REQUIRE(m.auth_mnaaa > m.auth_mnha);
		REQUIRE(mh_auth_input(&m, data, m.auth_mnaaa, A1, A2, seg) ==
			5);
		touch(seg, 5, data, m.len, m.auth_mnaaa + 7);
	}
	if (m.badf) {
		REQUIRE(m.badf_auth_len >= 1);
		REQUIRE(m.badf_auth_off + m.badf_auth_len == m.len);
		REQUIRE(mh_badf_input(&m, data, A1, A2, seg) == 5);
		touch(seg, 5, data, m.len, m.badf_auth_off);
	} else {
		REQUIRE(mh_badf_input(&m, data, A1, A2, seg) == -1);
	}
	{
		unsigned int cnt;
		__u16 c = mh_find_opt(&m, data, 18, &cnt);

		REQUIRE(!c == !cnt);
		REQUIRE(!c || (c >= m.opt_off && c + 2u <= m.len &&
			       c + 2u + data[c + 1] <= m.len &&
			       data[c] == 18));
	}
	/* an offset that is not an AUTH option is refused */
	REQUIRE(mh_auth_input(&m, data, (__u16)(m.auth_mnha + 1), A1, A2,
			      seg) == -1 || m.auth_mnaaa == m.auth_mnha + 1);
	*mp = m;
	return MH_OK;
}
