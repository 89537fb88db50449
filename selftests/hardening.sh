#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Security hardening: what the module answers, from where and to whom; and
# the edge cases where it met the rest of the stack. netns mn sends crafted
# packets (selftests/hardening.py, selftests/mn.py), netns cn runs the
# module.
#
#  1. A reply never leaves from an address that is not one of this node's
#     unicast addresses: an unknown MH type sent to a multicast group, to a
#     subnet-router anycast address or to an AnyIP (local route) address
#     gets no Binding Error, while one sent to the node's address does.
#  2. A reply goes out where the message came in: through the interface it
#     arrived on for a link-local destination (two links with the same
#     link-local addresses), with its mark when net.ipv6.fwmark_reflect is
#     set (policy routing by fwmark), in its VRF (Binding Error, Kbm BA,
#     home agent BA).
#  3. With conntrack active in the namespace (a stateful nftables rule),
#     locally generated fragments keep their conntrack state and pass
#     nf_defrag_ipv6 unreassembled: large UDP over loopback (MTU 1280) is
#     still delivered, and a fragmented Mobility Header or Home Address option
#     is still judged whole, never passed unseen; a first fragment without
#     its header chain is dropped.
#  4. A Home Address option that the kernel processed itself (route
#     optimisation state, before AH) in front of transport-mode ESP is not
#     swapped back: the packet is judged with the right home address.
#  5. The root of a user namespace administers the network namespace it
#     owns (unshare -Urn), also as an unprivileged user, and no other.
#  6. The binding cache reaper never removes a binding that a Binding
#     Update refreshed after the reaper found it expired (stress: refresh
#     bindings in place while they expire and the reaper runs).
#  7. Home agent: every mn-ha / mn-aaa SA names what it may register, a
#     home address or a home prefix; an SA with neither, or naming what
#     another NAI's SA names, is refused; a BU for an address the SA does
#     not name gets 129 (another mobile node's, or inside a served prefix)
#     or 132 (outside every home address and prefix), no binding, and the
#     address stays unusable in a Home Address option.
#  8. A refused Binding Update is answered through the rate limit: an
#     accepted Kbm BU with an Alternate CoA, replayed from spoofed sources,
#     gets at most one 135 per be_ratelimit_ms and destination.
#  9. A Kbm BU with a type 2 Routing Header is dropped: no BA from the
#     Routing Header's address (or any), no binding.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_root
require_cmd ip unshare
require_cli
require_module
ktap_print_header
. "$SELFTESTS_DIR/sa_lib.sh"
# run by sa_test_end, when the test exits
sa_test_cleanup() {
	[ -z "${USERNS_SYSCTL:-}" ] || sysctl -qw kernel.unprivileged_userns_clone="$USERNS_SYSCTL"
}
sa_test_begin

PARAMS=/sys/module/mip6sec/parameters
HPY="$PYTHON $SELFTESTS_DIR/hardening.py"
CN=$ADDR_CN
MN=$ADDR_MN

ktap_plan 75

echo enforce >$PARAMS/hao_policy
echo 4096 >$PARAMS/max_bindings
echo 420 >$PARAMS/max_lifetime
echo pass >$PARAMS/bu_nokey
# Every reply below is one the rate limit would let through: counting them
# must not depend on the order of the sections.
echo 0 >$PARAMS/be_ratelimit_ms

if ! mn_start; then
	ksft_skip_all "mn.py did not start: $MN_OUT"
fi

# jq-free JSON checks: hjson EXPR JSON -> evaluates EXPR with d = the object
hjson() { $PYTHON -c 'import json, sys; d = json.loads(sys.argv[2]); sys.exit(0 if eval(sys.argv[1]) else 1)' "$1" "$2"; }
hmh() { in_ns "$NS_MN" $HPY mh "$@" 2>&1; }
# BEs that came back, as "src>dst@if exact" words
be_list() { $PYTHON -c 'import json, sys
d = json.loads(sys.argv[1])
print(" ".join("%s>%s@%s%s" % (r["src"], r["dst"], r["if"], "" if r.get("exact") else "(not-exact)")
               for r in d["replies"] if r["type"] == 7))' "$1" 2>&1; }

# ================================================================ 1. reply sources
diag "1. replies only from this node's unicast addresses (RFC 6275 9.3.3)"
snap S0
out=$(hmh --src "$MN" --dst "$CN")
check_eq "MH type 30 to $CN: one Binding Error status 2, from $CN, octet for octet" \
	"$CN>$MN@$IF_MN" "$(be_list "$out")"

# RFC 6275 9.3.3: a Binding Error is sent to the source; RFC 4291 2.7:
# multicast addresses must not be used as source addresses.
snap S0
out=$(hmh --src "$MN" --dst ff02::1 --ifname "$IF_MN")
check_eq "MH type 30 to ff02::1: no Binding Error (would come from ff02::1)" "" "$(be_list "$out")"
snap S1
check_deltas "MH type 30 to ff02::1: mh_unknown_type +1, be_sent 0" mh_unknown_type=1 be_sent=0

in_ns "$NS_CN" sysctl -qw "net.ipv6.conf.$IF_CN.forwarding=1"
ANYCAST=2001:db8:1::
wait_for 5 in_ns "$NS_CN" grep -q 20010db8000100000000000000000000 /proc/net/anycast6
snap S0
out=$(hmh --src "$MN" --dst "$ANYCAST")
check_eq "MH type 30 to the subnet-router anycast address: no Binding Error" "" "$(be_list "$out")"
snap S1
check_deltas "MH type 30 to anycast: mh_unknown_type +1, be_sent 0" mh_unknown_type=1 be_sent=0
in_ns "$NS_CN" sysctl -qw "net.ipv6.conf.$IF_CN.forwarding=0"

# AnyIP: a local route delivers a whole prefix that no address names.
ip -n "$NS_CN" -6 route add local 2001:db8:9::/64 dev lo
ip -n "$NS_MN" -6 route add 2001:db8:9::/64 via "$CN" dev "$IF_MN"
snap S0
out=$(hmh --src "$MN" --dst 2001:db8:9::5)
check_eq "MH type 30 to an AnyIP address (local route, no address): no Binding Error" "" "$(be_list "$out")"
snap S1
check_deltas "MH type 30 to AnyIP: mh_unknown_type +1, be_sent 0" mh_unknown_type=1 be_sent=0

# ================================================================ 2. reply routing
diag "2. replies leave where the message came in: interface, mark, VRF"
# Two links between mn and cn with the same link-local addresses: only the
# interface the message came in on tells which link the answer is for.
ok2=1
ip -n "$NS_MN" link add veth-mn2 type veth peer name veth-cn2 netns "$NS_CN" || ok2=0
for i in "" 2; do
	ip -n "$NS_CN" addr add fe80::1/64 dev "veth-cn$i" nodad || ok2=0
	ip -n "$NS_MN" addr add fe80::2/64 dev "veth-mn$i" nodad || ok2=0
done
ip -n "$NS_CN" link set veth-cn2 up && ip -n "$NS_MN" link set veth-mn2 up || ok2=0
[ $ok2 = 1 ] || diag "second link: setup failed"
for i in "" 2; do
	wait_for 5 in_ns "$NS_MN" ping -6 -c1 -W1 -q "fe80::1%veth-mn$i" >/dev/null 2>&1
	out=$(hmh --src fe80::2 --dst fe80::1 --ifname "veth-mn$i")
	check_eq "link-local MH on veth-mn$i: the Binding Error comes back on veth-mn$i" \
		"fe80::1>fe80::2@veth-mn$i" "$(be_list "$out")"
done

# Policy routing by mark: cn reaches 2001:db8:7::/64 only through table
# 106, which packets marked 6 use; nftables marks what comes from there.
MARKSRC=2001:db8:7::2
if command -v nft >/dev/null 2>&1; then
	ip -n "$NS_MN" addr add "$MARKSRC/64" dev "$IF_MN" nodad
	ip -n "$NS_CN" -6 rule add fwmark 6 lookup 106 pref 100
	ip -n "$NS_CN" -6 route add 2001:db8:7::/64 dev "$IF_CN" table 106
	check "mark: nftables marks what comes from $MARKSRC" in_ns "$NS_CN" nft -f - <<-EOF
	table ip6 m6mark {
		chain pre {
			type filter hook prerouting priority mangle; policy accept;
			ip6 saddr $MARKSRC meta mark set 6
		}
	}
	EOF
	# net/ipv6 sysctl: fwmark_reflect (default 0) gives kernel-made
	# replies "the fwmark of the packet they are replying to".
	in_ns "$NS_CN" sysctl -qw net.ipv6.fwmark_reflect=0
	out=$(hmh --src "$MARKSRC" --dst "$CN")
	check_eq "fwmark_reflect=0: the reply carries no mark (no route back): no Binding Error" "" "$(be_list "$out")"
	in_ns "$NS_CN" sysctl -qw net.ipv6.fwmark_reflect=1
	out=$(hmh --src "$MARKSRC" --dst "$CN")
	check_eq "fwmark_reflect=1: the reply carries mark 6, routed by table 106: Binding Error" \
		"$CN>$MARKSRC@$IF_MN" "$(be_list "$out")"
	in_ns "$NS_CN" nft delete table ip6 m6mark
else
	skip "mark: nftables marks what comes from $MARKSRC" "nft not installed"
	skip "fwmark_reflect=0: the reply carries no mark" "nft not installed"
	skip "fwmark_reflect=1: the reply carries mark 6" "nft not installed"
fi

# A VRF: the link, its addresses and its routes live in table 10 only.
VCN=2001:db8:a::1
VMN=2001:db8:a::2
ok3=1
modprobe -q vrf 2>/dev/null
ip -n "$NS_MN" link add veth-mn3 type veth peer name veth-cn3 netns "$NS_CN" || ok3=0
ip -n "$NS_CN" link add m6vrf type vrf table 10 || ok3=0
ip -n "$NS_CN" link set m6vrf up && ip -n "$NS_CN" link set veth-cn3 master m6vrf || ok3=0
ip -n "$NS_CN" addr add "$VCN/64" dev veth-cn3 nodad || ok3=0
ip -n "$NS_MN" addr add "$VMN/64" dev veth-mn3 nodad || ok3=0
ip -n "$NS_CN" link set veth-cn3 up && ip -n "$NS_MN" link set veth-mn3 up || ok3=0
[ $ok3 = 1 ] || diag "VRF: setup failed"
wait_for 5 in_ns "$NS_MN" ping -6 -c1 -W1 -q "$VCN" >/dev/null 2>&1
out=$(hmh --src "$VMN" --dst "$VCN")
check_eq "VRF: MH type 30 to $VCN: Binding Error through table 10" "$VCN>$VMN@veth-mn3" "$(be_list "$out")"
HOA_V=2001:db8:2::40
KV=4040404040404040404040404040404040404040
cli "$NS_CN" kbm add "$HOA_V" key "$KV" >/dev/null
mn_check "VRF: Kbm BU to $VCN: BA status 0 through table 10, octet for octet" \
	bu --cn "$VCN" --coa "$VMN" --hoa "$HOA_V" --key "$KV" --seq 1 --lifetime 10 --ack --expect-ba status=0
HOA_W=2001:db8:2::41
KW=41414141414141414141414141414141
cli "$NS_CN" sa add nai vrf@example.com spi 300 use mn-ha key "$KW" hoa "$HOA_W" >/dev/null
mn_check "VRF: RFC 4285 BU to $VCN: home agent BA status 0 through table 10, octet for octet" \
	ha-bu --ha "$VCN" --hoa "$HOA_W" --coa "$VMN" --nai vrf@example.com --spi 300 --key "$KW" \
	--seq 1 --lifetime 10 --ack --expect-ba status=0

# ================================================================ 3. fragments and conntrack
diag "3. fragments that carry conntrack state (loopback) are reassembled and judged"
UDPOUT=$TMP/udp.out
in_ns "$NS_CN" "$PYTHON" "$MNPY" udp-recv 9000 600 >"$UDPOUT" 2>&1 &
bg_track $!
wait_file_match "$READY_TIMEOUT" "$UDPOUT" '^ready'
# Loopback with the MTU of an Ethernet link, so that what this node sends
# itself leaves in fragments (the default 65536 never fragments).
ip -n "$NS_CN" link set lo mtu 1280
lo_udp() { in_ns "$NS_CN" $HPY lo-udp --dst "$CN" --size 3000 2>&1; }
snap S0
out=$(lo_udp)
snap S1
if hjson 'd["intact"]' "$out" && [ "$(delta bad_exthdr)" = 0 ]; then ok "no conntrack: 3000-octet UDP over loopback (MTU 1280) delivered"; else not_ok "no conntrack: 3000-octet UDP over loopback (MTU 1280) delivered" "$out" "$(stats_diff)"; fi
if command -v nft >/dev/null 2>&1; then
	# Any ct expression makes the namespace track connections.
	check "conntrack: nftables rule with a ct expression loaded" in_ns "$NS_CN" nft -f - <<-EOF
	table inet m6ct {
		chain in {
			type filter hook input priority filter; policy accept;
			ct state invalid counter
		}
	}
	EOF
	snap S0
	out=$(lo_udp)
	snap S1
	if hjson 'd["intact"]' "$out"; then ok "conntrack: 3000-octet UDP over loopback delivered intact"; else not_ok "conntrack: 3000-octet UDP over loopback delivered intact" "$out" "$(stats_diff)"; fi
	check_deltas "conntrack: UDP fragments: bad_exthdr 0" bad_exthdr=0

	snap S0
	out=$(in_ns "$NS_CN" $HPY lo-mh --dst "$CN" --len 2000 --type 30 2>&1)
	wait_delta 5 mh_unknown_type 1
	check_deltas "conntrack: 2000-octet MH type 30 over loopback, fragmented: judged whole (mh_unknown_type +1, bad_exthdr 0)" \
		mh_unknown_type=1 bad_exthdr=0

	snap S0
	out=$(in_ns "$NS_CN" $HPY hao-frags --src "$CN" --dst "$CN" --hoa 2001:db8:2::99 --size 2000 --marker lofrag 2>&1)
	wait_delta 5 hao_rx 1
	check_deltas "conntrack: fragmented UDP behind a HAO without binding over loopback: judged whole and dropped (hao_rx, hao_dropped +1)" \
		hao_rx=1 hao_dropped=1 bad_exthdr=0
	sleep 0.3
	if grep -q lofrag "$UDPOUT"; then not_ok "conntrack: the fragmented HAO datagram is not delivered" "$(grep lofrag "$UDPOUT")"; else ok "conntrack: the fragmented HAO datagram is not delivered"; fi

	# A first fragment whose Destination Options header goes on in the
	# next fragment (RFC 8200 4.5): nothing reassembles it, it is dropped.
	snap S0
	in_ns "$NS_MN" "$PYTHON" -c '
import socket, struct, sys
sys.path.insert(0, sys.argv[3])
import mn
hao = mn.destopt_hao(mn.IPPROTO_UDP, "2001:db8:2::98")
frag = struct.pack("!BBHI", mn.IPPROTO_DSTOPTS, 0, 1, 0x5eed)
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
s.sendto(mn.ipv6(sys.argv[1], sys.argv[2], 44, frag + hao[:16]), (sys.argv[2], 0))
' "$MN" "$CN" "$SELFTESTS_DIR"
	wait_delta 5 bad_exthdr 1
	check_deltas "a first fragment cut inside its Destination Options: dropped (bad_exthdr +1, hao_rx 0)" bad_exthdr=1 hao_rx=0
	in_ns "$NS_CN" nft delete table inet m6ct
	ip -n "$NS_CN" link set lo mtu 65536
else
	for t in "conntrack: ct rule loaded" "conntrack: UDP delivered" "conntrack: bad_exthdr 0" "conntrack: MH judged" \
		"conntrack: HAO judged" "conntrack: HAO not delivered" "truncated first fragment dropped"; do
		skip "$t" "nft not installed"
	done
fi

# ================================================================ 4. HAO processed by the kernel
diag "4. a HAO the kernel processed (route optimisation state, AH) before ESP is not swapped back"
HOA_A=2001:db8:2::50
KA=5050505050505050505050505050505050505050
KAH=5151515151515151515151515151515151515151
KESP=5252525252525252525252525252525252525252
cli "$NS_CN" kbm add "$HOA_A" key "$KA" >/dev/null
mn_check "AH+ESP: binding $HOA_A via $MN (Kbm BU)" \
	bu --cn "$CN" --coa "$MN" --hoa "$HOA_A" --key "$KA" --seq 1 --lifetime 100 --ack --expect-ba status=0
xok=1
# kernel-notes 1: a wildcard route optimisation state lets ipv6_dest_hao()
# process the option (only a HAO before AH reaches it with the module).
ip -n "$NS_CN" xfrm state add src :: dst :: proto hao mode ro coa :: flag wildrecv || xok=0
ip -n "$NS_CN" xfrm state add src "$HOA_A" dst "$CN" proto ah spi 0x1000 mode transport \
	auth-trunc 'hmac(sha1)' "0x$KAH" 96 sel src "$HOA_A/128" dst "$CN/128" || xok=0
ip -n "$NS_CN" xfrm state add src "$HOA_A" dst "$CN" proto esp spi 0x2000 mode transport \
	replay-window 32 auth-trunc 'hmac(sha1)' "0x$KESP" 96 enc cipher_null "" \
	sel src "$HOA_A/128" dst "$CN/128" || xok=0
[ $xok = 1 ] || diag "xfrm states: setup failed"
snap S0
out=$(in_ns "$NS_MN" $HPY ah-esp --coa "$MN" --hoa "$HOA_A" --cn "$CN" --ah-spi 0x1000 --ah-key "$KAH" \
	--esp-spi 0x2000 --esp-key "$KESP" 2>&1)
wait_delta 5 hao_deferred 1
sleep 0.5
snap S1
xs=$(ip -n "$NS_CN" -s xfrm state 2>&1)
n_esp=$($PYTHON -c 'import re, sys
t = sys.stdin.read()
m = re.search(r"(\d+)\s*\(packets\)", t[t.find("spi 0x00002000"):])
print(m.group(1) if m else "")' <<<"$xs")
if [ "$n_esp" = 1 ]; then ok "AH+ESP: AH verified, the ESP state decrypted the packet (1 packet)"; else not_ok "AH+ESP: AH verified, the ESP state decrypted the packet (1 packet)" "$xs"; fi
diag "AH+ESP: $(stats_diff)"
n=$(($(delta hao_ipsec) + $(delta hao_accepted)))
if [ "$n" = 1 ] && [ "$(delta hao_dropped)" = 0 ] && [ "$(delta be_sent)" = 0 ]; then
	ok "AH+ESP: accepted for $HOA_A after decryption (hao_ipsec or hao_accepted +1, hao_dropped 0, no Binding Error)"
else
	not_ok "AH+ESP: accepted for $HOA_A after decryption (hao_ipsec or hao_accepted +1, hao_dropped 0, no Binding Error)" "$(stats_diff)" "$out"
fi
ip -n "$NS_CN" xfrm state flush

# ================================================================ 5. user namespaces
diag "5. the root of a user namespace administers its own network namespace only"
if [ -e /proc/sys/kernel/unprivileged_userns_clone ]; then
	USERNS_SYSCTL=$(cat /proc/sys/kernel/unprivileged_userns_clone)
	sysctl -qw kernel.unprivileged_userns_clone=1
fi
UNS_HOA=2001:db8:2::77
UNS_KEY=7777777777777777777777777777777777777777
uns_script='"$0" kbm add "$1" key "$2" && "$0" -j kbm show'
out=$(unshare -Urn sh -c "$uns_script" "$MIP6SEC_CLI" "$UNS_HOA" "$UNS_KEY" 2>&1)
rc=$?
if [ $rc = 0 ] && grep -q "$UNS_HOA" <<<"$out"; then ok "unshare -Urn (root): kbm add and kbm show in the new namespace"; else not_ok "unshare -Urn (root): kbm add and kbm show in the new namespace" "exit $rc" "$out"; fi
out=$(as_nobody unshare -Urn sh -c "$uns_script" "$MIP6SEC_CLI" "$UNS_HOA" "$UNS_KEY" 2>&1)
rc=$?
if [ $rc = 0 ] && grep -q "$UNS_HOA" <<<"$out"; then ok "unshare -Urn (uid 65534): kbm add and kbm show in its own namespace"; else not_ok "unshare -Urn (uid 65534): kbm add and kbm show in its own namespace" "exit $rc" "$out"; fi
out=$(unshare -Ur "$MIP6SEC_CLI" kbm add "$UNS_HOA" key "$UNS_KEY" 2>&1)
rc=$?
if [ $rc != 0 ] && grep -q "not permitted" <<<"$out"; then ok "unshare -Ur: kbm add in a namespace the user namespace does not own: not permitted"; else not_ok "unshare -Ur: kbm add in a namespace the user namespace does not own: not permitted" "exit $rc" "$out"; fi
out=$(as_nobody unshare -Ur "$MIP6SEC_CLI" kbm show 2>&1)
rc=$?
if [ $rc != 0 ] && grep -q "not permitted" <<<"$out"; then ok "unshare -Ur (uid 65534): kbm show of the initial namespace: not permitted"; else not_ok "unshare -Ur (uid 65534): kbm show of the initial namespace: not permitted" "exit $rc" "$out"; fi
if cli - kbm show "$UNS_HOA" >/dev/null 2>&1; then not_ok "the keys added in the user namespaces are not in the initial namespace"; else ok "the keys added in the user namespaces are not in the initial namespace"; fi

# ================================================================ 6. reaper
diag "6. the reaper and Binding Updates refreshing expired bindings in place"
# The reaper judges an entry expired without the lock, then takes the lock
# to unlink it; a BU that refreshed the entry in place in between (and got
# status 0) must keep its binding. N bindings of lifetime 4 s, each
# refreshed every 4 s, so that refreshes land around expiries while the
# reaper runs every 5 s; a refresh shows as binding-new (the entry had
# expired) or binding-update. A binding-del "expired" less than 3 s after
# a refresh of the same home address is the race.
RN=24
RSECS=24
out=$(in_ns "$NS_CN" "$PYTHON" "$MNPY" provision --prefix 2001:db8:6:: --count "$RN" 2>&1 | tail -n1)
[[ $out == OK* ]] || diag "provision: $out"
echo 4 >$PARAMS/max_lifetime
EV=$TMP/reap.events
cli "$NS_CN" -j monitor 2>&1 | $HPY stamp >"$EV" &
bg_track $!
sleep 1
out=$(in_ns "$NS_MN" $HPY refresh --cn "$CN" --coa "$MN" --prefix 2001:db8:6:: --count "$RN" \
	--period 4.0 --secs "$RSECS" 2>&1)
diag "refresh: $out"
sleep 1
echo 420 >$PARAMS/max_lifetime
verdict=$($PYTHON - "$EV" <<'PYEOF'
import json, sys
last = {}
refreshes = dels = 0
bad = []
for line in open(sys.argv[1]):
    t, _, js = line.partition(' ')
    try:
        e = json.loads(js)
    except ValueError:
        continue
    h, ev = e.get('hoa'), e.get('event')
    if ev in ('binding-new', 'binding-update'):
        refreshes += 1
        last[h] = float(t)
    elif ev == 'binding-del' and e.get('reason') == 'expired':
        dels += 1
        if h in last and float(t) - last[h] < 3.0:
            bad.append('%s %.2fs after its refresh' % (h, float(t) - last[h]))
print('refreshes=%d expired=%d raced=%d %s' % (refreshes, dels, len(bad), '; '.join(bad[:3])))
PYEOF
)
diag "reaper: $verdict"
if [[ $verdict == *" raced=0 "* ]] && [[ $verdict != refreshes=0* ]]; then
	ok "reaper: no binding refreshed in place was reaped as expired ($RN bindings, ${RSECS}s)"
else
	not_ok "reaper: no binding refreshed in place was reaped as expired ($RN bindings, ${RSECS}s)" "$verdict"
fi

# ================================================================ 7. home addresses
diag "7. home agent: an SA names the home address or prefix it may register (RFC 6275 10.3.1)"
HA=$CN
NAI_A=alice@hardening.example NAI_B=bob@hardening.example NAI_C=carol@hardening.example
NAI_D=dave@hardening.example
SPI_A=1101 SPI_B=1102 SPI_C=1103 SPI_D=1104
KHA=$(printf 'a1%.0s' {1..16}) KHB=$(printf 'b1%.0s' {1..16}) KHC=$(printf 'c1%.0s' {1..16})
KHD=$(printf 'd1%.0s' {1..16})
HOA_HA=2001:db8:2::a1		# alice's home address
HOA_HB=2001:db8:2::b1		# bob's, idle until bob registers
PFX_C=2001:db8:5::		# carol's home prefix, /64
HOA_HD=2001:db8:5::d		# dave's home address, inside carol's prefix
HOA_HK=2001:db8:5::e		# a Kbm's home address, inside carol's prefix
PUBLIC=2001:db8:ffff::1		# no SA names it
hexs() { printf %s "$1" | od -An -tx1 | tr -d ' \n'; }
sa_add_raw() { nlcraft "$NS_CN" sa-add nai="$(hexs "$1")" spi=u32:"$2" sa-use=u32:1 key="$3" "${@:4}" 2>&1; }
nl_refused() { # nl_refused NAME ERRNO EXTACK-PART OUT
	if [[ $4 == *"\"errno\": \"$2\""* ]] && [[ $4 == *"$3"* ]]; then ok "$1"; else not_ok "$1" "$4"; fi
}
mon_start
sleep 0.5
mon_mark
snap S0

out=$(cli "$NS_CN" sa add nai "$NAI_A" spi "$SPI_A" use mn-ha key "$KHA" 2>&1)
rc=$?
if [ $rc = 1 ] && [[ $out == *"needs hoa ADDR or home-prefix PREFIX/LEN"* ]]; then
	ok "sa add use mn-ha without hoa or home-prefix: usage error"
else
	not_ok "sa add use mn-ha without hoa or home-prefix: usage error" "exit $rc" "$out"
fi
nl_refused "netlink sa-add use mn-ha without a home address or prefix: EINVAL, extack says what is missing" \
	EINVAL "needs the home address (hoa) or the home prefix" "$(sa_add_raw "$NAI_A" "$SPI_A" "$KHA")"
nl_refused "netlink sa-add with hoa and home-prefix: EINVAL, one or the other" \
	EINVAL "a home address or a home prefix, not both" \
	"$(sa_add_raw "$NAI_A" "$SPI_A" "$KHA" hoa="$HOA_HA" home-prefix=ip6:"$PFX_C" home-prefix-len=u32:64)"
nl_refused "netlink sa-add home-prefix $PFX_C""1/64: EINVAL, bits set past its length" \
	EINVAL "bits set past its length" \
	"$(sa_add_raw "$NAI_C" "$SPI_C" "$KHC" home-prefix=ip6:"${PFX_C}1" home-prefix-len=u32:64)"
nl_refused "netlink sa-add home-prefix without its length: EINVAL, missing attribute" \
	EINVAL '"missing_type"' "$(sa_add_raw "$NAI_C" "$SPI_C" "$KHC" home-prefix=ip6:"$PFX_C")"
out=$(sa_add_raw "$NAI_C" "$SPI_C" "$KHC" home-prefix=ip6:"$PFX_C" home-prefix-len=u32:0)
if [[ $out == *'"errno": "ERANGE"'* ]] || [[ $out == *'"errno": "EINVAL"'* ]]; then ok "netlink sa-add home-prefix-len 0: refused"; else not_ok "netlink sa-add home-prefix-len 0: refused" "$out"; fi
if sa_listed "$NAI_A" || sa_listed "$NAI_C"; then not_ok "the refused sa-adds left no SA" "$(cli "$NS_CN" -j sa show)"; else ok "the refused sa-adds left no SA"; fi

prov=
for x in "$NAI_A $SPI_A $KHA hoa $HOA_HA" "$NAI_B $SPI_B $KHB hoa $HOA_HB" \
	"$NAI_C $SPI_C $KHC home-prefix $PFX_C/64" "$NAI_D $SPI_D $KHD hoa $HOA_HD"; do
	set -- $x
	out=$(cli "$NS_CN" sa add nai "$1" spi "$2" use mn-ha key "$3" "$4" "$5" 2>&1) || prov+="$1: $out; "
done
cli "$NS_CN" kbm add "$HOA_HK" key "$(printf 'e1%.0s' {1..20})" >/dev/null 2>&1 || prov+="kbm $HOA_HK; "
result "$([ -z "$prov" ]; echo $?)" "sa add: alice and bob with a home address, carol with home prefix $PFX_C/64, dave with $HOA_HD in it" "$prov"
out=$(cli "$NS_CN" sa add nai erin@hardening.example spi 1105 use mn-aaa key "$KHA" home-prefix "$PFX_C/64" 2>&1)
rc=$?
if [ $rc != 0 ] && [[ $out == *"an SA of another NAI names this home prefix"* ]]; then ok "sa add: carol's home prefix for another NAI: refused"; else not_ok "sa add: carol's home prefix for another NAI: refused" "exit $rc" "$out"; fi
out=$(sa_add_raw frank@hardening.example 1106 "$KHA" hoa="$HOA_HA")
nl_refused "netlink sa-add: alice's home address for another NAI: EEXIST" EEXIST "an SA of another NAI names this home address" "$out"
check_sa "sa show -j: carol's SA names home_prefix $PFX_C/64, no hoa" "$NAI_C" "$SPI_C" "home_prefix=$PFX_C/64" hoa=null use=mn-ha
check_sa "sa show -j: alice's SA names hoa $HOA_HA, no home_prefix" "$NAI_A" "$SPI_A" "hoa=$HOA_HA" home_prefix=null
out=$(cli "$NS_CN" sa show nai "$NAI_C" spi "$SPI_C" 2>&1)
if [[ $out == *" home_prefix $PFX_C/64 "* ]]; then ok "sa show (text): home_prefix $PFX_C/64"; else not_ok "sa show (text): home_prefix $PFX_C/64" "$out"; fi
check_event "event sa-new for carol carries home_prefix $PFX_C/64" 5 sa-new "nai=$NAI_C" "home_prefix=$PFX_C/64"

hbu() { # hbu NAME NAI SPI KEY HOA SEQ EXPECT
	mn_check "$1" ha-bu --ha "$HA" --coa "$MN" --nai "$2" --spi "$3" --key "$4" --hoa "$5" --home \
		--seq "$6" --lifetime 50 --ack --expect-ba "$7"
}
hbu "alice for bob's idle home address $HOA_HB: BA 129, authenticated" \
	"$NAI_A" "$SPI_A" "$KHA" "$HOA_HB" 1 status=129,auth=1
if binding_absent "$HOA_HB"; then ok "no binding for $HOA_HB"; else not_ok "no binding for $HOA_HB" "$(binding_get "$HOA_HB")"; fi
hbu "bob for his home address: BA 0" "$NAI_B" "$SPI_B" "$KHB" "$HOA_HB" 1 status=0
check_binding "binding of $HOA_HB: bob's" "$HOA_HB" "nai=$NAI_B" auth=mn-ha "coa=$MN"
# RFC 6275 10.3.1: "if the home address for the binding ... is not an
# on-link IPv6 address with respect to the home agent's current Prefix
# List, then the home agent MUST reject the Binding Update and SHOULD
# return a Binding Acknowledgement ... 132 (not home subnet)". The Prefix
# List here: every home address and prefix the SAs name.
hbu "alice for $PUBLIC, in no SA's home address or prefix: BA 132, authenticated" \
	"$NAI_A" "$SPI_A" "$KHA" "$PUBLIC" 2 status=132,auth=1
if binding_absent "$PUBLIC"; then ok "no binding for $PUBLIC"; else not_ok "no binding for $PUBLIC" "$(binding_get "$PUBLIC")"; fi
UDPOUT7=$TMP/udp7.out
in_ns "$NS_CN" "$PYTHON" "$MNPY" udp-recv 9107 60 >"$UDPOUT7" 2>&1 &
bg_track $!
wait_file_match "$READY_TIMEOUT" "$UDPOUT7" '^ready'
mn_check "UDP from $MN with $PUBLIC in a Home Address option: Binding Error status 1" \
	hao-udp --cn "$CN" --hoa "$PUBLIC" --src "$MN" --port 9107 --marker public7 --expect-be status=1
sleep 0.3
if grep -q public7 "$UDPOUT7"; then not_ok "the datagram from $PUBLIC did not reach the socket" "$(grep public7 "$UDPOUT7")"; else ok "the datagram from $PUBLIC did not reach the socket"; fi
hbu "alice for $PFX_C""78, in carol's prefix: BA 129" "$NAI_A" "$SPI_A" "$KHA" "${PFX_C}78" 3 status=129,auth=1
hbu "carol for $PFX_C""77 in her prefix: BA 0" "$NAI_C" "$SPI_C" "$KHC" "${PFX_C}77" 1 status=0
check_binding "binding of $PFX_C""77: carol's, auth mn-ha" "${PFX_C}77" "nai=$NAI_C" "spi=$SPI_C" auth=mn-ha
hbu "carol for dave's $HOA_HD (more specific, in her prefix): BA 129" "$NAI_C" "$SPI_C" "$KHC" "$HOA_HD" 2 status=129,auth=1
hbu "carol for $HOA_HK, a Kbm's home address in her prefix: BA 129" "$NAI_C" "$SPI_C" "$KHC" "$HOA_HK" 3 status=129,auth=1
hbu "carol for 2001:db8:55::1, outside every home prefix: BA 132" "$NAI_C" "$SPI_C" "$KHC" 2001:db8:55::1 4 status=132,auth=1
hbu "dave for his $HOA_HD: BA 0" "$NAI_D" "$SPI_D" "$KHD" "$HOA_HD" 1 status=0
snap S1
check_deltas "home addresses: bu_hoa_mismatch +6, bu_accepted +3, auth_fail 0" bu_hoa_mismatch=6 bu_accepted=3 auth_fail=0
check "sa del dave" cli "$NS_CN" sa del nai "$NAI_D"
hbu "once dave's SA is gone, $HOA_HD is carol's: BA 0" "$NAI_C" "$SPI_C" "$KHC" "$HOA_HD" 5 status=0

# ================================================================ 8. rate limit of refusals
diag "8. a replayed Kbm BU with an Alternate CoA, from spoofed sources: one 135 per be_ratelimit_ms and destination"
HOA_R=2001:db8:2::c8
KR=c8c8c8c8c8c8c8c8c8c8c8c8c8c8c8c8c8c8c8c8
ALT_R=2001:db8:1::38
VICTIMS=(2001:db8:1::61 2001:db8:1::62 2001:db8:1::63 2001:db8:1::64)
for v in "${VICTIMS[@]}"; do ip -n "$NS_MN" addr add "$v/64" dev "$IF_MN" nodad; done
cli "$NS_CN" kbm add "$HOA_R" key "$KR" >/dev/null
# Long enough that every replay below falls in one interval, even under TCG.
echo 10000 >$PARAMS/be_ratelimit_ms
snap S0
out=$(in_ns "$NS_MN" $HPY kbm-replay --cn "$CN" --coa "$MN" --altcoa "$ALT_R" --hoa "$HOA_R" --key "$KR" \
	--seq 7 --victim "${VICTIMS[0]}" --count 20 2>&1)
diag "replay from ${VICTIMS[0]}: $out"
if hjson 'd["accepted"] and d["accepted"]["status"] == 0 and d["accepted"]["exact"]' "$out"; then
	ok "Kbm BU seq 7 with AltCoA $ALT_R from $MN: BA 0, every octet"
else
	not_ok "Kbm BU seq 7 with AltCoA $ALT_R from $MN: BA 0, every octet" "$out"
fi
# RFC 6275 9.5.1 answers a replayed sequence number with 135; whoever the
# source is, nothing shows it is the mobile node's: one reply per
# be_ratelimit_ms and destination.
v1=${VICTIMS[0]}
if hjson "len(d['bas']['$v1']) == 1 and all(b['status'] == 135 and b['exact'] for b in d['bas']['$v1']) and not d['other']" "$out"; then
	ok "20 replays from the spoofed source $v1: exactly one BA 135 there (not 20)"
else
	not_ok "20 replays from the spoofed source $v1: exactly one BA 135 there (not 20)" "$out"
fi
out2=$(in_ns "$NS_MN" $HPY kbm-replay --cn "$CN" --coa "$MN" --altcoa "$ALT_R" --hoa "$HOA_R" --key "$KR" \
	--seq 8 --victim "$(IFS=,; echo "${VICTIMS[*]:1}")" --count 5 2>&1)
diag "replay from ${VICTIMS[*]:1}: $out2"
if hjson 'd["accepted"] and d["accepted"]["exact"] and all(len(l) <= 1 and all(b["status"] == 135 and b["exact"] for b in l) for l in d["bas"].values()) and sum(map(len, d["bas"].values())) >= 1' "$out2"; then
	ok "5 replays from each of 3 more spoofed sources: at most one BA 135 each"
else
	not_ok "5 replays from each of 3 more spoofed sources: at most one BA 135 each" "$out2"
fi
snap S1
nba=$($PYTHON -c 'import json, sys; print(sum(len(l) for a in sys.argv[1:] for l in json.loads(a)["bas"].values()))' "$out" "$out2" 2>/dev/null || echo 0)
check_deltas "replays: bu_accepted +2, replay +35, ba_sent +$((2 + nba)), be_ratelimited +$((35 - nba))" \
	bu_accepted=2 replay=35 ba_sent=$((2 + nba)) be_ratelimited=$((35 - nba))
check_binding "binding of $HOA_R: seq 8 at $ALT_R, the replays changed nothing" "$HOA_R" seq=8 "coa=$ALT_R" auth=kbm
# An acknowledgment that accepts an authenticated BU is not limited: the
# BU's sequence number is used up, it cannot be replayed.
acc=0
for sq in 9 10 11; do
	mn bu --cn "$CN" --coa "$MN" --hoa "$HOA_R" --key "$KR" --seq $sq --lifetime 10 --ack --expect-ba status=0 && acc=$((acc + 1))
done
check_eq "3 accepted Kbm BUs back to back from $MN: 3 BAs 0 (accepting BAs are not limited)" 3 "$acc"
echo 0 >$PARAMS/be_ratelimit_ms

# ================================================================ 9. type 2 Routing Header
diag "9. a Kbm BU with a type 2 Routing Header is dropped"
HOA_T=2001:db8:2::d9
KT=d9d9d9d9d9d9d9d9d9d9d9d9d9d9d9d9d9d9d9d9
DEAD=2001:db8:dead::1
cli "$NS_CN" kbm add "$HOA_T" key "$KT" >/dev/null
snap S0
out=$(in_ns "$NS_MN" $HPY kbm-rh2 --cn "$CN" --coa "$MN" --hoa "$HOA_T" --key "$KT" --seq 1 --rh2 "$DEAD" 2>&1)
snap S1
# RFC 6275 6.1: "Mobility Header messages MUST NOT be sent with a type 2
# routing header, except as described in Section 9.5.4 for Binding
# Acknowledgement."
if hjson 'd["replies"] == []' "$out"; then ok "Kbm BU with an RH2 naming $DEAD (MAC over it): no reply, from $DEAD or anywhere"; else not_ok "Kbm BU with an RH2 naming $DEAD (MAC over it): no reply, from $DEAD or anywhere" "$out"; fi
check_deltas "RH2: bad_exthdr +1, bu_accepted 0, auth_fail 0, ba_sent 0" bad_exthdr=1 bu_accepted=0 auth_fail=0 ba_sent=0
if binding_absent "$HOA_T"; then ok "RH2: no binding for $HOA_T"; else not_ok "RH2: no binding for $HOA_T" "$(binding_get "$HOA_T")"; fi
snap S0
out=$(in_ns "$NS_MN" $HPY kbm-rh2 --cn "$CN" --coa "$MN" --hoa "$HOA_T" --key "$KT" --seq 1 --rh2 "$DEAD" --auth-cn "$CN" 2>&1)
snap S1
if hjson 'd["replies"] == []' "$out" && [ "$(delta bad_exthdr)" = 1 ] && [ "$(delta bu_accepted)" = 0 ]; then
	ok "Kbm BU with an RH2, MAC over $CN: dropped too (bad_exthdr +1, no reply)"
else
	not_ok "Kbm BU with an RH2, MAC over $CN: dropped too (bad_exthdr +1, no reply)" "$out" "$(stats_diff)"
fi
mn_check "the same BU without the RH2 (seq 1): BA 0, the drops used no sequence number" \
	bu --cn "$CN" --coa "$MN" --hoa "$HOA_T" --key "$KT" --seq 1 --lifetime 10 --ack --expect-ba status=0

mn_stop
echo 1000 >$PARAMS/be_ratelimit_ms
ktap_finished
