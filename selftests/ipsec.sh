#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Correspondent node trusting IPsec SAs (issue 5, draft-dupont-mipv6-cn-ipsec,
# /work/notes/issue5-contract.md), with manual SAs: netns cn runs the module
# with ESP transport states and policies set up by "ip xfrm" (inbound
# HoA -> CN states; an outbound policy CN -> HoA for the Mobility Header with
# an ESP template, so that BAs leave under ESP); netns mn plays the mobile
# node with selftests/ipsec_mn.py, which builds every packet itself:
# IPv6(CoA) | DSTOPT(HAO) | ESP | UDP or MH, ESP computed in Python (checked
# against scapy's SecurityAssociation), and decrypts and checks the replies.
#
#  - HAO data under a suitable SA (AES-CBC + HMAC-SHA-256, GCM, ESN):
#    delivered from the home address without a binding (hao_deferred,
#    hao_ipsec); corrupted ICV: dropped by xfrm (integrity failed), no
#    Binding Error, not delivered; unsuitable SAs (tunnel mode, encryption
#    only, digest_null, 32-bit ICV, selectors /64, none, another home
#    address, another protocol, replay window 0): dropped with a Binding
#    Error status 1 to the CoA (contents checked); tunnel mode and an
#    unknown SPI, no binding: left to the stack, which drops them, no
#    Binding Error;
#  - BUs under ESP: Alternate CoA = source -> binding auth ipsec with the
#    SPI, BA status 0 under ESP with the CN -> HoA SPI (decrypted and checked
#    field by field, tshark sees ESP); no Alternate CoA -> 129, H set ->
#    131, K set ignored;
#    Nonce Indices and BAD ignored; old sequence numbers -> 135; lifetime
#    capped by ipsec_max_lifetime and the SA's hard lifetime; HAO data
#    without IPsec through the binding (hao_accepted); de-registration;
#    coa_test=off -> 174;
#  - kbm_and_ipsec = kbm / either / ipsec for a home address with a Kbm;
#  - care-of address test: cookie BA at the tested address (status, option,
#    timestamp, CoA), binding only after the exact cookie comes back; forged,
#    stale and other-address cookies refused with a fresh cookie; the entry
#    is disabled meanwhile; cookie_ba_status / cookie_opt_type at run time;
#    cookies made with a secret rotated out twice are refused.

# shellcheck disable=SC2046 # $(alg SPI) expands to several words on purpose
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_root
require_cmd ip tshark sha256sum
require_cli
require_module
$PYTHON -c 'import cryptography.hazmat.primitives.ciphers.aead' 2>/dev/null ||
	ksft_skip_all "python3-cryptography not installed"
# The crypto the SAs need. The VM guest cannot autoload modules (its
# usermode helper looks for modprobe in the initramfs), so load them here.
# echainiv/seqiv (the IV generators of CBC and GCM) need a default RNG
# ("stdrng"): drbg's self-test fails under TCG on 6.1 (a WARN, so a panic
# with panic_on_warn), so take ansi_cprng when no stdrng is registered.
grep -q '^name *: stdrng' /proc/crypto 2>/dev/null || modprobe -q ansi_cprng
for m in crypto-authenc crypto-authencesn crypto-gcm crypto-rfc4106 crypto-ghash crypto-ctr \
	crypto-seqiv crypto-echainiv; do
	modprobe -q "$m" 2>/dev/null
done
ktap_print_header
netns_setup_or_skip

TMP=$(mktemp -d)
. "$SELFTESTS_DIR/sa_lib.sh"
# Section 6 reloads the module: from a private copy, which a rebuild or a
# cleanup of the build tree during the run cannot take away.
if [ -f "${MIP6SEC_KO:-}" ] && cp "$MIP6SEC_KO" "$TMP/mip6sec.ko"; then
	MIP6SEC_KO=$TMP/mip6sec.ko
fi
UDPPY=$SELFTESTS_DIR/mn.py	# its udp-recv is the receiver in cn
MNPY=$SELFTESTS_DIR/ipsec_mn.py	# the mobile node of mn_start / mn / mn_check
cleanup() {
	mn_stop
	netns_cleanup
	rm -rf "$TMP"
}
trap cleanup EXIT

CN=$ADDR_CN
COA=$ADDR_MN
ALT=2001:db8:1::3	# Alternate CoAs (tested addresses), on mn
ALT2=2001:db8:1::4
HOA=2001:db8:2::10	# main home address
HOA_O=2001:db8:2::11	# "another home address" in an SA selector
HOA_K=2001:db8:2::20	# has a Kbm too
HOA_C=2001:db8:2::30	# care-of address test
HOA_L=2001:db8:2::40	# SA with a hard lifetime
KK=$(printf %s "ipsec kbm" | sha256sum | cut -c1-40)

PCAP=$TMP/ba.pcap
UDPOUT=$TMP/udp.out

ktap_plan 164

# ---------------------------------------------------------------- helpers
# Keys per SPI, from sha256 (not secret, just distinct per SA).
ek() { printf %s "ipsec enc $1" | sha256sum | cut -c1-32; }
ak() { printf %s "ipsec auth $1" | sha256sum | cut -c1-64; }
# alg SPI: the ip xfrm algorithm words, split where used (SC2046)
alg() { echo "auth-trunc hmac(sha256) 0x$(ak "$1") 128 enc cbc(aes) 0x$(ek "$1")"; }
SETUP_ERR=
xstate() { # xstate SPI SRC DST ARGS...: ESP state in cn
	local spi=$1 src=$2 dst=$3 out
	shift 3
	out=$(ip -n "$NS_CN" xfrm state add src "$src" dst "$dst" proto esp spi "$spi" "$@" 2>&1) ||
		SETUP_ERR+="state $spi ($*): $out; "
}
xpolicy() { # xpolicy ARGS...: policy in cn
	local out
	out=$(ip -n "$NS_CN" xfrm policy add "$@" 2>&1) || SETUP_ERR+="policy ($*): $out; "
}
mh_policies() { # mh_policies HOA REQID: Mobility Header HoA <-> CN under ESP
	xpolicy src "$1/128" dst "$CN/128" proto 135 dir in \
		tmpl src "$1" dst "$CN" proto esp mode transport
	xpolicy src "$CN/128" dst "$1/128" proto 135 dir out \
		tmpl src "$CN" dst "$1" proto esp mode transport reqid "$2"
}
mn_sa() { # mn_sa SPI [ARGS...]: the same SA in ipsec_mn.py (default: alg keys)
	local spi=$1
	shift
	[ $# -gt 0 ] || set -- --enc "$(ek "$spi")" --auth "$(ak "$spi")" --icv 128
	mn sa --spi "$spi" "$@" || SETUP_ERR+="ipsec_mn.py sa $spi: $MN_OUT; "
}
sa_pair() { # sa_pair HOA REQID IN-SPI OUT-SPI [STATE-ARGS...]: a mobile node's SAs
	local hoa=$1 reqid=$2 in=$3 out=$4
	shift 4
	xstate "$in" "$hoa" "$CN" mode transport reqid "$reqid" replay-window 32 $(alg "$in") \
		sel src "$hoa/128" dst "$CN/128" "$@"
	xstate "$out" "$CN" "$hoa" mode transport reqid "$reqid" replay-window 32 $(alg "$out") \
		sel src "$CN/128" dst "$hoa/128"
	mh_policies "$hoa" "$reqid"
	mn_sa "$in"
	mn_sa "$out"
}
xfrm_failed() { # xfrm_failed SRC SPI: integrity failures of the inbound state
	ip -n "$NS_CN" -s xfrm state get src "$1" dst "$CN" proto esp spi "$2" 2>/dev/null |
		sed -n 's/.*replay-window [0-9]* replay [0-9]* failed \([0-9]*\).*/\1/p'
}

udp_got() { grep -q "\"src\": \"$2\", \"data\": \"m6:$1\"" "$UDPOUT"; }
udp_any() { grep -q "\"data\": \"m6:$1\"" "$UDPOUT"; }
check_delivered() { # check_delivered NAME MARKER FROM
	if wait_for 5 udp_got "$2" "$3"; then ok "$1"; else not_ok "$1" "$(grep "m6:$2\"" "$UDPOUT" || echo "marker $2 not received")"; fi
}
check_not_delivered() { # check_not_delivered NAME MARKER (after the verdict, give it 0.5 s)
	sleep 0.5
	if udp_any "$2"; then not_ok "$1" "received: $(grep "m6:$2\"" "$UDPOUT")"; else ok "$1"; fi
}
wait_counter() { # wait_counter COUNTER MIN: S1 once COUNTER rose by MIN (or 5 s)
	wait_delta 5 "$1" "$2" || true
}

MARK=0
marker() { MARK=$((MARK + 1)); M=m$MARK; }

# HAO data under SPI, from COA, delivered without a binding.
data_suitable() { # data_suitable WHAT SPI
	marker
	snap S0
	mn_check "$1: no Binding Error" udp --cn "$CN" --spi "$2" --src "$COA" --hoa "$HOA" --marker "$M" --expect-none
	check_delivered "$1: UDP delivered to the socket in cn from $HOA" "$M" "$HOA"
	wait_counter hao_ipsec 1
	check_deltas "$1: hao_deferred +1, hao_ipsec +1, hao_accepted 0, hao_dropped 0, be_sent 0" \
		hao_deferred=1 hao_ipsec=1 hao_accepted=0 hao_dropped=0 be_sent=0
}
# HAO data under ESP dropped with a Binding Error status 1 to the CoA.
data_be_dropped() { # data_be_dropped WHAT SPI DELTAS-TEXT "DELTAS" [UDP-ARGS...]
	local what=$1 spi=$2 text=$3 deltas=$4
	shift 4
	marker
	snap S0
	mn_check "$what: Binding Error status 1 for $HOA to $COA" udp --cn "$CN" --spi "$spi" --src "$COA" --hoa "$HOA" \
		--marker "$M" --expect-be status=1 "$@"
	check_not_delivered "$what: not delivered" "$M"
	snap S1
	# shellcheck disable=SC2086 # DELTAS is a list of NAME=N words
	check_deltas "$what: $text" $deltas
}
# HAO data under an unsuitable SA: decrypted, then dropped with BE 1.
data_unsuitable() { # data_unsuitable WHAT SPI [UDP-ARGS...]
	data_be_dropped "$1" "$2" "hao_deferred +1, hao_dropped +1, ipsec_unsuitable +1, be_sent +1, hao_ipsec 0" \
		"hao_deferred=1 hao_dropped=1 ipsec_unsuitable=1 be_sent=1 hao_ipsec=0 hao_accepted=0" "${@:3}"
}
# HAO data without IPsec.
plain_data() { # plain_data NAME SRC HOA accepted|be
	marker
	snap S0
	if [ "$4" = accepted ]; then
		mn_check "$1: no Binding Error" udp --cn "$CN" --plain --src "$2" --hoa "$3" --marker "$M" --expect-none
		check_delivered "$1: delivered from $3" "$M" "$3"
		snap S1
		check_deltas "$1: hao_accepted +1, hao_ipsec 0, hao_dropped 0" hao_accepted=1 hao_ipsec=0 hao_dropped=0
	else
		mn_check "$1: Binding Error status 1 to $2" udp --cn "$CN" --plain --src "$2" --hoa "$3" --marker "$M" --expect-be status=1
		check_not_delivered "$1: not delivered" "$M"
		snap S1
		check_deltas "$1: hao_dropped +1, be_sent +1, hao_accepted 0" hao_dropped=1 be_sent=1 hao_accepted=0
	fi
}

bu_check() { # bu_check NAME ARGS...
	local name=$1
	shift
	mn_check "$name" bu --cn "$CN" "$@"
	[ -n "${VERBOSE:-}" ] && diag "$MN_OUT"
	return 0
}
H1=(--spi 0x1001 --src "$COA" --hoa "$HOA")
binding_lifetime_in() { # binding_lifetime_in NAME HOA LO HI
	local lt
	lt=$(binding_get "$2" .lifetime)
	if [ -n "$lt" ] && [ "$lt" -ge "$3" ] && [ "$lt" -le "$4" ]; then
		ok "$1"
	else
		not_ok "$1" "binding lifetime '${lt}', want [$3, $4]" "$(binding_get "$2")"
	fi
}
check_no_binding() { # check_no_binding NAME HOA
	if binding_absent "$2"; then ok "$1"; else not_ok "$1" "$(binding_get "$2")"; fi
}

# ---------------------------------------------------------------- setup
for a in $ALT $ALT2; do
	ip -n "$NS_MN" addr add "$a/64" dev "$IF_MN" nodad || SETUP_ERR+="addr $a; "
done

params_ok=1
for kv in hao_policy=enforce be_ratelimit_ms=0 max_lifetime=420 bu_nokey=pass max_bindings=4096 \
	kbm_and_ipsec=either ipsec_max_lifetime=3600 coa_test=on cookie_ba_status=250 \
	cookie_opt_type=18 cookie_window_s=30 cookie_secret_period_s=300; do
	echo "${kv#*=}" >"$PARAMS/${kv%%=*}" 2>/dev/null || { params_ok=0; diag "cannot set ${kv}"; }
done
result $((1 - params_ok)) "module parameters (kbm_and_ipsec, ipsec_max_lifetime, coa_test, cookie_*) settable" \
	"$(ls $PARAMS 2>&1 | tr '\n' ' ')"

ip netns exec "$NS_CN" "$PYTHON" "$UDPPY" udp-recv 9000 1500 >"$UDPOUT" 2>&1 &
bg_track $!
if ! mn_start || ! wait_file_match "$READY_TIMEOUT" "$UDPOUT" '^ready'; then
	diag "udp: $(cat "$UDPOUT")"
	ksft_skip_all "packet tools did not start"
fi
for a in $COA $ALT $ALT2; do
	in_ns "$NS_CN" ping -6 -c1 -W2 -q "$a" >/dev/null 2>&1
done

# the mobile nodes' SAs: HoA -> CN 0x10xx, CN -> HoA 0x20xx
sa_pair "$HOA" 1 0x1001 0x2001
sa_pair "$HOA_K" 2 0x1002 0x2002
sa_pair "$HOA_C" 3 0x1003 0x2003
# more inbound SAs for $HOA, suitable ...
SALT=0a0b0c0d
xstate 0x1201 "$HOA" "$CN" mode transport reqid 1 replay-window 32 \
	aead 'rfc4106(gcm(aes))' "0x$(ek 0x1201)$SALT" 128 sel src "$HOA/128" dst "$CN/128"
mn_sa 0x1201 --aead "$(ek 0x1201)$SALT"
xstate 0x1202 "$HOA" "$CN" mode transport reqid 1 replay-window 32 flag esn $(alg 0x1202) \
	sel src "$HOA/128" dst "$CN/128"
mn_sa 0x1202 --enc "$(ek 0x1202)" --auth "$(ak 0x1202)" --esn
# ... and unsuitable
xstate 0x1101 "$HOA" "$CN" mode tunnel reqid 9 replay-window 32 $(alg 0x1101) sel src "$HOA/128" dst "$CN/128"
xstate 0x1102 "$HOA" "$CN" mode transport reqid 9 replay-window 32 enc 'cbc(aes)' "0x$(ek 0x1102)" \
	sel src "$HOA/128" dst "$CN/128"
mn_sa 0x1102 --enc "$(ek 0x1102)" --auth none
xstate 0x1103 "$HOA" "$CN" mode transport reqid 9 replay-window 32 auth digest_null "" enc 'cbc(aes)' "0x$(ek 0x1103)" \
	sel src "$HOA/128" dst "$CN/128"
mn_sa 0x1103 --enc "$(ek 0x1103)" --auth none
xstate 0x1104 "$HOA" "$CN" mode transport reqid 9 replay-window 32 $(alg 0x1104) sel src "$HOA/64" dst "$CN/128"
xstate 0x1105 "$HOA" "$CN" mode transport reqid 9 replay-window 32 $(alg 0x1105)
xstate 0x1106 "$HOA_O" "$CN" mode transport reqid 9 replay-window 32 $(alg 0x1106) sel src "$HOA_O/128" dst "$CN/128"
xstate 0x1107 "$HOA" "$CN" mode transport reqid 9 replay-window 0 $(alg 0x1107) sel src "$HOA/128" dst "$CN/128"
xstate 0x1108 "$HOA" "$CN" mode transport reqid 9 replay-window 32 auth-trunc 'hmac(sha256)' "0x$(ak 0x1108)" 32 \
	enc 'cbc(aes)' "0x$(ek 0x1108)" sel src "$HOA/128" dst "$CN/128"
mn_sa 0x1108 --enc "$(ek 0x1108)" --auth "$(ak 0x1108)" --icv 32
xstate 0x1109 "$HOA" "$CN" mode transport reqid 1 replay-window 32 $(alg 0x1109) \
	sel src "$HOA/128" dst "$CN/128" proto 135
for s in 0x1101 0x1104 0x1105 0x1106 0x1107 0x1109; do mn_sa $s; done
mn_sa 0xdead		# not in cn
result "$([ -z "$SETUP_ERR" ]; echo $?)" "setup: addresses, xfrm states and policies in cn, the same SAs in ipsec_mn.py" \
	"$SETUP_ERR" "$(ip -n "$NS_CN" xfrm state 2>&1 | grep -c '^src') states"

if $PYTHON -c 'import scapy.layers.ipsec' 2>/dev/null; then
	out=$($PYTHON "$MNPY" selftest 2>&1)
	result $? "ipsec_mn.py: ESP encoder equals scapy's SecurityAssociation (CBC/HMAC, CBC only, GCM)" "$out"
else
	skip "ipsec_mn.py: ESP encoder equals scapy's SecurityAssociation" "python3-scapy not installed"
fi

# ================================================================ 1. HAO data
diag "1. HAO data under IPsec, no binding"
data_suitable "suitable SA (transport, AES-CBC + HMAC-SHA-256-128, window 32, /128 selectors)" 0x1001
data_suitable "suitable AEAD SA (rfc4106(gcm(aes)))" 0x1201
data_suitable "suitable SA with ESN" 0x1202
data_suitable "suitable SA again (second datagram)" 0x1001

marker
snap S0
f0=$(xfrm_failed "$HOA" 0x1001)
mn_check "corrupted ICV (SPI 0x1001): no Binding Error" udp --cn "$CN" "${H1[@]}" --marker "$M" --corrupt-icv --expect-none --wait 1.5
check_not_delivered "corrupted ICV: not delivered" "$M"
f1=$(xfrm_failed "$HOA" 0x1001)
if [ -n "$f0" ] && [ -n "$f1" ] && [ "$f1" -eq $((f0 + 1)) ]; then ok "corrupted ICV: ip -s xfrm state: integrity failed +1 ($f0 -> $f1)"; else not_ok "corrupted ICV: ip -s xfrm state: integrity failed +1" "failed '$f0' -> '$f1'" "$(ip -n "$NS_CN" -s xfrm state get src "$HOA" dst "$CN" proto esp spi 0x1001 2>&1)"; fi
snap S1
check_deltas "corrupted ICV: hao_deferred +1 (before decryption), hao_ipsec 0, hao_accepted 0, hao_dropped 0, be_sent 0" \
	hao_deferred=1 hao_ipsec=0 hao_accepted=0 hao_dropped=0 be_sent=0

data_unsuitable "encryption only (no auth algorithm)" 0x1102
data_unsuitable "auth digest_null" 0x1103
data_unsuitable "ICV of 32 bits" 0x1108
data_unsuitable "selector src $HOA/64" 0x1104
data_unsuitable "no selector" 0x1105
data_unsuitable "selectors of another home address ($HOA_O)" 0x1106
data_unsuitable "replay window 0" 0x1107
data_unsuitable "selector proto 135 (Mobility Header only), UDP under it" 0x1109

# No SA can vouch for the home address (draft-dupont-mipv6-cn-ipsec 2:
# "the transport mode MUST be used") and there is no binding: RFC 6275
# 9.3.1, as the issue quotes it, has the packet "processed normally"
# (not checked against the text): left to the stack, which drops it
# without a route optimisation state (xfrm drops an unknown SPI).
pass1_stack() { # pass1_stack WHAT SPI [UDP-ARGS...]: left to the stack before decryption
	marker
	snap S0
	mn_check "$1: no Binding Error" udp --cn "$CN" --spi "$2" --src "$COA" --hoa "$HOA" --marker "$M" --expect-none "${@:3}"
	check_not_delivered "$1: not delivered" "$M"
	snap S1
	check_deltas "$1: hao_stack +1, hao_dropped 0, be_sent 0, hao_deferred 0, hao_ipsec 0" \
		hao_stack=1 hao_dropped=0 be_sent=0 hao_deferred=0 hao_ipsec=0 hao_accepted=0
}
pass1_stack "tunnel-mode SA (inner IPv6 $HOA -> $CN)" 0x1101 --tunnel
pass1_stack "unknown SPI 0xdead" 0xdead
check_no_binding "no binding for $HOA after the data tests" "$HOA"

# ================================================================ 2. BUs under ESP
diag "2. Binding Updates under ESP"
bu_rej() { # bu_rej NAME STATUS BU-ARGS...: rejected with STATUS, under ESP 0x2001
	local name=$1 st=$2
	shift 2
	snap S0
	bu_check "$name: BA $st under ESP" "${H1[@]}" --ack --expect-ba "status=$st,lifetime=0,esp=0x2001" "$@"
	snap S1
	check_deltas "$name: bu_rx, bu_ipsec, bu_ipsec_rejected, ba_sent +1" bu_rx=1 bu_ipsec=1 bu_ipsec_rejected=1 ba_sent=1
}
bu_rej "BU without Alternate CoA" 129 --seq 10 --lifetime 50
check_no_binding "BU without Alternate CoA: no binding" "$HOA"
# RFC 6275 10.3.1: a node that "implements only correspondent node
# functionality" rejects a home registration with "131 (home registration
# not supported)".
bu_rej "BU with H set" 131 --seq 10 --lifetime 50 --altcoa "$COA" --home
# RFC 6275 6.1.7, K: "Correspondent nodes MUST ignore this bit". A
# de-registration, so that no binding is left for the tests below.
snap S0
bu_check "de-registration with K set: BA 0 under ESP (K ignored)" "${H1[@]}" --ack --kflag --seq 10 --lifetime 0 --altcoa "$COA" \
	--expect-ba "status=0,lifetime=0,esp=0x2001"
snap S1
check_deltas "K set: bu_ipsec +1, bu_accepted +1, bu_ipsec_rejected 0" bu_ipsec=1 bu_accepted=1 bu_ipsec_rejected=0
check_no_binding "H set, de-registration with K: no binding" "$HOA"

snap S0
bu_check "BU seq 10, AltCoA = source: BA 0 to $COA, RH2 $HOA, ESP SPI 0x2001, K=0, padding only (16 octets)" \
	"${H1[@]}" --seq 10 --lifetime 50 --ack --altcoa "$COA" --expect-ba "status=0,lifetime=50,to=$COA,esp=0x2001" --pcap "$PCAP"
diag "$MN_OUT"
snap S1
check_deltas "BU seq 10: bu_rx, bu_ipsec, ba_sent +1; bu_ipsec_rejected, auth_fail 0" \
	bu_rx=1 bu_ipsec=1 ba_sent=1 bu_ipsec_rejected=0 auth_fail=0
check_binding "binding: $HOA via $COA, seq 10, auth ipsec, spi 0x1001" "$HOA" "coa=$COA" seq=10 auth=ipsec spi=4097 "cn=$CN"
binding_lifetime_in "binding lifetime in (190, 200] s (50 units)" "$HOA" 191 200

plain_data "binding: HAO data without IPsec from $COA" "$COA" "$HOA" accepted
marker
snap S0
mn_check "binding: HAO data under ESP from $COA: no Binding Error" udp --cn "$CN" "${H1[@]}" --marker "$M" --expect-none
check_delivered "binding: HAO data under ESP delivered" "$M" "$HOA"
snap S1
# Judged after decryption even with a binding (lead's note of 10:44 in
# ko-ready-ipsec; the contract's "accepted at once" predates it), the SA first.
check_deltas "binding: HAO + ESP from the bound CoA judged after decryption, SA first: hao_deferred +1, hao_ipsec +1, hao_accepted 0" \
	hao_deferred=1 hao_ipsec=1 hao_accepted=0 hao_dropped=0
plain_data "binding: HAO data without IPsec from another source ($ALT)" "$ALT" "$HOA" be

bu_check "refresh seq 11 with Nonce Indices and BAD (ignored): BA 0" \
	"${H1[@]}" --seq 11 --lifetime 50 --ack --altcoa "$COA" --nonce --bad --expect-ba "status=0,lifetime=50,esp=0x2001"
check_binding "refresh seq 11: binding seq 11, auth ipsec" "$HOA" seq=11 auth=ipsec "coa=$COA"
snap S0
bu_check "old sequence number 11 again: BA 135 with seq 11" "${H1[@]}" --seq 11 --lifetime 50 --ack --altcoa "$COA" \
	--expect-ba "status=135,seq=11,lifetime=0,esp=0x2001"
bu_check "older sequence number 5: BA 135 with seq 11" "${H1[@]}" --seq 5 --lifetime 50 --ack --altcoa "$COA" \
	--expect-ba "status=135,seq=11,lifetime=0,esp=0x2001"
snap S1
check_deltas "old sequence numbers: bu_ipsec +2, bu_ipsec_rejected +2" bu_ipsec=2 bu_ipsec_rejected=2
snap S0
bu_check "BU seq 12 without A flag: accepted without BA" "${H1[@]}" --seq 12 --lifetime 50 --altcoa "$COA" --expect-none
snap S1
check_deltas "BU without A: bu_ipsec +1, ba_sent 0" bu_ipsec=1 ba_sent=0
check_binding "BU without A: binding seq 12" "$HOA" seq=12 auth=ipsec
bu_check "lifetime 1000 units: BA lifetime 900 (ipsec_max_lifetime 3600 s, not max_lifetime 420)" \
	"${H1[@]}" --seq 13 --lifetime 1000 --ack --altcoa "$COA" --expect-ba "status=0,lifetime=900,esp=0x2001"
binding_lifetime_in "binding lifetime in (3590, 3600]" "$HOA" 3591 3600
echo 40 >$PARAMS/ipsec_max_lifetime
bu_check "ipsec_max_lifetime=40: BU lifetime 100 gets BA lifetime 10" \
	"${H1[@]}" --seq 14 --lifetime 100 --ack --altcoa "$COA" --expect-ba "status=0,lifetime=10,esp=0x2001"
binding_lifetime_in "ipsec_max_lifetime=40: binding lifetime in (30, 40]" "$HOA" 31 40
echo 3600 >$PARAMS/ipsec_max_lifetime
bu_check "BU under an SA whose selector is proto 135 (spi 0x1109): BA 0" \
	--spi 0x1109 --src "$COA" --hoa "$HOA" --seq 15 --lifetime 50 --ack --altcoa "$COA" --expect-ba "status=0,lifetime=50,esp=0x2001"
check_binding "selector proto 135: binding spi 0x1109" "$HOA" seq=15 auth=ipsec spi=4361

echo off >$PARAMS/coa_test
snap S0
bu_check "coa_test=off, AltCoA $ALT (neither source nor home address): BA 174" \
	"${H1[@]}" --seq 16 --lifetime 50 --ack --altcoa "$ALT" --expect-ba "status=174,lifetime=0,esp=0x2001"
snap S1
check_deltas "coa_test=off: bu_ipsec_rejected +1, cookie_sent 0" bu_ipsec_rejected=1 cookie_sent=0
check_binding "coa_test=off: binding unchanged (seq 15, $COA)" "$HOA" seq=15 "coa=$COA"
echo on >$PARAMS/coa_test

bu_check "de-registration (lifetime 0) seq 17: BA 0 lifetime 0 to $COA under ESP" \
	"${H1[@]}" --seq 17 --lifetime 0 --ack --altcoa "$COA" --expect-ba "status=0,lifetime=0,to=$COA,esp=0x2001"
check_no_binding "de-registration: binding gone" "$HOA"
plain_data "after de-registration: HAO data without IPsec from $COA" "$COA" "$HOA" be

# the SA's hard lifetime caps the binding
xstate 0x1004 "$HOA_L" "$CN" mode transport reqid 4 replay-window 32 $(alg 0x1004) \
	sel src "$HOA_L/128" dst "$CN/128" limit time-hard 100
T_L=$SECONDS
xstate 0x2004 "$CN" "$HOA_L" mode transport reqid 4 replay-window 32 $(alg 0x2004) sel src "$CN/128" dst "$HOA_L/128"
mh_policies "$HOA_L" 4
mn_sa 0x1004
mn_sa 0x2004
result "$([ -z "$SETUP_ERR" ]; echo $?)" "SA $HOA_L -> $CN with limit time-hard 100 (spi 0x1004)" "$SETUP_ERR"
lo=$(((100 - (SECONDS - T_L) - 3) / 4))
bu_check "hard lifetime 100 s: BU lifetime 1000 gets BA lifetime <= 25 (and >= $lo)" \
	--spi 0x1004 --src "$COA" --hoa "$HOA_L" --seq 1 --lifetime 1000 --ack --altcoa "$COA" --expect-ba "status=0,lifetime=$lo-25,esp=0x2004"
binding_lifetime_in "hard lifetime: binding lifetime <= 100 s" "$HOA_L" $((lo * 4)) 100
check_binding "hard lifetime: binding auth ipsec, spi 0x1004" "$HOA_L" auth=ipsec spi=4100 "coa=$COA"
bu_check "de-registration with AltCoA = home address: BA 0 lifetime 0 to the source" \
	--spi 0x1004 --src "$COA" --hoa "$HOA_L" --seq 2 --lifetime 10 --ack --altcoa "$HOA_L" --expect-ba "status=0,lifetime=0,to=$COA,esp=0x2004"
check_no_binding "AltCoA = home address: binding gone" "$HOA_L"

# ================================================================ 3. kbm_and_ipsec
diag "3. a home address with a Kbm and an SA: kbm_and_ipsec"
check "kbm add $HOA_K" cli "$NS_CN" kbm add "$HOA_K" key "$KK" cn "$CN"
K2=(--spi 0x1002 --src "$COA" --hoa "$HOA_K")
echo kbm >$PARAMS/kbm_and_ipsec
marker
snap S0
mn_check "kbm: HAO data under the suitable SA, no binding: Binding Error" udp --cn "$CN" "${K2[@]}" --marker "$M" --expect-be status=1
check_not_delivered "kbm: HAO data under the SA not delivered" "$M"
snap S1
check_deltas "kbm: hao_dropped +1, hao_ipsec 0" hao_dropped=1 hao_ipsec=0
snap S0
bu_check "kbm: BU under ESP without BAD: no BA (Kbm rules)" "${K2[@]}" --seq 1 --lifetime 50 --ack --altcoa "$COA" --expect-none --wait 1.5
snap S1
check_deltas "kbm: BU without BAD: auth_fail +1, bu_ipsec 0, bu_accepted 0" auth_fail=1 bu_ipsec=0 bu_accepted=0
check_no_binding "kbm: no binding" "$HOA_K"
bu_check "kbm: BU under ESP with the Kbm's BAD: BA 0" "${K2[@]}" --seq 2 --lifetime 50 --ack --altcoa "$COA" --bad --kbm "$KK" \
	--expect-ba "status=0,opts=any"
check_binding "kbm: binding auth kbm" "$HOA_K" auth=kbm seq=2 "coa=$COA"
echo either >$PARAMS/kbm_and_ipsec
snap S0
bu_check "either: BU under ESP without BAD refreshes the Kbm binding: BA 0 under ESP" "${K2[@]}" --seq 3 --lifetime 50 --ack --altcoa "$COA" \
	--expect-ba "status=0,lifetime=50,esp=0x2002"
snap S1
check_deltas "either: bu_ipsec +1" bu_ipsec=1 bu_ipsec_rejected=0
check_binding "either: binding auth ipsec, seq 3, spi 0x1002" "$HOA_K" auth=ipsec seq=3 spi=4098
echo ipsec >$PARAMS/kbm_and_ipsec
snap S0
bu_check "ipsec: Kbm BU (valid BAD) without IPsec: BA 129" --plain --src "$COA" --hoa "$HOA_K" --seq 4 --lifetime 50 --ack \
	--altcoa "$COA" --bad --kbm "$KK" --expect-ba "status=129,lifetime=0,opts=any"
snap S1
# No reason counter of its own: bu_refused (Documentation, "Counters").
check_deltas "ipsec: the refused Kbm BU: bu_rx, bu_refused +1; auth_fail, replay, bu_accepted 0" \
	bu_rx=1 bu_refused=1 auth_fail=0 replay=0 bu_accepted=0
check_binding "ipsec: binding unchanged (auth ipsec, seq 3)" "$HOA_K" auth=ipsec seq=3
echo either >$PARAMS/kbm_and_ipsec

# ================================================================ 4. care-of address test
diag "4. care-of address test (cookie)"
C3=(--spi 0x1003 --src "$COA" --hoa "$HOA_C")
bu_check "cookie: initial binding via $COA (seq 1): BA 0" "${C3[@]}" --seq 1 --lifetime 50 --ack --altcoa "$COA" --expect-ba "status=0,esp=0x2003"
plain_data "cookie: HAO data without IPsec from $COA through the binding" "$COA" "$HOA_C" accepted
snap S0
bu_check "BU seq 2 with AltCoA $ALT: cookie BA to $ALT (status 250, seq 2, lifetime 0, option 18 len 30 at 12: ts | $ALT | MAC, 48 octets, RH2, ESP 0x2003)" \
	"${C3[@]}" --seq 2 --lifetime 50 --ack --altcoa "$ALT" --expect-ba "status=250,lifetime=0,to=$ALT,esp=0x2003,cookie=1" --pcap "$PCAP"
diag "$MN_OUT"
CK1=$(mn_reply .cookie)
snap S1
check_deltas "cookie BA: cookie_sent +1, bu_ipsec +1, ba_sent +1, cookie_accepted 0" cookie_sent=1 bu_ipsec=1 ba_sent=1 cookie_accepted=0
check_binding "cookie BA: binding not applied yet (seq 1, $COA)" "$HOA_C" seq=1 "coa=$COA"
plain_data "entry disabled: HAO data without IPsec from the old CoA $COA" "$COA" "$HOA_C" be
plain_data "entry disabled: HAO data without IPsec from the tested CoA $ALT" "$ALT" "$HOA_C" be

cookie_refused() { # cookie_refused NAME COUNTER TO BU-ARGS...: fresh cookie BA to TO
	local name=$1 ctr=$2 to=$3
	shift 3
	snap S0
	bu_check "$name: refused, fresh cookie BA to $to" "${C3[@]}" --ack --expect-ba "status=250,lifetime=0,to=$to,esp=0x2003,cookie=1,ccoa=$to" "$@"
	snap S1
	check_deltas "$name: $ctr +1, cookie_sent +1, cookie_accepted 0" "$ctr=1" cookie_sent=1 cookie_accepted=0
	check_binding "$name: binding not applied (seq 1, $COA)" "$HOA_C" seq=1 "coa=$COA"
}
cookie_refused "forged cookie (last MAC bit flipped)" cookie_bad "$ALT" --seq 2 --lifetime 50 --altcoa "$ALT" --cookie "${CK1:-00}" --cookie-flip 29:0x01
CK2=$(mn_reply .cookie)
cookie_refused "forged cookie (timestamp 1 s older, MAC kept)" cookie_bad "$ALT" --seq 2 --lifetime 50 --altcoa "$ALT" --cookie "${CK1:-00}" --cookie-ts-delta -1
cookie_refused "cookie of $ALT with AltCoA $ALT2" cookie_bad "$ALT2" --seq 2 --lifetime 50 --altcoa "$ALT2" --cookie "${CK1:-00}"
cookie_refused "cookie of $ALT rewritten to CoA $ALT2 (MAC of $ALT), AltCoA $ALT2" cookie_bad "$ALT2" \
	--seq 2 --lifetime 50 --altcoa "$ALT2" --cookie "${CK1:-00}" --cookie-coa "$ALT2"
snap S0
bu_check "BU seq 2 with the exact cookie: BA 0 to $ALT under ESP" "${C3[@]}" --seq 2 --lifetime 50 --ack --altcoa "$ALT" \
	--cookie "${CK2:-$CK1}" --expect-ba "status=0,lifetime=50,to=$ALT,esp=0x2003" --pcap "$PCAP"
snap S1
check_deltas "exact cookie: cookie_accepted +1, cookie_bad 0, cookie_sent 0" cookie_accepted=1 cookie_bad=0 cookie_sent=0
check_binding "exact cookie: binding via $ALT, seq 2 (the cookie BA consumed no sequence number), auth ipsec" \
	"$HOA_C" "coa=$ALT" seq=2 auth=ipsec spi=4099
plain_data "new binding: HAO data without IPsec from $ALT" "$ALT" "$HOA_C" accepted
plain_data "new binding: HAO data without IPsec from the old CoA $COA" "$COA" "$HOA_C" be

echo 1 >$PARAMS/cookie_window_s
bu_check "cookie_window_s=1: BU seq 3 with AltCoA $ALT2: cookie BA" "${C3[@]}" --seq 3 --lifetime 50 --ack --altcoa "$ALT2" \
	--expect-ba "status=250,lifetime=0,to=$ALT2,esp=0x2003,cookie=1"
CK3=$(mn_reply .cookie)
sleep 3
snap S0
bu_check "stale cookie (3 s, window 1 s): refused, fresh cookie BA" "${C3[@]}" --seq 3 --lifetime 50 --ack --altcoa "$ALT2" \
	--cookie "${CK3:-00}" --expect-ba "status=250,lifetime=0,to=$ALT2,esp=0x2003,cookie=1"
snap S1
check_deltas "stale cookie: cookie_stale +1, cookie_sent +1, cookie_accepted 0" cookie_stale=1 cookie_sent=1 cookie_accepted=0
check_binding "stale cookie: binding unchanged (seq 2, $ALT)" "$HOA_C" seq=2 "coa=$ALT"
echo 30 >$PARAMS/cookie_window_s

echo 200 >$PARAMS/cookie_ba_status
echo 45 >$PARAMS/cookie_opt_type
bu_check "cookie_ba_status=200 cookie_opt_type=45 at run time: cookie BA status 200, option 45" \
	"${C3[@]}" --seq 3 --lifetime 50 --ack --altcoa "$ALT2" --expect-ba "status=200,lifetime=0,to=$ALT2,esp=0x2003,cookie=1,ctype=45"
CK4=$(mn_reply .cookie)
bu_check "cookie returned in an option of type 45: BA 0 to $ALT2" "${C3[@]}" --seq 3 --lifetime 50 --ack --altcoa "$ALT2" \
	--cookie "${CK4:-00}" --cookie-type 45 --expect-ba "status=0,lifetime=50,to=$ALT2,esp=0x2003"
check_binding "option type 45: binding via $ALT2, seq 3" "$HOA_C" "coa=$ALT2" seq=3 auth=ipsec
echo 250 >$PARAMS/cookie_ba_status
echo 18 >$PARAMS/cookie_opt_type

# ================================================================ 5. tshark
diag "5. tshark: the BAs left under ESP"
tsv=$(tshark -r "$PCAP" -T fields -E separator=, -E occurrence=f \
	-e ipv6.dst -e ipv6.routing.type -e esp.spi -e mip6.mhtype 2>&1 | grep -v '^Running as')
diag "tshark: $(tr '\n' ' ' <<<"$tsv")"
l1=$(sed -n 1p <<<"$tsv") l2=$(sed -n 2p <<<"$tsv") l3=$(sed -n 3p <<<"$tsv")
check_eq "tshark: BA to $COA: RH2, ESP SPI 0x2001, no Mobility Header in clear" "$COA,2,0x00002001," "$l1"
check_eq "tshark: cookie BA to $ALT: RH2, ESP SPI 0x2003, no Mobility Header in clear" "$ALT,2,0x00002003," "$l2"
check_eq "tshark: BA 0 to $ALT after the cookie: RH2, ESP SPI 0x2003" "$ALT,2,0x00002003," "$l3"

# ================================================================ 6. secret rotation
diag "6. cookie secret rotation (module reloaded with cookie_secret_period_s=3)"
# A cookie made with secret S stays valid while S is the current or the
# previous secret: at least one period, at most two. So a cookie returned
# at once is accepted, one 7 s old (more than two periods of 3 s) is not.
out=$(module_load cookie_secret_period_s=3 be_ratelimit_ms=0 cookie_opt_type=18 2>&1)
result $? "module reloaded with cookie_secret_period_s=3 be_ratelimit_ms=0 cookie_opt_type=18" "$out"
bu_check "period 3 s: BU seq 10 with AltCoA $ALT: cookie BA" "${C3[@]}" --seq 10 --lifetime 50 --ack --altcoa "$ALT" \
	--expect-ba "status=250,lifetime=0,to=$ALT,esp=0x2003,cookie=1"
CK5=$(mn_reply .cookie)
bu_check "period 3 s: the cookie returned at once: BA 0" "${C3[@]}" --seq 10 --lifetime 50 --ack --altcoa "$ALT" \
	--cookie "${CK5:-00}" --expect-ba "status=0,lifetime=50,to=$ALT,esp=0x2003"
bu_check "period 3 s: BU seq 11 with AltCoA $ALT2: cookie BA" "${C3[@]}" --seq 11 --lifetime 50 --ack --altcoa "$ALT2" \
	--expect-ba "status=250,lifetime=0,to=$ALT2,esp=0x2003,cookie=1"
CK6=$(mn_reply .cookie)
sleep 7
snap S0
bu_check "cookie 7 s old (secret rotated twice since, window 30 s): refused, fresh cookie BA" "${C3[@]}" --seq 11 --lifetime 50 --ack \
	--altcoa "$ALT2" --cookie "${CK6:-00}" --expect-ba "status=250,lifetime=0,to=$ALT2,esp=0x2003,cookie=1"
snap S1
check_deltas "rotated secret: cookie_bad +1, cookie_stale 0, cookie_accepted 0" cookie_bad=1 cookie_stale=0 cookie_accepted=0
check_binding "rotated secret: binding unchanged (seq 10, $ALT)" "$HOA_C" seq=10 "coa=$ALT" auth=ipsec

mn_stop
ktap_finished
