#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Return routability in the module (issue 10; RFC 6275 5.2, 6.1.3-6.1.6,
# 9.4, 9.5.1, 9.5.4; /work/team/rr-interface.md), rr=kernel: netns mn plays
# the mobile node with selftests/rr_mn.py (it builds every packet, checks
# every HoT, CoT and BA octet by octet, computes Kbm and the authenticators
# with hashlib/hmac from the keygen tokens it received), netns cn runs the
# module.
#
#  - HoTI -> HoT, CoTI -> CoT: layout, addresses, checksum, cookie echo;
#    same nonce index and token for the same address within the nonce
#    period, other tokens for other addresses; not delivered to a raw
#    IPPROTO_MH socket;
#  - HoTI / CoTI with a Home Address option, a type 2 Routing Header, a
#    link-local source or a multicast destination: silently ignored;
#  - RR Binding Update accepted: authenticated BA, binding with auth "rr",
#    lifetime capped at MAX_RR_BINDING_LIFETIME and at max_lifetime, no BA
#    without A; HAO data from the care-of address delivered, from another
#    dropped with a Binding Error; replay -> 135; a care-of token reused from
#    another care-of address, a wrong authenticator, no BAD: dropped;
#    unknown nonce indices -> 136 / 137 / 138 without BAD (and rate-limited);
#    de-registration with the home token alone, from a care-of address and
#    from home; a preconfigured Kbm takes precedence over RR;
#  - nonce rotation and expiry with rr_nonce_lifetime_s=8 (measured ages);
#  - the HoT/CoT rate limit per /64 (rr_ratelimit), and 0 = no limit;
#  - mip6sec rr show (no key material), counters after every step.
#
# RFC sentences are quoted from memory of RFC 6275 unless marked
# "paraphrase" (no stored copy of the full text: specs.md "Limits").

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
COA=$ADDR_MN		# care-of address
COA2=2001:db8:1::3	# the mobile node moved here
HOA1=2001:db8:1::10	# home addresses: on the mn link, so that the
HOA2=2001:db8:1::11	# HoT reaches netns mn (standing in for the tunnel
HOA_D=2001:db8:1::12	# through the home agent)
HOA_P=2001:db8:1::13
HOA_N=2001:db8:1::15
HOA_X=2001:db8:1::16
BURST1=2001:db8:7::10	# another /64, for the rate limit
BURST2=2001:db8:7::11
KP=9999999999999999999999999999999999999999
Z64=0000000000000000

ktap_plan 136

# ---------------------------------------------------------------- helpers
# out_get KEY: the first "KEY": value of the last answer (no python: under
# emulation a python start takes seconds, and nonces live 8 s in section 13)
out_get() {
	local re="\"$1\": \"?([^\",}]*)\"?"
	[[ $MN_OUT == OK* && $MN_OUT =~ $re ]] && echo "${BASH_REMATCH[1]}"
}

# hoti NAME HOA [ARGS...] / coti NAME COA [ARGS...]: the init message, the
# reply checked by rr_mn.py; H_IDX/H_TOK (C_IDX/C_TOK) hold what came.
rr_init() { # rr_init hoti|coti NAME ADDR [ARGS...]: IDX/TOK
	local kind=$1 name=$2 a=$3 opt=--hoa
	shift 3
	[ "$kind" = coti ] && opt=--coa
	IDX='' TOK=''
	if mn "$kind" --cn "$CN" $opt "$a" "$@"; then
		IDX=$(out_get index) TOK=$(out_get token)
		ok "$name"
	else
		not_ok "$name" "rr_mn.py $kind $opt $a $*" "$MN_OUT"
	fi
}
hoti() { rr_init hoti "$@"; H_IDX=$IDX H_TOK=$TOK; }
coti() { rr_init coti "$@"; C_IDX=$IDX C_TOK=$TOK; }
# Nonces live rr_nonce_lifetime_s (240 s); on a slow kernel (the debug
# kernel on a busy host took 8 minutes from section 1 to section 4) the
# indices of sections 1 and 2 expire before the later sections use them.
# rr_fresh asks for new ones (HoTI from HOA1, CoTI from COA and from COA2)
# when they are more than 60 s old, measured, and only where no counter
# window is open.
TOK_T=$SECONDS
rr_fresh() {
	[ $((SECONDS - TOK_T)) -gt 60 ] || return 0
	if mn hoti --cn "$CN" --hoa "$HOA1" && IDX1=$(out_get index) &&
		mn coti --cn "$CN" --coa "$COA" && CIDX1=$(out_get index) &&
		{ [ -z "${CIDX2:-}" ] || { mn coti --cn "$CN" --coa "$COA2" && CIDX2=$(out_get index); }; }; then
		diag "keygen tokens more than 60 s old: new nonce indices $IDX1 (home), $CIDX1${CIDX2:+, $CIDX2} (care-of)"
		TOK_T=$SECONDS
	else
		not_ok "new keygen tokens for $HOA1, $COA${CIDX2:+ and $COA2}" "$MN_OUT"
	fi
}
rrbu() { # rrbu NAME ARGS...: an RR BU from mn
	local name=$1
	shift
	mn_check "$name" bu --cn "$CN" "$@"
}
check_lifetime() { # check_lifetime NAME HOA LO HI: LO < binding lifetime <= HI
	local lt
	lt=$(binding_get "$2" .lifetime)
	if [ -n "$lt" ] && [ "$lt" -gt "$3" ] && [ "$lt" -le "$4" ]; then
		ok "$1 ($lt s)"
	else
		not_ok "$1" "binding lifetime ${lt:-absent}, want ($3, $4]"
	fi
}
raw_count() { # raw_count TYPE: messages of TYPE the raw MH socket in cn got
	jpick -c "type=$1" <"$MHOUT"
}
UDPOUT=$TMP/udp.out
udp_got() { grep -q "\"src\": \"$2\", \"data\": \"m6:$1\"" "$UDPOUT"; }
udp_any() { grep -q "\"data\": \"m6:$1\"" "$UDPOUT"; }

# ---------------------------------------------------------------- setup
setup_ok=1
for a in $COA2 $HOA1 $HOA2 $HOA_D $HOA_P $HOA_N $HOA_X; do
	ip -n "$NS_MN" addr add "$a/64" dev "$IF_MN" nodad || setup_ok=0
done
for a in $BURST1 $BURST2; do
	ip -n "$NS_MN" addr add "$a/64" dev "$IF_MN" nodad || setup_ok=0
done
ip -n "$NS_CN" route add 2001:db8:7::/64 dev "$IF_CN" || setup_ok=0
LL=$(ip -n "$NS_MN" -6 -o addr show dev "$IF_MN" scope link | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
[ -n "$LL" ] || setup_ok=0
[ $setup_ok = 1 ] || ksft_skip_all "cannot add the mobile node's addresses"

# The parameters as loaded (the harness reloads the module before a test).
check_eq "parameters at load: rr=kernel rr_nonce_lifetime_s=240 rr_ratelimit=100" "kernel 240 100" \
	"$(cat $PARAMS/rr 2>&1) $(cat $PARAMS/rr_nonce_lifetime_s 2>&1) $(cat $PARAMS/rr_ratelimit 2>&1)"
setp() { echo "$2" >"$PARAMS/$1"; }
check_fail "rr_nonce_lifetime_s=7 refused (8..240)" any setp rr_nonce_lifetime_s 7
check_fail "rr_nonce_lifetime_s=241 refused (8..240)" any setp rr_nonce_lifetime_s 241
check_fail "rr_ratelimit=100001 refused (0..100000)" any setp rr_ratelimit 100001
check_fail "rr=bogus refused (kernel | userspace)" any setp rr bogus
check_eq "refused values changed nothing" "kernel 240 100" \
	"$(cat $PARAMS/rr 2>&1) $(cat $PARAMS/rr_nonce_lifetime_s 2>&1) $(cat $PARAMS/rr_ratelimit 2>&1)"
# Replies not rate-limited (but in 10b), defaults otherwise.
echo 0 >$PARAMS/be_ratelimit_ms
echo 420 >$PARAMS/max_lifetime
echo enforce >$PARAMS/hao_policy
echo pass >$PARAMS/bu_nokey

MHOUT=$TMP/mh.out
ip netns exec "$NS_CN" "$PYTHON" "$MNPY" mh-recv 900 >"$MHOUT" 2>&1 &
bg_track $!
ip netns exec "$NS_CN" "$PYTHON" "$MNPY" udp-recv 9000 900 >"$UDPOUT" 2>&1 &
bg_track $!
if ! mn_start || ! wait_file_match "$READY_TIMEOUT" "$MHOUT" '^ready' || ! wait_file_match "$READY_TIMEOUT" "$UDPOUT" '^ready'; then
	diag "mh: $(cat "$MHOUT"); udp: $(cat "$UDPOUT")"
	ksft_skip_all "packet tools did not start"
fi
for a in $COA $COA2 $HOA1 $HOA2 $HOA_D $HOA_P $HOA_N $HOA_X $BURST1 $BURST2; do
	in_ns "$NS_CN" ping -6 -c1 -W2 -q "$a" >/dev/null 2>&1
done

mn_check "rr_mn.py selftest: Kbm, BU and BA computed as in specs.md 6.3 (no kernel involved)" selftest

# ================================================================ 1. HoTI -> HoT
diag "1. Home Test Init -> Home Test"
# RFC 6275 9.4.3: "The correspondent node creates a home keygen token and
# uses the current nonce index as the Home Nonce Index. It then creates a
# Home Test message (Section 6.1.5) and sends it to the mobile node at the
# latter's home address." 6.1.5: the Home Init Cookie field "contains the
# home init cookie" (paraphrase). 6.1: "Mobility Header messages MUST NOT be
# sent with a type 2 routing header, except ... for Binding Acknowledgement."
snap S0
hoti "HoTI from $HOA1: HoT from $CN to $HOA1, 24 octets, cookie echoed, checksum over (CN, HoA), no extension header" \
	"$HOA1" --cookie 0102030405060708
IDX1=$H_IDX HT1=$H_TOK
snap S1
check_deltas "HoTI: rr_hoti_rx, rr_hot_sent, mh_rx +1; rr_init_dropped, rr_ratelimited, rr_passed, be_sent 0" \
	rr_hoti_rx=1 rr_hot_sent=1 mh_rx=1 rr_init_dropped=0 rr_ratelimited=0 rr_passed=0 be_sent=0
# RFC 6275 5.2.5: home keygen token := First(64, HMAC_SHA1(Kcn, (home
# address | nonce | 0))): the same address and nonce give the same token.
# 5.2.7 (paraphrase): nonces are generated at regular intervals, and one
# nonce serves every mobile node meanwhile.
snap S0
hoti "HoTI from $HOA1 again, another cookie: HoT checked" "$HOA1" --cookie a1a2a3a4a5a6a7a8
check_eq "same HoTI twice within the nonce period: same nonce index and home keygen token" "$IDX1 $HT1" "$H_IDX $H_TOK"
hoti "HoTI from $HOA2: HoT checked" "$HOA2"
HT2=$H_TOK
snap S1
check_deltas "two more HoTIs: rr_hoti_rx, rr_hot_sent +2; rr_cot_sent, rr_ratelimited 0" rr_hoti_rx=2 rr_hot_sent=2 rr_cot_sent=0 rr_ratelimited=0
check_eq "HoTI from another home address: same nonce index" "$IDX1" "$H_IDX"
if [ -n "$HT2" ] && [ "$HT2" != "$HT1" ]; then ok "HoTI from another home address: another home keygen token"; else not_ok "HoTI from another home address: another home keygen token" "$HOA1: $HT1, $HOA2: $HT2"; fi

# ================================================================ 2. CoTI -> CoT
diag "2. Care-of Test Init -> Care-of Test"
# RFC 6275 9.4.4: "The correspondent node creates a care-of keygen token and
# uses the current nonce index as the Care-of Nonce Index. It then creates a
# Care-of Test message (Section 6.1.6) and sends it to the mobile node at
# the latter's care-of address."
snap S0
coti "CoTI from $COA: CoT from $CN to $COA, 24 octets, cookie echoed, checksum over (CN, CoA), no extension header" \
	"$COA" --cookie 1112131415161718
CIDX1=$C_IDX CT1=$C_TOK
snap S1
check_deltas "CoTI: rr_coti_rx, rr_cot_sent, mh_rx +1; rr_hot_sent, rr_init_dropped, rr_passed 0" \
	rr_coti_rx=1 rr_cot_sent=1 mh_rx=1 rr_hot_sent=0 rr_init_dropped=0 rr_passed=0
snap S0
coti "CoTI from $COA again, another cookie: CoT checked" "$COA" --cookie b1b2b3b4b5b6b7b8
check_eq "same CoTI twice within the nonce period: same nonce index and care-of keygen token" "$CIDX1 $CT1" "$C_IDX $C_TOK"
coti "CoTI from $COA2: CoT checked" "$COA2"
CIDX2=$C_IDX CT2=$C_TOK
snap S1
check_deltas "two more CoTIs: rr_coti_rx, rr_cot_sent +2; rr_hot_sent, rr_ratelimited 0" rr_coti_rx=2 rr_cot_sent=2 rr_hot_sent=0 rr_ratelimited=0
if [ -n "$CT2" ] && [ "$CT2" != "$CT1" ]; then ok "CoTI from another care-of address: another care-of keygen token"; else not_ok "CoTI from another care-of address: another care-of keygen token" "$COA: $CT1, $COA2: $CT2"; fi
# RFC 6275 5.2.5: the home token ends its input with 0, the care-of token
# with 1: one address as home and as care-of address gives two tokens.
hoti "HoTI from $COA (as a home address): HoT checked" "$COA"
if [ -n "$H_TOK" ] && [ "$H_IDX" = "$CIDX1" ] && [ "$H_TOK" != "$CT1" ]; then
	ok "same address and nonce: home keygen token != care-of keygen token (0 / 1 octet)"
else
	not_ok "same address and nonce: home keygen token != care-of keygen token (0 / 1 octet)" "home $H_IDX $H_TOK, care-of $CIDX1 $CT1"
fi
sleep 0.3
check_eq "rr=kernel: no HoTI and no CoTI reached the raw IPPROTO_MH socket in cn" "0 0" "$(raw_count 1) $(raw_count 2)"

# ================================================================ 3. ignored init messages
diag "3. init messages the correspondent must ignore"
ignored() { # ignored NAME rr_mn ARGS...
	local name=$1
	shift
	snap S0
	mn_check "$name: no HoT / CoT, no reply at all" "$@" --expect-none
	snap S1
	check_deltas "$name: rr_init_dropped +1; rr_hot_sent, rr_cot_sent, be_sent 0" \
		rr_init_dropped=1 rr_hot_sent=0 rr_cot_sent=0 be_sent=0
}
# RFC 6275 9.4.1: "The packet MUST NOT include a Home Address destination
# option. Any packet carrying a Home Test Init message which fails to
# satisfy this test MUST be silently ignored." 9.4.2 says the same of the
# Care-of Test Init.
ignored "HoTI with a Home Address option" hoti --cn "$CN" --hoa "$HOA1" --src "$COA" --hao "$HOA1"
ignored "CoTI with a Home Address option" coti --cn "$CN" --coa "$COA" --hao "$HOA1"
# RFC 6275 6.1: "Mobility Header messages MUST NOT be sent with a type 2
# routing header, except as described in Section 9.5.4 for Binding
# Acknowledgement."
ignored "HoTI with a type 2 Routing Header" hoti --cn "$CN" --hoa "$HOA1" --rh2 "$CN"
# The RFC is silent on scopes: a link-local source or a multicast
# destination is ignored (the module's choice, rr-interface.md).
ignored "HoTI from a link-local source ($LL)" hoti --cn "$CN" --hoa "$LL"
ignored "HoTI to ff02::1" hoti --cn "$CN" --hoa "$HOA1" --mcast "$IF_MN"

# ================================================================ 4. RR Binding Update accepted
diag "4. Binding Update authorised by return routability"
# RFC 6275 5.2.5 (paraphrase): Kbm = SHA1(home keygen token | care-of
# keygen token); 6.2.7: "Authenticator = First(96, HMAC_SHA1(Kbm, Mobility
# Data))", Mobility Data = care-of address | correspondent | MH Data.
# 9.5.4: "If the Acknowledge (A) bit is set in the Binding Update, a
# Binding Acknowledgement MUST be sent"; the Binding Authorization Data
# option "MUST be included" (but for 136-138). 6.1.8: Lifetime "The
# granted lifetime, in time units of 4 seconds". 5.2.6 (paraphrase): a
# binding authorised by return routability lives at most
# MAX_RR_BINDING_LIFETIME (section 12: 420 seconds).
rr_fresh
snap S0
rrbu "RR BU seq 100, lifetime 200 (800 s) from $COA: BA 0, lifetime 105 (420 s), BAD keyed with SHA1(home | care-of token), RH2 $HOA1" \
	--hoa "$HOA1" --coa "$COA" --hidx "$IDX1" --cidx "$CIDX1" --seq 100 --lifetime 200 --ack --expect-ba status=0,lifetime=105
snap S1
check_deltas "RR BU: bu_rx, bu_accepted, ba_sent +1; auth_fail, replay, bu_passed, rr_nonce_expired 0" \
	bu_rx=1 bu_accepted=1 ba_sent=1 auth_fail=0 replay=0 bu_passed=0 rr_nonce_expired=0
check_binding "RR BU: binding of $HOA1 with coa $COA, seq 100, auth rr" "$HOA1" "coa=$COA" seq=100 auth=rr "cn=$CN"
check_lifetime "RR BU: binding lifetime capped at 420 s" "$HOA1" 400 420
rr_fresh
snap S0
echo 100 >$PARAMS/max_lifetime
rrbu "max_lifetime=100: RR BU seq 101 lifetime 200: BA lifetime 25 (100 s)" \
	--hoa "$HOA1" --coa "$COA" --hidx "$IDX1" --cidx "$CIDX1" --seq 101 --lifetime 200 --ack --expect-ba status=0,lifetime=25
check_lifetime "max_lifetime=100: binding lifetime capped at 100 s" "$HOA1" 80 100
echo 420 >$PARAMS/max_lifetime
rrbu "RR BU seq 102 lifetime 10: BA lifetime 10 (what was asked)" \
	--hoa "$HOA1" --coa "$COA" --hidx "$IDX1" --cidx "$CIDX1" --seq 102 --lifetime 10 --ack --expect-ba status=0,lifetime=10
check_lifetime "lifetime 10: binding lifetime 40 s" "$HOA1" 30 40
snap S1
check_deltas "two refreshes: bu_accepted, ba_sent +2; auth_fail, replay 0" bu_accepted=2 ba_sent=2 auth_fail=0 replay=0
# RFC 6275 9.5.4: "If the node accepted the Binding Update, the Binding
# Acknowledgement SHOULD NOT be sent" (when A is clear). Lifetime 100 (400
# s) from here on: under emulation the next sections take minutes.
rr_fresh
snap S0
rrbu "RR BU seq 103 without A: accepted, no BA" \
	--hoa "$HOA1" --coa "$COA" --hidx "$IDX1" --cidx "$CIDX1" --seq 103 --lifetime 100 --expect-none
snap S1
check_deltas "RR BU without A: bu_accepted +1, ba_sent 0" bu_accepted=1 ba_sent=0
check_binding "RR BU without A: binding seq 103" "$HOA1" "coa=$COA" seq=103 auth=rr

# ================================================================ 5. HAO data
diag "5. Home Address option from the RR binding's care-of address"
# RFC 6275 9.3.1 (paraphrase): a packet with a Home Address option is
# accepted when a Binding Cache entry binds the home address to the
# packet's source; otherwise it is dropped and a Binding Error (status 1)
# sent (9.3.3).
rr_fresh
snap S0
mn_check "HAO/UDP from $COA (the binding's): no Binding Error" \
	hao-udp --cn "$CN" --hoa "$HOA1" --src "$COA" --marker rr1 --expect-none
if wait_for 5 udp_got rr1 "$HOA1"; then ok "HAO/UDP from $COA: delivered with the home address as source"; else not_ok "HAO/UDP from $COA: delivered with the home address as source" "$(tail -n 3 "$UDPOUT")"; fi
snap S1
check_deltas "HAO/UDP from $COA: hao_rx, hao_accepted +1; hao_dropped, be_sent, hao_stack 0" \
	hao_rx=1 hao_accepted=1 hao_dropped=0 be_sent=0 hao_stack=0
rr_fresh
snap S0
mn_check "HAO/UDP from $COA2 (another care-of address): Binding Error status 1, every octet" \
	hao-udp --cn "$CN" --hoa "$HOA1" --src "$COA2" --marker rr2 --expect-be status=1
sleep 0.5
if udp_any rr2; then not_ok "HAO/UDP from $COA2: not delivered" "$(grep rr2 "$UDPOUT")"; else ok "HAO/UDP from $COA2: not delivered"; fi
snap S1
check_deltas "HAO/UDP from $COA2: hao_dropped, be_sent +1; hao_accepted 0" hao_dropped=1 be_sent=1 hao_accepted=0

# ================================================================ 6. sequence numbers
diag "6. replay"
# RFC 6275 9.5.1 (close to the text): if the sequence number is not greater
# than the one of the last accepted Binding Update, the receiving node MUST
# send back a Binding Acknowledgement with status code 135, and the last
# accepted sequence number in its Sequence Number field.
rr_fresh
snap S0
rrbu "replayed seq 103: BA 135 with BAD, Sequence Number 103 (the last accepted)" \
	--hoa "$HOA1" --coa "$COA" --hidx "$IDX1" --cidx "$CIDX1" --seq 103 --lifetime 10 --ack --expect-ba status=135,seq=103
snap S1
check_deltas "replay: replay +1, ba_sent +1; bu_accepted, auth_fail 0" replay=1 ba_sent=1 bu_accepted=0 auth_fail=0
rrbu "older seq 50 without A: BA 135 seq 103 all the same (a rejection is acknowledged)" \
	--hoa "$HOA1" --coa "$COA" --hidx "$IDX1" --cidx "$CIDX1" --seq 50 --lifetime 10 --expect-ba status=135,seq=103
check_binding "replays: binding of $HOA1 unchanged (seq 103)" "$HOA1" "coa=$COA" seq=103 auth=rr

# ================================================================ 7. the care-of address moved
diag "7. care-of address moved"
# RFC 6275 5.2.5: care-of keygen token := First(64, HMAC_SHA1(Kcn,
# (care-of address | nonce | 1))): a token received at one care-of address
# does not authorise another. 9.5.1 (paraphrase): a Binding Update whose
# Binding Authorization Data does not verify is silently discarded.
rr_fresh
snap S0
rrbu "BU from $COA2 with the care-of token received at $COA: dropped, no BA" \
	--hoa "$HOA1" --coa "$COA2" --hidx "$IDX1" --cidx "$CIDX1" --ctok-addr "$COA" --seq 110 --lifetime 10 --ack --expect-none
snap S1
check_deltas "moved CoA, old token: auth_fail +1; bu_accepted, ba_sent 0" auth_fail=1 bu_accepted=0 ba_sent=0
check_binding "moved CoA, old token: binding unchanged (coa $COA, seq 103)" "$HOA1" "coa=$COA" seq=103
# An RR BU may replace an RR binding (rr-interface.md).
rr_fresh
snap S0
rrbu "BU from $COA2 with the care-of token of $COA2: BA 0" \
	--hoa "$HOA1" --coa "$COA2" --hidx "$IDX1" --cidx "$CIDX2" --seq 110 --lifetime 100 --ack --expect-ba status=0
snap S1
check_deltas "BU from $COA2: bu_accepted, ba_sent +1; auth_fail 0" bu_accepted=1 ba_sent=1 auth_fail=0
check_binding "moved CoA: binding of $HOA1 now via $COA2, seq 110, auth rr" "$HOA1" "coa=$COA2" seq=110 auth=rr

# ================================================================ 8. authenticator failures
diag "8. authenticator failures: silently dropped"
# RFC 6275 9.5.1 (paraphrase): the Binding Authorization Data option must
# be present and its authenticator must verify, else the Binding Update is
# silently discarded.
auth_fail_case() { # auth_fail_case WHAT BU-ARGS...
	local what=$1
	shift
	snap S0
	rrbu "$what: no BA" --hoa "$HOA1" --coa "$COA2" --hidx "$IDX1" --cidx "$CIDX2" --lifetime 10 --ack --expect-none "$@"
	snap S1
	check_deltas "$what: auth_fail +1; bu_accepted, ba_sent, rr_nonce_expired 0" auth_fail=1 bu_accepted=0 ba_sent=0 rr_nonce_expired=0
}
# (the arguments are expanded before the function runs: new tokens first)
rr_fresh
auth_fail_case "last authenticator bit flipped" --seq 111 --flip 31:0x01
auth_fail_case "covered bit flipped (sequence number)" --seq 111 --flip 7:0x02
auth_fail_case "Kbm from the care-of token alone" --seq 111 --htok "$CT2"
auth_fail_case "Nonce Indices without Binding Authorization Data" --seq 111 --layout nobad
check_binding "after the failures: binding of $HOA1 unchanged (seq 110)" "$HOA1" "coa=$COA2" seq=110

# ================================================================ 9. unknown nonce indices
diag "9. unknown nonce indices: 136, 137, 138"
# RFC 6275 9.5.1 (paraphrase): a home nonce index the correspondent no
# longer (or never) knew -> status 136, a care-of nonce index -> 137, both
# -> 138. 9.5.4: "If the Status field in the Binding Acknowledgement
# contains the value 136 (expired home nonce index), 137 (expired care-of
# nonce index), or 138 (expired nonces), then the message MUST NOT include
# the Binding Authorization Data mobility option." 6.1.8: the Sequence
# Number "is copied from the Sequence Number field in the Binding Update";
# the lifetime of a rejection is undefined there: 0 (the module's BAs).
UNK=$(((IDX1 + 0x8000) & 0xffff))
nonce_case() { # nonce_case STATUS WHAT BU-ARGS...
	local st=$1 what=$2
	shift 2
	snap S0
	rrbu "$what: BA $st without BAD (16 octets), seq echoed, RH2 $HOA1" \
		--hoa "$HOA1" --coa "$COA2" --seq 120 --lifetime 10 --ack --expect-ba "status=$st,seq=120,lifetime=0" "$@"
	snap S1
	check_deltas "$what: rr_nonce_expired, ba_sent +1; bu_accepted, auth_fail, replay 0" \
		rr_nonce_expired=1 ba_sent=1 bu_accepted=0 auth_fail=0 replay=0
}
rr_fresh
nonce_case 136 "home nonce index $UNK unknown" --hidx "$UNK" --cidx "$CIDX2" --htok "$Z64"
nonce_case 137 "care-of nonce index $UNK unknown" --hidx "$IDX1" --cidx "$UNK" --ctok "$Z64"
nonce_case 138 "both nonce indices unknown" --hidx "$UNK" --cidx "$UNK" --htok "$Z64" --ctok "$Z64"
# 9.5.4 (paraphrase): a Binding Update rejected because of an expired
# nonce index (among other reasons) is answered with a Binding
# Acknowledgement whether or not its A bit is set.
rrbu "both unknown, A clear: BA 138 all the same" \
	--hoa "$HOA1" --coa "$COA2" --hidx "$UNK" --cidx "$UNK" --htok "$Z64" --ctok "$Z64" --seq 121 --lifetime 10 \
	--expect-ba status=138,lifetime=0
# Unauthenticated rejections are rate-limited like Binding Errors.
echo 1000 >$PARAMS/be_ratelimit_ms
rr_fresh
snap S0
rrbu "be_ratelimit_ms=1000: first BA 136 to $COA2" \
	--hoa "$HOA1" --coa "$COA2" --hidx "$UNK" --cidx "$CIDX2" --htok "$Z64" --seq 122 --lifetime 10 --ack --expect-ba status=136,lifetime=0
rrbu "be_ratelimit_ms=1000: second BA 136 to $COA2 within the second: not sent" \
	--hoa "$HOA1" --coa "$COA2" --hidx "$UNK" --cidx "$CIDX2" --htok "$Z64" --seq 123 --lifetime 10 --ack --expect-none --wait 0.5
snap S1
check_deltas "rejections rate-limited: rr_nonce_expired +2, ba_sent +1, be_ratelimited +1" rr_nonce_expired=2 ba_sent=1 be_ratelimited=1
echo 0 >$PARAMS/be_ratelimit_ms
check_binding "after 136-138: binding of $HOA1 unchanged (seq 110)" "$HOA1" "coa=$COA2" seq=110

# ================================================================ 10. de-registration
rr_fresh
diag "10. de-registration with the home keygen token alone"
# RFC 6275 5.2.6 (paraphrase): for a de-registration (returning home, or
# lifetime 0) only the home keygen token is used: Kbm = SHA1(home keygen
# token). 6.2.6 (paraphrase): the Care-of Nonce Index is ignored in
# requests to delete a binding. 6.2.7: the care-of address in the
# authenticator is "the home address of the mobile node if this option is
# used in de-registration" (paraphrase).
hoti "HoTI from $HOA_X: HoT checked" "$HOA_X"
IDXX=$H_IDX
rrbu "RR BU for $HOA_X from $COA: BA 0" --hoa "$HOA_X" --coa "$COA" --hidx "$IDXX" --cidx "$CIDX1" --seq 1 --lifetime 10 --ack --expect-ba status=0
rr_fresh
snap S0
rrbu "lifetime 0 from $COA, care-of index 0xbeef: BA 0 lifetime 0, BAD with SHA1(home token) over the home address, RH2" \
	--hoa "$HOA_X" --coa "$COA" --hidx "$IDXX" --cidx 0xbeef --seq 2 --lifetime 0 --ack --expect-ba status=0,lifetime=0
snap S1
check_deltas "de-registration from a care-of address: bu_accepted, ba_sent +1; auth_fail, rr_nonce_expired 0" \
	bu_accepted=1 ba_sent=1 auth_fail=0 rr_nonce_expired=0
if binding_absent "$HOA_X"; then ok "de-registration from a care-of address: binding of $HOA_X gone"; else not_ok "de-registration from a care-of address: binding of $HOA_X gone" "$(binding_get "$HOA_X")"; fi

hoti "HoTI from $HOA_D: HoT checked" "$HOA_D"
IDXD=$H_IDX
rrbu "RR BU for $HOA_D from $COA: BA 0" --hoa "$HOA_D" --coa "$COA" --hidx "$IDXD" --cidx "$CIDX1" --seq 1 --lifetime 10 --ack --expect-ba status=0
# 9.5.4 (paraphrase): the BA goes to the BU's source; a type 2 Routing
# Header only when that is not the home address.
rr_fresh
snap S0
rrbu "from home (source $HOA_D, CoA = HoA), lifetime 0: BA 0 lifetime 0 to $HOA_D, no RH2, BAD with SHA1(home token)" \
	--hoa "$HOA_D" --coa "$HOA_D" --hidx "$IDXD" --cidx 0 --seq 2 --lifetime 0 --ack --expect-ba status=0,lifetime=0
snap S1
check_deltas "de-registration from home: bu_accepted, ba_sent +1; auth_fail, rr_nonce_expired 0" \
	bu_accepted=1 ba_sent=1 auth_fail=0 rr_nonce_expired=0
if binding_absent "$HOA_D"; then ok "de-registration from home: binding of $HOA_D gone"; else not_ok "de-registration from home: binding of $HOA_D gone" "$(binding_get "$HOA_D")"; fi
rrbu "RR BU for $HOA_D from $COA again: BA 0" --hoa "$HOA_D" --coa "$COA" --hidx "$IDXD" --cidx "$CIDX1" --seq 3 --lifetime 10 --ack --expect-ba status=0
rrbu "from home, CoA = HoA, lifetime 10: a de-registration all the same, BA 0 lifetime 0" \
	--hoa "$HOA_D" --coa "$HOA_D" --hidx "$IDXD" --cidx 0 --seq 4 --lifetime 10 --ack --expect-ba status=0,lifetime=0
if binding_absent "$HOA_D"; then ok "CoA = HoA: binding of $HOA_D gone"; else not_ok "CoA = HoA: binding of $HOA_D gone" "$(binding_get "$HOA_D")"; fi

# ================================================================ 11. a preconfigured Kbm first
rr_fresh
diag "11. a preconfigured Kbm overrides return routability"
# draft-ietf-mip6-precfgKbm (paraphrase): with a Kbm configured for the
# home address the correspondent uses it instead of the one return
# routability would give; the Nonce Indices are then ignored.
hoti "HoTI from $HOA_P: HoT checked" "$HOA_P"
IDXP=$H_IDX
rrbu "RR BU for $HOA_P (no Kbm yet): BA 0" --hoa "$HOA_P" --coa "$COA" --hidx "$IDXP" --cidx "$CIDX1" --seq 1 --lifetime 10 --ack --expect-ba status=0
check_binding "RR binding of $HOA_P: auth rr" "$HOA_P" "coa=$COA" seq=1 auth=rr
check "kbm add $HOA_P" cli "$NS_CN" kbm add "$HOA_P" key "$KP"
rr_fresh
snap S0
rrbu "$HOA_P has a Kbm: the RR-keyed BU is dropped" --hoa "$HOA_P" --coa "$COA" --hidx "$IDXP" --cidx "$CIDX1" --seq 2 --lifetime 10 --ack --expect-none
snap S1
check_deltas "RR-keyed BU with a Kbm present: auth_fail +1; bu_accepted, ba_sent, rr_nonce_expired 0" auth_fail=1 bu_accepted=0 ba_sent=0 rr_nonce_expired=0
rr_fresh
snap S0
rrbu "Kbm-keyed BU with Nonce Indices 0xdead/0xbeef: BA 0 with BAD keyed with the Kbm" \
	--hoa "$HOA_P" --coa "$COA" --hidx 0xdead --cidx 0xbeef --kbm "$KP" --seq 3 --lifetime 10 --ack --expect-ba status=0
snap S1
check_deltas "Kbm-keyed BU: bu_accepted, ba_sent +1; auth_fail, rr_nonce_expired, bu_hoa_mismatch 0" \
	bu_accepted=1 ba_sent=1 auth_fail=0 rr_nonce_expired=0 bu_hoa_mismatch=0
check_binding "binding of $HOA_P now auth kbm, seq 3" "$HOA_P" "coa=$COA" seq=3 auth=kbm

# ================================================================ 12. rr show
rr_fresh
diag "12. mip6sec rr show"
# shellcheck disable=SC2034 # read by keys_absent (sa_lib.sh)
SECRETS=("$HT1" "$HT2" "$CT1" "$CT2")
j=$(cli "$NS_CN" -j rr show 2>&1)
diag "rr show -j: $j"
check_eq "rr show -j: mode kernel, nonce_lifetime 240" "kernel 240" "$(json_get mode <<<"$j") $(json_get nonce_lifetime <<<"$j")"
nonces_ok() { # nonces_ok JSON LIFETIME INDEX...: newest first, every field, the indices listed
	$PYTHON - "$@" <<'PYEOF'
import json, sys
d = json.loads(sys.argv[1])
lt = int(sys.argv[2])
ns = d.get('nonces')
if not isinstance(ns, list) or not ns:
    sys.exit('no nonces list')
for n in ns:
    if set(n) != {'index', 'age', 'expires'} or not all(isinstance(n[k], int) for k in n):
        sys.exit('nonce entry %r: want index, age, expires (integers)' % n)
    if not 0 <= n['expires'] <= lt or n['age'] < 0:
        sys.exit('nonce entry %r: expires not in [0, %d]' % (n, lt))
ages = [n['age'] for n in ns]
if ages != sorted(ages):
    sys.exit('not newest first: ages %r' % ages)
if not isinstance(d.get('kcn_age'), int):
    sys.exit('kcn_age missing')
for i in sys.argv[3:]:
    if int(i) not in [n['index'] for n in ns]:
        sys.exit('index %s not listed' % i)
PYEOF
}
out=$(nonces_ok "$j" 240 "$IDX1" 2>&1)
result $? "rr show -j: nonces newest first with index, age, expires <= 240; kcn_age; index $IDX1 listed" "$out"
t=$(cli "$NS_CN" rr show 2>&1)
result $? "rr show (text) runs" "$t"
h=$(grep -oE '[0-9a-fA-F]{16,}' <<<"$j
$t")
if [ -z "$h" ]; then ok "rr show, JSON and text: no string of 16 or more hex digits"; else not_ok "rr show, JSON and text: no string of 16 or more hex digits" "$h"; fi
keys_absent "rr show: none of the keygen tokens received" "$j $t"

# ================================================================ 13. nonce rotation and expiry
diag "13. nonces: rotation and expiry with rr_nonce_lifetime_s=8"
# RFC 6275 5.2.7 (paraphrase): correspondent nodes generate nonces at
# regular intervals, keep each acceptable for a while after first use, and
# MUST NOT accept one older than MAX_NONCE_LIFETIME; a Binding Update with
# a nonce index it no longer accepts gets 136, 137 or 138 (9.5.1).
newest=$(cli "$NS_CN" -j rr show 2>/dev/null | json_get nonces.0.index)
echo 8 >$PARAMS/rr_nonce_lifetime_s
hoti "lifetime 8: HoTI from $HOA_N: HoT checked" "$HOA_N"
NA=$H_IDX NAT=$H_TOK
check_eq "lifetime 8: the newest nonce was older than 1 s: a new one, index newest + 1" "$(((${newest:-0} + 1) & 0xffff))" "$NA"
coti "lifetime 8: CoTI from $COA: CoT checked" "$COA"
NC=$C_IDX
# Under emulation the CoTI may come more than 1 s after the HoTI, and
# already take the next nonce: what follows counts from the CoT's index.
sleep 1.5
hoti "1.5 s later: HoTI from $HOA_N: HoT checked" "$HOA_N"
NB=$H_IDX
if [ -n "$NB" ] && [ "$NB" = "$(((NC + 1) & 0xffff))" ] && [ "$H_TOK" != "$NAT" ]; then
	ok "1.5 s later (> 8 / 8 s): next nonce, index $NB, another token"
else
	not_ok "1.5 s later (> 8 / 8 s): next nonce, another token" "HoTI $NA $NAT, CoTI $NC, then HoTI $NB $H_TOK"
fi
j=$(cli "$NS_CN" -j rr show 2>&1)
out=$(nonces_ok "$j" 8 "$NB" 2>&1)
result $? "rr show -j, lifetime 8: index $NB listed, expires <= 8" "$out" "$j"
check_eq "rr show -j: nonce_lifetime 8, newest index $NB" "8 $NB" "$(json_get nonce_lifetime <<<"$j") $(json_get nonces.0.index <<<"$j")"
# Wait until the first tokens are older than the lifetime, measured.
age_over() { # age_over KIND ADDR INDEX: that token is more than 8.5 s old
	mn age --kind "$1" --addr "$2" --idx "$3" && awk -v a="${MN_OUT#OK }" 'BEGIN { exit !(a > 8.5) }'
}
if wait_for 30 age_over home "$HOA_N" "$NA" && wait_for 30 age_over careof "$COA" "$NC"; then
	ok "tokens of indices $NA (home) and $NC (care-of) now older than 8 s"
else
	not_ok "tokens of indices $NA (home) and $NC (care-of) older than 8 s within 30 s" "$MN_OUT"
fi
# Fresh tokens, each used at once: under emulation a step takes seconds.
coti "fresh CoTI from $COA: CoT checked" "$COA"
FC=$C_IDX
hoti "fresh HoTI from $HOA_N: HoT checked" "$HOA_N"
FH=$H_IDX
snap S0
rrbu "fresh home and care-of nonces: BA 0" \
	--hoa "$HOA_N" --coa "$COA" --hidx "$FH" --cidx "$FC" --seq 1 --lifetime 10 --ack --expect-ba status=0
rrbu "both tokens older than the lifetime: BA 138 without BAD" \
	--hoa "$HOA_N" --coa "$COA" --hidx "$NA" --cidx "$NC" --seq 2 --lifetime 10 --ack --expect-ba status=138,lifetime=0
hage=$(out_get htok_age) cage=$(out_get ctok_age)
coti "fresh CoTI from $COA again: CoT checked" "$COA"
rrbu "expired home nonce, fresh care-of nonce: BA 136 without BAD" \
	--hoa "$HOA_N" --coa "$COA" --hidx "$NA" --cidx "$C_IDX" --seq 3 --lifetime 10 --ack --expect-ba status=136,lifetime=0
hoti "fresh HoTI from $HOA_N again: HoT checked" "$HOA_N"
rrbu "fresh home nonce, expired care-of nonce: BA 137 without BAD" \
	--hoa "$HOA_N" --coa "$COA" --hidx "$H_IDX" --cidx "$NC" --seq 4 --lifetime 10 --ack --expect-ba status=137,lifetime=0
snap S1
if awk -v a="$hage" -v c="$cage" 'BEGIN { exit !(a > 8 && c > 8) }'; then ok "the BU left with tokens $hage s and $cage s old (> 8)"; else not_ok "the BU left with tokens older than 8 s" "home $hage s, care-of $cage s"; fi
check_deltas "fresh nonces then 138, 136, 137: bu_accepted +1, rr_nonce_expired +3, ba_sent +4; auth_fail 0" \
	bu_accepted=1 rr_nonce_expired=3 ba_sent=4 auth_fail=0
echo 240 >$PARAMS/rr_nonce_lifetime_s

# ================================================================ 14. rate limit
diag "14. HoT / CoT rate limit per /64"
# The RFC sets no rate for HoT/CoT; rr_ratelimit bounds the replies to one
# source /64 (rr-interface.md). A reply answers one request: never more
# replies than requests.
burst_check() { # burst_check NAME LIMIT N: after "mn init-burst", S0/S1 taken
	local name=$1 lim=$2 n=$3 secs ans dup unk bad oth hi lo sent
	secs=$(out_get secs) ans=$(out_get answered) dup=$(out_get dup) unk=$(out_get unknown)
	bad=$(out_get bad) oth=$(out_get other)
	diag "$name: $MN_OUT"
	if [ "$lim" -eq 0 ]; then
		lo=$n hi=$n
	else
		lo=$lim
		hi=$((lim * ($(awk -v s="$secs" 'BEGIN { print int(s) }') + 2)))
	fi
	if [ -n "$ans" ] && [ "$ans" -ge "$lo" ] && [ "$ans" -le "$hi" ]; then
		ok "$name: $ans of $n requests answered in ${secs} s (want $lo..$hi)"
	else
		not_ok "$name: between $lo and $hi of $n requests answered" "$MN_OUT"
	fi
	check_eq "$name: every reply correct to the octet, at most one per request (dup unknown bad other)" "0 0 0 0" "$dup $unk $bad $oth"
	sent=$(($(delta rr_hot_sent) + $(delta rr_cot_sent)))
	check_eq "$name: rr_hoti_rx + rr_coti_rx +$n, rr_hot_sent + rr_cot_sent = answered, rr_ratelimited = the rest" \
		"$n $ans $((n - ${ans:-0}))" "$(($(delta rr_hoti_rx) + $(delta rr_coti_rx))) $sent $(delta rr_ratelimited)"
}
echo 10 >$PARAMS/rr_ratelimit
sleep 1.1
snap S0
if mn init-burst --cn "$CN" --src "$BURST1" --count 50 --kind mix --listen 2; then :; fi
wait_delta 5 rr_coti_rx 25
burst_check "rr_ratelimit=10, 50 HoTI/CoTI from $BURST1" 10 50
hoti "right after, a HoTI from another /64 ($HOA1): answered" "$HOA1"
echo 0 >$PARAMS/rr_ratelimit
snap S0
if mn init-burst --cn "$CN" --src "$BURST2" --count 150 --kind mix --listen 3; then :; fi
wait_delta 5 rr_coti_rx 75
burst_check "rr_ratelimit=0, 150 HoTI/CoTI from $BURST2" 0 150
echo 100 >$PARAMS/rr_ratelimit

# ================================================================ 15. nothing went to userspace
diag "15. userspace saw none of it"
sleep 0.3
check_eq "rr=kernel: no HoTI, CoTI or RR BU reached the raw IPPROTO_MH socket" "0 0 0" "$(raw_count 1) $(raw_count 2) $(raw_count 5)"

echo 1000 >$PARAMS/be_ratelimit_ms
mn_stop
ktap_finished
