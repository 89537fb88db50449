#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ksrc.sh [DIR]: the kernel's own test helpers, from linux-source-6.12:
# tools/net/ynl (the YNL Python library and cli.py), the genetlink YNL
# schemas, kselftest's ktap_helpers.sh and selftests/net/lib.sh. Extracted
# once into DIR (default build/ksrc of this tree, or a directory under
# /tmp when the tree is read-only) and printed. Exit 4 (kselftest skip)
# when the tarball is not installed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TARBALL=${LINUX_SOURCE_TARBALL:-$(ls /usr/src/linux-source-6.12.tar.xz 2>/dev/null || true)}
DEST=${1:-$ROOT/build/ksrc}
FILES=(
	'*/tools/net/ynl/*'
	'*/Documentation/netlink/genetlink*.yaml'
	'*/tools/testing/selftests/kselftest/ktap_helpers.sh'
	'*/tools/testing/selftests/net/lib.sh'
)

complete() {
	[ -f "$1/stamp" ] && [ -f "$1/tools/net/ynl/lib/ynl.py" ] &&
		[ -f "$1/tools/testing/selftests/kselftest/ktap_helpers.sh" ] &&
		[ -f "$1/tools/testing/selftests/net/lib.sh" ]
}

if complete "$DEST"; then
	echo "$DEST"
	exit 0
fi
if [ -z "$TARBALL" ]; then
	echo "ksrc.sh: /usr/src/linux-source-6.12.tar.xz missing (apt-get install linux-source-6.12)" >&2
	exit 4
fi
if ! mkdir -p "$DEST" 2>/dev/null || [ ! -w "$DEST" ]; then
	DEST=${TMPDIR:-/tmp}/mip6sec-ksrc
	complete "$DEST" && { echo "$DEST"; exit 0; }
	mkdir -p "$DEST"
fi
tar -xJf "$TARBALL" -C "$DEST" --strip-components=1 --wildcards "${FILES[@]}"
touch "$DEST/stamp"
echo "$DEST"
