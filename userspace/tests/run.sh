#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host tests of the mip6sec CLI that need no kernel module, as TAP.
# usage: tests/run.sh [MIP6SEC [UNIT]]     (VALGRIND=1 runs under valgrind)
#
# With the module absent, commands that get past argument parsing must
# fail with exit status 2 and the "module not loaded" message; if the
# module is loaded those cases are skipped (they would change its state).

BIN=${1:-./mip6sec}
UNIT=${2:-./unit}
KEY=00112233445566778899aabbccddeeff00112233
NOMOD="mip6sec: module not loaded (generic netlink family 'mip6sec' not found)"

WRAP=()
[ -n "$VALGRIND" ] && WRAP=(valgrind -q --leak-check=full --show-leak-kinds=all
			     --errors-for-leak-kinds=all --error-exitcode=99)

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0

result() { # result OK NAME [DIAG...]
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=$((fail + 1))
		shift 2
		printf '#   %s\n' "$@"
	fi
}

skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

# match PATTERN FILE: '' = empty, '*' = anything, '=S' = exactly S,
# '!S' = does not contain S, else contains S.
match() {
	case "$1" in
	'') [ ! -s "$2" ] ;;
	'*') true ;;
	=*) [ "$(cat "$2")" = "${1#=}" ] ;;
	!*) ! grep -qF -- "${1#!}" "$2" ;;
	*) grep -qF -- "$1" "$2" ;;
	esac
}

# tc NAME RC STDOUT STDERR ARGS...   (stdin from $STDIN, default /dev/null)
tc() {
	local name=$1 rc=$2 out=$3 err=$4 got
	shift 4
	"${WRAP[@]}" "$BIN" "$@" <"${STDIN:-/dev/null}" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" = "$rc" ] && match "$out" "$tmp/out" && match "$err" "$tmp/err"; then
		result 0 "$name"
	else
		result 1 "$name" "exit $got (want $rc)" "stdout: $(head -c 300 "$tmp/out")" \
			"stderr: $(head -c 600 "$tmp/err")"
	fi
}

echo "TAP version 13"

# --- unit tests of decoding/printing (numbered here) ---
"${WRAP[@]}" "$UNIT" >"$tmp/unit" 2>"$tmp/unit.err"
urc=$?
while read -r line; do
	case "$line" in
	"ok - "*) result 0 "unit: ${line#ok - }" ;;
	"not ok - "*) result 1 "unit: ${line#not ok - }" ;;
	"#"*) echo "$line" ;;
	esac
done <"$tmp/unit"
[ "$urc" = 0 ] || result 1 "unit: exit status $urc" "$(grep -v '^Error: ' "$tmp/unit.err" | head -20)"

# --- version and help ---
tc "-V"                      0 "mip6sec " ''   -V
tc "--version"               0 "mip6sec " ''   --version
tc "help"                    0 "Usage: mip6sec" '' help
tc "--help"                  0 "Usage: mip6sec" '' --help
tc "kbm help"                0 "mip6sec kbm add HOA" '' kbm help
tc "binding help"            0 "mip6sec binding flush" '' binding help
tc "stats help"              0 "mip6sec stats reset" '' stats help
tc "monitor help"            0 "mip6sec monitor" '' monitor help
tc "no arguments"            1 '' "Usage: mip6sec" 
tc "unknown object"          1 '' 'Error: unknown object "frob"' frob
tc "unknown object usage"    1 '' "OBJECT := { kbm | binding | stats | monitor }" frob
tc "unknown command"         1 '' 'Error: unknown command "frob" for kbm' kbm frob
tc "unknown option"          1 '' 'Error: unknown option "-x"' -x kbm show
tc "help takes no args"      1 '' "Error:" help me

# --- kbm add argument errors (exit 1, nothing sent) ---
tc "short key"      1 '' "=Error: a Kbm is 20 octets (40 hex digits), got 4" kbm add 2001:db8::1 key 0011
tc "long key"       1 '' "=Error: a Kbm is 20 octets (40 hex digits), got 42" kbm add 2001:db8::1 key "${KEY}44"
tc "odd key"        1 '' "=Error: a Kbm is 20 octets (40 hex digits), got 39" kbm add 2001:db8::1 key "0x${KEY:1}"
tc "long key not echoed" 1 '' "!$KEY" kbm add 2001:db8::1 key "${KEY}44"
tc "non-hex key"    1 '' "Error: the key contains a character that is not a hex digit" kbm add 2001:db8::1 key "${KEY:1}x"
tc "non-hex key not echoed" 1 '' "!${KEY:1}" kbm add 2001:db8::1 key "${KEY:1}x"
tc "bad hoa"        1 '' '=Error: invalid IPv6 address "2001:db8::zz" for hoa' kbm add 2001:db8::zz key $KEY
tc "IPv4 hoa"       1 '' '=Error: invalid IPv6 address "192.0.2.1" for hoa' kbm add 192.0.2.1 key $KEY
tc "bad cn"         1 '' '=Error: invalid IPv6 address "nope" for cn' kbm add 2001:db8::1 key $KEY cn nope
tc "no key"         1 '' "needs key HEX or key-file FILE" kbm add 2001:db8::1
tc "no key, cn"     1 '' "needs key HEX or key-file FILE" kbm add 2001:db8::1 cn 2001:db8::2
tc "no hoa"         1 '' "needs a home address" kbm add
tc "key and key-file" 1 '' "only one of key and key-file" kbm add 2001:db8::1 key $KEY key-file /dev/null
tc "dangling key"   1 '' '"key" needs an argument' kbm add 2001:db8::1 key
tc "duplicate cn"   1 '' 'duplicate "cn"' kbm add 2001:db8::1 key $KEY cn ::1 cn ::2
tc "unknown arg"    1 '' 'unknown argument "spi"' kbm add 2001:db8::1 key $KEY spi 1
tc "missing key-file" 1 '' "cannot open key-file \"$tmp/none\"" kbm add 2001:db8::1 key-file "$tmp/none"
tc "key-file is a directory" 1 '' "cannot read key-file" kbm add 2001:db8::1 key-file "$tmp"
head -c 5000 /dev/zero | tr '\0' 'a' >"$tmp/big"
tc "key-file too large" 1 '' "is too large" kbm add 2001:db8::1 key-file "$tmp/big"
printf '%s\n' "${KEY:0:30}" >"$tmp/short"
tc "short key-file" 1 '' "=Error: a Kbm is 20 octets (40 hex digits), got 30" kbm add 2001:db8::1 key-file "$tmp/short"
STDIN=$tmp/short tc "short key on stdin" 1 '' "got 30" kbm add 2001:db8::1 key-file -
STDIN=/dev/null tc "empty stdin" 1 '' "got 0" kbm add 2001:db8::1 key-file -

# --- other argument errors ---
tc "kbm del no hoa"       1 '' "needs exactly one home address" kbm del
tc "kbm del two"          1 '' "needs exactly one home address" kbm del ::1 ::2
tc "kbm del bad hoa"      1 '' 'invalid IPv6 address "x" for hoa' kbm del x
tc "kbm show bad hoa"     1 '' 'invalid IPv6 address "x" for hoa' kbm show x
tc "kbm show two"         1 '' "at most one" kbm show ::1 ::2
tc "binding del no hoa"   1 '' "needs exactly one home address" binding del
tc "binding show bad hoa" 1 '' 'invalid IPv6 address "x" for hoa' binding show x
tc "binding flush arg"    1 '' "takes no arguments" binding flush all
tc "stats bad command"    1 '' 'unknown command "frob" for stats' stats frob
tc "stats reset arg"      1 '' "takes no arguments" stats reset now
tc "monitor arg"          1 '' "monitor takes no arguments" monitor all

# --- past parsing: needs the module ---
if "$BIN" stats >/dev/null 2>&1; then
	for c in "kbm add" "kbm show" "binding" "stats" "monitor" "abbreviations"; do
		skip "$c without module" "module is loaded"
	done
else
	printf '  0x%s\n%s\n' "${KEY:0:20}" "${KEY:20}" >"$tmp/key"
	tc "kbm add key"            2 '' "=$NOMOD" kbm add 2001:db8::1 key $KEY
	tc "kbm add 0x key + cn"    2 '' "=$NOMOD" kbm add 2001:db8::1 key 0x$KEY cn 2001:db8::2
	tc "kbm add cn first"       2 '' "=$NOMOD" kbm add 2001:db8::1 cn 2001:db8::2 key $KEY
	tc "kbm add key-file"       2 '' "=$NOMOD" kbm add 2001:db8::1 key-file "$tmp/key"
	STDIN=$tmp/key tc "kbm add key-file -" 2 '' "=$NOMOD" kbm add 2001:db8::1 key-file -
	tc "kbm show"               2 '' "=$NOMOD" kbm show
	tc "kbm show HOA"           2 '' "=$NOMOD" kbm show 2001:db8::1
	tc "kbm (default show)"     2 '' "=$NOMOD" kbm
	tc "-j kbm show"            2 '' "=$NOMOD" -j kbm show
	tc "-j -p kbm list"         2 '' "=$NOMOD" -j -p kbm list
	tc "--json --pretty kbm"    2 '' "=$NOMOD" --json --pretty kbm
	tc "kbm del"                2 '' "=$NOMOD" kbm del 2001:db8::1
	tc "binding show"           2 '' "=$NOMOD" binding show
	tc "binding show HOA"       2 '' "=$NOMOD" binding show 2001:db8::1
	tc "binding del"            2 '' "=$NOMOD" binding del 2001:db8::1
	tc "binding flush"          2 '' "=$NOMOD" binding flush
	tc "stats"                  2 '' "=$NOMOD" stats
	tc "-j stats"               2 '' "=$NOMOD" -j stats
	tc "stats reset"            2 '' "=$NOMOD" stats reset
	tc "monitor"                2 '' "=$NOMOD" monitor
	tc "-j monitor"             2 '' "=$NOMOD" -j monitor
	tc "abbreviation k l"       2 '' "=$NOMOD" k l
	tc "abbreviation b fl"      2 '' "=$NOMOD" b fl
	tc "abbreviation st r"      2 '' "=$NOMOD" st r
fi

echo "1..$n"
echo "# $((n - fail)) passed, $fail failed"
[ "$fail" = 0 ]
