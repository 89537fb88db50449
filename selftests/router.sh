#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# README.md "On a real router", as written: every command between the
# router:begin and router:end markers runs, in order, in one shell, in the
# project tree (so "make deb" finds the packages the host built, or builds
# them). Then the installed packages are exercised through their files
# only: the module DKMS built for this kernel, the unit's ExecStart and
# ExecStop lines, mip6sec -batch, the key follower, the man page and bash
# completion, and the purge.
#
# There is no systemd in the VM: "systemctl" runs the real systemctl for
# enable/disable (it works offline) and the unit's Exec lines for start,
# stop and restart, the way systemd would. The guest's root is the host's
# under a tmpfs overlay, so nothing installed here reaches the host; the
# test refuses to run anywhere else (m6root= on the kernel command line).
#
# selftest-timeout: 1500 (apt and dpkg under TCG)
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
if ! KSRC=$(bash "$HERE/ksrc.sh"); then
	echo "TAP version 13"
	echo "1..0 # SKIP linux-source-6.12 not installed"
	exit 4
fi
# shellcheck source=/dev/null
. "$KSRC/tools/testing/selftests/kselftest/ktap_helpers.sh"

ktap_print_header
if [ "$(id -u)" -ne 0 ] || ! grep -q 'm6root=' /proc/cmdline; then
	ktap_skip_all "installs packages: runs only as root in the selftests/vm guest"
	exit "$KSFT_SKIP"
fi

VERSION=$(sed -n 's/^#define MIP6SEC_VERSION[[:space:]]*"\(.*\)"$/\1/p' "$ROOT/kernel/version.h")
K=$(uname -r)
LOG=/tmp/router.log

res() { # res NAME STATUS [DETAIL...]
	local name=$1 st=$2
	shift 2
	if [ "$st" -eq 0 ]; then
		ktap_test_pass "$name"
	else
		ktap_test_fail "$name"
		local l
		for l in "$@"; do printf '%s\n' "$l" | sed 's/^/#   /'; done
	fi
}

unit_file() { # unit_file NAME: the installed unit file
	local u=${1%.service}.service d
	for d in /etc/systemd/system /usr/lib/systemd/system /lib/systemd/system; do
		[ -f "$d/$u" ] && { echo "$d/$u"; return 0; }
	done
	return 1
}

# unit_exec UNIT KEY: run the unit's KEY= lines (ExecStart, ExecStop) as
# systemd does: in order, words split, no shell; a "-" prefix ignores a
# failure, any other failure ends the sequence with its status.
unit_exec() {
	local f line cmd ignore rc
	f=$(unit_file "$1") || { echo "systemctl: unit $1 not found" >&2; return 5; }
	while IFS= read -r line; do
		cmd=${line#"$2"=}
		ignore=0
		while [[ $cmd == [-@+!:]* ]]; do
			[[ $cmd == -* ]] && ignore=1
			cmd=${cmd:1}
		done
		read -ra argv <<<"$cmd"
		"${argv[@]}"
		rc=$?
		if [ $rc -ne 0 ] && [ $ignore -eq 0 ]; then
			echo "systemctl: $1: $2 ${argv[*]} failed with $rc" >&2
			return 1
		fi
	done < <(grep "^$2=" "$f")
	return 0
}

systemctl() { # systemctl [--now] {enable|disable|start|stop|restart} UNIT
	local now=0 verb= unit=
	for a in "$@"; do
		case $a in
		--now) now=1 ;;
		enable | disable | start | stop | restart) verb=$a ;;
		*) unit=$a ;;
		esac
	done
	case $verb in
	enable) command systemctl enable "$unit" && { [ $now = 0 ] || unit_exec "$unit" ExecStart; } ;;
	disable) { [ $now = 0 ] || unit_exec "$unit" ExecStop; } && command systemctl disable "$unit" ;;
	start) unit_exec "$unit" ExecStart ;;
	stop) unit_exec "$unit" ExecStop ;;
	restart) unit_exec "$unit" ExecStop && unit_exec "$unit" ExecStart ;;
	*) command systemctl "$@" ;;
	esac
}

# ------------------------------------------------------------------ README
# The harness loaded the module under test from the build tree: the
# README loads the packaged one.
[ -d /sys/module/mip6sec ] && rmmod mip6sec
export DEBIAN_FRONTEND=noninteractive
# The VM has no network: apt-get must not upgrade what is installed, so
# the README's first "apt-get install" checks that every package it names
# is there (scripts/deps.sh installs them; a missing one fails to download)
# and the second installs the local .deb files.
printf '%s\n' 'APT::Get::Upgrade "false";' >/tmp/apt-offline.conf
export APT_CONFIG=/tmp/apt-offline.conf
# Nor rebuild the whole manual page index after each install (minutes under
# TCG); "man mip6sec" finds the page without it.
echo 'man-db man-db/auto-update boolean false' | debconf-set-selections

# DKMS compiling the module under TCG takes longer than the rest of the
# test: scripts/pkg-check.sh had DKMS build it on the host for this kernel,
# from the package's source, into a binary tarball, and the package's
# postinst loads a tarball it finds in /usr/share/mip6sec-dkms/ (dkms
# ldtarball) instead of compiling. Without it, DKMS compiles here.
# dkms 3.0.10's ldtarball loads only the first kernel of a tarball: the
# VM gets the one of its own kernel. The VM's root is the host's, where
# both test kernels are installed, and the postinst builds for the newest
# kernel too (by /boot/config-*): a router runs one kernel, so the other
# kernels' config files are hidden here.
for f in /boot/config-*; do
	[ "$f" = "/boot/config-$K" ] || mv "$f" "${f%/*}/.hidden-${f##*/}"
done
tarball=$ROOT/build/deb/mip6sec-$VERSION.dkms.tar.gz
mkdir -p /tmp/dkms-one
if [ -f "$tarball" ] &&
	tar -xzf "$tarball" -C /tmp/dkms-one ./dkms_binaries_only "./dkms_main_tree/$K" 2>/dev/null; then
	mkdir -p /usr/share/mip6sec-dkms
	tar -czf "/usr/share/mip6sec-dkms/mip6sec-$VERSION.dkms.tar.gz" -C /tmp/dkms-one .
	ktap_print_msg "DKMS binaries for $K built on the host: $tarball"
else
	ktap_print_msg "no DKMS binaries for $K in $tarball: DKMS compiles in the VM"
fi

mapfile -t CMDS < <(sed -n '/^<!-- router:begin -->$/,/^<!-- router:end -->$/p' "$ROOT/README.md" |
	sed -n 's/^    //p' | awk '{ if (sub(/\\$/, "")) { acc = acc $0; next } print acc $0; acc = "" }')
res "README: the router block has commands" "$([ ${#CMDS[@]} -ge 10 ]; echo $?)" "${#CMDS[@]} commands"

cd "$ROOT" || exit 1
for c in "${CMDS[@]}"; do
	t0=$SECONDS
	echo "# \$ $c"
	eval "$c" 2>&1 | tee "$LOG" | sed -u 's/^/#   /'
	rc=${PIPESTATUS[0]}
	res "README: $c ($((SECONDS - t0))s)" "$rc" "exit $rc"
done

# ------------------------------------------------------------------ what it left
out=$(mip6sec -V 2>&1)
res "mip6sec -V: tool and module $VERSION" "$([ "$out" = "mip6sec $VERSION
module mip6sec $VERSION" ]; echo $?)" "$out"
mod=$(modinfo -n mip6sec 2>&1)
res "the module DKMS built for $K is under updates/dkms" \
	"$([[ $mod == /lib/modules/$K/updates/dkms/mip6sec.ko* ]]; echo $?)" "$mod"
res "modinfo: version $VERSION" "$([ "$(modinfo -F version mip6sec)" = "$VERSION" ]; echo $?)"
res "modinfo: signed by the DKMS key" "$([ -n "$(modinfo -F signer mip6sec)" ]; echo $?)" \
	"signer: $(modinfo -F signer mip6sec)"
st=$(dkms status mip6sec 2>&1)
res "dkms status: mip6sec/$VERSION installed for $K" \
	"$(grep -q "mip6sec/$VERSION, $K, x86_64: installed" <<<"$st"; echo $?)" "$st"
out=$(mip6sec -j kbm show 2>&1)
res "the key of mip6sec.conf is back after the restart" \
	"$(grep -q '"hoa":"2001:db8::10"' <<<"$out"; echo $?)" "$out"
res "hao_policy is enforce after the restart (modprobe.d)" \
	"$([ "$(cat /sys/module/mip6sec/parameters/hao_policy)" = enforce ]; echo $?)" \
	"$(cat /sys/module/mip6sec/parameters/hao_policy)"
key_mode=$(stat -c %a /etc/mip6sec/mn10.key)
res "the key file is mode 600" "$([ "$key_mode" = 600 ]; echo $?)" "$key_mode"
res "the key file is 40 hex digits" "$(grep -qxE '[0-9a-f]{40}' /etc/mip6sec/mn10.key; echo $?)"

# ------------------------------------------------------------------ the unit
systemctl stop mip6sec >"$LOG" 2>&1
res "systemctl stop (ExecStop): the module is unloaded" "$([ ! -d /sys/module/mip6sec ]; echo $?)" "$(cat "$LOG")"
echo 'kbm add 2001:db8::11 key 00112233445566778899aabbccddeeff00112233' >>/etc/mip6sec/mip6sec.conf
systemctl start mip6sec >"$LOG" 2>&1
rc=$?
n=$(grep -c '' /etc/mip6sec/mip6sec.conf)
res "a key written into mip6sec.conf fails the start, naming its line" \
	"$([ $rc -ne 0 ] && grep -q "Command failed /etc/mip6sec/mip6sec.conf:$n" "$LOG"; echo $?)" "$(cat "$LOG")"
res "... and is not echoed" "$(! grep -q 00112233445566778899 "$LOG"; echo $?)"
sed -i '$d' /etc/mip6sec/mip6sec.conf
chmod 644 /etc/mip6sec/mn10.key
systemctl restart mip6sec >"$LOG" 2>&1
rc=$?
res "a key file others can read: started, with a warning" \
	"$([ $rc -eq 0 ] && grep -q 'Warning: key-file "/etc/mip6sec/mn10.key" is accessible by others' "$LOG"; echo $?)" "$(cat "$LOG")"
chmod 600 /etc/mip6sec/mn10.key

# ------------------------------------------------------------------ key follower
# A key log line as FreeRADIUS's linelog writes it (docs), random keys.
msk=0x$(openssl rand -hex 64) emsk=0x$(openssl rand -hex 64) sid=0x0d$(openssl rand -hex 32)
cat >/etc/mip6sec/keyfollow.conf <<EOF
HA=2001:db8:0:1::1
HOMES=/tmp/homes
PAR=2001:db8:a::1
LOG=/tmp/keys.log
EOF
printf 'bob@example.com hoa 2001:db8:0:1::20\nalice@example.com hoa 2001:db8:0:1::10\n' >/tmp/homes
: >/tmp/keys.log
# The unit's ExecStart, in a session of its own (tail | while) to end it.
read -ra follow < <(sed -n 's/^ExecStart=//p' "$(unit_file mip6sec-keyfollow)")
setsid "${follow[@]}" >/tmp/keyfollow.out 2>&1 &
follow_pid=$!
sleep 2
echo "user=alice@example.com msk=$msk emsk=$emsk session_id=$sid" >>/tmp/keys.log
for _ in $(seq 1 60); do
	[ "$(mip6sec -j sa show nai alice@example.com 2>/dev/null | grep -o '"spi"' | wc -l)" = 2 ] && break
	sleep 0.5
done
out=$(mip6sec -j sa show nai alice@example.com 2>&1)
want=$(printf '%s' "${emsk#0x}" | mip6sec derive mn-ha emsk - session-id "$sid" ha 2001:db8:0:1::1 -j |
	sed -n 's/.*"name":"\([0-9a-f]*\)".*/\1/p')
res "mip6sec-keyfollow: SAs 1001 (mn-ha, alice's home address) and 1002 (fbu) from the key log" \
	"$(grep -q '"spi":1001,"use":"mn-ha","key_name":"'"$want"'"' <<<"$out" &&
		grep -q '"hoa":"2001:db8:0:1::10"' <<<"$out" &&
		grep -q '"spi":1002,"use":"fbu"' <<<"$out"; echo $?)" "$out" "$(cat /tmp/keyfollow.out)"
kill -- -"$follow_pid" 2>/dev/null

# ------------------------------------------------------------------ man, completion
out=$(MANWIDTH=80 man --warnings mip6sec 2>&1 >/dev/null)
res "man mip6sec: installed, no warnings" "$([ -z "$out" ] && man -w mip6sec >/dev/null; echo $?)" "$out"
out=$(bash -c '. /usr/share/bash-completion/bash_completion 2>/dev/null
	_completion_loader mip6sec 2>/dev/null; complete -p mip6sec' 2>&1)
res "bash completion of mip6sec is installed" "$(grep -q '_mip6sec mip6sec' <<<"$out"; echo $?)" "$out"

# ------------------------------------------------------------------ purge
systemctl stop mip6sec >/dev/null 2>&1
apt-get purge -y mip6sec mip6sec-dkms >"$LOG" 2>&1
rc=$?
res "apt-get purge mip6sec mip6sec-dkms" $rc "$(tail -n 5 "$LOG")"
res "purged: no module left for $K, nothing in DKMS" \
	"$([ -z "$(find /lib/modules/"$K" -name 'mip6sec.ko*')" ] && [ -z "$(dkms status mip6sec 2>/dev/null)" ]; echo $?)" \
	"$(find /lib/modules/"$K" -name 'mip6sec.ko*'; dkms status mip6sec)"
res "purged: /etc/mip6sec/mip6sec.conf gone" "$([ ! -e /etc/mip6sec/mip6sec.conf ]; echo $?)"

ktap_set_plan $((KTAP_TESTNO - 1))
ktap_finished
