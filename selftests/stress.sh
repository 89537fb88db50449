#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile traffic at full rate against the module while another process
# changes its keys, SAs, bindings and parameters and makes and destroys
# network namespaces; then the accounting (every packet that reached the
# module is in its counters), the module's answers, and the unload under
# traffic. See selftests/stress.py for the traffic and the checks; the
# debug kernel (scripts/kdebug.sh, run.sh VM_DEBUG=1) turns any race or
# leak this provokes into a failure of the run.
#
# Environment:
#   STRESS_SECONDS  length of the flood with churn (default 120)
#   STRESS_SEED     seed of the packets (default: the time; printed, so that
#                   STRESS_SEED=N reproduces a run)
#   M6_OUT          where the corpus of interesting packets is kept
#                   (default build/stress; run.sh: build/vm/KVER/out)
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_root
require_cmd nft ip
require_module
$PYTHON -c 'import cryptography' 2>/dev/null || ksft_skip_all "python3-cryptography not installed"
$PYTHON -c 'import nftables' 2>/dev/null || ksft_skip_all "python3-nftables not installed"

# The guest cannot autoload modules (see ipsec.sh): nftables for the
# counters, the crypto of the ESP SA, a default RNG for its IVs.
grep -q '^name *: stdrng' /proc/crypto 2>/dev/null || modprobe -q ansi_cprng
for m in nfnetlink nf_tables crypto-authenc crypto-cbc crypto-hmac crypto-sha256 crypto-aes \
	crypto-seqiv crypto-echainiv esp6 xfrm_user; do
	modprobe -q "$m" 2>/dev/null
done

SECS=${STRESS_SECONDS:-120}
SEED=${STRESS_SEED:-$(date +%s)}
OUT=${M6_OUT:-$TOP_DIR/build}/stress
STRESS="$PYTHON $SELFTESTS_DIR/stress.py"
mkdir -p "$OUT"

ktap_print_header
cleanup() {
	[ -n "${FLOOD_PID:-}" ] && kill "$FLOOD_PID" 2>/dev/null
	$STRESS cleanup
}
trap cleanup EXIT

# checks NAME...: turn the CHECK lines of stress.py into results
checks() {
	local tag st name detail
	while IFS=$'\t' read -r tag st name detail; do
		if [ "$tag" != CHECK ]; then
			echo "$tag${st:+ $st}${name:+ $name}${detail:+ $detail}"
			continue
		fi
		case $st in
		ok) ok "$name" ;;
		*) not_ok "$name" "$detail" ;;
		esac
	done
}

t0=$SECONDS
out=$($STRESS setup 2>&1)
if [ $? -ne 0 ]; then
	not_ok "setup: namespaces, veth pairs, nftables counters, ESP SA" "$out"
	ktap_finished
fi
ok "setup: namespaces, veth pairs, nftables counters, ESP SA"
diag "setup took $((SECONDS - t0))s"

diag "stress: ${SECS}s, seed $SEED (STRESS_SEED=$SEED reproduces the packets), $(nproc) CPUs, corpus in $OUT/corpus"
# stress.py CMD...: run it, turn its CHECK lines into results, and fail
# when it did not finish
stress_py() {
	local rc t0=$SECONDS
	$STRESS "$@" >"$OUT/$1.out" 2>&1
	rc=$?
	checks <"$OUT/$1.out"
	diag "stress.py $1 took $((SECONDS - t0))s"
	[ $rc -eq 0 ] || not_ok "stress.py $1 finished" "exit $rc"
}
stress_py run "$SECS" "$SEED" "$OUT"
stress_py probe "after the stress"

# Unload under traffic: rmmod while the flood goes on, then load again.
FLOOD=$OUT/flood.out
$STRESS flood 40 "$SEED" >"$FLOOD" 2>&1 &
FLOOD_PID=$!
if wait_file_match "$READY_TIMEOUT" "$FLOOD" '^flooding'; then
	sleep 3
	t0=${EPOCHREALTIME/./}
	out=$(rmmod mip6sec 2>&1)
	rc=$?
	result $rc "rmmod under traffic ($(((${EPOCHREALTIME/./} - t0) / 1000)) ms)" "$out"
	sleep 2
	if module_loaded; then not_ok "module gone while the flood goes on"; else ok "module gone while the flood goes on"; fi
	if out=$(module_load 2>&1); then ok "insmod again under traffic"; else not_ok "insmod again under traffic" "$out"; fi
else
	not_ok "rmmod under traffic" "the flood did not start: $(cat "$FLOOD")"
fi
kill "$FLOOD_PID" 2>/dev/null
wait "$FLOOD_PID" 2>/dev/null
FLOOD_PID=
diag "flood during the unload: $(tail -n 1 "$FLOOD")"
module_loaded || module_load >/dev/null 2>&1
stress_py probe "after the reload"

ktap_finished
