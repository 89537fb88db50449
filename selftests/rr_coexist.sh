#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Return routability and a mobility daemon on the same node (issue 10,
# /work/team/rr-interface.md). netns mn plays the mobile node with
# selftests/rr_mn.py; netns cn runs the module, raw IPPROTO_MH and ICMPv6
# sockets and a UDP socket standing for the daemon and its peers, and the
# route-optimisation states a daemon installs with "ip xfrm" (state
# "proto hao mode ro" HoA -> this node, inbound policy with an optional
# "proto hao mode ro level use" template: kernel-notes.md 1-2).
#
#  - rr=userspace: HoTI and CoTI reach the raw MH socket and nothing
#    answers them; an RR BU (Nonce Indices) for a home address without Kbm
#    reaches it too; a Home Address option for a home address the module
#    does not know is left to the stack: delivered under the daemon's state,
#    dropped by the stack without one, no Binding Error; a home address with
#    a Kbm is still the module's (dropped, Binding Error), state or not;
#  - a home agent daemon, rr=kernel and rr=userspace: ICMPv6 echo request
#    and Mobile Prefix Solicitation with a HAO for a home address the module
#    does not know, under the daemon's state: delivered (echo reply, raw
#    ICMPv6 socket, hao_stack); without it: rr=kernel drops with a Binding
#    Error, rr=userspace leaves it to the stack, which drops it.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_root
require_cmd ip
require_cli
require_module
ktap_print_header
. "$SELFTESTS_DIR/sa_lib.sh"
MNPY=$SELFTESTS_DIR/rr_mn.py
sa_test_begin

CN=$ADDR_CN
COA=$ADDR_MN
HOA_U=2001:db8:1::20	# no Kbm, no SA, no binding: unknown to the module
HOA_K=2001:db8:1::21	# has a Kbm
HOA_H=2001:db8:1::22	# a mobile node of the home agent daemon
KK=4242424242424242424242424242424242424242
Z64=0000000000000000

ktap_plan 47

MHOUT=$TMP/mh.out
UDPOUT=$TMP/udp.out
ICMPOUT=$TMP/icmp.out
raw_got() { # raw_got TYPE SRC [SEQ]: the raw MH socket in cn got it
	local c=("type=$1" "src=$2")
	[ -n "${3:-}" ] && c+=("seq=$3")
	jpick "${c[@]}" <"$MHOUT" >/dev/null
}
udp_got() { grep -q "\"src\": \"$2\", \"data\": \"m6:$1\"" "$UDPOUT"; }
udp_any() { grep -q "\"data\": \"m6:$1\"" "$UDPOUT"; }
icmp_got() { jpick "type=$1" "src=$2" "id=$3" <"$ICMPOUT" >/dev/null; }

# A daemon's route-optimisation state for HOA (care-of address $COA) and the
# inbound policy that lets what it processed through.
ro_add() {
	ip -n "$NS_CN" xfrm state add src "$1" dst "$CN" proto hao mode ro coa "$COA" &&
		ip -n "$NS_CN" xfrm policy add src "$1/128" dst "$CN/128" dir in \
			tmpl src "$1" dst "$CN" proto hao mode ro level use
}
ro_flush() {
	ip -n "$NS_CN" xfrm policy flush
	ip -n "$NS_CN" xfrm state flush
}

setup_ok=1
for a in $HOA_U $HOA_K $HOA_H; do
	ip -n "$NS_MN" addr add "$a/64" dev "$IF_MN" nodad || setup_ok=0
done
[ $setup_ok = 1 ] || ksft_skip_all "cannot add the mobile node's addresses"
echo 0 >$PARAMS/be_ratelimit_ms
echo enforce >$PARAMS/hao_policy
echo pass >$PARAMS/bu_nokey
ip netns exec "$NS_CN" "$PYTHON" "$MNPY" mh-recv 900 >"$MHOUT" 2>&1 &
bg_track $!
ip netns exec "$NS_CN" "$PYTHON" "$MNPY" udp-recv 9000 900 >"$UDPOUT" 2>&1 &
bg_track $!
ip netns exec "$NS_CN" "$PYTHON" "$MNPY" icmp-recv 900 >"$ICMPOUT" 2>&1 &
bg_track $!
if ! mn_start || ! wait_file_match "$READY_TIMEOUT" "$MHOUT" '^ready' || ! wait_file_match "$READY_TIMEOUT" "$UDPOUT" '^ready' ||
	! wait_file_match "$READY_TIMEOUT" "$ICMPOUT" '^ready'; then
	diag "mh: $(cat "$MHOUT"); udp: $(cat "$UDPOUT"); icmp: $(cat "$ICMPOUT")"
	ksft_skip_all "packet tools did not start"
fi
for a in $COA $HOA_U $HOA_K $HOA_H; do
	in_ns "$NS_CN" ping -6 -c1 -W2 -q "$a" >/dev/null 2>&1
done

# ================================================================ 1. rr=userspace
diag "1. rr=userspace: return routability is the daemon's"
check "rr=userspace set at run time" sh -c "echo userspace >$PARAMS/rr"
check_eq "rr show -j: mode userspace" userspace "$(cli "$NS_CN" -j rr show 2>&1 | json_get mode)"

snap S0
mn_check "HoTI from $HOA_U: no HoT from the module" hoti --cn "$CN" --hoa "$HOA_U" --expect-none
if wait_for 5 raw_got 1 "$HOA_U"; then ok "HoTI delivered to the raw IPPROTO_MH socket"; else not_ok "HoTI delivered to the raw IPPROTO_MH socket" "$(tail -n 3 "$MHOUT")"; fi
snap S1
check_deltas "HoTI to userspace: rr_hoti_rx, rr_passed +1; rr_hot_sent, rr_init_dropped 0" \
	rr_hoti_rx=1 rr_passed=1 rr_hot_sent=0 rr_init_dropped=0
snap S0
mn_check "CoTI from $COA: no CoT from the module" coti --cn "$CN" --coa "$COA" --expect-none
if wait_for 5 raw_got 2 "$COA"; then ok "CoTI delivered to the raw IPPROTO_MH socket"; else not_ok "CoTI delivered to the raw IPPROTO_MH socket" "$(tail -n 3 "$MHOUT")"; fi
snap S1
check_deltas "CoTI to userspace: rr_coti_rx, rr_passed +1; rr_cot_sent 0" rr_coti_rx=1 rr_passed=1 rr_cot_sent=0

# The BU carries a HAO: the stack delivers it only under the daemon's state.
check "daemon's route-optimisation state and policy for $HOA_U" ro_add "$HOA_U"
snap S0
mn_check "RR BU (Nonce Indices, BAD) for $HOA_U without Kbm: no BA from the module" \
	bu --cn "$CN" --hoa "$HOA_U" --coa "$COA" --hidx 1 --cidx 2 --htok "$Z64" --ctok "$Z64" --seq 7 --lifetime 10 --ack --expect-none
if wait_for 5 raw_got 5 "$HOA_U" 7; then ok "RR BU delivered to the raw IPPROTO_MH socket (source $HOA_U)"; else not_ok "RR BU delivered to the raw IPPROTO_MH socket (source $HOA_U)" "$(tail -n 3 "$MHOUT")"; fi
snap S1
check_deltas "RR BU to userspace: bu_rx, bu_passed +1; bu_accepted, auth_fail, rr_nonce_expired, ba_sent 0" \
	bu_rx=1 bu_passed=1 bu_accepted=0 auth_fail=0 rr_nonce_expired=0 ba_sent=0

snap S0
mn_check "HAO/UDP for $HOA_U under the daemon's state: no Binding Error" \
	hao-udp --cn "$CN" --hoa "$HOA_U" --src "$COA" --marker us1 --expect-none
if wait_for 5 udp_got us1 "$HOA_U"; then ok "HAO/UDP under the daemon's state: delivered with the home address as source"; else not_ok "HAO/UDP under the daemon's state: delivered with the home address as source" "$(tail -n 3 "$UDPOUT")"; fi
snap S1
check_deltas "HAO/UDP under the daemon's state: hao_rx, hao_stack +1; hao_accepted, hao_dropped, be_sent 0" \
	hao_rx=1 hao_stack=1 hao_accepted=0 hao_dropped=0 be_sent=0
ro_flush
snap S0
mn_check "HAO/UDP for $HOA_U without a state: no Binding Error" \
	hao-udp --cn "$CN" --hoa "$HOA_U" --src "$COA" --marker us2 --expect-none
sleep 0.5
if udp_any us2; then not_ok "HAO/UDP without a state: not delivered (the stack drops it)" "$(grep us2 "$UDPOUT")"; else ok "HAO/UDP without a state: not delivered (the stack drops it)"; fi
snap S1
check_deltas "HAO/UDP without a state: hao_stack +1; hao_dropped, be_sent 0" hao_stack=1 hao_dropped=0 be_sent=0

check "kbm add $HOA_K" cli "$NS_CN" kbm add "$HOA_K" key "$KK"
for st in without with; do
	[ $st = with ] && ro_add "$HOA_K"
	snap S0
	mn_check "HAO/UDP for $HOA_K (has a Kbm, no binding), $st a daemon's state: Binding Error status 1" \
		hao-udp --cn "$CN" --hoa "$HOA_K" --src "$COA" --marker "k$st" --expect-be status=1
	sleep 0.5
	if udp_any "k$st"; then not_ok "HAO/UDP for $HOA_K, $st a state: not delivered" "$(grep "k$st" "$UDPOUT")"; else ok "HAO/UDP for $HOA_K, $st a state: not delivered"; fi
	snap S1
	check_deltas "HAO/UDP for $HOA_K, $st a state: hao_dropped, be_sent +1; hao_stack 0" hao_dropped=1 be_sent=1 hao_stack=0
done
ro_flush

# ================================================================ 2. home agent daemon
diag "2. a home agent daemon beside the module, rr=kernel and rr=userspace"
# RFC 6275 9.3.1 (paraphrase): a packet with a Home Address option is
# accepted under a binding, or else dropped with a Binding Error. A home
# agent daemon accepts its mobile nodes' options through its own state: a
# home address unknown to the module is the daemon's (rr-interface.md).
id=256
for mode in kernel userspace; do
	echo $mode >$PARAMS/rr
	check "rr=$mode: daemon's route-optimisation state and policy for $HOA_H" ro_add "$HOA_H"
	snap S0
	id=$((id + 1))
	mn_check "rr=$mode, state: ICMPv6 echo request with a HAO for $HOA_H: echo reply to the home address" \
		icmp-hao --cn "$CN" --src "$COA" --hoa "$HOA_H" --type 128 --ident $id --expect reply
	snap S1
	check_deltas "rr=$mode, state: echo: hao_stack +1; hao_dropped, hao_accepted, be_sent 0" hao_stack=1 hao_dropped=0 hao_accepted=0 be_sent=0
	snap S0
	id=$((id + 1))
	mn_check "rr=$mode, state: Mobile Prefix Solicitation with a HAO: no Binding Error" \
		icmp-hao --cn "$CN" --src "$COA" --hoa "$HOA_H" --type 146 --ident $id --expect none
	if wait_for 5 icmp_got 146 "$HOA_H" $id; then ok "rr=$mode, state: the MPS reached the raw ICMPv6 socket from $HOA_H"; else not_ok "rr=$mode, state: the MPS reached the raw ICMPv6 socket from $HOA_H" "$(tail -n 3 "$ICMPOUT")"; fi
	snap S1
	check_deltas "rr=$mode, state: MPS: hao_stack +1; hao_dropped, be_sent 0" hao_stack=1 hao_dropped=0 be_sent=0
	ro_flush

	if [ $mode = kernel ]; then
		want=be deltas="hao_dropped=1 be_sent=1 hao_stack=0" what="dropped with a Binding Error status 1"
	else
		want=none deltas="hao_stack=1 hao_dropped=0 be_sent=0" what="left to the stack: no reply, no Binding Error"
	fi
	snap S0
	id=$((id + 1))
	mn_check "rr=$mode, no state: echo request with a HAO for $HOA_H: $what" \
		icmp-hao --cn "$CN" --src "$COA" --hoa "$HOA_H" --type 128 --ident $id --expect $want
	snap S1
	# shellcheck disable=SC2086
	check_deltas "rr=$mode, no state: echo: $deltas" $deltas
	snap S0
	id=$((id + 1))
	mn_check "rr=$mode, no state: MPS with a HAO for $HOA_H: $what" \
		icmp-hao --cn "$CN" --src "$COA" --hoa "$HOA_H" --type 146 --ident $id --expect $want
	sleep 0.5
	if icmp_got 146 "$HOA_H" $id; then not_ok "rr=$mode, no state: the MPS did not reach the raw ICMPv6 socket" "$(tail -n 3 "$ICMPOUT")"; else ok "rr=$mode, no state: the MPS did not reach the raw ICMPv6 socket"; fi
	snap S1
	# shellcheck disable=SC2086
	check_deltas "rr=$mode, no state: MPS: $deltas" $deltas
done

echo kernel >$PARAMS/rr
echo 1000 >$PARAMS/be_ratelimit_ms
mn_stop
ktap_finished
