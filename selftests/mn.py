#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Play the mobile node against a mip6sec correspondent node.

An independent peer: packets are built byte by byte with struct, MH and UDP
checksums and the Binding Authorization Data authenticator are computed here
(hashlib/hmac, own pseudo-header sum), never with the module's code. scapy is
not needed on the packet path (it is slow to import under emulation and its
MH checksum is wrong with a Home Address option, see anchors.md 4).

Library:
  bu_mh(...), mh_finish(...), bad_auth(...)        Binding Update bytes
  ipv6(...), destopt_hao(...), rh2(...)             IPv6 headers
  hao_udp(...)                                      UDP with a HAO (csum over the HoA)
  expected_ba(...), expected_be(...)               what the CN must send, to the byte
  Capture                                           AF_PACKET receiver (+ pcap writer)

CLI (one command per process, or many through "serve"):
  mn.py bu --hoa H --coa C --cn CN --key HEX --seq N --lifetime L [--ack]
           [--altcoa A] [--src S] [--no-hao] [--auth-key HEX] [--auth-coa A]
           [--layout NAME] [--flip OFF:MASK ...] [--expect-ba status=0[,seq=N][,lifetime=N]]
           [--expect-none] [--pcap FILE]
  mn.py hao-udp --hoa H --src S --cn CN --port P --marker M [--expect-be status=1] [--expect-none]
  mn.py hao-flood --hoa H --src S --cn CN --count N [--listen SECS]
  mn.py mh --type T --src S --cn CN [--bad-csum] [--expect-be status=2] [--expect-none]
  mn.py serve                 read the commands above on stdin, answer one line each
  mn.py udp-recv PORT SECS    (cn side) print {"src","data"} per datagram
  mn.py mh-recv SECS          (cn side) raw IPPROTO_MH socket, print {"type","seq","src"}
  mn.py provision --count N --prefix P [--cn ADDR]   (cn side) bulk kbm-add via netlink
  mn.py scale --count N --prefix P --coa C --cn CN [--batch B]   N authenticated BUs

Every check command prints one line starting with OK or FAIL and a reason,
and exits 0 (OK) or 1 (FAIL); 2 for usage errors.
"""

import argparse
import hashlib
import hmac
import json
import os
import select
import shlex
import socket
import struct
import sys
import time

IPPROTO_MH = 135
IPPROTO_ROUTING = 43
IPPROTO_DSTOPTS = 60
IPPROTO_UDP = 17
ETH_P_IPV6 = 0x86DD
PACKET_OUTGOING = 4

MH_BU, MH_BA, MH_BE = 5, 6, 7
OPT_PAD1, OPT_PADN, OPT_ALTCOA, OPT_NONCE, OPT_BAD = 0, 1, 3, 4, 5
HAO_TYPE = 0xC9

HERE = os.path.dirname(os.path.abspath(__file__))


def A6(a):
    return socket.inet_pton(socket.AF_INET6, a)


def ntop(b):
    return socket.inet_ntop(socket.AF_INET6, bytes(b))


# ------------------------------------------------------------------ checksums

def ones_sum(data):
    """16-bit one's-complement sum (RFC 1071), big-endian words."""
    if len(data) % 2:
        data = bytes(data) + b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), bytes(data)))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def l4_csum(src, dst, proto, payload):
    """Upper-layer checksum with the IPv6 pseudo-header (RFC 8200 8.1).
    src/dst are text addresses; the payload's checksum field must be 0."""
    ph = A6(src) + A6(dst) + struct.pack('!I3xB', len(payload), proto)
    return ~ones_sum(ph + bytes(payload)) & 0xffff


def csum_ok(src, dst, proto, payload):
    ph = A6(src) + A6(dst) + struct.pack('!I3xB', len(payload), proto)
    return ones_sum(ph + bytes(payload)) == 0xffff


# ------------------------------------------------------------------ options

def pad1():
    return b'\0'


def padn(total):
    """PadN of `total` octets (type, length, total-2 zero octets)."""
    assert total >= 2
    return bytes([OPT_PADN, total - 2]) + b'\0' * (total - 2)


def opt(otype, data, olen=None):
    return bytes([otype, len(data) if olen is None else olen]) + bytes(data)


def altcoa_opt(addr, olen=16):
    return opt(OPT_ALTCOA, A6(addr)[:olen] if olen <= 16 else A6(addr) + b'\0' * (olen - 16), olen)


def nonce_opt(home=1, careof=2, olen=4):
    data = struct.pack('!HH', home, careof)
    data = data[:olen] if olen <= 4 else data + b'\0' * (olen - 4)
    return opt(OPT_NONCE, data, olen)


def bad_opt(olen=12, data=None):
    return opt(OPT_BAD, data if data is not None else b'\0' * olen, olen)


# ------------------------------------------------------------------ Mobility Header

def mh_header(mtype, body, proto=59, hdrlen=None):
    """Common MH header + body; Header Len from the length unless given."""
    total = 6 + len(body)
    if hdrlen is None:
        assert total % 8 == 0, 'MH length %d is not a multiple of 8' % total
        hdrlen = total // 8 - 1
    return bytearray(struct.pack('!BBBBH', proto, hdrlen, mtype, 0, 0) + bytes(body))


BU_A, BU_H = 0x8000, 0x4000


def bu_layout(name, altcoa=None):
    """Option lists after the 12 fixed octets. Returns (options, bad_off):
    bad_off is the MH offset of the BAD option whose authenticator is filled
    in (None: no authenticator to compute)."""
    if name == 'std':                  # PadN(6) @12, BAD @18 (8n+2): 32 octets
        if altcoa:                     # PadN(2) @12, AltCoA @14 (8n+6), PadN(2) @32, BAD @34
            return [padn(2), altcoa_opt(altcoa), padn(2), bad_opt()], 34
        return [padn(6), bad_opt()], 18
    if name == 'pad1':                 # Pad1 x4 @12..15, PadN(2) @16, BAD @18
        return [pad1(), pad1(), pad1(), pad1(), padn(2), bad_opt()], 18
    if name == 'nonce':                # Nonce Indices @12 (2n), BAD @18: Kbm BUs ignore them
        return [nonce_opt(), bad_opt()], 18
    if name == 'nobad':                # no BAD at all: PadN(4) → 16 octets
        return [padn(4)], None
    if name == 'bad-len8':             # truncated authenticator: BAD len 8 @18, PadN(4)
        return [padn(6), bad_opt(8), padn(4)], None
    if name == 'bad-len16':            # scapy's default BAD length: BAD @18 len 16, PadN(4)
        return [padn(6), bad_opt(16), padn(4)], None
    if name == 'bad-then-altcoa':      # BAD @18 not last: PadN(6) @32, AltCoA @38
        return [padn(6), bad_opt(), padn(6), altcoa_opt(altcoa or '2001:db8::1')], 18
    if name == 'bad-then-pad':         # BAD @18 followed by trailing PadN(8)
        return [padn(6), bad_opt(), padn(8)], 18
    if name == 'bad-misaligned':       # BAD @20 (8n+4), PadN(6) after it to reach 40
        return [padn(8), bad_opt(), padn(6)], 20
    if name == 'nonce-len16':          # scapy's default Nonce Indices length
        return [nonce_opt(olen=16), padn(4), bad_opt()], 34
    if name == 'altcoa-len14':         # AltCoA @14 with length 14
        return [padn(2), altcoa_opt(altcoa or '2001:db8::1', olen=14), padn(4), bad_opt()], 34
    raise ValueError('unknown layout ' + name)


def bu_mh(seq, flags, lifetime, options):
    body = struct.pack('!HHH', seq & 0xffff, flags & 0xffff, lifetime & 0xffff)
    for o in options:
        body += o
    return mh_header(MH_BU, body)


def bad_input(mh, bad_off, coa, cn):
    """RFC 6275 6.2.7: care-of address | correspondent | MH[0, bad_off+2)
    with the Checksum octets as zero."""
    m = bytearray(mh[:bad_off + 2])
    m[4:6] = b'\0\0'
    return A6(coa) + A6(cn) + bytes(m)


def bad_auth(key, mh, bad_off, coa, cn):
    return hmac.new(bytes(key), bad_input(mh, bad_off, coa, cn), hashlib.sha1).digest()[:12]


def mh_set_csum(mh, src, dst):
    mh[4:6] = b'\0\0'
    struct.pack_into('!H', mh, 4, l4_csum(src, dst, IPPROTO_MH, mh))
    return mh


# ------------------------------------------------------------------ IPv6

def ipv6(src, dst, nh, payload, hlim=64):
    return struct.pack('!IHBB', 6 << 28, len(payload), nh, hlim) + A6(src) + A6(dst) + bytes(payload)


def destopt_hao(nh, hoa):
    """Destination Options header: PadN (4 octets) then HAO at 8n+6 (24 octets)."""
    return bytes([nh, 2]) + padn(4) + bytes([HAO_TYPE, 16]) + A6(hoa)


def rh2(nh, hoa):
    return bytes([nh, 2, 2, 1]) + b'\0' * 4 + A6(hoa)


def wrap_hao(src, dst, nh, upper, hoa):
    if hoa:
        return ipv6(src, dst, IPPROTO_DSTOPTS, destopt_hao(nh, hoa) + upper)
    return ipv6(src, dst, nh, upper)


def udp_bytes(src, dst, sport, dport, data):
    u = bytearray(struct.pack('!HHHH', sport, dport, 8 + len(data), 0) + data)
    c = l4_csum(src, dst, IPPROTO_UDP, u) or 0xffff
    struct.pack_into('!H', u, 6, c)
    return bytes(u)


def hao_udp(src, hoa, cn, sport, dport, data):
    """kernel-notes 4: the UDP checksum covers the home address, not the source."""
    return wrap_hao(src, cn, IPPROTO_UDP, udp_bytes(hoa, cn, sport, dport, data), hoa)


# ------------------------------------------------------------------ expectations

def expected_ba(cn, dst, hoa, status, seq, lifetime, key, auth_coa):
    """The BA the CN must send (RFC 6275 6.1.8, 6.2.7, 9.5.4): returns
    (mh bytes, rh2 home address or None). PadN(6) @12, BAD @18, 32 octets,
    K = 0; checksum with the final destination (the RH2 home address)."""
    mh = bytearray(32)
    mh[0:4] = bytes([59, 3, MH_BA, 0])
    mh[6] = status
    mh[7] = 0
    struct.pack_into('!HH', mh, 8, seq & 0xffff, lifetime & 0xffff)
    mh[12:14] = bytes([OPT_PADN, 4])
    mh[18:20] = bytes([OPT_BAD, 12])
    mh[20:32] = bad_auth(key, mh, 18, auth_coa, cn)
    rh = hoa if hoa and hoa != dst else None
    mh_set_csum(mh, cn, rh or dst)
    return bytes(mh), rh


def expected_be(cn, dst, status, hoa):
    mh = bytearray(24)
    mh[0:4] = bytes([59, 2, MH_BE, 0])
    mh[6] = status
    mh[8:24] = A6(hoa)
    mh_set_csum(mh, cn, dst)
    return bytes(mh)


def first_diff(a, b):
    for i in range(min(len(a), len(b))):
        if a[i] != b[i]:
            return i
    return None if len(a) == len(b) else min(len(a), len(b))


# ------------------------------------------------------------------ capture

class Pkt:
    """A received IPv6 packet carrying a Mobility Header."""

    def __init__(self, frame, ip):
        self.frame = frame
        self.ip = ip
        self.ver_tc_fl = struct.unpack_from('!I', ip, 0)[0]
        self.plen = struct.unpack_from('!H', ip, 4)[0]
        self.nh0 = ip[6]
        self.src = ntop(ip[8:24])
        self.dst = ntop(ip[24:40])
        self.rh2 = None
        self.rh2_raw = None
        self.hao = None
        self.mh = None
        self.exthdrs = []
        nh, off = ip[6], 40
        while nh in (0, IPPROTO_ROUTING, IPPROTO_DSTOPTS) and off + 2 <= len(ip):
            hl = (ip[off + 1] + 1) * 8
            h = ip[off:off + hl]
            self.exthdrs.append((nh, bytes(h)))
            if nh == IPPROTO_ROUTING and len(h) >= 24 and h[2] == 2:
                self.rh2 = ntop(h[8:24])
                self.rh2_raw = bytes(h)
            nh, off = h[0], off + hl
        if nh == IPPROTO_MH and off + 8 <= len(ip):
            ln = (ip[off + 1] + 1) * 8
            self.mh = bytes(ip[off:off + ln])

    @property
    def mhtype(self):
        return self.mh[2] if self.mh and len(self.mh) > 2 else None

    def describe(self):
        return '%s -> %s rh2=%s mh=%s' % (self.src, self.dst, self.rh2,
                                          self.mh.hex() if self.mh else None)


class Capture:
    """AF_PACKET socket of this namespace: every IPv6 frame received on any
    interface. Started before a packet is sent, drained before each command."""

    def __init__(self):
        self.sk = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IPV6))
        self.sk.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.sk.setblocking(False)

    def drain(self):
        while True:
            try:
                self.sk.recvfrom(65535)
            except BlockingIOError:
                return

    def packets(self, secs, want=None, stop_after=None):
        """Collect MH packets for up to secs; want(pkt) filters; returns the
        list early once stop_after matching packets arrived."""
        out = []
        end = time.time() + secs
        while True:
            left = end - time.time()
            if left <= 0:
                return out
            r, _, _ = select.select([self.sk], [], [], left)
            if not r:
                continue
            while True:
                try:
                    frame, addr = self.sk.recvfrom(65535)
                except BlockingIOError:
                    break
                if addr[2] == PACKET_OUTGOING or len(frame) < 14 + 40:
                    continue
                ethertype = struct.unpack_from('!H', frame, 12)[0]
                if ethertype != ETH_P_IPV6:
                    continue
                p = Pkt(frame, frame[14:])
                if p.mh is None:
                    continue
                if want and not want(p):
                    continue
                out.append(p)
                if stop_after and len(out) >= stop_after:
                    return out


def pcap_append(path, frames):
    new = not os.path.exists(path) or os.path.getsize(path) == 0
    with open(path, 'ab') as f:
        if new:
            f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for fr in frames:
            t = time.time()
            f.write(struct.pack('<IIII', int(t), int((t % 1) * 1e6), len(fr), len(fr)))
            f.write(fr)


# ------------------------------------------------------------------ sending

_raw = None


def send_raw(pkt, dst):
    global _raw
    if _raw is None:
        _raw = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
    _raw.sendto(pkt, (dst, 0))


_cap = None


def capture():
    global _cap
    if _cap is None:
        _cap = Capture()
    return _cap


class Fail(Exception):
    pass


def parse_expect(s):
    d = {}
    for kv in s.split(','):
        if kv:
            k, v = kv.split('=', 1)
            d[k] = int(v, 0)
    return d


def max_lifetime_param():
    try:
        with open('/sys/module/mip6sec/parameters/max_lifetime') as f:
            return int(f.read())
    except OSError:
        return 420


def from_cn(cn, dst):
    return lambda p: p.src == cn and p.dst == dst


def check_ba(p, cn, dst, hoa, status, seq, lifetime, key, auth_coa):
    """Byte-by-byte check of a BA; raises Fail with the first difference."""
    want_mh, want_rh = expected_ba(cn, dst, hoa, status, seq, lifetime, key, auth_coa)
    if p.ver_tc_fl != 6 << 28:
        raise Fail('BA: version/class/flow word %08x, want 60000000' % p.ver_tc_fl)
    if want_rh:
        if p.nh0 != IPPROTO_ROUTING or len(p.exthdrs) != 1:
            raise Fail('BA: expected exactly a type 2 routing header, got next header %d, ext %r'
                       % (p.nh0, [h[0] for h in p.exthdrs]))
        if p.rh2_raw != rh2(IPPROTO_MH, want_rh):
            raise Fail('BA: RH2 %s, want %s' % (p.rh2_raw.hex() if p.rh2_raw else None,
                                                 rh2(IPPROTO_MH, want_rh).hex()))
    elif p.exthdrs or p.nh0 != IPPROTO_MH:
        raise Fail('BA: unexpected extension headers %r (no RH2 wanted)' % [h[0] for h in p.exthdrs])
    if p.plen != (24 if want_rh else 0) + 32:
        raise Fail('BA: payload length %d' % p.plen)
    # the checksum alone, over the final destination, before the byte compare
    if not csum_ok(cn, want_rh or dst, IPPROTO_MH, p.mh):
        raise Fail('BA: MH checksum %04x wrong for pseudo-header %s -> %s (got %s)'
                   % (struct.unpack_from('!H', p.mh, 4)[0], cn, want_rh or dst, p.mh.hex()))
    d = first_diff(p.mh, want_mh)
    if d is not None:
        raise Fail('BA: MH differs at octet %d: got %s want %s' % (d, p.mh.hex(), want_mh.hex()))
    return 'BA status=%d seq=%d lifetime=%d rh2=%s auth=%s csum=%04x' % (
        status, seq, lifetime, want_rh, want_mh[20:].hex(), struct.unpack_from('!H', want_mh, 4)[0])


def check_be(p, cn, dst, status, hoa):
    want = expected_be(cn, dst, status, hoa)
    if p.exthdrs or p.nh0 != IPPROTO_MH:
        raise Fail('BE: unexpected extension headers')
    if not csum_ok(cn, dst, IPPROTO_MH, p.mh):
        raise Fail('BE: MH checksum wrong (%s)' % p.mh.hex())
    d = first_diff(p.mh, want)
    if d is not None:
        raise Fail('BE: MH differs at octet %d: got %s want %s' % (d, p.mh.hex(), want.hex()))
    return 'BE status=%d hoa=%s' % (status, hoa)


def await_reply(cap, cn, dst, args, check):
    """Wait for a MH from cn to dst; --expect-none: assert none comes."""
    pk = cap.packets(args.expect_none_wait if args.expect_none else args.timeout,
                     from_cn(cn, dst), stop_after=1)
    if args.pcap and pk:
        pcap_append(args.pcap, [p.frame for p in pk])
    if args.expect_none:
        if pk:
            raise Fail('unexpected reply: ' + pk[0].describe())
        return 'no reply in %.1fs' % args.expect_none_wait
    if not pk:
        raise Fail('no reply from %s to %s within %.1fs' % (cn, dst, args.timeout))
    return check(pk[0])


# ------------------------------------------------------------------ commands

def build_bu(a):
    """The BU of the command line, and what the CN's BA must be built from."""
    src = a.src or a.coa
    hao = None if a.no_hao or src == a.hoa else a.hoa
    flags = (BU_A if a.ack else 0) | (BU_H if a.home else 0)
    options, bad_off = bu_layout(a.layout, a.altcoa)
    mh = bu_mh(a.seq, flags, a.lifetime, options)
    care_of = a.altcoa or src
    dereg = a.lifetime == 0 or care_of == a.hoa
    auth_coa = a.hoa if dereg else care_of
    if bad_off is not None:
        mh[bad_off + 2:bad_off + 14] = bad_auth(bytes.fromhex(a.auth_key or a.key), mh, bad_off,
                                                a.auth_coa or auth_coa, a.auth_cn or a.cn)
    elif a.layout in ('bad-len8', 'bad-len16'):
        n = 8 if a.layout == 'bad-len8' else 16
        mh[20:20 + n] = (hashlib.sha1(bytes(mh)).digest() * 2)[:n]
    for f in a.flip or []:
        off, mask = f.split(':')
        mh[int(off, 0)] ^= int(mask, 0)
    mh_set_csum(mh, hao or src, a.cn)      # RFC 6275 6.1.1: the HoA with a HAO
    if a.bad_csum:
        mh[5] ^= 0x5a
    return {'pkt': wrap_hao(src, a.cn, IPPROTO_MH, bytes(mh), hao), 'src': src, 'hao': hao,
            'key': bytes.fromhex(a.key), 'auth_coa': auth_coa, 'dereg': dereg}


def cmd_bu(a):
    b = build_bu(a)
    cap = capture()
    cap.drain()
    send_raw(b['pkt'], a.cn)
    exp = parse_expect(a.expect_ba) if a.expect_ba else None

    def check(p):
        if p.mhtype != MH_BA:
            raise Fail('expected a BA, got MH type %s: %s' % (p.mhtype, p.describe()))
        if exp is None:
            return 'BA ' + p.mh.hex()
        status = exp.get('status', 0)
        seq = exp.get('seq', a.seq)
        if 'lifetime' in exp:
            lt = exp['lifetime']
        elif status < 128 and not b['dereg']:
            lt = min(a.lifetime, max_lifetime_param() // 4)
        else:
            lt = 0
        got = 'got status=%d seq=%d lifetime=%d' % (p.mh[6], struct.unpack_from('!H', p.mh, 8)[0],
                                                    struct.unpack_from('!H', p.mh, 10)[0])
        try:
            return check_ba(p, a.cn, b['src'], a.hoa, status, seq, lt, b['key'], b['auth_coa'])
        except Fail as e:
            raise Fail('%s (%s)' % (e, got))

    if a.expect_ba is None and not a.expect_none:
        return 'sent BU seq=%d (%d octets)' % (a.seq, len(b['pkt']))
    return await_reply(cap, a.cn, b['src'], a, check)


def cmd_hao_udp(a):
    data = ('m6:%s' % a.marker).encode()
    pkt = hao_udp(a.src, a.hoa, a.cn, a.sport, a.port, data)
    cap = capture()
    cap.drain()
    send_raw(pkt, a.cn)
    if a.expect_be is None and not a.expect_none:
        return 'sent HAO/UDP %s' % a.marker
    exp = parse_expect(a.expect_be or 'status=1')

    def check(p):
        if p.mhtype != MH_BE:
            raise Fail('expected a BE, got MH type %s: %s' % (p.mhtype, p.describe()))
        return check_be(p, a.cn, a.src, exp.get('status', 1), a.hoa)
    return await_reply(cap, a.cn, a.src, a, check)


def cmd_hao_flood(a):
    pkts = [hao_udp(a.src, a.hoa, a.cn, 40000, a.port, ('flood:%d' % i).encode())
            for i in range(a.count)]
    cap = capture()
    cap.drain()
    sk = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
    t0 = time.monotonic()
    for p in pkts:
        sk.sendto(p, (a.cn, 0))
    dur = time.monotonic() - t0
    got = cap.packets(a.listen, from_cn(a.cn, a.src))
    bes = [p for p in got if p.mhtype == MH_BE]
    bad = []
    for p in bes:
        try:
            check_be(p, a.cn, a.src, 1, a.hoa)
        except Fail as e:
            bad.append(str(e))
    if a.pcap and got:
        pcap_append(a.pcap, [p.frame for p in got])
    return 'sent=%d secs=%.3f be=%d other=%d badbe=%d %s' % (
        len(pkts), dur, len(bes), len(got) - len(bes), len(bad), '; '.join(bad[:1]))


def cmd_mh(a):
    body = bytes(a.body_len)
    mh = mh_header(a.type, body)
    mh_set_csum(mh, a.src, a.cn)
    if a.bad_csum:
        mh[5] ^= 0x5a
    cap = capture()
    cap.drain()
    send_raw(ipv6(a.src, a.cn, IPPROTO_MH, bytes(mh)), a.cn)
    if a.expect_be is None and not a.expect_none:
        return 'sent MH type %d' % a.type
    exp = parse_expect(a.expect_be or 'status=2')

    def check(p):
        if p.mhtype != MH_BE:
            raise Fail('expected a BE, got MH type %s: %s' % (p.mhtype, p.describe()))
        return check_be(p, a.cn, a.src, exp.get('status', 2), '::')
    return await_reply(cap, a.cn, a.src, a, check)


def kbm_key(i, seed=b'mip6sec-scale'):
    return hashlib.sha1(seed + struct.pack('!I', i)).digest()


def scale_hoa(prefix, i):
    base = bytearray(A6(prefix))
    struct.pack_into('!I', base, 12, struct.unpack_from('!I', base, 12)[0] + i)
    return ntop(base)


def cmd_scale(a):
    """N BUs for N home addresses (HAO, A = 0), keys from kbm_key(i)."""
    t0 = time.monotonic()
    pkts = []
    for i in range(a.count):
        hoa = scale_hoa(a.prefix, i)
        options, bad_off = bu_layout('std')
        mh = bu_mh(a.seq, BU_A if a.ack else 0, a.lifetime, options)
        mh[bad_off + 2:bad_off + 14] = bad_auth(kbm_key(i), mh, bad_off, a.coa, a.cn)
        mh_set_csum(mh, hoa, a.cn)
        pkts.append(wrap_hao(a.coa, a.cn, IPPROTO_MH, bytes(mh), hoa))
    tb = time.monotonic() - t0
    sk = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
    t1 = time.monotonic()
    for i in range(0, len(pkts), a.batch):
        for p in pkts[i:i + a.batch]:
            while True:
                try:
                    sk.sendto(p, (a.cn, 0))
                    break
                except OSError:
                    time.sleep(0.005)
        time.sleep(a.pause)
    ts = time.monotonic() - t1
    return 'built=%d build_secs=%.2f send_secs=%.2f rate=%.0f/s' % (len(pkts), tb, ts, len(pkts) / ts if ts else 0)


def cmd_provision(a):
    """Bulk kbm-add through generic netlink (selftests/nlcraft.py's client)."""
    sys.path.insert(0, HERE)
    import nlcraft
    c = nlcraft.load_consts()
    g = nlcraft.Genl()
    fam = g.resolve(c['family'])
    if fam is None:
        raise Fail('family not registered')
    t0 = time.monotonic()
    errs = 0
    for i in range(a.count):
        attrs = nlcraft.nla(c['attrs']['hoa'], A6(scale_hoa(a.prefix, i)))
        attrs += nlcraft.nla(c['attrs']['key'], kbm_key(i))
        if a.kbm_cn:
            attrs += nlcraft.nla(c['attrs']['cn'], A6(a.kbm_cn))
        r = g.request(fam, c['cmds']['kbm-add'], attrs)
        if r['error']:
            errs += 1
    dt = time.monotonic() - t0
    if errs:
        raise Fail('%d of %d kbm-add failed' % (errs, a.count))
    return 'added=%d secs=%.2f rate=%.0f/s' % (a.count, dt, a.count / dt if dt else 0)


def cmd_udp_recv(port, secs):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.bind(('::', port))
    print('ready', flush=True)
    end = time.time() + secs
    while time.time() < end:
        r, _, _ = select.select([s], [], [], 0.2)
        if r:
            data, addr = s.recvfrom(65535)
            print(json.dumps({'src': addr[0], 'data': data.decode(errors='replace')}), flush=True)
    return 0


def cmd_mh_recv(secs):
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, IPPROTO_MH)
    print('ready', flush=True)
    end = time.time() + secs
    while time.time() < end:
        r, _, _ = select.select([s], [], [], 0.2)
        if r:
            data, addr = s.recvfrom(65535)
            t = data[2] if len(data) > 2 else -1
            seq = struct.unpack_from('!H', data, 6)[0] if t == MH_BU and len(data) >= 8 else None
            print(json.dumps({'type': t, 'seq': seq, 'src': addr[0], 'len': len(data)}), flush=True)
    return 0


def parser():
    p = argparse.ArgumentParser(prog='mn.py', add_help=True)
    sub = p.add_subparsers(dest='cmd')

    def common(sp):
        sp.add_argument('--cn', required=True)
        sp.add_argument('--timeout', type=float, default=5.0)
        sp.add_argument('--expect-none', action='store_true')
        sp.add_argument('--expect-none-wait', type=float, default=1.0)
        sp.add_argument('--pcap')

    b = sub.add_parser('bu')
    common(b)
    b.add_argument('--hoa', required=True)
    b.add_argument('--coa', required=True)
    b.add_argument('--src', help='IPv6 source (default: --coa)')
    b.add_argument('--altcoa')
    b.add_argument('--no-hao', action='store_true')
    b.add_argument('--key', required=True, help='Kbm (hex, 20 octets): BA check, and BU unless --auth-key')
    b.add_argument('--auth-key', help='compute the BU authenticator with this key instead')
    b.add_argument('--auth-coa', help='care-of address in the BU authenticator (default: RFC 6275 6.2.7)')
    b.add_argument('--auth-cn', help='correspondent in the BU authenticator (default: --cn)')
    b.add_argument('--seq', type=lambda x: int(x, 0), required=True)
    b.add_argument('--lifetime', type=lambda x: int(x, 0), required=True)
    b.add_argument('--ack', action='store_true')
    b.add_argument('--home', action='store_true', help='set H')
    b.add_argument('--layout', default='std')
    b.add_argument('--flip', action='append', help='OFF:MASK, after the authenticator, before the checksum')
    b.add_argument('--bad-csum', action='store_true')
    b.add_argument('--expect-ba')

    h = sub.add_parser('hao-udp')
    common(h)
    h.add_argument('--hoa', required=True)
    h.add_argument('--src', required=True)
    h.add_argument('--port', type=int, default=9000)
    h.add_argument('--sport', type=int, default=40000)
    h.add_argument('--marker', required=True)
    h.add_argument('--expect-be')

    f = sub.add_parser('hao-flood')
    f.add_argument('--cn', required=True)
    f.add_argument('--hoa', required=True)
    f.add_argument('--src', required=True)
    f.add_argument('--port', type=int, default=9000)
    f.add_argument('--count', type=int, default=200)
    f.add_argument('--listen', type=float, default=2.0)
    f.add_argument('--pcap')

    m = sub.add_parser('mh')
    common(m)
    m.add_argument('--src', required=True)
    m.add_argument('--type', type=int, required=True)
    m.add_argument('--body-len', type=int, default=10)
    m.add_argument('--bad-csum', action='store_true')
    m.add_argument('--expect-be')

    s = sub.add_parser('scale')
    s.add_argument('--cn', required=True)
    s.add_argument('--coa', required=True)
    s.add_argument('--prefix', required=True)
    s.add_argument('--count', type=int, required=True)
    s.add_argument('--seq', type=int, default=1)
    s.add_argument('--lifetime', type=int, default=100)
    s.add_argument('--ack', action='store_true')
    s.add_argument('--batch', type=int, default=200)
    s.add_argument('--pause', type=float, default=0.02)

    pv = sub.add_parser('provision')
    pv.add_argument('--prefix', required=True)
    pv.add_argument('--count', type=int, required=True)
    pv.add_argument('--cn', dest='kbm_cn')

    k = sub.add_parser('kbm-key')
    k.add_argument('index', type=int)
    k2 = sub.add_parser('scale-hoa')
    k2.add_argument('prefix')
    k2.add_argument('index', type=int)
    return p


COMMANDS = {'bu': cmd_bu, 'hao-udp': cmd_hao_udp, 'hao-flood': cmd_hao_flood, 'mh': cmd_mh,
            'scale': cmd_scale, 'provision': cmd_provision,
            'kbm-key': lambda a: kbm_key(a.index).hex(),
            'scale-hoa': lambda a: scale_hoa(a.prefix, a.index)}


def run(argv):
    """Run one command; returns (exit status, line)."""
    try:
        a = parser().parse_args(argv)
    except SystemExit:
        return 2, 'ERROR usage: %s' % ' '.join(argv)
    if not a.cmd:
        return 2, 'ERROR no command'
    try:
        return 0, 'OK ' + COMMANDS[a.cmd](a)
    except Fail as e:
        return 1, 'FAIL ' + str(e)
    except Exception as e:      # a bug here must not look like a kernel verdict
        return 2, 'ERROR %s: %s' % (type(e).__name__, e)


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    if argv[0] == 'udp-recv':
        return cmd_udp_recv(int(argv[1]), float(argv[2]))
    if argv[0] == 'mh-recv':
        return cmd_mh_recv(float(argv[1]))
    if argv[0] == 'serve':
        capture()                     # listening before the first command
        print('ready', flush=True)
        for line in sys.stdin:
            w = shlex.split(line)
            if not w:
                continue
            if w[0] == 'quit':
                break
            _, out = run(w)
            print(out.replace('\n', ' '), flush=True)
        return 0
    rc, out = run(argv)
    print(out)
    return rc


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
