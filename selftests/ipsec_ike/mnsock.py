#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Ordinary sockets for selftests/ipsec_ike.sh: the mobile node's own kernel
builds every header (Home Address option and ESP from its xfrm states and
policies, the MH checksum for a raw IPPROTO_MH socket); nothing is crafted
below the Mobility Header.

  mnsock.py bu HOA CN COA SEQ LIFETIME [TIMEOUT]
      Binding Update from a raw IPPROTO_MH socket bound to HOA: A flag, H=K=0,
      lifetime in 4 s units, PadN 2 then an Alternate Care-of Address option
      = COA (8n+6). Waits TIMEOUT s (default 10) on the same socket for a
      Binding Acknowledgement from CN and prints it as JSON:
      {"status", "k", "seq", "lifetime", "src", "len", "options"} where
      options lists (type, length) of the mobility options; or
      {"error": "..."} and exit 1 when none came.
  mnsock.py udp-send SRC DST PORT MARKER [COUNT]
      COUNT (default 1) UDP datagrams "MARKER n" from SRC (bound) to DST.
  mnsock.py udp-recv PORT SECONDS
      UDP socket on [::]:PORT; prints "ready", then one JSON line
      {"src", "data"} per datagram, for SECONDS.
"""

import json
import select
import socket
import struct
import sys
import time

IPPROTO_MH = 135
MH_BU, MH_BA = 5, 6
OPT_PAD1, OPT_PADN, OPT_ALTCOA = 0, 1, 3


def a6(addr):
    return socket.inet_pton(socket.AF_INET6, addr)


def bu_msg(seq, lifetime, coa):
    """BU with A set and an Alternate CoA option; the checksum stays 0 (the
    kernel computes it: raw IPPROTO_MH sockets checksum at offset 4)."""
    body = struct.pack('!HHH', seq, 0x8000, lifetime)
    # options start at offset 12: PadN 2 puts the Alternate CoA at 8n+6
    opts = bytes([OPT_PADN, 0]) + bytes([OPT_ALTCOA, 16]) + a6(coa)
    msg = struct.pack('!BBBBH', 59, 0, MH_BU, 0, 0) + body + opts
    assert len(msg) % 8 == 0
    return bytearray(msg[:1] + bytes([len(msg) // 8 - 1]) + msg[2:])


def mh_options(data, start):
    out, i = [], start
    while i < len(data):
        t = data[i]
        if t == OPT_PAD1:
            out.append((0, 0))
            i += 1
            continue
        if i + 1 >= len(data):
            out.append((t, -1))
            break
        out.append((t, data[i + 1]))
        i += 2 + data[i + 1]
    return out


def cmd_bu(hoa, cn, coa, seq, lifetime, timeout=10.0):
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, IPPROTO_MH)
    s.bind((hoa, 0))
    s.sendto(bytes(bu_msg(int(seq, 0), int(lifetime, 0), coa)), (cn, 0))
    end = time.time() + float(timeout)
    while True:
        left = end - time.time()
        if left <= 0:
            print(json.dumps({'error': 'no Binding Acknowledgement within %ss' % timeout}))
            return 1
        r, _, _ = select.select([s], [], [], left)
        if not r:
            continue
        data, addr = s.recvfrom(65535)
        if len(data) < 12 or data[2] != MH_BA or addr[0] != cn:
            continue
        status, flags, bseq, life = struct.unpack_from('!BBHH', data, 6)
        print(json.dumps({'status': status, 'k': (flags >> 7) & 1, 'seq': bseq,
                          'lifetime': life, 'src': addr[0], 'len': len(data),
                          'options': mh_options(data, 12)}))
        return 0


def cmd_udp_send(src, dst, port, marker, count=1):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.bind((src, 0))
    for i in range(int(count)):
        s.sendto(('%s %d' % (marker, i)).encode(), (dst, int(port)))
    return 0


def cmd_udp_recv(port, secs):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('::', int(port)))
    print('ready', flush=True)
    end = time.time() + float(secs)
    while time.time() < end:
        r, _, _ = select.select([s], [], [], 0.2)
        if not r:
            continue
        data, addr = s.recvfrom(65535)
        print(json.dumps({'src': addr[0], 'data': data.decode(errors='replace')}), flush=True)
    return 0


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    cmds = {'bu': cmd_bu, 'udp-send': cmd_udp_send, 'udp-recv': cmd_udp_recv}
    if argv[0] not in cmds:
        print('mnsock.py: unknown command ' + argv[0], file=sys.stderr)
        return 2
    return cmds[argv[0]](*argv[1:])


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
