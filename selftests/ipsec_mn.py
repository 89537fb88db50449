#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Mobile node with manual IPsec SAs, for selftests/ipsec.sh (issue 5,
/work/notes/issue5-contract.md).

The mobile node is this process, not the kernel of its namespace: it builds
every packet itself and sends it through an IPPROTO_RAW socket, so that the
Home Address option sits in a Destination Options header BEFORE ESP (as
the kernel sends it, and where scapy's transport-mode ESP cannot put it):

    IPv6(src CoA, dst CN) | DSTOPT(PadN, HAO) | ESP(SPI, seq, IV, [UDP or MH], ICV)

ESP (RFC 4303) is computed here with the `cryptography` package and hashlib:
AES-CBC + HMAC-SHA-256 truncated to the SA's ICV length (128 bits by
default, or none: "encryption only"), rfc4106(gcm(aes)) as an AEAD, and
the ESN variant (high sequence bits in the ICV only). The UDP and MH
checksums are computed over the home address (RFC 6275 6.3, 6.1.1), the
Binding Authorization Data authenticator over care-of | correspondent | MH
(RFC 6275 6.2.7). `selftest` checks the ESP encoder against scapy's
SecurityAssociation, independently of the kernel.

Replies from the correspondent (BA, BE) are taken from an AF_PACKET socket
of the namespace, ESP-protected ones are verified (ICV) and decrypted with
the SAs given by `sa`, and checked field by field against the contract.

Commands (one per line with "serve"; each answers one line, "OK {json}",
"FAIL reason" or "ERROR ..."):

  sa --spi SPI [--enc HEX|none] [--auth HEX|none] [--icv BITS] [--aead HEX] [--esn]
        an SA this node knows (to send with, or to decrypt replies with)
  udp --spi SPI --src S --hoa H --cn CN --marker M [--port P] [--plain] [--tunnel]
        [--corrupt-icv] [--expect-be status=N] [--expect-none [--wait T]]
        UDP datagram "m6:M" from the home address with a HAO, under ESP
        (--plain: without ESP; --tunnel: ESP tunnel mode, inner IPv6 HoA->CN)
  bu --spi SPI --src S --hoa H --cn CN --seq N --lifetime L [--ack] [--home] [--kflag]
        [--altcoa A] [--nonce] [--bad] [--kbm HEX] [--cookie HEX] [--cookie-type T]
        [--cookie-flip OFF:MASK] [--cookie-coa A] [--cookie-ts-delta S] [--plain]
        [--expect-ba status=N[,seq=N][,lifetime=N|A-B][,to=ADDR][,esp=SPI|none]
                     [,opts=pad16|any][,cookie=1][,ctype=T][,ccoa=ADDR]]
        [--expect-none [--wait T]] [--pcap FILE]
        Binding Update (MH type 5) with a HAO under ESP; the reply is a BA to
        the source or the Alternate CoA; with cookie=1 it must be the care-of
        test BA: lifetime 0, option ctype (18) at offset 12, length 30,
        ts | ccoa (default the AltCoA) | MAC, padded to 48 octets. Its
        cookie (hex) is in the answer's "cookie".
  boottime          CLOCK_BOOTTIME seconds mod 2^16
  selftest          the ESP encoder against scapy (no kernel involved)
  serve             read commands on stdin
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

# The mobile node of the other roles: its checksums and its command loop.
from mn import Fail, csum_ok, l4_csum, run_command, serve

IPPROTO_HOPOPTS, IPPROTO_ROUTING, IPPROTO_DSTOPTS = 0, 43, 60
IPPROTO_ESP, IPPROTO_AH, IPPROTO_MH, IPPROTO_UDP, IPPROTO_IPV6 = 50, 51, 135, 17, 41
ETH_P_IPV6 = 0x86DD
PACKET_OUTGOING = 4
HAO_TYPE = 0xC9
MH_BU, MH_BA, MH_BE = 5, 6, 7
OPT_PAD1, OPT_PADN, OPT_ALTCOA, OPT_NONCE, OPT_BAD = 0, 1, 3, 4, 5
BU_A, BU_H, BU_K = 0x8000, 0x4000, 0x1000
COOKIE_LEN = 30                 # ts(2) | CoA(16) | MAC(12)


def A6(a):
    return socket.inet_pton(socket.AF_INET6, a)


def ntop(b):
    return socket.inet_ntop(socket.AF_INET6, bytes(b))


# ------------------------------------------------------------------ IPv6

def ipv6(src, dst, nh, payload, hlim=64):
    return struct.pack('!IHBB', 6 << 28, len(payload), nh, hlim) + A6(src) + A6(dst) + bytes(payload)


def padn(total):
    return bytes([OPT_PADN, total - 2]) + b'\0' * (total - 2)


def pad_to(off, x, y):
    """Padding that brings offset `off` to y (mod x): none, Pad1 or PadN."""
    k = (y - off) % x
    return b'' if k == 0 else b'\0' if k == 1 else padn(k)


def destopt_hao(nh, hoa):
    """Destination Options: PadN(4), HAO at 8n+6 (RFC 6275 6.3), 24 octets."""
    return bytes([nh, 2]) + padn(4) + bytes([HAO_TYPE, 16]) + A6(hoa)


def udp_bytes(src, dst, sport, dport, data):
    u = bytearray(struct.pack('!HHHH', sport, dport, 8 + len(data), 0) + data)
    struct.pack_into('!H', u, 6, l4_csum(src, dst, IPPROTO_UDP, u) or 0xffff)
    return bytes(u)


# ------------------------------------------------------------------ ESP

class SA:
    """One ESP SA. enc: AES-CBC key or None (NULL encryption); auth:
    HMAC-SHA-256 key or None (no ICV); icv_bits: truncation; aead:
    rfc4106(gcm(aes)) key | 4-octet salt (then enc/auth are unused)."""

    def __init__(self, spi, enc=None, auth=None, icv_bits=128, aead=None, esn=False):
        self.spi = spi
        self.enc = enc
        self.auth = auth
        self.icv = icv_bits // 8 if auth is not None else 0
        self.aead = aead
        self.esn = esn
        self.seq = 0
        if aead is not None:
            self.icv = 16

    def next_seq(self):
        self.seq += 1
        return self.seq

    def describe(self):
        return {'spi': '0x%x' % self.spi, 'aead': self.aead is not None, 'enc': self.enc is not None,
                'icv_bits': self.icv * 8, 'esn': self.esn, 'last_seq': self.seq}


def _cbc(key, iv, data, decrypt=False):
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    c = Cipher(algorithms.AES(key), modes.CBC(iv))
    x = c.decryptor() if decrypt else c.encryptor()
    return x.update(data) + x.finalize()


def esp_encrypt(sa, nh, payload, seq, iv=None, corrupt_icv=False):
    """RFC 4303: SPI | Seq | IV | E(payload | 1 2 3 .. | padlen | nh) | ICV.
    RFC 4106 for the AEAD: 8-octet IV, nonce = salt | IV, AAD = SPI | Seq,
    16-octet tag. ESN (RFC 4303 2.2.1): the high 32 bits of the sequence
    number are covered by the ICV but not sent."""
    hdr = struct.pack('!II', sa.spi, seq & 0xffffffff)
    seq_hi = struct.pack('!I', seq >> 32)
    if sa.aead is not None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        key, salt = sa.aead[:-4], sa.aead[-4:]
        blk = 4
        iv = iv if iv is not None else os.urandom(8)
        padlen = (-(len(payload) + 2)) % blk
        pt = bytes(payload) + bytes(range(1, padlen + 1)) + bytes([padlen, nh])
        aad = hdr if not sa.esn else struct.pack('!I', sa.spi) + seq_hi + struct.pack('!I', seq & 0xffffffff)
        ct = AESGCM(key).encrypt(salt + iv, pt, aad)
        out = bytearray(hdr + iv + ct)
    else:
        blk = 16 if sa.enc is not None else 4
        padlen = (-(len(payload) + 2)) % blk
        pt = bytes(payload) + bytes(range(1, padlen + 1)) + bytes([padlen, nh])
        if sa.enc is not None:
            iv = iv if iv is not None else os.urandom(16)
            body = hdr + iv + _cbc(sa.enc, iv, pt)
        else:
            body = hdr + pt
        icv = b''
        if sa.auth is not None:
            icv = hmac.new(sa.auth, body + (seq_hi if sa.esn else b''), hashlib.sha256).digest()[:sa.icv]
        out = bytearray(body + icv)
    if corrupt_icv:
        out[-1] ^= 0x01
    return bytes(out)


def esp_decrypt(sa, data):
    """Inverse of esp_encrypt: (next header, payload, seq); raises Fail on a
    wrong ICV or padding."""
    spi, seq = struct.unpack_from('!II', data, 0)
    if sa.aead is not None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        from cryptography.exceptions import InvalidTag
        key, salt = sa.aead[:-4], sa.aead[-4:]
        iv = data[8:16]
        try:
            pt = AESGCM(key).decrypt(salt + iv, bytes(data[16:]), bytes(data[:8]))
        except InvalidTag:
            raise Fail('ESP SPI 0x%x seq %d: GCM tag wrong' % (spi, seq))
    else:
        body, icv = data[:len(data) - sa.icv], data[len(data) - sa.icv:]
        if sa.auth is not None:
            want = hmac.new(sa.auth, bytes(body) + (b'\0' * 4 if sa.esn else b''),
                            hashlib.sha256).digest()[:sa.icv]
            if not hmac.compare_digest(want, bytes(icv)):
                raise Fail('ESP SPI 0x%x seq %d: ICV %s, want %s' % (spi, seq, bytes(icv).hex(), want.hex()))
        if sa.enc is not None:
            iv = body[8:24]
            pt = _cbc(sa.enc, bytes(iv), bytes(body[24:]), decrypt=True)
        else:
            pt = bytes(body[8:])
    padlen, nh = pt[-2], pt[-1]
    pad = pt[len(pt) - 2 - padlen:len(pt) - 2]
    if pad != bytes(range(1, padlen + 1)):
        raise Fail('ESP SPI 0x%x: padding %s' % (spi, pad.hex()))
    return nh, pt[:len(pt) - 2 - padlen], seq


SAS = {}


def sa_get(spi):
    if spi not in SAS:
        raise Fail('no SA with SPI 0x%x given to ipsec_mn.py (use "sa")' % spi)
    return SAS[spi]


# ------------------------------------------------------------------ Mobility Header

def mh_header(mtype, body):
    total = 6 + len(body)
    assert total % 8 == 0, total
    return bytearray(struct.pack('!BBBBH', 59, total // 8 - 1, mtype, 0, 0) + bytes(body))


def build_bu(a):
    """Fixed part, then AltCoA @8n+6, Nonce Indices, cookie (any alignment,
    where it falls), BAD @8n+2 last, padding to 8n. Returns (mh, offsets)."""
    flags = (BU_A if a.ack else 0) | (BU_H if a.home else 0) | (BU_K if a.kflag else 0)
    opts = bytearray()
    offs = {}

    def here():
        return 12 + len(opts)

    if a.altcoa:
        opts += pad_to(here(), 8, 6)
        offs['altcoa'] = here()
        opts += bytes([OPT_ALTCOA, 16]) + A6(a.altcoa)
    if a.nonce:
        opts += pad_to(here(), 2, 0)
        offs['nonce'] = here()
        opts += bytes([OPT_NONCE, 4]) + struct.pack('!HH', 1, 2)
    if a.cookie:
        c = bytearray(bytes.fromhex(a.cookie))
        if a.cookie_coa:
            c[2:18] = A6(a.cookie_coa)
        if a.cookie_ts_delta:
            struct.pack_into('!H', c, 0, (struct.unpack_from('!H', c, 0)[0] + a.cookie_ts_delta) & 0xffff)
        for f in a.cookie_flip or []:
            o, m = f.split(':')
            c[int(o, 0)] ^= int(m, 0)
        offs['cookie'] = here()
        opts += bytes([a.cookie_type, len(c)]) + c
    if a.bad:
        opts += pad_to(here(), 8, 2)
        offs['bad'] = here()
        opts += bytes([OPT_BAD, 12]) + b'\0' * 12
    opts += pad_to(here(), 8, 0)
    mh = mh_header(MH_BU, struct.pack('!HHH', a.seq & 0xffff, flags, a.lifetime & 0xffff) + opts)
    if a.bad:
        o = offs['bad']
        if a.kbm:
            # RFC 6275 6.2.7: care-of address | correspondent | MH up to the
            # end of the BAD option's Type/Length, Checksum zero
            coa = a.altcoa or a.src
            if a.lifetime == 0 or coa == a.hoa:
                coa = a.hoa
            m = bytearray(mh[:o + 2])
            m[4:6] = b'\0\0'
            mac = hmac.new(bytes.fromhex(a.kbm), A6(coa) + A6(a.cn) + bytes(m), hashlib.sha1).digest()[:12]
        else:
            mac = hashlib.sha1(b'not a Kbm authenticator').digest()[:12]
        mh[o + 2:o + 14] = mac
    struct.pack_into('!H', mh, 4, l4_csum(a.hoa, a.cn, IPPROTO_MH, mh))
    return mh, offs


def decode_mh(mh):
    d = {'mh_type': mh[2], 'len': len(mh), 'hdr_len': mh[1], 'proto': mh[0]}
    off = len(mh)
    if mh[2] == MH_BA and len(mh) >= 12:
        d.update(status=mh[6], flags=mh[7], seq=struct.unpack_from('!H', mh, 8)[0],
                 lifetime=struct.unpack_from('!H', mh, 10)[0])
        off = 12
    elif mh[2] == MH_BE and len(mh) >= 24:
        d.update(status=mh[6], hoa=ntop(mh[8:24]))
        off = 24
    opts = []
    while off < len(mh):
        t = mh[off]
        if t == OPT_PAD1:
            opts.append({'off': off, 'type': 0})
            off += 1
            continue
        if off + 2 > len(mh):
            opts.append({'off': off, 'type': t, 'error': 'truncated'})
            break
        ln = mh[off + 1]
        opts.append({'off': off, 'type': t, 'len': ln, 'data': mh[off + 2:off + 2 + ln].hex()})
        off += 2 + ln
    d['options'] = opts
    d['hex'] = mh.hex()
    return d


# ------------------------------------------------------------------ capture

class Reply:
    """An IPv6 packet from the correspondent: extension headers walked, ESP
    verified and decrypted with a known SA."""

    def __init__(self, frame):
        self.frame = frame
        ip = frame[14:]
        self.src = ntop(ip[8:24])
        self.dst = ntop(ip[24:40])
        self.plen = struct.unpack_from('!H', ip, 4)[0]
        self.rh2 = None
        self.hdrs = []
        self.esp = None
        self.err = None
        self.mh = None
        nh, data = ip[6], bytes(ip[40:40 + self.plen])
        while True:
            if nh in (IPPROTO_HOPOPTS, IPPROTO_ROUTING, IPPROTO_DSTOPTS) and len(data) >= 2:
                hl = (data[1] + 1) * 8
                h = data[:hl]
                self.hdrs.append(nh)
                if nh == IPPROTO_ROUTING and len(h) >= 24 and h[2] == 2:
                    self.rh2 = ntop(h[8:24])
                nh, data = h[0], data[hl:]
                continue
            if nh == IPPROTO_ESP and self.esp is None and len(data) >= 8:
                spi, seq = struct.unpack_from('!II', data, 0)
                self.hdrs.append(nh)
                self.esp = {'spi': spi, 'seq': seq}
                if spi not in SAS:
                    self.err = 'ESP with unknown SPI 0x%x' % spi
                    return
                try:
                    nh, data, _ = esp_decrypt(SAS[spi], data)
                except Fail as e:
                    self.err = str(e)
                    return
                continue
            break
        self.nh = nh
        if nh == IPPROTO_MH and len(data) >= 8:
            self.mh = bytearray(data[:(data[1] + 1) * 8])

    def summary(self):
        d = {'src': self.src, 'dst': self.dst, 'rh2': self.rh2, 'hdrs': self.hdrs,
             'esp_spi': ('0x%x' % self.esp['spi']) if self.esp else None,
             'esp_seq': self.esp['seq'] if self.esp else None}
        if self.err:
            d['error'] = self.err
        if self.mh is not None:
            d['mh'] = decode_mh(self.mh)
        return d


class Capture:
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

    def replies(self, secs, cn, dsts, stop_after=1):
        """Packets from cn to one of dsts carrying an MH (or ESP we cannot
        open) within secs; returns early after stop_after of them."""
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
                if addr[2] == PACKET_OUTGOING or len(frame) < 54:
                    continue
                if struct.unpack_from('!H', frame, 12)[0] != ETH_P_IPV6:
                    continue
                if ntop(frame[22:38]) != cn or ntop(frame[38:54]) not in dsts:
                    continue
                p = Reply(frame)
                if p.mh is None and p.err is None:
                    continue
                out.append(p)
                if stop_after and len(out) >= stop_after:
                    return out


_cap = None
_raw = None


def capture():
    global _cap
    if _cap is None:
        _cap = Capture()
    return _cap


def send(pkt, dst):
    global _raw
    if _raw is None:
        _raw = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
    _raw.sendto(pkt, (dst, 0))


def pcap_append(path, frames):
    new = not os.path.exists(path) or os.path.getsize(path) == 0
    with open(path, 'ab') as f:
        if new:
            f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for fr in frames:
            t = time.time()
            f.write(struct.pack('<IIII', int(t), int((t % 1) * 1e6), len(fr), len(fr)))
            f.write(fr)


def boottime16():
    return int(time.clock_gettime(time.CLOCK_BOOTTIME)) & 0xffff


# ------------------------------------------------------------------ checks

def parse_kv(s):
    d = {}
    for kv in (s or '').split(','):
        if kv:
            k, v = kv.split('=', 1)
            d[k] = v
    return d


def wrap(a, nh, upper):
    """The packet on the wire: HAO (unless the source is the home address),
    then ESP with the SA --spi unless --plain."""
    if a.plain:
        inner, inner_nh = upper, nh
    else:
        sa = sa_get(a.spi)
        seq = sa.next_seq()
        inner = esp_encrypt(sa, nh, upper, seq, corrupt_icv=getattr(a, 'corrupt_icv', False))
        inner_nh = IPPROTO_ESP
    if a.hoa != a.src:
        hdrs, nh = destopt_hao(inner_nh, a.hoa), IPPROTO_DSTOPTS
        if getattr(a, 'exp_dstopt', False):
            # a Destination Options header of its own in front, holding an
            # RFC 4727 experimental option 0x1e (action 00: skip) of 16 octets
            hdrs = bytes([IPPROTO_DSTOPTS, 2, 0x1e, 16]) + bytes(range(16)) + padn(4) + hdrs
        return ipv6(a.src, a.cn, nh, hdrs + inner)
    return ipv6(a.src, a.cn, inner_nh, inner)


def check_be(p, a, exp):
    if p.err:
        raise Fail('reply: %s' % p.err)
    mh = p.mh
    if mh[2] != MH_BE:
        raise Fail('expected a Binding Error, got %s' % json.dumps(p.summary()))
    st = int(exp.get('status', '1'), 0)
    want = bytearray(24)
    want[0:4] = bytes([59, 2, MH_BE, 0])
    want[6] = st
    want[8:24] = A6(a.hoa)
    struct.pack_into('!H', want, 4, l4_csum(a.cn, p.rh2 or p.dst, IPPROTO_MH, want))
    if p.dst != a.src:
        raise Fail('BE to %s, want the wire source %s' % (p.dst, a.src))
    if not csum_ok(a.cn, p.rh2 or p.dst, IPPROTO_MH, mh):
        raise Fail('BE checksum wrong: %s' % json.dumps(p.summary()))
    if bytes(mh) != bytes(want):
        raise Fail('BE %s, want %s (status %d, home address %s)' % (mh.hex(), want.hex(), st, a.hoa))
    return 'BE status %d home address %s to %s%s' % (st, a.hoa, p.dst,
                                                   ' under ESP SPI 0x%x' % p.esp['spi'] if p.esp else '')


def check_ba(p, a, exp):
    """The BA of issue5-contract, field by field."""
    s = p.summary()
    if p.err:
        raise Fail('reply: %s: %s' % (p.err, json.dumps(s)))
    mh = p.mh
    if mh[2] != MH_BA:
        raise Fail('expected a BA, got %s' % json.dumps(s))
    d = s['mh']
    probs = []
    st = int(exp.get('status', '0'), 0)
    if d['status'] != st:
        probs.append('status %d, want %d' % (d['status'], st))
    seq = int(exp.get('seq', str(a.seq)), 0)
    if d['seq'] != seq:
        probs.append('seq %d, want %d' % (d['seq'], seq))
    if 'lifetime' in exp:
        v = exp['lifetime']
        lo, hi = (int(x, 0) for x in v.split('-')) if '-' in v else (int(v, 0),) * 2
        if not lo <= d['lifetime'] <= hi:
            probs.append('lifetime %d, want %s' % (d['lifetime'], v))
    if d['flags'] != 0:
        probs.append('flags octet 0x%02x, want 0 (K = 0)' % d['flags'])
    if 'to' in exp and p.dst != exp['to']:
        probs.append('sent to %s, want %s' % (p.dst, exp['to']))
    if p.rh2 != a.hoa or p.hdrs[:1] != [IPPROTO_ROUTING]:
        probs.append('type 2 routing header %s (headers %s), want one with %s first' % (p.rh2, p.hdrs, a.hoa))
    esp = exp.get('esp', 'any')
    if esp == 'none':
        if p.esp:
            probs.append('under ESP SPI 0x%x, want no ESP' % p.esp['spi'])
    elif esp != 'any':
        if not p.esp:
            probs.append('not ESP-protected, want ESP SPI %s' % esp)
        elif p.esp['spi'] != int(esp, 0):
            probs.append('ESP SPI 0x%x, want %s' % (p.esp['spi'], esp))
    if not csum_ok(a.cn, p.rh2 or p.dst, IPPROTO_MH, mh):
        probs.append('MH checksum wrong for %s -> %s' % (a.cn, p.rh2 or p.dst))
    opts = [o for o in d['options'] if o['type'] not in (OPT_PAD1, OPT_PADN)]
    cookie = None
    if exp.get('cookie') == '1':
        ctype = int(exp.get('ctype', '18'), 0)
        ccoa = exp.get('ccoa', a.altcoa)
        if d['lifetime'] != 0:
            probs.append('cookie BA lifetime %d, want 0' % d['lifetime'])
        if d['len'] != 48:
            probs.append('cookie BA MH length %d, want 48' % d['len'])
        if len(opts) != 1 or opts[0]['off'] != 12 or opts[0]['type'] != ctype or opts[0]['len'] != COOKIE_LEN:
            probs.append('want exactly one option: type %d length %d at offset 12 (then padding), got %s'
                         % (ctype, COOKIE_LEN, json.dumps(d['options'])))
        else:
            c = bytes.fromhex(opts[0]['data'])
            cookie = c.hex()
            ts = struct.unpack_from('!H', c, 0)[0]
            now = boottime16()
            age = (now - ts) & 0xffff
            if age > 3 and age < 0xffff - 1:
                probs.append('cookie timestamp %d, this boottime %d (mod 2^16)' % (ts, now))
            if ntop(c[2:18]) != ccoa:
                probs.append('cookie care-of address %s, want %s' % (ntop(c[2:18]), ccoa))
            if c[18:] == bytes(12):
                probs.append('cookie MAC all zero')
            s['cookie_ts'] = ts
    elif exp.get('opts', 'pad16') == 'pad16':
        if opts or d['len'] != 16:
            probs.append('want 16 octets with padding only, got %d octets, options %s'
                         % (d['len'], json.dumps(d['options'])))
    if probs:
        raise Fail('BA: %s; got %s' % ('; '.join(probs), json.dumps(s)))
    return s, cookie


# ------------------------------------------------------------------ commands

def cmd_sa(a):
    h = lambda x: None if x in (None, 'none') else bytes.fromhex(x)
    SAS[a.spi] = SA(a.spi, h(a.enc), h(a.auth), a.icv, h(a.aead), a.esn)
    return json.dumps(SAS[a.spi].describe())


def cmd_udp(a):
    data = ('m6:%s' % a.marker).encode()
    u = udp_bytes(a.hoa, a.cn, a.sport, a.port, data)
    if a.tunnel:
        pkt = wrap(a, IPPROTO_IPV6, ipv6(a.hoa, a.cn, IPPROTO_UDP, u))
    else:
        pkt = wrap(a, IPPROTO_UDP, u)
    cap = capture()
    cap.drain()
    send(pkt, a.cn)
    sent = {'marker': a.marker, 'src': a.src, 'hoa': a.hoa, 'len': len(pkt),
            'esp_seq': None if a.plain else sa_get(a.spi).seq}
    if a.expect_none:
        pk = cap.replies(a.wait, a.cn, {a.src})
        if pk:
            raise Fail('unexpected reply: %s' % json.dumps(pk[0].summary()))
        return json.dumps({'verdict': 'no reply in %.1fs' % a.wait, 'sent': sent})
    if a.expect_be is None:
        return json.dumps({'verdict': 'sent', 'sent': sent})
    pk = cap.replies(a.timeout, a.cn, {a.src})
    if not pk:
        raise Fail('no Binding Error from %s to %s within %.1fs' % (a.cn, a.src, a.timeout))
    v = check_be(pk[0], a, parse_kv(a.expect_be))
    return json.dumps({'verdict': v, 'sent': sent, 'reply': pk[0].summary()})


def cmd_bu(a):
    mh, offs = build_bu(a)
    pkt = wrap(a, IPPROTO_MH, bytes(mh))
    dsts = {a.src}
    if a.altcoa:
        dsts.add(a.altcoa)
    cap = capture()
    cap.drain()
    send(pkt, a.cn)
    sent = {'seq': a.seq, 'mh': mh.hex(), 'offs': offs,
            'esp_seq': None if a.plain else sa_get(a.spi).seq}
    if a.expect_none:
        pk = cap.replies(a.wait, a.cn, dsts)
        if a.pcap and pk:
            pcap_append(a.pcap, [p.frame for p in pk])
        if pk:
            raise Fail('unexpected reply: %s' % json.dumps(pk[0].summary()))
        return json.dumps({'verdict': 'no reply in %.1fs' % a.wait, 'sent': sent})
    if a.expect_ba is None:
        return json.dumps({'verdict': 'sent', 'sent': sent})
    pk = cap.replies(a.timeout, a.cn, dsts)
    if a.pcap and pk:
        pcap_append(a.pcap, [p.frame for p in pk])
    if not pk:
        raise Fail('no reply from %s to %s within %.1fs' % (a.cn, ' or '.join(sorted(dsts)), a.timeout))
    s, cookie = check_ba(pk[0], a, parse_kv(a.expect_ba))
    m = s['mh']
    return json.dumps({'verdict': 'BA status %d seq %d lifetime %d to %s%s' % (
        m['status'], m['seq'], m['lifetime'], s['dst'],
        ' ESP SPI %s seq %s' % (s['esp_spi'], s['esp_seq']) if s['esp_spi'] else ' without ESP'),
        'cookie': cookie, 'status': m['status'], 'lifetime': m['lifetime'], 'to': s['dst'],
        'esp_spi': s['esp_spi'], 'sent': sent, 'reply': s})


def cmd_selftest(a):
    """The ESP encoder against scapy's SecurityAssociation (transport mode,
    same IV): identical octets both ways, and scapy decrypts ours. (Not ESN:
    scapy 2.5 leaves the high sequence bits out of a non-AEAD ESP ICV.)"""
    import logging
    logging.getLogger('scapy').setLevel(logging.ERROR)
    from scapy.layers.inet6 import IPv6
    from scapy.layers.inet import UDP
    from scapy.layers.ipsec import SecurityAssociation, ESP
    from scapy.packet import Raw
    hoa, cn = '2001:db8:2::10', '2001:db8:1::1'
    enc, auth = bytes(range(16)), bytes(range(32, 64))
    u = udp_bytes(hoa, cn, 40000, 9000, b'm6:selftest')
    done = []
    for name, mine, theirs in (
            ('aes-cbc/hmac-sha256-128', SA(0x1001, enc, auth, 128),
             dict(crypt_algo='AES-CBC', crypt_key=enc, auth_algo='SHA2-256-128', auth_key=auth)),
            ('aes-cbc/no auth', SA(0x1002, enc, None),
             dict(crypt_algo='AES-CBC', crypt_key=enc, auth_algo='NULL', auth_key=None)),
            ('rfc4106 gcm', SA(0x1003, aead=enc + b'salt'),
             dict(crypt_algo='AES-GCM', crypt_key=enc + b'salt', auth_algo='NULL', auth_key=None))):
        iv = bytes(range(100, 100 + (8 if mine.aead else 16)))
        ours = esp_encrypt(mine, IPPROTO_UDP, u, 7, iv=iv)
        sa = SecurityAssociation(ESP, spi=mine.spi, **theirs)
        e = sa.encrypt(IPv6(src=hoa, dst=cn) / UDP(bytes(u)), seq_num=7, iv=iv)
        theirs_b = bytes(e)[40:]
        if ours != theirs_b:
            raise Fail('%s: ours %s, scapy %s' % (name, ours.hex(), theirs_b.hex()))
        back = sa.decrypt(IPv6(bytes(IPv6(src=hoa, dst=cn, nh=IPPROTO_ESP) / Raw(ours))))
        if bytes(back.payload) != u:
            raise Fail('%s: scapy decrypts ours to %s' % (name, bytes(back.payload).hex()))
        nh, pl, _ = esp_decrypt(mine, ours)
        if nh != IPPROTO_UDP or pl != u:
            raise Fail('%s: own decryption' % name)
        bad = bytearray(ours)
        bad[-1] ^= 1
        try:
            esp_decrypt(mine, bytes(bad))
            if mine.icv:
                raise Fail('%s: corrupted ICV accepted' % name)
        except Fail as ex:
            if 'accepted' in str(ex):
                raise
        done.append(name)
    return 'ESP encoder equals scapy SecurityAssociation for %s' % ', '.join(done)


def parser():
    p = argparse.ArgumentParser(prog='ipsec_mn.py')
    sub = p.add_subparsers(dest='cmd')
    num = lambda x: int(x, 0)

    s = sub.add_parser('sa')
    s.add_argument('--spi', type=num, required=True)
    s.add_argument('--enc')
    s.add_argument('--auth')
    s.add_argument('--icv', type=int, default=128)
    s.add_argument('--aead')
    s.add_argument('--esn', action='store_true')

    def common(x):
        x.add_argument('--spi', type=num, default=0)
        x.add_argument('--src', required=True)
        x.add_argument('--hoa', required=True)
        x.add_argument('--cn', required=True)
        x.add_argument('--plain', action='store_true')
        x.add_argument('--timeout', type=float, default=5.0)
        x.add_argument('--expect-none', action='store_true')
        x.add_argument('--wait', type=float, default=1.0)
        x.add_argument('--pcap')

    u = sub.add_parser('udp')
    common(u)
    u.add_argument('--marker', required=True)
    u.add_argument('--port', type=int, default=9000)
    u.add_argument('--sport', type=int, default=40000)
    u.add_argument('--tunnel', action='store_true')
    u.add_argument('--corrupt-icv', action='store_true')
    u.add_argument('--exp-dstopt', action='store_true',
                   help='an option 0x1e (RFC 4727) in a Destination Options header before the HAO')
    u.add_argument('--expect-be')

    b = sub.add_parser('bu')
    common(b)
    b.add_argument('--seq', type=num, required=True)
    b.add_argument('--lifetime', type=num, required=True)
    b.add_argument('--ack', action='store_true')
    b.add_argument('--home', action='store_true')
    b.add_argument('--kflag', action='store_true')
    b.add_argument('--altcoa')
    b.add_argument('--nonce', action='store_true')
    b.add_argument('--bad', action='store_true')
    b.add_argument('--kbm')
    b.add_argument('--cookie')
    b.add_argument('--cookie-type', type=num, default=18)
    b.add_argument('--cookie-flip', action='append')
    b.add_argument('--cookie-coa')
    b.add_argument('--cookie-ts-delta', type=int, default=0)
    b.add_argument('--expect-ba')

    sub.add_parser('boottime')
    sub.add_parser('selftest')
    return p


COMMANDS = {'sa': cmd_sa, 'udp': cmd_udp, 'bu': cmd_bu, 'selftest': cmd_selftest,
            'boottime': lambda a: str(boottime16())}


def run(argv):
    return run_command(parser, COMMANDS, argv)


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    if argv[0] == 'serve':
        capture()
        import cryptography.hazmat.primitives.ciphers  # noqa: F401 (import once, before the first packet)
        return serve(run)
    rc, out = run(argv)
    print(out)
    return rc


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
