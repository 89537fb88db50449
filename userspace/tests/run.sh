#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host tests of the mip6sec CLI that need no kernel module, as TAP.
# usage: tests/run.sh [MIP6SEC [UNIT [KDF_UNIT]]]  (VALGRIND=1: under valgrind)
#
# With the module absent, commands that get past argument parsing must
# fail with exit status 2 and the "module not loaded" message; if the
# module is loaded those cases are skipped (they would change its state).

BIN=${1:-./mip6sec}
UNIT=${2:-./unit}
KDF_UNIT=${3:-./kdf_unit}
HERE=$(dirname "$0")
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

# --- unit tests of decoding/printing and of the KDF (numbered here) ---
unit() { # unit PREFIX BINARY
	local urc line
	"${WRAP[@]}" "$2" >"$tmp/unit" 2>"$tmp/unit.err"
	urc=$?
	while read -r line; do
		case "$line" in
		"ok - "*) result 0 "$1: ${line#ok - }" ;;
		"not ok - "*) result 1 "$1: ${line#not ok - }" ;;
		"#"*) echo "$line" ;;
		esac
	done <"$tmp/unit"
	[ "$urc" = 0 ] || result 1 "$1: exit status $urc" "$(grep -v '^Error: ' "$tmp/unit.err" | head -20)"
}
unit unit "$UNIT"
unit kdf "$KDF_UNIT"

# --- version and help ---
tc "-V"                      0 "mip6sec " ''   -V
tc "--version"               0 "mip6sec " ''   --version
tc "help"                    0 "Usage: mip6sec" '' help
tc "--help"                  0 "Usage: mip6sec" '' --help
tc "kbm help"                0 "mip6sec kbm add HOA" '' kbm help
tc "binding help"            0 "mip6sec binding flush" '' binding help
tc "stats help"              0 "mip6sec stats reset" '' stats help
tc "monitor help"            0 "mip6sec monitor" '' monitor help
tc "derive help"             0 "mip6sec derive fbu msk KEY par ADDR" '' derive help
tc "help lists derive"       0 "mip6sec derive usrk emsk KEY" '' help
tc "no arguments"            1 '' "Usage: mip6sec" 
tc "unknown object"          1 '' 'Error: unknown object "frob"' frob
tc "unknown object usage"    1 '' "OBJECT := { kbm | binding | stats | monitor | derive }" frob
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

# --- derive: vectors computed at test time in Python (hmac/hashlib) ---
if command -v python3 >/dev/null; then
	python3 "$HERE/derive_vectors.py" "$tmp" >"$tmp/vectors" 2>"$tmp/vectors.err"
	result $? "derive: Python vectors generated" "$(head -5 "$tmp/vectors.err")"
	while IFS='|' read -r name in want args; do
		# shellcheck disable=SC2086 # ARGS are space-separated on purpose
		STDIN=$in tc "derive: $name" 0 "=$want" '' $args
	done <"$tmp/vectors"
else
	skip "derive: Python vectors" "no python3"
fi

# --- derive argument errors: exit 1, a message, nothing on stdout ---
EMSK=$(printf '%064d' 0)$(printf '%064d' 1)
USRK=00112233445566778899aabbccddeeff
SID=0d0102
HA=2001:db8::1
dtc() { # dtc NAME STDERR ARGS...: a derive usage error
	local name=$1 err=$2
	shift 2
	tc "derive error: $name" 1 '' "$err" derive "$@"
}
dtc "no use"             "derive needs a key use" 
dtc "unknown use"        'unknown key use "frob"' frob emsk $EMSK
dtc "no root key"        "derive mn-ha needs a root key" mn-ha
dtc "unknown root key"   'unknown root key "pmk"' usrk pmk $EMSK
dtc "root key w/o value" '"emsk" needs a key in hex' usrk emsk
dtc "usrk from msk"      "cannot derive usrk from msk (needs emsk)" usrk msk $EMSK session-id $SID
dtc "usrk from usrk"     "cannot derive usrk from usrk (needs emsk)" usrk usrk $USRK session-id $SID
dtc "fbu from emsk"      "cannot derive fbu from emsk (needs msk)" fbu emsk $EMSK par $HA
dtc "fbu from usrk"      "cannot derive fbu from usrk (needs msk)" fbu usrk $USRK par $HA
dtc "mn-ha from msk"     "cannot derive mn-ha from msk (needs emsk or usrk)" mn-ha msk $EMSK ha $HA
dtc "mn-ha without ha"   "derive mn-ha needs ha ADDR" mn-ha usrk $USRK
dtc "ikev2 without ha"   "derive ikev2 needs ha ADDR" ikev2 emsk $EMSK session-id $SID
dtc "usrk w/o session-id" "derive usrk from emsk needs session-id HEX" usrk emsk $EMSK
dtc "ikev2 emsk w/o session-id" "derive ikev2 from emsk needs session-id" ikev2 emsk $EMSK ha $HA
dtc "mn-aaa emsk w/o session-id" "derive mn-aaa from emsk needs session-id" mn-aaa emsk $EMSK
dtc "fbu without par"    "derive fbu needs par ADDR" fbu msk $EMSK
dtc "ha for usrk"        "usrk takes no ha address" usrk emsk $EMSK session-id $SID ha $HA
dtc "ha for mn-aaa"      "mn-aaa takes no ha address" mn-aaa usrk $USRK ha $HA
dtc "ha for fbu"         "fbu takes no ha address" fbu msk $EMSK par $HA ha $HA
dtc "par for ikev2"      "ikev2 takes no par address" ikev2 usrk $USRK ha $HA par $HA
dtc "session-id for fbu" "fbu takes no session-id" fbu msk $EMSK par $HA session-id $SID
dtc "len 0"              'invalid len "0"' usrk emsk $EMSK session-id $SID len 0
dtc "len 8161"           'invalid len "8161"' usrk emsk $EMSK session-id $SID len 8161
dtc "len -1"             'invalid len "-1"' ikev2 usrk $USRK ha $HA len -1
dtc "len +16"            'invalid len "+16"' ikev2 usrk $USRK ha $HA len +16
dtc "len 16x"            'invalid len "16x"' ikev2 usrk $USRK ha $HA len 16x
dtc "len for mn-ha"      "mn-ha keys are 16 octets: len is for usrk and ikev2 only" mn-ha usrk $USRK ha $HA len 32
dtc "len for mn-aaa"     "mn-aaa keys are 16 octets" mn-aaa usrk $USRK len 32
dtc "len for fbu"        "fbu keys are 20 octets" fbu msk $EMSK par $HA len 32
dtc "bad hex emsk"       "=Error: the emsk contains a character that is not a hex digit" usrk emsk "${EMSK:1}g" session-id $SID
dtc "bad hex not echoed" "!${EMSK:1:60}" usrk emsk "${EMSK:1}g" session-id $SID
dtc "odd hex emsk"       "=Error: the emsk has an odd number of hex digits (127)" usrk emsk "${EMSK:1}" session-id $SID
dtc "short emsk"         "=Error: an emsk is 64 octets (128 hex digits), got 32 octets" usrk emsk "${EMSK:0:64}" session-id $SID
dtc "long emsk"          "an emsk is 64 octets (128 hex digits), got 65 octets" usrk emsk "${EMSK}00" session-id $SID
dtc "long emsk not echoed" "!${EMSK:0:60}" usrk emsk "${EMSK}00" session-id $SID
dtc "short msk"          "an msk is 64 octets (128 hex digits), got 16 octets" fbu msk $USRK par $HA
dtc "short usrk"         "=Error: a usrk is 16 to 8160 octets, got 15" mn-aaa usrk "${USRK:2}"
dtc "empty usrk"         "a usrk is 16 to 8160 octets, got 0" mn-aaa usrk ""
dtc "bad hex usrk"       "the usrk contains a character that is not a hex digit" mn-aaa usrk "${USRK}zz"
dtc "bad hex session-id" "the session-id contains a character that is not a hex digit" usrk emsk $EMSK session-id 0x0g
dtc "odd session-id"     "the session-id has an odd number of hex digits (3)" usrk emsk $EMSK session-id 0d0
dtc "empty session-id"   "the session-id is empty" usrk emsk $EMSK session-id ""
dtc "bad ha"             '=Error: invalid IPv6 address "2001:db8::zz" for ha' mn-ha usrk $USRK ha 2001:db8::zz
dtc "IPv4 ha"            'invalid IPv6 address "192.0.2.1" for ha' ikev2 usrk $USRK ha 192.0.2.1
dtc "bad par"            'invalid IPv6 address "par1" for par' fbu msk $EMSK par par1
dtc "duplicate ha"       'duplicate "ha"' mn-ha usrk $USRK ha $HA ha $HA
dtc "duplicate session-id" 'duplicate "session-id"' usrk emsk $EMSK session-id $SID session-id $SID
dtc "duplicate len"      'duplicate "len"' usrk emsk $EMSK session-id $SID len 16 len 16
dtc "unknown argument"   'unknown argument "hoa"' mn-ha usrk $USRK hoa $HA
dtc "dangling ha"        '"ha" needs an argument' mn-ha usrk $USRK ha
dtc "dangling len"       '"len" needs an argument' usrk emsk $EMSK session-id $SID len
dtc "help with args"     "derive help takes no arguments" help me
printf '%s\n' "${EMSK:0:100}" >"$tmp/short.hex"
STDIN=$tmp/short.hex dtc "short emsk on stdin" "an emsk is 64 octets (128 hex digits), got 50 octets" usrk emsk - session-id $SID
STDIN=/dev/null dtc "empty stdin" "an emsk is 64 octets (128 hex digits), got 0 octets" usrk emsk - session-id $SID
printf '%s\n%s\n' "${EMSK:0:64}" "${EMSK:64:63}x" >"$tmp/bad.hex"
STDIN=$tmp/bad.hex dtc "bad hex on stdin" "the emsk contains a character that is not a hex digit" usrk emsk - session-id $SID
STDIN=$tmp/bad.hex dtc "stdin hex not echoed" "!${EMSK:0:64}" usrk emsk - session-id $SID
head -c 40000 /dev/zero | tr '\0' '0' >"$tmp/huge.hex"
STDIN=$tmp/huge.hex dtc "stdin too large" "the usrk on standard input is too large" mn-aaa usrk -
tc "derive error: -j, nothing on stdout" 1 '' "derive mn-ha needs ha ADDR" -j derive mn-ha usrk $USRK

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
