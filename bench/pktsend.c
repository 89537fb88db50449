// SPDX-License-Identifier: GPL-2.0
/*
 * pktsend: send prebuilt IPv6 packets (a gen.py "M6PK" file) on an
 * interface as fast as possible, through an AF_PACKET socket (qdisc
 * bypassed) with sendmmsg() in batches.
 *
 *   pktsend IFNAME DSTMAC FILE [-n TOTAL] [-t MAXSECS] [-b BATCH]
 *
 * Without -n every packet of FILE is sent once, in order; with -n the file
 * is sent round-robin until TOTAL packets have gone (or MAXSECS passed).
 * The Ethernet header (DSTMAC, the interface's own address, 0x86dd) is
 * prepended once, at load time. Prints one JSON object:
 * {"sent": N, "secs": S, "pps": R, "retries": N}.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_BATCH 256

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	perror(what);
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long long total = 0, sent = 0, retries = 0;
	unsigned int batch = 64, npkt, i, next = 0;
	double maxsecs = 0, t0, t1;
	struct sockaddr_ll sll = { 0 };
	struct mmsghdr *msgs;
	struct iovec *iov;
	unsigned char dmac[6], smac[6];
	unsigned char **frames;
	size_t *flen;
	struct ifreq ifr;
	char magic[4];
	FILE *f;
	int fd, opt, one = 1;

	if (argc < 4) {
		fprintf(stderr, "usage: %s IFNAME DSTMAC FILE [-n TOTAL] [-t MAXSECS] [-b BATCH]\n", argv[0]);
		return 2;
	}
	optind = 4;
	while ((opt = getopt(argc, argv, "n:t:b:")) != -1) {
		switch (opt) {
		case 'n': total = strtoull(optarg, NULL, 0); break;
		case 't': maxsecs = atof(optarg); break;
		case 'b': batch = atoi(optarg); break;
		default: return 2;
		}
	}
	if (batch < 1 || batch > MAX_BATCH)
		batch = 64;
	if (sscanf(argv[2], "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &dmac[0], &dmac[1],
		   &dmac[2], &dmac[3], &dmac[4], &dmac[5]) != 6) {
		fprintf(stderr, "bad MAC %s\n", argv[2]);
		return 2;
	}

	fd = socket(AF_PACKET, SOCK_RAW, 0);	/* protocol 0: never receives */
	if (fd < 0)
		die("socket");
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", argv[1]);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		die("SIOCGIFHWADDR");
	memcpy(smac, ifr.ifr_hwaddr.sa_data, 6);
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = if_nametoindex(argv[1]);
	sll.sll_protocol = htons(ETH_P_IPV6);
	if (!sll.sll_ifindex)
		die("if_nametoindex");
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die("bind");
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));

	f = fopen(argv[3], "rb");
	if (!f)
		die(argv[3]);
	if (fread(magic, 1, 4, f) != 4 || memcmp(magic, "M6PK", 4) ||
	    fread(&npkt, 4, 1, f) != 1 || !npkt) {
		fprintf(stderr, "%s: not a packet file\n", argv[3]);
		return 2;
	}
	frames = calloc(npkt, sizeof(*frames));
	flen = calloc(npkt, sizeof(*flen));
	if (!frames || !flen)
		die("calloc");
	for (i = 0; i < npkt; i++) {
		uint16_t len;

		if (fread(&len, 2, 1, f) != 1)
			die("short file");
		frames[i] = malloc(14 + len);
		if (!frames[i])
			die("malloc");
		memcpy(frames[i], dmac, 6);
		memcpy(frames[i] + 6, smac, 6);
		frames[i][12] = 0x86;
		frames[i][13] = 0xdd;
		if (fread(frames[i] + 14, 1, len, f) != len)
			die("short file");
		flen[i] = 14 + len;
	}
	fclose(f);
	if (!total)
		total = npkt;

	msgs = calloc(batch, sizeof(*msgs));
	iov = calloc(batch, sizeof(*iov));
	if (!msgs || !iov)
		die("calloc");

	t0 = now();
	while (sent < total) {
		unsigned int n = batch, k;
		int r;

		if (total - sent < n)
			n = total - sent;
		for (k = 0; k < n; k++) {
			unsigned int idx = (next + k) % npkt;

			iov[k].iov_base = frames[idx];
			iov[k].iov_len = flen[idx];
			memset(&msgs[k].msg_hdr, 0, sizeof(msgs[k].msg_hdr));
			msgs[k].msg_hdr.msg_iov = &iov[k];
			msgs[k].msg_hdr.msg_iovlen = 1;
		}
		r = sendmmsg(fd, msgs, n, 0);
		if (r < 0) {
			if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) {
				retries++;
				continue;
			}
			die("sendmmsg");
		}
		sent += r;
		next = (next + r) % npkt;
		if (maxsecs > 0 && now() - t0 > maxsecs)
			break;
	}
	t1 = now();
	printf("{\"sent\": %llu, \"secs\": %.6f, \"pps\": %.1f, \"retries\": %llu}\n",
	       sent, t1 - t0, sent / (t1 - t0), retries);
	return 0;
}
