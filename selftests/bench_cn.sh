#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench, guest side: run inside the VM by selftests/vm/guest.sh (via
# bench/run.sh, which prebuilt the packets, the tools and the config in
# build/bench/). Not part of make check. Measures, in the mn/cn namespaces:
#  (a) UDP packets with a Home Address option, delivered through mip6sec
#      (a binding from a real BU) vs through the kernel's wildcard hao xfrm
#      state + policy with the module unloaded: rounds of one run each,
#      module first in odd rounds, kernel first in even ones;
#  (b) Binding Updates verified per second (sender and stack included) vs
#      the raw HMAC-SHA1 cost (bench/hmacbench, same crypto driver), plus
#      the same BUs with a wrong authenticator (verification without the
#      binding update) and a baseline of same-size packets without a
#      Mobility Header (packet I/O only);
#  (c) slab and vmalloc growth for N Kbms, then for N bindings;
#  (d) Home Test Init messages answered per second (rr=kernel,
#      rr_ratelimit=0: one HMAC-SHA1 and one Home Test each) vs the raw
#      HMAC-SHA1 over the same 25 octets in the same three updates, plus
#      same-size packets without a Mobility Header.
# Raw results go to the console as "m6bench: KIND JSON" lines, which
# bench/report.py turns into the report. The TAP lines only say whether each
# step worked: no performance threshold fails.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

require_root
require_cmd ip
require_cli
require_module
ktap_print_header

BDIR=$TOP_DIR/build/bench
[ -r "$BDIR/config.sh" ] || ksft_skip_all "no $BDIR/config.sh (run bench/run.sh)"
# shellcheck source=/dev/null
. "$BDIR/config.sh"
ROUNDS=${BENCH_ROUNDS:-5}
HAO_N=${BENCH_HAO_N:-100000}
HAO_SECS=${BENCH_HAO_SECS:-3}
MEM_N=${BENCH_MEM_N:-100000}
KBM_SECS=${BENCH_KBM_SECS:-150}
SEND=$BDIR/pktsend
RECV=$BDIR/udprecv
for f in "$SEND" "$RECV" "$BDIR/meta.json" "$BDIR/hao.bin" "$BDIR/bu_bad.bin" "$BDIR/bu_mem.bin" \
	"$BDIR/hoti.bin" "$BDIR/null_hoti.bin" "$HMACBENCH_KO"; do
	[ -r "$f" ] || ksft_skip_all "missing $f (run bench/run.sh)"
done

netns_setup_or_skip
TMP=$(mktemp -d)
trap 'netns_cleanup; rm -rf "$TMP"' EXIT

meta() { $PYTHON -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$BDIR/meta.json" "$1"; }
CN=$(meta cn)
HOA_A=$(meta hoa_a)
KEY_A=$(meta key_a)
HOA_R=$(meta hoa_r)
KEY_R=$(meta key_r)
PORT=$(meta udp_port)
N_RATE=$(meta n_rate)
N_HOT=$(meta n_hot)
HOT_SRC=$(meta hot_src)
MAC=$(ip -n "$NS_CN" -o link show "$IF_CN" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
MN_MAC=$(ip -n "$NS_MN" -o link show "$IF_MN" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
sysctl -qw net.core.netdev_max_backlog=100000 2>/dev/null

emit() { echo "m6bench: $1 $2"; } # emit KIND JSON
up() { cut -d' ' -f1 /proc/uptime; }

stat_json() { cli "$NS_CN" -j stats 2>/dev/null || echo '{}'; }
# counter KEY[|ALT...] FILE: one counter from a saved "mip6sec -j stats", 0
# when absent (the CLI names counters it does not know stat_N)
counter() {
	local k v
	for k in ${1//|/ }; do
		v=$(json_get "$k" <"$2")
		[ -n "$v" ] && break
	done
	echo "${v:-0}"
}

# wait_stable FILE [COUNTER]: poll the stats until COUNTER (bu_rx) stops
# moving; leaves them in FILE
wait_stable() {
	local prev=-1 cur _
	for _ in $(seq 1 100); do
		stat_json >"$1"
		cur=$(counter "${2:-bu_rx}" "$1")
		[ "$cur" = "$prev" ] && return 0
		prev=$cur
		sleep 0.3
	done
}

# delta_json S0 S1 COUNTER[|ALT]...: {"COUNTER": S1 - S0, ...}
delta_json() {
	local s0=$1 s1=$2 k d="{"
	shift 2
	for k in "$@"; do
		d+="\"${k%%|*}\": $(($(counter "$k" "$s1") - $(counter "$k" "$s0"))), "
	done
	echo "${d%, }}"
}

# hmacbench KIND ROUND NAME ARGS...: raw HMAC-SHA1 with the same kernel
# crypto (bench/hmacbench, ARGS its parameters), emitted as KIND
hmacbench() {
	local kind=$1 r=$2 name=$3 hm
	shift 3
	if insmod "$HMACBENCH_KO" "$@" msecs=1000; then
		hm=$(dmesg | grep 'hmacbench: driver=' | tail -n 2 | sed 's/.*hmacbench: //' | tr '\n' ';')
		rmmod hmacbench
		emit "$kind" "{\"round\": $r, \"lines\": \"$hm\"}"
		ok "$name round $r: hmacbench"
	else
		not_ok "$name round $r: hmacbench insmod"
	fi
}

bu_accepted_min() { [ "$(stat_get "$NS_CN" bu_accepted 2>/dev/null)" -ge "$1" ] 2>/dev/null; }

# Module reloaded (fresh counters, Kbms, bindings) with PARAM=VALUE...
reload() { module_unload && module_load "$@" && module_loaded; }

# --------------------------------------------------------------- (a) HAO rate
hao_round() { # hao_round ROUND module|kernel
	local r=$1 mode=$2 snd rcv extra='{}' rpid pk got
	if [ "$mode" = module ]; then
		reload || { not_ok "hao round $r $mode: load module"; return; }
		cli "$NS_CN" kbm add "$HOA_A" key "$KEY_A" cn "$CN" >/dev/null ||
			{ not_ok "hao round $r $mode: kbm add"; return; }
		in_ns "$NS_MN" "$SEND" "$IF_MN" "$MAC" "$BDIR/bu_one.bin" >/dev/null
		if ! wait_for 10 bu_accepted_min 1; then
			not_ok "hao round $r $mode: binding created by the BU" "$(stat_json)"
			return
		fi
	else
		module_unload || { not_ok "hao round $r $mode: rmmod"; return; }
		ip -n "$NS_CN" xfrm state add src :: dst :: proto hao mode ro coa :: flag wildrecv &&
			ip -n "$NS_CN" xfrm policy add src ::/0 dst ::/0 dir in priority 1000 \
				tmpl src :: dst :: proto hao mode ro level use ||
			{ not_ok "hao round $r $mode: xfrm state and policy"; return; }
	fi
	in_ns "$NS_CN" "$RECV" "$PORT" "$HAO_N" 1500 $((HAO_SECS + 30)) "$HOA_A" >"$TMP/recv" &
	rpid=$!
	wait_file_match "$READY_TIMEOUT" "$TMP/recv" '^ready' || diag "receiver not ready"
	snd=$(in_ns "$NS_MN" "$SEND" "$IF_MN" "$MAC" "$BDIR/hao.bin" -n "$HAO_N" -t "$HAO_SECS")
	wait "$rpid"
	rcv=$(sed -n 's/^{/{/p' "$TMP/recv")
	[ -n "$rcv" ] || rcv='{}'
	[ -n "$snd" ] || snd='{}'
	if [ "$mode" = module ]; then
		extra="{\"hao_accepted\": $(stat_get "$NS_CN" hao_accepted), \"hao_dropped\": $(stat_get "$NS_CN" hao_dropped)}"
	else
		pk=$(ip -n "$NS_CN" -s xfrm state | sed -n 's/.* \([0-9]*\)(packets).*/\1/p' | head -n1)
		extra="{\"xfrm_state_packets\": ${pk:-null}}"
		ip -n "$NS_CN" xfrm policy flush
		ip -n "$NS_CN" xfrm state flush
	fi
	emit hao "{\"round\": $r, \"mode\": \"$mode\", \"send\": $snd, \"recv\": $rcv, \"extra\": $extra}"
	got=$(json_get from_src <<<"$rcv")
	if [ "${got:-0}" -gt 0 ]; then
		ok "hao round $r $mode: ${got} datagrams from the home address"
	else
		not_ok "hao round $r $mode: datagrams from the home address" "send: $snd" "recv: $rcv"
	fi
}

diag "(a) HAO receive rate, $ROUNDS rounds of module + kernel, $HAO_N packets or ${HAO_SECS}s each ($(up)s)"
# Order module, kernel, kernel, module, ...: drift in the host's load
# (other VMs) weighs on both sides alike.
for r in $(seq 1 "$ROUNDS"); do
	if [ $((r % 2)) -eq 1 ]; then
		hao_round "$r" module
		hao_round "$r" kernel
	else
		hao_round "$r" kernel
		hao_round "$r" module
	fi
done

# --------------------------------------------------------------- (b) BU rate
bu_round() { # bu_round ROUND
	local r=$1 snd s0=$TMP/s0 s1=$TMP/s1 k
	reload || { not_ok "bu round $r: load module"; return; }
	cli "$NS_CN" kbm add "$HOA_R" key "$KEY_R" cn "$CN" >/dev/null ||
		{ not_ok "bu round $r: kbm add"; return; }
	stat_json >"$s0"
	snd=$(in_ns "$NS_MN" "$SEND" "$IF_MN" "$MAC" "$BDIR/bu_rate.bin")
	wait_stable "$s1"
	local d
	d=$(delta_json "$s0" "$s1" bu_rx bu_accepted auth_fail replay mh_malformed mh_rx)
	emit bu "{\"round\": $r, \"send\": ${snd:-null}, \"delta\": $d}"
	k=$(json_get bu_accepted <<<"$d")
	if [ "${k:-0}" -gt 0 ]; then
		ok "bu round $r: $k of $N_RATE Binding Updates accepted"
	else
		not_ok "bu round $r: Binding Updates accepted" "send: $snd" "delta: $d"
	fi
	# The same BUs with a wrong authenticator: parse and HMAC, then drop.
	stat_json >"$s0"
	snd=$(in_ns "$NS_MN" "$SEND" "$IF_MN" "$MAC" "$BDIR/bu_bad.bin")
	wait_stable "$s1"
	d=$(delta_json "$s0" "$s1" bu_rx bu_accepted auth_fail)
	emit bu_bad "{\"round\": $r, \"send\": ${snd:-null}, \"delta\": $d}"
	# Same number of packets of the same size, Next Header 59: packet I/O only.
	snd=$(in_ns "$NS_MN" "$SEND" "$IF_MN" "$MAC" "$BDIR/null.bin")
	emit null "{\"round\": $r, \"send\": ${snd:-null}}"
	# Raw HMAC-SHA1, same kernel crypto, same input length.
	hmacbench hmac "$r" bu len="$(meta hmac_input_len)"
}

diag "(b) Binding Update rate, $ROUNDS rounds of $N_RATE BUs ($(up)s)"
for r in $(seq 1 "$ROUNDS"); do
	bu_round "$r"
done

# --------------------------------------------------------------- (d) HoT rate
hot_round() { # hot_round ROUND
	local r=$1 snd s0=$TMP/s0 s1=$TMP/s1 k d
	stat_json >"$s0"
	snd=$(in_ns "$NS_MN" "$SEND" "$IF_MN" "$MAC" "$BDIR/hoti.bin")
	wait_stable "$s1" rr_hoti_rx
	d=$(delta_json "$s0" "$s1" rr_hoti_rx rr_hot_sent rr_ratelimited rr_init_dropped mh_rx mh_malformed)
	emit hot "{\"round\": $r, \"send\": ${snd:-null}, \"delta\": $d}"
	k=$(json_get rr_hot_sent <<<"$d")
	if [ "${k:-0}" -gt 0 ]; then
		ok "hot round $r: $k of $N_HOT Home Test Inits answered"
	else
		not_ok "hot round $r: Home Test Inits answered" "send: $snd" "delta: $d"
	fi
	snd=$(in_ns "$NS_MN" "$SEND" "$IF_MN" "$MAC" "$BDIR/null_hoti.bin")
	emit hot_null "{\"round\": $r, \"send\": ${snd:-null}}"
	# The keygen token: HMAC-SHA1(Kcn, address | nonce | 0), three updates.
	hmacbench hot_hmac "$r" hot len="$(meta hot_hmac_input_len)" seglen="$(meta hot_hmac_seglen)"
}

diag "(d) Home Test rate, $ROUNDS rounds of $N_HOT HoTIs ($(up)s)"
# The Home Tests go to $HOT_SRC, a static neighbour on mn's link that no
# namespace holds: mn drops them on arrival, without a receive path. One
# load for the rounds: Home Test Inits leave no state but the nonces.
ip -n "$NS_CN" neigh replace "$HOT_SRC" lladdr "$MN_MAC" dev "$IF_CN" nud permanent
if reload rr=kernel rr_ratelimit=0; then
	for r in $(seq 1 "$ROUNDS"); do
		hot_round "$r"
	done
else
	not_ok "hot: load module with rr=kernel rr_ratelimit=0"
fi

# --------------------------------------------------------------- (c) memory
memsnap() { # memsnap NAME: /proc/meminfo and /proc/slabinfo into $TMP
	sync
	echo 3 >/proc/sys/vm/drop_caches	# page cache too: the packet files
	sleep 1
	cat /proc/meminfo >"$TMP/meminfo.$1"
	cat /proc/slabinfo >"$TMP/slabinfo.$1"
}

diag "(c) memory: $MEM_N Kbms and bindings ($(up)s)"
if reload max_bindings="$MEM_N" max_lifetime=262140; then
	memsnap 0
	kb=$(in_ns "$NS_CN" "$PYTHON" "$TOP_DIR/bench/kbm_bulk.py" "$BDIR/kbm_mem.bin" "$MEM_N" "$CN" "$KBM_SECS")
	[ -n "$kb" ] || kb='{}'
	emit kbm_add "$kb"
	nk=$(json_get added <<<"$kb")
	memsnap 1
	if [ "${nk:-0}" -gt 0 ]; then
		ok "memory: $nk Kbms provisioned"
		stat_json >"$TMP/s0"
		snd=$(in_ns "$NS_MN" "$SEND" "$IF_MN" "$MAC" "$BDIR/bu_mem.bin" -n "$nk")
		wait_stable "$TMP/s1"
		d=$(delta_json "$TMP/s0" "$TMP/s1" bu_rx bu_accepted auth_fail replay "bc_full|stat_24" mh_malformed)
		emit bu_new "{\"send\": ${snd:-null}, \"delta\": $d}"
		memsnap 2
		nb=$(cli "$NS_CN" -j binding show 2>/dev/null | $PYTHON -c 'import json,sys; d=json.load(sys.stdin); print(len(d) if isinstance(d, list) else len(next((v for v in d.values() if isinstance(v, list)), [])))' 2>/dev/null)
		emit mem "$($PYTHON - "$TMP" "${nk:-0}" "${nb:-0}" <<'PYEOF'
import json, sys
tmp, nk, nb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def meminfo(n):
    d = {}
    for l in open('%s/meminfo.%s' % (tmp, n)):
        k, v = l.split(':', 1)
        d[k] = int(v.split()[0])
    return d
def slab(n):
    d = {}
    for l in open('%s/slabinfo.%s' % (tmp, n)):
        if l.startswith(('slabinfo', '#')):
            continue
        f = l.split()
        d[f[0]] = (int(f[1]), int(f[2]), int(f[3]))   # active, total, objsize
    return d
m = [meminfo(i) for i in range(3)]
s = [slab(i) for i in range(3)]
def phase(a, b):
    caches = {}
    for c in set(s[a]) | set(s[b]):
        x, y = s[a].get(c, (0, 0, 0)), s[b].get(c, (0, 0, 0))
        da, dt = y[0] - x[0], y[1] - x[1]
        if da or dt:
            caches[c] = {'active_objs': da, 'objsize': y[2] or x[2],
                         'active_bytes': da * (y[2] or x[2]), 'total_bytes': dt * (y[2] or x[2])}
    top = dict(sorted(caches.items(), key=lambda kv: -abs(kv[1]['active_bytes']))[:8])
    return {
        'slab_kb': m[b]['Slab'] - m[a]['Slab'],
        'sunreclaim_kb': m[b]['SUnreclaim'] - m[a]['SUnreclaim'],
        'vmalloc_kb': m[b].get('VmallocUsed', 0) - m[a].get('VmallocUsed', 0),
        'percpu_kb': m[b].get('Percpu', 0) - m[a].get('Percpu', 0),
        'memfree_kb': m[b]['MemFree'] - m[a]['MemFree'],
        'kmalloc_active_bytes': sum(v['active_bytes'] for k, v in caches.items() if k.startswith('kmalloc-')),
        'all_active_bytes': sum(v['active_bytes'] for v in caches.values()),
        'top_caches': top,
    }
print(json.dumps({'kbms': nk, 'bindings_dumped': nb, 'kbm_phase': phase(0, 1), 'binding_phase': phase(1, 2)}))
PYEOF
)"
		ok "memory: measured ($nb bindings dumped)"
	else
		not_ok "memory: Kbms provisioned" "$kb"
	fi
	t0=$(up)
	if module_unload; then
		emit unload "{\"secs\": $(awk -v a="$t0" -v b="$(up)" 'BEGIN { print b - a }')}"
		ok "memory: module unloaded with $MEM_N Kbms"
	else
		not_ok "memory: rmmod"
	fi
else
	not_ok "memory: load module with max_bindings=$MEM_N"
fi
diag "done ($(up)s)"
ktap_finished
