#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# FMIPv6 previous access router (issue 4, /work/notes/issue4-spec.md):
# netns mn plays the mobile node with selftests/mn.py (Fast Binding Update,
# MH type 8, from the new care-of address with the previous care-of address
# in a Home Address option, the MN-ID option and an RFC 4285 authentication
# option keyed with the fast handover key), netns cn runs the module as the
# previous access router. The FHK is derived by the CLI from an MSK ("sa add
# ... use fbu msk HEX par ADDR") and independently in Python
# (selftests/eapkdf.py: FHK = KDF(MSK, "FMIPv6-FHK", PAR address, 20)).
#
#  - derivation: "derive fbu" equals Python; FBUs authenticated with the
#    Python FHK are accepted (the CLI derived the same key);
#  - accepted FBU: FBack checked octet by octet (MN-ID echo, MN-HA format
#    option with the MAC recomputed in Python, checksum, no RH2), event
#    fbu-accepted with NAI, SPI, previous and new CoA, PAR, seq, lifetime
#    (seconds, RFC 5568 6.2.2/6.2.3); Alternate CoA (FBack to it, the NCoA,
#    RFC 5568 6.2.3); lifetime clamp; no binding cache entry;
#  - forged FBUs (wrong key, flipped bits, MAC over other addresses): dropped
#    without FBack, fbu_auth_fail; missing MN-ID / auth option / HAO:
#    fbu_missing_opt; auth option not last: mh_bad_opt;
#  - unknown NAI: key-request (use fbu) and drop; unknown SPI or an NAI with
#    only a home agent SA: fbu_nokey; replayed sequence numbers: fbu_replay;
#  - FBUs never reach userspace; key material never leaves the kernel.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_root
require_cmd ip tshark
require_cli
require_module
ktap_print_header
. "$SELFTESTS_DIR/sa_lib.sh"
sa_test_begin

PAR=$ADDR_CN
NCOA=$ADDR_MN		# new care-of address: the FBU's source
ALT=2001:db8:1::3	# Alternate CoA option, on mn
PCOA=2001:db8:3::2	# previous care-of address, in the HAO
PCOA2=2001:db8:3::3
PCOA_N=2001:db8:3::99

NAI1=fmn@example.com
NAI2=fast-mobile@example.net	# 23 octets: other option offsets
NAI3=hamn@example.com		# only an MN-HA SA
SPI1=20481 SPI2=20482 SPI3=20483

hexgen() { $PYTHON -c 'import hashlib,sys; print(hashlib.sha512(sys.argv[1].encode()).hexdigest()[:2*int(sys.argv[2])])' "$@"; }
MSK=$(hexgen "fbu msk" 64)
FHK=$(eapkdf fbu "$MSK" "$PAR")		# what the CLI must derive
K2=$(hexgen "fbu key 2" 20)
K3=$(hexgen "fbu key 3" 16)
KWRONG=$(hexgen "fbu wrong key" 20)
SECRETS=("$MSK" "$FHK" "$K2" "$K3")
PCAP=$TMP/fback.pcap

ktap_plan 74

F1=(--nai "$NAI1" --spi "$SPI1" --key "$FHK" --pcoa "$PCOA")
fbu_check() { # fbu_check NAME ARGS...
	local name=$1
	shift
	mn_check "$name" fbu --par "$PAR" --coa "$NCOA" "$@"
}
# drop_case WHAT COUNTER FBU-ARGS...: no FBack; COUNTER +1, no FBack sent, nothing accepted
drop_case() {
	local what=$1 counter=$2
	shift 2
	snap S0
	fbu_check "$what: no FBack" "$@" --expect-none
	snap S1
	check_deltas "$what: $counter +1, fbu_rx +1, fbu_accepted 0, fback_sent 0" \
		"$counter=1" fbu_rx=1 fbu_accepted=0 fback_sent=0
}

# ---------------------------------------------------------------- setup
ip -n "$NS_MN" addr add "$ALT/64" dev "$IF_MN" nodad || ksft_skip_all "cannot add $ALT"
params_ok=1
echo enforce >$PARAMS/hao_policy || params_ok=0
echo 420 >$PARAMS/max_lifetime || params_ok=0
echo 1000 >$PARAMS/keyreq_ratelimit_ms || params_ok=0
echo pass >$PARAMS/bu_nokey || params_ok=0
result $((1 - params_ok)) "module parameters set (max_lifetime 420, keyreq_ratelimit_ms 1000)" "$(ls $PARAMS 2>&1 | tr '\n' ' ')"

mon_start
mhrecv_start
if ! mn_start || ! wait_file_match "$READY_TIMEOUT" "$MHOUT" '^ready'; then
	diag "mh: $(cat "$MHOUT")"
	ksft_skip_all "packet tools did not start"
fi
in_ns "$NS_CN" ping -6 -c1 -W2 -q "$ALT" >/dev/null 2>&1
sleep 0.3

# ================================================================ 0. keys
diag "0. fast handover keys"
out=$(eapkdf selftest 2>&1)
result $? "Python KDF: RFC 4231 HMAC-SHA-256 vectors and an RFC 5295 KDF vector" "$out"
got=$(cli - derive fbu msk "$MSK" par "$PAR" 2>&1)
check_eq "derive fbu msk HEX par $PAR equals Python's KDF(MSK, \"FMIPv6-FHK\", PAR, 20)" "key $FHK" "$got"
mon_mark
check "sa add nai $NAI1 spi $SPI1 use fbu msk HEX par $PAR" \
	cli "$NS_CN" sa add nai "$NAI1" spi "$SPI1" use fbu msk "$MSK" par "$PAR"
check "sa add nai $NAI2 spi $SPI2 use fbu key HEX" cli "$NS_CN" sa add nai "$NAI2" spi "$SPI2" use fbu key "$K2"
check "sa add nai $NAI3 spi $SPI3 use mn-ha key HEX hoa 2001:db8:2::3 (a home agent SA)" cli "$NS_CN" sa add nai "$NAI3" spi "$SPI3" use mn-ha key "$K3" hoa 2001:db8:2::3
check_fail "sa add use fbu msk HEX without par: refused" any cli "$NS_CN" sa add nai x@y spi 999 use fbu msk "$MSK"
check_event "event sa-new for $NAI1, use fbu" 5 sa-new "nai=$NAI1" "spi=$SPI1" use=fbu
j=$(cli "$NS_CN" -j sa show 2>&1)
if jpick "nai=$NAI1" "spi=$SPI1" use=fbu hoa=null replay=seq uses=0 last_seq=null <<<"$j" >/dev/null; then ok "sa show -j: $NAI1 use fbu, no home address, replay seq, uses 0"; else not_ok "sa show -j: $NAI1 use fbu, no home address, replay seq, uses 0" "$j"; fi
naihex=$(printf %s "fbu-bad@example.com" | od -An -tx1 | tr -d ' \n')
out=$(nlcraft "$NS_CN" sa-add nai="$naihex" spi=u32:999 sa-use=u32:3 key="$K2" hoa=2001:db8:2::1 2>&1)
if [[ $out == *'"errno": "EINVAL"'* ]]; then ok "netlink sa-add use fbu with a home address: EINVAL"; else not_ok "netlink sa-add use fbu with a home address: EINVAL" "$out"; fi
out=$(nlcraft "$NS_CN" sa-add nai="$naihex" spi=u32:999 sa-use=u32:3 key="$K2" replay=u32:1 2>&1)
if [[ $out == *'"errno": "EINVAL"'* ]]; then ok "netlink sa-add use fbu with replay timestamp: EINVAL"; else not_ok "netlink sa-add use fbu with replay timestamp: EINVAL" "$out"; fi
if sa_listed fbu-bad@example.com; then not_ok "refused fbu SAs are not listed"; else ok "refused fbu SAs are not listed"; fi

# ================================================================ 1. accepted
diag "1. accepted Fast Binding Updates"
mon_mark
snap S0
fbu_check "FBU seq 1 with the Python FHK: FBack status 0, every octet as specified" \
	"${F1[@]}" --seq 1 --lifetime 10 --expect-fback status=0 --pcap "$PCAP"
diag "$MN_OUT"
snap S1
check_deltas "FBU seq 1: fbu_rx, fbu_accepted, fback_sent +1; fbu_auth_fail, bu_accepted, ba_sent, mh_malformed 0" \
	fbu_rx=1 fbu_accepted=1 fback_sent=1 fbu_auth_fail=0 bu_accepted=0 ba_sent=0 mh_malformed=0
# RFC 5568 6.2.2: Lifetime "The requested time in seconds"
check_event "event fbu-accepted: NAI, SPI, pcoa, coa (source), PAR, seq 1, lifetime 10 s" 5 fbu-accepted \
	"nai=$NAI1" "spi=$SPI1" "pcoa=$PCOA" "coa=$NCOA" "ha=$PAR" seq=1 lifetime=10
if cli "$NS_CN" -j binding show 2>/dev/null | jpick "hoa=$PCOA" >/dev/null; then not_ok "no binding cache entry for an FBU" "$(cli "$NS_CN" -j binding show)"; else ok "no binding cache entry for an FBU"; fi
j=$(cli "$NS_CN" -j sa show 2>&1)
if jpick "nai=$NAI1" "spi=$SPI1" uses=1 last_seq=1 <<<"$j" >/dev/null; then ok "sa show: uses 1, last_seq 1"; else not_ok "sa show: uses 1, last_seq 1" "$(jpick "nai=$NAI1" <<<"$j")"; fi

mon_mark
# RFC 5568 6.2.3, FBack: "Destination Address: NCoA, and optionally PCoA"
fbu_check "FBU with Alternate CoA $ALT: FBack to the NCoA $ALT, MAC over the AltCoA" "${F1[@]}" --seq 2 --lifetime 10 --altcoa "$ALT" \
	--reply-to "$ALT" --expect-fback status=0
check_event "event fbu-accepted: coa = Alternate CoA" 5 fbu-accepted "nai=$NAI1" "pcoa=$PCOA" "coa=$ALT" seq=2
mon_mark
# RFC 5568 6.2.3: FBack Lifetime "The granted lifetime in seconds"
fbu_check "FBU lifetime 1000 s: FBack lifetime clamped to 420 s (max_lifetime)" "${F1[@]}" --seq 3 --lifetime 1000 --expect-fback status=0,lifetime=420
check_event "event fbu-accepted: lifetime 420 s (granted)" 5 fbu-accepted "nai=$NAI1" seq=3 lifetime=420
fbu_check "FBU for $NAI2 (key given in hex, 23-octet NAI): FBack status 0" \
	--nai "$NAI2" --spi "$SPI2" --key "$K2" --pcoa "$PCOA2" --seq 77 --lifetime 5 --expect-fback status=0

# ================================================================ 2. forged and incomplete
diag "2. forged or incomplete FBUs: dropped, no FBack"
drop_case "wrong key" fbu_auth_fail "${F1[@]}" --auth-key "$KWRONG" --seq 10 --lifetime 10
drop_case "flipped bit in the sequence number" fbu_auth_fail "${F1[@]}" --seq 10 --lifetime 10 --flip seq:0x40
drop_case "flipped bit in the lifetime" fbu_auth_fail "${F1[@]}" --seq 10 --lifetime 10 --flip lifetime-low:0x01
drop_case "flipped first MAC bit" fbu_auth_fail "${F1[@]}" --seq 10 --lifetime 10 --flip mac:0x80
drop_case "flipped last MAC bit" fbu_auth_fail "${F1[@]}" --seq 10 --lifetime 10 --flip mac-last:0x01
drop_case "MAC over another previous CoA than the HAO" fbu_auth_fail "${F1[@]}" --seq 10 --lifetime 10 --auth-hoa "$PCOA2"
drop_case "Alternate CoA with the MAC over the source" fbu_auth_fail "${F1[@]}" --seq 10 --lifetime 10 --altcoa "$ALT" --auth-coa "$NCOA"
drop_case "no MN-ID option" fbu_missing_opt "${F1[@]}" --seq 10 --lifetime 10 --no-mnid
drop_case "no authentication option" fbu_missing_opt "${F1[@]}" --seq 10 --lifetime 10 --no-auth
drop_case "no Home Address option" fbu_missing_opt "${F1[@]}" --seq 10 --lifetime 10 --no-hao
drop_case "MN-AAA subtype instead of the MN-HA format (no subtype 1 option)" fbu_missing_opt "${F1[@]}" --seq 10 --lifetime 10 --subtype 2
# A malformed MH never gets as far as being an FBU (fbu_rx stays).
snap S0
fbu_check "authentication option not last: no FBack" "${F1[@]}" --seq 10 --lifetime 10 --layout auth-then-altcoa --expect-none
snap S1
check_deltas "authentication option not last: mh_bad_opt +1, mh_malformed +1, fbu_accepted 0, fback_sent 0" \
	mh_bad_opt=1 mh_malformed=1 fbu_accepted=0 fback_sent=0
j=$(cli "$NS_CN" -j sa show 2>&1)
if jpick "nai=$NAI1" "spi=$SPI1" last_seq=3 <<<"$j" >/dev/null; then ok "sa show: last_seq still 3 after the dropped FBUs"; else not_ok "sa show: last_seq still 3 after the dropped FBUs" "$(jpick "nai=$NAI1" <<<"$j")"; fi

# ================================================================ 3. keys
diag "3. unknown NAI, SPI, use"
mon_mark
snap S0
fbu_check "FBU for an NAI without SA: no FBack" --nai nobody@example.com --spi "$SPI1" --key "$FHK" --pcoa "$PCOA_N" --seq 1 --lifetime 10 --expect-none
snap S1
check_deltas "unknown NAI: fbu_nokey +1, key_request +1, fbu_accepted 0" fbu_nokey=1 key_request=1 fbu_accepted=0
check_event "event key-request: nai, spi, use fbu, ha = PAR, hoa = previous CoA, coa = new CoA" 5 key-request \
	nai=nobody@example.com "spi=$SPI1" use=fbu "ha=$PAR" "hoa=$PCOA_N" "coa=$NCOA"
drop_case "known NAI, unknown SPI" fbu_nokey --nai "$NAI1" --spi 20490 --key "$FHK" --pcoa "$PCOA" --seq 10 --lifetime 10
mon_mark
drop_case "NAI with only an MN-HA SA (its SPI and key)" fbu_nokey --nai "$NAI3" --spi "$SPI3" --key "$K3" --pcoa "$PCOA" --seq 10 --lifetime 10
sleep 0.3
check_eq "no key-request for an NAI that has an SA" 0 "$(event_count key-request "nai=$NAI3")"

# ================================================================ 4. replay
diag "4. sequence numbers"
drop_case "replayed seq 3" fbu_replay "${F1[@]}" --seq 3 --lifetime 10
drop_case "older seq 2" fbu_replay "${F1[@]}" --seq 2 --lifetime 10
drop_case "seq 3+32768 (not newer modulo 2^16)" fbu_replay "${F1[@]}" --seq 32771 --lifetime 10
fbu_check "seq 3+32767 (newest possible): FBack status 0" "${F1[@]}" --seq 32770 --lifetime 10 --expect-fback status=0 --pcap "$PCAP"

# ================================================================ 5. sa del
diag "5. sa del"
check "sa del nai $NAI2 spi $SPI2" cli "$NS_CN" sa del nai "$NAI2" spi "$SPI2"
mon_mark
drop_case "FBU after sa del" fbu_nokey --nai "$NAI2" --spi "$SPI2" --key "$K2" --pcoa "$PCOA2" --seq 78 --lifetime 5
check_event "FBU after sa del: key-request use fbu" 5 key-request "nai=$NAI2" use=fbu

# ================================================================ 6. userspace, keys, tshark
diag "6. nothing reaches userspace, no key bytes, tshark"
sleep 0.5
n=$(jpick -c type=8 <"$MHOUT")
check_eq "no FBU reached the raw IPPROTO_MH socket in cn" 0 "$n"
keys_absent "sa show (-j and text)" "$(cli "$NS_CN" -j sa show 2>&1; cli "$NS_CN" sa show 2>&1)"
keys_absent "binding show, kbm show, stats" "$(cli "$NS_CN" -j binding show 2>&1; cli "$NS_CN" -j kbm show 2>&1; cli "$NS_CN" -j stats 2>&1)"
keys_absent "monitor output (sa-new, sa-del, fbu-accepted, key-request)" "$(cat "$MON")"
raw=$(nlcraft "$NS_CN" --dump sa-get 2>&1)
keys_absent "raw netlink sa-get dump" "$raw"
if grep -q '"key":' <<<"$raw"; then not_ok "raw sa-get replies carry no KEY attribute" "$raw"; elif grep -q '"nai"' <<<"$raw"; then ok "raw sa-get replies carry no KEY attribute"; else not_ok "raw sa-get replies carry no KEY attribute" "no SA in the dump: $raw"; fi
tsv=$(tshark -r "$PCAP" -T fields -E separator=, -E occurrence=f \
	-e mip6.mhtype -e mip6.fback.status -e mip6.fback.seqnr -e mip6.fback.lifetime -e mip6.mnid.identifier \
	-e mip6.auth.subtype -e mip6.auth.mobility_spi -e ipv6.routing.type 2>&1 | grep -v '^Running as')
diag "tshark: $(tr '\n' ' ' <<<"$tsv")"
l1=$(sed -n 1p <<<"$tsv") l2=$(sed -n 2p <<<"$tsv")
if [ "$l1" = "9,0,1,10,$NAI1,1,$SPI1," ]; then ok "tshark: FBack status 0 seq 1 lifetime 10, MN-ID, MN-HA SPI, no routing header"; else not_ok "tshark: FBack status 0 seq 1 lifetime 10, MN-ID, MN-HA SPI, no routing header" "$l1"; fi
if [ "$l2" = "9,0,32770,10,$NAI1,1,$SPI1," ]; then ok "tshark: FBack seq 32770"; else not_ok "tshark: FBack seq 32770" "$l2"; fi

mn_stop
ktap_finished
