# SPDX-License-Identifier: GPL-2.0
#
# mip6sec: top-level build. The module itself is built by Kbuild (see Kbuild).
#
#   make                 module (./mip6sec.ko) and CLI (userspace/mip6sec)
#   make check           everything the CI runs (see scripts/check.sh)
#   make demo            boot a VM and show the module at work
#   make bench           measure the packet path in a VM (ratios)
#   make install         install the module (modules_install) and the CLI
#   make dkms-install    register the source with DKMS (AUTOINSTALL)
#
# KVER selects the kernel to build for (default: the running one);
# KDIR overrides the kernel build directory.

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
# The one version (kernel/version.h); scripts/version-check.sh checks the rest.
VERSION := $(shell sed -n 's/^\#define MIP6SEC_VERSION[[:space:]]*"\(.*\)"$$/\1/p' kernel/version.h)
PREFIX ?= /usr/local
DESTDIR ?=

CHECKPATCH_DIR := build/checkpatch
CHECKPATCH := $(CHECKPATCH_DIR)/scripts/checkpatch.pl
LINUX_SOURCE_TARBALL ?= $(lastword $(sort $(wildcard /usr/src/linux-source-6.*.tar.xz)))
KERNEL_SOURCES := $(wildcard kernel/*.c kernel/*.h) include/uapi/linux/mip6sec.h

.PHONY: all module cli check demo bench fuzz unit spec sparse checkpatch install \
	dkms-install dkms-uninstall clean kdir help

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
spec: $(CHECKPATCH)
	/usr/bin/python3 selftests/spec_check.py \
		--schema $(CHECKPATCH_DIR)/Documentation/netlink/genetlink.yaml

fuzz:
	$(MAKE) -C selftests/fuzz run

check:
	bash scripts/check.sh

demo:
	bash scripts/demo.sh

# Figures, not pass/fail: see "Performance" in Documentation/mip6sec.rst.
bench:
	bash bench/run.sh

install: module cli
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod -a $(KVER)
	$(MAKE) -C userspace install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)

dkms-install:
	rm -rf /usr/src/mip6sec-$(VERSION)
	mkdir -p /usr/src/mip6sec-$(VERSION)
	cp -a Kbuild Makefile dkms.conf kernel include /usr/src/mip6sec-$(VERSION)/
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
	@sed -n '3,14p' Makefile | sed 's/^# \{0,1\}//'
