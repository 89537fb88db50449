#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module parameters: visible under /sys/module/mip6sec/parameters, valid
# values accepted at load time and at run time, invalid ones refused with a
# kernel message naming the parameter and leaving the old value in place
# (at load time: the module does not load).
#
# Needs root and the module (MIP6SEC_KO).

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_root
require_module
ktap_print_header
ktap_plan 47

P=/sys/module/mip6sec/parameters

dmesg_has() { dmesg | tail -n 20 | grep -qF "$1"; }

# name, default, a valid value, invalid values
check_param() { # check_param NAME DEFAULT VALID BAD...
	local name=$1 def=$2 valid=$3 bad
	shift 3
	check_eq "$name: default $def" "$def" "$(cat "$P/$name" 2>&1)"
	if echo "$valid" >"$P/$name" 2>/dev/null; then
		check_eq "$name: set to $valid at run time" "$valid" "$(cat "$P/$name")"
	else
		not_ok "$name: set to $valid at run time" "write failed"
	fi
	for bad in "$@"; do
		if echo "$bad" >"$P/$name" 2>/dev/null; then
			not_ok "$name: '$bad' refused" "the write succeeded: $(cat "$P/$name")"
		elif [ "$(cat "$P/$name")" = "$valid" ] && dmesg_has "mip6sec: $name: invalid value '$bad'"; then
			ok "$name: '$bad' refused, value kept, kernel message"
		else
			not_ok "$name: '$bad' refused, value kept, kernel message" "value $(cat "$P/$name")" "$(dmesg | tail -n 3)"
		fi
	done
	echo "$def" >"$P/$name"
}

check_param hao_policy enforce audit bogus 1
check_param bu_nokey pass drop maybe
check_param kbm_wrap allow refuse never
check_param max_bindings 4096 10 0 1048577 -1 abc
check_param be_ratelimit_ms 1000 0 60001 -5
check_param max_lifetime 420 8 0 3 262141
# Return routability: the module by default (draft-ietf-mip6-precfgKbm 3:
# "MUST be the default"); nonces live at most MAX_NONCE_LIFETIME, 240 s.
check_param rr kernel userspace both 0
check_param rr_nonce_lifetime_s 240 8 7 241 -1
check_param rr_ratelimit 100 0 100001 x

# Load time: an invalid value stops the module from loading.
out=$(module_load hao_policy=bogus 2>&1)
if [ $? -ne 0 ] && ! module_loaded; then ok "insmod hao_policy=bogus fails"; else not_ok "insmod hao_policy=bogus fails" "$out"; fi
if dmesg_has "mip6sec: hao_policy: invalid value 'bogus'"; then ok "insmod hao_policy=bogus: kernel message"; else not_ok "insmod hao_policy=bogus: kernel message" "$(dmesg | tail -n 3)"; fi
out=$(module_load max_bindings=0 2>&1)
if [ $? -ne 0 ] && ! module_loaded; then ok "insmod max_bindings=0 fails"; else not_ok "insmod max_bindings=0 fails" "$out"; fi
out=$(module_load hao_policy=audit max_bindings=7 max_lifetime=60 rr=userspace rr_nonce_lifetime_s=16 2>&1)
result $? "insmod with valid parameters" "$out"
check_eq "hao_policy given at load time" audit "$(cat $P/hao_policy)"
check_eq "max_bindings given at load time" 7 "$(cat $P/max_bindings)"
check_eq "rr given at load time" userspace "$(cat $P/rr)"
check_eq "rr_nonce_lifetime_s given at load time" 16 "$(cat $P/rr_nonce_lifetime_s)"
out=$(module_load 2>&1)
result $? "module loads again with the defaults" "$out"

ktap_finished
