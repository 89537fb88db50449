#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest-side test driver, run by the initramfs /init inside the chroot (the
# host root under a tmpfs overlay). Parameters arrive in the environment:
#   m6root   project tree (same path as on the host)
#   m6ko     mip6sec.ko to test, or "none"
#   m6cli    the CLI binary
#   m6tests  comma-separated test names (selftests/NAME.sh, or "true")
#
# Output: a flat TAP 13 stream on /dev/ttyS1 (the host keeps it in a file),
# one line per subtest, renumbered and prefixed with the script name. Test
# output itself goes to the console. Exit status 0 = every test passed.
#
# Between tests the module is reloaded; at the end dmesg is checked for
# BUG/WARNING/Oops/KASAN/leak/refcount lines, the module must unload, and
# dmesg is checked again.
set -u

ROOT=${m6root:?}
KO=${m6ko:-none}
CLI=${m6cli:-$ROOT/userspace/mip6sec}
IFS=, read -r -a TESTS <<<"${m6tests:-true}"
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

# Lines of dmesg that indicate a kernel problem; the out-of-tree taint and
# unsigned-module notices are expected.
BAD_RE='BUG|WARNING|Oops|KASAN|UBSAN|[Ll]eak|refcount|Call Trace|general protection|kernel panic|list_(add|del) corruption|stack-protector|rcu.*stall|hung_task|blocked for more than|double free|use-after-free|slab-out-of-bounds'
OK_RE='taints kernel|module verification failed'
dmesg_base=$(dmesg | wc -l)
dmesg_check() { # dmesg_check NAME: new dmesg lines since the last check
	local new bad
	new=$(dmesg | tail -n +$((dmesg_base + 1)))
	dmesg_base=$(dmesg | wc -l)
	bad=$(grep -E "$BAD_RE" <<<"$new" | grep -vE "$OK_RE" || true)
	if [ -n "$bad" ]; then
		echo "guest: suspicious dmesg lines:"
		echo "$bad" | sed 's/^/  /'
		result 1 "$1" "$(head -n1 <<<"$bad" | cut -c1-120)"
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
fi

echo "guest: dmesg tail:"
dmesg | tail -n 40 | sed 's/^/  /'
tap "1..$n"
echo "guest: $n results, $failed failed"
exec 3>&- # closing the UART waits until the TAP stream has left
[ "$failed" -eq 0 ]
