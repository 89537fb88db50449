#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The mip6sec netfilter hook sees Mobility Header and Home Address option
# packets at NF_INET_LOCAL_IN before the kernel processes them:
#  (a) well-formed MH (HoTI; BU with no Kbm for its HoA) is counted in mh_rx
#      and still delivered to a raw IPPROTO_MH socket in cn;
#  (b) malformed MH (Payload Proto != 59, Header Len below the type minimum,
#      MH longer than the packet, option overrunning the message, bad
#      checksum) is counted in mh_malformed and its mh_bad_* counter and not
#      delivered, while the well-formed message sent right after it is;
#  (c) a UDP packet with a Home Address option and no xfrm state (the kernel
#      drops it in ipv6_dest_hao) is counted in hao_rx: the hook ran first;
#  (d) the MH checksum of a BU carrying a HAO is verified over the home
#      address (RFC 6275 6.1.1), not the care-of address.
# (a) to (d) run with rr=userspace (return routability left to a daemon,
# as before the module did it); (e) checks rr=kernel: the module answers a
# HoTI itself and consumes it, while a BU without Nonce Indices still
# reaches the raw socket.
# Packets are built with scapy in netns mn and sent to cn through a raw socket;
# MH checksums are computed by the test itself (see mhpkt in lib.sh).

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_root
require_cmd ip
require_cli
require_scapy
require_module
ktap_print_header
netns_setup_or_skip

TMP=$(mktemp -d)
trap 'netns_cleanup; rm -rf "$TMP"' EXIT
HOA=2001:db8:2::10

ktap_plan 39

# ---------------------------------------------------------------- helpers
# Counters: snap, delta, check_delta, wait_delta (lib.sh).

RECV=$TMP/recv.out
received() { # received TYPE MARKER
	grep -qE "\"type\": $1, \"marker\": $2," "$RECV"
}

# ICMPv6 Parameter Problems reaching mn: "pp CODE POINTER" per message.
ICMP=$TMP/icmp.out
ip netns exec "$NS_MN" "$PYTHON" -c '
import socket, struct, sys, time
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.settimeout(0.5)
print("ready", flush=True)
end = time.time() + float(sys.argv[1])
while time.time() < end:
    try:
        d = s.recv(2048)
    except socket.timeout:
        continue
    if len(d) >= 8 and d[0] == 4:
        print("pp %d %d" % (d[1], struct.unpack("!I", d[4:8])[0]), flush=True)
' 600 >"$ICMP" 2>&1 &
bg_track $!

# Raw MH socket in cn, and the packet sender as a coprocess in mn (scapy is
# slow to import under emulation, so one process sends everything).
mhpkt_bg "$RECV" "$NS_CN" recv 600
coproc SND { exec ip netns exec "$NS_MN" "$PYTHON" -c "$MHPKT_PY" serve "$ADDR_CN" 2>&1; }
bg_track "$SND_PID"
read -r -t 60 line <&"${SND[0]}"
if [ "$line" != ready ] || ! wait_file_match "$READY_TIMEOUT" "$RECV" '^ready'; then
	diag "sender: $line; receiver: $(cat "$RECV")"
	ksft_skip_all "packet tools did not start"
fi

send() { # send KIND MARKER [k=v...]
	local reply
	echo "$*" >&"${SND[1]}"
	read -r -t 30 reply <&"${SND[0]}"
	[ "${reply%% *}" = sent ] || diag "send $*: ${reply:-no answer}"
}

# ---------------------------------------------------------------- (a) well-formed
check "rr=userspace: HoTIs go on to userspace" sh -c "echo userspace >/sys/module/mip6sec/parameters/rr"
snap S0
send hoti 0x1001
if wait_for 15 received 1 $((0x1001)); then ok "HoTI delivered to the raw MH socket"; else not_ok "HoTI delivered to the raw MH socket" "$(cat "$RECV")"; fi
wait_delta 5 mh_rx 1
check_delta "HoTI: mh_rx +1" mh_rx 1
check_delta "HoTI: mh_malformed unchanged" mh_malformed 0

snap S0
send bu 0x1002
if wait_for 15 received 5 $((0x1002)); then ok "BU without Kbm delivered to the raw MH socket"; else not_ok "BU without Kbm delivered to the raw MH socket" "$(cat "$RECV")"; fi
wait_delta 5 mh_rx 1
check_delta "BU: mh_rx +1" mh_rx 1
check_delta "BU: mh_malformed unchanged" mh_malformed 0
diag "BU: $(stats_diff)"

# ---------------------------------------------------------------- (b) malformed
# malformed KIND TYPE MARKER COUNTER DESCRIPTION
malformed() {
	local kind=$1 type=$2 m=$3 counter=$4 what=$5 follow=$(($3 + 0x100))
	snap S0
	send "$kind" "$m"
	send hoti "$follow"
	if wait_for 15 received 1 "$follow"; then
		ok "$what: following HoTI delivered"
	else
		not_ok "$what: following HoTI delivered" "$(cat "$RECV")"
	fi
	if received "$type" "$m"; then
		not_ok "$what: not delivered to the raw MH socket" "$(grep "$m" "$RECV")"
	else
		ok "$what: not delivered to the raw MH socket"
	fi
	wait_delta 3 mh_malformed 1
	check_delta "$what: $counter +1" "$counter" 1
	check_delta "$what: mh_malformed +1" mh_malformed 1
}
wait_file_match "$READY_TIMEOUT" "$ICMP" '^ready'
malformed bad-proto 1 $((0x2001)) mh_bad_proto "Payload Proto 6"
# RFC 6275 9.2: Parameter Problem (code 0) pointing at the field; the MH
# follows the 40-octet IPv6 header.
if wait_file_match 5 "$ICMP" '^pp 0 40$'; then ok "Payload Proto 6: ICMPv6 Parameter Problem, pointer 40"; else not_ok "Payload Proto 6: ICMPv6 Parameter Problem, pointer 40" "$(cat "$ICMP")"; fi
sleep 1.1	# the kernel rate-limits ICMPv6 errors per destination
malformed bad-len 5 $((0x2002)) mh_bad_len "BU with Header Len 0"
if wait_file_match 5 "$ICMP" '^pp 0 41$'; then ok "Header Len 0: ICMPv6 Parameter Problem, pointer 41"; else not_ok "Header Len 0: ICMPv6 Parameter Problem, pointer 41" "$(cat "$ICMP")"; fi
malformed truncated 1 $((0x2003)) mh_truncated "HoTI claiming 32 octets in 16"
malformed bad-opt 5 $((0x2004)) mh_bad_opt "BU option overrunning the message"
malformed bad-csum 1 $((0x2005)) mh_bad_csum "HoTI with a bad checksum"

# ---------------------------------------------------------------- (c) HAO
snap S0
send hao-udp 0x3001 hoa=$HOA
wait_delta 10 hao_rx 1
check_delta "UDP with a HAO and no xfrm state: hao_rx +1" hao_rx 1
diag "HAO/UDP: $(stats_diff)"

# ---------------------------------------------------------------- (d) checksum over the HoA
snap S0
send hao-bu 0x3002 hoa=$HOA
wait_delta 10 mh_rx 1
check_delta "BU with a HAO, checksum over the HoA: mh_rx +1" mh_rx 1
check_delta "BU with a HAO, checksum over the HoA: hao_rx +1" hao_rx 1
check_delta "BU with a HAO, checksum over the HoA: mh_bad_csum unchanged" mh_bad_csum 0
diag "HAO/BU: $(stats_diff)"

snap S0
send hao-bu 0x3003 hoa=$HOA csum_src=$ADDR_MN
wait_delta 10 mh_malformed 1
check_delta "BU with a HAO, checksum over the CoA: mh_bad_csum +1" mh_bad_csum 1
check_delta "BU with a HAO, checksum over the CoA: mh_malformed +1" mh_malformed 1

# ---------------------------------------------------------------- (e) rr=kernel
# RFC 6275 9.4.1-9.4.3: the correspondent node answers a HoTI with a HoT;
# with rr=kernel the module does, and the HoTI goes no further.
echo kernel >/sys/module/mip6sec/parameters/rr
snap S0
send hoti 0x4001
wait_delta 10 rr_hot_sent 1
check_deltas "rr=kernel: HoTI answered by the module: rr_hoti_rx, rr_hot_sent, mh_rx +1; rr_passed 0" \
	rr_hoti_rx=1 rr_hot_sent=1 mh_rx=1 rr_passed=0
snap S0
send bu 0x4002
if wait_for 15 received 5 $((0x4002)); then ok "rr=kernel: BU without Nonce Indices still delivered to the raw MH socket"; else not_ok "rr=kernel: BU without Nonce Indices still delivered to the raw MH socket" "$(cat "$RECV")"; fi
wait_delta 5 bu_passed 1
check_deltas "rr=kernel: BU without Nonce Indices: bu_passed +1; auth_fail, rr_nonce_expired 0" bu_passed=1 auth_fail=0 rr_nonce_expired=0
# Sent before the BU that arrived: had it been delivered, it would be there.
if received 1 $((0x4001)); then not_ok "rr=kernel: HoTI not delivered to the raw MH socket" "$(grep $((0x4001)) "$RECV")"; else ok "rr=kernel: HoTI not delivered to the raw MH socket"; fi

echo quit >&"${SND[1]}"
ktap_finished
