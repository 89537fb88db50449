#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# FIPS mode (fips=1 on the kernel command line). There hmac() refuses keys
# shorter than 112 bits (crypto/hmac.c), so a load-time self-test with a
# short key (RFC 2202 test case 2, "Jefe") would keep the module from
# loading. The module must load, and authenticate with the keys it takes:
# a Kbm (20 octets) and an RFC 4285 SA key (16 octets, the shortest).
# Needs its own boot:
#
#   VM_APPEND=fips=1 selftests/vm/run.sh KVER mip6sec.ko fips

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_root
require_cli
[ "$(cat /proc/sys/crypto/fips_enabled 2>/dev/null)" = 1 ] ||
	ksft_skip_all "the kernel is not in FIPS mode (boot it with fips=1)"
ktap_print_header
ktap_plan 5

module_unload
out=$(module_load 2>&1)
result $? "FIPS mode: the module loads (its HMAC self-test key is 20 octets)" "$out" \
	"$(dmesg | grep mip6sec | tail -n 3)"
if dmesg | grep -q "mip6sec: .*self-test failed"; then not_ok "FIPS mode: no self-test failure logged" "$(dmesg | grep mip6sec | tail -n 3)"; else ok "FIPS mode: no self-test failure logged"; fi
if ! module_loaded; then
	for t in "Kbm BU: BA status 0" "SA of 16 octets added" "RFC 4285 BU: BA status 0"; do
		not_ok "FIPS mode: $t" "module not loaded"
	done
	ktap_finished
fi

netns_setup_or_skip
HOA=2001:db8:2::10
KBM=0102030405060708090a0b0c0d0e0f1011121314
SAKEY=a0a1a2a3a4a5a6a7a8a9aaabacadaeaf
HOA2=2001:db8:2::11
if ! mn_start; then
	ksft_skip_all "mn.py did not start: $MN_OUT"
fi
trap 'mn_stop; netns_cleanup' EXIT
cli "$NS_CN" kbm add "$HOA" key "$KBM" >/dev/null
mn_check "FIPS mode: Kbm BU: BA status 0, authenticators as computed" \
	bu --cn "$ADDR_CN" --coa "$ADDR_MN" --hoa "$HOA" --key "$KBM" --seq 1 --lifetime 10 --ack --expect-ba status=0
check "FIPS mode: SA of 16 octets added" cli "$NS_CN" sa add nai fips@example.com spi 300 use mn-ha key "$SAKEY" hoa "$HOA2"
mn_check "FIPS mode: RFC 4285 BU: BA status 0, authenticators as computed" \
	ha-bu --ha "$ADDR_CN" --hoa "$HOA2" --coa "$ADDR_MN" --nai fips@example.com --spi 300 --key "$SAKEY" \
	--seq 1 --lifetime 10 --ack --expect-ba status=0
mn_stop
ktap_finished
