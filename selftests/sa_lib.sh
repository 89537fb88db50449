#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by the selftests that drive a scripted mobile node
# (ha_sa.sh, fbu.sh, rr.sh, rr_coexist.sh, conformance.sh, hardening.sh).
# Source it after lib.sh and the test's require_* checks:
#
#   setup      sa_test_begin: the namespaces (or skip the test), $TMP, and an
#              EXIT trap that stops the MN, removes both and then calls
#              sa_test_cleanup when the test defines it (or make $TMP
#              before sourcing this file)
#   counters   snap S0; ...; snap S1; check_deltas NAME counter=N ... (lib.sh)
#   events     mon_start; mon_mark; ...; check_event NAME SECS EVENT KEY=VALUE...
#   JSON       jpick [-c] KEY=VALUE... [.FIELD]  (stdin: array, object or lines)
#   the MN     mn_start; mn ARGS; mn_check NAME ARGS (lib.sh); mn_reply .FIELD
#   keys       eapkdf ARGS (selftests/eapkdf.py), keys_absent NAME TEXT
#
# Every check prints exactly one TAP line.

MNPY=$SELFTESTS_DIR/mn.py
EAPKDF="$PYTHON $SELFTESTS_DIR/eapkdf.py"
# shellcheck disable=SC2034 # used by the scripts that source this file
PARAMS=/sys/module/mip6sec/parameters

eapkdf() { $EAPKDF "$@"; }

# sa_files: where mon_start and mhrecv_start write, in $TMP (the tests that
# make their own $TMP source this file after it)
sa_files() {
	MON=$TMP/monitor.out
	MHOUT=$TMP/mh.out
}
[ -z "${TMP:-}" ] || sa_files
sa_test_begin() {
	netns_setup_or_skip
	TMP=$(mktemp -d)
	sa_files
	trap sa_test_end EXIT
}
sa_test_end() {
	mn_stop
	netns_cleanup
	rm -rf "$TMP"
	if declare -F sa_test_cleanup >/dev/null; then
		sa_test_cleanup
	fi
	return 0
}

# ---------------------------------------------------------------- JSON
# jpick [-c] [KEY=VALUE...] [.FIELD]: JSON on stdin (one array, one object,
# or one object per line: monitor output). Objects whose KEY equals VALUE
# (numbers compare as numbers, "null" matches null) for every KEY=VALUE;
# prints .FIELD of the first match (JSON for non-strings, "" if the field
# is absent), the whole first match without .FIELD, or with -c the number
# of matches. Exit 1 when nothing matches (0 with -c).
read -r -d '' JPICK_PY <<'PYEOF' || true
import json, sys
args = sys.argv[1:]
count = bool(args) and args[0] == '-c'
if count:
    args = args[1:]
field = args[-1][1:] if args and args[-1].startswith('.') else None
conds = [a.split('=', 1) for a in args if not a.startswith('.')]
text = sys.stdin.read()
objs = []
try:
    d = json.loads(text)
    objs = d if isinstance(d, list) else [d]
except ValueError:
    for line in text.splitlines():
        line = line.strip()
        if line.startswith('{'):
            try:
                objs.append(json.loads(line))
            except ValueError:
                pass
def eq(v, want):
    if want == 'null':
        return v is None
    if isinstance(v, bool):
        return str(v).lower() == want
    if isinstance(v, (int, float)):
        try:
            return v == int(want, 0)
        except ValueError:
            return False
    return isinstance(v, str) and v == want
hits = [o for o in objs if isinstance(o, dict) and all(k in o and eq(o[k], w) for k, w in conds)]
if count:
    print(len(hits))
    sys.exit(0)
if not hits:
    sys.exit(1)
o = hits[0]
if field is None:
    print(json.dumps(o, sort_keys=True))
elif field in o:
    v = o[field]
    print(v if isinstance(v, str) else json.dumps(v))
sys.exit(0)
PYEOF
jpick() { $PYTHON -c "$JPICK_PY" "$@"; }

# ---------------------------------------------------------------- events
mon_start() { # the events of netns cn, as JSON lines, in $MON
	cli "$NS_CN" -j monitor >"$MON" 2>&1 &
	MON_PID=$!
	bg_track $MON_PID
}
mon_mark() { MON_MARK=$(wc -l <"$MON"); }
mon_since() { tail -n +$((MON_MARK + 1)) "$MON"; }
event_seen() { mon_since | jpick "event=$1" "${@:2}" >/dev/null; }
event_count() { mon_since | jpick -c "event=$1" "${@:2}"; }
check_event() { # check_event NAME SECONDS EVENT [KEY=VALUE...]: since the last mon_mark
	local name=$1 secs=$2
	shift 2
	if wait_for "$secs" event_seen "$@"; then
		ok "$name"
	else
		not_ok "$name" "no event $* since the mark; events since the mark:" "$(mon_since | head -n 20)"
	fi
}
check_no_event() { # check_no_event NAME SECONDS EVENT [KEY=VALUE...]
	local name=$1 secs=$2
	shift 2
	sleep "$secs"
	if event_seen "$@"; then not_ok "$name" "unexpected: $(mon_since | jpick "event=$1" "${@:2}")"; else ok "$name"; fi
}

# ---------------------------------------------------------------- mh-recv (userspace delivery)
mhrecv_start() { # raw IPPROTO_MH socket in netns cn: what reaches userspace
	ip netns exec "$NS_CN" "$PYTHON" "$MNPY" mh-recv 900 >"$MHOUT" 2>&1 &
	bg_track $!
}
mh_delivered() { # mh_delivered TYPE SRC [SEQ]: a message of TYPE from SRC reached the raw socket
	local c=("type=$1" "src=$2")
	[ -n "${3:-}" ] && c+=("seq=$3")
	jpick "${c[@]}" <"$MHOUT" >/dev/null
}

# ---------------------------------------------------------------- the mobile node
mn_reply() { # mn_reply [KEY=VALUE...] .FIELD: from the JSON of the last OK answer
	sed 's/^OK //' <<<"$MN_OUT" | jpick "$@"
}

# ---------------------------------------------------------------- keys
# keys_absent NAME TEXT: none of the hex strings in $SECRETS (lower or
# upper case, also split in two halves as some printers wrap) is in TEXT.
SECRETS=()
keys_absent() {
	local name=$1 text=$2 k hits=
	for k in "${SECRETS[@]}"; do
		if grep -qiF -- "$k" <<<"$text" || grep -qiF -- "${k:0:16}" <<<"$text"; then
			hits+="${k:0:8}... "
		fi
	done
	if [ -z "$hits" ]; then ok "$name"; else not_ok "$name" "key material found: $hits"; fi
}

# Bindings and SAs of netns cn, from the CLI's JSON.
binding_get() { # binding_get HOA [.FIELD]
	cli "$NS_CN" -j binding show 2>/dev/null | jpick "hoa=$1" "${@:2}"
}
binding_absent() { ! binding_get "$1" >/dev/null; }
# elapsed_s T0: whole seconds since T0 (an $EPOCHREALTIME), rounded up
elapsed_s() { $PYTHON -c 'import math, sys, time; print(math.ceil(time.time() - float(sys.argv[1])))' "$1"; }
# check_binding_lifetime NAME HOA GRANTED T0: the binding of HOA has at most
# GRANTED seconds left, and at least GRANTED less the time elapsed since T0
# (taken before the Binding Update was sent) and one second of rounding:
# measured, so that it holds on a slow (debug, TCG) kernel too.
check_binding_lifetime() {
	local name=$1 hoa=$2 granted=$3 t0=$4 lt el
	lt=$(binding_get "$hoa" .lifetime)
	el=$(elapsed_s "$t0")
	if [ -n "$lt" ] && [ "$lt" -le "$granted" ] && [ "$lt" -ge $((granted - el - 1)) ]; then
		ok "$name ($lt s left, ${el} s after the BU)"
	else
		not_ok "$name" "want $((granted - el - 1))..$granted s left (${el} s since the BU was sent), got '${lt}'"
	fi
}
check_binding() { # check_binding NAME HOA KEY=VALUE...
	local name=$1 hoa=$2 j
	shift 2
	j=$(cli "$NS_CN" -j binding show 2>&1)
	if jpick "hoa=$hoa" "$@" <<<"$j" >/dev/null; then ok "$name"; else not_ok "$name" "want hoa=$hoa $*" "got: $(jpick "hoa=$hoa" <<<"$j" || echo "no binding for $hoa: $j" | head -c 600)"; fi
}
check_sa() { # check_sa NAME NAI SPI KEY=VALUE...
	local name=$1 nai=$2 spi=$3 j
	shift 3
	j=$(cli "$NS_CN" -j sa show 2>&1)
	if jpick "nai=$nai" "spi=$spi" "$@" <<<"$j" >/dev/null; then ok "$name"; else not_ok "$name" "want $*" "got: $(jpick "nai=$nai" "spi=$spi" <<<"$j" || echo "no SA $nai/$spi: $j" | head -c 600)"; fi
}

# sa_field NAI SPI FIELD: FIELD of the SA (NAI, SPI) in "sa show -j"
sa_field() { cli "$NS_CN" -j sa show 2>/dev/null | jpick "nai=$1" "spi=$2" ".$3"; }
sa_listed() { # sa_listed NAI [SPI]
	local c=("nai=$1")
	[ -n "${2:-}" ] && c+=("spi=$2")
	cli "$NS_CN" -j sa show 2>/dev/null | jpick "${c[@]}" >/dev/null
}
