#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a Debian kernel under qemu (TCG) with the host root shared read-only
# over 9p, and run the mip6sec selftests against MODULE_KO inside it.
#
#   selftests/vm/run.sh KVER MODULE_KO [TEST...]
#   selftests/vm/run.sh --list default|debug|older-only|newer-only
#
# KVER       a kernel with /boot/vmlinuz-KVER and /lib/modules/KVER on this host,
#            or any release with VM_KERNEL and VM_MODDIR set (scripts/kdebug.sh)
# MODULE_KO  path of mip6sec.ko built for KVER, or "none" (no module)
# TEST       names of selftests/NAME.sh (default: the list in DEFAULT_TESTS), or
#            "true" (boot, chroot, report one passing test: a harness check)
#
# Prints the TAP stream of the guest (TAP version 13, flat: one "ok"/"not ok"
# line per subtest, named "SCRIPT: subtest") and exits 0 only if the guest
# reported success through isa-debug-exit. The console log is kept in
# build/vm/KVER/console.log and printed (prefixed) on failure.
#
# Environment: VM_DIR (see below), VM_TIMEOUT (s, default 1800),
# VM_BOOT_TIMEOUT (s until the guest's init must have started, default
# 900: a kernel that never gets there is stopped then), VM_SMP (default 1: faster than 2 under TCG), VM_MEM (MiB,
# default 1024, 2048 with VM_DEBUG), MIP6SEC_CLI (default userspace/mip6sec), VM_VERBOSE=1 (always
# print the console log), VM_APPEND (more kernel command line, e.g. fips=1),
# VM_KERNEL and VM_MODDIR (kernel image and modules directory instead of
# /boot/vmlinuz-KVER and /lib/modules/KVER).
#
# VM_DEBUG=1 is for a debug kernel (scripts/kdebug.sh: KASAN, lockdep,
# kmemleak, UBSAN, ...): the kernel is booted with panic_on_warn=0,
# ignore_loglevel and kasan_multi_shot so that one run reports every splat;
# the guest charges each report to the test during which it appeared, checks
# that lockdep is still on and that no taint appeared, and ends with kmemleak
# scans with the module loaded and after rmmod (selftests/vm/guest.sh).
#
# The guest tests see TEST_TIMEOUT and every STRESS_* variable of this
# environment, and may write to $M6_OUT (VMDIR/out on the host, shared
# read-write; the stress test keeps its corpus there).
set -euo pipefail

# Every VM selftest; demo.sh and bench_cn.sh are run by make demo/bench,
# router.sh (MODULE_KO "none": it installs the packages) by its own stage.
DEFAULT_TESTS=(netlink params hooks unload cn_kbm rr rr_coexist cn_scale ha_sa fbu eap_keys eap_e2e ipsec ipsec_ike conformance hardening ynl)
# What the debug kernel runs (make check, make vm-debug, in one VM with two
# vCPUs): under TCG it is 3-4 times slower than Debian's, and make check
# must stay within its time budget on two CPUs (see "Scheduling" in
# Documentation/mip6sec.rst), so the netlink family and its tables
# (netlink), and the stress test, which sends every message family the
# parsers know, random and mutated, through every HAO decision and the
# Binding Update pipeline, with configuration and namespace churn and an
# unload under traffic.
DEBUG_TESTS=(netlink stress)
# make check runs some tests on one Debian kernel only ("Scheduling"):
# they drive the module's own protocol logic through kernel interfaces
# that the tests run on both kernels drive too.
OLDER_ONLY_TESTS=(ha_sa)			# on 6.1
NEWER_ONLY_TESTS=(cn_scale fbu eap_keys eap_e2e)	# on 6.12
if [ "${1:-}" = --list ]; then
	case "${2:-default}" in
	default) printf '%s\n' "${DEFAULT_TESTS[@]}" ;;
	debug) printf '%s\n' "${DEBUG_TESTS[@]}" ;;
	older-only) printf '%s\n' "${OLDER_ONLY_TESTS[@]}" ;;
	newer-only) printf '%s\n' "${NEWER_ONLY_TESTS[@]}" ;;
	*) echo "run.sh: --list default|debug|older-only|newer-only" >&2; exit 1 ;;
	esac
	exit 0
fi

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/selftests/vm

usage() {
	echo "usage: $0 KVER MODULE_KO [TEST...]" >&2
	exit 1
}
[ $# -ge 2 ] || usage
K=$1
KO=$2
shift 2
TESTS=("$@")
[ ${#TESTS[@]} -gt 0 ] || TESTS=("${DEFAULT_TESTS[@]}")

VM_DEBUG=${VM_DEBUG:-0}
VM_TIMEOUT=${VM_TIMEOUT:-1800}
VM_BOOT_TIMEOUT=${VM_BOOT_TIMEOUT:-900}
VM_SMP=${VM_SMP:-1}
VM_MEM=${VM_MEM:-$([ "$VM_DEBUG" = 1 ] && echo 2048 || echo 1024)}
CLI=${MIP6SEC_CLI:-$ROOT/userspace/mip6sec}

KIMG=${VM_KERNEL:-/boot/vmlinuz-$K}
MODDIR=${VM_MODDIR:-/lib/modules/$K}
[ -r "$KIMG" ] || { echo "run.sh: $KIMG not found (install linux-image-$K, or set VM_KERNEL)" >&2; exit 2; }
[ -r "$MODDIR/modules.dep" ] || { echo "run.sh: $MODDIR/modules.dep not found" >&2; exit 2; }
command -v qemu-system-x86_64 >/dev/null || { echo "run.sh: qemu-system-x86_64 missing (scripts/deps.sh)" >&2; exit 2; }

case "$CLI" in /*) ;; *) CLI=$ROOT/$CLI ;; esac

# VM_DIR: a private directory, so that several runs of one kernel can
# go on side by side (default build/vm/KVER).
VMDIR=${VM_DIR:-$ROOT/build/vm/$K}
mkdir -p "$VMDIR"
if [ "$KO" != none ]; then
	[ -r "$KO" ] || { echo "run.sh: module $KO not found" >&2; exit 2; }
	# The guest sees the host root, except /tmp, /run, /var/tmp, /dev (its
	# own tmpfs): keep the module under the project tree.
	if [ "$(realpath "$KO")" != "$VMDIR/mip6sec.ko" ]; then
		cp "$KO" "$VMDIR/mip6sec.ko"
	fi
	KO=$VMDIR/mip6sec.ko
	kv=$(modinfo -F vermagic "$KO" 2>/dev/null | cut -d' ' -f1)
	[ -z "$kv" ] || [ "$kv" = "$K" ] ||
		echo "run.sh: warning: $KO was built for $kv, not $K" >&2
fi
INITRD=$VMDIR/initramfs.cpio.gz
# Read-write share for what the tests keep (the rest of the guest's tree is a
# tmpfs overlay): the same path inside as outside.
OUTDIR=$VMDIR/out
mkdir -p "$OUTDIR"
# What the guest tests get from this environment, read by guest.sh.
GUESTENV=$VMDIR/guest.env
{
	printf 'M6_OUT=%q\nM6_DEBUG=%q\nM6_SMP=%q\n' "$OUTDIR" "$VM_DEBUG" "$VM_SMP"
	for v in TEST_TIMEOUT ${!STRESS_*}; do
		[ -z "${!v+x}" ] || printf '%s=%q\n' "$v" "${!v}"
	done
} >"$GUESTENV"
CONSOLE=$VMDIR/console.log
TAPFILE=$VMDIR/tap.txt

# ---------------------------------------------------------------- initramfs
# qexit: static helper for the isa-debug-exit port.
QEXIT=$ROOT/build/vm/qexit
if [ ! -x "$QEXIT" ] || [ "$HERE/qexit.c" -nt "$QEXIT" ]; then
	gcc -static -O2 -Wall -o "$QEXIT.$$" "$HERE/qexit.c"
	mv -f "$QEXIT.$$" "$QEXIT"
fi

BUSYBOX=${BUSYBOX:-/bin/busybox}
if ! file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked'; then
	echo "run.sh: $BUSYBOX is not static (install busybox-static)" >&2
	exit 2
fi

# Modules needed to reach the 9p root, in load order: each wanted module's
# modules.dep line lists its whole dependency closure; loaded in reverse order,
# that is the order modprobe uses. Built-in ones are simply not listed.
WANT="virtio_pci 9pnet_virtio 9p overlay"
mod_order() {
	awk -v want="$WANT" '
	BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) wanted[w[i]] = i }
	{
		path = $1; sub(/:$/, "", path)
		name = path; sub(/.*\//, "", name); sub(/\.ko(\.xz|\.zst|\.gz)?$/, "", name)
		gsub(/-/, "_", name)
		if (name in wanted) { line[wanted[name]] = $0 }
	}
	END {
		for (i = 1; i <= n; i++) {
			if (!(i in line)) continue
			k = split(line[i], f, " ")
			f[1] = substr(f[1], 1, length(f[1]) - 1)
			for (j = k; j >= 2; j--) if (!(f[j] in seen)) { seen[f[j]] = 1; print f[j] }
			if (!(f[1] in seen)) { seen[f[1]] = 1; print f[1] }
		}
	}' "$MODDIR/modules.dep"
}
MODS=$(mod_order)

# Rebuild only when an input changed.
STAMP=$VMDIR/initramfs.stamp
inputs_hash() {
	{
		echo "$K"
		echo "$MODS"
		sha256sum "$HERE/init.sh" "$QEXIT" "$BUSYBOX" "$KIMG"
		for m in $MODS; do stat -c '%n %s %Y' "$MODDIR/$m"; done
	} | sha256sum | cut -d' ' -f1
}
HASH=$(inputs_hash)
if [ ! -s "$INITRD" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$HASH" ]; then
	echo "# building initramfs for $K" >&2
	STAGE=$VMDIR/initramfs.d
	rm -rf "$STAGE"
	mkdir -p "$STAGE"/{bin,dev,proc,sys,tmp,mnt,lib/m6mods}
	cp "$BUSYBOX" "$STAGE/bin/busybox"
	for a in $("$BUSYBOX" --list); do
		[ "$a" = busybox ] || ln -s busybox "$STAGE/bin/$a"
	done
	cp "$QEXIT" "$STAGE/bin/qexit"
	install -m 0755 "$HERE/init.sh" "$STAGE/init"
	: >"$STAGE/lib/m6mods/order"
	for m in $MODS; do
		base=$(basename "$m")
		case "$base" in
		*.ko.xz) out=${base%.xz}; xz -dc "$MODDIR/$m" >"$STAGE/lib/m6mods/$out" ;;
		*.ko.zst) out=${base%.zst}; zstd -qdc "$MODDIR/$m" >"$STAGE/lib/m6mods/$out" ;;
		*.ko.gz) out=${base%.gz}; gzip -dc "$MODDIR/$m" >"$STAGE/lib/m6mods/$out" ;;
		*) out=$base; cp "$MODDIR/$m" "$STAGE/lib/m6mods/$out" ;;
		esac
		echo "$out" >>"$STAGE/lib/m6mods/order"
	done
	(cd "$STAGE" && find . -print0 | sort -z | cpio --null -o -H newc --quiet -R 0:0) |
		gzip -1 >"$INITRD.tmp"
	mv "$INITRD.tmp" "$INITRD"
	echo "$HASH" >"$STAMP"
	rm -rf "$STAGE"
fi

# ---------------------------------------------------------------- boot
join() { local IFS=,; echo "$*"; }
if [ "$VM_DEBUG" = 1 ]; then
	# every report, not only the first; all of them on the console.
	# no5lvl: with 5-level paging (qemu's "max" CPU has LA57), a boot of
	# the KASAN kernel on a busy host once took an interrupt inside
	# identify_cpu() and reported every access to the direct map as a
	# "wild-memory-access", endlessly, before init (most likely while the
	# boot CPU's capabilities, LA57 among them, were being read again, so
	# that KASAN took the addresses for 4-level ones). 4-level paging has
	# no such window.
	APPEND="console=ttyS0 panic=-1 oops=panic panic_on_warn=0 ignore_loglevel kasan_multi_shot no_timer_check no5lvl"
else
	APPEND="console=ttyS0 panic=-1 oops=panic panic_on_warn=1 quiet loglevel=4 no_timer_check"
fi
APPEND+=" m6root=$ROOT m6ko=$KO m6cli=$CLI m6tests=$(join "${TESTS[@]}") m6env=$GUESTENV m6out=$OUTDIR"
[ -z "${VM_APPEND:-}" ] || APPEND+=" $VM_APPEND"

rm -f "$TAPFILE" "$CONSOLE" "$VMDIR/boot-timeout"
start=$(date +%s.%N)
set +e
timeout -k 10 "$VM_TIMEOUT" qemu-system-x86_64 \
	-nodefaults -accel tcg -m "$VM_MEM" -smp "$VM_SMP" -cpu max \
	-kernel "$KIMG" -initrd "$INITRD" -append "$APPEND" \
	-display none -monitor none \
	-serial "file:$CONSOLE" -serial "file:$TAPFILE" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-virtfs local,path="$OUTDIR",mount_tag=m6out,security_model=none,multidevs=remap \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-no-reboot </dev/null &
qpid=$!
# A guest whose init has not started after VM_BOOT_TIMEOUT is stopped:
# a kernel stuck in a loop of reports would otherwise hold a CPU until
# VM_TIMEOUT.
(
	trap 'kill "$s"; exit 0' TERM
	sleep "$VM_BOOT_TIMEOUT" &
	s=$!
	wait "$s"
	if ! grep -q '^init: up ' "$CONSOLE"; then
		touch "$VMDIR/boot-timeout"
		kill -TERM "$qpid"
	fi
) >/dev/null 2>&1 &
watchdog=$!
wait "$qpid"
qrc=$?
kill "$watchdog" 2>/dev/null
wait "$watchdog" 2>/dev/null
set -e
end=$(date +%s.%N)
secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')

# qemu exit: 1 = guest passed, 3 = guest failed, 5 = init failed,
# 0 = guest reset/panic (-no-reboot), 124 = timeout.
case $qrc in
1) verdict="pass" ;;
3) verdict="tests failed" ;;
5) verdict="init failed before the tests" ;;
0) verdict="guest rebooted or panicked" ;;
124 | 137) verdict="timeout after ${VM_TIMEOUT}s" ;;
*) verdict="qemu exited with $qrc" ;;
esac
[ ! -e "$VMDIR/boot-timeout" ] || verdict="the guest's init had not started after ${VM_BOOT_TIMEOUT}s"

# TAP from the guest, stripped of any CR; then our own verdict line.
ntap=0
if [ -s "$TAPFILE" ]; then
	tr -d '\r' <"$TAPFILE" | grep -v '^1\.\.' || true
	ntap=$(tr -d '\r' <"$TAPFILE" | grep -cE '^(ok|not ok) ' || true)
else
	echo "TAP version 13"
fi
n=$((ntap + 1))
if [ "$qrc" -eq 1 ] || [ "$qrc" -eq 3 ]; then
	echo "ok $n vm: $K boot to verdict in ${secs}s"
else
	# charge a crash or a hang to the test that was running
	running=$(tr -d '\r' <"$CONSOLE" 2>/dev/null | sed -n 's/^guest: ---- \([^ ]*\) start .*/\1/p' | tail -n 1)
	ended=$(tr -d '\r' <"$CONSOLE" 2>/dev/null | sed -n 's/^guest: ---- \([^ ]*\) exit .*/\1/p' | tail -n 1)
	if [ -n "$running" ] && [ "$running" != "$ended" ]; then
		verdict+=" during test $running"
	fi
	echo "not ok $n vm: $K: $verdict (${secs}s)"
fi
echo "1..$n"

if [ "$qrc" -ne 1 ] || [ "${VM_VERBOSE:-0}" = 1 ]; then
	echo "# ---- console log ($CONSOLE) ----"
	tr -d '\r' <"$CONSOLE" | sed 's/^/# console: /'
	echo "# ---- end of console log ----"
fi
# how long each test took in the guest (for the test lists, see --list)
durations=$(tr -d '\r' <"$CONSOLE" 2>/dev/null | awk '
	/^guest: ---- [^ ]+ start / { t = $3; s = $5; sub(/s$/, "", s); st[t] = s }
	/^guest: ---- [^ ]+ exit / { t = $3; e = $NF; sub(/s$/, "", e); if (t in st) printf "%s %.0fs, ", t, e - st[t] }')
[ -z "$durations" ] || echo "# test durations in the guest: ${durations%, }"
echo "# vm $K: $verdict, ${secs}s"
[ "$qrc" -eq 1 ]
