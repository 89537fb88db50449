#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The mip6sec generic-netlink family, through the CLI and through the raw
# crafter selftests/nlcraft.py (for requests the CLI refuses to send):
# Kbm round trip, key never echoed, admin permission, policy rejections with
# extack, netns isolation, multicast events, stats and the empty binding cache.
#
# Needs root, ip netns, the module (MIP6SEC_KO) and the CLI (MIP6SEC_CLI).

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_root
require_cmd ip setpriv
require_cli
require_module
ktap_print_header
netns_setup_or_skip

KEY=00112233445566778899aabbccddeeff01234567
KEY2=8899aabbccddeeff00112233445566778899aabb
HOA=2001:db8:2::10
HOA2=2001:db8:2::20
HOA3=2001:db8:2::30
CN=$ADDR_CN
TMP=$(mktemp -d)
trap 'netns_cleanup; rm -rf "$TMP"' EXIT

ktap_plan 55

# Snapshot of the Kbm table of a namespace (the CLI's JSON, as printed).
kbm_snapshot() {
	cli "$1" -j kbm show 2>&1
}

# Fields of nlcraft's JSON answer, without starting another python.
nl_field() { # nl_field errno|extack JSON
	local re="\"$1\": \"([^\"]*)\""
	[[ $2 =~ $re ]] && echo "${BASH_REMATCH[1]}"
}

# ---------------------------------------------------------------- round trip
out=$(cli "$NS_CN" -j kbm show 2>&1)
check_eq "kbm show -j on an empty table is []" "[]" "$(echo "$out" | tr -d ' \n')"

check "kbm add HOA key HEX cn ADDR" cli "$NS_CN" kbm add "$HOA" key "$KEY" cn "$CN"

out=$(cli "$NS_CN" kbm show 2>&1)
if grep -q "$HOA" <<<"$out"; then ok "kbm show (text) lists the home address"; else not_ok "kbm show (text) lists the home address" "$out"; fi

json=$(cli "$NS_CN" -j kbm show 2>&1)
res=$($PYTHON -c '
import json, sys
hoa, cn = sys.argv[1], sys.argv[2]
d = json.load(sys.stdin)
assert isinstance(d, list) and len(d) == 1, "expected one entry: %r" % d
e = d[0]
assert e.get("hoa") == hoa, "hoa %r" % e.get("hoa")
assert e.get("cn") == cn, "cn %r" % e.get("cn")
assert isinstance(e.get("uses"), int), "uses not an integer: %r" % e.get("uses")
# last_seq: an integer, or null until a Binding Update was accepted
assert "last_seq" in e and (e["last_seq"] is None or isinstance(e["last_seq"], int)), \
    "last_seq: %r" % e.get("last_seq")
assert "key" not in e, "key field present"
print("ok")' "$HOA" "$CN" <<<"$json" 2>&1)
check_eq "kbm show -j: [{hoa, cn, last_seq, uses}]" ok "$res"

single=$(cli "$NS_CN" -j kbm show "$HOA" 2>&1)
if grep -q "$HOA" <<<"$single"; then ok "kbm show HOA"; else not_ok "kbm show HOA" "$single"; fi

all_out="$out$json$single$(cli "$NS_CN" kbm show "$HOA" 2>&1)"
if grep -qi "$KEY" <<<"$all_out"; then
	not_ok "kbm show never prints the key" "$all_out"
else
	ok "kbm show never prints the key"
fi

# The kernel itself must never return the key.
raw=$(nlcraft "$NS_CN" --dump kbm-get 2>&1)
if grep -q '"hoa"' <<<"$raw" && ! grep -qi "$KEY" <<<"$raw" && ! grep -q '"key"' <<<"$raw"; then
	ok "kbm-get dump carries no KEY attribute"
else
	not_ok "kbm-get dump carries no KEY attribute" "$raw"
fi

printf '%s\n' "$KEY2" >"$TMP/kbm.hex"
chmod 600 "$TMP/kbm.hex"
check "kbm add HOA key-file FILE" cli "$NS_CN" kbm add "$HOA2" key-file "$TMP/kbm.hex"
n=$(cli "$NS_CN" -j kbm show 2>/dev/null | $PYTHON -c 'import json,sys; print(len(json.load(sys.stdin)))' 2>&1)
check_eq "kbm show lists two entries" 2 "$n"
check "kbm del HOA (key-file entry)" cli "$NS_CN" kbm del "$HOA2"

# ---------------------------------------------------------------- permissions
before=$(kbm_snapshot "$NS_CN")
check_fail "kbm add as uid 65534 fails with exit 2" 2 in_ns "$NS_CN" setpriv --reuid=65534 --regid=65534 --clear-groups "$MIP6SEC_CLI" kbm add "$HOA3" key "$KEY"
r=$(in_ns "$NS_CN" setpriv --reuid=65534 --regid=65534 --clear-groups $NLCRAFT kbm-add hoa="$HOA3" key="$KEY" 2>&1)
check_eq "kbm-add as uid 65534: kernel says EPERM" EPERM "$(nl_field errno "$r")"
check_eq "unprivileged kbm add changed nothing" "$before" "$(kbm_snapshot "$NS_CN")"
check_fail "kbm del as uid 65534 fails with exit 2" 2 in_ns "$NS_CN" setpriv --reuid=65534 --regid=65534 --clear-groups "$MIP6SEC_CLI" kbm del "$HOA"
check_eq "unprivileged kbm del changed nothing" "$before" "$(kbm_snapshot "$NS_CN")"

# ---------------------------------------------------------------- kernel-side rejections
# reject NAME WANT_ERRNO ARGS...: the kernel refuses, says why, and the table is unchanged
reject() {
	local name=$1 want=$2 r err msg after
	shift 2
	r=$(nlcraft "$NS_CN" "$@" 2>&1)
	err=$(nl_field errno "$r")
	msg=$(nl_field extack "$r")
	after=$(kbm_snapshot "$NS_CN")
	if [ -z "$err" ]; then
		not_ok "$name: rejected" "accepted: $r"
	elif [ "$want" != any ] && [ "$err" != "$want" ]; then
		not_ok "$name: rejected" "expected $want, got $err: $r"
	else
		ok "$name: rejected ($err)"
	fi
	if [ -n "$msg" ]; then
		ok "$name: extack message ($msg)"
	else
		not_ok "$name: extack message" "$r"
	fi
	if [ "$before" = "$after" ]; then
		ok "$name: kbm table unchanged"
	else
		not_ok "$name: kbm table unchanged" "before: $before" "after:  $after"
	fi
}

# Known state, independent of the CLI: HOA present, HOA3 absent.
nlcraft "$NS_CN" kbm-add hoa="$HOA" key="$KEY" cn="$CN" >/dev/null 2>&1
nlcraft "$NS_CN" kbm-del hoa="$HOA3" >/dev/null 2>&1
before=$(kbm_snapshot "$NS_CN")
reject "key of 19 octets" any kbm-add hoa="$HOA3" key="${KEY:0:38}"
reject "key of 21 octets" any kbm-add hoa="$HOA3" key="${KEY}ff"
reject "HOA of 15 octets" any kbm-add hoa=hex:20010db80002000000000000000000 key="$KEY"
max=$(nlcraft - consts | json_get attr_max)
reject "attribute type $((max + 1)) > MIP6SEC_A_MAX" any kbm-add hoa="$HOA3" key="$KEY" "$((max + 1))=hex:00000000"
reject "KEY in kbm-del" any kbm-del hoa="$HOA" key="$KEY"
reject "KEY in kbm-get" any kbm-get hoa="$HOA" key="$KEY"
reject "duplicate kbm-add" EEXIST kbm-add hoa="$HOA" key="$KEY2"
reject "kbm-del of a missing HoA" ENOENT kbm-del hoa="$HOA3"

# The CLI maps kernel errors to exit status 2.
check_fail "CLI: duplicate kbm add exits 2" 2 cli "$NS_CN" kbm add "$HOA" key "$KEY2"
check_fail "CLI: kbm del of a missing HoA exits 2" 2 cli "$NS_CN" kbm del "$HOA3"

# ---------------------------------------------------------------- netns isolation
out=$(cli "$NS_MN" -j kbm show 2>&1)
check_eq "Kbm added in netns cn is invisible in netns mn" "[]" "$(echo "$out" | tr -d ' \n')"
check_fail "Kbm of netns cn cannot be deleted from netns mn" 2 cli "$NS_MN" kbm del "$HOA"
if grep -q "$HOA" <<<"$(kbm_snapshot "$NS_CN")"; then
	ok "Kbm still present in netns cn"
else
	not_ok "Kbm still present in netns cn" "$(kbm_snapshot "$NS_CN")"
fi

# ---------------------------------------------------------------- multicast events
mon=$TMP/monitor.out
in_ns "$NS_CN" "$MIP6SEC_CLI" -j monitor >"$mon" 2>&1 &
monpid=$!
bg_track $monpid
sleep 1.5 # let it subscribe (no readiness signal)
nlcraft "$NS_CN" kbm-add hoa="$HOA3" key="$KEY" cn="$CN" >/dev/null 2>&1
nlcraft "$NS_CN" kbm-del hoa="$HOA3" >/dev/null 2>&1
has_event() { # has_event EVENT HOA
	$PYTHON - "$1" "$2" "$mon" <<'EOF'
import json, sys
ev, hoa, path = sys.argv[1:]
for line in open(path):
    line = line.strip()
    if not line:
        continue
    try:
        d = json.loads(line)
    except ValueError:
        continue
    if d.get("event") == ev and d.get("hoa") == hoa:
        sys.exit(0)
sys.exit(1)
EOF
}
if wait_for 10 has_event kbm-new "$HOA3"; then ok "monitor -j receives kbm-new"; else not_ok "monitor -j receives kbm-new" "$(cat "$mon")"; fi
if wait_for 10 has_event kbm-del "$HOA3"; then ok "monitor -j receives kbm-del"; else not_ok "monitor -j receives kbm-del" "$(cat "$mon")"; fi
if grep -qi "$KEY" "$mon"; then not_ok "events never carry the key" "$(cat "$mon")"; else ok "events never carry the key"; fi
bad=$($PYTHON -c '
import json, sys
for l in open(sys.argv[1]):
    if l.strip():
        try:
            d = json.loads(l)
            assert isinstance(d, dict) and "event" in d
        except Exception:
            print(repr(l)); break
' "$mon")
check_eq "monitor -j prints one JSON object per line" "" "$bad"
kill $monpid 2>/dev/null
wait $monpid 2>/dev/null

# ---------------------------------------------------------------- stats
st=$(cli "$NS_CN" -j stats 2>&1)
res=$($PYTHON -c '
import json, sys
d = json.loads(sys.stdin.read())
assert isinstance(d, dict), "not an object"
need = "mh_rx mh_malformed bu_accepted auth_fail replay hao_accepted hao_dropped ba_sent be_sent".split()
bad = [k for k in need if not isinstance(d.get(k), int) or isinstance(d.get(k), bool)]
assert not bad, "missing or not integer: %s" % bad
print("ok")' <<<"$st" 2>&1)
check_eq "stats -j is one object with the integer counters" ok "$res"
check_fail "stats reset as uid 65534 fails with exit 2" 2 in_ns "$NS_CN" setpriv --reuid=65534 --regid=65534 --clear-groups "$MIP6SEC_CLI" stats reset
r=$(in_ns "$NS_CN" setpriv --reuid=65534 --regid=65534 --clear-groups $NLCRAFT stats-reset 2>&1)
check_eq "stats-reset as uid 65534: kernel says EPERM" EPERM "$(nl_field errno "$r")"
check "stats reset as root" cli "$NS_CN" stats reset

# ---------------------------------------------------------------- bindings
out=$(cli "$NS_CN" -j binding show 2>&1)
check_eq "binding show -j on an empty cache is []" "[]" "$(echo "$out" | tr -d ' \n')"

check "kbm del HOA" cli "$NS_CN" kbm del "$HOA"
out=$(cli "$NS_CN" -j kbm show 2>&1)
check_eq "kbm table empty again" "[]" "$(echo "$out" | tr -d ' \n')"

ktap_finished
