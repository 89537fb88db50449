#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Everything "make check" runs, in stages: dependencies (as root), the CLI,
# host unit tests, a short fuzz run of every libFuzzer target, the netlink
# spec check, sparse and checkpatch, DKMS, Debian packages; for every
# kernel of scripts/kernels.sh the module build and selftests in a qemu VM
# (selftests/vm/run.sh), and README.md's router commands in a VM; the
# debug kernel (scripts/kdebug.sh: KASAN, lockdep, kmemleak, UBSAN, ...)
# with its own selftest list and the stress test (selftests/stress.sh) on
# two vCPUs.
#
# Which tests run on which kernel (two CPUs, 35 minutes with the debug
# kernel cached; see "Scheduling" in Documentation/mip6sec.rst):
#   debug kernel (6.12)  run.sh --list debug, in one VM with two vCPUs
#   Debian 6.12          every test but the debug kernel's (they ran on a
#                        6.12) and run.sh --list older-only
#   Debian 6.1           every test but run.sh --list newer-only; the router
#                        commands
# With CHECK_DEBUG=0 there is no debug kernel, and every kernel runs every
# test and the router commands.
#
# Scheduling: the debug kernel's build (when it is not cached) is the
# longest chain (build -> module -> VMs), so it starts first at normal
# priority; everything else, its VMs included, runs at nice CHECK_NICE (5)
# with time limits for a shared CPU. Module builds happen in private copies
# of the source (build/mod-KVER), so they may overlap.
#
# Every stage prints a header line; its output is kept in build/check/ID.log.
# Every TAP "ok"/"not ok" line of every stage is collected; a stage that
# prints none gets one result from its exit status, and a stage that fails
# without saying which test failed gets a "not ok" of its own. The last line
# is "N passed, N failed, N skipped"; the exit status is non-zero when
# anything failed. build/check/times.txt has when each stage ran.
#
# Environment: CHECK_DEBUG=0 leaves the debug kernel chain out (its stages
# are then one skipped result); CHECK_SKIP="fuzz sparse ..." leaves stages out (ids: deps cli
# clitest unit fuzz spec sparse checkpatch dkms pkg module vm router kdebug
# dbgmodule dbgvm stress; kdebug leaves out the whole debug kernel); KERNELS="k1 k2"
# overrides scripts/kernels.sh; FUZZ_SECONDS (per target, default 10);
# CHECK_VM_TESTS (Debian kernels, default: see above); CHECK_DBG_TESTS
# (debug kernel, default: run.sh --list debug);
# STRESS_SECONDS (default 120) and STRESS_SEED; CHECK_PARALLEL_VMS=0|1
# (default 1 with two or more CPUs); CHECK_NICE (default 5);
# CHECK_VM_TIMEOUT and CHECK_DBG_TIMEOUT (s per VM, default 4800).
set -uo pipefail
# One compound command, read before it runs: editing this file during a
# run does not change the run.
{

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2
LOGDIR=$ROOT/build/check
mkdir -p "$LOGDIR"
rm -f "$LOGDIR"/*.t0 "$LOGDIR"/chain.end
RESULTS=$LOGDIR/results.tap
TIMES=$LOGDIR/times.txt
: >"$RESULTS"
: >"$TIMES"
T0=$SECONDS
FUZZ_SECONDS=${FUZZ_SECONDS:-10}
STRESS_SECONDS=${STRESS_SECONDS:-120}
export STRESS_SECONDS
[ -z "${STRESS_SEED:-}" ] || export STRESS_SEED
MAKE=${MAKE:-make}
CHECK_NICE=${CHECK_NICE:-5}
NICE=(nice -n "$CHECK_NICE")

skipped_stage() { [[ " ${CHECK_SKIP:-} " == *" $1 "* ]]; }

# collect ID TITLE RC: results of a finished stage from build/check/ID.log
collect() {
	local id=$1 title=$2 rc=$3 log=$LOGDIR/$1.log ntap nfail
	ntap=$(grep -cE '^(ok|not ok)( |$)' "$log")
	nfail=$(grep -E '^not ok( |$)' "$log" | grep -vciE '# *(skip|todo)')
	grep -E '^(ok|not ok)( |$)' "$log" | sed "s|^|[$id] |" >>"$RESULTS"
	if [ "$ntap" -eq 0 ]; then
		if [ "$rc" -eq 0 ]; then
			echo "[$id] ok - $title" >>"$RESULTS"
		else
			echo "[$id] not ok - $title (exit $rc)" >>"$RESULTS"
		fi
	elif [ "$rc" -ne 0 ] && [ "$nfail" -eq 0 ]; then
		echo "[$id] not ok - $title: stage exited with $rc" >>"$RESULTS"
	fi
}

# cpu_children VAR: CPU seconds (user + system) used so far by the
# waited-for children of this shell, and theirs, into VAR (the builtin
# must run in this shell, not in a command substitution)
cpu_children() {
	local f=$LOGDIR/.times.$BASHPID
	builtin times >"$f"
	printf -v "$1" %s "$(awk 'NR == 2 {
		n = split($0, f, " "); t = 0
		for (i = 1; i <= n; i++) { split(f[i], a, "m"); t += a[1] * 60 + a[2] }
		printf "%d", t + 0.5 }' "$f")"
	rm -f "$f"
}
# stage_time ID START [CPU]: one line of build/check/times.txt
stage_time() { echo "$1 $(($2 - T0)) $((SECONDS - T0)) ${3:-?}" >>"$TIMES"; }

# stage ID TITLE CMD...: run CMD, show and keep its output, collect results.
stage() {
	local id=$1 title=$2 rc t c c1
	shift 2
	echo
	echo "==== [$id] $title"
	if skipped_stage "${id%%-*}"; then
		echo "ok - $title # SKIP CHECK_SKIP" | tee -a "$LOGDIR/$id.log"
		echo "[$id] ok - $title # SKIP CHECK_SKIP" >>"$RESULTS"
		return 0
	fi
	t=$SECONDS
	cpu_children c
	"$@" </dev/null 2>&1 | tee "$LOGDIR/$id.log"
	rc=${PIPESTATUS[0]}
	collect "$id" "$title" "$rc"
	cpu_children c1
	stage_time "$id" "$t" $((c1 - c))
	echo "---- [$id] $title: exit $rc, $((SECONDS - t))s"
	return "$rc"
}

# stage_bg ID TITLE CMD...: start CMD in the background (output to the log
# only); stage_wait ID shows and collects it once it has finished.
declare -A BG_PID BG_TITLE BG_T0
stage_bg() {
	local id=$1 title=$2
	shift 2
	BG_TITLE[$id]=$title
	if skipped_stage "${id%%-*}"; then
		BG_PID[$id]=skip
		return 0
	fi
	echo "---- [$id] $title: started in the background at $((SECONDS - T0))s"
	BG_T0[$id]=$SECONDS
	(
		"$@" </dev/null >"$LOGDIR/$id.log" 2>&1
		rc=$?
		cpu_children c
		echo "$c" >"$LOGDIR/$id.cpu"
		exit $rc
	) &
	BG_PID[$id]=$!
}
stage_wait() {
	local id=$1 rc title=${BG_TITLE[$1]}
	echo
	echo "==== [$id] $title"
	if [ "${BG_PID[$id]}" = skip ]; then
		echo "ok - $title # SKIP CHECK_SKIP"
		echo "[$id] ok - $title # SKIP CHECK_SKIP" >>"$RESULTS"
		return 0
	fi
	wait "${BG_PID[$id]}"
	rc=$?
	# a stage that waited for another before it started (after_chain)
	[ ! -s "$LOGDIR/$id.t0" ] || BG_T0[$id]=$(cat "$LOGDIR/$id.t0")
	cat "$LOGDIR/$id.log"
	collect "$id" "$title" "$rc"
	stage_time "$id" "${BG_T0[$id]}" "$(cat "$LOGDIR/$id.cpu" 2>/dev/null)"
	echo "---- [$id] $title: exit $rc, $((SECONDS - BG_T0[$id]))s (wall, in parallel)"
	return "$rc"
}

# A stage that could not run at all: one skipped result.
stage_skip() { # stage_skip ID TITLE REASON
	echo
	echo "==== [$1] $2"
	echo "ok - $2 # SKIP $3"
	echo "[$1] ok - $2 # SKIP $3" >>"$RESULTS"
}

# build_module NICE KVER [KDIR]: the module for one kernel (at nice NICE),
# built from a private copy of the source (build/mod-KVER), so that builds
# may overlap; the result is build/KVER/mip6sec.ko.
build_module() {
	local n=$1 k=$2 kdir=${3:-/lib/modules/$2/build} src=$ROOT/build/mod-$2
	rm -rf "$src" && mkdir -p "$src" "build/$k" &&
		cp -a Kbuild kernel include "$src"/ &&
		rm -f "build/$k/mip6sec.ko" &&
		nice -n "$n" $MAKE -C "$kdir" M="$src" modules &&
		cp "$src/mip6sec.ko" "build/$k/mip6sec.ko" &&
		modinfo -F vermagic "build/$k/mip6sec.ko"
}

# ------------------------------------------------------------------ dependencies
if [ "$(id -u)" -eq 0 ]; then
	stage deps "dependencies (scripts/deps.sh)" bash scripts/deps.sh
else
	stage deps "dependencies (scripts/deps.sh --check, not root)" bash scripts/deps.sh --check
fi
stage cli "build the CLI (make -C userspace)" $MAKE -C userspace

# ------------------------------------------------------------------ debug kernel chain
# Build (or find in the cache) the debug kernel, build the module against
# it, run the debug selftest list (the stress test included) in a VM with
# two vCPUs. Runs in the background from here on.
DBG=0
if [ "${CHECK_DEBUG:-1}" != 0 ] && ! skipped_stage kdebug; then
	DBG=1
fi
# The debug kernel's series (its source package, linux-source-SERIES).
DBG_SERIES=$(sed -n 's/^SRCPKG=linux-source-//p' scripts/kdebug.sh)
DBG_ENV=$LOGDIR/kdebug.env
debug_build() {
	KDBG_NICE=0 bash scripts/kdebug.sh build >"$DBG_ENV.tmp" && mv "$DBG_ENV.tmp" "$DBG_ENV" &&
		cat "$DBG_ENV"
}
debug_module() {
	# shellcheck disable=SC1090
	. "$DBG_ENV" && build_module 0 "$KDBG_KVER" "$KDBG_KDIR"
}
DBG_TESTS=${CHECK_DBG_TESTS:-$(bash selftests/vm/run.sh --list debug | paste -sd ' ')}
if skipped_stage stress; then
	# shellcheck disable=SC2086
	DBG_TESTS=$(printf '%s\n' $DBG_TESTS | grep -vx stress | paste -sd ' ')
fi
# debug_vm TEST...: a VM of the debug kernel with two vCPUs; a test may
# take 3-4 times as long as on a Debian kernel.
debug_vm() {
	# shellcheck disable=SC1090
	. "$DBG_ENV" &&
		VM_DEBUG=1 VM_KERNEL=$VM_KERNEL VM_MODDIR=$VM_MODDIR VM_DIR=$ROOT/build/vm/dbg VM_SMP=2 \
			VM_TIMEOUT=${CHECK_DBG_TIMEOUT:-4800} TEST_TIMEOUT=${TEST_TIMEOUT:-1800} \
			"${NICE[@]}" bash selftests/vm/run.sh "$KDBG_KVER" "build/$KDBG_KVER/mip6sec.ko" "$@"
}
if [ "$DBG" = 1 ]; then
	# chain_step ID CMD...: one step of the chain, its output in ID.log,
	# its exit status in ID.rc, its time in times.txt
	chain_step() {
		local id=$1 t=$SECONDS c c1 rc
		shift
		cpu_children c
		"$@" >"$LOGDIR/$id.log" 2>&1
		rc=$?
		echo "$rc" >"$LOGDIR/$id.rc"
		cpu_children c1
		stage_time "$id" "$t" $((c1 - c))
		return "$rc"
	}
	# The chain's stages, one after the other, in one background job.
	debug_chain() {
		chain_step kdebug debug_build || return 1
		chain_step dbgmodule debug_module || return 1
		if ! skipped_stage dbgvm && [ -n "$DBG_TESTS" ]; then
			# shellcheck disable=SC2086
			chain_step dbgvm debug_vm $DBG_TESTS
		fi
	}
	echo "---- [kdebug] debug kernel chain: started in the background (build or cache, module, VMs)"
	(
		debug_chain
		rc=$?
		: >"$LOGDIR/chain.end"
		exit $rc
	) >"$LOGDIR/chain.log" 2>&1 &
	CHAIN_PID=$!
fi

# ------------------------------------------------------------------ Debian kernels
mapfile -t KVERS < <(bash scripts/kernels.sh)
if [ ${#KVERS[@]} -lt 2 ]; then
	echo "[kernels] not ok - both Debian kernels (6.1 and 6.12) are needed, found: ${KVERS[*]:-none}" >>"$RESULTS"
	echo "check: both Debian kernels 6.1 and 6.12 are needed (scripts/deps.sh installs them), found: ${KVERS[*]:-none}"
fi
# The VMs use one CPU each; on a machine with two or more CPUs they run side
# by side (CHECK_PARALLEL_VMS=0 runs them one after the other).
PARALLEL=${CHECK_PARALLEL_VMS:-$([ "$(nproc)" -ge 2 ] && echo 1 || echo 0)}
# in_series KVER: KVER is of the debug kernel's series (6.12)
in_series() { [[ $1 == "$DBG_SERIES".* ]]; }
# With the debug kernel, and a Debian kernel of its series to run the
# one-kernel tests: the lists of the header, and the router commands on
# the other kernels only.
SPLIT=0
if [ "$DBG" = 1 ] && [ -n "$DBG_SERIES" ]; then
	for k in "${KVERS[@]}"; do
		! in_series "$k" || SPLIT=1
	done
fi
# vm_tests KVER: the selftests of KVER's VM
vm_tests() {
	local drop=()
	if [ -n "${CHECK_VM_TESTS:-}" ]; then
		echo "$CHECK_VM_TESTS"
		return
	fi
	if [ "$SPLIT" = 1 ] && in_series "$1"; then
		read -ra drop <<<"$DBG_TESTS"
		mapfile -t -O "${#drop[@]}" drop < <(bash selftests/vm/run.sh --list older-only)
	elif [ "$SPLIT" = 1 ]; then
		mapfile -t drop < <(bash selftests/vm/run.sh --list newer-only)
	fi
	bash selftests/vm/run.sh --list default | grep -vxF -f <(printf '%s\n' "${drop[@]}" "") | paste -sd ' '
}
VM_IDS=()
for k in "${KVERS[@]}"; do
	if stage "module-$k" "module build, $k (make module KVER=$k, in build/mod-$k)" build_module "$CHECK_NICE" "$k"; then
		# shellcheck disable=SC2046
		# They share the CPUs with the debug chain: time limits for a
		# slower run than alone (a hang still ends in a timeout).
		set -- env VM_TIMEOUT="${CHECK_VM_TIMEOUT:-4800}" TEST_TIMEOUT="${TEST_TIMEOUT:-1800}" \
			"${NICE[@]}" bash selftests/vm/run.sh "$k" "build/$k/mip6sec.ko" $(vm_tests "$k")
		if [ "$PARALLEL" = 1 ]; then
			stage_bg "vm-$k" "VM selftests, $k (run.sh: $(vm_tests "$k"))" "$@"
			VM_IDS+=("vm-$k")
		else
			stage "vm-$k" "VM selftests, $k (run.sh: $(vm_tests "$k"))" "$@"
		fi
	else
		stage_skip "vm-$k" "VM selftests, $k" "module did not build"
	fi
done

# ------------------------------------------------------------------ host stages
stage clitest "CLI host tests (make -C userspace check)" "${NICE[@]}" $MAKE -C userspace check
stage unit "host unit tests (make -C selftests/unit run)" "${NICE[@]}" $MAKE -C selftests/unit run
stage fuzz "fuzz run, ${FUZZ_SECONDS}s per target (make -C selftests/fuzz run)" \
	"${NICE[@]}" $MAKE -C selftests/fuzz run FUZZ_SECS="$FUZZ_SECONDS"
if [ -f selftests/spec_check.py ]; then
	stage spec "netlink spec check (make spec)" "${NICE[@]}" $MAKE spec
else
	stage_skip spec "netlink spec check" "selftests/spec_check.py absent"
fi
for k in "${KVERS[@]}"; do
	stage "sparse-$k" "sparse, $k (make sparse KVER=$k)" "${NICE[@]}" $MAKE sparse KVER="$k"
done
stage checkpatch "checkpatch (make checkpatch)" "${NICE[@]}" $MAKE checkpatch
if [ "$(id -u)" -eq 0 ]; then
	stage dkms "DKMS add/build/remove (scripts/dkms-check.sh)" "${NICE[@]}" bash scripts/dkms-check.sh
else
	stage_skip dkms "DKMS add/build/remove" "needs root"
fi
# The VM test router.sh installs the packages this stage leaves in
# build/deb/ (it also builds ./mip6sec.ko for "make install"; the module
# stages build in private copies).
stage pkg "packages, man page, completion, make install (scripts/pkg-check.sh)" \
	"${NICE[@]}" bash scripts/pkg-check.sh

# README.md's router commands in a VM, with the packages of the pkg stage:
# no module under test is loaded, DKMS builds it in the VM. On every kernel
# but the debug kernel's series when the tests are split (the dkms stage
# builds the DKMS package for every kernel).
ROUTER_IDS=()
for k in "${KVERS[@]}"; do
	[ "$SPLIT" = 0 ] || ! in_series "$k" || continue
	set -- env VM_TIMEOUT="${CHECK_VM_TIMEOUT:-4800}" TEST_TIMEOUT="${TEST_TIMEOUT:-1800}" \
		VM_DIR="$ROOT/build/vm/$k-router" "${NICE[@]}" bash selftests/vm/run.sh "$k" none router
	if [ "$PARALLEL" = 1 ]; then
		stage_bg "router-$k" "README router path and packages, $k (selftests/router.sh)" "$@"
		ROUTER_IDS+=("router-$k")
	else
		stage "router-$k" "README router path and packages, $k (selftests/router.sh)" "$@"
	fi
done

# FIPS mode needs a boot of its own (fips=1): selftests/fips.sh, unless
# CHECK_VM_TESTS names other tests only. On two CPUs or more the two boots
# start in the background once the debug chain has ended (its VM's two
# vCPUs free again), beside the tail of the other VMs.
FIPS_IDS=()
# after_chain ID CMD...: CMD once the debug chain (if any) has ended; the
# stage's times start then (ID.t0)
after_chain() {
	local id=$1
	shift
	while [ "$DBG" = 1 ] && [ ! -e "$LOGDIR/chain.end" ] && kill -0 "$CHAIN_PID" 2>/dev/null; do
		sleep 5
	done
	echo "$SECONDS" >"$LOGDIR/$id.t0"
	"$@"
}
case " ${CHECK_VM_TESTS:-fips} " in
*" fips "*)
	for k in "${KVERS[@]}"; do
		[ -s "build/$k/mip6sec.ko" ] || continue
		set -- env VM_APPEND=fips=1 VM_DIR="$ROOT/build/vm/$k-fips" \
			"${NICE[@]}" bash selftests/vm/run.sh "$k" "build/$k/mip6sec.ko" fips
		if [ "$PARALLEL" = 1 ]; then
			stage_bg "vm-fips-$k" "VM selftests in FIPS mode, $k (fips=1; after the debug chain)" \
				after_chain "vm-fips-$k" "$@"
			FIPS_IDS+=("vm-fips-$k")
		else
			FIPS_IDS+=("$k")
		fi
	done
	;;
esac

# ------------------------------------------------------------------ results
for id in "${VM_IDS[@]}" "${ROUTER_IDS[@]}"; do
	stage_wait "$id"
done
for id in "${FIPS_IDS[@]}"; do
	if [ "$PARALLEL" = 1 ]; then
		stage_wait "$id"
	else
		stage "vm-fips-$id" "VM selftests in FIPS mode, $id (fips=1)" \
			env VM_APPEND=fips=1 VM_DIR="$ROOT/build/vm/$id-fips" \
			"${NICE[@]}" bash selftests/vm/run.sh "$id" "build/$id/mip6sec.ko" fips
	fi
done

# show a stage the debug chain ran: its log, results and time
chain_stage() { # chain_stage ID TITLE
	local id=$1 title=$2 rc
	echo
	echo "==== [$id] $title"
	if skipped_stage "$id"; then
		echo "ok - $title # SKIP CHECK_SKIP"
		echo "[$id] ok - $title # SKIP CHECK_SKIP" >>"$RESULTS"
		return 0
	fi
	if [ ! -f "$LOGDIR/$id.rc" ]; then
		stage_skip "$id" "$title" "an earlier stage of the debug chain failed"
		return 0
	fi
	rc=$(cat "$LOGDIR/$id.rc")
	cat "$LOGDIR/$id.log"
	collect "$id" "$title" "$rc"
	echo "---- [$id] $title: exit $rc, $(awk -v i="$id" '$1 == i { print $3 - $2 }' "$TIMES")s (wall, in parallel)"
}
if [ "$DBG" = 1 ]; then
	wait "$CHAIN_PID"
	chain_stage kdebug "debug kernel (scripts/kdebug.sh build: cache or build)"
	chain_stage dbgmodule "module build, debug kernel"
	chain_stage dbgvm "VM selftests, debug kernel, 2 vCPUs (run.sh VM_DEBUG=1: $DBG_TESTS; stress ${STRESS_SECONDS}s)"
else
	stage_skip kdebug "debug kernel, its VM selftests and the stress test" \
		"$(skipped_stage kdebug && echo CHECK_SKIP || echo CHECK_DEBUG=0)"
fi

# ------------------------------------------------------------------ summary
failed=$(grep -E '^\[[^]]*\] not ok( |$)' "$RESULTS" | grep -viE '# *(skip|todo)' || true)
nskip=$(grep -ciE '^\[[^]]*\] (ok|not ok)( |$).*# *skip' "$RESULTS")
ntodo=$(grep -ciE '^\[[^]]*\] not ok( |$).*# *todo' "$RESULTS")
nfail=$(grep -c . <<<"$failed")
[ -n "$failed" ] || nfail=0
ntotal=$(grep -cE '^\[[^]]*\] (ok|not ok)( |$)' "$RESULTS")
npass=$((ntotal - nfail - nskip - ntodo))

echo
echo "==== schedule (seconds from the start: stage, start, end, wall, CPU used)"
sort -n -k2 "$TIMES" | awk '{ printf "  %-28s %5d %5d %6ds %6ss\n", $1, $2, $3, $3 - $2, $4 }'
echo
echo "==== summary ($((SECONDS - T0))s, results in ${RESULTS#"$ROOT"/})"
if [ "$nfail" -gt 0 ]; then
	echo "failed:"
	echo "$failed" | sed 's/^/  /'
fi
if [ "$ntodo" -gt 0 ]; then
	echo "known to fail (TODO, not counted as failures):"
	grep -iE '^\[[^]]*\] not ok( |$).*# *todo' "$RESULTS" | sed 's/^/  /'
fi
echo "$npass passed, $nfail failed, $nskip skipped"
[ "$nfail" -eq 0 ]
exit
}
