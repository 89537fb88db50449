/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the libFuzzer targets of selftests/fuzz (see fuzz_check.c). */
#ifndef _MIP6SEC_FUZZ_CHECK_H
#define _MIP6SEC_FUZZ_CHECK_H

#include <stdint.h>
#include <stdlib.h>

#include "mh.h"

#define REQUIRE(c) do { if (!(c)) abort(); } while (0)

/* Two addresses for the authenticator inputs and the checksum. */
extern const __u8 A1[16], A2[16];

/*
 * Read every octet of the 5 segments of a BAD/AUTH/BADF input, check their
 * layout and that they stay in mh[0, len) and end at @end; returns the
 * number of octets.
 */
size_t touch(const struct mh_seg *seg, int n, const __u8 *mh, size_t len,
	     size_t end);

/*
 * mh_parse() on data[0, size) with every generic guarantee checked
 * (lengths, option offsets, authenticator inputs, mh_find_opt); the
 * parsed message is left in *m.
 */
enum mh_err fuzz_check_mh(const uint8_t *data, size_t size, struct mh_msg *m);

/*
 * mh[from, to) is nothing but Pad1 and PadN options (RFC 6275 6.2.1): what
 * may follow an RFC 4285 authentication option.
 */
static inline int pads_only(const __u8 *mh, size_t from, size_t to)
{
	while (from < to) {
		if (mh[from] == 0) {
			from++;
			continue;
		}
		if (mh[from] != 1 || from + 2 > to ||
		    from + 2 + mh[from + 1] > to)
			return 0;
		from += 2 + mh[from + 1];
	}
	return from == to;
}

#endif /* _MIP6SEC_FUZZ_CHECK_H */
