// SPDX-License-Identifier: GPL-2.0
/*
 * qexit - tell qemu's isa-debug-exit device (iobase 0xf4) the guest verdict.
 *
 * qemu then exits with status (value << 1) | 1: 1 = pass, 3 = fail, 5 = the
 * guest never reached the test driver. Built with gcc -static because the
 * initramfs has no libc; busybox has no port I/O applet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>

int main(int argc, char **argv)
{
	unsigned long v = argc > 1 ? strtoul(argv[1], NULL, 0) : 0;

	if (ioperm(0xf4, 4, 1)) {
		perror("qexit: ioperm");
		return 1;
	}
	outl((unsigned int)v, 0xf4);
	/* Only reached without the isa-debug-exit device. */
	fprintf(stderr, "qexit: no isa-debug-exit device\n");
	return 1;
}
