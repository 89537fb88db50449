#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check that DKMS can build the module from the source tree that
# "make dkms-install" registers: dkms add, then dkms build for every test
# kernel, then remove everything again. Nothing is installed into
# /lib/modules (the VM tests share that directory). Needs root. TAP output.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

VERSION=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
SRC=/usr/src/mip6sec-$VERSION
n=0
fail=0
result() { # result RC NAME
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fail=1; fi
}
cleanup() {
	dkms remove "mip6sec/$VERSION" --all >/dev/null 2>&1
	rm -rf "$SRC"
}

echo "TAP version 13"
if [ "$(id -u)" -ne 0 ] || ! command -v dkms >/dev/null; then
	echo "1..0 # SKIP needs root and dkms"
	exit 4
fi
cleanup
mkdir -p "$SRC" && cp -a Kbuild Makefile dkms.conf kernel include "$SRC"/
dkms add "mip6sec/$VERSION" >/dev/null
result $? "dkms add mip6sec/$VERSION"
for k in $(bash scripts/kernels.sh); do
	out=$(dkms build "mip6sec/$VERSION" -k "$k" 2>&1)
	rc=$?
	[ $rc -eq 0 ] || echo "$out" | sed 's/^/# /'
	result $rc "dkms build for $k"
	ls /var/lib/dkms/mip6sec/"$VERSION"/"$k"/*/module/mip6sec.ko* >/dev/null 2>&1
	result $? "dkms produced mip6sec.ko for $k"
done
cleanup
[ ! -e "$SRC" ] && ! dkms status mip6sec 2>/dev/null | grep -q .
result $? "dkms remove leaves nothing behind"
echo "1..$n"
exit $fail
