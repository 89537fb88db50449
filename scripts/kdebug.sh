#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug kernel of the VM tests: KASAN, lockdep, kmemleak, UBSAN and
# friends (scripts/kdebug.config), built from Debian's linux-source-6.12 and
# cached outside the clone.
#
#   scripts/kdebug.sh [-v VARIANT] build   build unless cached; print the env
#   scripts/kdebug.sh [-v VARIANT] env     print the env of a cached kernel
#                                          (exit 1 when there is none)
#   scripts/kdebug.sh [-v VARIANT] hash    print the cache key
#
# VARIANT "debug" (default) merges scripts/kdebug.config; another NAME
# merges scripts/kdebug-NAME.config on top of it (e.g. a KCSAN kernel,
# which excludes KASAN). The env printed on stdout is shell assignments:
#   KDBG_KVER   kernel release (also the vermagic of modules built for it)
#   KDBG_DIR    the cache entry
#   KDBG_KDIR   headers tree for "make module KDIR=..."
#   VM_KERNEL   bzImage         } what selftests/vm/run.sh boots
#   VM_MODDIR   /lib/modules/KDBG_KVER of this kernel
#
# The cache key is a hash over the source package version and tarball, the
# config fragments, the compiler and linker versions and the build recipe
# (the code of the recipe_* functions below, not its comments). An
# entry ($MIP6SEC_CACHE/kdbg-VARIANT-KEY, default /var/cache/mip6sec, or
# ~/.cache/mip6sec when not root) keeps only the image, the modules
# directory, a headers tree for out-of-tree modules, the .config and the
# build log; the source and object trees are removed once built. A lock
# lets two runs that want the same kernel build it once. Only the
# KDBG_KEEP_ENTRIES (default 3) most recently used entries of a variant
# are kept: "rm -rf /var/cache/mip6sec" is always safe.
#
# Environment: KDBG_JOBS (default: number of CPUs), KDBG_NICE (default 10),
# KDBG_KEEP=1 keeps the object tree of a failed build, LINUX_SOURCE_TARBALL.
set -euo pipefail
# The whole script is one compound command, read before it runs: an edit
# during a long build cannot change what the running script does next.
{

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VARIANT=debug
if [ "${1:-}" = -v ]; then
	VARIANT=${2:?variant}
	shift 2
fi
CMD=${1:-build}

FRAGS=("$ROOT/scripts/kdebug.config")
if [ "$VARIANT" != debug ]; then
	FRAGS+=("$ROOT/scripts/kdebug-$VARIANT.config")
	[ -r "${FRAGS[1]}" ] || { echo "kdebug: no ${FRAGS[1]} for variant $VARIANT" >&2; exit 2; }
fi

if [ -n "${MIP6SEC_CACHE:-}" ]; then
	CACHE=$MIP6SEC_CACHE
elif [ "$(id -u)" -eq 0 ]; then
	CACHE=/var/cache/mip6sec
else
	CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/mip6sec
fi
TARBALL=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
SRCPKG=linux-source-6.12

log() { echo "kdebug: $*" >&2; }

# ------------------------------------------------------------------ recipe
# What makes the kernel. The cache key covers the code of these functions
# (declare -f: without the comments), not the rest of this script.

# recipe_config: the .config, every line of the fragments checked
recipe_config() {
	local f line bad=0
	tar -xJf "$TARBALL" -C "$SRC" --strip-components=1 || return 1
	# make foo.config finds fragments in kernel/configs/ of the source tree
	for f in "${FRAGS[@]}"; do
		cp "$f" "$SRC/kernel/configs/mip6sec-$(basename "$f")" || return 1
	done
	# shellcheck disable=SC2046
	"${KMAKE[@]}" defconfig kvm_guest.config \
		$(for f in "${FRAGS[@]}"; do echo "mip6sec-$(basename "$f")"; done) >"$WORK/config.log" 2>&1 ||
		{ tail -n 40 "$WORK/config.log" >&2; return 1; }
	for f in "${FRAGS[@]}"; do
		while IFS= read -r line; do
			if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
				grep -qxF "$line" "$OBJ/.config" || {
					log "$(basename "$f"): wanted $line, got: $(grep -E "^(# )?${BASH_REMATCH[1]}[= ]" "$OBJ/.config" || echo absent)"
					bad=1
				}
			elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
				! grep -qE "^${BASH_REMATCH[1]}=" "$OBJ/.config" || {
					log "$(basename "$f"): wanted ${BASH_REMATCH[1]} off, got: $(grep -E "^${BASH_REMATCH[1]}=" "$OBJ/.config")"
					bad=1
				}
			fi
		done <"$f"
	done
	[ "$bad" -eq 0 ] || { log "config fragment not applied as written"; return 1; }
}

# recipe_build: compile
recipe_build() {
	"${KMAKE[@]}" bzImage modules >"$WORK/build.log" 2>&1 && return 0
	grep -E 'error|Error' "$WORK/build.log" | head -n 20 >&2
	tail -n 20 "$WORK/build.log" >&2
	return 1
}

# recipe_install: image, modules directory, headers tree, .config in $OUT
recipe_install() {
	local krel
	krel=$(cat "$OBJ/include/config/kernel.release")
	"${KMAKE[@]}" modules_install INSTALL_MOD_PATH="$OUT" INSTALL_MOD_STRIP=1 >>"$WORK/build.log" 2>&1 &&
		rm -f "$OUT/lib/modules/$krel/build" "$OUT/lib/modules/$krel/source" &&
		"${KMAKE[@]}" run-command \
			KBUILD_RUN_COMMAND="\$(srctree)/scripts/package/install-extmod-build $OUT/headers" \
			>>"$WORK/build.log" 2>&1 &&
		cp "$OBJ/.config" "$OUT/headers/.config" &&
		cp "$OBJ/.config" "$OUT/config" &&
		ln -s ../../../headers "$OUT/lib/modules/$krel/build" &&
		cp "$OBJ/arch/x86/boot/bzImage" "$OUT/bzImage" &&
		echo "$krel" >"$OUT/kernel.release"
}

cache_key() {
	{
		echo "variant $VARIANT"
		dpkg-query -W -f='${Package} ${Version}\n' "$SRCPKG" 2>/dev/null || echo "no $SRCPKG"
		stat -L -c '%n %s %Y' "$TARBALL"
		sha256sum "${FRAGS[@]}" | cut -d' ' -f1
		declare -f recipe_config recipe_build recipe_install
		gcc --version | head -n1
		ld --version | head -n1
	} | sha256sum | cut -c1-16
}

[ -r "$TARBALL" ] || { log "$TARBALL missing (scripts/deps.sh installs $SRCPKG)"; exit 2; }
KEY=$(cache_key)
ENTRY=$CACHE/kdbg-$VARIANT-$KEY

print_env() {
	local kver
	kver=$(cat "$ENTRY/kernel.release")
	echo "KDBG_KVER=$kver"
	echo "KDBG_DIR=$ENTRY"
	echo "KDBG_KDIR=$ENTRY/headers"
	echo "VM_KERNEL=$ENTRY/bzImage"
	echo "VM_MODDIR=$ENTRY/lib/modules/$kver"
}
cached() { [ -f "$ENTRY/complete" ]; }

case "$CMD" in
hash) echo "$KEY"; exit 0 ;;
env)
	cached || { log "no cached $VARIANT kernel for key $KEY ($ENTRY)"; exit 1; }
	print_env
	exit 0
	;;
build) ;;
*) echo "usage: $0 [-v VARIANT] build|env|hash" >&2; exit 2 ;;
esac

mkdir -p "$CACHE/locks"
exec 9>"$CACHE/locks/$VARIANT-$KEY"
if ! flock -n 9; then
	log "another build of $ENTRY is running: waiting for it"
	flock 9
fi
if cached; then
	log "cached: $ENTRY"
	touch "$ENTRY/complete"	# most recently used
	print_env
	exit 0
fi

# What an interrupted build left (its lock is free), and all but the
# KDBG_KEEP_ENTRIES most recently used entries of this variant.
for w in "$CACHE"/work-*; do
	[ -d "$w" ] || continue
	k=${w#"$CACHE"/work-}
	(flock -n 8 && rm -rf "$w") 8>"$CACHE/locks/$k" || true
done
# shellcheck disable=SC2012
ls -1dt "$CACHE"/kdbg-"$VARIANT"-*/complete 2>/dev/null | tail -n +"${KDBG_KEEP_ENTRIES:-3}" |
	while read -r c; do
		e=${c%/complete}
		log "removing the old entry $e"
		rm -rf "$e" "$CACHE/locks/${e#"$CACHE"/kdbg-}"
	done || true

JOBS=${KDBG_JOBS:-$(nproc)}
WORK=$CACHE/work-$VARIANT-$KEY
SRC=$WORK/src
OBJ=$WORK/obj
OUT=$WORK/out
KMAKE=(nice -n "${KDBG_NICE:-10}" make -C "$SRC" O="$OBJ" -j"$JOBS")
rm -rf "$WORK"
mkdir -p "$SRC" "$OBJ" "$OUT"
cleanup() {
	if [ "${KDBG_KEEP:-0}" != 1 ]; then
		rm -rf "$WORK"
	else
		log "kept $WORK"
	fi
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP

t0=$SECONDS
log "building the $VARIANT kernel ($SRCPKG, key $KEY) with $JOBS jobs"
recipe_config || exit 1
log "configured in $((SECONDS - t0))s"
recipe_build || exit 1
log "compiled in $((SECONDS - t0))s"
recipe_install || { log "install failed, see $WORK/build.log"; exit 1; }
KREL=$(cat "$OUT/kernel.release")
xz -T1 -c "$WORK/build.log" >"$OUT/build.log.xz"
{
	echo "key $KEY"
	echo "built $(date -u +%FT%TZ) in $((SECONDS - t0))s with $JOBS jobs"
	dpkg-query -W -f='${Package} ${Version}\n' "$SRCPKG" 2>/dev/null || true
	gcc --version | head -n1
} >"$OUT/complete"

rm -rf "$ENTRY"
mv "$OUT" "$ENTRY"
log "built $KREL in $((SECONDS - t0))s: $ENTRY ($(du -sh "$ENTRY" | cut -f1))"
print_env
exit 0
}
