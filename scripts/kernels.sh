#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the Debian kernels to build and test against, one per line: the
# newest installed generic 6.1 (6.1.*-amd64) and 6.12 (6.12.*-amd64) kernels
# that have both /boot/vmlinuz-K and /usr/src/linux-headers-K. Cloud and RT
# flavours are left out (the cloud 6.1 kernel has no 9p, which the VM needs).
# KERNELS="k1 k2" in the environment overrides the list.
set -euo pipefail

if [ -n "${KERNELS:-}" ]; then
	printf '%s\n' $KERNELS
	exit 0
fi

for series in 6.1 6.12; do
	for img in /boot/vmlinuz-"$series".*-amd64; do
		[ -e "$img" ] || continue
		k=${img#/boot/vmlinuz-}
		case "$k" in *-cloud-amd64 | *-rt-amd64) continue ;; esac
		[ -d "/usr/src/linux-headers-$k" ] || continue
		[ -r "/lib/modules/$k/modules.dep" ] || continue
		echo "$k"
	done | sort -V | tail -n 1
done
