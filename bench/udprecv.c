// SPDX-License-Identifier: GPL-2.0
/*
 * udprecv: count UDP datagrams received on [::]:PORT with recvmmsg().
 *
 *   udprecv PORT EXPECT IDLE_MS MAXSECS [SRC]
 *
 * The socket is drained without blocking, with a 500 us sleep whenever it
 * is empty: a receiver blocked in recvmmsg() would be woken, and on a
 * single CPU scheduled, for nearly every datagram, and the benchmark would
 * measure context switches instead of the receive path. The receive
 * buffer is 64 MiB (SO_RCVBUFFORCE) so that nothing is lost meanwhile.
 *
 * Prints "ready" once bound, then receives until EXPECT datagrams arrived,
 * or IDLE_MS passed without one (after the first), or MAXSECS passed.
 * Prints one JSON object: {"received": N, "from_src": N, "secs": S,
 * "pps": R}, where secs runs from the first recvmmsg() to the last (pps
 * leaves out the datagrams of the first one) and
 * from_src counts datagrams whose source address is SRC (the home address
 * when the Home Address option was processed).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define BUFLEN 2048

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static char bufs[BATCH][BUFLEN];
	struct sockaddr_in6 addrs[BATCH], sa = { 0 };
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct in6_addr want;
	unsigned long long expect, got = 0, from_src = 0, got_first = 0;
	double idle, maxsecs, start, first = 0, last = 0;
	struct timespec nap = { 0, 500000 };
	int fd, rcvbuf = 64 << 20, have_src = 0, i;

	if (argc < 5) {
		fprintf(stderr, "usage: %s PORT EXPECT IDLE_MS MAXSECS [SRC]\n", argv[0]);
		return 2;
	}
	expect = strtoull(argv[2], NULL, 0);
	idle = atof(argv[3]) / 1000;
	maxsecs = atof(argv[4]);
	if (argc > 5) {
		if (inet_pton(AF_INET6, argv[5], &want) != 1) {
			fprintf(stderr, "bad address %s\n", argv[5]);
			return 2;
		}
		have_src = 1;
	}

	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("socket");
		return 2;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	sa.sin6_family = AF_INET6;
	sa.sin6_port = htons(atoi(argv[1]));
	sa.sin6_addr = in6addr_any;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("bind");
		return 2;
	}
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = BUFLEN;
	}
	printf("ready\n");
	fflush(stdout);

	start = now();
	while (got < expect) {
		double t;
		int n;

		for (i = 0; i < BATCH; i++) {
			memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_name = &addrs[i];
			msgs[i].msg_hdr.msg_namelen = sizeof(addrs[i]);
		}
		n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
		t = now();
		if (n > 0) {
			if (!got) {
				first = t;
				got_first = n;
			}
			last = t;
			got += n;
			for (i = 0; have_src && i < n; i++)
				if (!memcmp(&addrs[i].sin6_addr, &want, sizeof(want)))
					from_src++;
			continue;
		}
		if (got && t - last > idle)
			break;
		if (t - start > maxsecs)
			break;
		nanosleep(&nap, NULL);
	}
	printf("{\"received\": %llu, \"from_src\": %llu, \"secs\": %.6f, \"pps\": %.1f}\n",
	       got, from_src, last - first,
	       last > first ? (got - got_first) / (last - first) : 0.0);
	return 0;
}
