#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# End to end with a real IKEv2 daemon (issue 5, draft-dupont-mipv6-cn-ipsec
# sections 2-5): strongSwan's charon, one per namespace, configured with
# swanctl from selftests/ipsec_ike/{mn,cn}.swanctl.conf (the files the
# documentation quotes), negotiates transport-mode ESP between the mobile
# node's home address and the correspondent. The pre-shared key is the
# IKEv2-AMSK that "mip6sec derive ikev2" computes on each side from the EMSK
# and Session-Id of a real EAP run (selftests/eap_lib.sh), checked against
# Python (selftests/eapkdf.py); the key derived for another address is
# refused (AUTHENTICATION_FAILED). IKE runs over the home address: netns cn
# routes the home prefix through the care-of address (no home agent here),
# and charon's IKE sockets bypass the xfrm policies, so IKE never carries a
# Home Address option.
#
# The mobile node is the kernel of netns mn: route optimisation xfrm states
# (Home Address option out, type 2 routing header in) and policies that pair
# them with charon's ESP SAs (reqid 42), as a Mobile IPv6 mobile node sets
# them up. It sends a Binding Update with an Alternate Care-of Address from a
# raw IPPROTO_MH socket bound to the home address, then data from the home
# address (selftests/ipsec_ike/mnsock.py); mip6sec in netns cn must accept
# them through the SA:
#   1. selectors restricted to the Mobility Header (the default): the BU is
#      ESP after a Destination Options header with the HAO; binding with auth
#      "ipsec" and the SA's SPI, BA status 0 under ESP; data (outside the SA)
#      dropped with a Binding Error before the BU, accepted through the
#      binding after it; deregistration.
#   2. selectors covering all traffic (the same files, "dynamic"): data
#      under ESP accepted through the SA without a binding (hao_ipsec), then
#      through the binding once a BU made one.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$SELFTESTS_DIR/eap_lib.sh"

CHARON=${CHARON:-/usr/lib/ipsec/charon}
IKEDIR=$SELFTESTS_DIR/ipsec_ike

require_root
require_cmd ip tshark dumpcap swanctl busybox
require_cli
[ -x "$CHARON" ] || ksft_skip_all "strongSwan charon not installed (strongswan-charon)"
require_module
ktap_print_header
# mip6: hao and route2 xfrm states. AES-GCM for ESP: the VM's kernel cannot
# load crypto modules on demand (its modprobe helper would run in the
# initramfs), and ESP's seqiv wants a default RNG ("stdrng"): ansi_cprng,
# as drbg's self-test fails under TCG on 6.1 (jitterentropy), a WARN.
for m in mip6 dummy xfrm_user esp6 gcm ghash_generic ctr seqiv ansi_cprng; do
	modprobe -q "$m" 2>/dev/null || ksft_skip_all "cannot load kernel module $m"
done
netns_setup_or_skip

TMP=$(mktemp -d /tmp/ipsec_ike.XXXXXX)
. "$SELFTESTS_DIR/sa_lib.sh"
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	cap_stop
	eap_cleanup
	netns_cleanup	# charon, the UDP receiver and the capture go with the namespaces
	rm -rf "$TMP"
}
trap cleanup EXIT

ktap_plan 52

CN=$ADDR_CN
COA=$ADDR_MN
HOA=2001:db8:2::10
NAI=alice@example.com
REQID=42
UDP_PORT=7777
PCAP=$TMP/link.pcap

echo enforce >"$PARAMS/hao_policy"

# ---------------------------------------------------------------- topology
# netns mn: care-of address on the link, home address on a dummy interface
# (flag "home": the kernel's own type 2 routing header check wants it);
# netns cn: the home prefix is reached through the care-of address, so
# IKE runs between home address and correspondent without tunnelling.
if ! { ip -n "$NS_MN" link add hoa0 type dummy &&
	ip -n "$NS_MN" link set hoa0 up &&
	ip -n "$NS_MN" addr add "$HOA/128" dev hoa0 home nodad &&
	ip -n "$NS_CN" route add 2001:db8:2::/64 via "$COA" dev "$IF_CN"; }; then
	ksft_skip_all "cannot add the home address"
fi

# ---------------------------------------------------------------- helpers
mnsock() { # mnsock NS ARGS...: selftests/ipsec_ike/mnsock.py in netns NS
	local ns=$1
	shift
	ip netns exec "$ns" "$PYTHON" "$IKEDIR/mnsock.py" "$@"
}
# charon_start NS CONF: a charon of its own in netns NS (its own /run for
# the pid file, its own vici socket and log under $TMP/NS), then swanctl
# --load-all of CONF copied there next to ikev2-amsk.conf.
charon_start() {
	local ns=$1 d=$TMP/$1
	mkdir -p "$d"
	cat >"$d/strongswan.conf" <<EOF
include $IKEDIR/strongswan.conf
charon {
	plugins {
		vici {
			socket = unix://$d/charon.vici
		}
	}
	filelog {
		$ns {
			path = $d/charon.log
			time_format = %T
			time_add_ms = yes
			flush_line = yes
			default = 1
			ike = 2
			knl = 2
			cfg = 2
		}
	}
	syslog {
		daemon {
			default = -1
		}
	}
}
EOF
	# shellcheck disable=SC2016 # $1 is for the inner shell
	ip netns exec "$ns" env STRONGSWAN_CONF="$d/strongswan.conf" \
		sh -c 'mount -t tmpfs charon-run /run && exec "$1"' charon "$CHARON" \
		</dev/null >"$d/charon.out" 2>&1 &
	bg_track $!
	wait_for 60 test -S "$d/charon.vici"
}
swanctl_ns() { # swanctl_ns NS ARGS...: swanctl against the charon of NS
	local d=$TMP/$1
	shift
	STRONGSWAN_CONF=$d/strongswan.conf swanctl "$@" --uri "unix://$d/charon.vici"
}
conf_install() { # conf_install NS FILE PSK: FILE as NS's swanctl.conf, the key next to it
	local d=$TMP/$1
	cp "$2" "$d/swanctl.conf" && printf 'secret = 0x%s\n' "$3" >"$d/ikev2-amsk.conf"
}
log_tail() { # log_tail NS: what NS's charon said about CHILD_SAs, for diagnostics
	grep -E 'proposal|traffic selector|TS|CHILD|child|policy|SAD|SPD|error|failed|unable' \
		"$TMP/$1/charon.log" 2>/dev/null | tail -n 25
}

# xfrm states of netns NS from SRC to DST: "spi mode replay aead-icv sel"
sa_facts() {
	ip -n "$1" xfrm state list src "$2" dst "$3" proto esp 2>/dev/null | awk '
	/^src /            { n++ }
	/proto esp spi/    { for (i = 1; i <= NF; i++) { if ($i == "spi") spi = $(i+1); if ($i == "reqid") reqid = $(i+1); if ($i == "mode") mode = $(i+1) } }
	/replay-window/    { for (i = 1; i <= NF; i++) if ($i == "replay-window") rw = $(i+1) }
	/aead /            { icv = $NF }
	/^\tsel /          { sel = $0; sub(/^\tsel /, "", sel) }
	END { if (n == 1) printf "%s %s %s %s %s %s\n", spi, mode, rw, icv, reqid, sel; else printf "0 none(%d-states) 0 0 0 -\n", n }'
}

# sa_stats NS SRC DST: "PACKETS FAILED" of the ESP state (ip -s xfrm state)
sa_stats() {
	ip -s -n "$1" xfrm state list src "$2" dst "$3" proto esp 2>/dev/null | awk '
	/\(packets\)/ { gsub(/[^0-9,]/, ""); split($0, a, ","); p = a[2] }
	/replay-window .* failed/ { for (i = 1; i <= NF; i++) if ($i == "failed") f = $(i+1) }
	END { printf "%s %s\n", p, f }'
}
check_sa_stats() { # check_sa_stats NAME PACKETS: the inbound SA of netns cn
	local got
	got=$(sa_stats "$NS_CN" "$HOA" "$CN")
	if [ "$got" = "$2 0" ]; then ok "$1"; else not_ok "$1" "want \"$2 0\" (packets, integrity failures), got \"$got\"" "$(ip -s -n "$NS_CN" xfrm state list src "$HOA" dst "$CN")"; fi
}

# the mobile node's route optimisation: states, and policies pairing them
# with charon's SAs. mn_ro_policies PROTO: "135" = ESP for the Mobility
# Header only, HAO alone for the rest; "any" = ESP for everything.
mn_ro_states() {
	ip -n "$NS_MN" xfrm state add src "$HOA" dst "$CN" proto hao mode ro coa "$COA" &&
		ip -n "$NS_MN" xfrm state add src "$CN" dst "$HOA" proto route2 mode ro coa "$COA"
}
ESP_OUT="tmpl src $HOA dst $CN proto esp mode transport reqid $REQID"
HAO_OUT="tmpl src $HOA dst $CN proto hao mode ro"
ESP_IN="tmpl src $CN dst $HOA proto esp mode transport reqid $REQID"
RH2_IN="tmpl src $CN dst $HOA proto route2 mode ro level use"
mn_ro_policies() {
	local x=ip\ -n\ $NS_MN\ xfrm\ policy
	if [ "$1" = 135 ]; then
		# shellcheck disable=SC2086
		$x add src "$HOA/128" dst "$CN/128" proto 135 dir out priority 100 $ESP_OUT $HAO_OUT &&
			$x add src "$CN/128" dst "$HOA/128" proto 135 dir in priority 100 $ESP_IN $RH2_IN &&
			$x add src "$HOA/128" dst "$CN/128" dir out priority 200 $HAO_OUT &&
			$x add src "$CN/128" dst "$HOA/128" dir in priority 200 $RH2_IN
	else
		# shellcheck disable=SC2086
		$x add src "$HOA/128" dst "$CN/128" dir out priority 100 $ESP_OUT $HAO_OUT &&
			$x add src "$CN/128" dst "$HOA/128" dir in priority 100 $ESP_IN $RH2_IN
	fi
}
mn_ro_flush() {
	ip -n "$NS_MN" xfrm policy deleteall nosock &&
		ip -n "$NS_MN" xfrm state deleteall proto hao &&
		ip -n "$NS_MN" xfrm state deleteall proto route2
}

# UDP receiver in netns cn
UDPOUT=$TMP/udp.out
udp_recv_start() {
	mnsock "$NS_CN" udp-recv $UDP_PORT 900 >"$UDPOUT" 2>&1 &
	bg_track $!
	wait_file_match "$READY_TIMEOUT" "$UDPOUT" '^ready'
}
udp_count() { # udp_count MARKER [SRC]: datagrams of MARKER received (from SRC)
	grep "\"$1 " "$UDPOUT" | jpick -c ${2:+"src=$2"}
}
udp_send() { # udp_send MARKER COUNT: from the home address
	mnsock "$NS_MN" udp-send "$HOA" "$CN" $UDP_PORT "$1" "$2"
}
check_udp() { # check_udp NAME MARKER WANT: WANT datagrams of MARKER arrived from the HoA
	local name=$1 got
	wait_for 5 test "$(udp_count "$2" "$HOA")" -ge "$3"
	sleep 0.3
	got=$(udp_count "$2")
	if [ "$got" -eq "$3" ] && [ "$(udp_count "$2" "$HOA")" -eq "$3" ]; then
		ok "$name"
	else
		not_ok "$name" "want $3 datagrams '$2' from $HOA, got $got: $(grep "\"$2 " "$UDPOUT" | head -n 3)"
	fi
}

# mn_bu NAME SEQ LIFETIME WANT_STATUS WANT_LIFETIME: the kernel of netns mn
# sends the BU; the BA must be status WANT_STATUS, K=0, same sequence
# number, WANT_LIFETIME, 16 octets with padding only.
BA=
mn_bu() {
	local name=$1 seq=$2 life=$3 st=$4 wl=$5 j
	BA=$(mnsock "$NS_MN" bu "$HOA" "$CN" "$COA" "$seq" "$life" 10 2>&1)
	j=$(jpick "status=$st" k=0 "seq=$seq" "lifetime=$wl" len=16 <<<"$BA") &&
		! jpick .options <<<"$j" | grep -qE '\[[2-9]|\[[1-9][0-9]'
	result $? "$name" "BA: $BA"
}

# capture on the correspondent's link
cap_start() {
	ip netns exec "$NS_CN" dumpcap -q -i "$IF_CN" -w "$PCAP" >"$TMP/dumpcap.out" 2>&1 &
	CAP_PID=$!
	bg_track $CAP_PID
	wait_for 60 test -s "$PCAP"
}
cap_stop() {
	[ -n "${CAP_PID:-}" ] || return 0
	kill -INT "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	CAP_PID=
}
# The capture decoded once (tshark is slow to start under TCG), one CSV row
# per IPv6 frame: 1 src, 2 dst, 3 next header, 4 that of the destination
# options header, 5 HAO, 6 ESP SPI, 7 MH type, 8 UDP port, 9 routing
# header type, 10 its address, 11 ICMPv6 type. rows AWK-CONDITION: the
# rows that match, without the last column.
ROWS=
pcap_decode() {
	ROWS=$(tshark -r "$PCAP" -Y ipv6 -T fields -E separator=, -E occurrence=f \
		-e ipv6.src -e ipv6.dst -e ipv6.nxt -e ipv6.dstopts.nxt \
		-e ipv6.opt.mipv6.home_address -e esp.spi -e mip6.mhtype -e udp.dstport \
		-e ipv6.routing.type -e ipv6.routing.mipv6.home_address -e icmpv6.type 2>&1)
}
rows() { awk -F, -v OFS=, "$1 { NF = 10; print }" <<<"$ROWS"; }
check_rows() { # check_rows NAME CONDITION N WANT: N rows match, all equal WANT
	local r
	r=$(rows "$2")
	if [ "$(grep -c . <<<"$r")" -eq "$3" ] && [ "$(sort -u <<<"$r")" = "$4" ]; then
		ok "$1"
	else
		not_ok "$1" "want $3 x $4" "got: $(head -n 10 <<<"$r")"
	fi
}

# ================================================================ 1. keys
diag "1. EAP keys, IKEv2-AMSK from mip6sec derive on both sides"
if why=$(eap_missing); then
	EAP_METHOD=PEAP
	EAP_USER=$NAI
	eap_run "$TMP/eap"
	rc=$?
	result $rc "FreeRADIUS and eapol_test agree on EMSK and Session-Id (PEAP, $NAI)" "${EAP_ERROR:-}"
	[ $rc -eq 0 ] || { diag "no EAP key material: the rest cannot run"; ktap_finished; }
	EMSK=$EAP_EMSK SID=$EAP_SESSION_ID
	diag "EAP in ${EAP_T_TOTAL:-?} s, Session-Id ${SID:0:8}..."
else
	# no EAP software here: a fixed EMSK and Session-Id
	EMSK=$(printf '%02x' $(seq 0 63)) SID=19$(printf '%02x' $(seq 64 127))
	skip "FreeRADIUS and eapol_test agree on EMSK and Session-Id" "$why; fixed EMSK"
fi

PSK_PY=$(eapkdf ikev2 "$EMSK" "$SID" "$CN")
PSK_MN=$(cli "$NS_MN" -j derive ikev2 emsk - session-id "$SID" ha "$CN" <<<"$EMSK" | json_get key)
PSK_CN=$(cli "$NS_CN" -j derive ikev2 emsk - session-id "$SID" ha "$CN" <<<"$EMSK" | json_get key)
if [[ $PSK_PY =~ ^[0-9a-f]{32}$ ]] && [ "$PSK_MN" = "$PSK_PY" ] && [ "$PSK_CN" = "$PSK_PY" ]; then
	ok "IKEv2-AMSK: mip6sec derive ikev2 in mn and in cn equals the Python KDF (16 octets)"
else
	not_ok "IKEv2-AMSK: mip6sec derive ikev2 in mn and in cn equals the Python KDF (16 octets)" \
		"python ${PSK_PY:0:8}... mn ${PSK_MN:0:8}... cn ${PSK_CN:0:8}..."
fi
# the key of another "ha" address (the care-of address): must not work
PSK_OTHER=$(cli "$NS_MN" -j derive ikev2 emsk - session-id "$SID" ha "$COA" <<<"$EMSK" | json_get key)

# ================================================================ 2. IKE
diag "2. charon in mn and cn, IKE over the home address"
if charon_start "$NS_MN" && charon_start "$NS_CN"; then
	ok "charon started in netns mn and cn (own /run, vici socket)"
else
	not_ok "charon started in netns mn and cn (own /run, vici socket)" \
		"$(cat "$TMP"/*/charon.out 2>/dev/null | tail -n 10)"
	ktap_finished
fi
conf_install "$NS_MN" "$IKEDIR/mn.swanctl.conf" "$PSK_OTHER"
conf_install "$NS_CN" "$IKEDIR/cn.swanctl.conf" "$PSK_CN"
out=$( { swanctl_ns "$NS_MN" --load-all --file "$TMP/$NS_MN/swanctl.conf" &&
	swanctl_ns "$NS_CN" --load-all --file "$TMP/$NS_CN/swanctl.conf"; } 2>&1)
result $? "swanctl --load-all of mn.swanctl.conf and cn.swanctl.conf" "$out"

out=$(swanctl_ns "$NS_MN" --initiate --child mip6 --timeout 60 2>&1)
rc=$?
if [ $rc -ne 0 ] && grep -q 'AUTHENTICATION_FAILED' <<<"$out$(cat "$TMP/$NS_MN/charon.log")"; then
	ok "IKE with the IKEv2-AMSK of another address (ha = care-of address): AUTHENTICATION_FAILED"
else
	not_ok "IKE with the IKEv2-AMSK of another address (ha = care-of address): AUTHENTICATION_FAILED" \
		"swanctl exit $rc" "$(tail -n 8 <<<"$out")"
fi
swanctl_ns "$NS_MN" --terminate --ike cn --force --timeout 5 >/dev/null 2>&1
conf_install "$NS_MN" "$IKEDIR/mn.swanctl.conf" "$PSK_MN"
swanctl_ns "$NS_MN" --load-creds --clear --file "$TMP/$NS_MN/swanctl.conf" >/dev/null 2>&1

t0=$SECONDS
out=$(swanctl_ns "$NS_MN" --initiate --child mip6 --timeout 60 2>&1)
result $? "IKE_SA and CHILD_SA mip6 established with the IKEv2-AMSK ($((SECONDS - t0)) s)" \
	"$(tail -n 8 <<<"$out")" "cn: $(log_tail "$NS_CN")"
sas=$(swanctl_ns "$NS_CN" --list-sas 2>&1)
if grep -q "ESTABLISHED" <<<"$sas" && grep -qF "remote '$NAI' @ ${HOA}[500]" <<<"$sas" &&
	grep -qE 'mip6: #[0-9]+, reqid [0-9]+, INSTALLED, TRANSPORT' <<<"$sas"; then
	ok "cn: IKE_SA with $NAI at the home address ESTABLISHED, CHILD_SA INSTALLED, TRANSPORT"
else
	not_ok "cn: IKE_SA with $NAI at the home address ESTABLISHED, CHILD_SA INSTALLED, TRANSPORT" "$sas"
fi
diag "cn: $(grep -E 'mip6:|===' <<<"$sas" | tr -s ' \n' ' ')"

# The SA the CN's mip6sec will find in the sec_path: suitable (draft 2).
f=$(sa_facts "$NS_CN" "$HOA" "$CN")
read -r SPI_IN mode rw icv _ sel <<<"$f"
if [ "$mode" = transport ] && [ "$rw" -gt 0 ] 2>/dev/null && [ "$icv" = 128 ] &&
	[[ $sel =~ ^src\ $HOA/128\ dst\ $CN/128$ ]]; then
	ok "cn: inbound ESP SA $SPI_IN: transport, replay window $rw, AES-GCM ICV 128, selector $HOA/128 -> $CN/128, no protocol"
else
	not_ok "cn: inbound ESP SA: transport, replay window > 0, ICV 128, selector HoA/128 -> CN/128" "got: $f" \
		"$(ip -n "$NS_CN" xfrm state)"
fi
f=$(sa_facts "$NS_CN" "$CN" "$HOA")
SPI_OUT=${f%% *}
pol=$(ip -n "$NS_CN" xfrm policy list src "$CN/128" dst "$HOA/128" dir out)
if grep -qE '^src .* proto (mobility-header|135)' <<<"$pol" && grep -qE 'proto esp (spi 0x[0-9a-f]+ )?reqid' <<<"$pol"; then
	ok "cn: charon's out policy CN -> HoA: Mobility Header, ESP"
else
	not_ok "cn: charon's out policy CN -> HoA: Mobility Header, ESP" "$pol"
fi
m_in=$(sa_facts "$NS_MN" "$CN" "$HOA")
m_out=$(sa_facts "$NS_MN" "$HOA" "$CN")
if [ "${m_in%% *}" = "$SPI_OUT" ] && [ "${m_out%% *}" = "$SPI_IN" ] &&
	[ "$(cut -d' ' -f5 <<<"$m_out")" = $REQID ] && [ -z "$(ip -n "$NS_MN" xfrm policy list nosock)" ]; then
	ok "mn: the same two SAs, reqid $REQID, and no policy (policies = no)"
else
	not_ok "mn: the same two SAs, reqid $REQID, and no policy (policies = no)" "in: $m_in" "out: $m_out" \
		"$(ip -n "$NS_MN" xfrm policy list nosock)"
fi

# ================================================================ 3. MH only: BU, data
diag "3. selectors: Mobility Header only (default)"
if mn_ro_states && mn_ro_policies 135; then
	ok "mn: route optimisation states (hao, route2) and policies (MH: ESP + HAO; rest: HAO)"
else
	not_ok "mn: route optimisation states (hao, route2) and policies (MH: ESP + HAO; rest: HAO)"
fi
udp_recv_start || not_ok "UDP receiver in netns cn"
cap_start || diag "no capture: $(cat "$TMP/dumpcap.out")"

snap S0
udp_send early 1
wait_delta 5 hao_dropped 1
snap S1
if [ "$(udp_count early)" -eq 0 ]; then ok "data with a HAO before the BU (not under the SA): not delivered"; else not_ok "data with a HAO before the BU (not under the SA): not delivered" "$(grep early "$UDPOUT")"; fi
check_deltas "data before the BU: hao_dropped +1, be_sent +1, hao_ipsec 0, hao_accepted 0" \
	hao_dropped=1 be_sent=1 hao_ipsec=0 hao_accepted=0
sleep 1	# past be_ratelimit_ms for the care-of address

snap S0
T_BU=$EPOCHREALTIME
mn_bu "BU seq 1 under ESP with Alternate CoA: BA status 0, K=0, seq 1, lifetime 60, 16 octets" 1 60 0 60
snap S1
check_deltas "BU: bu_rx, bu_ipsec, hao_deferred, hao_ipsec, ba_sent +1; no rejection, nothing unsuitable" \
	bu_rx=1 bu_ipsec=1 bu_ipsec_rejected=0 hao_deferred=1 hao_ipsec=1 hao_bu=0 ba_sent=1 \
	ipsec_unsuitable=0 hao_dropped=0 auth_fail=0
check_binding "binding: coa = Alternate CoA, auth ipsec, spi = the inbound SA's" "$HOA" \
	coa="$COA" auth=ipsec spi=$((SPI_IN)) seq=1
check_binding_lifetime "binding lifetime: 60 units of 4 s, counting down" "$HOA" 240 "$T_BU"
bin=$(cli "$NS_CN" binding show 2>&1)
if grep -q ipsec <<<"$bin"; then ok "binding show (text) says ipsec"; else not_ok "binding show (text) says ipsec" "$bin"; fi

snap S0
udp_send late 3
check_udp "data after the BU: 3 datagrams delivered from the home address" late 3
snap S1
check_deltas "data after the BU: hao_accepted +3 (binding), hao_ipsec 0, hao_deferred 0, hao_dropped 0" \
	hao_accepted=3 hao_ipsec=0 hao_deferred=0 hao_dropped=0
out=$(ip netns exec "$NS_MN" busybox ping -6 -c 1 -W 3 -I "$HOA" "$CN" 2>&1)
result $? "ping from the home address: echo reply" "$(tail -n 3 <<<"$out")"

snap S0
mn_bu "BU seq 2 lifetime 0 (deregistration) under ESP: BA status 0" 2 0 0 0
snap S1
check_deltas "deregistration: bu_ipsec +1, ba_sent +1" bu_ipsec=1 bu_ipsec_rejected=0 ba_sent=1
if binding_absent "$HOA"; then ok "deregistration: binding gone"; else not_ok "deregistration: binding gone" "$(binding_get "$HOA")"; fi

check_sa_stats "cn: the inbound SA decrypted 2 packets (the BUs), no integrity failure" 2
cap_stop
pcap_decode
# The wire: BU = IPv6(CoA -> CN) | DSTOPT(HAO = HoA) | ESP(SPI_IN); the BA =
# IPv6(CN -> CoA) | RH2(HoA) | ESP(SPI_OUT); the data = DSTOPT(HAO) | UDP.
spi_in=$(printf '0x%08x' $((SPI_IN)))
spi_out=$(printf '0x%08x' $((SPI_OUT)))
diag "tshark, from the care-of address: $(rows "\$1 == \"$COA\" && \$2 == \"$CN\"" | sort | uniq -c | tr -s ' \n' ' ')"
check_rows "tshark: both BUs were ESP ($spi_in) after a Destination Options header with HAO $HOA" \
	"\$1 == \"$COA\" && \$6 != \"\"" 2 "$COA,$CN,60,50,$HOA,$spi_in,,,,"
check_rows "tshark: no BU or BA in clear on the link" "\$3 != 58 && (\$7 == 5 || \$7 == 6)" 0 ""
# the BAs, in order: registration, deregistration (contract: "sent to the
# binding CoA (the wire source for deregistration), with a type 2 RH (HoA)")
mapfile -t bas < <(rows "\$1 == \"$CN\" && \$6 != \"\"")
ba_want="$CN,$COA,43,,,$spi_out,,,2,$HOA"
check_eq "tshark: the BA of BU seq 1 was ESP ($spi_out) to the care-of address with a type 2 routing header ($HOA)" \
	"$ba_want" "${bas[0]:-}"
check_eq "tshark: the BA of the deregistration was ESP ($spi_out) to the care-of address (the BU's source) with a type 2 routing header" \
	"$ba_want" "${bas[1]:-}"
check_eq "tshark: 2 ESP packets from the correspondent" 2 "${#bas[@]}"
check_rows "tshark: the 4 datagrams went in clear with a HAO (outside the Mobility Header SA)" \
	"\$8 == $UDP_PORT" 4 "$COA,$CN,60,17,$HOA,,,$UDP_PORT,,"

# ================================================================ 4. all traffic
diag "4. selectors: all traffic (the same files, dynamic[mobility-header] -> dynamic)"
swanctl_ns "$NS_MN" --terminate --ike cn --timeout 20 >/dev/null 2>&1
mn_ro_flush
for side in mn cn; do
	sed '/_ts = /s/dynamic\[mobility-header\]/dynamic/' "$IKEDIR/$side.swanctl.conf" >"$TMP/$side.all.conf"
done
n=$(diff "$IKEDIR/mn.swanctl.conf" "$TMP/mn.all.conf" | grep -c '^>'; diff "$IKEDIR/cn.swanctl.conf" "$TMP/cn.all.conf" | grep -c '^>')
check_eq "the variant differs from the quoted files by the 2 traffic selector lines of each" "2 2" "$(tr '\n' ' ' <<<"$n" | sed 's/ $//')"
conf_install "$NS_MN" "$TMP/mn.all.conf" "$PSK_MN"
conf_install "$NS_CN" "$TMP/cn.all.conf" "$PSK_CN"
out=$( { swanctl_ns "$NS_MN" --load-all --file "$TMP/$NS_MN/swanctl.conf" &&
	swanctl_ns "$NS_CN" --load-all --file "$TMP/$NS_CN/swanctl.conf"; } 2>&1)
result $? "swanctl --load-all of the all-traffic variant" "$out"
t0=$SECONDS
out=$(swanctl_ns "$NS_MN" --initiate --child mip6 --timeout 60 2>&1)
result $? "CHILD_SA for all traffic established ($((SECONDS - t0)) s)" "$(tail -n 8 <<<"$out")" "cn: $(log_tail "$NS_CN")"
f=$(sa_facts "$NS_CN" "$HOA" "$CN")
read -r SPI_IN mode rw icv _ sel <<<"$f"
if [ "$mode" = transport ] && [[ $sel =~ ^src\ $HOA/128\ dst\ $CN/128$ ]]; then ok "cn: inbound ESP SA $SPI_IN, transport, selector $HOA/128 -> $CN/128"; else not_ok "cn: inbound ESP SA, transport, selector HoA/128 -> CN/128" "$f"; fi
pol=$(ip -n "$NS_CN" xfrm policy list src "$CN/128" dst "$HOA/128" dir out)
if [ -n "$pol" ] && ! grep -q 'proto' <<<"$(grep -E '^src' <<<"$pol")"; then ok "cn: charon's out policy CN -> HoA covers every protocol"; else not_ok "cn: charon's out policy CN -> HoA covers every protocol" "$pol"; fi
if mn_ro_states && mn_ro_policies any; then ok "mn: route optimisation states and policies (all traffic: ESP + HAO)"; else not_ok "mn: route optimisation states and policies (all traffic: ESP + HAO)"; fi
PCAP=$TMP/link-all.pcap
cap_start || diag "no capture: $(cat "$TMP/dumpcap.out")"

binding_absent "$HOA" || cli "$NS_CN" binding del "$HOA"
snap S0
udp_send esp1 3
check_udp "no binding, data under ESP: 3 datagrams delivered from the home address" esp1 3
snap S1
check_deltas "data under ESP without a binding: hao_deferred +3, hao_ipsec +3, hao_accepted 0, hao_dropped 0, be_sent 0" \
	hao_deferred=3 hao_ipsec=3 hao_accepted=0 hao_dropped=0 be_sent=0 ipsec_unsuitable=0
if binding_absent "$HOA"; then ok "still no binding"; else not_ok "still no binding" "$(binding_get "$HOA")"; fi
out=$(ip netns exec "$NS_MN" busybox ping -6 -c 1 -W 3 -I "$HOA" "$CN" 2>&1)
result $? "ping from the home address under ESP, no binding: echo reply" "$(tail -n 3 <<<"$out")"

snap S0
mn_bu "BU seq 3 under ESP: BA status 0, K=0, lifetime 30" 3 30 0 30
snap S1
check_deltas "BU: bu_ipsec +1, hao_ipsec +1, ba_sent +1, no rejection" \
	bu_ipsec=1 bu_ipsec_rejected=0 hao_ipsec=1 ba_sent=1 ipsec_unsuitable=0
check_binding "binding: auth ipsec, spi of the new SA, seq 3" "$HOA" coa="$COA" auth=ipsec \
	spi=$((SPI_IN)) seq=3

snap S0
udp_send esp2 2
check_udp "with the binding, data under ESP: 2 datagrams delivered" esp2 2
snap S1
# draft-dupont-mipv6-cn-ipsec 3 lists the SA before the binding.
check_deltas "data under ESP with the binding: hao_ipsec +2 (the SA comes first), hao_accepted 0, hao_dropped 0" \
	hao_ipsec=2 hao_accepted=0 hao_dropped=0

check_sa_stats "cn: the inbound SA decrypted 7 packets (5 datagrams, echo request, BU), no integrity failure" 7
cap_stop
pcap_decode
spi_in=$(printf '0x%08x' $((SPI_IN)))
diag "tshark, from the care-of address: $(rows "\$1 == \"$COA\" && \$2 == \"$CN\"" | sort | uniq -c | tr -s ' \n' ' ')"
# 3 + 2 datagrams, 1 echo request, 1 BU
check_rows "tshark: datagrams, echo request and BU all ESP ($spi_in) after a HAO $HOA" \
	"\$1 == \"$COA\" && \$6 != \"\"" 7 "$COA,$CN,60,50,$HOA,$spi_in,,,,"
check_rows "tshark: none of it in clear (UDP, MH, echo request)" \
	"\$3 != 58 && (\$8 == $UDP_PORT || \$7 == 5 || \$11 == 128)" 0 ""

# ================================================================ 5. the end
out=$(swanctl_ns "$NS_MN" --terminate --ike cn --timeout 20 2>&1)
result $? "IKE_SA deleted (swanctl --terminate)" "$(tail -n 5 <<<"$out")"
out=$(ip -n "$NS_CN" xfrm state list src "$HOA" dst "$CN" proto esp)
if [ -z "$out" ]; then ok "cn: charon removed the SAs"; else not_ok "cn: charon removed the SAs" "$out"; fi
bad=$(grep -hE '\[(IKE|CFG|KNL|ENC|NET)\].*(error|failed|unable)' "$TMP"/"$NS_MN"/charon.log "$TMP"/"$NS_CN"/charon.log |
	grep -vE 'AUTHENTICATION_FAILED|authentication of .* failed|tried [0-9]+ shared key|received AUTHENTICATION_FAILED|establishing CHILD_SA mip6 failed|generating IKE_AUTH|peer_id|deleting IKE_SA|initiate failed' | head -n 5)
if [ -z "$bad" ]; then ok "charon logs: no error apart from the wrong key"; else not_ok "charon logs: no error apart from the wrong key" "$bad"; fi

ktap_finished
