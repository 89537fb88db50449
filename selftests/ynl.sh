#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The mip6sec family through the kernel's own YNL library: every operation,
# bad input and events (selftests/ynl_test.py), as root and unprivileged,
# and the kernel's cli.py as an operator would use it (the example of
# Documentation/mip6sec.rst). The YNL library, kselftest's ktap_helpers.sh
# and selftests/net/lib.sh come from linux-source-6.12 (selftests/ksrc.sh).
# Needs the module loaded (MIP6SEC_KO) and root; KTAP on stdout.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
CLI=${MIP6SEC_CLI:-$ROOT/userspace/mip6sec}
SPEC=$ROOT/Documentation/netlink/specs/mip6sec.yaml

KSRC=$(bash "$HERE/ksrc.sh")
rc=$?
if [ $rc -ne 0 ]; then
	echo "TAP version 13"
	echo "1..0 # SKIP linux-source-6.12 not installed"
	exit 4
fi
# shellcheck source=/dev/null
. "$KSRC/tools/testing/selftests/kselftest/ktap_helpers.sh"
# shellcheck source=/dev/null
. "$KSRC/tools/testing/selftests/net/lib.sh"

ktap_print_header
if [ "$(id -u)" -ne 0 ] || [ ! -d /sys/module/mip6sec ]; then
	ktap_skip_all "needs root and the mip6sec module loaded"
	exit "$KSFT_SKIP"
fi
trap cleanup_all_ns EXIT
NS=
setup_ns NS || ktap_exit_fail_msg "setup_ns failed"

SCHEMA=$KSRC/Documentation/netlink/genetlink.yaml
python3 -c 'import jsonschema' 2>/dev/null || SCHEMA=

# run_py NAME CMD...: PASS/FAIL/SKIP lines of ynl_test.py as KTAP results
run_py() {
	local prefix=$1 line out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	while IFS= read -r line; do
		case $line in
		"PASS "*) ktap_test_pass "$prefix${line#PASS }" ;;
		"FAIL "*) ktap_test_fail "$prefix${line#FAIL }" ;;
		"SKIP "*) ktap_test_skip "$prefix${line#SKIP }" ;;
		*) ktap_print_msg "$line" ;;
		esac
	done <<<"$out"
	if [ $rc -ne 0 ] && ! grep -q '^FAIL ' <<<"$out"; then
		ktap_test_fail "${prefix}ynl_test.py exited with $rc"
	fi
}

run_py "" ip netns exec "$NS" python3 "$HERE/ynl_test.py" --ynl "$KSRC/tools/net/ynl" \
	--spec "$SPEC" --schema "$SCHEMA" --cli "$CLI"
run_py "" ip netns exec "$NS" setpriv --reuid=65534 --regid=65534 --clear-groups \
	--inh-caps=-all --bounding-set=-all \
	python3 "$HERE/ynl_test.py" --ynl "$KSRC/tools/net/ynl" --spec "$SPEC" --unpriv

# The documented cli.py example, as written in Documentation/mip6sec.rst.
res() { # res NAME STATUS [DETAIL]
	if [ "$2" -eq 0 ]; then ktap_test_pass "$1"; else ktap_test_fail "$1"; ktap_print_msg "${3:-}"; fi
}
YNLCLI=("$KSRC/tools/net/ynl/cli.py" --no-schema --spec "$SPEC")
out=$(ip netns exec "$NS" "${YNLCLI[@]}" --do kbm-add \
	--json '{"hoa": "20010db8000000000000000000000010", "key": "00112233445566778899aabbccddeeff00112233"}' 2>&1)
res "cli.py --do kbm-add (the documented example)" $? "$out"
out=$(ip netns exec "$NS" "${YNLCLI[@]}" --dump kbm-get 2>&1)
grep -q "'hoa': '2001:db8::10'" <<<"$out"
res "cli.py --dump kbm-get shows it" $? "$out"
out=$(ip netns exec "$NS" "${YNLCLI[@]}" --dump binding-get 2>&1)
[ "$out" = "[]" ]
res "cli.py --dump binding-get: no binding" $? "$out"
out=$(ip netns exec "$NS" "$CLI" -j kbm show 2>&1)
grep -q '"hoa":"2001:db8::10"' <<<"$out"
res "mip6sec kbm show sees the key cli.py added" $? "$out"

ktap_set_plan $((KTAP_TESTNO - 1))
ktap_finished
