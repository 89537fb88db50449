#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo (make demo), run inside the VM by selftests/vm/guest.sh, which
# has loaded the module already; not part of make check. Every command is
# echoed with a "demo|" prefix so that scripts/demo.sh can show it apart
# from the rest of the console.
set -u

CLI=${MIP6SEC_CLI:?}
PATH=$(dirname "$CLI"):$PATH
KEY=$(od -An -tx1 -N20 /dev/urandom | tr -d ' \n')
step=0
say() { echo "demo| $*"; }
run() {
	say "\$ $*"
	"$@" 2>&1 | sed 's/^/demo|   /'
	return "${PIPESTATUS[0]}"
}
check() { # check NAME CMD...
	step=$((step + 1))
	if run "${@:2}"; then echo "ok $step $1"; else echo "not ok $step $1"; fi
}

echo "TAP version 13"
say "kernel $(uname -r); module parameters:"
for p in /sys/module/mip6sec/parameters/*; do
	say "  $(basename "$p") = $(cat "$p")"
done
(umask 077 && echo "$KEY" >/tmp/mn10.key)
check "provision a Kbm from a key file" \
	mip6sec kbm add 2001:db8:10::10 key-file /tmp/mn10.key cn 2001:db8:1::1
check "show Kbms (never the key)" mip6sec kbm show
check "show Kbms as JSON" mip6sec -j -p kbm show
check "show counters" mip6sec -j stats
check "delete the Kbm" mip6sec kbm del 2001:db8:10::10
check "unload the module" rmmod mip6sec
say "dmesg:"
dmesg | grep 'mip6sec: ' | tail -n 5 | sed 's/^/demo|   /'
echo "1..$step"
