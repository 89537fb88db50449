#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Packets for selftests/hardening.sh, built byte by byte (selftests/mn.py's
helpers: checksums, headers; AH and ESP authenticators computed here with
hmac/hashlib, never by the code under test).

  hardening.py mh --src S --dst D [--ifname IF] [--type T] [--listen SECS]
        send a Mobility Header of type T (default 30, unknown) from S to D
        (out of IF for a link-scoped or multicast D), then print one JSON
        object: every MH that reached this namespace meanwhile, with the
        interface it came in on, and whether each is, octet for octet, the
        Binding Error status 2 that D's address would send back.
  hardening.py lo-udp --dst D --size N [--mtu M]
        UDP datagram of N octets to D (a local address) with IPV6_MTU M
        (default 1280), so that it leaves fragmented; prints whether the
        receiving socket got it intact.
  hardening.py lo-mh --dst D --len N [--type T] [--mtu M]
        an MH of N octets (a multiple of 8) through a raw IPPROTO_MH socket
        (the kernel computes its checksum), with IPV6_MTU M.
  hardening.py hao-frags --src S --dst D --hoa H --size N [--port P]
        UDP (checksum over the home address H) behind a Home Address
        option, cut into two fragments by hand, through an IPPROTO_RAW
        socket.
  hardening.py ah-esp --coa C --hoa H --cn CN --ah-spi X --ah-key HEX
                      --esp-spi Y --esp-key HEX [--port P] [--marker M]
        IPv6 (C -> CN) | Destination Options (HAO H) | AH | Destination
        Options (PadN) | ESP (NULL encryption, HMAC-SHA1-96) | UDP (H -> CN).
        The AH ICV is computed as ah6_input() checks it: over the packet as
        the kernel has it once ipv6_dest_hao() swapped the addresses (source
        H, option C), mutable fields zero.
  hardening.py refresh --cn CN --coa C --prefix P --count N --period T --secs S
        Kbm BUs (keys of mn.py kbm_key(i), home addresses scale_hoa(P, i))
        refreshing N bindings in turn, each every T seconds, for S seconds.
  hardening.py stamp
        copy stdin to stdout, each line prefixed with the monotonic time.
  hardening.py kbm-replay --cn CN --coa C --altcoa A --hoa H --key HEX --seq N
                          --victim V[,V...] --count N [--lifetime L]
        a Kbm BU with an Alternate Care-of Address A (its authenticator
        covers A, not the source), sent from C, then the same message
        replayed N times from each spoofed source V; prints the BA C got
        and every BA each V got, each checked octet by octet (mn.check_ba).
  hardening.py kbm-rh2 --cn CN --coa C --hoa H --key HEX --seq N --rh2 R
                       [--auth-cn X] [--lifetime L]
        a Kbm BU from C to CN with a type 2 Routing Header naming R, its
        authenticator and checksum over R as the correspondent (what a
        correspondent that took R for its own address would verify), or
        over X; prints every Mobility Header that came back to C, from any
        source.
"""

import argparse
import hashlib
import hmac
import json
import os
import select
import socket
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import mn  # noqa: E402

IPV6_MTU = 24
IPPROTO_AH, IPPROTO_ESP, IPPROTO_FRAGMENT = 51, 50, 44


def sockaddr(dst, ifname):
    scope = socket.if_nametoindex(ifname) if ifname else 0
    return (dst, 0, 0, scope)


def cmd_mh(a):
    cap = mn.Capture()
    m = mn.mh_header(a.type, bytes(10))
    mn.mh_set_csum(m, a.src, a.dst)
    raw = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
    raw.sendto(mn.ipv6(a.src, a.dst, mn.IPPROTO_MH, bytes(m)), sockaddr(a.dst, a.ifname))
    got = []
    for p in cap.packets(a.listen):
        r = {'if': p.ifname, 'src': p.src, 'dst': p.dst, 'type': p.mhtype}
        if p.mhtype == mn.MH_BE:
            r['status'] = p.mh[6]
            r['exact'] = p.mh == bytes(mn.expected_be(a.dst, a.src, 2, '::')) and \
                not p.exthdrs and p.nh0 == mn.IPPROTO_MH
        got.append(r)
    print(json.dumps({'sent': {'src': a.src, 'dst': a.dst, 'if': a.ifname}, 'replies': got}))
    return 0


def cmd_lo_udp(a):
    data = hashlib.sha256(b'mip6sec').digest() * (a.size // 32 + 1)
    data = data[:a.size]
    rx = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    rx.bind((a.dst, 0))
    port = rx.getsockname()[1]
    tx = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    tx.setsockopt(socket.IPPROTO_IPV6, IPV6_MTU, a.mtu)
    tx.sendto(data, (a.dst, port))
    r, _, _ = select.select([rx], [], [], a.wait)
    got = rx.recv(65535) if r else None
    print(json.dumps({'sent': len(data), 'received': len(got) if got is not None else None,
                      'intact': got == data}))
    return 0


def cmd_lo_mh(a):
    m = mn.mh_header(a.type, bytes(a.len - 6))
    sk = socket.socket(socket.AF_INET6, socket.SOCK_RAW, mn.IPPROTO_MH)
    sk.setsockopt(socket.IPPROTO_IPV6, IPV6_MTU, a.mtu)
    sk.sendto(bytes(m), (a.dst, 0))
    print(json.dumps({'sent': len(m), 'type': a.type}))
    return 0


def cmd_hao_frags(a):
    data = b'm6:' + a.marker.encode()
    data += b'\0' * (a.size - len(data))
    udp = mn.udp_bytes(a.hoa, a.dst, 40000, a.port, data)
    unfrag = mn.destopt_hao(IPPROTO_FRAGMENT, a.hoa)
    ident = int.from_bytes(os.urandom(4), 'big')
    half = (len(udp) // 2) & ~7
    pieces = [(0, True, udp[:half]), (half, False, udp[half:])]
    raw = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
    for off, more, chunk in pieces:
        frag = struct.pack('!BBHI', mn.IPPROTO_UDP, 0, off | int(more), ident)
        raw.sendto(mn.ipv6(a.src, a.dst, mn.IPPROTO_DSTOPTS, unfrag + frag + chunk), (a.dst, 0))
    print(json.dumps({'fragments': len(pieces), 'udp': len(udp)}))
    return 0


def cmd_ah_esp(a):
    data = b'm6:' + a.marker.encode()
    udp = mn.udp_bytes(a.hoa, a.cn, 40000, a.port, data)
    # ESP (RFC 4303): SPI, sequence, payload, padding to 4 octets, pad
    # length, next header, ICV = First(96, HMAC-SHA1(key, SPI .. next header)).
    npad = (-(len(udp) + 2)) % 4
    esp = struct.pack('!II', a.esp_spi, 1) + udp + bytes(range(1, npad + 1)) + \
        bytes([npad, mn.IPPROTO_UDP])
    esp += hmac.new(bytes.fromhex(a.esp_key), esp, hashlib.sha1).digest()[:12]
    dst2 = bytes([IPPROTO_ESP, 0]) + mn.padn(6)
    ah_len = 12 + 12                            # fixed part + 96-bit ICV
    after_ah = dst2 + esp

    def packet(src, hao_addr, icv, hlim=64):
        ah = struct.pack('!BBHII', mn.IPPROTO_DSTOPTS, ah_len // 4 - 2, 0, a.ah_spi, 1) + icv
        payload = mn.destopt_hao(IPPROTO_AH, hao_addr) + ah + after_ah
        return mn.ipv6(src, a.cn, mn.IPPROTO_DSTOPTS, payload, hlim=hlim)

    # RFC 4302: mutable fields (class, flow label, hop limit) zero; the
    # addresses as after ipv6_dest_hao() (RFC 6275 11.3.2).
    icv = hmac.new(bytes.fromhex(a.ah_key), packet(a.hoa, a.coa, bytes(12), hlim=0),
                   hashlib.sha1).digest()[:12]
    raw = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
    raw.sendto(packet(a.coa, a.hoa, icv), (a.cn, 0))
    print(json.dumps({'sent': 'ah-esp', 'marker': a.marker}))
    return 0


def cmd_refresh(a):
    sk = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
    end = time.monotonic() + a.secs
    seq, sent = 1, 0
    while time.monotonic() < end:
        seq += 1
        for i in range(a.count):
            t = time.monotonic()
            hoa = mn.scale_hoa(a.prefix, i)
            options, bad_off = mn.bu_layout('std')
            m = mn.bu_mh(seq, mn.BU_A, a.lifetime, options)
            m[bad_off + 2:bad_off + 14] = mn.bad_auth(mn.kbm_key(i), m, bad_off, a.coa, a.cn)
            mn.mh_set_csum(m, hoa, a.cn)
            sk.sendto(mn.wrap_hao(a.coa, a.cn, mn.IPPROTO_MH, bytes(m), hoa), (a.cn, 0))
            sent += 1
            time.sleep(max(0.0, a.period / a.count - (time.monotonic() - t)))
    print(json.dumps({'sent': sent, 'rounds': seq - 1}))
    return 0


def kbm_bu(a, seq):
    """Kbm BU, H = 0, A set, Alternate CoA, authenticator over the AltCoA
    (RFC 6275 6.2.7); checksum over the home address (6.1.1)."""
    options, bad_off = mn.bu_layout('std', a.altcoa)
    m = mn.bu_mh(seq, mn.BU_A, a.lifetime, options)
    m[bad_off + 2:bad_off + 14] = mn.bad_auth(bytes.fromhex(a.key), m, bad_off, a.altcoa, a.cn)
    mn.mh_set_csum(m, a.hoa, a.cn)
    return bytes(m)


def ba_summary(p, a, dst, status, seq, lifetime):
    r = {'src': p.src, 'dst': p.dst, 'status': p.mh[6], 'seq': struct.unpack_from('!H', p.mh, 8)[0]}
    try:
        mn.check_ba(p, a.cn, dst, a.hoa, status, seq, lifetime, bytes.fromhex(a.key), a.altcoa)
        r['exact'] = True
    except mn.Fail as e:
        r['exact'] = False
        r['why'] = str(e)
    return r


def cmd_kbm_replay(a):
    cap = mn.Capture()
    raw = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
    m = kbm_bu(a, a.seq)
    raw.sendto(mn.wrap_hao(a.coa, a.cn, mn.IPPROTO_MH, m, a.hoa), (a.cn, 0))
    got = cap.packets(a.timeout, lambda p: p.src == a.cn and p.dst == a.coa and
                      p.mhtype == mn.MH_BA, stop_after=1)
    # RFC 6275 9.5.1: the lifetime granted, here the BU's (below max_lifetime)
    first = ba_summary(got[0], a, a.coa, 0, a.seq, a.lifetime) if got else None
    victims = a.victim.split(',')
    t0 = time.monotonic()
    for v in victims:
        for _ in range(a.count):
            raw.sendto(mn.wrap_hao(v, a.cn, mn.IPPROTO_MH, m, a.hoa), (a.cn, 0))
    secs = time.monotonic() - t0
    bas = {v: [] for v in victims}
    other = []
    for p in cap.packets(a.listen, lambda p: p.src == a.cn and p.dst in bas):
        if p.mhtype == mn.MH_BA:
            # 9.5.1: 135 carrying the last accepted sequence number, lifetime 0
            bas[p.dst].append(ba_summary(p, a, p.dst, 135, a.seq, 0))
        else:
            other.append(p.describe())
    print(json.dumps({'accepted': first, 'replayed': len(victims) * a.count,
                      'secs': round(secs, 3), 'bas': bas, 'other': other}))
    return 0


def cmd_kbm_rh2(a):
    cap = mn.Capture()
    options, bad_off = mn.bu_layout('std')
    m = mn.bu_mh(a.seq, mn.BU_A, a.lifetime, options)
    m[bad_off + 2:bad_off + 14] = mn.bad_auth(bytes.fromhex(a.key), m, bad_off, a.coa,
                                              a.auth_cn or a.rh2)
    # RFC 8200 8.1: the pseudo-header names the final destination
    mn.mh_set_csum(m, a.hoa, a.rh2)
    # RFC 8200 4.1 order: Routing header, then the Destination Options
    # header with the HAO (RFC 6275 6.3), then the Mobility Header.
    pkt = mn.ipv6(a.coa, a.cn, mn.IPPROTO_ROUTING,
                  mn.rh2(mn.IPPROTO_DSTOPTS, a.rh2) + mn.destopt_hao(mn.IPPROTO_MH, a.hoa) + bytes(m))
    raw = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
    raw.sendto(pkt, (a.cn, 0))
    got = [{'src': p.src, 'dst': p.dst, 'type': p.mhtype, 'rh2': p.rh2}
           for p in cap.packets(a.listen, lambda p: p.dst == a.coa)]
    print(json.dumps({'sent': len(pkt), 'replies': got}))
    return 0


def cmd_stamp(a):
    for line in sys.stdin:
        print('%.3f %s' % (time.monotonic(), line.rstrip('\n')), flush=True)
    return 0


def main(argv):
    p = argparse.ArgumentParser(prog='hardening.py')
    sub = p.add_subparsers(dest='cmd', required=True)
    s = sub.add_parser('mh')
    s.add_argument('--src', required=True)
    s.add_argument('--dst', required=True)
    s.add_argument('--ifname')
    s.add_argument('--type', type=int, default=30)
    s.add_argument('--listen', type=float, default=1.5)
    s = sub.add_parser('lo-udp')
    s.add_argument('--dst', required=True)
    s.add_argument('--size', type=int, required=True)
    s.add_argument('--mtu', type=int, default=1280)
    s.add_argument('--wait', type=float, default=5.0)
    s = sub.add_parser('lo-mh')
    s.add_argument('--dst', required=True)
    s.add_argument('--len', type=int, required=True)
    s.add_argument('--type', type=int, default=30)
    s.add_argument('--mtu', type=int, default=1280)
    s = sub.add_parser('hao-frags')
    s.add_argument('--src', required=True)
    s.add_argument('--dst', required=True)
    s.add_argument('--hoa', required=True)
    s.add_argument('--size', type=int, required=True)
    s.add_argument('--port', type=int, default=9000)
    s.add_argument('--marker', default='frag')
    s = sub.add_parser('ah-esp')
    for o in ('--coa', '--hoa', '--cn', '--ah-key', '--esp-key'):
        s.add_argument(o, required=True)
    s.add_argument('--ah-spi', type=lambda x: int(x, 0), required=True)
    s.add_argument('--esp-spi', type=lambda x: int(x, 0), required=True)
    s.add_argument('--port', type=int, default=9000)
    s.add_argument('--marker', default='ahesp')
    s = sub.add_parser('refresh')
    for o in ('--cn', '--coa', '--prefix'):
        s.add_argument(o, required=True)
    s.add_argument('--count', type=int, required=True)
    s.add_argument('--period', type=float, required=True)
    s.add_argument('--secs', type=float, required=True)
    s.add_argument('--lifetime', type=int, default=100)
    sub.add_parser('stamp')
    for name in ('kbm-replay', 'kbm-rh2'):
        s = sub.add_parser(name)
        for o in ('--cn', '--coa', '--hoa', '--key'):
            s.add_argument(o, required=True)
        s.add_argument('--seq', type=int, required=True)
        s.add_argument('--lifetime', type=int, default=10)
        s.add_argument('--listen', type=float, default=1.5)
    s = sub.choices['kbm-replay']
    s.add_argument('--altcoa', required=True)
    s.add_argument('--victim', required=True)
    s.add_argument('--count', type=int, default=20)
    s.add_argument('--timeout', type=float, default=5.0)
    s = sub.choices['kbm-rh2']
    s.add_argument('--rh2', required=True)
    s.add_argument('--auth-cn')
    a = p.parse_args(argv)
    return {'refresh': cmd_refresh, 'stamp': cmd_stamp, 'mh': cmd_mh, 'lo-udp': cmd_lo_udp, 'lo-mh': cmd_lo_mh, 'hao-frags': cmd_hao_frags,
            'ah-esp': cmd_ah_esp, 'kbm-replay': cmd_kbm_replay, 'kbm-rh2': cmd_kbm_rh2}[a.cmd](a)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
