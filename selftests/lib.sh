#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for the mip6sec kselftest-style shell tests. Source it:
#
#   . "$(dirname "$0")/lib.sh"
#   require_root; require_module; netns_setup
#   ktap_plan 3
#   check "kbm add" cli cn kbm add 2001:db8:1::2 key "$KEY"
#   ...
#   ktap_finished
#
# Output is TAP 13 ("ok N name", "not ok N name", "ok N name # SKIP why");
# diagnostics start with "# ". Exit: 0 all passed, 1 some failed, 4 (KSFT_SKIP)
# when the whole test cannot run here.
#
# Environment:
#   MIP6SEC_KO   path of mip6sec.ko (loaded by require_module when needed)
#   MIP6SEC_CLI  path of the CLI (default: userspace/mip6sec in this tree)
#   PYTHON       python3 with scapy (default: /usr/bin/python3 when present)

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

SELFTESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP_DIR=$(cd "$SELFTESTS_DIR/.." && pwd)
MIP6SEC_CLI=${MIP6SEC_CLI:-$TOP_DIR/userspace/mip6sec}
MIP6SEC_KO=${MIP6SEC_KO:-}
if [ -z "${PYTHON:-}" ]; then
	if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
fi
NLCRAFT="$PYTHON $SELFTESTS_DIR/nlcraft.py"

# Namespaces and addresses of the standard topology.
NS_MN=${NS_MN:-mn}
NS_CN=${NS_CN:-cn}
ADDR_MN=2001:db8:1::2
ADDR_CN=2001:db8:1::1
IF_MN=veth-mn
IF_CN=veth-cn

_ktap_n=0
_ktap_fail=0
_ktap_skip=0
_ktap_plan=

# ------------------------------------------------------------------ TAP

ktap_print_header() { echo "TAP version 13"; }

ktap_plan() { # ktap_plan N
	_ktap_plan=$1
	echo "1..$1"
}

diag() { echo "# $*"; }

ok() { # ok NAME
	_ktap_n=$((_ktap_n + 1))
	echo "ok $_ktap_n $*"
}

not_ok() { # not_ok NAME [DETAIL...]: DETAIL lines go out as diagnostics
	_ktap_n=$((_ktap_n + 1))
	_ktap_fail=$((_ktap_fail + 1))
	echo "not ok $_ktap_n $1"
	shift
	local l
	for l in "$@"; do
		printf '%s\n' "$l" | sed 's/^/#   /'
	done
}

skip() { # skip NAME REASON
	_ktap_n=$((_ktap_n + 1))
	_ktap_skip=$((_ktap_skip + 1))
	echo "ok $_ktap_n $1 # SKIP ${2:-}"
}

result() { # result STATUS NAME [DETAIL...]: 0 = ok, anything else = not ok
	local st=$1
	shift
	if [ "$st" -eq 0 ]; then ok "$1"; else not_ok "$@"; fi
}

check() { # check NAME CMD...: ok when CMD succeeds; its output becomes diagnostics on failure
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then ok "$name"; else not_ok "$name" "command: $*" "exit $rc" "$out"; fi
	return $rc
}

check_fail() { # check_fail NAME RC CMD...: ok when CMD exits with RC (or non-zero if RC is "any")
	local name=$1 want=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if { [ "$want" = any ] && [ $rc -ne 0 ]; } || [ "$rc" = "$want" ]; then
		ok "$name"
		return 0
	fi
	not_ok "$name" "command: $*" "expected exit $want, got $rc" "$out"
	return 1
}

check_eq() { # check_eq NAME EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "expected: $2" "got:      $3"
	fi
}

ktap_finished() { # exit with the kselftest status matching the results
	if [ -n "$_ktap_plan" ] && [ "$_ktap_n" -ne "$_ktap_plan" ]; then
		diag "planned $_ktap_plan tests but ran $_ktap_n"
		[ "$_ktap_n" -lt "$_ktap_plan" ] && _ktap_fail=$((_ktap_fail + 1))
	fi
	diag "totals: pass:$((_ktap_n - _ktap_fail - _ktap_skip)) fail:$_ktap_fail skip:$_ktap_skip"
	if [ "$_ktap_fail" -gt 0 ]; then exit $KSFT_FAIL; fi
	if [ "$_ktap_n" -gt 0 ] && [ "$_ktap_skip" -eq "$_ktap_n" ]; then exit $KSFT_SKIP; fi
	exit $KSFT_PASS
}

ksft_skip_all() { # ksft_skip_all REASON: nothing can run here
	ktap_print_header
	echo "1..0 # SKIP $*"
	exit $KSFT_SKIP
}

# ------------------------------------------------------------------ requirements

require_root() {
	[ "$(id -u)" -eq 0 ] || ksft_skip_all "must be run as root"
}

require_cmd() { # require_cmd CMD...
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || ksft_skip_all "$c not installed"
	done
}

require_cli() {
	[ -x "$MIP6SEC_CLI" ] || ksft_skip_all "CLI $MIP6SEC_CLI not built (make -C userspace)"
}

require_scapy() {
	$PYTHON -c 'import scapy.layers.inet6' 2>/dev/null || ksft_skip_all "python3-scapy not installed"
}

module_loaded() { [ -d /sys/module/mip6sec ]; }

module_load() { # module_load [PARAM=VALUE...]: (re)load with parameters
	if module_loaded; then rmmod mip6sec || return 1; fi
	if [ -n "$MIP6SEC_KO" ] && [ "$MIP6SEC_KO" != none ]; then
		local d
		for d in $(modinfo -F depends "$MIP6SEC_KO" 2>/dev/null | tr , ' '); do
			modprobe "$d" || return 1
		done
		insmod "$MIP6SEC_KO" "$@"
	else
		modprobe mip6sec "$@"
	fi
}

module_unload() { ! module_loaded || rmmod mip6sec; }

require_module() { # load the module unless it is there; skip when it cannot be
	module_loaded && return 0
	module_load >/dev/null 2>&1 || ksft_skip_all "cannot load mip6sec (set MIP6SEC_KO)"
	module_loaded || ksft_skip_all "mip6sec not loaded"
}

# ------------------------------------------------------------------ netns

in_ns() { # in_ns NS CMD...
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# cli and nlcraft enter NS themselves (mip6sec -n, nlcraft --netns): one
# exec instead of two ("ip netns exec" first), which is most of their cost
# on the debug kernel.
cli() { # cli NS ARGS...: run the CLI in namespace NS ("-" = current namespace)
	local ns=$1
	shift
	if [ "$ns" = - ]; then
		"$MIP6SEC_CLI" "$@"
	else
		"$MIP6SEC_CLI" -n "$ns" "$@"
	fi
}

nlcraft() { # nlcraft NS ARGS...: the raw genetlink crafter in namespace NS
	local ns=$1
	shift
	if [ "$ns" = - ]; then
		$NLCRAFT "$@"
	else
		$NLCRAFT --netns="$ns" "$@"
	fi
}

as_nobody() { # as_nobody CMD...: run unprivileged (uid/gid 65534, no groups, no caps)
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all -- "$@"
}

_bg_pids=()
bg_track() { _bg_pids+=("$1"); }

netns_cleanup() {
	local p ns
	for p in "${_bg_pids[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	_bg_pids=()
	# Whatever the tests started inside the namespaces goes with them.
	for ns in "$NS_MN" "$NS_CN"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill "$p" 2>/dev/null
		done
	done
	ip netns del "$NS_MN" 2>/dev/null
	ip netns del "$NS_CN" 2>/dev/null
	return 0
}

netns_setup() { # two namespaces joined by a veth pair, IPv6 without DAD
	netns_cleanup
	ip netns add "$NS_MN" || return 1
	ip netns add "$NS_CN" || return 1
	ip -n "$NS_MN" link add "$IF_MN" type veth peer name "$IF_CN" netns "$NS_CN" || return 1
	local ns
	for ns in "$NS_MN" "$NS_CN"; do
		ip -n "$ns" link set lo up
		in_ns "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	done
	ip -n "$NS_MN" addr add "$ADDR_MN/64" dev "$IF_MN" nodad || return 1
	ip -n "$NS_CN" addr add "$ADDR_CN/64" dev "$IF_CN" nodad || return 1
	ip -n "$NS_MN" link set "$IF_MN" up || return 1
	ip -n "$NS_CN" link set "$IF_CN" up || return 1
	# Resolve the neighbours once when ping is there (optional).
	if command -v ping >/dev/null 2>&1; then
		wait_for 10 in_ns "$NS_MN" ping -6 -c1 -W1 -q "$ADDR_CN" >/dev/null 2>&1
	fi
	return 0
}

netns_setup_or_skip() {
	trap netns_cleanup EXIT
	netns_setup || ksft_skip_all "cannot set up the mn/cn namespaces (veth, ip netns)"
}

# ------------------------------------------------------------------ waiting

wait_for() { # wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds
	local deadline=$((SECONDS + $1))
	shift
	while :; do
		"$@" && return 0
		[ $SECONDS -ge $deadline ] && return 1
		sleep 0.1
	done
}

# How long a helper (scapy, a receiver) may take to say it is ready: on
# a busy host under TCG, starting python alone has taken over a minute.
READY_TIMEOUT=${READY_TIMEOUT:-300}
wait_file_match() { # wait_file_match SECONDS FILE REGEX
	wait_for "$1" grep -qE "$3" "$2"
}

# ------------------------------------------------------------------ JSON

json_get() { # json_get KEY: read one JSON object on stdin, print .KEY (empty if absent)
	$PYTHON -c '
import json, sys
try:
    d = json.load(sys.stdin)
except Exception:
    sys.exit(1)
for k in sys.argv[1].split("."):
    if isinstance(d, list):
        d = d[int(k)]
    elif isinstance(d, dict) and k in d:
        d = d[k]
    else:
        sys.exit(0)
print(json.dumps(d) if isinstance(d, (dict, list)) else d)
' "$1"
}

stat_get() { # stat_get NS COUNTER: one counter from "mip6sec -j stats"
	cli "$1" -j stats | json_get "$2"
}

# ------------------------------------------------------------------ packets
# mhpkt NS MODE ARGS...: Mobility Header / Home Address option packet tool
# (scapy builds the IPv6 and destination-options headers, the MH bytes and
# their checksum are computed here, not by scapy), run in namespace NS.
#   mhpkt mn serve DST            read "KIND MARKER [hao=ADDR] [csum_src=ADDR]"
#                                 lines on stdin, send each, answer "sent KIND"
#   mhpkt mn flood DST SECONDS    send a mix of every kind for SECONDS at most
#                                 (SIGTERM ends it early)
#   mhpkt cn recv SECONDS         raw IPPROTO_MH socket; prints "ready", then
#                                 one JSON line {"type", "marker"} per message
# KIND: hoti bu bad-proto bad-len truncated bad-opt bad-csum hao-udp hao-bu
read -r -d '' MHPKT_PY <<'PYEOF' || true
import json, os, select, socket, struct, sys, time

IPPROTO_MH = 135
A6 = lambda a: socket.inet_pton(socket.AF_INET6, a)


def fold(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def l4_csum(src, dst, proto, payload):
    """Internet checksum with the IPv6 pseudo-header (RFC 8200 8.1)."""
    ph = A6(src) + A6(dst) + struct.pack('!I3xB', len(payload), proto)
    return ~fold(ph + payload) & 0xffff


def mh_msg(mtype, body, hdrlen=None, proto=59):
    """MH: Payload Proto, Header Len, MH Type, Reserved, Checksum, body."""
    total = 6 + len(body)
    if hdrlen is None:
        hdrlen = total // 8 - 1
    return bytearray(struct.pack('!BBBBH', proto, hdrlen, mtype, 0, 0) + body)


def hoti(marker):
    return mh_msg(1, struct.pack('!HQ', 0, marker))              # 16 octets, len 1


def bu(marker, opts=b'\x01\x02\x00\x00'):
    # Sequence, A flag, lifetime 16 (x 4 s), then options (PadN 4 by default)
    return mh_msg(5, struct.pack('!HHH', marker & 0xffff, 0x8000, 16) + opts)


def build(kind, marker, src, dst, hoa=None, csum_src=None):
    from scapy.layers.inet6 import IPv6, IPv6ExtHdrDestOpt, HAO, PadN
    from scapy.layers.inet import UDP
    from scapy.packet import Raw
    bad_csum = False
    if kind == 'hoti':
        m = hoti(marker)
    elif kind in ('bu', 'hao-bu'):
        m = bu(marker)
    elif kind == 'bad-proto':
        m = hoti(marker)
        m[0] = 6                                     # Payload Proto must be 59
    elif kind == 'bad-len':
        m = mh_msg(5, struct.pack('!H', marker & 0xffff), hdrlen=0)   # BU needs len >= 1
    elif kind == 'truncated':
        m = hoti(marker)
        m[1] = 3                                     # claims 32 octets, has 16
    elif kind == 'bad-opt':
        m = bu(marker, opts=b'\x01\x0a\x00\x00')     # PadN of 10 in the last 4 octets
    elif kind == 'bad-csum':
        m = hoti(marker)
        bad_csum = True
    elif kind == 'hao-udp':
        m = None
    else:
        raise ValueError('unknown kind ' + kind)
    if kind.startswith('hao-') and hoa is None:
        hoa = '2001:db8:2::10'
    if m is not None:
        ck_src = csum_src or hoa or src
        c = l4_csum(ck_src, dst, IPPROTO_MH, bytes(m))
        if bad_csum:
            c ^= 0x5a5a
        struct.pack_into('!H', m, 4, c)
        upper, nh = bytes(m), IPPROTO_MH
    else:
        # per kernel-notes point 4: checksum over the home address
        udp = IPv6(src=hoa, dst=dst) / UDP(sport=40000 + (marker & 0xff), dport=9) / Raw(struct.pack('!Q', marker))
        upper, nh = bytes(udp)[40:], 17
    if hoa:
        pkt = IPv6(src=src, dst=dst, nh=60) / IPv6ExtHdrDestOpt(
            nh=nh, options=[PadN(optdata=b'\0\0'), HAO(hoa=hoa)]) / Raw(upper)
    else:
        pkt = IPv6(src=src, dst=dst, nh=nh) / Raw(upper)
    return bytes(pkt)


def src_for(dst):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.connect((dst, 9))
    a = s.getsockname()[0]
    s.close()
    return a


def main(argv):
    mode = argv[0]
    if mode == 'recv':
        secs = float(argv[1])
        s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, IPPROTO_MH)
        print('ready', flush=True)
        end = time.time() + secs
        while time.time() < end:
            r, _, _ = select.select([s], [], [], 0.2)
            if not r:
                continue
            data, addr = s.recvfrom(65535)
            t = data[2] if len(data) > 2 else -1
            mk = None
            if t == 1 and len(data) >= 16:
                mk = struct.unpack_from('!Q', data, 8)[0]
            elif t == 5 and len(data) >= 8:
                mk = struct.unpack_from('!H', data, 6)[0]
            print(json.dumps({'type': t, 'marker': mk, 'src': addr[0], 'len': len(data)}), flush=True)
        return 0
    dst = argv[1]
    src = src_for(dst)
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
    if mode == 'serve':
        print('ready', flush=True)
        for line in sys.stdin:
            w = line.split()
            if not w:
                continue
            if w[0] == 'quit':
                break
            kw = dict(x.split('=', 1) for x in w[2:])
            try:
                s.sendto(build(w[0], int(w[1], 0), src, dst, **kw), (dst, 0))
                print('sent ' + w[0], flush=True)
            except Exception as e:
                print('error %s: %s' % (w[0], e), flush=True)
        return 0
    if mode == 'flood':
        secs = float(argv[2])
        kinds = ['hoti', 'bu', 'bad-proto', 'bad-len', 'truncated', 'bad-opt',
                 'bad-csum', 'hao-udp', 'hao-bu']
        pkts = [build(k, i + 1, src, dst) for i, k in enumerate(kinds)]
        n = 0
        stop = []
        import signal
        signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
        print('flooding', flush=True)
        end = time.time() + secs
        while time.time() < end and not stop:
            for p in pkts:
                try:
                    s.sendto(p, (dst, 0))
                    n += 1
                except OSError:
                    time.sleep(0.01)
        print('flood sent %d packets' % n, flush=True)
        return 0
    print('mhpkt: unknown mode ' + mode, file=sys.stderr)
    return 2


sys.exit(main(sys.argv[1:]))
PYEOF

# ---------------------------------------------------------------- counters
# snap S0; ...; snap S1; then check_delta NAME COUNTER N or check_deltas
# NAME COUNTER=N...: how much counters of netns $NS_CN (or another) moved.
# Counter names from the uapi header, so that counters the CLI prints by
# number ("stat_22") are found under their name too.
declare -A STAT_NUM
while read -r name num; do
	STAT_NUM[$name]=$num
done < <(awk '/^enum mip6sec_stat_attrs/{f=1;i=0;next} f&&/^};/{f=0}
	f&&/^\tMIP6SEC_STAT_[A-Z_0-9]+,/{n=$1; sub(/,$/,"",n); sub(/MIP6SEC_STAT_/,"",n); print tolower(n), i; i++}' \
	"$TOP_DIR/include/uapi/linux/mip6sec.h")

declare -A S0 S1
_alias_noted=
snap() { # snap ARRAY [NS]: counters of NS (default cn) from "mip6sec -j stats"
	local -n arr=$1
	local ns=${2:-$NS_CN} k v n
	arr=()
	while IFS=: read -r k v; do
		k=${k//\"/}
		arr[$k]=$v
	done < <(cli "$ns" -j stats 2>/dev/null | grep -oE '"[a-z_0-9]+": ?[0-9]+' | tr -d ' ')
	for n in "${!STAT_NUM[@]}"; do
		if [ -z "${arr[$n]+x}" ] && [ -n "${arr[stat_${STAT_NUM[$n]}]+x}" ]; then
			arr[$n]=${arr[stat_${STAT_NUM[$n]}]}
			case " $_alias_noted " in *" $n "*) ;; *)
				_alias_noted+=" $n"
				diag "CLI prints counter $n as stat_${STAT_NUM[$n]}" ;;
			esac
		fi
	done
}
delta() { echo $((${S1[$1]:-0} - ${S0[$1]:-0})); }
stats_diff() {
	local k out=
	for k in "${!S1[@]}"; do
		case $k in stat_*) continue ;; esac
		[ "${S1[$k]}" != "${S0[$k]:-0}" ] && out+="$k:+$(delta "$k") "
	done
	echo "changed counters: ${out:-none}"
}
check_delta() { # check_delta NAME COUNTER WANT (S0/S1 taken by the caller)
	if [ -z "${S1[$2]+x}" ]; then
		not_ok "$1" "counter $2 missing from 'mip6sec -j stats'"
		return
	fi
	local d
	d=$(delta "$2")
	if [ "$d" -eq "$3" ]; then ok "$1"; else not_ok "$1" "$2 changed by $d, expected $3" "$(stats_diff)"; fi
}
check_deltas() { # check_deltas NAME COUNTER=WANT...: one assertion for several counters
	local name=$1 kv c w bad=
	shift
	for kv in "$@"; do
		c=${kv%=*} w=${kv#*=}
		if [ -z "${S1[$c]+x}" ]; then bad+="$c missing from 'mip6sec -j stats'; "; continue; fi
		[ "$(delta "$c")" -eq "$w" ] || bad+="$c changed by $(delta "$c"), expected $w; "
	done
	if [ -z "$bad" ]; then ok "$name"; else not_ok "$name" "$bad" "$(stats_diff)"; fi
}
wait_delta() { # wait_delta SECONDS COUNTER MIN [NS]: poll S1 until COUNTER rose by MIN
	local deadline=$((SECONDS + $1))
	while :; do
		snap S1 "${4:-$NS_CN}"
		[ "$(delta "$2")" -ge "$3" ] && return 0
		[ $SECONDS -ge $deadline ] && return 1
		sleep 0.2
	done
}


# ---------------------------------------------------------------- the mobile node
# selftests/mn.py serve in netns $NS_MN as a coprocess (MNP): mn_start,
# then one command per mn/mn_check call, mn_stop.
MN_OUT=
MNPY=$SELFTESTS_DIR/mn.py
mn_start() { # mn.py serve in netns mn as a coprocess
	coproc MNP { ip netns exec "$NS_MN" "$PYTHON" "$MNPY" serve 2>&1; }
	bg_track "$MNP_PID"
	local line
	read -r -t 90 line <&"${MNP[0]}"
	[ "$line" = ready ]
}
mn_stop() { [ -n "${MNP_PID:-}" ] && { echo quit >&"${MNP[1]}"; } 2>/dev/null; MNP_PID=; }
mn() { # mn ARGS...: one mn.py command in the coprocess; OK -> 0
	echo "$*" >&"${MNP[1]}"
	if ! read -r -t 60 MN_OUT <&"${MNP[0]}"; then
		MN_OUT="mn.py: no answer to: $*"
		return 2
	fi
	[[ $MN_OUT == OK* ]]
}
mn_check() { # mn_check NAME ARGS...
	local name=$1
	shift
	if mn "$@"; then ok "$name"; else not_ok "$name" "mn.py $*" "$MN_OUT"; fi
	[ -n "${VERBOSE:-}" ] && diag "$MN_OUT"
	return 0
}

mhpkt() { # mhpkt NS MODE ARGS...
	local ns=$1
	shift
	ip netns exec "$ns" "$PYTHON" -c "$MHPKT_PY" "$@"
}

mhpkt_bg() { # mhpkt_bg OUTFILE NS MODE ARGS...: in the background, pid in MHPKT_PID
	local out=$1 ns=$2
	shift 2
	ip netns exec "$ns" "$PYTHON" -c "$MHPKT_PY" "$@" >"$out" 2>&1 &
	MHPKT_PID=$!
	bg_track $MHPKT_PID
}
