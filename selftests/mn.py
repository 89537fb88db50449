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
  mh4285(...), auth_mac(...), mh4285_reply(...)    RFC 4283/4285 messages, MACs and the
                                                   BA / FBack a home agent or PAR must send
  Capture                                           AF_PACKET receiver (+ pcap writer)

CLI (one command per process, or many through "serve"):
  mn.py bu --hoa H --coa C --cn CN --key HEX --seq N --lifetime L [--ack]
           [--altcoa A] [--src S] [--no-hao] [--auth-key HEX] [--auth-coa A]
           [--layout NAME] [--flip OFF:MASK ...] [--expect-ba status=0[,seq=N][,lifetime=N]]
           [--expect-none] [--pcap FILE]
  mn.py hao-udp --hoa H --src S --cn CN --port P --marker M [--expect-be status=1] [--expect-none]
  mn.py hao-flood --hoa H --src S --cn CN --count N [--listen SECS]
  mn.py mh --type T --src S --cn CN [--bad-csum] [--expect-be status=2] [--expect-none]
  mn.py ha-bu --ha HA --hoa H --coa C --nai NAI --spi SPI --key HEX --seq N --lifetime L
           [--ack] [--home] [--subtype 1|2] [--replay now|now+S|now-S|0xNTP] [--altcoa A]
           [--src S] [--no-hao] [--no-mnid] [--mnid-subtype N] [--no-auth] [--auth-key HEX]
           [--auth-coa A] [--auth-hoa A] [--layout NAME] [--flip FIELD:MASK ...] [--count N]
           [--expect-ba status=N[,seq=N][,lifetime=N|A-B][,auth=0|1][,replay=echo|ha|none|any]
           [,count=N]] [--expect-none [--expect-none-wait T]] [--pcap FILE]
        RFC 4285 home registration: MN-ID (NAI), Replay Protection, authentication
        option (MN-HA or MN-AAA); the BA is checked octet by octet against
        /work/notes/issue4-spec.md and printed as JSON
  mn.py fbu --par PAR --coa NCOA --pcoa PCOA --nai NAI --spi SPI --key FHK --seq N
           --lifetime L [same knobs] [--expect-fback ...]
        FMIPv6 Fast Binding Update (MH type 8, A and H set, HAO = previous CoA)
  mn.py ntp [now|now+S|now-S]  an NTP timestamp (64 bits, hex)
  mn.py selftest              the RFC 4285 helpers against a stored vector
  mn.py serve                 read the commands above on stdin, answer one line each
  mn.py udp-recv PORT SECS    (cn side) print {"src","data"} per datagram
  mn.py mh-recv SECS          (cn side) raw IPPROTO_MH socket, print {"type","seq","src"}
  mn.py provision --count N --prefix P [--cn ADDR]   (cn side) bulk kbm-add via netlink
  mn.py scale --count N --prefix P --coa C --cn CN [--batch B]   N authenticated BUs

Every check command prints one line starting with OK or FAIL and a reason,
and exits 0 (OK) or 1 (FAIL); 2 for usage errors. ha-bu and fbu print
"OK {json}" (what was sent, the decoded reply or null when none came) or
"FAIL reason ... got {json}".
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

MH_BU, MH_BA, MH_BE, MH_FBU, MH_FBACK = 5, 6, 7, 8, 9
OPT_PAD1, OPT_PADN, OPT_ALTCOA, OPT_NONCE, OPT_BAD = 0, 1, 3, 4, 5
OPT_MNID, OPT_AUTH, OPT_REPLAY = 8, 9, 10          # RFC 4283, RFC 4285
MNID_NAI = 1                                       # RFC 4283 subtype
AUTH_MN_HA, AUTH_MN_AAA = 1, 2                     # RFC 4285 subtypes
AUTH_FIXED = 5                                     # subtype + Mobility SPI
AUTH_MAC_LEN = 12                                  # MN-HA: First(96, ...)
AAA_MAC_LEN = 20                                   # MN-AAA: HMAC-SHA1, whole
NTP_EPOCH = 2208988800                             # 1970-01-01 in NTP seconds
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


# ------------------------------------------------------------------ RFC 4283 / RFC 4285 / FMIPv6

def pad_to(off, x, y):
    """Padding that brings MH offset `off` to the next offset = y (mod x):
    nothing, Pad1 for one octet, PadN otherwise (RFC 6275 6.2.2, 6.2.3)."""
    k = (y - off) % x
    return b'' if k == 0 else pad1() if k == 1 else padn(k)


def mnid_opt(nai, subtype=MNID_NAI):
    """RFC 4283 Mobile Node Identifier: Type 8, Length 1 + n, Subtype, id."""
    return opt(OPT_MNID, bytes([subtype]) + bytes(nai))


def replay_opt(ts):
    """RFC 4285 5.2 Mobility Message Replay Protection: 64-bit NTP time."""
    return opt(OPT_REPLAY, struct.pack('!Q', ts & 0xffffffffffffffff))


def auth_opt(subtype, spi, mac):
    """RFC 4285 5 Mobility Message Authentication: Type 9, Length 5 + MAC."""
    return opt(OPT_AUTH, struct.pack('!BI', subtype, spi & 0xffffffff) + bytes(mac))


def ntp_from_unix(t):
    secs = int(t // 1)
    return (((secs + NTP_EPOCH) & 0xffffffff) << 32) | int((t - secs) * (1 << 32))


def ntp_to_unix(ts):
    return (ts >> 32) - NTP_EPOCH + (ts & 0xffffffff) / float(1 << 32)


def parse_ts(s):
    """--replay value: "now", "now+S"/"now-S" or "+S"/"-S" (seconds, may be
    fractional, from now), otherwise the 64-bit NTP value itself (0x...)."""
    if s == 'now':
        return ntp_from_unix(time.time())
    if s.startswith('now'):
        s = s[3:]
    if s[:1] in '+-':
        return ntp_from_unix(time.time() + float(s))
    return int(s, 0)


def auth_input(mh, auth_off, coa, hoa):
    """RFC 4285 5.1 Mobility Data: care-of address | home address | MH from
    its first octet up to and including the Mobility SPI, Checksum zero."""
    m = bytearray(mh[:auth_off + 2 + AUTH_FIXED])
    m[4:6] = b'\0\0'
    return A6(coa) + A6(hoa) + bytes(m)


def auth_mac(key, subtype, mh, auth_off, coa, hoa):
    """MN-HA (RFC 4285 5.1): "Authentication Data = First(96,
    HMAC_SHA1(MN-HA Shared key, Mobility Data))". MN-AAA (5.2), SPI
    HMAC_SHA1_SPI: "Authentication data = hash_fn(MN-AAA Shared key,
    MAC_Mobility Data)", hash_fn = HMAC_SHA1 (160 bits, not truncated),
    "MAC_Mobility Data = SHA1(care-of address | home address | MH Data)"."""
    data = auth_input(mh, auth_off, coa, hoa)
    if subtype == AUTH_MN_AAA:
        return hmac.new(bytes(key), hashlib.sha1(data).digest(), hashlib.sha1).digest()
    return hmac.new(bytes(key), data, hashlib.sha1).digest()[:AUTH_MAC_LEN]


# Where the options of an RFC 4285 message go (sender side). The default
# ("std") puts MN-ID right after the fixed part, an Alternate CoA at 8n+6,
# the Replay Protection option at 8n+2 and the authentication option at
# 8n+5 (4n+1 and ending the MH on an 8-octet boundary: it is last, nothing
# follows it). The other layouts break one rule.
MH4285_LAYOUTS = ('std', 'auth-then-pad', 'auth-then-altcoa', 'auth-then-mnid', 'auth-misaligned',
                  'replay-first')


def mh4285(mtype, seq, flags, lifetime, nai=None, mnid_subtype=MNID_NAI, altcoa=None, ts=None,
           auth=None, layout='std', mac_len=AUTH_MAC_LEN, aaa=None, aaa_mac_len=AAA_MAC_LEN):
    """BU / FBU body (12 fixed octets) with RFC 4283/4285 options. auth is
    (subtype, spi) or None; aaa (an SPI) adds an MN-AAA option after it
    (RFC 4285 5: MN-HA, then MN-AAA last). Returns (mh bytearray with zero
    MACs and a zero checksum, {name: MH offset} of the options)."""
    if layout not in MH4285_LAYOUTS:
        raise ValueError('unknown layout ' + layout)
    opts = bytearray()
    offs = {}

    def add(b, name=None):
        if name:
            offs[name] = 12 + len(opts)
        opts.extend(b)

    def here():
        return 12 + len(opts)

    if layout == 'replay-first' and ts is not None:
        add(pad_to(here(), 8, 2))
        add(replay_opt(ts), 'replay')
    if nai is not None and layout != 'auth-then-mnid':
        add(mnid_opt(nai, mnid_subtype), 'mnid')
    if altcoa:
        add(pad_to(here(), 8, 6))
        add(altcoa_opt(altcoa), 'altcoa')
    if ts is not None and layout != 'replay-first':
        add(pad_to(here(), 8, 2))
        add(replay_opt(ts), 'replay')
    if auth is not None:
        if layout == 'auth-then-pad':          # 8n+1: ends at 8n+4, PadN(4) follows
            add(pad_to(here(), 8, 1))
        elif layout == 'auth-misaligned':      # 4n+2
            add(pad_to(here(), 8, 6))
        else:
            add(pad_to(here(), 8, 5))
        add(auth_opt(auth[0], auth[1], bytes(mac_len)), 'auth')
        if aaa is not None:
            add(pad_to(here(), 4, 1))
            add(auth_opt(AUTH_MN_AAA, aaa, bytes(aaa_mac_len)), 'auth2')
        if layout == 'auth-then-altcoa':
            add(pad_to(here(), 8, 6))
            add(altcoa_opt('2001:db8:ffff::1'), 'after_auth')
        elif layout == 'auth-then-mnid' and nai is not None:
            add(mnid_opt(nai, mnid_subtype), 'mnid')
    add(pad_to(here(), 8, 0))
    mh = mh_header(mtype, struct.pack('!HHH', seq & 0xffff, flags & 0xffff, lifetime & 0xffff) + opts)
    return mh, offs


def mh4285_field(name, offs):
    """--flip targets by name: fixed fields and option fields."""
    fixed = {'seq': 6, 'flags': 8, 'lifetime': 10, 'lifetime-low': 11}
    if name in fixed:
        return fixed[name]
    rel = {'nai': ('mnid', 3), 'mnid-subtype': ('mnid', 2), 'subtype': ('auth', 2),
           'spi': ('auth', 3), 'spi-last': ('auth', 6), 'mac': ('auth', 7),
           'mac-last': ('auth', 7 + AUTH_MAC_LEN - 1), 'ts': ('replay', 2),
           'ts-last': ('replay', 9), 'altcoa': ('altcoa', 2)}
    if name in rel:
        o, d = rel[name]
        if o not in offs:
            raise ValueError('no %s option to flip %s in' % (o, name))
        return offs[o] + d
    return int(name, 0)


def mh4285_reply(mtype, status, seq, lifetime, nai, ts=None, auth=None, key=None, coa=None,
                 hoa=None):
    """The BA / FBack that /work/notes/issue4-spec.md prescribes, to the octet
    (checksum left 0): fixed part [6]=status [7]=0 [8:10]=seq [10:12]=lifetime,
    then MN-ID (the BU's NAI) at 12; if ts: pad to 8n+2, Replay Protection;
    if auth = (subtype, spi): pad to 8n+5, authentication option with the MAC
    (same formula as the subtype, key, coa | hoa), last; otherwise pad to 8n.
    A home agent's or PAR's reply is always MN-HA (RFC 4285 5.2). Returns
    (mh bytearray, [(start, end, field name)])."""
    fields = [(0, 1, 'Payload Proto'), (1, 2, 'Header Len'), (2, 3, 'MH Type'), (3, 4, 'Reserved'),
              (4, 6, 'Checksum'), (6, 7, 'Status'), (7, 8, 'flags/Reserved octet'),
              (8, 10, 'Sequence Number'), (10, 12, 'Lifetime')]
    opts = bytearray()

    def add(b, *names):
        start = 12 + len(opts)
        if b:
            if len(names) == 1:
                fields.append((start, start + len(b), names[0]))
            else:                                  # option: type/len, data parts
                fields.append((start, start + 2, names[0] + ' Type/Length'))
                pos = start + 2
                for n, ln in names[1:]:
                    fields.append((pos, pos + ln, n))
                    pos += ln
        opts.extend(b)
        return start

    def here():
        return 12 + len(opts)

    add(mnid_opt(nai), 'MN-ID option', ('MN-ID subtype', 1), ('MN-ID NAI', len(nai)))
    if ts is not None:
        add(pad_to(here(), 8, 2), 'padding before the Replay Protection option (to 8n+2)')
        add(replay_opt(ts), 'Replay Protection option', ('Replay Protection timestamp', 8))
    auth_off = None
    if auth is not None:
        # 8n+5 is a 4n+1 offset (RFC 4285) from which the 19-octet option
        # ends the message on its 8-octet boundary: nothing may follow it.
        add(pad_to(here(), 8, 5), 'padding before the authentication option (to 8n+5)')
        auth_off = add(auth_opt(auth[0], auth[1], bytes(AUTH_MAC_LEN)), 'authentication option',
                       ('auth subtype', 1), ('auth Mobility SPI', 4),
                       ('authentication data (MAC)', AUTH_MAC_LEN))
    else:
        add(pad_to(here(), 8, 0), 'final padding (to 8n)')
    mh = mh_header(mtype, struct.pack('!BBHH', status, 0, seq & 0xffff, lifetime & 0xffff) + opts)
    if auth is not None:
        mh[auth_off + 7:auth_off + 7 + AUTH_MAC_LEN] = auth_mac(key, auth[0], mh, auth_off, coa, hoa)
    return mh, fields


def decode_mh(mh):
    """A received MH as a JSON-able dict (generic option walk)."""
    d = {'mh_type': mh[2], 'header_len': mh[1], 'payload_proto': mh[0],
         'checksum': '%04x' % struct.unpack_from('!H', mh, 4)[0], 'len': len(mh)}
    if mh[2] in (MH_BA, MH_FBACK) and len(mh) >= 12:
        d.update(status=mh[6], flags=mh[7], seq=struct.unpack_from('!H', mh, 8)[0],
                 lifetime=struct.unpack_from('!H', mh, 10)[0])
        off = 12
    elif mh[2] in (MH_BU, MH_FBU) and len(mh) >= 12:
        d.update(seq=struct.unpack_from('!H', mh, 6)[0], flags=struct.unpack_from('!H', mh, 8)[0],
                 lifetime=struct.unpack_from('!H', mh, 10)[0])
        off = 12
    elif mh[2] == MH_BE and len(mh) >= 24:
        d.update(status=mh[6], hoa=ntop(mh[8:24]))
        off = len(mh)
    else:
        off = len(mh)
    opts = []
    while off < len(mh):
        t = mh[off]
        if t == OPT_PAD1:
            opts.append({'off': off, 'type': 0, 'name': 'Pad1'})
            off += 1
            continue
        if off + 2 > len(mh):
            opts.append({'off': off, 'type': t, 'error': 'truncated'})
            break
        ln = mh[off + 1]
        data = mh[off + 2:off + 2 + ln]
        o = {'off': off, 'type': t, 'len': ln}
        if t == OPT_PADN:
            o['name'] = 'PadN'
        elif t == OPT_MNID and ln >= 1:
            o.update(name='MN-ID', subtype=data[0], nai=data[1:].decode('utf-8', 'replace'))
        elif t == OPT_AUTH and ln >= AUTH_FIXED:
            o.update(name='auth', subtype=data[0], spi=struct.unpack_from('!I', data, 1)[0],
                     mac=data[AUTH_FIXED:].hex())
        elif t == OPT_REPLAY and ln == 8:
            ts = struct.unpack('!Q', data)[0]
            o.update(name='replay', ts='0x%016x' % ts, ts_unix=round(ntp_to_unix(ts), 3))
        elif t == OPT_ALTCOA and ln == 16:
            o.update(name='altcoa', addr=ntop(data))
        else:
            o['data'] = data.hex()
        opts.append(o)
        off += 2 + ln
    d['options'] = opts
    d['mh'] = mh.hex()
    return d


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
                p.ifname = addr[0]
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


# ------------------------------------------------------------------ RFC 4285 home agent, FMIPv6 PAR

def parse_expect_kv(s):
    """status=0,seq=5,lifetime=10 (or lifetime=1-2),auth=0|1,replay=echo|ha|none|any,count=N"""
    d = {}
    for kv in (s or '').split(','):
        if kv:
            k, v = kv.split('=', 1)
            d[k] = v
    return d


def build_4285(a, mtype, dst, hoa_arg, flags):
    """The BU (to a home agent) or FBU (to a previous access router) of the
    command line. hoa_arg goes into a Home Address option unless --no-hao or
    it is the source. Home address (FBU: previous CoA) = HAO or the source;
    care-of address = Alternate CoA or the source (issue4-spec)."""
    src = a.src or a.coa
    hao = None if a.no_hao or not hoa_arg or hoa_arg == src else hoa_arg
    hoa = hao or src
    coa = a.altcoa or src
    nai = None if a.no_mnid else a.nai.encode()
    ts = parse_ts(a.replay) if a.replay else None
    auth = None if a.no_auth else (a.subtype, a.spi)
    mac_len = a.mac_len or (AAA_MAC_LEN if a.subtype == AUTH_MN_AAA else AUTH_MAC_LEN)
    aaa_mac_len = a.aaa_mac_len or AAA_MAC_LEN
    mh, offs = mh4285(mtype, a.seq, flags, a.lifetime, nai, a.mnid_subtype, a.altcoa, ts, auth,
                      a.layout, mac_len, a.aaa_spi, aaa_mac_len)
    key = bytes.fromhex(a.key)
    if auth is not None:
        mk = bytes.fromhex(a.auth_key) if a.auth_key else key
        mac = auth_mac(mk, a.subtype, mh, offs['auth'], a.auth_coa or coa, a.auth_hoa or hoa)
        o = offs['auth'] + 2 + AUTH_FIXED
        mh[o:o + mac_len] = (mac * 6)[:mac_len]
    if 'auth2' in offs:     # after the MN-HA MAC: MN-AAA covers it
        mac = auth_mac(bytes.fromhex(a.aaa_key), AUTH_MN_AAA, mh, offs['auth2'],
                       a.auth_coa or coa, a.auth_hoa or hoa)
        o = offs['auth2'] + 2 + AUTH_FIXED
        mh[o:o + aaa_mac_len] = (mac * 6)[:aaa_mac_len]
    for f in a.flip or []:
        name, mask = f.rsplit(':', 1)
        mh[mh4285_field(name, offs)] ^= int(mask, 0)
    # RFC 6275 6.1.1: the HAO address with a HAO; the final destination
    mh_set_csum(mh, hao or src, a.rh2 or dst)
    if a.bad_csum:
        mh[5] ^= 0x5a
    if a.rh2:       # a type 2 Routing Header naming a.rh2 (never valid here)
        upper = destopt_hao(IPPROTO_MH, hao) + bytes(mh) if hao else bytes(mh)
        pkt = ipv6(src, dst, IPPROTO_ROUTING,
                   rh2(IPPROTO_DSTOPTS if hao else IPPROTO_MH, a.rh2) + upper)
    else:
        pkt = wrap_hao(src, dst, IPPROTO_MH, bytes(mh), hao)
    return {'pkt': pkt, 'src': src, 'dst': dst, 'to': a.reply_to or src,
            'hao': hao, 'hoa': hoa, 'coa': coa, 'nai': nai, 'ts': ts, 'key': key, 'mh': mh,
            'offs': offs}


def check_4285_reply(p, a, b, rtype, exp, rh2_hoa, dereg):
    """Byte-by-byte check of a BA (rtype 6) or FBack (rtype 9) against
    mh4285_reply(); returns the decoded reply, raises Fail with the first
    differing octet and the field it belongs to."""
    name = 'BA' if rtype == MH_BA else 'FBack'
    dec = decode_mh(p.mh)
    if p.mhtype != rtype:
        raise Fail('expected a %s, got MH type %s: %s' % (name, p.mhtype, p.describe()))
    if p.src != b['dst']:
        raise Fail('%s from %s, want the %s destination %s' % (name, p.src, 'BU' if rtype == MH_BA
                                                               else 'FBU', b['dst']))
    status = int(exp.get('status', '0'), 0)
    # the sequence number as sent (after --flip)
    seq = int(exp['seq'], 0) if 'seq' in exp else struct.unpack_from('!H', b['mh'], 6)[0]
    got_lt = dec.get('lifetime', -1)
    if 'lifetime' in exp:
        v = exp['lifetime']
        if '-' in v:
            lo, hi = (int(x, 0) for x in v.split('-'))
            if not lo <= got_lt <= hi:
                raise Fail('%s lifetime %d not in [%d, %d]' % (name, got_lt, lo, hi))
            lt = got_lt
        else:
            lt = int(v, 0)
    elif status < 128 and not dereg:
        # BA: 4 s units; FBack: seconds (RFC 5568 6.2.3 "The granted
        # lifetime in seconds")
        lt = min(a.lifetime, max_lifetime_param() // (4 if rtype == MH_BA else 1))
    else:
        lt = 0
    want_auth = exp.get('auth', '1') == '1'
    # RFC 4285 6: "When the Home Agent receives the mobility message replay
    # protection option in Binding Update, it MUST include the mobility
    # message replay protection option in Binding Acknowledgement"
    if b['ts'] is None:
        rp_default = 'none'
    else:
        rp_default = 'ha' if status == 144 else 'echo'
    rp = exp.get('replay', rp_default)
    got_ts = [int(o['ts'], 16) for o in dec['options'] if o.get('name') == 'replay']
    if rp == 'none':
        ts = None
    elif rp == 'echo':
        ts = b['ts']
    elif rp in ('ha', 'any'):
        ts = got_ts[0] if got_ts else None
        if rp == 'ha':
            if ts is None:
                raise Fail('%s status %d without a Replay Protection option (want the home agent '
                           'time): %s' % (name, dec.get('status', -1), json.dumps(dec)))
            # RFC 4285 6: the home agent "copies only the low-order 32
            # bits" of the BU's timestamp, the high-order 32 bits are its time
            skew = (ts >> 32) - (ntp_from_unix(time.time()) >> 32)
            if abs(skew) > a.ts_tolerance:
                raise Fail('%s timestamp 0x%016x: seconds %.1fs away from this clock (tolerance %.1fs)'
                           % (name, ts, skew, a.ts_tolerance))
            if b['ts'] is not None and (ts ^ b['ts']) & 0xffffffff:
                raise Fail('%s timestamp 0x%016x: low-order 32 bits not those of the BU\'s 0x%016x'
                           % (name, ts, b['ts']))
    else:
        ts = int(rp, 0)
    nai = exp['nai'].encode() if 'nai' in exp else b['nai'] or b''
    # RFC 4285 5.2: the answer "MUST include the MN-HA mobility message
    # authentication option, and MUST NOT include the MN-AAA" one
    auth = (AUTH_MN_HA, a.reply_spi if a.reply_spi is not None else a.spi) if want_auth else None
    rkey = b['rkey'] = bytes.fromhex(a.reply_key) if a.reply_key else b['key']
    want, fields = mh4285_reply(rtype, status, seq, lt, nai, ts, auth, rkey, b['coa'], b['hoa'])
    mh_set_csum(want, b['dst'], rh2_hoa or b['to'])
    if p.ver_tc_fl != 6 << 28:
        raise Fail('%s: version/class/flow word %08x, want 60000000' % (name, p.ver_tc_fl))
    if rh2_hoa:
        if p.nh0 != IPPROTO_ROUTING or len(p.exthdrs) != 1 or p.rh2_raw != rh2(IPPROTO_MH, rh2_hoa):
            raise Fail('%s: want exactly a type 2 routing header %s, got next header %d, ext %s'
                       % (name, rh2(IPPROTO_MH, rh2_hoa).hex(), p.nh0,
                          [(h[0], h[1].hex()) for h in p.exthdrs]))
    elif p.exthdrs or p.nh0 != IPPROTO_MH:
        raise Fail('%s: unexpected extension headers %s (no RH2 wanted)'
                   % (name, [(h[0], h[1].hex()) for h in p.exthdrs]))
    if p.plen != (24 if rh2_hoa else 0) + len(p.mh) or len(p.ip) < 40 + p.plen:
        raise Fail('%s: payload length %d for an MH of %d octets' % (name, p.plen, len(p.mh)))
    if not csum_ok(b['dst'], rh2_hoa or b['to'], IPPROTO_MH, p.mh):
        raise Fail('%s: MH checksum %04x wrong for the pseudo-header %s -> %s: %s'
                   % (name, struct.unpack_from('!H', p.mh, 4)[0], b['dst'], rh2_hoa or b['to'],
                      json.dumps(dec)))
    # the first difference outside the Checksum, then the Checksum
    d = first_diff(p.mh[:4] + b'\0\0' + p.mh[6:], bytes(want[:4]) + b'\0\0' + bytes(want[6:]))
    if d is None:
        d = first_diff(p.mh, want)
    if d is not None:
        where = [f[2] for f in fields if f[0] <= d < f[1]] or ['beyond the expected end']
        raise Fail('%s differs at MH octet %d (%s): got %s want %s;%s got %s'
                   % (name, d, where[0], p.mh.hex(), bytes(want).hex(),
                      received_mac_note(p.mh, dec, b), json.dumps(dec)))
    return dec


def received_mac_note(mh, dec, b):
    """Diagnostic for a reply that differs from the spec: is the MAC it
    carries right for its own octets (same key, coa | hoa)?"""
    notes = []
    for o in dec['options']:
        if o.get('name') == 'auth':
            good = auth_mac(b.get('rkey', b['key']), o['subtype'], mh, o['off'], b['coa'], b['hoa'])
            notes.append(' the MAC at MH offset %d (%s) is %s for the octets received (key, %s | %s);'
                         % (o['off'], 'aligned 4n+1' if o['off'] % 4 == 1 else 'NOT 4n+1',
                            'correct' if good.hex() == o['mac'] else 'WRONG, want ' + good.hex(),
                            b['coa'], b['hoa']))
    return ''.join(notes)


def run_4285(a, b, rtype, rh2_hoa, dereg, exp_s):
    """Send the message (--count times), wait for the replies, check them."""
    exp = parse_expect_kv(exp_s)
    cap = capture()
    cap.drain()
    for _ in range(a.count):
        send_raw(b['pkt'], b['dst'])
    sent = {'seq': a.seq, 'nai': b['nai'].decode() if b['nai'] else None, 'spi': a.spi,
            'ts': '0x%016x' % b['ts'] if b['ts'] is not None else None, 'hoa': b['hoa'],
            'coa': b['coa'], 'mh': b['mh'].hex()}

    def reply_to_us(p):
        return p.dst == b['to'] and p.src != b['to'] and p.mhtype in (MH_BA, MH_BE, MH_FBACK)

    name = 'BA' if rtype == MH_BA else 'FBack'
    if a.expect_none:
        pk = cap.packets(a.expect_none_wait, reply_to_us, stop_after=1)
        if a.pcap and pk:
            pcap_append(a.pcap, [p.frame for p in pk])
        if pk:
            raise Fail('unexpected reply within %.1fs: %s; got %s'
                       % (a.expect_none_wait, pk[0].describe(), json.dumps(decode_mh(pk[0].mh))))
        return json.dumps({'verdict': 'no reply within %.1fs' % a.expect_none_wait, 'sent': sent,
                           'reply': None})
    if exp_s is None:
        return json.dumps({'verdict': 'sent %d' % a.count, 'sent': sent})
    want_n = int(exp.get('count', '1'))
    if a.count == 1 and want_n == 1:
        pk = cap.packets(a.timeout, reply_to_us, stop_after=1)
    else:
        pk = cap.packets(a.listen, reply_to_us)
    if a.pcap and pk:
        pcap_append(a.pcap, [p.frame for p in pk])
    if not pk and want_n:
        raise Fail('no reply from %s to %s within %.1fs' % (b['dst'], b['to'],
                                                            a.timeout if a.count == 1 else a.listen))
    if len(pk) != want_n:
        raise Fail('%d replies for %d messages, want %d: %s' % (
            len(pk), a.count, want_n, '; '.join(json.dumps(decode_mh(p.mh)) for p in pk[:3])))
    decs = [check_4285_reply(p, a, b, rtype, exp, rh2_hoa, dereg) for p in pk]
    d0 = decs[0] if decs else {}
    return json.dumps({'verdict': '%s status=%s seq=%s lifetime=%s verified byte by byte (%d)' % (
        name, d0.get('status'), d0.get('seq'), d0.get('lifetime'), len(decs)),
        'sent': sent, 'reply': d0 or None, 'rh2': rh2_hoa})


def cmd_ha_bu(a):
    """Home registration BU to a home agent, RFC 4285 authenticated."""
    flags = (BU_A if a.ack else 0) | (BU_H if a.home else 0)
    b = build_4285(a, MH_BU, a.ha, a.hoa, flags)
    dereg = a.lifetime == 0 or b['coa'] == b['hoa']
    rh2_hoa = b['hoa'] if b['hoa'] != b['src'] else None
    return run_4285(a, b, MH_BA, rh2_hoa, dereg, a.expect_ba)


def cmd_fbu(a):
    """FMIPv6 Fast Binding Update to the previous access router: source
    = new CoA, HAO = previous CoA, FBack to the source without RH2."""
    b = build_4285(a, MH_FBU, a.par, a.pcoa, a.flags)
    return run_4285(a, b, MH_FBACK, None, False, a.expect_fback)


def cmd_ntp(a):
    return '0x%016x' % parse_ts(a.when)


def cmd_selftest(a):
    """Check the RFC 4285 helpers against ../shared/reference/specs.md 6.4
    and the layout rules; returns a summary or raises Fail."""
    key = bytes(range(0x20, 0x30))
    mh, offs = mh4285(MH_BU, 1, BU_A | BU_H, 0x100, ts=0xe93c7f0000000000, auth=(AUTH_MN_HA, 256))
    mh[offs['auth'] + 7:offs['auth'] + 19] = auth_mac(key, AUTH_MN_HA, mh, offs['auth'],
                                                      '2001:db8:2::200', '2001:db8:1::100')
    want = ('3b05050000000001c00001000104000000000a08e93c7f00000000000009110100000100'
            'fb2310d70e908af0b238e252')
    if mh.hex() != want:
        raise Fail('specs.md 6.4 vector: got %s' % mh.hex())
    if ntp_from_unix(1704067200) != 0xe93c7f0000000000:
        raise Fail('NTP conversion')
    # MN-AAA: HMAC-SHA1 over SHA1 of the Mobility Data
    data = A6('2001:db8:2::200') + A6('2001:db8:1::100') + bytes(mh[:offs['auth'] + 7])
    ref = hmac.new(key, hashlib.sha1(data).digest(), hashlib.sha1).digest()
    if len(ref) != 20 or \
            auth_mac(key, AUTH_MN_AAA, mh, offs['auth'], '2001:db8:2::200', '2001:db8:1::100') != ref:
        raise Fail('MN-AAA formula')
    # every NAI length: options aligned, auth last, MH a multiple of 8
    for n in range(1, 64):
        for ts in (None, 1):
            for alt in (None, '2001:db8::5'):
                m, o = mh4285(MH_BU, 1, 0, 1, b'x' * n, ts=ts, altcoa=alt, auth=(1, 256))
                if len(m) % 8 or o['auth'] % 8 != 5 or o['auth'] + 19 != len(m) or \
                        (ts and o['replay'] % 8 != 2) or (alt and o['altcoa'] % 8 != 6):
                    raise Fail('layout n=%d ts=%s alt=%s: %s' % (n, ts, alt, m.hex()))
                r, _ = mh4285_reply(MH_BA, 0, 1, 1, b'x' * n, ts, (1, 256), key, '::1', '::2')
                dec = decode_mh(r)
                names = [x.get('name') for x in dec['options'] if x.get('name') not in ('Pad1', 'PadN')]
                if len(r) % 8 or names != ['MN-ID'] + (['replay'] if ts else []) + ['auth']:
                    raise Fail('reply layout n=%d: %s' % (n, r.hex()))
                ao = [x['off'] for x in dec['options'] if x.get('name') == 'auth'][0]
                if ao % 4 != 1:
                    raise Fail('reply auth at %d' % ao)
    return 'specs.md 6.4 MN-HA vector, NTP, MN-AAA, layouts: all as expected'


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

    def rfc4285(sp):
        sp.add_argument('--timeout', type=float, default=5.0)
        sp.add_argument('--expect-none', action='store_true')
        sp.add_argument('--expect-none-wait', type=float, default=1.0)
        sp.add_argument('--pcap')
        sp.add_argument('--coa', required=True, help='IPv6 source (FBU: the new CoA)')
        sp.add_argument('--src', help='IPv6 source instead of --coa')
        sp.add_argument('--altcoa', help='Alternate Care-of Address option')
        sp.add_argument('--rh2', help='add a type 2 Routing Header with this address')
        sp.add_argument('--no-hao', action='store_true')
        sp.add_argument('--nai', default='mn@example.com')
        sp.add_argument('--no-mnid', action='store_true')
        sp.add_argument('--mnid-subtype', type=lambda x: int(x, 0), default=MNID_NAI)
        sp.add_argument('--spi', type=lambda x: int(x, 0), required=True)
        sp.add_argument('--subtype', type=lambda x: int(x, 0), default=AUTH_MN_HA)
        sp.add_argument('--no-auth', action='store_true')
        sp.add_argument('--key', required=True, help='SA key (hex): the reply is checked with it, '
                        'and the message is authenticated with it unless --auth-key')
        sp.add_argument('--auth-key')
        sp.add_argument('--auth-coa', help='care-of address in the MAC (default: AltCoA or source)')
        sp.add_argument('--auth-hoa', help='home address in the MAC (default: HAO or source)')
        sp.add_argument('--mac-len', type=int, help='authentication data octets (default 12, '
                        'MN-AAA 20)')
        sp.add_argument('--aaa-spi', type=lambda x: int(x, 0),
                        help='add an MN-AAA option with this SPI after the MN-HA one')
        sp.add_argument('--aaa-key', help='its key (hex)')
        sp.add_argument('--aaa-mac-len', type=int)
        sp.add_argument('--reply-spi', type=lambda x: int(x, 0),
                        help='SPI of the MN-HA option expected in the reply (default --spi)')
        sp.add_argument('--reply-key', help='its key (default --key)')
        sp.add_argument('--reply-to', help='where the reply must go (default: the source)')
        sp.add_argument('--replay', help='Replay Protection option: now, now+S, -S, or 0xNTP')
        sp.add_argument('--seq', type=lambda x: int(x, 0), required=True)
        sp.add_argument('--lifetime', type=lambda x: int(x, 0), required=True)
        sp.add_argument('--layout', default='std', choices=MH4285_LAYOUTS)
        sp.add_argument('--flip', action='append',
                        help='FIELD:MASK (seq, flags, lifetime, nai, spi, mac, mac-last, ts, '
                        'ts-last, subtype, or an MH offset), after the MAC, before the checksum')
        sp.add_argument('--bad-csum', action='store_true')
        sp.add_argument('--count', type=int, default=1, help='send the message N times')
        sp.add_argument('--listen', type=float, default=2.0,
                        help='with --count > 1 or count=N: collect replies this long')
        sp.add_argument('--ts-tolerance', type=float, default=5.0,
                        help='seconds between a home agent timestamp and this clock')

    hb = sub.add_parser('ha-bu')
    rfc4285(hb)
    hb.add_argument('--ha', required=True)
    hb.add_argument('--hoa', required=True)
    hb.add_argument('--ack', action='store_true')
    hb.add_argument('--home', action='store_true', help='set H')
    hb.add_argument('--expect-ba', help='status=N[,seq=N][,lifetime=N|A-B][,auth=0|1]'
                    '[,replay=echo|ha|none|any|0xTS][,nai=NAI][,count=N]')

    fb = sub.add_parser('fbu')
    rfc4285(fb)
    fb.add_argument('--par', required=True)
    fb.add_argument('--pcoa', required=True, help='previous CoA, in the Home Address option')
    fb.add_argument('--flags', type=lambda x: int(x, 0), default=BU_A | BU_H)
    fb.add_argument('--expect-fback', help='as --expect-ba')

    nt = sub.add_parser('ntp')
    nt.add_argument('when', nargs='?', default='now')
    sub.add_parser('selftest')
    return p


COMMANDS = {'bu': cmd_bu, 'hao-udp': cmd_hao_udp, 'hao-flood': cmd_hao_flood, 'mh': cmd_mh,
            'scale': cmd_scale, 'provision': cmd_provision,
            'kbm-key': lambda a: kbm_key(a.index).hex(),
            'scale-hoa': lambda a: scale_hoa(a.prefix, a.index),
            'ha-bu': cmd_ha_bu, 'fbu': cmd_fbu, 'ntp': cmd_ntp, 'selftest': cmd_selftest}


def run_command(make_parser, commands, argv):
    """Run one command of @commands; returns (exit status, line)."""
    try:
        a = make_parser().parse_args(argv)
    except SystemExit:
        return 2, 'ERROR usage: %s' % ' '.join(argv)
    if not a.cmd:
        return 2, 'ERROR no command'
    try:
        return 0, 'OK ' + commands[a.cmd](a)
    except Fail as e:
        return 1, 'FAIL ' + str(e)
    except Exception as e:      # a bug here must not look like a kernel verdict
        return 2, 'ERROR %s: %s' % (type(e).__name__, e)


def run(argv):
    """Run one command; returns (exit status, line)."""
    return run_command(parser, COMMANDS, argv)


def serve(run_one):
    """The coprocess of lib.sh's mn_start: one command per line, one answer."""
    print('ready', flush=True)
    for line in sys.stdin:
        w = shlex.split(line)
        if not w:
            continue
        if w[0] == 'quit':
            break
        _, out = run_one(w)
        print(out.replace('\n', ' '), flush=True)
    return 0


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
        return serve(run)
    rc, out = run(argv)
    print(out)
    return rc


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
