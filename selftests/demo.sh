#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo (make demo), run inside the VM by selftests/vm/guest.sh, which
# has loaded the module already; not part of make check. Every command is
# echoed with a "demo|" prefix so that scripts/demo.sh can show it apart
# from the rest of the console.
#
# A mobile node (netns mn, care-of address 2001:db8:1::2) and a
# correspondent node (netns cn, 2001:db8:1::1) share a preconfigured Kbm
# for the home address 2001:db8:10::10. The mobile node is played by
# selftests/mn.py (scapy; it computes the authenticators itself). Then a
# second home address, without a Kbm, registers by return routability
# (selftests/rr_mn.py: it takes the keygen tokens from the HoT and CoT and
# derives Kbm itself).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PATH=$(dirname "$MIP6SEC_CLI"):$PATH
HOA=2001:db8:10::10
OTHER=2001:db8:10::99
KEY=$(od -An -tx1 -N20 /dev/urandom | tr -d ' \n')
MN="$PYTHON $SELFTESTS_DIR/mn.py"
RR="$PYTHON $SELFTESTS_DIR/rr_mn.py"
RR_HOA=2001:db8:1::10
step=0
say() { echo "demo| $*"; }
run() {
	say "\$ $*"
	"$@" 2>&1 | sed 's/^/demo|   /'
	return "${PIPESTATUS[0]}"
}
check() { # check NAME CMD...
	step=$((step + 1))
	if run "${@:2}"; then echo "ok $step $1"; else echo "not ok $step $1"; fi
}

echo "TAP version 13"
netns_setup || { echo "not ok 1 network namespaces"; exit 1; }
say "kernel $(uname -r); module parameters:"
for p in /sys/module/mip6sec/parameters/*; do
	say "  $(basename "$p") = $(cat "$p")"
done
say ""
say "correspondent node (netns cn): provision the Kbm of home address $HOA"
(umask 077 && echo "$KEY" >/tmp/mn10.key)
check "provision a Kbm from a key file" \
	ip netns exec cn mip6sec kbm add $HOA key-file /tmp/mn10.key
check "show Kbms (never the key)" ip netns exec cn mip6sec kbm show

say ""
say "mobile node (netns mn): Binding Update from care-of address $ADDR_MN, A flag set"
check "BU accepted, BA status 0 verified with the Kbm" \
	ip netns exec mn $MN bu --cn "$ADDR_CN" --coa "$ADDR_MN" --hoa $HOA \
	--key "$KEY" --seq 1 --lifetime 60 --ack --expect-ba status=0
check "the binding cache" ip netns exec cn mip6sec -j -p binding show
check "the Kbm's last sequence number and uses" ip netns exec cn mip6sec kbm show

say ""
say "mobile node: a UDP datagram from its care-of address with a Home Address option"
ip netns exec cn $MN udp-recv 9000 20 >/tmp/demo-udp.out 2>&1 &
wait_file_match "$READY_TIMEOUT" /tmp/demo-udp.out '^ready'
check "HAO packet accepted" ip netns exec mn $MN hao-udp --cn "$ADDR_CN" \
	--hoa $HOA --src "$ADDR_MN" --port 9000 --marker hello --expect-none \
	--expect-none-wait 0.5
wait_file_match 5 /tmp/demo-udp.out 'm6:hello'
check "the UDP socket on cn saw the home address as source" \
	grep -h 'm6:hello' /tmp/demo-udp.out
say ""
say "a spoofer: HAO with a home address that has no binding"
check "dropped, Binding Error status 1 back to the sender" \
	ip netns exec mn $MN hao-udp --cn "$ADDR_CN" --hoa $OTHER \
	--src "$ADDR_MN" --port 9000 --marker spoof --expect-be status=1
check "counters" ip netns exec cn mip6sec -j stats

say ""
say "return routability (RFC 6275 5.2) for home address $RR_HOA, which has no Kbm: the module"
say "answers the tests; the home address is on the mobile node's link here, standing in for"
say "the tunnel through its home agent"
ip -n mn addr add $RR_HOA/64 dev veth-mn nodad
check "HoTI from the home address: HoT with nonce index and home keygen token" \
	ip netns exec mn $RR hoti --cn "$ADDR_CN" --hoa $RR_HOA --state /tmp/demo-rr.json
check "CoTI from the care-of address: CoT with the care-of keygen token" \
	ip netns exec mn $RR coti --cn "$ADDR_CN" --coa "$ADDR_MN" --state /tmp/demo-rr.json
check "BU with Nonce Indices, Kbm = SHA1(home token | care-of token): BA 0 verified" \
	ip netns exec mn $RR bu --cn "$ADDR_CN" --coa "$ADDR_MN" --hoa $RR_HOA --seq 1 \
	--lifetime 60 --ack --expect-ba status=0 --state /tmp/demo-rr.json
check "the binding, auth rr" ip netns exec cn mip6sec binding show $RR_HOA
check "nonces (never their values)" ip netns exec cn mip6sec rr show

say ""
check "delete the Kbm: its binding goes too" ip netns exec cn mip6sec kbm del $HOA
check "only the RR binding is left" ip netns exec cn mip6sec binding show
netns_cleanup
check "unload the module" rmmod mip6sec
say "dmesg:"
dmesg | grep 'mip6sec: ' | tail -n 6 | sed 's/^/demo|   /'
echo "1..$step"
