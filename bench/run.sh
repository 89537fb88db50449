#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: measure mip6sec against the kernel's own Home Address option
# handling, in a qemu VM (TCG) running a Debian kernel (the host never
# loads a module). Builds the module, the CLI, the test-only hmacbench
# module and the packet tools, prebuilds the packets (bench/gen.py), boots
# the VM with selftests/bench_cn.sh, and prints the report (plain text,
# then one JSON object, also kept in build/bench/report-KVER.json).
#
#   bash bench/run.sh            (make bench)
#
# Environment:
#   KVER             kernel to boot (default: the 6.1 kernel of
#                    scripts/kernels.sh; any kernel with /boot/vmlinuz-KVER
#                    and headers)
#   BENCH_ROUNDS     rounds of (a) module/kernel pairs, of (b) and of (d) (default 5)
#   BENCH_HAO_N      HAO packets per (a) run (default 100000)
#   BENCH_HAO_SECS   time cap per (a) run, s (default 3)
#   BENCH_RATE_N     Binding Updates per (b) round (default 50000, <= 60000)
#   BENCH_HOT_N      Home Test Inits per (d) round (default 20000, <= 60000)
#   BENCH_MEM_N      Kbms and bindings for (c) (default 100000)
#   BENCH_KBM_SECS   time cap for provisioning the (c) Kbms, s (default 150;
#                    fewer keys then, the report says how many)
#   VM_MEM, VM_TIMEOUT, VM_SMP, VM_VERBOSE as for selftests/vm/run.sh
#                    (defaults here: 2048 MiB, 1500 s, 1 vCPU)
#
# Absolute numbers are those of an emulated CPU (TCG): only the ratios
# mean something, and even they move from run to run. Nothing fails on a
# threshold; the exit status says only whether the measurement ran.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
DEFAULT_K=$(bash scripts/kernels.sh | sed -n 1p)
K=${KVER:-$DEFAULT_K}
if [ ! -r "/boot/vmlinuz-$K" ] || [ ! -d "/lib/modules/$K/build" ]; then
	echo "bench: no /boot/vmlinuz-$K with headers; using $DEFAULT_K" >&2
	K=$DEFAULT_K
fi
OUT=$ROOT/build/bench
ROUNDS=${BENCH_ROUNDS:-5}
HAO_N=${BENCH_HAO_N:-100000}
HAO_SECS=${BENCH_HAO_SECS:-3}
RATE_N=${BENCH_RATE_N:-50000}
HOT_N=${BENCH_HOT_N:-20000}
MEM_N=${BENCH_MEM_N:-100000}
KBM_SECS=${BENCH_KBM_SECS:-150}
export VM_MEM=${VM_MEM:-2048} VM_TIMEOUT=${VM_TIMEOUT:-1500}
mkdir -p "$OUT/$K"

log() { echo "== bench: $*" >&2; }

# ------------------------------------------------------------------ build
log "building mip6sec and the CLI for $K"
if [ -e mip6sec.ko ] &&
	[ "$(modinfo -F vermagic mip6sec.ko 2>/dev/null | cut -d' ' -f1)" != "$K" ]; then
	make -s -C "/lib/modules/$K/build" M="$ROOT" clean >/dev/null 2>&1 || true
fi
make -s module KVER="$K" >"$OUT/build-$K.log" 2>&1 || { cat "$OUT/build-$K.log" >&2; exit 1; }
make -s cli >>"$OUT/build-$K.log" 2>&1 || { cat "$OUT/build-$K.log" >&2; exit 1; }
cp mip6sec.ko "$OUT/$K/mip6sec.ko"

log "building bench/hmacbench for $K"
HB=$OUT/hmacbench-$K
rm -rf "$HB"
mkdir -p "$HB"
cp bench/hmacbench/Kbuild bench/hmacbench/hmacbench.c "$HB/"
make -s -C "/lib/modules/$K/build" M="$HB" modules >"$HB/build.log" 2>&1 ||
	{ cat "$HB/build.log" >&2; exit 1; }
if grep -E 'warning:|error:' "$HB/build.log" >&2; then
	echo "bench: hmacbench built with warnings" >&2
	exit 1
fi

log "building the packet tools"
for t in pktsend udprecv; do
	gcc -O2 -Wall -Wextra -Werror -o "$OUT/$t" "bench/$t.c"
done

# ------------------------------------------------------------------ packets
want="$RATE_N $HOT_N $MEM_N $(sha256sum bench/gen.py | cut -d' ' -f1)"
if [ "$(cat "$OUT/gen.stamp" 2>/dev/null)" != "$want" ]; then
	log "prebuilding the packets ($RATE_N BUs for the rate, $MEM_N for the memory)"
	python3 bench/gen.py "$OUT" --rate "$RATE_N" --hot "$HOT_N" --mem "$MEM_N" >/dev/null
	echo "$want" >"$OUT/gen.stamp"
fi

cat >"$OUT/config.sh" <<EOF
# written by bench/run.sh, read by selftests/bench_cn.sh in the VM
BENCH_ROUNDS=$ROUNDS
BENCH_HAO_N=$HAO_N
BENCH_HAO_SECS=$HAO_SECS
BENCH_MEM_N=$MEM_N
BENCH_KBM_SECS=$KBM_SECS
HMACBENCH_KO=$HB/hmacbench.ko
EOF

# ------------------------------------------------------------------ VM
log "booting $K (TCG, ${VM_SMP:-1} vCPU, $VM_MEM MiB): selftests/bench_cn.sh, about 10 minutes"
set +e
selftests/vm/run.sh "$K" "$OUT/$K/mip6sec.ko" bench_cn >"$OUT/vm-$K.log" 2>&1
rc=$?
set -e
grep -E '^(ok|not ok)' "$OUT/vm-$K.log" | sed 's/^/   /' >&2 || true
cp "$ROOT/build/vm/$K/console.log" "$OUT/console-$K.log" 2>/dev/null || true
[ "$rc" -eq 0 ] || echo "bench: the VM reported a failure (exit $rc); log: $OUT/vm-$K.log" >&2

CMD="make bench KVER=$K"
for v in BENCH_ROUNDS BENCH_HAO_N BENCH_HAO_SECS BENCH_RATE_N BENCH_HOT_N BENCH_MEM_N BENCH_KBM_SECS VM_SMP; do
	[ -z "${!v:-}" ] || CMD="$v=${!v} $CMD"
done
python3 bench/report.py "$OUT/console-$K.log" --kver "$K" --cmd "$CMD" --mem-target "$MEM_N" \
	--json-out "$OUT/report-$K.json"
exit "$rc"
