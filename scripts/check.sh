#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Everything "make check" runs, in stages: dependencies (as root), the CLI,
# host unit tests, a short fuzz run, the netlink spec check, sparse and
# checkpatch, then for every kernel of scripts/kernels.sh the module build and
# the selftests in a qemu VM (selftests/vm/run.sh).
#
# Every stage prints a header line; its output is kept in build/check/ID.log.
# Every TAP "ok"/"not ok" line of every stage is collected; a stage that
# prints none gets one result from its exit status, and a stage that fails
# without saying which test failed gets a "not ok" of its own. The last line
# is "N passed, N failed, N skipped"; the exit status is non-zero when
# anything failed.
#
# Environment: CHECK_SKIP="fuzz sparse ..." leaves stages out (ids: deps cli
# clitest unit fuzz spec sparse checkpatch dkms pkg module vm router); KERNELS="k1 k2" overrides
# scripts/kernels.sh; FUZZ_SECONDS (per fuzz target, two at a time; default
# 20); CHECK_VM_TESTS (default: all);
# CHECK_PARALLEL_VMS=0|1 (default 1 with two or more CPUs).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2
LOGDIR=$ROOT/build/check
mkdir -p "$LOGDIR"
RESULTS=$LOGDIR/results.tap
: >"$RESULTS"
T0=$SECONDS
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
MAKE=${MAKE:-make}

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

# stage ID TITLE CMD...: run CMD, show and keep its output, collect results.
stage() {
	local id=$1 title=$2 rc t
	shift 2
	echo
	echo "==== [$id] $title"
	if skipped_stage "${id%%-*}"; then
		echo "ok - $title # SKIP CHECK_SKIP" | tee -a "$LOGDIR/$id.log"
		echo "[$id] ok - $title # SKIP CHECK_SKIP" >>"$RESULTS"
		return 0
	fi
	t=$SECONDS
	"$@" </dev/null 2>&1 | tee "$LOGDIR/$id.log"
	rc=${PIPESTATUS[0]}
	collect "$id" "$title" "$rc"
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
	echo "---- [$id] $title: started in the background"
	BG_T0[$id]=$SECONDS
	"$@" </dev/null >"$LOGDIR/$id.log" 2>&1 &
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
	cat "$LOGDIR/$id.log"
	collect "$id" "$title" "$rc"
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

# ------------------------------------------------------------------ host stages
if [ "$(id -u)" -eq 0 ]; then
	stage deps "dependencies (scripts/deps.sh)" bash scripts/deps.sh
else
	stage deps "dependencies (scripts/deps.sh --check, not root)" bash scripts/deps.sh --check
fi

stage cli "build the CLI (make -C userspace)" $MAKE -C userspace
stage clitest "CLI host tests (make -C userspace check)" $MAKE -C userspace check
stage unit "host unit tests (make -C selftests/unit run)" $MAKE -C selftests/unit run
stage fuzz "fuzz run, ${FUZZ_SECONDS}s per target (make -C selftests/fuzz run)" \
	$MAKE -C selftests/fuzz -j2 run FUZZ_SECONDS="$FUZZ_SECONDS"
if [ -f selftests/spec_check.py ]; then
	stage spec "netlink spec check (make spec)" $MAKE spec
else
	stage_skip spec "netlink spec check" "selftests/spec_check.py absent"
fi

mapfile -t KVERS < <(bash scripts/kernels.sh)
if [ ${#KVERS[@]} -lt 2 ]; then
	echo "[kernels] not ok - both Debian kernels (6.1 and 6.12) are needed, found: ${KVERS[*]:-none}" >>"$RESULTS"
	echo "check: both Debian kernels 6.1 and 6.12 are needed (scripts/deps.sh installs them), found: ${KVERS[*]:-none}"
fi

for k in "${KVERS[@]}"; do
	stage "sparse-$k" "sparse, $k (make sparse KVER=$k)" $MAKE sparse KVER="$k"
done
stage checkpatch "checkpatch (make checkpatch)" $MAKE checkpatch
if [ "$(id -u)" -eq 0 ]; then
	stage dkms "DKMS add/build/remove (scripts/dkms-check.sh)" bash scripts/dkms-check.sh
else
	stage_skip dkms "DKMS add/build/remove" "needs root"
fi
# Before the module stages (it builds ./mip6sec.ko for "make install"); the
# VM test router.sh installs the packages it leaves in build/deb/.
stage pkg "packages, man page, completion, make install (scripts/pkg-check.sh)" \
	bash scripts/pkg-check.sh

# ------------------------------------------------------------------ per kernel
build_module() { # build_module KVER
	mkdir -p "build/$1" &&
		rm -f mip6sec.ko "build/$1/mip6sec.ko" &&
		$MAKE module KVER="$1" &&
		cp mip6sec.ko "build/$1/mip6sec.ko" &&
		modinfo -F vermagic "build/$1/mip6sec.ko"
}
# Module builds one after the other (they share ./mip6sec.ko); each VM run
# starts as soon as its module is there. The VMs use one CPU each, so on a
# machine with two or more CPUs they run side by side (CHECK_PARALLEL_VMS=0
# runs them one after the other).
PARALLEL=${CHECK_PARALLEL_VMS:-$([ "$(nproc)" -ge 2 ] && echo 1 || echo 0)}
VM_IDS=()
for k in "${KVERS[@]}"; do
	if stage "module-$k" "module build, $k (make module KVER=$k)" build_module "$k"; then
		# shellcheck disable=SC2086
		set -- selftests/vm/run.sh "$k" "build/$k/mip6sec.ko" ${CHECK_VM_TESTS:-}
		if [ "$PARALLEL" = 1 ]; then
			stage_bg "vm-$k" "VM selftests, $k (selftests/vm/run.sh)" "$@"
			VM_IDS+=("vm-$k")
		else
			stage "vm-$k" "VM selftests, $k (selftests/vm/run.sh)" "$@"
		fi
	else
		stage_skip "vm-$k" "VM selftests, $k" "module did not build"
	fi
done
for id in "${VM_IDS[@]}"; do
	stage_wait "$id"
done
# FIPS mode needs a boot of its own (fips=1): selftests/fips.sh, unless
# CHECK_VM_TESTS names other tests only.
case " ${CHECK_VM_TESTS:-fips} " in
*" fips "*)
	for k in "${KVERS[@]}"; do
		[ -s "build/$k/mip6sec.ko" ] || continue
		stage "vm-fips-$k" "VM selftests in FIPS mode, $k (fips=1)" \
			env VM_APPEND=fips=1 VM_DIR="$ROOT/build/vm/$k-fips" \
			selftests/vm/run.sh "$k" "build/$k/mip6sec.ko" fips
	done
	;;
esac

# README.md's router commands in a VM per kernel, with the packages of the
# pkg stage: no module under test is loaded, DKMS builds it in the VM.
ROUTER_IDS=()
for k in "${KVERS[@]}"; do
	set -- selftests/vm/run.sh "$k" none router
	if [ "$PARALLEL" = 1 ]; then
		stage_bg "router-$k" "README router path and packages, $k (selftests/router.sh)" "$@"
		ROUTER_IDS+=("router-$k")
	else
		stage "router-$k" "README router path and packages, $k (selftests/router.sh)" "$@"
	fi
done
for id in "${ROUTER_IDS[@]}"; do
	stage_wait "$id"
done

# ------------------------------------------------------------------ summary
failed=$(grep -E '^\[[^]]*\] not ok( |$)' "$RESULTS" | grep -viE '# *(skip|todo)' || true)
nskip=$(grep -ciE '^\[[^]]*\] (ok|not ok)( |$).*# *skip' "$RESULTS")
nfail=$(grep -c . <<<"$failed")
[ -n "$failed" ] || nfail=0
ntotal=$(grep -cE '^\[[^]]*\] (ok|not ok)( |$)' "$RESULTS")
npass=$((ntotal - nfail - nskip))

echo
echo "==== summary ($((SECONDS - T0))s, results in ${RESULTS#"$ROOT"/})"
if [ "$nfail" -gt 0 ]; then
	echo "failed:"
	echo "$failed" | sed 's/^/  /'
fi
echo "$npass passed, $nfail failed, $nskip skipped"
[ "$nfail" -eq 0 ]
