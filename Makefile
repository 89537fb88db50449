# SPDX-License-Identifier: GPL-2.0
#
# mip6sec: top-level build. The module itself is built by Kbuild (see Kbuild).
#
#   make                 module (./mip6sec.ko) and CLI (userspace/mip6sec)
#   make check           everything the CI runs (see scripts/check.sh), the
#                        debug kernel and the stress test included
#   make fuzz [FUZZ_SECS=N]  every libFuzzer target N seconds (default 60)
#   make kdebug          build (or find cached) the debug kernel (KASAN, lockdep...)
#   make vm-debug [TESTS="a b"]  selftests on the debug kernel (default: its list)
#   make demo            boot a VM and show the module at work
#   make bench           measure the packet path in a VM (ratios)
#   make install         the module (signed when a key is there) and install-user
#   make install-user    the CLI, mip6sec(8), bash completion, systemd units and
#                        example configuration (what the mip6sec package holds)
#   make dkms-install    register the source with DKMS (AUTOINSTALL), and install-user
#   make deb             Debian packages mip6sec-dkms and mip6sec in build/deb/
#
# KVER selects the kernel to build for (default: the running one);
# KDIR overrides the kernel build directory.

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
# The one version (kernel/version.h); scripts/pkg-check.sh checks the rest.
VERSION := $(shell sed -n 's/^\#define MIP6SEC_VERSION[[:space:]]*"\(.*\)"$$/\1/p' kernel/version.h)
PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
LIBDIR ?= $(PREFIX)/lib
UNITDIR ?= $(LIBDIR)/systemd/system
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
SYSCONFDIR ?= /etc
# Module signing (Secure Boot): the DKMS machine owner key when there is
# one, else SIGN_KEY/SIGN_CERT given on the command line, else unsigned.
SIGN_KEY ?= $(wildcard /var/lib/dkms/mok.key)
SIGN_CERT ?= $(wildcard /var/lib/dkms/mok.pub)
RST2MAN ?= rst2man

CHECKPATCH_DIR := build/checkpatch
CHECKPATCH := $(CHECKPATCH_DIR)/scripts/checkpatch.pl
LINUX_SOURCE_TARBALL ?= $(lastword $(sort $(wildcard /usr/src/linux-source-6.*.tar.xz)))
KERNEL_SOURCES := $(wildcard kernel/*.c kernel/*.h) include/uapi/linux/mip6sec.h

.PHONY: all module cli check demo bench fuzz unit spec sparse checkpatch install \
	install-user man deb ksrc dkms-install dkms-uninstall clean kdir help kdebug vm-debug

all: module cli

kdir:
	@if [ ! -d "$(KDIR)" ]; then \
		echo "mip6sec: no kernel build directory at $(KDIR)." >&2; \
		echo "  The running kernel ($(shell uname -r)) has no headers installed here." >&2; \
		echo "  Installed kernel headers:" >&2; \
		for d in /usr/src/linux-headers-*; do \
			[ -e "$$d/.config" ] && [ -e "$$d/Module.symvers" ] && \
				echo "    $$d  ->  make KVER=$${d#/usr/src/linux-headers-}" >&2; \
		done; \
		echo "  Or point KDIR at a configured kernel tree: make KDIR=/path/to/build" >&2; \
		exit 1; \
	fi

module: kdir
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

cli:
	$(MAKE) -C userspace VERSION=$(VERSION)

# Zero sparse warnings: any "warning:" or "error:" line fails the target.
sparse: kdir
	@mkdir -p build
	$(MAKE) -C $(KDIR) M=$(CURDIR) C=2 CHECK="sparse" modules 2>&1 | tee build/sparse.log
	@if grep -E '(warning|error):' build/sparse.log; then \
		echo "sparse: warnings above" >&2; exit 1; \
	else echo "sparse: clean ($(KVER))"; fi

$(CHECKPATCH):
	@if [ -z "$(LINUX_SOURCE_TARBALL)" ]; then \
		echo "checkpatch: no /usr/src/linux-source-6.*.tar.xz (apt-get install linux-source-6.12)" >&2; \
		exit 1; \
	fi
	mkdir -p $(CHECKPATCH_DIR)
	tar -xJf $(LINUX_SOURCE_TARBALL) -C $(CHECKPATCH_DIR) --strip-components=1 \
		--wildcards '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch' \
		'*/Documentation/netlink/genetlink.yaml'
	touch $@

checkpatch: $(CHECKPATCH)
	perl $(CHECKPATCH) --strict --no-tree --show-types -f $(KERNEL_SOURCES)

unit:
	$(MAKE) -C selftests/unit run

# The YNL spec against the uapi header, and against the kernel's YNL schema.
spec: $(CHECKPATCH) ksrc
	/usr/bin/python3 selftests/spec_check.py \
		--schema $(CHECKPATCH_DIR)/Documentation/netlink/genetlink.yaml

# The kernel's YNL library and kselftest helpers, for the VM selftests.
ksrc:
	bash selftests/ksrc.sh >/dev/null

# mip6sec(8): Documentation/mip6sec.8.rst and what the YNL spec knows.
man: build/man/mip6sec.8
build/man/mip6sec.8: Documentation/mip6sec.8.rst scripts/gen-man.py \
		Documentation/netlink/specs/mip6sec.yaml
	@mkdir -p build/man
	/usr/bin/python3 scripts/gen-man.py >build/man/mip6sec.8.rst
	$(RST2MAN) --exit-status=2 build/man/mip6sec.8.rst >$@.tmp
	mv $@.tmp $@

# Debian packages, built from a copy of the tree (dpkg-buildpackage writes
# next to it); nothing is rebuilt while the sources are older.
DEB_FILES := $(shell { git ls-files --cached --others --exclude-standard 2>/dev/null || \
	find . -path ./build -prune -o -path ./.git -prune -o -type f -print | cut -c3-; })
DEB_SOURCES := $(filter Makefile Kbuild dkms.conf README.md kernel/% include/% userspace/% \
	dist/% debian/% Documentation/% scripts/gen-man.py,$(DEB_FILES))
DEB_DEBS := build/deb/mip6sec-dkms_$(VERSION)_all.deb \
	build/deb/mip6sec_$(VERSION)_$(shell dpkg --print-architecture 2>/dev/null).deb
deb: $(DEB_DEBS)
$(DEB_DEBS) &: $(DEB_SOURCES)
	rm -rf build/deb && mkdir -p build/deb/src
	tar -cf - $(DEB_SOURCES) | tar -xf - -C build/deb/src
	cd build/deb/src && dpkg-buildpackage -us -uc -b
	rm -rf build/deb/src

fuzz:
	$(MAKE) -C selftests/fuzz run

kdebug:
	bash scripts/kdebug.sh build

# The module built against the debug kernel's headers (build/KVER/), then
# the VM selftests with VM_DEBUG=1 (every kernel report fails the run).
vm-debug: cli
	@set -e; eval "$$(bash scripts/kdebug.sh build)"; \
	rm -rf build/mod-$$KDBG_KVER && mkdir -p build/mod-$$KDBG_KVER build/$$KDBG_KVER && \
	cp -a Kbuild kernel include build/mod-$$KDBG_KVER/ && \
	$(MAKE) -C $$KDBG_KDIR M=$(CURDIR)/build/mod-$$KDBG_KVER modules && \
	cp build/mod-$$KDBG_KVER/mip6sec.ko build/$$KDBG_KVER/ && \
	VM_DEBUG=1 VM_KERNEL=$$VM_KERNEL VM_MODDIR=$$VM_MODDIR VM_DIR=$(CURDIR)/build/vm/dbg \
	VM_SMP=$${VM_SMP:-2} VM_TIMEOUT=$${VM_TIMEOUT:-4800} TEST_TIMEOUT=$${TEST_TIMEOUT:-1800} \
		bash selftests/vm/run.sh $$KDBG_KVER build/$$KDBG_KVER/mip6sec.ko \
		$(if $(TESTS),$(TESTS),$$(bash selftests/vm/run.sh --list debug))

check:
	bash scripts/check.sh

demo:
	bash scripts/demo.sh

# Figures, not pass/fail: see "Performance" in Documentation/mip6sec.rst.
bench:
	bash bench/run.sh

# The kernel's own signing at modules_install (CONFIG_MODULE_SIG_ALL) wants
# the distribution's key, which only the distribution has: it is turned off
# and the module is signed here with SIGN_KEY, failing if that fails.
install: module install-user
	@if [ -n "$(SIGN_KEY)" ] && [ -n "$(SIGN_CERT)" ]; then \
		echo "  SIGN    mip6sec.ko ($(SIGN_CERT))"; \
		$(KDIR)/scripts/sign-file sha256 "$(SIGN_KEY)" "$(SIGN_CERT)" mip6sec.ko || exit 1; \
	else \
		echo "mip6sec: mip6sec.ko is not signed (no /var/lib/dkms/mok.key, no SIGN_KEY/SIGN_CERT):" >&2; \
		echo "  a kernel with Secure Boot refuses it; see README.md, \"On a real router\"" >&2; \
	fi
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=updates \
		CONFIG_MODULE_SIG_ALL= modules_install
	depmod -a $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KVER)

install-user: cli man
	$(MAKE) -C userspace install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) SBINDIR=$(SBINDIR)
	install -D -m 0644 build/man/mip6sec.8 $(DESTDIR)$(MANDIR)/man8/mip6sec.8
	install -D -m 0644 dist/mip6sec.bash-completion $(DESTDIR)$(BASHCOMPDIR)/mip6sec
	install -D -m 0755 dist/mip6sec-keyfollow $(DESTDIR)$(LIBDIR)/mip6sec/mip6sec-keyfollow
	for u in mip6sec.service mip6sec-keyfollow.service; do \
		sed -e 's|/usr/sbin/mip6sec|$(SBINDIR)/mip6sec|' \
		    -e 's|/usr/lib/mip6sec/|$(LIBDIR)/mip6sec/|' dist/$$u >build/$$u && \
		install -D -m 0644 build/$$u $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	install -d $(DESTDIR)$(SYSCONFDIR)/mip6sec $(DESTDIR)$(SYSCONFDIR)/modprobe.d
	@# Examples; an existing configuration is never overwritten.
	[ -e $(DESTDIR)$(SYSCONFDIR)/mip6sec/mip6sec.conf ] || \
		install -m 0644 dist/mip6sec.conf $(DESTDIR)$(SYSCONFDIR)/mip6sec/mip6sec.conf
	[ -e $(DESTDIR)$(SYSCONFDIR)/mip6sec/keyfollow.conf ] || \
		install -m 0644 dist/keyfollow.conf $(DESTDIR)$(SYSCONFDIR)/mip6sec/keyfollow.conf
	[ -e $(DESTDIR)$(SYSCONFDIR)/modprobe.d/mip6sec.conf ] || \
		install -m 0644 dist/modprobe.conf $(DESTDIR)$(SYSCONFDIR)/modprobe.d/mip6sec.conf

dkms-install: install-user
	rm -rf /usr/src/mip6sec-$(VERSION)
	mkdir -p /usr/src/mip6sec-$(VERSION)
	cp -a Kbuild dkms.conf kernel include /usr/src/mip6sec-$(VERSION)/
	dkms add mip6sec/$(VERSION)
	dkms build mip6sec/$(VERSION) -k $(KVER)
	dkms install mip6sec/$(VERSION) -k $(KVER)

dkms-uninstall:
	-dkms remove mip6sec/$(VERSION) --all
	rm -rf /usr/src/mip6sec-$(VERSION)

clean:
	-[ -d "$(KDIR)" ] && $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -f kernel/*.o kernel/.*.cmd *.ko *.mod *.mod.c *.o .*.cmd \
		modules.order Module.symvers
	$(MAKE) -C userspace clean
	-$(MAKE) -C selftests/unit clean
	-$(MAKE) -C selftests/fuzz clean
	rm -rf build

help:
	@sed -n '3,21p' Makefile | sed 's/^# \{0,1\}//'
