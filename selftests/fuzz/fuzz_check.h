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

#endif /* _MIP6SEC_FUZZ_CHECK_H */
