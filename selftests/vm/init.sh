#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# /init of the mip6sec test initramfs (busybox sh). Mounts the host root read-only
# over 9p, puts a tmpfs overlay on it, makes it the root and runs the guest driver.
# Parameters come from the kernel command line (the kernel hands unknown
# name=value words to init as environment): m6root (project tree), m6ko,
# m6cli, m6tests (comma separated), m6env (a file of variables for the
# tests), m6out (a read-write share, mounted at the same path). The verdict
# leaves through isa-debug-exit.
export PATH=/bin

mount -t devtmpfs dev /dev 2>/dev/null
exec 0</dev/console 1>/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sys /sys

die() {
	echo "init: FATAL: $*"
	/bin/qexit 2
	poweroff -f
}

while read -r m; do
	insmod "/lib/m6mods/$m" || die "insmod $m failed"
done </lib/m6mods/order

mkdir -p /mnt/lower /mnt/rw /mnt/root
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose hostroot /mnt/lower ||
	die "cannot mount the host root over 9p"
mount -t tmpfs -o mode=0755 rw /mnt/rw || die "tmpfs"
mkdir -p /mnt/rw/upper /mnt/rw/work
mount -t overlay -o lowerdir=/mnt/lower,upperdir=/mnt/rw/upper,workdir=/mnt/rw/work overlay /mnt/root ||
	die "overlay mount failed"
mount -t proc proc /mnt/root/proc
mount -t sysfs sys /mnt/root/sys
mount -t devtmpfs dev /mnt/root/dev
mkdir -p /mnt/root/dev/pts /mnt/root/dev/shm
# what udev would add: bash process substitution needs /dev/fd
ln -sf /proc/self/fd /mnt/root/dev/fd
ln -sf /proc/self/fd/0 /mnt/root/dev/stdin
ln -sf /proc/self/fd/1 /mnt/root/dev/stdout
ln -sf /proc/self/fd/2 /mnt/root/dev/stderr
mount -t devpts devpts /mnt/root/dev/pts
mount -t tmpfs -o mode=1777 shm /mnt/root/dev/shm
mount -t tmpfs -o mode=1777 tmp /mnt/root/tmp
mount -t tmpfs -o mode=0755 run /mnt/root/run
[ -d /mnt/root/var/tmp ] && mount -t tmpfs -o mode=1777 vartmp /mnt/root/var/tmp

# A project tree under one of those (a CI clone in /tmp) must stay visible.
case "$m6root" in
/tmp/* | /run/* | /var/tmp/* | /dev/*)
	mkdir -p /mnt/rw/tree-upper /mnt/rw/tree-work "/mnt/root$m6root"
	mount -t overlay -o "lowerdir=/mnt/lower$m6root,upperdir=/mnt/rw/tree-upper,workdir=/mnt/rw/tree-work" \
		overlay "/mnt/root$m6root" || die "cannot mount $m6root"
	;;
esac
# The read-write share for results the tests keep (run.sh: VMDIR/out).
if [ -n "$m6out" ]; then
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 m6out "/mnt/root$m6out" ||
		die "cannot mount $m6out read-write"
fi
[ -d /mnt/root/sys/kernel/debug ] && mount -t debugfs debugfs /mnt/root/sys/kernel/debug 2>/dev/null

# TAP channel: second UART, raw so the host file gets the bytes unchanged.
stty -F /dev/ttyS1 raw -echo 2>/dev/null

[ -n "$m6root" ] || die "no m6root= on the kernel command line"
cp /bin/qexit /mnt/root/run/m6qexit || die "cannot copy qexit"
echo "init: up $(cut -d' ' -f1 /proc/uptime)s, running $m6root/selftests/vm/guest.sh"
# The overlay becomes the root itself, as switch_root makes it, rather than
# a chroot: a chrooted process may not create user namespaces (unshare -U
# fails with EPERM), and this process shares its root with the kernel's
# threads, so that the kernel's modprobe (module autoloading) runs the
# guest's /sbin/modprobe. The busybox tools stay reachable until the exec.
cd /mnt/root || die "cannot enter /mnt/root"
mount --move /mnt/root / || die "cannot move the root"
exec chroot . /usr/bin/env -i \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root TERM=dumb LANG=C.UTF-8 \
	m6root="$m6root" m6ko="$m6ko" m6cli="$m6cli" m6tests="$m6tests" m6env="$m6env" \
	/bin/bash -c '
bash "$m6root/selftests/vm/guest.sh"
rc=$?
echo "init: guest driver exited with $rc at $(cut -d" " -f1 /proc/uptime)s"
[ "$rc" -eq 0 ] || rc=1
sync
/run/m6qexit $rc
echo o >/proc/sysrq-trigger'
