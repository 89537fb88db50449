#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unload under traffic: while netns mn floods cn with Mobility Header and Home
# Address option packets (well-formed and malformed, bounded in time and sent
# only to the test namespace's address), unload and reload mip6sec a few
# times with Kbms installed and a monitor subscribed. The kernel must stay
# quiet (the VM runs with panic_on_warn=1) and the module must work afterwards.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_root
require_cmd ip
require_scapy
require_module
[ -n "$MIP6SEC_KO" ] && [ "$MIP6SEC_KO" != none ] || modinfo mip6sec >/dev/null 2>&1 ||
	ksft_skip_all "MIP6SEC_KO not set: cannot reload the module"
ktap_print_header
netns_setup_or_skip

CYCLES=${UNLOAD_CYCLES:-4}
FLOOD_SECONDS=${UNLOAD_FLOOD_SECONDS:-120}
KEY=00112233445566778899aabbccddeeff01234567
TMP=$(mktemp -d)
trap 'netns_cleanup; rm -rf "$TMP"' EXIT

ktap_plan $((CYCLES * 2 + 4))

have_cli=0
[ -x "$MIP6SEC_CLI" ] && have_cli=1
setup_state() { # Kbms (and a subscribed monitor) so unload has something to free
	[ $have_cli = 1 ] || return 0
	local i
	for i in 1 2 3; do
		cli "$NS_CN" kbm add "2001:db8:2::$i" key "$KEY" cn "$ADDR_CN" >/dev/null 2>&1
	done
	cli "$NS_CN" monitor >/dev/null 2>&1 &
	bg_track $!
}

dmesg_lines=$(dmesg | wc -l)
setup_state

# Something listening on the raw MH socket, so delivery paths run too.
mhpkt_bg /dev/null "$NS_CN" recv $((FLOOD_SECONDS + 30))

FLOOD=$TMP/flood.out
mhpkt_bg "$FLOOD" "$NS_MN" flood "$ADDR_CN" "$FLOOD_SECONDS"
floodpid=$MHPKT_PID
if wait_file_match "$READY_TIMEOUT" "$FLOOD" '^flooding'; then
	ok "flood from mn started"
else
	not_ok "flood from mn started" "$(cat "$FLOOD")"
fi

for i in $(seq "$CYCLES"); do
	sleep 1
	out=$(rmmod mip6sec 2>&1)
	result $? "cycle $i: rmmod under traffic" "$out"
	sleep 0.5
	out=$(module_load 2>&1)
	result $? "cycle $i: insmod under traffic" "$out"
	setup_state
done

# Traffic still flows: the reloaded module must see it.
if [ $have_cli = 1 ]; then
	mh_rx_seen() {
		rx=$(cli "$NS_CN" -j stats 2>/dev/null | grep -o '"mh_rx": *[0-9]*' | grep -o '[0-9]*$')
		[ -n "$rx" ] && [ "$rx" -gt 0 ]
	}
	wait_for 10 mh_rx_seen
	if [ -n "$rx" ] && [ "$rx" -gt 0 ] 2>/dev/null; then
		ok "module works after reload (mh_rx=$rx)"
	else
		not_ok "module works after reload" "mh_rx=$rx: $(cli "$NS_CN" -j stats 2>&1)"
	fi
else
	skip "module works after reload" "CLI not built"
fi

# End the flood (it would stop by itself after FLOOD_SECONDS).
kill -TERM $floodpid 2>/dev/null
wait_for 30 bash -c "! kill -0 $floodpid 2>/dev/null"
if grep -qE '^flood sent [1-9][0-9]* packets' "$FLOOD"; then
	ok "flood finished: $(grep -m1 '^flood sent' "$FLOOD")"
else
	not_ok "flood finished" "$(cat "$FLOOD")"
fi

bad=$(dmesg | tail -n +$((dmesg_lines + 1)) |
	grep -E 'BUG|WARNING|Oops|KASAN|UBSAN|[Ll]eak|refcount|Call Trace|general protection' |
	grep -vE 'taints kernel|module verification failed')
if [ -z "$bad" ]; then ok "dmesg clean"; else not_ok "dmesg clean" "$bad"; fi

ktap_finished
