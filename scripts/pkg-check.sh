#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What an operator installs, checked on the host (stage "pkg" of make
# check; nothing is installed on the host, nothing loaded):
#   - one version: kernel/version.h, dkms.conf, debian/changelog, the
#     README's package names, mip6sec -V, and modinfo of built modules;
#   - mip6sec(8): built from rst, clean under man --warnings, found by
#     lexgrog, naming every command of the tool's own usage text;
#   - bash completion, driven through bash-completion;
#   - make install-user and make install into a scratch root (the module
#     signed with a scratch key; a bad key fails; no key: unsigned, said);
#   - make deb: both packages, their contents and dependencies.
# TAP on stdout; exit 0 when everything passed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
ROOT=$PWD

n=0
fail=0
result() { # result RC NAME [DETAIL...]
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		fail=$((fail + 1))
		shift 2
		local l
		for l in "$@"; do printf '%s\n' "$l" | sed 's/^/#   /'; done
	fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "TAP version 13"
VERSION=$(sed -n 's/^#define MIP6SEC_VERSION[[:space:]]*"\(.*\)"$/\1/p' kernel/version.h)
ARCH=$(dpkg --print-architecture)

# ------------------------------------------------------------------ version
result "$([ -n "$VERSION" ]; echo $?)" "kernel/version.h: MIP6SEC_VERSION is $VERSION"
v=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)
result "$([ "$v" = "$VERSION" ]; echo $?)" "dkms.conf: PACKAGE_VERSION $v" "want $VERSION"
v=$(dpkg-parsechangelog -SVersion)
result "$([ "$v" = "$VERSION" ]; echo $?)" "debian/changelog: version $v" "want $VERSION"
v=$(make -s --no-print-directory -f Makefile -f - print-version <<<'print-version: ; @echo $(VERSION)')
result "$([ "$v" = "$VERSION" ]; echo $?)" "Makefile: VERSION $v" "want $VERSION"
bad=$(grep -o 'mip6sec[a-z-]*_[0-9][^_]*_[a-z0-9]*\.deb' README.md | grep -v "_${VERSION}_" || true)
result "$([ -z "$bad" ]; echo $?)" "README.md: the package file names carry $VERSION" "$bad"
make -s -C userspace >/dev/null 2>&1
v=$(userspace/mip6sec -V | head -n1)
result "$([ "$v" = "mip6sec $VERSION" ]; echo $?)" "mip6sec -V: $v" "want mip6sec $VERSION"
for ko in build/*/mip6sec.ko; do
	[ -e "$ko" ] || continue
	v=$(modinfo -F version "$ko")
	result "$([ "$v" = "$VERSION" ]; echo $?)" "modinfo -F version $ko: $v" "want $VERSION"
done

# ------------------------------------------------------------------ man page
out=$(make -s man 2>&1)
result $? "make man (rst2man, counters and events from the spec)" "$out"
out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l build/man/mip6sec.8 2>&1 >"$tmp/man.txt")
result "$([ -z "$out" ] && [ -s "$tmp/man.txt" ]; echo $?)" "man --warnings: mip6sec(8) renders without a warning" "$out"
out=$(lexgrog build/man/mip6sec.8 2>&1)
result "$(grep -q 'mip6sec - configure Mobile IPv6 signalling security' <<<"$out"; echo $?)" \
	"lexgrog: mip6sec(8) has a NAME line whatis can use" "$out"
# Every "mip6sec OBJECT COMMAND" of the tool's usage is in the page.
missing=
while read -r obj cmd; do
	grep -q "mip6sec $obj $cmd\|mip6sec $obj {$cmd\|mip6sec $obj \[$cmd" <(tr -s ' ' <"$tmp/man.txt" | sed 's/^ *//') ||
		missing+="$obj $cmd; "
done < <(userspace/mip6sec help | sed 's/^Usage://' | awk '$1 == "mip6sec" && $2 ~ /^[a-z]+$/ && $3 ~ /^[a-z]/ { print $2, $3 }' | sort -u)
result "$([ -z "$missing" ]; echo $?)" "mip6sec(8) names every command of the tool's usage" "missing: $missing"
missing=
for o in $(userspace/mip6sec help | sed -n 's/.*OBJECT := { \(.*\) }.*/\1/p' | tr -d '|'); do
	grep -q "^ *$o: " "$tmp/man.txt" || missing+="$o "
done
result "$([ -z "$missing" ]; echo $?)" "mip6sec(8) has a section for every object" "missing: $missing"
missing=
for c in $(python3 -c '
import yaml
s = yaml.safe_load(open("Documentation/netlink/specs/mip6sec.yaml"))
st = next(a for a in s["attribute-sets"] if a["name"] == "stats")
print(" ".join(a["name"].replace("-", "_") for a in st["attributes"] if a["type"] != "pad"))'); do
	grep -qw -- "$c" "$tmp/man.txt" || missing+="$c "
done
result "$([ -z "$missing" ]; echo $?)" "mip6sec(8) lists every counter of the spec" "missing: $missing"

# ------------------------------------------------------------------ completion
if [ -r /usr/share/bash-completion/bash_completion ]; then
	cat >"$tmp/comp.sh" <<'EOF'
. /usr/share/bash-completion/bash_completion
. dist/mip6sec.bash-completion
comp() {
	local line="$1"
	COMP_LINE=$line
	COMP_POINT=${#line}
	read -ra COMP_WORDS <<<"$line"
	[[ $line == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_mip6sec mip6sec "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
	echo
}
EOF
	comp() { PATH=$ROOT/userspace:$PATH bash -c ". $tmp/comp.sh; comp \"\$1\"" _ "$1"; }
	ctest() { # ctest LINE WANT
		local got
		got=$(comp "$1")
		result "$([ "$got" = "$2" ]; echo $?)" "completion: '$1' -> $2" "got: $got"
	}
	objs=$(userspace/mip6sec help | sed -n 's/.*OBJECT := { \(.*\) }.*/\1/p' | tr -d '|' | tr -s ' ' '\n' | grep . | sort | tr '\n' ' ')
	ctest "mip6sec " "$(echo "$objs help" | tr ' ' '\n' | grep . | sort | tr '\n' ' ' | sed 's/ $//')"
	for o in $objs; do
		want=$(userspace/mip6sec "$o" help | sed 's/^Usage://' |
			awk -v o="$o" '$1 == "mip6sec" && $2 == o {
				if ($3 == "[" || $3 == "{") { for (i = 4; i <= NF && $i != "]" && $i != "}"; i++) if ($i != "|") print $i }
				else print $3 }' | sort -u | tr '\n' ' ')
		ctest "mip6sec $o " "$(echo "$want help" | tr ' ' '\n' | grep . | sort | tr '\n' ' ' | sed 's/ $//')"
	done
	ctest "mip6sec k" "kbm"
	ctest "mip6sec kbm add 2001:db8::1 " "-j -p cn key key-file"
	ctest "mip6sec kbm add 2001:db8::1 key-file dist/mip6sec.con" "dist/mip6sec.conf"
	ctest "mip6sec sa add nai a@b spi 300 use " "fbu mn-aaa mn-ha"
	ctest "mip6sec sa add nai a@b spi 300 use mn-ha replay " "seq timestamp"
	ctest "mip6sec sa add nai a@b spi 300 use mn-ha emsk-file /dev/null " \
		"-j -p emsk ha hoa home-prefix kdf-profile key key-file lifetime msk msk-file par replay session-id usrk usrk-file usrk-len"
	ctest "mip6sec derive mn-ha " "-j -p emsk ha kdf-profile session-id usrk"
	ctest "mip6sec derive mn-ha kdf-profile " "draft rfc5295"
	ctest "mip6sec stats show " "-a -j -p"
	ctest "mip6sec monitor " "-t -ts help"
	ctest "mip6sec -batch dist/mip6sec.con" "dist/mip6sec.conf"
	ctest "mip6sec -j st" "stats"
	ctest "mip6sec -n m6-x st" "stats"
	# the name after -netns is not taken for the object
	ctest "mip6sec -netns m6-x -j kbm " "$(comp "mip6sec kbm ")"
else
	result 1 "completion: /usr/share/bash-completion/bash_completion missing (scripts/deps.sh)"
fi

# ------------------------------------------------------------------ make install
dest=$tmp/root
out=$(make -s install-user DESTDIR="$dest" PREFIX=/usr/local 2>&1)
result $? "make install-user DESTDIR=... PREFIX=/usr/local" "$out"
missing=
for f in usr/local/sbin/mip6sec usr/local/share/man/man8/mip6sec.8 \
	usr/local/share/bash-completion/completions/mip6sec \
	usr/local/lib/systemd/system/mip6sec.service usr/local/lib/systemd/system/mip6sec-keyfollow.service \
	usr/local/lib/mip6sec/mip6sec-keyfollow etc/mip6sec/mip6sec.conf etc/mip6sec/keyfollow.conf \
	etc/modprobe.d/mip6sec.conf; do
	[ -e "$dest/$f" ] || missing+="$f "
done
result "$([ -z "$missing" ]; echo $?)" "install-user: tool, man page, completion, units, examples" "missing: $missing"
result "$(grep -qx 'ExecStart=/usr/local/sbin/mip6sec -batch /etc/mip6sec/mip6sec.conf' \
	"$dest/usr/local/lib/systemd/system/mip6sec.service"; echo $?)" "install-user: the unit runs the installed tool"
echo '# mine' >"$dest/etc/mip6sec/mip6sec.conf"
make -s install-user DESTDIR="$dest" PREFIX=/usr/local >/dev/null 2>&1
result "$([ "$(cat "$dest/etc/mip6sec/mip6sec.conf")" = '# mine' ]; echo $?)" "install-user keeps an existing mip6sec.conf"
for u in "$dest"/usr/local/lib/systemd/system/*.service; do
	out=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --root="$dest" "$u" 2>&1 |
		grep -v "is not executable\|Failed to\|not found\|Command 'man " || true)
	result "$([ -z "$out" ]; echo $?)" "systemd-analyze verify $(basename "$u")" "$out"
done

KVER=$(bash scripts/kernels.sh | tail -n 1)
if [ -n "$KVER" ]; then
	openssl req -new -x509 -nodes -days 1 -subj "/CN=mip6sec test key" -newkey rsa:2048 \
		-keyout "$tmp/sign.key" -outform DER -out "$tmp/sign.der" >/dev/null 2>&1
	mp=$tmp/mods
	out=$(make install KVER="$KVER" INSTALL_MOD_PATH="$mp" DESTDIR="$tmp/r2" \
		SIGN_KEY="$tmp/sign.key" SIGN_CERT="$tmp/sign.der" 2>&1)
	rc=$?
	ko=$(find "$mp/lib/modules/$KVER/updates" -name 'mip6sec.ko*' 2>/dev/null | head -n1)
	result "$([ $rc -eq 0 ] && [ -n "$ko" ]; echo $?)" "make install KVER=$KVER: module under updates/, depmod" \
		"exit $rc" "$(tail -n 5 <<<"$out")"
	result "$([ -n "$ko" ] && [ "$(modinfo -F signer "$ko")" = "mip6sec test key" ]; echo $?)" \
		"make install signs the module with SIGN_KEY" "signer: $([ -n "$ko" ] && modinfo -F signer "$ko")"
	result "$(! grep -qi 'sign-file\|SSL error\|signing_key' <<<"$out"; echo $?)" \
		"make install prints no signing error" "$(grep -i 'sign-file\|SSL error\|signing_key' <<<"$out" | head -3)"
	out=$(make install KVER="$KVER" INSTALL_MOD_PATH="$mp" DESTDIR="$tmp/r2" \
		SIGN_KEY="$tmp/none.key" SIGN_CERT="$tmp/sign.der" 2>&1)
	result "$([ $? -ne 0 ]; echo $?)" "make install with a missing SIGN_KEY fails" "$(tail -n 3 <<<"$out")"
	out=$(make install KVER="$KVER" INSTALL_MOD_PATH="$mp" DESTDIR="$tmp/r2" SIGN_KEY= SIGN_CERT= 2>&1)
	rc=$?
	result "$([ $rc -eq 0 ] && grep -q 'mip6sec.ko is not signed' <<<"$out"; echo $?)" \
		"make install without a key: installed, and says it is unsigned" "exit $rc" "$(tail -n 3 <<<"$out")"
	rm -f mip6sec.ko	# built for $KVER here; the module stages build their own
fi

# ------------------------------------------------------------------ packages
t=$SECONDS
out=$(make -s deb 2>&1)
rc=$?
echo "# make deb: $((SECONDS - t))s"
DKMS_DEB=build/deb/mip6sec-dkms_${VERSION}_all.deb
CLI_DEB=build/deb/mip6sec_${VERSION}_${ARCH}.deb
result "$([ $rc -eq 0 ] && [ -f "$DKMS_DEB" ] && [ -f "$CLI_DEB" ]; echo $?)" \
	"make deb: $(basename "$DKMS_DEB") and $(basename "$CLI_DEB")" "$(tail -n 10 <<<"$out")"
if [ -f "$DKMS_DEB" ] && [ -f "$CLI_DEB" ]; then
	c=$(dpkg-deb -c "$DKMS_DEB" | awk '{ print $6 }')
	missing=
	for f in Kbuild dkms.conf kernel/main.c kernel/version.h kernel/netlink.c include/uapi/linux/mip6sec.h; do
		grep -qx "./usr/src/mip6sec-$VERSION/$f" <<<"$c" || missing+="$f "
	done
	result "$([ -z "$missing" ]; echo $?)" "mip6sec-dkms: the module's source in /usr/src/mip6sec-$VERSION" "missing: $missing"
	dpkg-deb -x "$DKMS_DEB" "$tmp/dkms"
	result "$(grep -qx "PACKAGE_VERSION=\"$VERSION\"" "$tmp/dkms/usr/src/mip6sec-$VERSION/dkms.conf" &&
		grep -qx 'AUTOINSTALL="yes"' "$tmp/dkms/usr/src/mip6sec-$VERSION/dkms.conf"; echo $?)" \
		"mip6sec-dkms: dkms.conf $VERSION, AUTOINSTALL"
	dpkg-deb -e "$DKMS_DEB" "$tmp/dkms-ctl"
	result "$(grep -q 'dkms' "$tmp/dkms-ctl/postinst" && grep -q '^Depends:.*dkms' "$tmp/dkms-ctl/control"; echo $?)" \
		"mip6sec-dkms: depends on dkms, postinst builds with it (dh_dkms)"
	c=$(dpkg-deb -c "$CLI_DEB" | awk '{ print $6 }')
	missing=
	for f in usr/sbin/mip6sec usr/share/man/man8/mip6sec.8.gz usr/share/bash-completion/completions/mip6sec \
		usr/lib/systemd/system/mip6sec.service usr/lib/systemd/system/mip6sec-keyfollow.service \
		usr/lib/mip6sec/mip6sec-keyfollow etc/mip6sec/mip6sec.conf etc/mip6sec/keyfollow.conf \
		etc/modprobe.d/mip6sec.conf usr/share/doc/mip6sec/mip6sec.rst.gz; do
		grep -qx "./$f" <<<"$c" || missing+="$f "
	done
	result "$([ -z "$missing" ]; echo $?)" "mip6sec: tool, man page, completion, units, examples, guide" "missing: $missing"
	dpkg-deb -e "$CLI_DEB" "$tmp/cli-ctl"
	result "$(grep -qx /etc/mip6sec/mip6sec.conf "$tmp/cli-ctl/conffiles"; echo $?)" \
		"mip6sec: /etc/mip6sec/mip6sec.conf is a conffile"
	result "$(! grep -q 'deb-systemd-invoke.*start\|systemctl.*start' "$tmp/cli-ctl/postinst" 2>/dev/null; echo $?)" \
		"mip6sec: installing starts no unit (the module stays unloaded)"
	dpkg-deb -x "$CLI_DEB" "$tmp/cli"
	v=$("$tmp/cli/usr/sbin/mip6sec" -V | head -n1)
	result "$([ "$v" = "mip6sec $VERSION" ]; echo $?)" "mip6sec package: -V says $VERSION" "$v"
fi

# ------------------------------------------------------------------ DKMS
# What the package's postinst has DKMS do, from the package's own source,
# in a private tree (nothing in the machine's DKMS state but the key DKMS
# signs with): the module for every test kernel, then a binary tarball.
# selftests/router.sh gives it to the package in the VM, where the
# postinst loads it (dkms ldtarball) instead of compiling under TCG.
if [ -f "$DKMS_DEB" ] && command -v dkms >/dev/null; then
	d=$tmp/dkmsbuild
	mkdir -p "$d/src" "$d/tree" "$d/inst"
	cp -a "$tmp/dkms/usr/src/mip6sec-$VERSION" "$d/src/"
	dk=(--sourcetree "$d/src" --dkmstree "$d/tree" --installtree "$d/inst")
	out=$(dkms add -m mip6sec -v "$VERSION" "${dk[@]}" 2>&1)
	result $? "dkms add, the package's source, private tree" "$out"
	ks=()
	for k in $(bash scripts/kernels.sh); do
		t=$SECONDS
		out=$(nice dkms build -m mip6sec -v "$VERSION" -k "$k" "${dk[@]}" 2>&1)
		rc=$?
		ko=$(ls "$d/tree/mip6sec/$VERSION/$k"/*/module/mip6sec.ko* 2>/dev/null | head -n1)
		result "$([ $rc -eq 0 ] && [ -n "$ko" ]; echo $?)" "dkms build for $k ($((SECONDS - t))s)" "$(tail -n 5 <<<"$out")"
		[ -n "$ko" ] && ks+=(-k "$k")
		[ -n "$ko" ] && result "$([ -n "$(modinfo -F signer "$ko")" ]; echo $?)" \
			"dkms signed the module for $k ($(modinfo -F signer "$ko"))"
	done
	# One kernel per mktarball (dkms 3.0.10 archives only the first -k),
	# merged into the one tarball the postinst looks for.
	rm -f "build/deb/mip6sec-$VERSION.dkms.tar.gz"
	mkdir -p "$d/merge"
	rc=0
	for ((i = 1; i < ${#ks[@]}; i += 2)); do
		out=$(dkms mktarball -m mip6sec -v "$VERSION" -k "${ks[i]}" --binaries-only \
			--archive "mip6sec-${ks[i]}.dkms.tar.gz" "${dk[@]}" 2>&1) &&
			tar -xzf "$d/tree/mip6sec/$VERSION/tarball/mip6sec-${ks[i]}.dkms.tar.gz" -C "$d/merge" ||
			{ rc=1; echo "$out" | sed 's/^/# /'; }
	done
	[ $rc -eq 0 ] && tar -czf "build/deb/mip6sec-$VERSION.dkms.tar.gz" -C "$d/merge" .
	rc=$?
	got=$(tar -tzf "build/deb/mip6sec-$VERSION.dkms.tar.gz" 2>/dev/null | grep -c '/module/mip6sec.ko')
	result "$([ $rc -eq 0 ] && [ "$got" -eq $((${#ks[@]} / 2)) ]; echo $?)" \
		"dkms mktarball: build/deb/mip6sec-$VERSION.dkms.tar.gz, $got kernels"
fi

echo "1..$n"
echo "# $((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
