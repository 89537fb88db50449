#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Correspondent node with preconfigured Kbms (draft-ietf-mip6-precfgKbm,
# RFC 6275 9.5.1, 9.3.1): netns mn plays the mobile node with selftests/mn.py
# (packets, MH checksums and HMAC-SHA1 authenticators computed in Python,
# independently of the module), netns cn runs the module.
#
#  - authenticated BUs create/refresh/delete bindings, and the BA is checked
#    byte by byte (RH2, MH, K = 0, PadN, BAD authenticator, checksum over the
#    final destination), and decoded with tshark;
#  - wrong key, flipped bits (covered octets and authenticator), wrong
#    care-of/correspondent in the MAC, missing BAD: silently dropped;
#  - malformed options (BAD length 8/16, not last, misaligned, Nonce Indices
#    length 16, AltCoA length 14): dropped as mh_bad_opt;
#  - sequence numbers (replay, older, window edge, 65535 -> 0): BA 135 with
#    the last accepted number;
#  - de-registration (lifetime 0, AltCoA == HoA, BU from home), expiry,
#    Alternate CoA, lifetime clamp;
#  - Home Address option: delivered from the registered care-of address,
#    otherwise dropped with a Binding Error status 1 (rate-limited), audit,
#    off; unknown MH type -> Binding Error status 2;
#  - BU without Kbm passed to a raw MH socket, or dropped (bu_nokey=drop),
#    with rr=userspace (return routability left to a daemon; rr.sh and
#    rr_coexist.sh test both modes);
#  - max_bindings, kbm_wrap, kbm show counters, two namespaces with the same
#    home address and different keys, rmmod with bindings present.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_root
require_cmd ip tshark
require_cli
require_module
ktap_print_header
netns_setup_or_skip

NS_CN2=cn2
TMP=$(mktemp -d)
cleanup() {
	[ -n "${MNP_PID:-}" ] && { echo quit >&"${MNP[1]}"; } 2>/dev/null
	netns_cleanup
	ip netns del "$NS_CN2" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

MNPY=$SELFTESTS_DIR/mn.py
CN=$ADDR_CN
COA=$ADDR_MN
ALT=2001:db8:1::3	# Alternate CoA, on mn
FLOODSRC=2001:db8:1::4	# source of the Binding Error flood
BESRC=2001:db8:1::5	# source of HAO packets without binding
BESRC2=2001:db8:1::6	# source of the unknown MH type
HOME7=2001:db8:1::7	# a home address the MN is at (no HAO)
CN2=2001:db8:5::1
COA2=2001:db8:5::2

HOA1=2001:db8:2::10
HOA_ALT=2001:db8:2::11
HOA_EXP=2001:db8:2::12
HOA_W=2001:db8:2::13
HOA_K=2001:db8:2::14
HOA_M1=2001:db8:2::21
HOA_M2=2001:db8:2::22
HOA_M3=2001:db8:2::23
HOA_I=2001:db8:2::30
HOA_U=2001:db8:2::99	# no Kbm, never bound

K1=0102030405060708090a0b0c0d0e0f1011121314
K2=a1a2a3a4a5a6a7a8a9aab0b1b2b3b4b5b6b7b8b9	# wrong key
KALT=1111111111111111111111111111111111111111
KEXP=2222222222222222222222222222222222222222
KW=3333333333333333333333333333333333333333
KK=4444444444444444444444444444444444444444
KM=5555555555555555555555555555555555555555
KH7=6666666666666666666666666666666666666666
KA=7777777777777777777777777777777777777777
KB=8888888888888888888888888888888888888888

PCAP=$TMP/replies.pcap
PARAMS=/sys/module/mip6sec/parameters

ktap_plan 151

# ---------------------------------------------------------------- bindings, keys, events
binding_json() { cli "${2:-$NS_CN}" -j binding show "$1" 2>&1; }
jfield() { # jfield JSON KEY: value of "KEY" in compact JSON (string or number)
	local re="\"$2\": ?\"?([^\",}]*)\"?"
	[[ $1 =~ $re ]] && echo "${BASH_REMATCH[1]}"
}
binding_absent() { # binding_absent HOA [NS]
	! cli "${2:-$NS_CN}" -j binding show 2>/dev/null | grep -q "\"hoa\": \?\"$1\""
}
binding_count() { # binding_count [NS]
	cli "${1:-$NS_CN}" -j binding show 2>/dev/null | grep -o '"hoa"' | wc -l
}
check_binding() { # check_binding NAME HOA COA SEQ [NS]: hoa, coa, cn, seq, auth kbm
	local j coa seq auth cn want_cn
	j=$(binding_json "$2" "${5:-$NS_CN}")
	want_cn=$CN
	[ "${5:-$NS_CN}" = "$NS_CN2" ] && want_cn=$CN2
	coa=$(jfield "$j" coa) seq=$(jfield "$j" seq) auth=$(jfield "$j" auth) cn=$(jfield "$j" cn)
	if [ "$coa" = "$3" ] && [ "$seq" = "$4" ] && [ "$auth" = kbm ] && [ "$cn" = "$want_cn" ]; then
		ok "$1"
	else
		not_ok "$1" "want coa=$3 seq=$4 cn=$want_cn auth=kbm" "got: $j"
	fi
}

MON=$TMP/monitor.out
mon_mark() { MON_MARK=$(wc -l <"$MON"); }
mon_since() { tail -n +$((MON_MARK + 1)) "$MON"; }
event_seen() { # event_seen EVENT HOA [REASON]: since the last mon_mark
	mon_since | grep "\"event\": \?\"$1\"" | grep "\"hoa\": \?\"$2\"" |
		grep -q "${3:+\"reason\": \?\"$3\"}"
}
check_event() { # check_event NAME SECONDS EVENT HOA [REASON]
	local name=$1 secs=$2
	shift 2
	if wait_for "$secs" event_seen "$@"; then ok "$name"; else not_ok "$name" "events since mark:" "$(mon_since)"; fi
}

kbm_json() { cli "$NS_CN" -j kbm show "$1" 2>&1; }

# ---------------------------------------------------------------- receivers in cn
UDPOUT=$TMP/udp.out
MHOUT=$TMP/mh.out
udp_got() { # udp_got MARKER SRC
	grep -q "\"src\": \"$2\", \"data\": \"m6:$1\"" "$UDPOUT"
}
udp_any() { grep -q "\"data\": \"m6:$1\"" "$UDPOUT"; }

# ---------------------------------------------------------------- the mobile node
bu() { # bu ARGS...: a BU from mn to cn through the default CoA
	mn bu --cn "$CN" --coa "$COA" "$@"
}
bu_check() { # bu_check NAME ARGS...
	local name=$1
	shift
	mn_check "$name" bu --cn "$CN" --coa "$COA" "$@"
}

# ---------------------------------------------------------------- setup
setup_ok=1
for a in $ALT $FLOODSRC $BESRC $BESRC2 $HOME7; do
	ip -n "$NS_MN" addr add "$a/64" dev "$IF_MN" nodad || setup_ok=0
done
ip netns add "$NS_CN2" || setup_ok=0
ip -n "$NS_MN" link add veth-mn2 type veth peer name veth-cn2 netns "$NS_CN2" || setup_ok=0
ip -n "$NS_CN2" link set lo up
in_ns "$NS_CN2" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
ip -n "$NS_MN" addr add "$COA2/64" dev veth-mn2 nodad || setup_ok=0
ip -n "$NS_CN2" addr add "$CN2/64" dev veth-cn2 nodad || setup_ok=0
ip -n "$NS_MN" link set veth-mn2 up || setup_ok=0
ip -n "$NS_CN2" link set veth-cn2 up || setup_ok=0
[ $setup_ok = 1 ] || ksft_skip_all "cannot add the extra addresses / cn2 namespace"

# module parameters at their defaults, whatever an earlier test left
echo enforce >$PARAMS/hao_policy
echo 4096 >$PARAMS/max_bindings
echo 1000 >$PARAMS/be_ratelimit_ms
echo 420 >$PARAMS/max_lifetime
echo pass >$PARAMS/bu_nokey
echo allow >$PARAMS/kbm_wrap
echo kernel >$PARAMS/rr

cli "$NS_CN" -j monitor >"$MON" 2>&1 &
bg_track $!
ip netns exec "$NS_CN" "$PYTHON" "$MNPY" udp-recv 9000 600 >"$UDPOUT" 2>&1 &
bg_track $!
ip netns exec "$NS_CN" "$PYTHON" "$MNPY" mh-recv 600 >"$MHOUT" 2>&1 &
bg_track $!
coproc MNP { ip netns exec "$NS_MN" "$PYTHON" "$MNPY" serve 2>&1; }
bg_track "$MNP_PID"
read -r -t 90 line <&"${MNP[0]}"
if [ "$line" != ready ] || ! wait_file_match "$READY_TIMEOUT" "$UDPOUT" '^ready' || ! wait_file_match "$READY_TIMEOUT" "$MHOUT" '^ready'; then
	diag "mn.py: $line; udp: $(cat "$UDPOUT"); mh: $(cat "$MHOUT")"
	ksft_skip_all "packet tools did not start"
fi
# neighbours of the extra addresses, so that no reply waits for ND
for a in $ALT $FLOODSRC $BESRC $BESRC2 $HOME7; do
	in_ns "$NS_CN" ping -6 -c1 -W2 -q "$a" >/dev/null 2>&1
done
in_ns "$NS_MN" ping -6 -c1 -W2 -q "$CN2" >/dev/null 2>&1

# The CLI first (what an operator types); every key is then (re)provisioned
# through selftests/nlcraft.py so that the packet tests do not depend on it.
check "CLI: mip6sec kbm add HOA key HEX cn ADDR" cli "$NS_CN" kbm add "$HOA1" key "$K1" cn "$CN"
prov=
for hk in "$HOA1 $K1" "$HOA_ALT $KALT" "$HOA_EXP $KEXP" "$HOA_W $KW" "$HOA_K $KK" \
	"$HOA_M1 $KM" "$HOA_M2 $KM" "$HOA_M3 $KM" "$HOA_I $KA" "$HOME7 $KH7"; do
	set -- $hk
	cli "$NS_CN" kbm show "$1" >/dev/null 2>&1 && continue
	out=$(nlcraft "$NS_CN" kbm-add hoa="$1" key="$2" cn="$CN" 2>&1) || prov+="$1: $out; "
done
out=$(nlcraft "$NS_CN2" kbm-add hoa="$HOA_I" key="$KB" 2>&1) || prov+="cn2 $HOA_I: $out; "
n=$(cli "$NS_CN" -j kbm show 2>/dev/null | grep -o '"hoa"' | wc -l)
[ "$n" = 10 ] || prov+="kbm show lists $n keys in cn, not 10"
result "$([ -z "$prov" ]; echo $?)" "provision 10 Kbms in cn and 1 in cn2" "$prov"

# ================================================================ 1. accepted BUs
diag "1. valid Binding Updates"
mon_mark
snap S0
declare -A S0MN S1MN
snap S0MN "$NS_MN"
bu_check "BU seq 5: BA status 0, every octet as computed (RH2, K=0, PadN, BAD, csum over HoA)" \
	--hoa "$HOA1" --key "$K1" --seq 5 --lifetime 10 --ack --expect-ba status=0 --pcap "$PCAP"
snap S1
check_deltas "BU seq 5: bu_rx, bu_accepted, ba_sent +1; auth_fail, replay, mh_malformed 0" \
	bu_rx=1 bu_accepted=1 ba_sent=1 auth_fail=0 replay=0 mh_malformed=0
check_binding "BU seq 5: binding (hoa, coa = IPv6 source, cn, seq 5, auth kbm)" "$HOA1" "$COA" 5
lt=$(jfield "$(binding_json "$HOA1")" lifetime)
if [ -n "$lt" ] && [ "$lt" -gt 30 ] && [ "$lt" -le 40 ]; then ok "BU seq 5: binding lifetime $lt s (10 units of 4 s)"; else not_ok "BU seq 5: binding lifetime in (30, 40] s" "got ${lt:-nothing}"; fi
check_event "BU seq 5: event binding-new" 5 binding-new "$HOA1"
j=$(kbm_json "$HOA1")
if [ "$(jfield "$j" last_seq)" = 5 ] && [ "$(jfield "$j" uses)" = 1 ]; then ok "kbm show -j: last_seq 5, uses 1"; else not_ok "kbm show -j: last_seq 5, uses 1" "$j"; fi
# The BA reached netns mn with a type 2 routing header; the module there (it
# runs in every namespace) must verify the MH checksum over the final
# destination, the home address in the RH2 (RFC 8200 8.1), as mn.py did.
snap S1MN "$NS_MN"
d=$((${S1MN[mh_bad_csum]:-0} - ${S0MN[mh_bad_csum]:-0}))
if [ "$d" -eq 0 ]; then ok "netns mn: the BA with RH2 is not counted as a bad MH checksum"; else not_ok "netns mn: the BA with RH2 is not counted as a bad MH checksum" "mh_bad_csum +$d in mn: the receive hook checks the checksum against the RH2 care-of destination, not the home address"; fi

mon_mark
bu_check "refresh seq 6: BA status 0" --hoa "$HOA1" --key "$K1" --seq 6 --lifetime 10 --ack --expect-ba status=0
check_event "refresh seq 6: event binding-update" 5 binding-update "$HOA1"
check_binding "refresh seq 6: binding seq 6" "$HOA1" "$COA" 6

snap S0
bu_check "BU seq 7 without A flag: accepted silently (no BA)" --hoa "$HOA1" --key "$K1" --seq 7 --lifetime 10 --expect-none
snap S1
check_deltas "BU seq 7 without A: bu_accepted +1, ba_sent 0" bu_accepted=1 ba_sent=0
check_binding "BU seq 7 without A: binding seq 7" "$HOA1" "$COA" 7
bu_check "BU seq 8 with Pad1 padding before BAD: BA status 0" --hoa "$HOA1" --key "$K1" --seq 8 --lifetime 10 --ack --layout pad1 --expect-ba status=0
bu_check "BU seq 9 with Nonce Indices (ignored with a Kbm): BA status 0" --hoa "$HOA1" --key "$K1" --seq 9 --lifetime 10 --ack --layout nonce --expect-ba status=0
bu_check "BU seq 10 lifetime 200: BA lifetime clamped to 105 (420 s)" --hoa "$HOA1" --key "$K1" --seq 10 --lifetime 200 --ack --expect-ba status=0,lifetime=105
lt=$(jfield "$(binding_json "$HOA1")" lifetime)
if [ -n "$lt" ] && [ "$lt" -gt 400 ] && [ "$lt" -le 420 ]; then ok "lifetime clamp: binding lifetime $lt s <= 420"; else not_ok "lifetime clamp: binding lifetime in (400, 420]" "got ${lt:-nothing}"; fi

# Expiry runs in the background of the next sections: max_lifetime=8 for
# this one BU only.
echo 8 >$PARAMS/max_lifetime
mon_mark
EXP_MARK=$MON_MARK
bu_check "expiry: BU lifetime 10 with max_lifetime=8: BA lifetime 2" --hoa "$HOA_EXP" --key "$KEXP" --seq 1 --lifetime 10 --ack --expect-ba status=0,lifetime=2
EXP_T0=$SECONDS
echo 420 >$PARAMS/max_lifetime
lt=$(jfield "$(binding_json "$HOA_EXP")" lifetime)
if [ -n "$lt" ] && [ "$lt" -ge 1 ] && [ "$lt" -le 8 ]; then ok "expiry: binding lifetime $lt s <= 8"; else not_ok "expiry: binding lifetime in [1, 8]" "got ${lt:-nothing}"; fi

# ================================================================ 2. authentication failures
diag "2. authenticator failures: silently dropped"
auth_fail_case() { # auth_fail_case WHAT BU-ARGS...
	local what=$1
	shift
	snap S0
	bu_check "$what: no BA" --hoa "$HOA1" --lifetime 10 --ack --expect-none "$@"
	snap S1
	check_deltas "$what: auth_fail +1, bu_accepted 0, ba_sent 0" auth_fail=1 bu_accepted=0 ba_sent=0
}
auth_fail_case "wrong key" --key "$K1" --auth-key "$K2" --seq 20
auth_fail_case "flipped bit in seq (covered)" --key "$K1" --seq 20 --flip 7:0x02
auth_fail_case "flipped bit in lifetime (covered)" --key "$K1" --seq 20 --flip 11:0x01
auth_fail_case "flipped bit in A/flags octet (covered)" --key "$K1" --seq 20 --flip 9:0x01
auth_fail_case "flipped bit in PadN data (covered option octet)" --key "$K1" --seq 20 --flip 15:0x10
auth_fail_case "flipped first bit of the authenticator" --key "$K1" --seq 20 --flip 20:0x80
auth_fail_case "flipped last bit of the authenticator" --key "$K1" --seq 20 --flip 31:0x01
auth_fail_case "MAC over the home address instead of the CoA" --key "$K1" --seq 20 --auth-coa "$HOA1"
auth_fail_case "MAC over another correspondent address" --key "$K1" --seq 20 --auth-cn 2001:db8:1::99
auth_fail_case "no Binding Authorization Data option" --key "$K1" --seq 20 --layout nobad
check_binding "binding of $HOA1 unchanged after the rejected BUs (seq 10)" "$HOA1" "$COA" 10
j=$(kbm_json "$HOA1")
if [ "$(jfield "$j" last_seq)" = 10 ] && [ "$(jfield "$j" uses)" = 6 ]; then ok "kbm show -j after failures: last_seq 10, uses 6 (6 accepted BUs, failures not counted)"; else not_ok "kbm show -j after failures: last_seq 10, uses 6 (6 accepted BUs, failures not counted)" "$j"; fi

# ================================================================ 3. malformed options
diag "3. malformed mobility options: mh_bad_opt"
bad_opt_case() { # bad_opt_case WHAT LAYOUT
	snap S0
	bu_check "$1: no BA" --hoa "$HOA1" --key "$K1" --seq 21 --lifetime 10 --ack --expect-none --layout "$2" --altcoa "$ALT"
	snap S1
	check_deltas "$1: mh_bad_opt +1, mh_malformed +1, auth_fail 0, bu_accepted 0" \
		mh_bad_opt=1 mh_malformed=1 auth_fail=0 bu_accepted=0
}
bad_opt_case "BAD length 8 (truncated authenticator)" bad-len8
bad_opt_case "BAD length 16" bad-len16
bad_opt_case "BAD not last (AltCoA after it)" bad-then-altcoa
bad_opt_case "BAD followed by trailing PadN" bad-then-pad
bad_opt_case "BAD at 8n+4" bad-misaligned
bad_opt_case "Nonce Indices length 16" nonce-len16
bad_opt_case "Alternate CoA length 14" altcoa-len14
check_binding "binding of $HOA1 unchanged after the malformed BUs" "$HOA1" "$COA" 10

# ================================================================ 4. sequence numbers
diag "4. sequence numbers"
# Refusals in a row to one address: without the rate limit of refusals
# (be_ratelimit_ms, checked in section 6).
echo 0 >$PARAMS/be_ratelimit_ms
snap S0
bu_check "replayed seq 10: BA 135 carrying last accepted seq 10, authenticated" --hoa "$HOA1" --key "$K1" --seq 10 --lifetime 10 --ack --expect-ba status=135,seq=10 --pcap "$PCAP"
snap S1
check_deltas "replayed seq 10: replay +1, bu_accepted 0, auth_fail 0" replay=1 bu_accepted=0 auth_fail=0
snap S0
bu_check "older seq 3 without A flag: BA 135 seq 10 all the same" --hoa "$HOA1" --key "$K1" --seq 3 --lifetime 10 --expect-ba status=135,seq=10
snap S1
check_delta "older seq 3: replay +1" replay 1
bu_check "seq 10+32768 (not newer modulo 2^16): BA 135 seq 10" --hoa "$HOA1" --key "$K1" --seq 32778 --lifetime 10 --ack --expect-ba status=135,seq=10
bu_check "seq 10+32767 (newest possible): BA status 0" --hoa "$HOA1" --key "$K1" --seq 32777 --lifetime 10 --ack --expect-ba status=0
check_binding "binding seq 32777 after the window edge" "$HOA1" "$COA" 32777
bu_check "wrap: first BU seq 65535 (fresh key): BA status 0" --hoa "$HOA_W" --key "$KW" --seq 65535 --lifetime 10 --ack --expect-ba status=0
bu_check "wrap: seq 0 after 65535 is newer: BA status 0" --hoa "$HOA_W" --key "$KW" --seq 0 --lifetime 10 --ack --expect-ba status=0
bu_check "wrap: seq 65535 after 0 is older: BA 135 seq 0" --hoa "$HOA_W" --key "$KW" --seq 65535 --lifetime 10 --ack --expect-ba status=135,seq=0
check_binding "wrap: binding seq 0" "$HOA_W" "$COA" 0
echo 1000 >$PARAMS/be_ratelimit_ms

# ================================================================ 5. de-registration
diag "5. de-registration"
auth_fail_case "de-registration (lifetime 0) with the MAC over the CoA" --key "$K1" --seq 32778 --lifetime 0 --auth-coa "$COA"
mon_mark
bu_check "de-registration lifetime 0 (MAC over the HoA): BA status 0 lifetime 0" --hoa "$HOA1" --key "$K1" --seq 32778 --lifetime 0 --ack --expect-ba status=0,lifetime=0
if binding_absent "$HOA1"; then ok "de-registration: binding deleted"; else not_ok "de-registration: binding deleted" "$(binding_json "$HOA1")"; fi
check_event "de-registration: event binding-del reason deregistered" 5 binding-del "$HOA1" deregistered
bu_check "re-registration seq 32779: BA status 0" --hoa "$HOA1" --key "$K1" --seq 32779 --lifetime 10 --ack --expect-ba status=0
bu_check "de-registration by Alternate CoA == HoA (lifetime 10): BA status 0 lifetime 0" --hoa "$HOA1" --key "$K1" --seq 32780 --lifetime 10 --altcoa "$HOA1" --ack --expect-ba status=0,lifetime=0
if binding_absent "$HOA1"; then ok "AltCoA == HoA: binding deleted"; else not_ok "AltCoA == HoA: binding deleted" "$(binding_json "$HOA1")"; fi
mn_check "BU from the home address itself (no HAO): de-registration, BA 0 lifetime 0, no RH2" \
	bu --cn "$CN" --coa "$HOME7" --hoa "$HOME7" --key "$KH7" --seq 1 --lifetime 10 --ack --expect-ba status=0,lifetime=0
if binding_absent "$HOME7"; then ok "BU from home: no binding"; else not_ok "BU from home: no binding" "$(binding_json "$HOME7")"; fi

# ================================================================ 6. Alternate CoA and HAO
diag "6. Alternate care-of address, Home Address option"
auth_fail_case "AltCoA BU with the MAC over the IPv6 source" --key "$KALT" --seq 1 --hoa "$HOA_ALT" --altcoa "$ALT" --auth-coa "$COA"
bu_check "AltCoA BU: BA status 0 to the IPv6 source, BAD over the AltCoA" --hoa "$HOA_ALT" --key "$KALT" --seq 1 --lifetime 10 --altcoa "$ALT" --ack --expect-ba status=0
check_binding "AltCoA BU: binding coa = Alternate CoA" "$HOA_ALT" "$ALT" 1

snap S0
mn_check "HAO/UDP from the AltCoA: no Binding Error" hao-udp --cn "$CN" --hoa "$HOA_ALT" --src "$ALT" --marker alt1 --expect-none
if wait_for 5 udp_got alt1 "$HOA_ALT"; then ok "HAO/UDP from the AltCoA: delivered with the home address as source"; else not_ok "HAO/UDP from the AltCoA: delivered with the home address as source" "$(tail -n 5 "$UDPOUT")"; fi
snap S1
check_deltas "HAO/UDP from the AltCoA: hao_rx, hao_accepted +1; hao_dropped 0" hao_rx=1 hao_accepted=1 hao_dropped=0

sleep 1.1	# the BE rate limit of the last destination
snap S0
mn_check "HAO/UDP from another CoA than the bound one: Binding Error status 1, every octet" \
	hao-udp --cn "$CN" --hoa "$HOA_ALT" --src "$COA" --marker alt2 --expect-be status=1
sleep 0.5
if udp_any alt2; then not_ok "HAO/UDP from another CoA: not delivered" "$(grep alt2 "$UDPOUT")"; else ok "HAO/UDP from another CoA: not delivered"; fi
snap S1
check_deltas "HAO/UDP from another CoA: hao_dropped +1, be_sent +1, hao_accepted 0" hao_dropped=1 be_sent=1 hao_accepted=0

snap S0
mn_check "HAO/UDP, home address without binding: Binding Error status 1, every octet" \
	hao-udp --cn "$CN" --hoa "$HOA_U" --src "$BESRC" --marker u1 --expect-be status=1 --pcap "$PCAP"
sleep 0.5
if udp_any u1; then not_ok "HAO/UDP without binding: not delivered" "$(grep u1 "$UDPOUT")"; else ok "HAO/UDP without binding: not delivered"; fi
snap S1
check_deltas "HAO/UDP without binding: hao_rx +1, hao_dropped +1, be_sent +1" hao_rx=1 hao_dropped=1 be_sent=1

# Binding Error rate limit: 200 packets from one source in well under 1 s.
snap S0
if mn hao-flood --cn "$CN" --hoa "$HOA_U" --src "$FLOODSRC" --count 200 --listen 2; then
	secs=$(sed -n 's/.*secs=\([0-9.]*\).*/\1/p' <<<"$MN_OUT")
	nbe=$(sed -n 's/.* be=\([0-9]*\).*/\1/p' <<<"$MN_OUT")
	badbe=$(sed -n 's/.*badbe=\([0-9]*\).*/\1/p' <<<"$MN_OUT")
	diag "flood: $MN_OUT"
	if awk -v s="$secs" 'BEGIN { exit !(s < 1.0) }'; then ok "BE flood: 200 HAO packets sent in ${secs}s (< 1 s)"; else not_ok "BE flood: 200 HAO packets sent in < 1 s" "took ${secs}s: the count below assumes one rate-limit interval"; fi
	check_eq "BE flood: exactly 1 Binding Error for 200 packets (be_ratelimit_ms=1000)" 1 "$nbe"
	check_eq "BE flood: the Binding Error is correct to the octet" 0 "$badbe"
else
	not_ok "BE flood: 200 HAO packets sent in < 1 s" "$MN_OUT"
	not_ok "BE flood: exactly 1 Binding Error for 200 packets (be_ratelimit_ms=1000)" "$MN_OUT"
	not_ok "BE flood: the Binding Error is correct to the octet" "$MN_OUT"
fi
wait_delta 5 hao_dropped 200
check_deltas "BE flood: hao_dropped +200, be_sent +1, be_ratelimited +199" hao_dropped=200 be_sent=1 be_ratelimited=199
if grep -q '"data": "m6:flood' "$UDPOUT"; then not_ok "BE flood: nothing delivered"; else ok "BE flood: nothing delivered"; fi

echo audit >$PARAMS/hao_policy
sleep 1.1
snap S0
mn_check "hao_policy=audit: no Binding Error" hao-udp --cn "$CN" --hoa "$HOA_U" --src "$BESRC" --marker audit1 --expect-none
if wait_for 5 udp_got audit1 "$HOA_U"; then ok "hao_policy=audit: delivered with the home address as source"; else not_ok "hao_policy=audit: delivered with the home address as source" "$(tail -n 5 "$UDPOUT")"; fi
snap S1
check_deltas "hao_policy=audit: hao_audited +1, hao_dropped 0, hao_accepted 0, be_sent 0" hao_audited=1 hao_dropped=0 hao_accepted=0 be_sent=0

echo off >$PARAMS/hao_policy
snap S0
mn_check "hao_policy=off: no Binding Error" hao-udp --cn "$CN" --hoa "$HOA_U" --src "$BESRC" --marker off1 --expect-none
sleep 0.5
if udp_any off1; then not_ok "hao_policy=off: not delivered (no xfrm state)" "$(grep off1 "$UDPOUT")"; else ok "hao_policy=off: not delivered (no xfrm state)"; fi
snap S1
check_deltas "hao_policy=off: hao_rx +1, no other HAO or BE counter" hao_rx=1 hao_audited=0 hao_dropped=0 hao_accepted=0 be_sent=0 be_ratelimited=0
echo enforce >$PARAMS/hao_policy

# ================================================================ 7. unknown MH type
diag "7. unknown Mobility Header type"
sleep 1.1
snap S0
mn_check "MH type 30 with a bad checksum: no Binding Error" mh --cn "$CN" --src "$BESRC2" --type 30 --bad-csum --expect-none
snap S1
check_deltas "MH type 30 with a bad checksum: mh_bad_csum +1, mh_unknown_type 0, be_sent 0" mh_bad_csum=1 mh_unknown_type=0 be_sent=0
snap S0
mn_check "MH type 30: Binding Error status 2, home address ::, every octet" mh --cn "$CN" --src "$BESRC2" --type 30 --expect-be status=2 --pcap "$PCAP"
snap S1
check_deltas "MH type 30: mh_unknown_type +1, mh_malformed +1, be_sent +1" mh_unknown_type=1 mh_malformed=1 be_sent=1

# ================================================================ 8. tshark
diag "8. tshark decodes what was captured in mn"
tsv=$(tshark -r "$PCAP" -T fields -E separator=, -E occurrence=f \
	-e mip6.mhtype -e mip6.ba.status -e mip6.ba.seqnr -e mip6.ba.lifetime -e mip6.ba.k_flag \
	-e mip6.be.status -e mip6.be.haddr -e ipv6.routing.mipv6.home_address -e mip6.bad.auth 2>&1 | grep -v '^Running as')
diag "tshark: $(tr '\n' ' ' <<<"$tsv")"
line1=$(sed -n 1p <<<"$tsv") line2=$(sed -n 2p <<<"$tsv") line3=$(sed -n 3p <<<"$tsv") line4=$(sed -n 4p <<<"$tsv")
if [[ $line1 =~ ^6,0,5,10,0,,,$HOA1,[0-9a-f]{24}$ ]]; then ok "tshark: BA status 0 seq 5 lifetime 10 K=0, RH2 $HOA1, 96-bit authenticator"; else not_ok "tshark: BA status 0 seq 5 lifetime 10 K=0, RH2 $HOA1, 96-bit authenticator" "$line1"; fi
if [[ $line2 =~ ^6,135,10,0,0,,,$HOA1,[0-9a-f]{24}$ ]]; then ok "tshark: BA status 135 seq 10 with authenticator"; else not_ok "tshark: BA status 135 seq 10 with authenticator" "$line2"; fi
if [ "$line3" = "7,,,,,1,$HOA_U,," ]; then ok "tshark: Binding Error status 1, Home Address $HOA_U"; else not_ok "tshark: Binding Error status 1, Home Address $HOA_U" "$line3"; fi
if [ "$line4" = "7,,,,,2,::,," ]; then ok "tshark: Binding Error status 2, Home Address ::"; else not_ok "tshark: Binding Error status 2, Home Address ::" "$line4"; fi

# ================================================================ 9. expiry (BU sent in section 1)
diag "9. expiry"
wait_left=$((EXP_T0 + 9 - SECONDS))
[ $wait_left -gt 0 ] && sleep $wait_left
if binding_absent "$HOA_EXP"; then ok "expiry: binding gone from binding show after 8 s"; else not_ok "expiry: binding gone from binding show after 8 s" "$(binding_json "$HOA_EXP")"; fi
MON_MARK=$EXP_MARK
check_event "expiry: event binding-del reason expired (reaper every 5 s)" 8 binding-del "$HOA_EXP" expired

# ================================================================ 10. no Kbm
diag "10. BUs without a Kbm"
# What a mobility daemon receives: return routability is left to it.
echo userspace >$PARAMS/rr
snap S0
mn_check "BU for a home address without Kbm: no BA from the module" bu --cn "$CN" --coa "$COA" --hoa "$COA" --key "$K1" --seq 77 --lifetime 10 --ack --expect-none --expect-none-wait 0.3
if wait_for 5 grep -q '"type": 5, "seq": 77, "src": "'"$COA"'"' "$MHOUT"; then ok "BU without Kbm: delivered to the raw IPPROTO_MH socket in cn"; else not_ok "BU without Kbm: delivered to the raw IPPROTO_MH socket in cn" "$(tail -n 3 "$MHOUT")"; fi
snap S1
check_deltas "BU without Kbm: bu_passed +1, auth_fail 0, bu_accepted 0" bu_passed=1 auth_fail=0 bu_accepted=0
echo drop >$PARAMS/bu_nokey
snap S0
mn_check "bu_nokey=drop: no BA" bu --cn "$CN" --coa "$COA" --hoa "$COA" --key "$K1" --seq 78 --lifetime 10 --ack --expect-none
sleep 0.5
if grep -q '"seq": 78,' "$MHOUT"; then not_ok "bu_nokey=drop: not delivered to the raw socket" "$(tail -n 3 "$MHOUT")"; else ok "bu_nokey=drop: not delivered to the raw socket"; fi
snap S1
check_deltas "bu_nokey=drop: bu_nokey_dropped +1, bu_passed 0" bu_nokey_dropped=1 bu_passed=0
echo pass >$PARAMS/bu_nokey
snap S0
bu_check "BU with H=1 for a home address with Kbm: not handled by the Kbm path (no BA)" --hoa "$HOA1" --key "$K1" --seq 40000 --lifetime 10 --ack --home --expect-none
snap S1
check_deltas "BU with H=1: bu_passed +1, bu_accepted 0, auth_fail 0" bu_passed=1 bu_accepted=0 auth_fail=0
echo kernel >$PARAMS/rr

# ================================================================ 11. max_bindings
diag "11. max_bindings"
# Start from an empty cache: expired entries count until they are reaped.
cli "$NS_CN" binding flush
echo 2 >$PARAMS/max_bindings
bu_check "max_bindings=2: new binding 1 of 2 accepted" --hoa "$HOA_M1" --key "$KM" --seq 1 --lifetime 10 --ack --expect-ba status=0
bu_check "max_bindings: new binding 2 of 2 accepted" --hoa "$HOA_M2" --key "$KM" --seq 1 --lifetime 10 --ack --expect-ba status=0
snap S0
bu_check "max_bindings: one more home address gets BA 130 (insufficient resources)" --hoa "$HOA_M3" --key "$KM" --seq 1 --lifetime 10 --ack --expect-ba status=130
snap S1
check_deltas "max_bindings: bc_full +1, bu_accepted 0" bc_full=1 bu_accepted=0
# Bindings from earlier sections may expire meanwhile: name the entries.
if ! binding_absent "$HOA_M1" && ! binding_absent "$HOA_M2" && binding_absent "$HOA_M3"; then
	ok "max_bindings: the two new bindings exist, the refused one does not"
else
	not_ok "max_bindings: the two new bindings exist, the refused one does not" "$(cli "$NS_CN" -j binding show 2>&1 | head -c 400)"
fi
bu_check "max_bindings: a refresh of an existing binding is still accepted" --hoa "$HOA_M1" --key "$KM" --seq 2 --lifetime 10 --ack --expect-ba status=0
echo 4096 >$PARAMS/max_bindings

# ================================================================ 12. key wrap
diag "12. kbm_wrap"
mon_mark
bu_check "kbm wrap: seq 0 accepted" --hoa "$HOA_K" --key "$KK" --seq 0 --lifetime 10 --ack --expect-ba status=0
bu_check "kbm wrap: seq 32767 accepted" --hoa "$HOA_K" --key "$KK" --seq 32767 --lifetime 10 --ack --expect-ba status=0
bu_check "kbm wrap: seq 32768 accepted" --hoa "$HOA_K" --key "$KK" --seq 32768 --lifetime 10 --ack --expect-ba status=0
sleep 0.3
# An advance of 32768 keeps every earlier BU "older"; one more and seq 0
# would look newer than the last accepted number again.
if mon_since | grep -q '"event": \?"kbm-exhausted"'; then not_ok "kbm wrap: no kbm-exhausted after an advance of 32768" "$(mon_since)"; else ok "kbm wrap: no kbm-exhausted after an advance of 32768"; fi
bu_check "kbm wrap: seq 32769 (advance 32769) accepted with kbm_wrap=allow" --hoa "$HOA_K" --key "$KK" --seq 32769 --lifetime 10 --ack --expect-ba status=0
check_event "kbm wrap: event kbm-exhausted" 5 kbm-exhausted "$HOA_K"
echo refuse >$PARAMS/kbm_wrap
# Two refusals in a row to one address: lift the rate limit of refusals
# (be_ratelimit_ms, checked in section 9) for them.
echo 0 >$PARAMS/be_ratelimit_ms
snap S0
bu_check "kbm_wrap=refuse: a replay of seq 0 (now newer modulo 2^16) gets BA 129, authenticated" --hoa "$HOA_K" --key "$KK" --seq 0 --lifetime 10 --ack --expect-ba status=129
bu_check "kbm_wrap=refuse: next BU (seq 32770) gets BA 129, authenticated" --hoa "$HOA_K" --key "$KK" --seq 32770 --lifetime 10 --ack --expect-ba status=129
snap S1
# Refused for a reason without a counter of its own: bu_refused.
check_deltas "kbm_wrap=refuse: bu_rx, bu_refused +2; replay, auth_fail, bu_accepted 0" \
	bu_rx=2 bu_refused=2 replay=0 auth_fail=0 bu_accepted=0
echo 1000 >$PARAMS/be_ratelimit_ms
check_binding "kbm_wrap=refuse: binding keeps seq 32769" "$HOA_K" "$COA" 32769
echo allow >$PARAMS/kbm_wrap
bu_check "kbm_wrap=allow again: seq 32770 accepted" --hoa "$HOA_K" --key "$KK" --seq 32770 --lifetime 10 --ack --expect-ba status=0
n=$(mon_since | grep -c '"event": \?"kbm-exhausted"')
check_eq "kbm wrap: kbm-exhausted announced once" 1 "$n"

# ================================================================ 13. two namespaces
diag "13. same home address, different keys in cn and cn2"
bu_check "cn: BU with key A accepted" --hoa "$HOA_I" --key "$KA" --seq 1 --lifetime 10 --ack --expect-ba status=0
snap S0 "$NS_CN2"
mn_check "cn2: BU with key A (cn2 has key B) dropped" bu --cn "$CN2" --coa "$COA2" --hoa "$HOA_I" --key "$KA" --seq 2 --lifetime 10 --ack --expect-none
snap S1 "$NS_CN2"
check_deltas "cn2: auth_fail +1, bu_accepted 0" auth_fail=1 bu_accepted=0
mn_check "cn2: BU with key B accepted" bu --cn "$CN2" --coa "$COA2" --hoa "$HOA_I" --key "$KB" --seq 2 --lifetime 10 --ack --expect-ba status=0
snap S0
bu_check "cn: BU with key B dropped" --hoa "$HOA_I" --key "$KB" --seq 3 --lifetime 10 --ack --expect-none
snap S1
check_delta "cn: auth_fail +1 for key B" auth_fail 1
check_binding "cn: binding of $HOA_I via $COA, seq 1" "$HOA_I" "$COA" 1
check_binding "cn2: binding of $HOA_I via $COA2, seq 2" "$HOA_I" "$COA2" 2 "$NS_CN2"
check_eq "cn2: one Kbm, one binding" "1 1" "$(cli "$NS_CN2" -j kbm show | grep -o '"hoa"' | wc -l) $(binding_count "$NS_CN2")"

# ================================================================ 13b. key removed
diag "13b. deleting a Kbm removes the bindings it authorised"
bu_check "key removal: fresh binding for $HOA_M1" --hoa "$HOA_M1" --key "$KM" --seq 3 --lifetime 60 --ack --expect-ba status=0
mon_mark
out=$(cli "$NS_CN" kbm del "$HOA_M1" 2>&1)
result $? "key removal: kbm del $HOA_M1" "$out"
if binding_absent "$HOA_M1"; then ok "key removal: binding of $HOA_M1 gone"; else not_ok "key removal: binding of $HOA_M1 gone" "$(binding_json "$HOA_M1")"; fi
check_event "key removal: event binding-del reason key-removed" 5 binding-del "$HOA_M1" key-removed
if binding_absent "$HOA_I"; then not_ok "key removal: other bindings stay" "$HOA_I gone"; else ok "key removal: other bindings stay"; fi

# ================================================================ 14. rmmod with bindings
diag "14. rmmod with bindings present"
# Bindings of the earlier sections may have expired by now (TCG is slow).
for i in 31 32 33; do
	cli "$NS_CN" kbm add "2001:db8:2::$i" key "$KM" >/dev/null 2>&1
	bu_check "rmmod: long-lived binding for 2001:db8:2::$i" --hoa "2001:db8:2::$i" --key "$KM" --seq 1 --lifetime 600 --ack --expect-ba status=0
done
nb=$(binding_count)
if [ "$nb" -ge 3 ]; then ok "bindings present before rmmod ($nb)"; else not_ok "bindings present before rmmod" "only $nb"; fi
echo quit >&"${MNP[1]}"
MNP_PID=
out=$(rmmod mip6sec 2>&1)
result $? "rmmod mip6sec with $nb bindings, Kbms in two namespaces and a monitor" "$out"
if module_loaded; then not_ok "module gone after rmmod"; else ok "module gone after rmmod"; fi
out=$(module_load 2>&1)
result $? "module loads again" "$out"
check_eq "binding cache empty after reload" 0 "$(binding_count)"

ktap_finished
