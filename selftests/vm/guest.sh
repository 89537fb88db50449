#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest-side test driver, run by the initramfs /init inside the chroot (the
# host root under a tmpfs overlay). Parameters arrive in the environment:
#   m6root   project tree (same path as on the host)
#   m6ko     mip6sec.ko to test, or "none"
#   m6cli    the CLI binary
#   m6tests  comma-separated test names (selftests/NAME.sh, or "true")
#   m6env    a file of variables for the tests (run.sh writes it: M6_OUT,
#            M6_DEBUG, TEST_TIMEOUT, STRESS_*), exported to them
#
# Output: a flat TAP 13 stream on /dev/ttyS1 (the host keeps it in a file),
# one line per subtest, renumbered and prefixed with the script name. Test
# output itself goes to the console. Exit status 0 = every test passed.
#
# Between tests the module is reloaded; after every test the kernel log is
# checked for BUG/WARNING/Oops/KASAN/leak/refcount lines and charged to that
# test, the module must unload at the end, and the log is checked again.
# With M6_DEBUG=1 (a debug kernel, run.sh VM_DEBUG=1) each test is also
# charged with a new taint or lockdep switching itself off, the boot gets a
# result of its own, and the run ends with kmemleak: two scans with the module
# loaded, two after rmmod.
set -u

ROOT=${m6root:?}
KO=${m6ko:-none}
CLI=${m6cli:-$ROOT/userspace/mip6sec}
IFS=, read -r -a TESTS <<<"${m6tests:-true}"
if [ -n "${m6env:-}" ] && [ -r "$m6env" ]; then
	set -a
	# shellcheck disable=SC1090
	. "$m6env"
	set +a
fi
M6_DEBUG=${M6_DEBUG:-0}
TEST_TIMEOUT=${TEST_TIMEOUT:-600}

if [ -c /dev/ttyS1 ] && exec 3>/dev/ttyS1; then
	:
else
	exec 3>&1
fi

n=0
failed=0
tap() {
	echo "$*" >&3
	echo "TAP: $*"
}
result() { # result 0|1|skip NAME [REASON]
	n=$((n + 1))
	case $1 in
	0) tap "ok $n $2" ;;
	skip) tap "ok $n $2 # SKIP ${3:-}" ;;
	*)
		tap "not ok $n $2${3:+ # $3}"
		failed=$((failed + 1))
		;;
	esac
}

tap "TAP version 13"
echo "guest: kernel $(uname -r), tests: ${TESTS[*]}, module: $KO"

# Lines of dmesg that indicate a kernel problem: every report of KASAN,
# UBSAN, lockdep (its reports start with WARNING), the RCU checks, kmemleak,
# debugobjects, list debugging, refcount and reference trackers. The
# out-of-tree taint and unsigned-module notices are expected.
BAD_RE='BUG|WARNING|Oops|KASAN|UBSAN|[Ll]eak|refcount|ref_tracker|Call Trace|general protection|kernel panic|list_(add|del) corruption|stack-protector|rcu.*stall|hung_task|blocked for more than|double free|use-after-free|slab-out-of-bounds|ODEBUG|unreferenced object|suspicious RCU usage|sleeping function called|scheduling while atomic|possible (circular|recursive) locking|inconsistent lock state|lock held when returning'
OK_RE='taints kernel|rcu:[[:space:]]+RCU callback double-/use-after-free debug is enabled|module verification failed|kmemleak: Kernel memory leak detector initialized|ODEBUG: selftest passed|ODEBUG: [0-9]+ of [0-9]+ active objects replaced'
# Taint bits that are expected: O (out-of-tree module), E (unsigned module).
TAINT_OK=$(((1 << 12) | (1 << 13)))
taint_base=$(($(cat /proc/sys/kernel/tainted) & ~TAINT_OK))
lockdep_on() { grep -qE '^ *debug_locks: +1$' /proc/lockdep_stats 2>/dev/null; }
lockdep_was_on=0
lockdep_on && lockdep_was_on=1
# The log is read and cleared at each check (dmesg -c): a wrapped ring
# buffer cannot hide a report, and each report is seen once. The console log
# on the host keeps everything.
dmesg_check() { # dmesg_check NAME: kernel reports since the last check
	local new bad t
	new=$(dmesg -c)
	bad=$(grep -E "$BAD_RE" <<<"$new" | grep -vE "$OK_RE" || true)
	t=$(($(cat /proc/sys/kernel/tainted) & ~TAINT_OK))
	if [ "$t" != "$taint_base" ]; then
		bad+="${bad:+$'\n'}kernel taint changed from $taint_base to $t"
		taint_base=$t
	fi
	if [ "$lockdep_was_on" = 1 ] && ! lockdep_on; then
		bad+="${bad:+$'\n'}lockdep turned itself off (debug_locks 0): a lock report or lockdep ran out of room"
		lockdep_was_on=0
	fi
	if [ -n "$bad" ]; then
		echo "guest: suspicious dmesg lines:"
		echo "$bad" | sed 's/^/  /'
		result 1 "$1" "$(head -n1 <<<"$bad" | cut -c1-120)"
	else
		result 0 "$1"
	fi
}

KMEMLEAK=/sys/kernel/debug/kmemleak
kmemleak_on() { [ "$M6_DEBUG" = 1 ] && [ -w "$KMEMLEAK" ]; }
# kmemleak_check NAME: two scans (an object is reported once it has stayed
# unreferenced through a scan and is older than 5 s), then every object
# kmemleak holds for leaked since the last clear.
kmemleak_check() {
	local rep
	sleep 5
	echo scan >"$KMEMLEAK"
	sleep 5
	echo scan >"$KMEMLEAK"
	rep=$(cat "$KMEMLEAK")
	echo clear >"$KMEMLEAK"
	if [ -n "$rep" ]; then
		echo "guest: kmemleak ($1):"
		echo "$rep" | head -n 200 | sed 's/^/  /'
		result 1 "$1" "$(grep -c '^unreferenced object' <<<"$rep") unreferenced objects, first: $(grep -m1 -A12 '^unreferenced object' <<<"$rep" | grep -m1 -E '\[mip6sec\]|^ +\[<' | sed 's/^ *//' | cut -c1-100)"
	else
		result 0 "$1"
	fi
}

mod_loaded() { [ -d /sys/module/mip6sec ]; }
mod_insmod() { # insmod does not resolve dependencies: modprobe them first
	local d
	for d in $(modinfo -F depends "$KO" 2>/dev/null | tr , ' '); do
		modprobe "$d" || return 1
	done
	insmod "$KO"
}
mod_load() {
	if mod_loaded; then
		rmmod mip6sec || return 1
	fi
	mod_insmod
}

# Modules the tests rely on; preloading them keeps their load messages out of
# the per-test dmesg checks and makes a missing one obvious.
for m in veth xfrm_user esp6 ip6_tunnel; do
	modprobe -q "$m" 2>/dev/null || echo "guest: modprobe $m failed"
done

if [ "$M6_DEBUG" = 1 ]; then
	echo "guest: debug kernel: lockdep $(lockdep_on && echo on || echo off), kmemleak $([ -w "$KMEMLEAK" ] && echo on || echo off), taint $(cat /proc/sys/kernel/tainted)"
	# What the kernel reported while booting is the kernel's, not the module's.
	dmesg_check "vm: debug kernel booted without reports"
	# kmemleak reports only what was allocated from here on.
	kmemleak_on && echo clear >"$KMEMLEAK"
fi

if [ "$KO" != none ]; then
	if out=$(mod_load 2>&1); then
		result 0 "vm: insmod $(basename "$KO")"
	else
		result 1 "vm: insmod $(basename "$KO")" "$out"
		KO=none
	fi
fi

export MIP6SEC_KO=$KO MIP6SEC_CLI=$CLI
export PYTHONDONTWRITEBYTECODE=1

run_script() { # run_script NAME
	local t=$1 script out rc line st name plan got=0 bad=0 tmo
	script=$ROOT/selftests/$t.sh
	[ "$t" = true ] && script=true
	case "$t" in *.sh) script=$ROOT/selftests/$t; t=${t%.sh} ;; esac
	if [ "$script" != true ] && [ ! -f "$script" ]; then
		result 1 "$t" "no such test $script"
		return
	fi
	if [ "$script" = true ]; then
		result 0 "true: harness boots and reports"
		return
	fi
	if [ "$KO" != none ] && ! mod_loaded; then
		if ! out=$(mod_insmod 2>&1); then
			result 1 "$t: insmod before test" "$out"
			return
		fi
	fi
	out=/tmp/m6test.$t.out
	# A test may ask for more time: "# selftest-timeout: SECONDS".
	tmo=$(sed -n 's/^# selftest-timeout: \([0-9]\{1,5\}\)\b.*/\1/p' "$script" | head -n 1)
	tmo=${tmo:-$TEST_TIMEOUT}
	echo "guest: ---- $t start $(cut -d' ' -f1 /proc/uptime)s"
	(cd "$ROOT" && timeout -k 5 "$tmo" bash "$script") 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	echo "guest: ---- $t exit $rc at $(cut -d' ' -f1 /proc/uptime)s"
	plan=$(grep -m1 -E '^1\.\.[0-9]+' "$out" | cut -c4- || true)
	while IFS= read -r line; do
		if [[ $line =~ ^(not\ ok|ok)[\ ]+[0-9]+[\ ]*(-[\ ]*)?(.*)$ ]]; then
			st=${BASH_REMATCH[1]}
			name=${BASH_REMATCH[3]}
			got=$((got + 1))
			n=$((n + 1))
			if [ "$st" = ok ]; then
				tap "ok $n $t: $name"
			elif [[ $name =~ \#\ *TODO ]]; then
				# known to fail, says so: reported, not a failure (TAP 13)
				tap "not ok $n $t: $name"
			else
				tap "not ok $n $t: $name"
				failed=$((failed + 1))
				bad=$((bad + 1))
			fi
		fi
	done <"$out"
	if [ "$rc" -eq 4 ] && [ "$got" -eq 0 ]; then
		result skip "$t" "$(grep -m1 -i 'skip' "$out" | sed 's/.*SKIP *//' | cut -c1-100)"
	elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		result 1 "$t: timed out after ${tmo}s"
	elif [ -n "$plan" ] && [ "$got" -lt "$plan" ]; then
		result 1 "$t: only $got of $plan planned results (exit $rc)"
	elif [ "$rc" -ne 0 ] && [ "$rc" -ne 4 ] && [ "$bad" -eq 0 ]; then
		result 1 "$t: exited with status $rc"
	elif [ "$got" -eq 0 ] && [ "$rc" -eq 0 ]; then
		result 1 "$t: printed no results"
	fi
	dmesg_check "$t: dmesg clean after the test"
}

for t in "${TESTS[@]}"; do
	run_script "$t"
done

if [ "$KO" != none ] && kmemleak_on; then
	mod_loaded || mod_insmod >/dev/null 2>&1
	kmemleak_check "vm: kmemleak after the tests, module loaded"
fi
if [ "$KO" != none ]; then
	if mod_loaded; then
		if out=$(rmmod mip6sec 2>&1); then
			result 0 "vm: rmmod mip6sec"
		else
			result 1 "vm: rmmod mip6sec" "$out"
		fi
	else
		# A test left it unloaded; load and unload once more.
		if out=$(mod_insmod 2>&1 && rmmod mip6sec 2>&1); then
			result 0 "vm: rmmod mip6sec"
		else
			result 1 "vm: rmmod mip6sec" "$out"
		fi
	fi
	dmesg_check "vm: dmesg clean after rmmod"
	if kmemleak_on; then
		kmemleak_check "vm: kmemleak after rmmod"
		dmesg_check "vm: dmesg clean after kmemleak"
	fi
fi

echo "guest: dmesg since the last check:"
dmesg | tail -n 40 | sed 's/^/  /'
tap "1..$n"
echo "guest: $n results, $failed failed"
exec 3>&- # closing the UART waits until the TAP stream has left
[ "$failed" -eq 0 ]
