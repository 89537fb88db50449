#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Many bindings through real Binding Updates: N home addresses (default
# 10000, CN_SCALE_N) each get a Kbm (bulk kbm-add over generic netlink), then
# netns mn sends N authenticated BUs (HAO, A = 0) prebuilt by selftests/mn.py
# through a raw socket in batches. Checks "binding show -j" holds exactly N
# entries, the counters, BA 130 for binding N+1 with max_bindings=N, a
# refresh in the full cache (BA checked to the octet), a HAO packet delivered
# for one of the bindings, and rmmod with N bindings and N+1 keys. Rates are
# printed as diagnostics.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_root
require_cmd ip
require_cli
require_module
ktap_print_header
netns_setup_or_skip

N=${CN_SCALE_N:-10000}
PREFIX=2001:db8:100::
CN=$ADDR_CN
COA=$ADDR_MN
MNPY=$SELFTESTS_DIR/mn.py
PARAMS=/sys/module/mip6sec/parameters
TMP=$(mktemp -d)
trap 'netns_cleanup; rm -rf "$TMP"' EXIT

ktap_plan 13

# Counters: snap and delta (lib.sh).
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
json_len() { $PYTHON -c 'import json, sys; print(len(json.load(sys.stdin)))' 2>&1; }
pymn() { # pymn NS ARGS...: one mn.py command in NS, prints its line
	ip netns exec "$1" "$PYTHON" "$MNPY" "${@:2}"
}

echo enforce >$PARAMS/hao_policy
echo 420 >$PARAMS/max_lifetime
echo "$N" >$PARAMS/max_bindings

# ---------------------------------------------------------------- keys
t0=$(now)
out=$(pymn "$NS_CN" provision --count $((N + 1)) --prefix "$PREFIX" --cn "$CN")
rc=$?
diag "provision: $out (wall $(elapsed "$t0")s)"
n=$(cli "$NS_CN" -j kbm show 2>&1 | json_len)
if [ $rc -eq 0 ] && [ "$n" = $((N + 1)) ]; then ok "$((N + 1)) Kbms provisioned over generic netlink"; else not_ok "$((N + 1)) Kbms provisioned over generic netlink" "$out" "kbm show: $n entries"; fi

# ---------------------------------------------------------------- N BUs
snap S0
t0=$(now)
out=$(pymn "$NS_MN" scale --cn "$CN" --coa "$COA" --prefix "$PREFIX" --count "$N" --batch 250 --pause 0.01)
rc=$?
diag "BUs: $out"
# wait until the module has processed all of them (it answers nothing: A = 0)
deadline=$((SECONDS + 120))
while :; do
	snap S1
	[ "$(delta bu_rx)" -ge "$N" ] && break
	[ $SECONDS -ge $deadline ] && break
	sleep 1
done
secs=$(elapsed "$t0")
diag "$(delta bu_accepted) BUs accepted ${secs}s after mn.py started (python start, prebuild and polling included): $(awk -v n="$(delta bu_accepted)" -v s="$secs" 'BEGIN { printf "%.0f", n / s }') bindings/s"
if [ $rc -eq 0 ] && [ "$(delta bu_rx)" -eq "$N" ]; then ok "$N BUs sent and seen by the module (bu_rx +$N)"; else not_ok "$N BUs sent and seen by the module (bu_rx +$N)" "$out" "bu_rx +$(delta bu_rx)"; fi
if [ "$(delta bu_accepted)" -eq "$N" ] && [ "$(delta auth_fail)" -eq 0 ] && [ "$(delta mh_malformed)" -eq 0 ]; then
	ok "bu_accepted +$N, auth_fail 0, mh_malformed 0"
else
	not_ok "bu_accepted +$N, auth_fail 0, mh_malformed 0" "bu_accepted +$(delta bu_accepted) auth_fail +$(delta auth_fail) mh_malformed +$(delta mh_malformed) replay +$(delta replay) bc_full +${S1[stat_24]:-?}"
fi
t0=$(now)
n=$(cli "$NS_CN" -j binding show 2>&1 | json_len)
diag "binding show -j of $n entries took $(elapsed "$t0")s"
check_eq "binding show -j | length == $N" "$N" "$n"

j=$(cli "$NS_CN" -j binding show "$(pymn "$NS_MN" scale-hoa "$PREFIX" 4242 | cut -d' ' -f2)" 2>&1)
if [[ $j =~ \"coa\":\ ?\"$COA\" ]] && [[ $j =~ \"seq\":\ ?1[,}] ]] && [[ $j =~ \"auth\":\ ?\"kbm\" ]]; then ok "binding 4242: coa, seq 1, auth kbm"; else not_ok "binding 4242: coa, seq 1, auth kbm" "$j"; fi

# ---------------------------------------------------------------- full cache
hoa_n=$(pymn "$NS_MN" scale-hoa "$PREFIX" "$N" | cut -d' ' -f2)
key_n=$(pymn "$NS_MN" kbm-key "$N" | cut -d' ' -f2)
snap S0
out=$(pymn "$NS_MN" bu --cn "$CN" --coa "$COA" --hoa "$hoa_n" --key "$key_n" --seq 1 --lifetime 10 --ack --expect-ba status=130)
result $? "binding $((N + 1)) with max_bindings=$N: BA 130, checked to the octet" "$out"
snap S1
if [ "$(delta stat_24)" -eq 1 ] || [ "$(delta bc_full)" -eq 1 ]; then ok "bc_full +1"; else not_ok "bc_full +1" "$(cli "$NS_CN" -j stats)"; fi

i=9999
[ "$N" -le $i ] && i=$((N - 1))
hoa_i=$(pymn "$NS_MN" scale-hoa "$PREFIX" "$i" | cut -d' ' -f2)
key_i=$(pymn "$NS_MN" kbm-key "$i" | cut -d' ' -f2)
out=$(pymn "$NS_MN" bu --cn "$CN" --coa "$COA" --hoa "$hoa_i" --key "$key_i" --seq 2 --lifetime 10 --ack --expect-ba status=0)
result $? "refresh of binding $i in the full cache: BA 0, checked to the octet" "$out"

UDPOUT=$TMP/udp.out
ip netns exec "$NS_CN" "$PYTHON" "$MNPY" udp-recv 9000 60 >"$UDPOUT" 2>&1 &
bg_track $!
wait_file_match "$READY_TIMEOUT" "$UDPOUT" '^ready'
hoa_j=$(pymn "$NS_MN" scale-hoa "$PREFIX" 17 | cut -d' ' -f2)
out=$(pymn "$NS_MN" hao-udp --cn "$CN" --hoa "$hoa_j" --src "$COA" --marker scale17 --expect-none)
if [ $? -eq 0 ] && wait_for 5 grep -q "\"src\": \"$hoa_j\", \"data\": \"m6:scale17\"" "$UDPOUT"; then
	ok "HAO/UDP for binding 17 delivered from its home address"
else
	not_ok "HAO/UDP for binding 17 delivered from its home address" "$out" "$(cat "$UDPOUT")"
fi

# ---------------------------------------------------------------- unload
echo 4096 >$PARAMS/max_bindings
t0=$(now)
out=$(rmmod mip6sec 2>&1)
rc=$?
diag "rmmod with $N bindings and $((N + 1)) keys took $(elapsed "$t0")s"
result $rc "rmmod with $N bindings and $((N + 1)) Kbms" "$out"
if module_loaded; then not_ok "module gone after rmmod"; else ok "module gone after rmmod"; fi
out=$(module_load 2>&1)
result $? "module loads again" "$out"
check_eq "binding cache empty after reload" 0 "$(cli "$NS_CN" -j binding show 2>&1 | json_len)"

ktap_finished
