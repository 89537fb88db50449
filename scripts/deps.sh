#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what building and testing mip6sec needs on Debian 12 (bookworm).
# Idempotent: when every package is already installed it only checks (fast
# path, dpkg-query). Installing needs root; as another user it lists what is
# missing and fails.
#
#   scripts/deps.sh          install what is missing
#   scripts/deps.sh --check  only report; exit 1 when something is missing
set -euo pipefail

PACKAGES=(
	# build: module (two Debian kernels), CLI, static qemu helper
	build-essential pkg-config kmod
	linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	linux-source-6.12
	# debug kernel (scripts/kdebug.sh): built from linux-source-6.12
	flex bison bc libelf-dev
	libnl-3-dev libnl-genl-3-dev libssl-dev
	# checks: sparse, checkpatch (linux-source-6.12), libFuzzer, DKMS
	sparse clang libclang-rt-14-dev dkms
	# packages (make deb): debhelper and dh-dkms; mip6sec(8) from rst
	# (python3-docutils), checked with man-db; bash completion tests
	debhelper dh-dkms python3-docutils man-db bash-completion
	# VM tests: qemu under TCG, busybox initramfs
	qemu-system-x86 busybox-static cpio xz-utils gzip
	# in-guest tests (run from the host root shared into the VM)
	iproute2 util-linux procps python3 python3-scapy python3-yaml python3-jsonschema tshark
	# selftests/hardening.sh: a stateful firewall (conntrack) and fwmark
	# rules; selftests/stress.py reads its nftables counters in-process
	nftables python3-nftables
	# end-to-end EAP test (selftests/eap_lib.sh): a RADIUS server and an EAP
	# peer that run PEAP on loopback and give MSK, EMSK and Session-Id;
	# openssl makes the test's own server certificate
	freeradius eapoltest openssl
	# end-to-end IKEv2 test (selftests/ipsec_ike.sh): charon and swanctl,
	# PSK and ESP through the kernel-netlink plugin (libstrongswan)
	strongswan-charon strongswan-swanctl
)

missing=()
for p in "${PACKAGES[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#PACKAGES[@]} packages installed"
	exit 0
fi
echo "deps: missing: ${missing[*]}"
[ "${1:-}" = --check ] && exit 1
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: run as root to install them (apt-get)" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without asking.
echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections

# Another apt/dpkg may be running (e.g. unattended upgrades or a parallel
# install): wait for its lock instead of failing.
APT=(apt-get -y -q -o DPkg::Lock::Timeout=1800 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
"${APT[@]}" update
"${APT[@]}" install --no-install-recommends "${missing[@]}"

still=()
for p in "${missing[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || still+=("$p")
done
if [ ${#still[@]} -gt 0 ]; then
	echo "deps: still missing after apt-get: ${still[*]}" >&2
	exit 1
fi

# freeradius is only a test tool here: the tests run their own copy of it in
# the foreground (selftests/eap_lib.sh). Where we just installed it, keep the
# system service from running and from starting at boot.
if [[ " ${missing[*]} " == *" freeradius "* ]] && [ -d /run/systemd/system ]; then
	systemctl disable --now freeradius.service >/dev/null 2>&1 || true
fi
echo "deps: installed ${missing[*]}"
