#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: install what is needed, build for the Debian 6.1 kernel, boot it
# in a qemu VM and show the module at work (selftests/demo.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ "$(id -u)" -eq 0 ]; then
	bash scripts/deps.sh
fi
K=${KVER:-$(bash scripts/kernels.sh | sed -n 1p)}
[ -n "$K" ] || { echo "demo: no Debian kernel with headers found (run scripts/deps.sh as root)" >&2; exit 1; }

echo "== building mip6sec for $K"
make -s clean >/dev/null 2>&1 || true
make -s module KVER="$K" >/dev/null
make -s cli >/dev/null
mkdir -p "build/$K"
cp mip6sec.ko "build/$K/mip6sec.ko"

echo "== booting $K in qemu (TCG) and running the demo"
set +e
VM_VERBOSE=1 selftests/vm/run.sh "$K" "build/$K/mip6sec.ko" demo \
	>build/demo.log 2>&1
rc=$?
set -e
sed -n 's/^# console: demo| \{0,1\}//p' build/demo.log
if [ "$rc" -ne 0 ]; then
	echo "demo: the VM reported a failure; full log in build/demo.log" >&2
	grep -E '^(not ok|# vm)' build/demo.log >&2 || true
	exit 1
fi
echo "== done: $(grep -c '^ok' build/demo.log) steps passed (log: build/demo.log)"
