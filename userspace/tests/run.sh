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

umask 077  # key files of the tests are private, as they should be
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

# tc NAME RC STDOUT STDERR ARGS...   (stdin from $STDIN, default /dev/null;
# the binary is $TC_BIN, default the CLI)
tc() {
	local name=$1 rc=$2 out=$3 err=$4 got
	shift 4
	"${WRAP[@]}" "${TC_BIN:-$BIN}" "$@" <"${STDIN:-/dev/null}" >"$tmp/out" 2>"$tmp/err"
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
TZ=UTC unit unit "$UNIT"
unit kdf "$KDF_UNIT"

# --- version and help ---
VER=$(sed -n 's/^#define MIP6SEC_VERSION[[:space:]]*"\(.*\)"$/\1/p' "$HERE/../../kernel/version.h")
tc "-V"                      0 "mip6sec " ''   -V
tc "-V is the version of kernel/version.h ($VER)" 0 "mip6sec $VER" '' -V
tc "--version"               0 "mip6sec " ''   --version
tc "help"                    0 "Usage: mip6sec" '' help
tc "--help"                  0 "Usage: mip6sec" '' --help
tc "kbm help"                0 "mip6sec kbm add HOA" '' kbm help
tc "sa help"                 0 "mip6sec sa add nai NAI spi SPI use { mn-ha | mn-aaa | fbu } KEY" '' sa help
tc "help lists sa"           0 "mip6sec sa del nai NAI [ spi SPI ]" '' help
tc "binding help"            0 "mip6sec binding flush" '' binding help
tc "stats help"              0 "mip6sec stats reset" '' stats help
tc "monitor help"            0 "mip6sec monitor" '' monitor help
tc "rr help"                 0 "mip6sec rr [ show ]" '' rr help
tc "rr show takes no args"   1 '' "Error: rr show takes no arguments" rr show 2001:db8::1
tc "derive help"             0 "mip6sec derive fbu msk KEY par ADDR" '' derive help
tc "help lists derive"       0 "mip6sec derive usrk emsk KEY" '' help
tc "no arguments"            1 '' "Usage: mip6sec" 
tc "unknown object"          1 '' 'Error: unknown object "frob"' frob
tc "unknown object usage"    1 '' "OBJECT := { kbm | sa | binding | rr | stats | monitor | derive }" frob
tc "unknown command"         1 '' 'Error: unknown command "frob" for kbm' kbm frob
tc "unknown option"          1 '' 'Error: unknown option "-x"' -x kbm show
# -n NETNS (ip -n): a missing namespace is the caller's error, nothing sent
tc "-n: missing namespace"    1 '' '=Error: cannot open network namespace "m6-nosuch": No such file or directory' -n m6-nosuch stats
tc "-netns: missing namespace" 1 '' 'cannot open network namespace "m6-nosuch"' -netns m6-nosuch kbm show
tc "-n without a name"        1 '' 'Error: -netns needs the name of a network namespace' -n
tc "-n with an empty name"    1 '' 'Error: -netns needs the name of a network namespace' -n '' stats
tc "-n ..: not /run/netns/.." 1 '' 'Error: -netns needs the name of a network namespace' -n .. stats
tc "-n PATH: not a namespace" 1 '' 'cannot enter network namespace "/dev/null": Invalid argument' -n /dev/null stats
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
chmod 600 "$tmp/short"
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
tc "monitor arg"          1 '' 'unknown argument "all" for monitor' monitor all
tc "stats show arg"       1 '' 'unknown argument "frob" for stats show' stats show frob

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

# --- the independent check of Documentation/mip6sec.rst: openssl kdf ---
if command -v openssl >/dev/null && openssl kdf -help >/dev/null 2>&1; then
	U=00112233445566778899aabbccddeeff
	info=$(printf 'rfc4285-MN-AAA-key' | od -An -tx1 | tr -d ' \n')000010
	want=$(openssl kdf -keylen 16 -kdfopt digest:SHA256 -kdfopt mode:EXPAND_ONLY \
		-kdfopt hexkey:$U -kdfopt hexinfo:"$info" HKDF | tr -d ':' | tr 'A-F' 'a-f')
	got=$(echo $U | "$BIN" derive mn-aaa usrk - | awk '{ print $2 }')
	result "$([ -n "$want" ] && [ "$got" = "$want" ] && echo 0 || echo 1)" \
		"derive mn-aaa = openssl kdf HKDF EXPAND_ONLY (the documented check)" "openssl: $want" "derive: $got"
else
	skip "derive = openssl kdf" "openssl 3 missing"
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
dtc "kdf-profile for fbu" "fbu takes no kdf-profile" fbu msk $EMSK par $HA kdf-profile draft
dtc "kdf-profile unknown" '=Error: invalid kdf-profile "5295": rfc5295 or draft' mn-aaa usrk $USRK kdf-profile 5295
dtc "kdf-profile twice"  'duplicate "kdf-profile"' mn-aaa usrk $USRK kdf-profile draft kdf-profile draft
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
dtc "empty \$SID: the keyword after it" '=Error: "session-id" needs a value, not the keyword "ha" (an empty shell variable?)' mn-ha emsk $EMSK session-id ha $HA
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
tc "derive ... -j at the end: JSON" 0 '{"use":"mn-aaa","key":' '' derive mn-aaa usrk $USRK session-id 01 -j
tc "-j is an option only at the end" 1 '' "not a hex digit" derive mn-aaa usrk -j session-id 01

# --- sa add: the attributes it would send, against Python (hmac/hashlib) ---
# "unit sa-add ARGS" runs the CLI's own parsing and key derivation and
# prints the request's attributes instead of sending them.
if command -v python3 >/dev/null; then
	python3 "$HERE/sa_vectors.py" "$tmp" >"$tmp/sa_vectors" 2>"$tmp/sa_vectors.err"
	result $? "sa add: Python vectors generated" "$(head -5 "$tmp/sa_vectors.err")"
	while IFS='|' read -r name in want args; do
		# shellcheck disable=SC2086 # ARGS are space-separated on purpose
		TC_BIN=$UNIT STDIN=$in tc "sa add sends: $name" 0 "=$want" '' sa-add $args
	done <"$tmp/sa_vectors"
else
	skip "sa add: Python vectors" "no python3"
fi

# --- sa argument errors: exit 1, a message, nothing sent or printed ---
NAI=alice@example.org
K16=000102030405060708090a0b0c0d0e0f
satc() { # satc NAME STDERR ARGS...: an "sa add" usage error
	local name=$1 err=$2
	shift 2
	tc "sa add error: $name" 1 '' "$err" sa add "$@"
}
A=(nai "$NAI" spi 256)
satc "no arguments"        "=Error: sa add needs nai NAI (the mobile node identifier)"
satc "no nai"              "sa add needs nai NAI" spi 256 use fbu key "$K16"
satc "no spi"              "=Error: sa add needs spi SPI (256 or more)" nai "$NAI" use fbu key "$K16"
satc "no use"              "=Error: sa add needs use mn-ha, mn-aaa or fbu" "${A[@]}" key "$K16"
satc "no key"              "=Error: sa add needs a key: key HEX, key-file FILE, emsk HEX, emsk-file FILE, usrk HEX, usrk-file FILE, msk HEX or msk-file FILE" "${A[@]}" use mn-ha
satc "no key, all else"    "sa add needs a key" "${A[@]}" use mn-ha hoa 2001:db8::10 lifetime 60 replay seq
satc "unknown argument"    '=Error: unknown argument "cn"' "${A[@]}" use fbu key "$K16" cn ::1
satc "unknown, dangling"   'unknown argument "frob"' "${A[@]}" frob
satc "dangling nai"        '=Error: "nai" needs an argument' nai
satc "empty \$SID before ha" '=Error: "session-id" needs a value, not the keyword "ha" (an empty shell variable?)' "${A[@]}" use mn-ha session-id ha 2001:db8::1 emsk "$EMSK"
satc "empty \$SPI before use" '=Error: "spi" needs a value, not the keyword "use" (an empty shell variable?)' nai a@b spi use mn-ha key "$K16"
satc "dangling key"        '"key" needs an argument' "${A[@]}" use fbu key
satc "dangling emsk-file"  '"emsk-file" needs an argument' "${A[@]}" use mn-ha emsk-file
satc "dangling usrk-len"   '"usrk-len" needs an argument' "${A[@]}" use mn-ha usrk-len
for kw in nai spi use hoa home-prefix lifetime replay session-id ha par usrk-len; do
	case $kw in
	nai) v="$NAI" ;; spi) v=300 ;; use) v=mn-ha ;; lifetime) v=10 ;;
	replay) v=seq ;; session-id) v=01 ;; usrk-len) v=64 ;;
	home-prefix) v=2001:db8::/64 ;; *) v=2001:db8::1 ;;
	esac
	satc "duplicate $kw" "=Error: duplicate \"$kw\"" "${A[@]}" use mn-ha $kw $v $kw $v
done
# NAI
satc "empty NAI"           "=Error: the NAI is empty" nai "" spi 256 use fbu key "$K16"
satc "254-octet NAI"       "=Error: the NAI is 254 octets, at most 253 are allowed" nai "$(printf 'u%.0s' {1..242})@example.org" spi 256 use fbu key "$K16"
satc "NAI with a space"    "=Error: the NAI may only contain printable ASCII characters other than space (octet 6 is 0x20)" nai "alice @x" spi 256 use fbu key "$K16"
satc "NAI not ASCII"       "=Error: the NAI may only contain printable ASCII characters other than space (octet 2 is 0xc3)" nai "j$(printf '\303\274')rgen@x" spi 256 use fbu key "$K16"
satc "NAI with a tab"      "=Error: the NAI contains a control character (octet 2 is 0x09)" nai "a$(printf '\t')b" spi 256 use fbu key "$K16"
satc "NAI with ESC"        "the NAI contains a control character (octet 1 is 0x1b)" nai "$(printf '\033')[31m" spi 256 use fbu key "$K16"
satc "NAI with DEL"        "the NAI contains a control character (octet 2 is 0x7f)" nai "a$(printf '\177')" spi 256 use fbu key "$K16"
satc "NAI with a newline"  "the NAI contains a control character (octet 6 is 0x0a)" nai "alice$(printf '\nx')" spi 256 use fbu key "$K16"
# SPI
satc "spi 0"               "=Error: SPI 0 is reserved: RFC 4285 reserves 0 to 255 (but 3, HMAC_SHA1_SPI, for mn-aaa), use 256 to 4294967295" nai "$NAI" spi 0 use fbu key "$K16"
satc "spi 255"             "=Error: SPI 255 is reserved: RFC 4285 reserves 0 to 255 (but 3, HMAC_SHA1_SPI, for mn-aaa), use 256 to 4294967295" nai "$NAI" spi 255 use fbu key "$K16"
satc "spi 3 for mn-ha"     "=Error: SPI 3 (HMAC_SHA1_SPI) is for use mn-aaa only" nai "$NAI" spi 3 use mn-ha key "$K16"
satc "kdf-profile unknown" '=Error: invalid kdf-profile "rfc": rfc5295 or draft' nai "$NAI" spi 256 use mn-aaa usrk "$K16" kdf-profile rfc
satc "kdf-profile with key" "=Error: kdf-profile is only for keys derived from emsk, usrk or msk, not for key" nai "$NAI" spi 256 use mn-aaa key "$K16" kdf-profile draft
satc "spi 2^32"            '=Error: invalid spi "4294967296": a number from 0 to 4294967295' nai "$NAI" spi 4294967296 use fbu key "$K16"
satc "spi -1"              'invalid spi "-1"' nai "$NAI" spi -1 use fbu key "$K16"
satc "spi +256"            'invalid spi "+256"' nai "$NAI" spi +256 use fbu key "$K16"
satc "spi 256x"            'invalid spi "256x"' nai "$NAI" spi 256x use fbu key "$K16"
satc "spi 0x100"           'invalid spi "0x100"' nai "$NAI" spi 0x100 use fbu key "$K16"
satc "spi empty"           'invalid spi ""' nai "$NAI" spi "" use fbu key "$K16"
# use
satc "unknown use"         '=Error: invalid use "mn": mn-ha, mn-aaa or fbu' "${A[@]}" use mn key "$K16"
satc "use ikev2"           'invalid use "ikev2"' "${A[@]}" use ikev2 key "$K16"
satc "use upper case"      'invalid use "MN-HA"' "${A[@]}" use MN-HA key "$K16"
# key as given
satc "key of 15 octets"    "=Error: a key is 16 to 64 octets (32 to 128 hex digits), got 15 octets" "${A[@]}" use fbu key ${K16:2}
satc "key of 65 octets"    "a key is 16 to 64 octets (32 to 128 hex digits), got 65 octets" "${A[@]}" use fbu key "$K16$K16$K16${K16}00"
satc "odd key"             "=Error: the key has an odd number of hex digits (33)" "${A[@]}" use fbu key ${K16}0
satc "non-hex key"         "=Error: the key contains a character that is not a hex digit" "${A[@]}" use fbu key ${K16}zz
satc "non-hex not echoed"  "!${K16:0:20}" "${A[@]}" use fbu key ${K16}zz
satc "long key not echoed" "!${K16:0:20}" "${A[@]}" use fbu key "$K16$K16$K16${K16}00"
satc "key and key-file"    "=Error: give only one key: key, key-file, emsk, emsk-file, usrk, usrk-file, msk or msk-file" "${A[@]}" use fbu key "$K16" key-file /dev/null
satc "key and emsk"        "give only one key" "${A[@]}" use mn-ha key "$K16" emsk "$EMSK"
satc "msk and usrk-file"   "give only one key" "${A[@]}" use fbu msk "$EMSK" usrk-file -
satc "key -"               "the key contains a character that is not a hex digit" "${A[@]}" use fbu key -
satc "missing key-file"    "=Error: cannot open key-file \"$tmp/none\": No such file or directory" "${A[@]}" use fbu key-file "$tmp/none"
satc "key-file directory"  "cannot read key-file \"$tmp\"" "${A[@]}" use fbu key-file "$tmp"
head -c 40000 /dev/zero | tr '\0' '0' >"$tmp/huge.key"
satc "key-file too large"  "=Error: key-file \"$tmp/huge.key\" is too large" "${A[@]}" use fbu key-file "$tmp/huge.key"
STDIN=$tmp/huge.key satc "emsk-file - too large" "=Error: the emsk on standard input is too large" "${A[@]}" use mn-aaa emsk-file - session-id 01
STDIN=/dev/null satc "empty key on stdin" "a key is 16 to 64 octets (32 to 128 hex digits), got 0 octets" "${A[@]}" use fbu key-file -
printf '%s\n' "${K16:0:30}" >"$tmp/short.key"
satc "short key-file"      "got 15 octets" "${A[@]}" use fbu key-file "$tmp/short.key"
# root keys
satc "short emsk"          "=Error: an emsk is 64 octets (128 hex digits), got 32 octets" "${A[@]}" use mn-aaa emsk "${EMSK:0:64}" session-id 01
satc "long emsk"           "an emsk is 64 octets (128 hex digits), got 65 octets" "${A[@]}" use mn-aaa emsk "${EMSK}00" session-id 01
satc "long emsk not echoed" "!${EMSK:0:60}" "${A[@]}" use mn-aaa emsk "${EMSK}00" session-id 01
satc "short msk"           "an msk is 64 octets (128 hex digits), got 16 octets" "${A[@]}" use fbu msk "$K16" par ::1
satc "short usrk"          "=Error: a usrk is 16 to 8160 octets, got 15" "${A[@]}" use mn-aaa usrk ${K16:2} session-id 01
satc "bad hex emsk-file"   "the emsk contains a character that is not a hex digit" "${A[@]}" use mn-aaa emsk-file "$tmp/bad.hex" session-id 01
satc "missing usrk-file"   "cannot open usrk-file \"$tmp/none\"" "${A[@]}" use mn-aaa usrk-file "$tmp/none" session-id 01
satc "missing msk-file"    "cannot open msk-file \"$tmp/none\"" "${A[@]}" use fbu msk-file "$tmp/none" par ::1
# root key and use
satc "fbu from emsk"       "=Error: use fbu: cannot derive its key from emsk (needs msk)" "${A[@]}" use fbu emsk "$EMSK" session-id 01 par ::1
satc "fbu from usrk"       "use fbu: cannot derive its key from usrk (needs msk)" "${A[@]}" use fbu usrk "$K16" session-id 01
satc "mn-ha from msk"      "=Error: use mn-ha: cannot derive its key from msk (needs emsk or usrk)" "${A[@]}" use mn-ha msk "$EMSK" ha ::1
satc "mn-aaa from msk"     "use mn-aaa: cannot derive its key from msk (needs emsk or usrk)" "${A[@]}" use mn-aaa msk "$EMSK"
# missing inputs of a derivation
satc "emsk w/o session-id" "=Error: emsk needs session-id HEX (the EAP Session-ID)" "${A[@]}" use mn-ha emsk "$EMSK" ha ::1
satc "usrk w/o session-id" "=Error: usrk needs session-id HEX (the EAP Session-ID)" "${A[@]}" use mn-aaa usrk "$K16"
satc "mn-ha emsk w/o ha"   "=Error: use mn-ha with emsk needs ha ADDR (the home agent address)" "${A[@]}" use mn-ha emsk "$EMSK" session-id 01
satc "mn-ha usrk w/o ha"   "use mn-ha with usrk needs ha ADDR" "${A[@]}" use mn-ha usrk "$K16" session-id 01
satc "fbu msk w/o par"     "=Error: use fbu with msk needs par ADDR (the previous access router address)" "${A[@]}" use fbu msk "$EMSK"
# arguments that do not apply
satc "session-id with key" "=Error: session-id is only for keys derived from emsk, usrk or msk, not for key" "${A[@]}" use mn-ha key "$K16" session-id 01
satc "ha with key"         "ha is only for keys derived from emsk, usrk or msk, not for key" "${A[@]}" use mn-ha key "$K16" ha ::1
satc "par with key"        "par is only for keys derived from emsk, usrk or msk, not for key" "${A[@]}" use fbu key "$K16" par ::1
satc "usrk-len with key"   "usrk-len is only for keys derived from emsk, usrk or msk, not for key" "${A[@]}" use mn-aaa key "$K16" usrk-len 64
satc "ha with mn-aaa"      "=Error: ha is only for use mn-ha with emsk or usrk" "${A[@]}" use mn-aaa usrk "$K16" session-id 01 ha ::1
satc "ha with fbu"         "ha is only for use mn-ha with emsk or usrk" "${A[@]}" use fbu msk "$EMSK" par ::1 ha ::1
satc "par with mn-ha"      "=Error: par is only for use fbu with msk" "${A[@]}" use mn-ha emsk "$EMSK" session-id 01 ha ::1 par ::1
satc "par with mn-aaa"     "par is only for use fbu with msk" "${A[@]}" use mn-aaa usrk "$K16" session-id 01 par ::1
satc "usrk-len with usrk"  "=Error: usrk-len is only for keys derived from emsk" "${A[@]}" use mn-aaa usrk "$K16" session-id 01 usrk-len 32
satc "usrk-len with msk"   "usrk-len is only for keys derived from emsk" "${A[@]}" use fbu msk "$EMSK" par ::1 usrk-len 32
satc "usrk-len 15"         '=Error: invalid usrk-len "15": a number from 16 to 8160' "${A[@]}" use mn-aaa emsk "$EMSK" session-id 01 usrk-len 15
satc "usrk-len 8161"       'invalid usrk-len "8161"' "${A[@]}" use mn-aaa emsk "$EMSK" session-id 01 usrk-len 8161
satc "hoa with fbu"        "=Error: use fbu takes no hoa: a fast handover key is not bound to a home address" "${A[@]}" use fbu key "$K16" hoa 2001:db8::10
satc "hoa with fbu, msk"   "use fbu takes no hoa" "${A[@]}" use fbu msk "$EMSK" par ::1 hoa 2001:db8::10
satc "timestamp with fbu"  "=Error: use fbu takes no replay timestamp: FBUs are checked by sequence number" "${A[@]}" use fbu key "$K16" replay timestamp
satc "home-prefix with fbu" "=Error: use fbu takes no home-prefix: a fast handover key is not bound to a home address" "${A[@]}" use fbu key "$K16" home-prefix 2001:db8::/64
# what a home agent SA may register (issue 11): a home address or prefix
satc "mn-ha without home"  "=Error: use mn-ha needs hoa ADDR or home-prefix PREFIX/LEN (what the mobile node may register)" "${A[@]}" use mn-ha key "$K16"
satc "mn-aaa without home" "=Error: use mn-aaa needs hoa ADDR or home-prefix PREFIX/LEN (what the mobile node may register)" "${A[@]}" use mn-aaa usrk "$K16" session-id 01 lifetime 60
satc "mn-ha emsk, no home" "use mn-ha needs hoa ADDR or home-prefix PREFIX/LEN" "${A[@]}" use mn-ha emsk "$EMSK" session-id 01 ha ::1
satc "hoa and home-prefix" "=Error: give hoa or home-prefix, not both" "${A[@]}" use mn-ha key "$K16" hoa 2001:db8::10 home-prefix 2001:db8::/64
satc "home-prefix w/o len" '=Error: invalid home-prefix "2001:db8::": PREFIX/LEN, as 2001:db8:2::/64' "${A[@]}" use mn-ha key "$K16" home-prefix 2001:db8::
satc "home-prefix /0"      '=Error: invalid prefix length "0": a number from 1 to 128' "${A[@]}" use mn-ha key "$K16" home-prefix 2001:db8::/0
satc "home-prefix /129"    'invalid prefix length "129": a number from 1 to 128' "${A[@]}" use mn-ha key "$K16" home-prefix 2001:db8::/129
satc "home-prefix /64x"    'invalid prefix length "64x"' "${A[@]}" use mn-ha key "$K16" home-prefix 2001:db8::/64x
satc "home-prefix /"       'invalid prefix length ""' "${A[@]}" use mn-ha key "$K16" home-prefix 2001:db8::/
satc "bad home-prefix"     '=Error: invalid IPv6 prefix "2001:db8::zz" for home-prefix' "${A[@]}" use mn-ha key "$K16" home-prefix 2001:db8::zz/64
satc "IPv4 home-prefix"    'invalid IPv6 prefix "192.0.2.0" for home-prefix' "${A[@]}" use mn-ha key "$K16" home-prefix 192.0.2.0/24
satc "long home-prefix"    'invalid home-prefix "2001:0db8:0000:0000:0000:0000:0000:0000:0000:0000/64": PREFIX/LEN' "${A[@]}" use mn-ha key "$K16" home-prefix 2001:0db8:0000:0000:0000:0000:0000:0000:0000:0000/64
satc "home-prefix bits"    '=Error: home-prefix "2001:db8::1/64" has bits set past its length (the prefix is 2001:db8::/64)' "${A[@]}" use mn-ha key "$K16" home-prefix 2001:db8::1/64
satc "home-prefix bit 121" 'home-prefix "2001:db8::80/120" has bits set past its length (the prefix is 2001:db8::/120)' "${A[@]}" use mn-ha key "$K16" home-prefix 2001:db8::80/120
# values
satc "bad replay"          '=Error: invalid replay "ts": seq or timestamp' "${A[@]}" use mn-ha key "$K16" replay ts
satc "lifetime 0"          '=Error: invalid lifetime "0": a number from 1 to 268435456' "${A[@]}" use mn-ha key "$K16" lifetime 0
satc "lifetime 2^28+1"     'invalid lifetime "268435457"' "${A[@]}" use mn-ha key "$K16" lifetime 268435457
satc "lifetime -1"         'invalid lifetime "-1"' "${A[@]}" use mn-ha key "$K16" lifetime -1
satc "lifetime 1h"         'invalid lifetime "1h"' "${A[@]}" use mn-ha key "$K16" lifetime 1h
satc "bad hoa"             '=Error: invalid IPv6 address "2001:db8::zz" for hoa' "${A[@]}" use mn-ha key "$K16" hoa 2001:db8::zz
satc "IPv4 hoa"            'invalid IPv6 address "192.0.2.1" for hoa' "${A[@]}" use mn-ha key "$K16" hoa 192.0.2.1
satc "bad ha"              '=Error: invalid IPv6 address "ha1" for ha' "${A[@]}" use mn-ha usrk "$K16" session-id 01 ha ha1
satc "bad par"             '=Error: invalid IPv6 address "::g" for par' "${A[@]}" use fbu msk "$EMSK" par ::g
satc "empty session-id"    "=Error: the session-id is empty" "${A[@]}" use mn-aaa usrk "$K16" session-id ""
satc "odd session-id"      "the session-id has an odd number of hex digits (3)" "${A[@]}" use mn-aaa usrk "$K16" session-id 0d0
satc "non-hex session-id"  "the session-id contains a character that is not a hex digit" "${A[@]}" use mn-aaa usrk "$K16" session-id 0g
tc "sa add error: -j, nothing on stdout" 1 '' "use mn-ha with emsk needs ha ADDR" -j sa add "${A[@]}" use mn-ha emsk "$EMSK" session-id 01

# --- sa del and sa show argument errors ---
tc "sa del: no arguments"  1 '' "=Error: sa del needs nai NAI [spi SPI] (an SPI is unique only per NAI)" sa del
tc "sa del: spi only"      1 '' "=Error: sa del needs nai NAI [spi SPI] (an SPI is unique only per NAI)" sa del spi 256
tc "sa del: spi 255"       1 '' "SPI 255 is reserved" sa del nai "$NAI" spi 255
tc "sa del: bad NAI"       1 '' "the NAI contains a control character" sa del nai "a$(printf '\t')b"
tc "sa del: long NAI"      1 '' "the NAI is 254 octets, at most 253 are allowed" sa del nai "$(printf 'u%.0s' {1..242})@example.org"
tc "sa del: unknown arg"   1 '' 'unknown argument "use"' sa del nai "$NAI" use fbu
tc "sa del: duplicate nai" 1 '' 'duplicate "nai"' sa del nai "$NAI" nai "$NAI"
tc "sa del: dangling spi"  1 '' '"spi" needs an argument' sa del nai "$NAI" spi
tc "sa show: spi 65536x"   1 '' 'invalid spi "65536x"' sa show spi 65536x
tc "sa show: bad NAI"      1 '' "the NAI contains a control character" sa show nai "$(printf '\033')"
tc "sa show: bare NAI"     1 '' 'unknown argument "alice@example.org"' sa show "$NAI"
tc "sa show: empty NAI"    1 '' "the NAI is empty" sa show nai ""
tc "sa show: spi 0"        1 '' "SPI 0 is reserved" sa show nai "$NAI" spi 0
tc "sa show: duplicate spi" 1 '' 'duplicate "spi"' sa show nai "$NAI" spi 256 spi 257
tc "sa: unknown command"   1 '' 'Error: unknown command "flush" for sa' sa flush

# --- -batch: one command per line, as ip -batch ---
K16X=000102030405060708090a0b0c0d0e0f
printf 'help\nkbm frob\nhelp\n' >"$tmp/b.stop"
tc "batch: usage output of line 1"   1 "Usage: mip6sec" '*' -batch "$tmp/b.stop"
tc "batch: failed line's error"      1 '*' 'Error: unknown command "frob" for kbm' -batch "$tmp/b.stop"
tc "batch: empty file"               0 '' '' -batch /dev/null
tc "batch: 'Command failed FILE:2'"  1 '*' "Command failed $tmp/b.stop:2" -batch "$tmp/b.stop"
"$BIN" -batch "$tmp/b.stop" >"$tmp/out" 2>/dev/null
result "$([ "$(grep -c '^Usage: mip6sec \[ OPTIONS' "$tmp/out")" = 1 ] && echo 0 || echo 1)" "batch: stops at the first failed line"
"$BIN" -batch "$tmp/b.stop" -force >"$tmp/out" 2>/dev/null
result "$([ "$(grep -c '^Usage: mip6sec \[ OPTIONS' "$tmp/out")" = 2 ] && echo 0 || echo 1)" "batch: -force goes on after it"
"$BIN" -force -batch "$tmp/b.stop" >/dev/null 2>&1
result "$([ $? = 1 ] && echo 0 || echo 1)" "batch: -force still exits with the first failure's status"
STDIN=$tmp/b.stop tc "batch: - reads standard input" 1 "Usage: mip6sec" "Command failed <stdin>:2" -batch -
printf '# comment\n\n   \t\n  # another\nkbm add 2001:db8::1 key %s\n' "$KEY" >"$tmp/b.inline"
tc "batch: inline key refused, line 5" 1 '' "Command failed $tmp/b.inline:5" -batch "$tmp/b.inline"
tc "batch: inline key message"       1 '' 'Error: "key" would put a key in the batch file: use key-file FILE (mode 0600) instead' -batch "$tmp/b.inline"
tc "batch: inline key not echoed"    1 '' "!$KEY" -batch "$tmp/b.inline"
printf 'sa add nai a@b spi 256 use mn-ha key %s\n' "$K16X" >"$tmp/b.sakey"
tc "batch: inline sa key refused"    1 '' '"key" would put a key in the batch file' -batch "$tmp/b.sakey"
printf 'derive mn-aaa usrk 00112233445566778899aabbccddeeff\n' >"$tmp/b.dkey"
tc "batch: inline derive key refused" 1 '' '"usrk" would put a key in the batch file: use "-" (standard input) instead' -batch "$tmp/b.dkey"
printf 'help\n"kbm show\n' >"$tmp/b.quote"
tc "batch: unterminated quote"       1 '*' "Error: $tmp/b.quote:2: unterminated quote" -batch "$tmp/b.quote"
printf '00112233445566778899aabbccddeeff\n' >"$tmp/usrk.hex"
"$BIN" derive mn-aaa usrk - session-id 01 <"$tmp/usrk.hex" >"$tmp/want" 2>&1
printf '# the same command, continued and quoted\nderive "mn-aaa" usrk - \\\n   session-id 01   # a comment\n' >"$tmp/b.cont"
STDIN=$tmp/usrk.hex tc "batch: continuation, quotes and comments" 0 "=$(cat "$tmp/want")" '' -batch "$tmp/b.cont"
printf 'derive mn-aaa usrk - \\\n session-id 0x\nhelp\n' >"$tmp/b.cline"
STDIN=$tmp/usrk.hex tc "batch: a continued command is named by its first line" 1 '' "Command failed $tmp/b.cline:1" -batch "$tmp/b.cline"
tc "batch: missing file"             1 '' "=Error: cannot open batch file \"$tmp/none\": No such file or directory" -batch "$tmp/none"
tc "batch: no file name"             1 '' "-batch needs a file name" -batch
tc "batch: no command line with it"  1 '' "-batch takes no command line" -batch "$tmp/b.stop" kbm show
tc "-force without -batch"           1 '' "-force only applies to -batch" -force kbm show

# --- key files that others can read: a warning, as wg-quick gives ---
printf '%s\n' "$KEY" >"$tmp/k644"
chmod 644 "$tmp/k644"
printf '%s\n' "$KEY" >"$tmp/k640"
chmod 640 "$tmp/k640"
printf '%s\n' "$KEY" >"$tmp/k600"
chmod 600 "$tmp/k600"
printf '%s\n' "${KEY:0:30}" >"$tmp/kshort644"
chmod 644 "$tmp/kshort644"
tc "key-file 0644: warning"          1 '' "Warning: key-file \"$tmp/kshort644\" is accessible by others (mode 0644): chmod 600 it" kbm add 2001:db8::1 key-file "$tmp/kshort644"
tc "key-file 0600: no warning"       1 '' "=Error: a Kbm is 20 octets (40 hex digits), got 30" kbm add 2001:db8::1 key-file "$tmp/short"
printf '%s\n' "$EMSK" >"$tmp/emsk640"
chmod 640 "$tmp/emsk640"
tc "emsk-file 0640: warning"         1 '' "Warning: emsk-file \"$tmp/emsk640\" is accessible by its group (mode 0640)" sa add nai a@b spi 256 use mn-ha emsk-file "$tmp/emsk640" session-id 01

# --- past parsing: needs the module ---
if "$BIN" stats >/dev/null 2>&1; then
	for c in "kbm add" "kbm show" "sa" "binding" "rr" "stats" "monitor" "abbreviations"; do
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
	printf '%s\n' "$EMSK" >"$tmp/emsk"
	tc "sa add key"             2 '' "=$NOMOD" sa add nai "$NAI" spi 256 use mn-ha key "$K16" hoa 2001:db8::10
	tc "sa add key, all options" 2 '' "=$NOMOD" sa add nai "$NAI" spi 4294967295 use mn-ha key "$K16$K16$K16$K16" hoa 2001:db8::10 lifetime 268435456 replay timestamp
	tc "sa add mn-ha from emsk" 2 '' "=$NOMOD" sa add nai "$NAI" spi 256 use mn-ha emsk "$EMSK" session-id 01 ha 2001:db8::1 usrk-len 16 home-prefix 2001:db8:2::/64
	tc "sa add mn-aaa from usrk-file" 2 '' "=$NOMOD" sa add nai "$NAI" spi 256 use mn-aaa usrk-file "$tmp/emsk" session-id 01 hoa 2001:db8::10
	STDIN=$tmp/emsk tc "sa add fbu from msk-file -" 2 '' "=$NOMOD" sa add nai "$NAI" spi 256 use fbu msk-file - par fe80::1 session-id 01 replay seq
	tc "sa show"                2 '' "=$NOMOD" sa show
	tc "sa (default show)"      2 '' "=$NOMOD" sa
	tc "-j sa show nai"         2 '' "=$NOMOD" -j sa show nai "$NAI"
	tc "sa show nai spi"        2 '' "=$NOMOD" sa show nai "$NAI" spi 256
	tc "sa show spi"            2 '' "=$NOMOD" sa show spi 256
	tc "sa show -j (options may end the line)" 2 '' "=$NOMOD" sa show -j
	tc "monitor -j -p (options may end the line)" 2 '' "=$NOMOD" monitor -j -p
	tc "sa del nai"             2 '' "=$NOMOD" sa del nai "$NAI"
	tc "sa del, UTF-8 NAI with a space" 2 '' "=$NOMOD" sa del nai "j$(printf '\303\274')rgen m@example.org"
	tc "sa show, NAI with a space" 2 '' "=$NOMOD" sa show nai "a b"
	tc "sa del nai spi"         2 '' "=$NOMOD" sa del nai "$NAI" spi 256
	tc "abbreviation sa l"      2 '' "=$NOMOD" sa l
	tc "binding show"           2 '' "=$NOMOD" binding show
	tc "binding show HOA"       2 '' "=$NOMOD" binding show 2001:db8::1
	tc "binding del"            2 '' "=$NOMOD" binding del 2001:db8::1
	tc "binding flush"          2 '' "=$NOMOD" binding flush
	tc "rr show"                2 '' "=$NOMOD" rr show
	tc "-j rr (default show)"   2 '' "=$NOMOD" -j rr
	tc "stats"                  2 '' "=$NOMOD" stats
	tc "-j stats"               2 '' "=$NOMOD" -j stats
	tc "stats reset"            2 '' "=$NOMOD" stats reset
	tc "monitor"                2 '' "=$NOMOD" monitor
	tc "monitor -t"             2 '' "=$NOMOD" monitor -t
	tc "-ts monitor"            2 '' "=$NOMOD" -ts monitor
	tc "stats -a"               2 '' "=$NOMOD" stats -a
	tc "stats show all"         2 '' "=$NOMOD" stats show all
	tc "key-file 0644 works, with a warning" 2 '' "Warning: key-file \"$tmp/k644\" is accessible by others" kbm add 2001:db8::1 key-file "$tmp/k644"
	tc "key-file 0640 works, with a warning" 2 '' "$NOMOD" kbm add 2001:db8::1 key-file "$tmp/k640"
	tc "key-file 0600 works, silently" 2 '' "=$NOMOD" kbm add 2001:db8::1 key-file "$tmp/k600"
	printf 'kbm add 2001:db8::1 key-file %s\nkbm show\n' "$tmp/k600" >"$tmp/b.conf"
	tc "batch: kernel error is exit 2, line 1" 2 '' "Command failed $tmp/b.conf:1" -batch "$tmp/b.conf"
	tc "batch -force: both lines run" 2 '' "Command failed $tmp/b.conf:2" -batch "$tmp/b.conf" -force
	tc "-j monitor"             2 '' "=$NOMOD" -j monitor
	tc "abbreviation k l"       2 '' "=$NOMOD" k l
	tc "abbreviation b fl"      2 '' "=$NOMOD" b fl
	tc "abbreviation st r"      2 '' "=$NOMOD" st r
fi

echo "1..$n"
echo "# $((n - fail)) passed, $fail failed"
[ "$fail" = 0 ]
