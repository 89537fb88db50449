#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Mobile node for return routability (RFC 6275 5.2, 6.1.3-6.1.6, 9.4,
9.5.1, 9.5.4) against a mip6sec correspondent node, for selftests/rr.sh,
rr_coexist.sh and the demo.

The module's side is never called: this process sends Home Test Init and
Care-of Test Init messages, checks the Home Test / Care-of Test that come
back octet by octet (layout, addresses, checksum over the right pseudo-
header, cookie echo), keeps the keygen tokens they carry, computes
Kbm = SHA1(home keygen token | care-of keygen token) (SHA1(home keygen
token) for a de-registration) and the Binding Authorization Data
authenticator with hashlib/hmac, sends the Binding Update, and recomputes
the Binding Acknowledgement to the octet, its authenticator included.
What is not specific to return routability (checksums, option builders,
the capture, the command loop, hao-udp, udp-recv, mh-recv) comes from
selftests/mn.py.

Commands (one per process, or one per line with "serve"; each answers one
line, "OK {json}", "FAIL reason" or "ERROR ..."):

  hoti --cn CN --hoa H [--src S] [--cookie HEX] [--hao A] [--rh2 A] [--mcast IF]
       [--expect-none [--wait T]] [--state FILE] [--pcap FILE]
        Home Test Init from H (or S) to CN; the HoT must come back from CN
        to the source, 24 octets, Header Len 2, the cookie echoed, checksum
        over (CN, source), no extension header. Its nonce index and home
        keygen token are kept (and printed). --hao/--rh2/--mcast IF (to
        ff02::1 on IF) send what a correspondent must ignore: --expect-none.
  coti --cn CN --coa C [...]   the same for Care-of Test Init / Care-of Test
  init-burst --cn CN --src S --count N [--kind hoti|coti|mix] [--listen T]
        N init messages (distinct cookies) as fast as possible; every reply
        checked octet by octet; prints sent, secs, replies, dup, unknown, bad
  age --kind home|careof --addr A --idx N   seconds since that token came
  bu --cn CN --hoa H --coa C [--src S] [--altcoa A] [--no-hao] [--hidx N] [--cidx N]
       [--htok HEX] [--ctok HEX] [--ctok-addr A] [--kbm HEX] --seq N --lifetime L
       [--ack] [--home] [--layout std|nobad|nononce] [--flip OFF:MASK ...]
       [--auth-coa A] [--expect-ba status=N[,seq=N][,lifetime=N][,bad=0|1]]
       [--expect-none [--wait T]] [--state FILE] [--pcap FILE]
        RR Binding Update (H = 0, Nonce Indices, BAD); tokens from earlier
        HoT/CoT (or given), by default the newest ones; the BA is recomputed: BAD keyed with the Kbm
        unless status 136-138, RH2 with the home address when sent to a
        care-of address, checksum over the final destination.
  icmp-hao --cn CN --src S --hoa H --type 128|146 [--ident N]
       [--expect reply|be|none] [--wait T]
        ICMPv6 echo request or Mobile Prefix Solicitation with a Home
        Address option (checksum over the home address); reply: the echo
        reply to the home address; be: a Binding Error status 1 to S
  icmp-recv SECS   (cn side) raw ICMPv6 socket, {"type","src","dst","id"} for
                   types 128 and 146
  selftest         the Kbm / BU / BA code against specs.md 6.3 (no kernel)
  serve            read commands on stdin
  ...              any other command of selftests/mn.py (hao-udp, bu, ...)
"""

import argparse
import hashlib
import json
import os
import select
import socket
import struct
import sys
import time

import mn
from mn import (BU_A, BU_H, IPPROTO_DSTOPTS, IPPROTO_MH, IPPROTO_ROUTING,
                MH_BA, MH_BE, OPT_PADN, Fail, altcoa_opt, bad_auth, bad_opt,
                bu_mh, capture, check_be, csum_ok, decode_mh, expected_ba, first_diff, ipv6,
                l4_csum, mh_header, mh_set_csum, nonce_opt, ntop, pad_to, pcap_append, rh2,
                run_command, send_raw, serve, wrap_hao)

MH_HOTI, MH_COTI, MH_HOT, MH_COT = 1, 2, 3, 4
IPPROTO_ICMPV6 = 58
ICMP_ECHO, ICMP_ECHO_REPLY, ICMP_MPS = 128, 129, 146
BA_NONCE_EXPIRED = (136, 137, 138)      # RFC 6275 6.1.8: no BAD in these (9.5.4)
MAX_RR_BINDING_LIFETIME = 420           # RFC 6275 12

KIND = {MH_HOTI: 'home', MH_COTI: 'careof'}
NAME = {MH_HOTI: 'HoTI', MH_COTI: 'CoTI', MH_HOT: 'HoT', MH_COT: 'CoT'}

# (kind, address, nonce index) -> {'token': hex, 't': CLOCK_MONOTONIC of arrival}
TOKENS = {}


def state_load(path):
    if path and os.path.exists(path):
        with open(path) as f:
            for k, v in json.load(f).items():
                kind, addr, idx = k.split('|')
                TOKENS[(kind, addr, int(idx))] = v


def state_save(path):
    if path:
        with open(path + '.tmp', 'w') as f:
            json.dump({'%s|%s|%d' % k: v for k, v in TOKENS.items()}, f)
        os.replace(path + '.tmp', path)


def newest_index(kind, addr):
    """The nonce index of the newest token received for @addr."""
    got = [(v['t'], k[2]) for k, v in TOKENS.items() if k[0] == kind and k[1] == addr]
    if not got:
        raise Fail('no %s keygen token received for %s' % (kind, addr))
    return max(got)[1]


def token_get(kind, addr, idx):
    t = TOKENS.get((kind, addr, idx))
    if t is None:
        raise Fail('no %s keygen token for %s index %d (known: %s)'
                   % (kind, addr, idx, sorted('%s %s %d' % k for k in TOKENS)))
    return bytes.fromhex(t['token']), time.monotonic() - t['t']


# ------------------------------------------------------------------ RR messages

def init_mh(mtype, cookie):
    """HoTI / CoTI (RFC 6275 6.1.3, 6.1.4): Reserved(16), cookie(64): 16 octets."""
    return mh_header(mtype, struct.pack('!H', 0) + bytes(cookie))


def expected_test(rtype, cn, dst, idx, cookie, token):
    """HoT / CoT (6.1.5, 6.1.6): nonce index, the init cookie, the keygen
    token; 24 octets, Header Len 2; checksum over (CN, destination)."""
    mh = mh_header(rtype, struct.pack('!H', idx) + bytes(cookie) + bytes(token))
    return bytes(mh_set_csum(mh, cn, dst))


TEST_FIELDS = [(0, 1, 'Payload Proto'), (1, 2, 'Header Len'), (2, 3, 'MH Type'), (3, 4, 'Reserved'),
               (4, 6, 'Checksum'), (6, 8, 'Nonce Index'), (8, 16, 'Init Cookie'),
               (16, 24, 'Keygen Token')]


def field_at(fields, off):
    return ([f[2] for f in fields if f[0] <= off < f[1]] or ['beyond the expected end'])[0]


def check_test(p, rtype, cn, dst, cookie):
    """Octet-by-octet check of a HoT / CoT; returns (index, token)."""
    name = NAME[rtype]
    if p.mhtype != rtype:
        raise Fail('expected a %s, got MH type %s: %s' % (name, p.mhtype, p.describe()))
    if p.src != cn or p.dst != dst:
        raise Fail('%s from %s to %s, want %s -> %s' % (name, p.src, p.dst, cn, dst))
    if p.ver_tc_fl != 6 << 28:
        raise Fail('%s: version/class/flow word %08x, want 60000000' % (name, p.ver_tc_fl))
    if p.exthdrs or p.nh0 != IPPROTO_MH:
        raise Fail('%s: extension headers %s (none wanted)' % (name, [(h[0], h[1].hex()) for h in p.exthdrs]))
    if p.plen != 24 or len(p.mh) != 24:
        raise Fail('%s: payload length %d, MH %d octets, want 24: %s' % (name, p.plen, len(p.mh), p.mh.hex()))
    if not csum_ok(cn, dst, IPPROTO_MH, p.mh):
        raise Fail('%s: checksum %04x wrong for the pseudo-header %s -> %s: %s'
                   % (name, struct.unpack_from('!H', p.mh, 4)[0], cn, dst, p.mh.hex()))
    idx = struct.unpack_from('!H', p.mh, 6)[0]
    token = bytes(p.mh[16:24])
    want = expected_test(rtype, cn, dst, idx, cookie, token)
    d = first_diff(p.mh, want)
    if d is not None:
        raise Fail('%s differs at MH octet %d (%s): got %s want %s'
                   % (name, d, field_at(TEST_FIELDS, d), p.mh.hex(), want.hex()))
    return idx, token


def rr_bu_mh(seq, flags, lifetime, hidx, cidx, altcoa=None, layout='std'):
    """BU with an optional Alternate CoA (8n+6), Nonce Indices (2n) and the
    Binding Authorization Data last (8n+2, RFC 6275 6.2.7); without an
    Alternate CoA: Nonce Indices at 12, BAD at 18, 32 octets (specs.md 6.3).
    Returns (MH, MH offset of the BAD option or None)."""
    opts = bytearray()
    bad_off = None

    def here():
        return 12 + len(opts)

    if altcoa:
        opts += pad_to(here(), 8, 6)
        opts += altcoa_opt(altcoa)
    if layout != 'nononce':
        opts += pad_to(here(), 2, 0)
        opts += nonce_opt(hidx, cidx)
    if layout != 'nobad':
        opts += pad_to(here(), 8, 2)
        bad_off = here()
        opts += bad_opt()
    opts += pad_to(here(), 8, 0)
    return bu_mh(seq, flags, lifetime, [bytes(opts)]), bad_off


def kbm_of(htok, ctok=None):
    """RFC 6275 5.2.5: Kbm = SHA1(home keygen token | care-of keygen token),
    SHA1(home keygen token) for a de-registration."""
    return hashlib.sha1(bytes(htok) + (bytes(ctok) if ctok is not None else b'')).digest()


def expected_rr_ba(cn, dst, hoa, status, seq, lifetime, key, auth_coa):
    """The BA the correspondent must send: with BAD (mn.expected_ba, 32
    octets) keyed with @key, or for 136-138 (key None) 12 octets and a
    PadN(4): 16 octets, no BAD. RH2 with the home address when sent to
    another address; checksum over the final destination."""
    if key is not None:
        return expected_ba(cn, dst, hoa, status, seq, lifetime, key, auth_coa)
    mh = bytearray(16)
    mh[0:4] = bytes([59, 1, MH_BA, 0])
    mh[6] = status
    struct.pack_into('!HH', mh, 8, seq & 0xffff, lifetime & 0xffff)
    mh[12:14] = bytes([OPT_PADN, 2])
    rh = hoa if hoa and hoa != dst else None
    mh_set_csum(mh, cn, rh or dst)
    return bytes(mh), rh


BA_FIELDS = [(0, 1, 'Payload Proto'), (1, 2, 'Header Len'), (2, 3, 'MH Type'), (3, 4, 'Reserved'),
             (4, 6, 'Checksum'), (6, 7, 'Status'), (7, 8, 'K/Reserved'), (8, 10, 'Sequence Number'),
             (10, 12, 'Lifetime'), (12, 18, 'padding'), (18, 20, 'BAD Type/Length'),
             (20, 32, 'Authenticator')]


def check_rr_ba(p, cn, dst, hoa, status, seq, lifetime, key, auth_coa):
    want_mh, want_rh = expected_rr_ba(cn, dst, hoa, status, seq, lifetime, key, auth_coa)
    dec = json.dumps(decode_mh(p.mh))
    if p.ver_tc_fl != 6 << 28:
        raise Fail('BA: version/class/flow word %08x, want 60000000' % p.ver_tc_fl)
    if want_rh:
        if p.nh0 != IPPROTO_ROUTING or len(p.exthdrs) != 1 or p.rh2_raw != rh2(IPPROTO_MH, want_rh):
            raise Fail('BA: want exactly a type 2 routing header %s, got next header %d, ext %s; %s'
                       % (rh2(IPPROTO_MH, want_rh).hex(), p.nh0,
                          [(h[0], h[1].hex()) for h in p.exthdrs], dec))
    elif p.exthdrs or p.nh0 != IPPROTO_MH:
        raise Fail('BA: extension headers %s (no RH2 wanted); %s'
                   % ([(h[0], h[1].hex()) for h in p.exthdrs], dec))
    if p.plen != (24 if want_rh else 0) + len(want_mh) or len(p.mh) != len(want_mh):
        raise Fail('BA: payload length %d, MH %d octets, want an MH of %d (%s); %s'
                   % (p.plen, len(p.mh), len(want_mh), 'with BAD' if key else 'no BAD', dec))
    if not csum_ok(cn, want_rh or dst, IPPROTO_MH, p.mh):
        raise Fail('BA: checksum %04x wrong for the pseudo-header %s -> %s; %s'
                   % (struct.unpack_from('!H', p.mh, 4)[0], cn, want_rh or dst, dec))
    d = first_diff(p.mh, want_mh)
    if d is not None:
        note = ''
        if key is not None and d >= 20:
            mine = bad_auth(key, p.mh, 18, auth_coa, cn)
            note = ' (the received authenticator is %s for its own octets with this Kbm)' % (
                'right' if mine == bytes(p.mh[20:32]) else 'wrong')
        raise Fail('BA differs at MH octet %d (%s): got %s want %s%s'
                   % (d, field_at(BA_FIELDS, d), p.mh.hex(), want_mh.hex(), note))
    return want_rh


# ------------------------------------------------------------------ sending helpers

def send_mcast(pkt, group, ifname):
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
    try:
        s.sendto(pkt, (group, 0, 0, socket.if_nametoindex(ifname)))
    finally:
        s.close()


def build_init(a, mtype, addr):
    """The HoTI / CoTI of the command line: (packet, source, cookie)."""
    src = a.src or addr
    dst = 'ff02::1' if a.mcast else a.cn
    cookie = bytes.fromhex(a.cookie) if a.cookie else os.urandom(8)
    if len(cookie) != 8:
        raise ValueError('--cookie must be 8 octets')
    mh = init_mh(mtype, cookie)
    # RFC 6275 6.1.1: the home address (HAO) for the source, the final
    # destination (RH2) for the destination of the pseudo-header
    mh_set_csum(mh, a.hao or src, a.rh2 or dst)
    upper = bytes(mh)
    nh = IPPROTO_MH
    if a.hao:
        upper = destopt_hao_mh(upper, a.hao)
        nh = IPPROTO_DSTOPTS
    if a.rh2:
        upper = rh2(nh, a.rh2) + upper
        nh = IPPROTO_ROUTING
    return ipv6(src, dst, nh, upper), src, dst, cookie


def destopt_hao_mh(mh, hoa):
    return mn.destopt_hao(IPPROTO_MH, hoa) + bytes(mh)


def mh_to_me(exclude_src):
    """Any Mobility Header this namespace received from elsewhere."""
    return lambda p: p.src != exclude_src and p.mhtype is not None


# ------------------------------------------------------------------ commands

def cmd_init(a, mtype):
    addr = a.hoa if mtype == MH_HOTI else a.coa
    state_load(a.state)
    pkt, src, dst, cookie = build_init(a, mtype, addr)
    cap = capture()
    cap.drain()
    if a.mcast:
        send_mcast(pkt, dst, a.mcast)
    else:
        send_raw(pkt, dst)
    sent = {'type': NAME[mtype], 'src': src, 'dst': dst, 'cookie': cookie.hex(), 'hao': a.hao,
            'rh2': a.rh2}
    if a.expect_none:
        pk = cap.packets(a.wait, mh_to_me(src), stop_after=1)
        if a.pcap and pk:
            pcap_append(a.pcap, [p.frame for p in pk])
        if pk:
            raise Fail('unexpected reply to an ignored %s within %.1fs: %s; %s'
                       % (NAME[mtype], a.wait, pk[0].describe(), json.dumps(decode_mh(pk[0].mh))))
        return json.dumps({'verdict': 'no reply within %.1fs' % a.wait, 'sent': sent})
    rtype = mtype + 2
    pk = cap.packets(a.timeout, lambda p: p.src == a.cn and p.dst == src, stop_after=1)
    if a.pcap and pk:
        pcap_append(a.pcap, [p.frame for p in pk])
    if not pk:
        raise Fail('no %s from %s to %s within %.1fs' % (NAME[rtype], a.cn, src, a.timeout))
    idx, token = check_test(pk[0], rtype, a.cn, src, cookie)
    TOKENS[(KIND[mtype], src, idx)] = {'token': token.hex(), 't': time.monotonic()}
    state_save(a.state)
    return json.dumps({'verdict': '%s verified octet by octet' % NAME[rtype], 'sent': sent,
                       'index': idx, 'token': token.hex(), 'cookie': cookie.hex(),
                       'src': pk[0].src, 'dst': pk[0].dst, 'csum': '%04x' % struct.unpack_from('!H', pk[0].mh, 4)[0]})


def cmd_init_burst(a):
    kinds = {'hoti': [MH_HOTI], 'coti': [MH_COTI], 'mix': [MH_HOTI, MH_COTI]}[a.kind]
    base = struct.unpack('!Q', os.urandom(8))[0] & ~0xffff
    sent = {}
    pkts = []
    for i in range(a.count):
        mtype = kinds[i % len(kinds)]
        cookie = struct.pack('!Q', base + i)
        mh = init_mh(mtype, cookie)
        mh_set_csum(mh, a.src, a.cn)
        pkts.append(ipv6(a.src, a.cn, IPPROTO_MH, bytes(mh)))
        sent[cookie] = mtype
    cap = capture()
    cap.drain()
    sk = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
    t0 = time.monotonic()
    for p in pkts:
        sk.sendto(p, (a.cn, 0))
    dur = time.monotonic() - t0
    sk.close()
    got = cap.packets(a.listen, lambda p: p.src == a.cn and p.dst == a.src)
    seen = set()
    n = {'hot': 0, 'cot': 0, 'dup': 0, 'unknown': 0, 'bad': 0, 'other': 0}
    first_bad = None
    for p in got:
        if p.mhtype not in (MH_HOT, MH_COT) or len(p.mh) < 16:
            n['other'] += 1
            continue
        cookie = bytes(p.mh[8:16])
        if cookie not in sent:
            n['unknown'] += 1
            continue
        if cookie in seen:
            n['dup'] += 1
            continue
        seen.add(cookie)
        try:
            check_test(p, sent[cookie] + 2, a.cn, a.src, cookie)
            n['hot' if p.mhtype == MH_HOT else 'cot'] += 1
        except Fail as e:
            n['bad'] += 1
            first_bad = first_bad or str(e)
    return json.dumps(dict(n, sent=a.count, secs=round(dur, 4), replies=len(got),
                           answered=len(seen), first_bad=first_bad))


def cmd_age(a):
    state_load(a.state)
    _, age = token_get(a.kind, a.addr, a.idx)
    return '%.3f' % age


def parse_expect_ba(s):
    d = {}
    for kv in (s or '').split(','):
        if kv:
            k, v = kv.split('=', 1)
            d[k] = int(v, 0)
    return d


def max_lifetime_param():
    return mn.max_lifetime_param()


def cmd_bu(a):
    state_load(a.state)
    src = a.src or a.coa
    hao = None if a.no_hao or src == a.hoa else a.hoa
    care_of = a.altcoa or src
    # RFC 6275 5.2.6 / 6.2.7: lifetime 0 or care-of == home address
    dereg = a.lifetime == 0 or care_of == a.hoa
    auth_coa = a.auth_coa or (a.hoa if dereg else care_of)
    if a.hidx is None:
        a.hidx = 0 if a.kbm else newest_index('home', a.hoa)
    if a.cidx is None:
        a.cidx = 0 if dereg or a.kbm else newest_index('careof', a.ctok_addr or care_of)
    ages = {}
    if a.kbm:
        kbm = bytes.fromhex(a.kbm)
    else:
        if a.htok:
            htok = bytes.fromhex(a.htok)
        else:
            htok, ages['htok_age'] = token_get('home', a.hoa, a.hidx)
        if dereg:
            kbm = kbm_of(htok)
        else:
            if a.ctok:
                ctok = bytes.fromhex(a.ctok)
            else:
                ctok, ages['ctok_age'] = token_get('careof', a.ctok_addr or care_of, a.cidx)
            kbm = kbm_of(htok, ctok)
    flags = (BU_A if a.ack else 0) | (BU_H if a.home else 0)
    mh, bad_off = rr_bu_mh(a.seq, flags, a.lifetime, a.hidx, a.cidx, a.altcoa, a.layout)
    if bad_off is not None:
        mh[bad_off + 2:bad_off + 14] = bad_auth(kbm, mh, bad_off, auth_coa, a.cn)
    for f in a.flip or []:
        off, mask = f.split(':')
        mh[int(off, 0)] ^= int(mask, 0)
    mh_set_csum(mh, hao or src, a.cn)          # RFC 6275 6.1.1
    pkt = wrap_hao(src, a.cn, IPPROTO_MH, bytes(mh), hao)
    cap = capture()
    cap.drain()
    send_raw(pkt, a.cn)
    sent = dict({'seq': a.seq, 'lifetime': a.lifetime, 'hidx': a.hidx, 'cidx': a.cidx,
                 'hoa': a.hoa, 'src': src, 'care_of': care_of, 'dereg': dereg,
                 'auth_coa': auth_coa, 'kbm': kbm.hex(), 'mh': mh.hex()},
                **{k: round(v, 3) for k, v in ages.items()})
    mine = {src, a.hoa}

    def to_me(p):
        return p.src == a.cn and p.dst in mine

    if a.expect_none:
        pk = cap.packets(a.wait, to_me, stop_after=1)
        if a.pcap and pk:
            pcap_append(a.pcap, [p.frame for p in pk])
        if pk:
            raise Fail('unexpected reply within %.1fs: %s; %s'
                       % (a.wait, pk[0].describe(), json.dumps(decode_mh(pk[0].mh))))
        return json.dumps({'verdict': 'no reply within %.1fs' % a.wait, 'sent': sent})
    if a.expect_ba is None:
        return json.dumps({'verdict': 'sent', 'sent': sent})
    exp = parse_expect_ba(a.expect_ba)
    status = exp.get('status', 0)
    seq = exp.get('seq', a.seq)
    if 'lifetime' in exp:
        lt = exp['lifetime']
    elif status < 128 and not dereg:
        lt = min(a.lifetime, MAX_RR_BINDING_LIFETIME // 4, max_lifetime_param() // 4)
    else:
        lt = 0
    with_bad = exp.get('bad', 0 if status in BA_NONCE_EXPIRED else 1)
    pk = cap.packets(a.timeout, to_me, stop_after=1)
    if a.pcap and pk:
        pcap_append(a.pcap, [p.frame for p in pk])
    if not pk:
        raise Fail('no reply from %s within %.1fs (sent %s)' % (a.cn, a.timeout, json.dumps(sent)))
    p = pk[0]
    try:
        if p.mhtype != MH_BA:
            raise Fail('expected a BA, got MH type %s: %s; %s' % (p.mhtype, p.describe(),
                                                                    json.dumps(decode_mh(p.mh))))
        if p.dst != src:
            raise Fail('BA sent to %s, want the BU source %s' % (p.dst, src))
        rh = check_rr_ba(p, a.cn, src, a.hoa, status, seq, lt, kbm if with_bad else None, auth_coa)
    except Fail as e:
        raise Fail('%s (indices %d/%d%s)' % (e, a.hidx, a.cidx, ''.join(
            ', %s %.3f s' % kv for kv in sorted(sent.items()) if kv[0].endswith('_age'))))
    return json.dumps({'verdict': 'BA status=%d seq=%d lifetime=%d %s rh2=%s verified octet by octet'
                       % (status, seq, lt, 'with BAD' if with_bad else 'without BAD', rh),
                       'sent': sent, 'reply': decode_mh(p.mh)})


def icmp_socket():
    """Raw ICMPv6 socket that reports each message's destination (the
    kernel verifies ICMPv6 checksums before raw delivery)."""
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, IPPROTO_ICMPV6)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1)
    return s


def icmp_messages(s, secs, want, stop_after=None):
    """[{'src', 'dst', 'icmp'}] of the messages @want accepts within @secs."""
    out = []
    end = time.time() + secs
    while time.time() < end and not (stop_after and len(out) >= stop_after):
        r, _, _ = select.select([s], [], [], max(0, end - time.time()))
        if not r:
            continue
        data, anc, _, addr = s.recvmsg(65535, 256)
        dst = [ntop(v[:16]) for lvl, t, v in anc if lvl == socket.IPPROTO_IPV6 and t == socket.IPV6_PKTINFO]
        m = {'src': addr[0], 'dst': dst[0] if dst else None, 'icmp': data}
        if want(m):
            out.append(m)
    return out


def cmd_icmp_hao(a):
    ident = a.ident & 0xffff
    if a.type == ICMP_ECHO:
        data = b'm6:rr-coexist'
        icmp = bytearray(struct.pack('!BBHHH', ICMP_ECHO, 0, 0, ident, 1) + data)
    elif a.type == ICMP_MPS:
        # RFC 6275 6.7: Type 146, Code 0, Checksum, Identifier, Reserved
        icmp = bytearray(struct.pack('!BBHHH', ICMP_MPS, 0, 0, ident, 0))
    else:
        raise ValueError('--type must be 128 or 146')
    # kernel-notes.md 4: the checksum covers the home address
    struct.pack_into('!H', icmp, 2, l4_csum(a.hoa, a.cn, IPPROTO_ICMPV6, icmp))
    pkt = wrap_hao(a.src, a.cn, IPPROTO_ICMPV6, bytes(icmp), a.hoa)
    icap = icmp_socket()
    cap = capture()
    cap.drain()
    send_raw(pkt, a.cn)

    def echo_reply(d):
        return d['src'] == a.cn and len(d['icmp']) >= 8 and d['icmp'][0] == ICMP_ECHO_REPLY and \
            d['icmp'][4:6] == struct.pack('!H', ident)

    try:
        if a.expect == 'reply':
            if a.type != ICMP_ECHO:
                raise ValueError('only an echo request has a reply')
            got = icmp_messages(icap, a.timeout, echo_reply, 1)
            if not got:
                be = cap.packets(0.1, lambda p: p.mhtype == MH_BE)
                raise Fail('no echo reply from %s to %s within %.1fs%s' % (
                    a.cn, a.hoa, a.timeout, '; got ' + be[0].describe() if be else ''))
            d = got[0]
            if d['dst'] != a.hoa:
                raise Fail('echo reply sent to %s, want the home address %s' % (d['dst'], a.hoa))
            want = bytearray(icmp)
            want[0] = ICMP_ECHO_REPLY
            want[2:4] = b'\0\0'
            struct.pack_into('!H', want, 2, l4_csum(a.cn, a.hoa, IPPROTO_ICMPV6, want))
            if d['icmp'] != bytes(want):
                raise Fail('echo reply %s, want %s' % (d['icmp'].hex(), want.hex()))
            be = cap.packets(0.3, lambda p: p.mhtype == MH_BE)
            if be:
                raise Fail('echo answered, but a Binding Error came too: %s' % be[0].describe())
            return json.dumps({'verdict': 'echo reply from %s to %s' % (a.cn, a.hoa),
                               'reply': d['icmp'].hex()})
        if a.expect == 'be':
            pk = cap.packets(a.timeout, lambda p: p.src == a.cn and p.dst == a.src, stop_after=1)
            if not pk:
                raise Fail('no Binding Error from %s to %s within %.1fs' % (a.cn, a.src, a.timeout))
            if pk[0].mhtype != MH_BE:
                raise Fail('expected a BE, got %s' % pk[0].describe())
            r = check_be(pk[0], a.cn, a.src, 1, a.hoa)
            if a.type == ICMP_ECHO and icmp_messages(icap, 0.3, echo_reply, 1):
                raise Fail('a Binding Error, but the echo was answered too')
            return json.dumps({'verdict': r})
        pk = cap.packets(a.wait, lambda p: p.src == a.cn, stop_after=1)
        if pk:
            raise Fail('unexpected %s' % pk[0].describe())
        if a.type == ICMP_ECHO and icmp_messages(icap, 0.2, echo_reply, 1):
            raise Fail('the echo request was answered')
        return json.dumps({'verdict': 'no echo reply, no Binding Error within %.1fs' % a.wait})
    finally:
        icap.close()


def cmd_icmp_recv(secs):
    s = icmp_socket()
    print('ready', flush=True)
    end = time.time() + secs
    while time.time() < end:
        for m in icmp_messages(s, min(1.0, end - time.time()), lambda m: len(m['icmp']) >= 6 and
                               m['icmp'][0] in (ICMP_ECHO, ICMP_MPS)):
            print(json.dumps({'type': m['icmp'][0], 'src': m['src'], 'dst': m['dst'],
                              'id': struct.unpack_from('!H', m['icmp'], 4)[0]}), flush=True)
    return 0


def cmd_selftest(a):
    """specs.md 6.3: Kbm, BU and BA to the octet, de-registration authenticator."""
    hkt, ckt = bytes.fromhex('6c8cefc4021443fb'), bytes.fromhex('dc26102e764c2746')
    hoa, coa, cn = '2001:db8:1::100', '2001:db8:2::200', '2001:db8:3::300'
    if kbm_of(hkt, ckt).hex() != '0224f0038422927d16f3fb28d438a5f2980a9365':
        raise Fail('Kbm')
    if kbm_of(hkt).hex() != 'c1fa1b70240316a151391b78557ad32ea2238532':
        raise Fail('de-registration Kbm')
    mh, off = rr_bu_mh(0x1234, BU_A, 105, 1, 2)
    mh[off + 2:off + 14] = bad_auth(kbm_of(hkt, ckt), mh, off, coa, cn)
    mh_set_csum(mh, hoa, cn)
    if mh.hex() != '3b030500d714123480000069040400010002050c446d9b1adc62e08fe0f76fa7':
        raise Fail('BU %s' % mh.hex())
    ba, rh = expected_rr_ba(cn, coa, hoa, 0, 0x1234, 105, kbm_of(hkt, ckt), coa)
    if ba.hex() != '3b03060079fd000012340069010400000000050c32b878ee85fa9ab708f6f6e5' or rh != hoa:
        raise Fail('BA %s' % ba.hex())
    d, off = rr_bu_mh(0x1235, BU_A, 0, 1, 0)
    if bad_auth(kbm_of(hkt), d, off, hoa, cn).hex() != '31f71714c92a654865294e90':
        raise Fail('de-registration authenticator')
    m, off = rr_bu_mh(1, 0, 1, 1, 2, altcoa='2001:db8::5')
    if len(m) % 8 or off % 8 != 2 or off + 14 != len(m) or m[14] != 3 or m[32] != 4:
        raise Fail('AltCoA layout %s' % m.hex())
    nb, _ = expected_rr_ba(cn, coa, hoa, 136, 7, 0, None, coa)
    if len(nb) != 16 or nb[1] != 1 or not csum_ok(cn, hoa, IPPROTO_MH, nb):
        raise Fail('BA 136 %s' % nb.hex())
    return 'specs.md 6.3 Kbm, BU, BA and de-registration vectors, AltCoA layout: all as expected'


# ------------------------------------------------------------------ command line

def parser():
    p = argparse.ArgumentParser(prog='rr_mn.py')
    sub = p.add_subparsers(dest='cmd')

    def common(sp):
        sp.add_argument('--cn', required=True)
        sp.add_argument('--timeout', type=float, default=5.0)
        sp.add_argument('--expect-none', action='store_true')
        sp.add_argument('--wait', type=float, default=1.0, help='with --expect-none')
        sp.add_argument('--state', help='keep the tokens in this file (one command per process)')
        sp.add_argument('--pcap')

    for name, addr in (('hoti', '--hoa'), ('coti', '--coa')):
        s = sub.add_parser(name)
        common(s)
        s.add_argument(addr, required=True)
        s.add_argument('--src', help='IPv6 source instead of %s' % addr)
        s.add_argument('--cookie', help='8 octets, hex (default random)')
        s.add_argument('--hao', help='add a Home Address option with this address')
        s.add_argument('--rh2', help='add a type 2 Routing Header with this address')
        s.add_argument('--mcast', metavar='IF', help='send to ff02::1 on IF')

    b = sub.add_parser('init-burst')
    b.add_argument('--cn', required=True)
    b.add_argument('--src', required=True)
    b.add_argument('--count', type=int, required=True)
    b.add_argument('--kind', choices=('hoti', 'coti', 'mix'), default='mix')
    b.add_argument('--listen', type=float, default=2.0)

    g = sub.add_parser('age')
    g.add_argument('--kind', choices=('home', 'careof'), required=True)
    g.add_argument('--addr', required=True)
    g.add_argument('--idx', type=int, required=True)
    g.add_argument('--state')

    u = sub.add_parser('bu')
    common(u)
    u.add_argument('--hoa', required=True)
    u.add_argument('--coa', required=True)
    u.add_argument('--src', help='IPv6 source (default: --coa)')
    u.add_argument('--altcoa')
    u.add_argument('--no-hao', action='store_true')
    u.add_argument('--hidx', type=lambda x: int(x, 0), help='default: of the newest home token')
    u.add_argument('--cidx', type=lambda x: int(x, 0), help='default: of the newest care-of token')
    u.add_argument('--htok', help='home keygen token (hex) instead of the one received')
    u.add_argument('--ctok', help='care-of keygen token (hex) instead of the one received')
    u.add_argument('--ctok-addr', help='take the care-of token received at this address')
    u.add_argument('--kbm', help='authenticate with this Kbm (hex) instead of the tokens')
    u.add_argument('--auth-coa', help='care-of address in the authenticator')
    u.add_argument('--seq', type=lambda x: int(x, 0), required=True)
    u.add_argument('--lifetime', type=lambda x: int(x, 0), required=True)
    u.add_argument('--ack', action='store_true')
    u.add_argument('--home', action='store_true', help='set H')
    u.add_argument('--layout', choices=('std', 'nobad', 'nononce'), default='std')
    u.add_argument('--flip', action='append', help='OFF:MASK after the authenticator')
    u.add_argument('--expect-ba')

    i = sub.add_parser('icmp-hao')
    i.add_argument('--cn', required=True)
    i.add_argument('--src', required=True)
    i.add_argument('--hoa', required=True)
    i.add_argument('--type', type=int, required=True)
    i.add_argument('--ident', type=lambda x: int(x, 0), default=0x6d36)
    i.add_argument('--expect', choices=('reply', 'be', 'none'), required=True)
    i.add_argument('--timeout', type=float, default=5.0)
    i.add_argument('--wait', type=float, default=1.0)

    sub.add_parser('selftest')
    return p


COMMANDS = {'hoti': lambda a: cmd_init(a, MH_HOTI), 'coti': lambda a: cmd_init(a, MH_COTI),
            'init-burst': cmd_init_burst, 'age': cmd_age, 'bu': cmd_bu, 'icmp-hao': cmd_icmp_hao,
            'selftest': cmd_selftest}


def run(argv):
    """One command: ours, or mn.py's (hao-udp, its Kbm bu is "kbm-bu" here)."""
    if argv and argv[0] in COMMANDS:
        return run_command(parser, COMMANDS, argv)
    if argv and argv[0] == 'kbm-bu':
        argv = ['bu'] + argv[1:]
    return mn.run(argv)


def main(argv):
    if argv and argv[0] == 'icmp-recv':
        return cmd_icmp_recv(float(argv[1]))
    if argv and argv[0] == 'serve':
        capture()                     # listening before the first command
        return serve(run)
    if not argv or argv[0] in ('udp-recv', 'mh-recv'):
        return mn.main(argv)
    rc, out = run(argv)
    print(out)
    return rc


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
