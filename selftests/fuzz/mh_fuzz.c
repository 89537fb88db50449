// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for kernel/mh.c: arbitrary octets as a Mobility Header,
 * with every guarantee of fuzz_check.c checked. The typed targets
 * (typed_fuzz.c) build well-formed headers around the input instead.
 */
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mh_msg m;

	fuzz_check_mh(data, size, &m);
	return 0;
}
