#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Hostile traffic and configuration churn against the mip6sec module.

Driven by selftests/stress.sh (which loads the module, makes the TAP output
and unloads the module under traffic). Every packet is built here, byte by
byte (selftests/mn.py and ipsec_mn.py helpers: checksums, authenticators and
ESP computed with hashlib/hmac/cryptography, never by the module's code).

  stress.py setup              namespaces, veth pairs, addresses, nftables
                               counters, an ESP SA (see TOPOLOGY)
  stress.py run SECS SEED OUT  traffic and churn for SECS seconds, then the
                               accounting; prints "CHECK <ok|fail>
                               <name> <detail>" lines and a JSON summary
  stress.py flood SECS SEED    traffic only (for the unload under traffic)
  stress.py probe TAG          the module answers: a Kbm, an authenticated BU
                               answered by the exact BA, a Binding Error for
                               an unknown MH type, netlink dumps; CHECK lines
  stress.py cleanup            remove the namespaces

Traffic (one sender process in netns m6s-tx, as fast as it can send; the
packets of a run follow from SEED and the corpus of earlier runs, except
the RFC 4285 timestamps, taken from the clock): four receiver namespaces, one per
kind of packet, so that each one's counters account for its own packets:
  m6s-mh    Mobility Headers, random and mutated from the seeds (the fuzz
            corpus, valid BUs with their Binding Authorization Data, RFC
            4285 BUs with MN-ID and MN-HA/MN-AAA, FBUs, RR messages,
            unknown types), alone or behind a Home Address option; the
            authenticators and checksums of most mutants are recomputed
            (keys from the churn's tables), so that mutants reach the code
            behind the authentication
  m6s-hao   UDP behind a HAO with mutated destination options, plus valid
            BUs (increasing sequence numbers) that make and refresh bindings
  m6s-esp   ESP behind a HAO: unknown SPIs, the SA's SPI with random data
            (fails the ICV), and valid ESP (decrypted, back in the hook)
  m6s-frag  fragmented MH and HAO+UDP packets: the HAO in the fragmentable
            part or before the Fragment header, atomic fragments, and sets
            that never reassemble (overlap, missing, tiny first fragment)

Churn (one process, from the start of the traffic): Kbm add/del, mobility
SA add/del (some with a lifetime), binding del/flush, netlink dumps, every
module parameter (valid and invalid values), the ESP SA deleted and added;
another process creates network namespaces that get keys, SAs, bindings and
packets while the module is loaded, and destroys them.

Corpus: before the churn starts, each new packet of a probe phase is sent
alone and the receiver's counters read; a packet that moves a new set of
counters is kept (OUT/corpus/KIND/NAME, raw IPv6 packets), and the corpus
of earlier runs is a source of seeds. A kernel report (dmesg) during the
run saves the last packets sent (OUT/corpus/suspect-N.pcap).
"""

import ctypes
import errno
import hashlib
import json
import os
import random
import re
import signal
import socket
import struct
import subprocess
import sys
import time

import nftables    # python3-nftables (libnftables)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import mn          # noqa: E402  packet helpers (checksums, BAD, RFC 4285)
import nlcraft     # noqa: E402  generic netlink client
import ipsec_mn    # noqa: E402  ESP

CLONE_NEWNET = 0x40000000
LIBC = ctypes.CDLL(None, use_errno=True)

NS_TX = 'm6s-tx'
KINDS = ('mh', 'hao', 'esp', 'frag')
NS = {k: 'm6s-' + k for k in KINDS}
PFX = {'mh': '2001:db8:a0::', 'hao': '2001:db8:a1::', 'esp': '2001:db8:a2::', 'frag': '2001:db8:a3::'}
CN = {k: PFX[k] + '1' for k in KINDS}               # the receiver
TX = {k: PFX[k] + '2' for k in KINDS}               # the sender's address on that link
COAS = {k: [PFX[k] + '%x' % (0x10 + i) for i in range(4)] for k in KINDS}
HOAS = ['2001:db8:b0::%x' % (i + 1) for i in range(16)]
NAIS = ['mn%d@stress.example' % i for i in range(8)]


# What each NAI's home agent SAs may register (an SA names a home address
# or a home prefix): its home address, or its /64 home prefix.
def home_of(nai):
    return '2001:db8:b1::%x' % (NAIS.index(nai) + 1)


def home_prefix_of(nai):
    return '2001:db8:b2:%x::' % (NAIS.index(nai) + 1)
SPI_BASE = 0x1000
ESP_SPI = 0x2001
ESP_ENC = hashlib.sha256(b'stress esp enc').digest()[:16]
ESP_AUTH = hashlib.sha256(b'stress esp auth').digest()
NFT_TABLE = 'm6s'
PARAMS = '/sys/module/mip6sec/parameters'
NETNS_HOA = '2001:db8:ff::10'
NETNS_CN = '2001:db8:ff::1'
NETNS_COA = '2001:db8:ff::2'

# Counters the module increments once for each packet that enters it, per
# receiver (see the accounting in run_checks()).
MH_ERRORS = ('mh_bad_proto', 'mh_bad_len', 'mh_truncated', 'mh_bad_csum', 'mh_bad_opt',
             'mh_unknown_type')
HAO_OUTCOMES = ('hao_accepted', 'hao_dropped', 'hao_audited', 'hao_ipsec', 'hao_bu', 'hao_deferred',
                'hao_stack')
# Binding Update and FBU outcomes: each BU or FBU (none of them under
# IPsec) ends in exactly one of these. bu_bad_addr counts both kinds, hence
# one sum for the two.
BU_OUTCOMES = ('bu_accepted', 'bu_passed', 'bu_nokey_dropped', 'auth_fail', 'replay', 'bc_full',
               'bu_no_mnid', 'bu_unknown_spi', 'bu_hoa_mismatch', 'ts_missing', 'ts_mismatch',
               'bu_bad_addr', 'rr_nonce_expired', 'bu_refused')
FBU_OUTCOMES = ('fbu_accepted', 'fbu_missing_opt', 'fbu_nokey', 'fbu_auth_fail', 'fbu_replay')

BAD_RE = re.compile(r'BUG|WARNING|Oops|KASAN|UBSAN|refcount|ref_tracker|general protection|'
                    r'list_(add|del) corruption|ODEBUG|suspicious RCU|sleeping function|'
                    r'scheduling while atomic|possible (circular|recursive) locking|'
                    r'inconsistent lock state|kmemleak')


T_START = time.monotonic()


def log(*a):
    """A diagnostic line, with the seconds since this process started."""
    print('# [%.1fs] ' % (time.monotonic() - T_START) + ' '.join(str(x) for x in a), flush=True)


def in_ns(ns, cmd):
    """CMD run in netns NS by nsenter(1): setns() only. Not a preexec_fn,
    which makes Python fork() its whole address space instead of vfork().
    On the debug kernel every exec costs about a second (more with the host
    busy): setup batches its ip(8) commands, the counters are read in this
    process."""
    return (('nsenter', '--net=/run/netns/' + ns) + tuple(cmd)) if ns else tuple(cmd)


def sh(*cmd, check=True, ns=None):
    cmd = in_ns(ns, cmd)
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if check and r.returncode:
        raise RuntimeError('%s: exit %d: %s' % (' '.join(cmd), r.returncode, r.stdout.strip()))
    return r.stdout


def setns(name):
    """Enter netns NAME ("/proc/1/ns/net" for the initial one)."""
    path = name if name.startswith('/') else '/run/netns/' + name
    fd = os.open(path, os.O_RDONLY)
    try:
        if LIBC.setns(fd, CLONE_NEWNET):
            e = ctypes.get_errno()
            raise OSError(e, 'setns %s: %s' % (name, os.strerror(e)))
    finally:
        os.close(fd)


class InNs:
    """with InNs(name): sockets made inside belong to that namespace."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        self.back = os.open('/proc/self/ns/net', os.O_RDONLY)
        setns(self.name)

    def __exit__(self, *a):
        LIBC.setns(self.back, CLONE_NEWNET)
        os.close(self.back)


# ------------------------------------------------------------------ netlink

class Nl:
    """mip6sec generic netlink in one namespace (socket made there)."""
    C = nlcraft.load_consts()

    def __init__(self, ns=None):
        if ns:
            with InNs(ns):
                self.g = nlcraft.Genl()
        else:
            self.g = nlcraft.Genl()
        self.fam = self.g.resolve(self.C['family'])
        if self.fam is None:
            raise RuntimeError('mip6sec genetlink family not registered')

    def req(self, cmd, dump=False, **attrs):
        payload = b''
        for k, v in attrs.items():
            name = k.replace('_', '-')
            if isinstance(v, int):
                v = 'u32:%d' % v
            payload += nlcraft.nla(self.C['attrs'][name], nlcraft.encode_value(name, v))
        flags = nlcraft.NLM_F_REQUEST | nlcraft.NLM_F_ACK | (nlcraft.NLM_F_DUMP if dump else 0)
        r = self.g.request(self.fam, self.C['cmds'][cmd], payload, flags=flags)
        return r['error'], [nlcraft.decode_attrs(self.C, a) for _, a in r['replies']]

    def stats(self):
        err, rep = self.req('stats-get')
        if err or not rep:
            raise RuntimeError('stats-get: %s' % err)
        return {c.replace('-', '_'): v for c, v in rep[0].get('stats', {}).items()}


def kbm_key(hoa):
    return hashlib.sha1(b'stress kbm ' + hoa.encode()).digest()


def sa_key(nai, spi):
    return hashlib.sha256(b'stress sa %s %d' % (nai.encode(), spi)).digest()[:20]


# ------------------------------------------------------------------ setup

def ip_batch(ns, cmds):
    """Run ip(8) commands in one process (in netns NS): on the debug kernel
    each process costs a second or more, and setup needs about a hundred."""
    r = subprocess.run(('ip',) + (('-n', ns) if ns else ()) + ('-batch', '-'),
                       input=''.join(c + '\n' for c in cmds), text=True,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode:
        raise RuntimeError('ip -batch in %s: exit %d: %s' % (ns, r.returncode, r.stdout.strip()))


def sysctl_ns(ns, name, value):
    with InNs(ns):
        with open('/proc/sys/' + name.replace('.', '/'), 'w') as f:
            f.write(value)


def cmd_setup():
    cmd_cleanup()
    for n in [NS_TX] + [NS[k] for k in KINDS]:
        sh('ip', 'netns', 'add', n)
        for c in ('all', 'default'):
            sysctl_ns(n, 'net.ipv6.conf.%s.accept_dad' % c, '0')
    tx = ['link set lo up']
    for i, k in enumerate(KINDS):
        ns = NS[k]
        # fixed MACs: the neighbour entries below need no lookup
        txmac, mac = '02:6d:36:73:%02x:01' % i, '02:6d:36:73:%02x:02' % i
        tx += ['link add tx-%s address %s type veth peer name rx address %s netns %s' % (k, txmac, mac, ns),
               'addr add %s/64 dev tx-%s nodad' % (TX[k], k)]
        tx += ['addr add %s/64 dev tx-%s nodad' % (a, k) for a in COAS[k]]
        # room for the largest Mobility Header (2048 octets) unfragmented
        tx += ['link set tx-%s mtu 9000' % k, 'link set tx-%s up' % k,
               # Neighbours resolved for good: the flood must not wait on NDP.
               'neigh replace %s lladdr %s dev tx-%s nud permanent' % (CN[k], mac, k)]
    ip_batch(NS_TX, tx)
    for k in KINDS:
        ns = NS[k]
        txmac = '02:6d:36:73:%02x:01' % KINDS.index(k)
        ip_batch(ns, ['link set lo up', 'addr add %s/64 dev rx nodad' % CN[k],
                      'link set rx mtu 9000', 'link set rx up'] +
                 ['neigh replace %s lladdr %s dev rx nud permanent' % (a, txmac) for a in [TX[k]] + COAS[k]])
        # What reaches LOCAL_IN from the sender, before the module's hook
        # (NF_IP6_PRI_FILTER + 1): the packets the module must account for.
        tx = 'ip6 saddr %s/64 ' % PFX[k]
        rules = (('in', tx + 'ip6 nexthdr { 0, 43, 44, 60, 135 }'),
                 ('nohao', tx + 'ip6 flowlabel %d' % NO_HAO),
                 ('esp', tx + 'meta l4proto esp'),
                 # decrypted, back with the home address as its source
                 ('dec', 'ip6 saddr 2001:db8:b0::/64 ip6 nexthdr 60 meta secpath exists'),
                 ('mh_bu', tx + 'mh type { 5, 8 }'),
                 ('mh', tx + 'meta l4proto 135'),
                 ('udp', tx + 'meta l4proto udp'))
        rs = 'table ip6 %s {\n' % NFT_TABLE
        rs += ''.join(' counter m6_%s { }\n' % c for c, _ in rules)
        rs += ' chain in {\n  type filter hook input priority -50;\n'
        rs += ''.join('  %s counter name "m6_%s"\n' % (m, c) for c, m in rules)
        rs += ' }\n}\n'
        nft(ns, rs)
    esp_sa(True)
    return 0


def esp_sa(add):
    """The transport-mode SA of m6s-esp (no replay window: a valid packet
    sent again is decrypted again, and comes back to the hook)."""
    if not add:
        sh('ip', 'xfrm', 'state', 'del', 'src', '::', 'dst', CN['esp'],
           'proto', 'esp', 'spi', '0x%x' % ESP_SPI, check=False, ns=NS['esp'])
        return
    sh('ip', 'xfrm', 'state', 'add', 'src', '::', 'dst', CN['esp'], 'proto', 'esp',
       'spi', '0x%x' % ESP_SPI, 'mode', 'transport',
       'auth-trunc', 'hmac(sha256)', '0x' + ESP_AUTH.hex(), '128', 'enc', 'cbc(aes)', '0x' + ESP_ENC.hex(),
       check=False, ns=NS['esp'])


def cmd_cleanup():
    for n in [NS_TX] + [NS[k] for k in KINDS]:
        if os.path.exists('/run/netns/' + n):
            subprocess.run(('ip', 'netns', 'del', n), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return 0


# ------------------------------------------------------------------ packets

def a6(a):
    return socket.inet_pton(socket.AF_INET6, a)


def ipv6(src, dst, nh, payload, flow=0):
    return struct.pack('!IHBB', (6 << 28) | flow, len(payload), nh, 64) + a6(src) + a6(dst) + bytes(payload)


def dest_hao(nh, hoa, extra=b''):
    """Destination Options: [extra TLVs] PadN to 8n+6, HAO (RFC 6275 6.3)."""
    body = bytearray(extra)
    need = (6 - (2 + len(body))) % 8
    if need == 1:
        body += b'\0'
    elif need:
        body += bytes([1, need - 2]) + bytes(need - 2)
    body += bytes([mn.HAO_TYPE, 16]) + a6(hoa)
    total = 2 + len(body)
    return bytes([nh, total // 8 - 1]) + bytes(body)


NO_HAO = 1        # flow label: the receiver sees no HAO in this packet


def dest_walk(payload):
    """A Destination Options header at payload[0]: 'hao' (one well-formed
    HAO), 'error' (an option overruns the header, a HAO of the wrong
    length, a second HAO, or the header overruns the packet) or 'none'."""
    ln = (payload[1] + 1) * 8
    if ln > len(payload):
        return 'error'
    i, hao = 2, False
    while i < ln:
        if payload[i] == 0:
            i += 1
            continue
        if i + 2 > ln or i + 2 + payload[i + 1] > ln:
            return 'error'
        if payload[i] == mn.HAO_TYPE:
            if payload[i + 1] != 16 or hao:
                return 'error'
            hao = True
        i += 2 + payload[i + 1]
    return 'hao' if hao else 'none'


def fuzz_seeds():
    d = os.path.join(HERE, 'fuzz', 'corpus', 'mh_fuzz')
    out = []
    for f in sorted(os.listdir(d)) if os.path.isdir(d) else []:
        with open(os.path.join(d, f), 'rb') as fh:
            out.append(bytearray(fh.read()))
    return out


def opt_walk(mh, start=12):
    """[(offset, type, length)] of the options (a loose walk)."""
    out, off = [], start
    while off < len(mh):
        if mh[off] == 0:
            off += 1
            continue
        if off + 2 > len(mh):
            break
        out.append((off, mh[off], mh[off + 1]))
        off += 2 + mh[off + 1]
    return out


class Gen:
    """Packets for the four receivers, all from one random.Random(seed)."""

    def __init__(self, seed, corpus_dir):
        self.r = random.Random(seed)
        self.seeds = fuzz_seeds()
        self.kept = []
        if corpus_dir and os.path.isdir(os.path.join(corpus_dir, 'mh')):
            d = os.path.join(corpus_dir, 'mh')
            for f in sorted(os.listdir(d)):
                with open(os.path.join(d, f), 'rb') as fh:
                    self.kept.append(fh.read())
        self.seq = {}
        self.frag_id = self.r.getrandbits(32)

    def rb(self, n):
        """n random octets from the run's generator."""
        return self.r.getrandbits(8 * n).to_bytes(n, 'big') if n else b''

    # -- Mobility Headers
    def mh_valid(self, kind):
        r = self.r
        hoa = r.choice(HOAS)
        coa = r.choice(COAS[kind])
        t = r.randrange(8)
        if t < 3:                                       # Kbm BU with BAD
            lay = r.choice(['std', 'std', 'pad1', 'nonce', 'bad-then-pad', 'bad-misaligned'])
            opts, bad_off = mn.bu_layout(lay, altcoa=coa if r.random() < 0.2 else None)
            mh = mn.bu_mh(r.getrandbits(16), r.choice([0, mn.BU_A, mn.BU_A | mn.BU_H]),
                          r.randrange(0, 300), opts)
            return mh, hoa, coa, ('bad', bad_off)
        if t < 5:                                       # RFC 4285
            nai = r.choice(NAIS)
            spi = SPI_BASE + NAIS.index(nai) * 4 + r.randrange(2)
            sub = r.choice([mn.AUTH_MN_HA, mn.AUTH_MN_AAA])
            hoa = r.choice([home_of(nai), home_prefix_of(nai) + '%x' % r.randrange(1, 4), hoa])
            ts = mn.ntp_from_unix(time.time()) if r.random() < 0.5 else None
            mtype = r.choice([mn.MH_BU, mn.MH_BU, mn.MH_FBU])
            mh, offs = mn.mh4285(mtype, r.getrandbits(16), mn.BU_A | (mn.BU_H if r.random() < .5 else 0),
                                 r.randrange(0, 300), nai=nai.encode(), ts=ts, auth=(sub, spi),
                                 altcoa=coa if r.random() < 0.2 else None)
            return mh, hoa, coa, ('auth', offs['auth'], nai, spi, sub)
        if t < 6:                                       # return routability messages
            mtype = r.choice([1, 2, 3, 4])
            body = struct.pack('!H', r.getrandbits(16)) + self.rb(8 if mtype < 3 else 16)
            return mn.mh_header(mtype, body), hoa, coa, None
        if t < 7:                                       # the fuzz corpus and kept packets
            src = r.choice(self.seeds + [k[40:] for k in self.kept if len(k) > 48 and k[6] == 135] or self.seeds)
            return bytearray(src), hoa, coa, None
        body = self.rb(r.choice([2, 10, 18, 26]))
        return mn.mh_header(r.choice([0, 6, 7, 9, 10, 11, 12, 16, 23, 24, 99, 255]), body), hoa, coa, None

    def mutate(self, mh):
        r = self.r
        for _ in range(r.choice([0, 1, 1, 2, 3])):
            if not mh:
                break
            m = r.randrange(9)
            i = r.randrange(len(mh))
            if m == 0:
                mh[i] ^= 1 << r.randrange(8)
            elif m == 1:
                mh[i] = r.choice([0, 1, 2, 3, 4, 5, 8, 9, 10, 12, 16, 18, 21, 0x7f, 0x80, 0xfe, 0xff])
            elif m == 2 and len(mh) > 2:
                mh[1] = r.randrange(256)                 # Header Len
            elif m == 3:
                del mh[r.randrange(len(mh)):]            # truncate
            elif m == 4:
                mh += self.rb(r.choice([1, 2, 8, 16]))
            elif m == 5 and len(mh) > 12:                # insert an option
                t = r.choice([1, 2, 3, 4, 5, 6, 8, 9, 10, 18, 21, 34, 200])
                ln = r.choice([0, 1, 2, 4, 6, 8, 12, 16, 18, 30, 255])
                mh[12:12] = bytes([t, ln]) + self.rb(min(ln, 40))
            elif m == 6:
                mh[2] = r.randrange(30)                  # MH Type
            elif m == 7 and len(mh) >= 12:
                struct.pack_into('!H', mh, r.choice([6, 8, 10]), r.getrandbits(16))
            elif m == 8:
                mh[0] = r.choice([59, 59, 6, 17, 135])   # Payload Proto
        return mh

    def fixup(self, mh, hoa, coa, cn, auth):
        """Recompute the authenticator (when the option is still where the
        key expects it) and the checksum, most of the time. hoa: the home
        address (the source when there is no HAO), coa: the source."""
        r = self.r
        if auth and r.random() < 0.8:
            try:
                if auth[0] == 'bad':
                    for off, t, ln in opt_walk(mh):
                        if t == mn.OPT_BAD and ln == 12 and off + 14 <= len(mh):
                            dereg = len(mh) >= 12 and mh[10:12] == b'\0\0'
                            mh[off + 2:off + 14] = mn.bad_auth(kbm_key(hoa), mh, off,
                                                               hoa if dereg else coa, cn)
                elif auth[0] == 'auth':
                    off = auth[1]
                    if off + 7 + 12 <= len(mh) and mh[off] == mn.OPT_AUTH:
                        mh[off + 7:off + 19] = mn.auth_mac(sa_key(auth[2], auth[3]), auth[4], mh, off,
                                                           coa, hoa)
            except (IndexError, ValueError, struct.error):
                pass
        if len(mh) >= 6 and r.random() < 0.9:
            mh[4:6] = b'\0\0'
            struct.pack_into('!H', mh, 4, mn.l4_csum(hoa, cn, 135, mh))

    def pkt_mh(self):
        mh, hoa, coa, auth = self.mh_valid('mh')
        mh = self.mutate(bytearray(mh)) if self.r.random() < 0.85 else bytearray(mh)
        if self.r.random() < 0.5:
            self.fixup(mh, hoa, coa, CN['mh'], auth)
            return ipv6(coa, CN['mh'], 60, dest_hao(135, hoa) + bytes(mh))
        # no HAO: the source stands for the home address (a mobile node at home)
        self.fixup(mh, coa, coa, CN['mh'], auth)
        return ipv6(coa, CN['mh'], 135, bytes(mh))

    # -- HAO + UDP with mutated destination options
    def pkt_hao(self):
        r = self.r
        hoa, coa = r.choice(HOAS), r.choice(COAS['hao'])
        if r.random() < 0.2:
            hoa = r.choice(['::1', 'fe80::1', 'ff02::1', '::', '2001:db8:a1::1'])
        extra = b''
        if r.random() < 0.5:
            t = r.choice([1, 0x1e, 0xc9, 0x00, 0x05, 0x3e, 0x7f, 0xff])
            ln = r.choice([0, 1, 2, 4, 16, 18])
            extra = bytes([t, ln]) + bytes(ln)
            if t == 0:
                extra = b'\0'
        udp = mn.udp_bytes(hoa, CN['hao'], 40000 + r.randrange(100), 9, self.rb(r.randrange(0, 64)))
        d = bytearray(dest_hao(17, hoa, extra))
        if r.random() < 0.15:                            # a broken header length
            d[1] = r.randrange(0, 8)
        payload = bytes(d) + udp
        # RFC 8200 4.2: the option walk the receiver does. A header length
        # that hides the HAO leaves a packet with nothing for the module:
        # flow label NO_HAO tells the receiver's counters so.
        return ipv6(coa, CN['hao'], 60, payload, flow=NO_HAO if dest_walk(payload) == 'none' else 0)

    def bu_live(self, kind, hoa):
        """A valid BU (next sequence number for HOA) from a care-of address
        with a HAO; the Kbm of HOA is in the receiver's table."""
        coa = self.r.choice(COAS[kind])
        s = self.seq.get((kind, hoa), 0) + 1
        self.seq[(kind, hoa)] = s
        opts, bad_off = mn.bu_layout('std')
        mh = mn.bu_mh(s, mn.BU_A if self.r.random() < 0.3 else 0, self.r.choice([0, 5, 30, 100]), opts)
        mh[bad_off + 2:bad_off + 14] = mn.bad_auth(kbm_key(hoa), mh, bad_off, coa, CN[kind])
        mn.mh_set_csum(mh, hoa, CN[kind])
        return ipv6(coa, CN[kind], 60, dest_hao(135, hoa) + bytes(mh))

    # -- HAO + ESP
    def pkt_esp(self):
        r = self.r
        hoa, coa = r.choice(HOAS), r.choice(COAS['esp'])
        k = r.randrange(3)
        if k == 0:
            esp = struct.pack('!II', r.getrandbits(32) | 0x100, r.getrandbits(32)) + self.rb(r.randrange(0, 80))
        elif k == 1:
            esp = struct.pack('!II', ESP_SPI, r.getrandbits(32)) + self.rb(r.choice([0, 8, 16, 48, 64]))
        else:
            sa = ipsec_mn.SA(ESP_SPI, enc=ESP_ENC, auth=ESP_AUTH, icv_bits=128)
            udp = mn.udp_bytes(hoa, CN['esp'], 41000, 9, self.rb(16))
            esp = ipsec_mn.esp_encrypt(sa, 17, udp, r.randrange(1, 1 << 20), iv=self.rb(16))
        return ipv6(coa, CN['esp'], 60, dest_hao(50, hoa) + esp)

    # -- fragments
    def pkt_frag(self):
        """A list of packets: the fragments of one packet (or of a set that
        never reassembles)."""
        r = self.r
        coa = r.choice(COAS['frag'])
        unfrag = b''
        if r.random() < 0.5:                             # IPv6 | Frag | MH
            mh, hoa, _, auth = self.mh_valid('frag')
            mh = self.mutate(bytearray(mh)) if r.random() < 0.5 else bytearray(mh)
            self.fixup(mh, coa, coa, CN['frag'], auth)
            inner, data = 135, bytes(mh)
        else:
            hoa = r.choice(HOAS)
            udp = mn.udp_bytes(hoa, CN['frag'], 42000, 9, self.rb(r.randrange(8, 600)))
            if r.random() < 0.5:                         # IPv6 | Frag | DEST(HAO) | UDP
                inner, data = 60, dest_hao(17, hoa) + udp
            else:                                        # IPv6 | DEST(HAO) | Frag | UDP
                unfrag, inner, data = dest_hao(44, hoa), 17, udp
        self.frag_id = (self.frag_id + 1) & 0xffffffff
        ident = self.frag_id
        first = 60 if unfrag else 44

        def fragment(off, more, chunk):
            fh = struct.pack('!BBHI', inner, 0, (off & ~7) | (1 if more else 0), ident)
            return ipv6(coa, CN['frag'], first, unfrag + fh + chunk)

        if r.random() < 0.1:                             # atomic fragment (RFC 6946)
            return [fragment(0, False, data)]
        size = r.choice([8, 16, 24, 48, 96, 256])
        parts = [(o, data[o:o + size]) for o in range(0, len(data), size)]
        pk = [fragment(o, o + size < len(data), c) for o, c in parts]
        bad = r.random()
        if bad < 0.08 and len(pk) > 1:
            pk.pop(r.randrange(len(pk)))                 # never completes
        elif bad < 0.16 and len(pk) > 1:                 # overlapping fragment
            o, c = parts[1]
            pk.append(fragment(o - 8, True, c))
        if r.random() < 0.3:
            r.shuffle(pk)
        return pk


# ------------------------------------------------------------------ sender

def write_pcap(path, pkts):
    with open(path, 'wb') as f:
        f.write(struct.pack('=IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 229))   # LINKTYPE_IPV6
        for p in pkts:
            t = time.time()
            f.write(struct.pack('=IIII', int(t), int((t % 1) * 1e6), len(p), len(p)) + p)


class Sender:
    WEIGHTS = (('mh', 5), ('hao', 3), ('esp', 2), ('frag', 1))

    def __init__(self, gen, out):
        self.gen = gen
        self.out = out
        self.sk = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
        self.sent = {k: 0 for k in KINDS}
        self.sent['bu_live'] = 0
        self.errors = 0
        self.ring = []
        self.suspects = 0
        try:
            self.kmsg = os.open('/dev/kmsg', os.O_RDONLY | os.O_NONBLOCK)
            os.lseek(self.kmsg, 0, os.SEEK_END)
        except OSError:
            self.kmsg = None
        sched = []
        for k, w in self.WEIGHTS:
            sched += [k] * w
        self.sched = sched

    def send(self, p, kind):
        dst = socket.inet_ntop(socket.AF_INET6, p[24:40])
        try:
            self.sk.sendto(p, (dst, 0))
        except OSError as e:
            if e.errno in (errno.ENOBUFS, errno.EAGAIN):
                time.sleep(0.001)
            self.errors += 1
            return False
        self.sent[kind] += 1
        self.ring.append(p)
        if len(self.ring) > 512:
            del self.ring[:256]
        return True

    def kmsg_check(self):
        if self.kmsg is None:
            return
        bad = False
        while True:
            try:
                rec = os.read(self.kmsg, 8192)
            except BlockingIOError:
                break
            except OSError as e:
                if e.errno == errno.EPIPE:
                    continue
                break
            if not rec:
                break
            if BAD_RE.search(rec.decode(errors='replace').split(';', 1)[-1]):
                bad = True
        if bad and self.out:
            self.suspects += 1
            path = os.path.join(self.out, 'corpus', 'suspect-%d.pcap' % self.suspects)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            write_pcap(path, self.ring[-256:])
            log('kernel report during the flood: the last %d packets are in %s' % (len(self.ring[-256:]), path))

    def pool(self, kind, n):
        g = self.gen
        f = {'mh': g.pkt_mh, 'hao': g.pkt_hao, 'esp': g.pkt_esp, 'frag': g.pkt_frag}[kind]
        out = []
        for _ in range(n):
            try:
                x = f()
            except (ValueError, IndexError, struct.error, OSError):
                continue
            out.append(x)
        return out

    def probe(self, nls, n):
        """Each new packet alone, then the receiver's counters: keep those
        that move a set of counters not seen before."""
        kept = 0
        for kind in KINDS:
            seen = set()
            if self.out:
                d = os.path.join(self.out, 'corpus', kind)
                os.makedirs(d, exist_ok=True)
                for f in os.listdir(d):
                    seen.add(f.split('-', 1)[0])
            before = nls[kind].stats()
            for x in self.pool(kind, n):
                for p in (x if isinstance(x, list) else [x]):
                    self.send(p, kind)
                time.sleep(0.002)
                after = nls[kind].stats()
                sig = ','.join(sorted(c for c in after if after[c] != before.get(c)))
                before = after
                h = hashlib.sha1(sig.encode()).hexdigest()[:12]
                if sig and h not in seen:
                    seen.add(h)
                    kept += 1
                    if self.out:
                        name = os.path.join(self.out, 'corpus', kind, '%s-%s' % (h, hashlib.sha1(
                            b''.join(x if isinstance(x, list) else [x])).hexdigest()[:8]))
                        with open(name, 'wb') as fh:
                            fh.write(b''.join(x if isinstance(x, list) else [x]))
                        with open(os.path.join(self.out, 'corpus', 'index.txt'), 'a') as fh:
                            fh.write('%s %s %s\n' % (kind, os.path.basename(name), sig))
        return kept

    def flood(self, secs, stop, live_hoas=(), pool=256):
        pools = {k: self.pool(k, pool) for k in KINDS}
        print('flooding', flush=True)
        end = time.monotonic() + secs
        i = 0
        while not stop[0] and time.monotonic() < end:
            kind = self.sched[i % len(self.sched)]
            x = pools[kind][self.gen.r.randrange(len(pools[kind]))]
            for p in (x if isinstance(x, list) else [x]):
                self.send(p, kind)
            i += 1
            if live_hoas and i % 23 == 0:
                p = self.gen.bu_live('hao', live_hoas[(i // 23) % len(live_hoas)])
                if self.send(p, 'hao'):
                    self.sent['bu_live'] += 1
            if i % 512 == 0:
                self.kmsg_check()
                # fresh mutants now and then: the run explores more than the pools
                for k in KINDS:
                    for j, x in enumerate(self.pool(k, 8)):
                        pools[k][self.gen.r.randrange(len(pools[k]))] = x
        self.kmsg_check()


# ------------------------------------------------------------------ churn

PARAM_VALUES = {
    # hao_policy=off and the stats reset are left out: with them the HAO
    # outcome counters could not close (see "Testing" in mip6sec.rst).
    'hao_policy': ['enforce', 'audit', 'bogus'],
    'bu_nokey': ['pass', 'drop', 'x'],
    'kbm_wrap': ['allow', 'refuse'],
    'kbm_and_ipsec': ['either', 'kbm', 'ipsec', ''],
    'coa_test': ['on', 'off', '2'],
    'max_bindings': ['1', '2', '8', '4096', '0', '99999999'],
    'be_ratelimit_ms': ['0', '1', '1000', '60001'],
    'max_lifetime': ['4', '420', '3', '262141'],
    'replay_window_s': ['1', '7', '3600', '0'],
    'keyreq_ratelimit_ms': ['0', '1000', '-1'],
    'ipsec_max_lifetime': ['4', '3600'],
    'cookie_ba_status': ['128', '250', '255', '127'],
    'cookie_window_s': ['1', '30', '32768'],
    'cookie_secret_period_s': ['1', '300'],
    'cookie_opt_type': ['0', '18', '200', '9', '256'],
    'rr': ['kernel', 'userspace', 'both'],
    'rr_ratelimit': ['0', '1', '100', '100001'],
    'rr_nonce_lifetime_s': ['8', '240', '7', '241'],
}


def params_save():
    out = {}
    for p in PARAM_VALUES:
        try:
            with open(os.path.join(PARAMS, p)) as f:
                out[p] = f.read().strip()
        except OSError:
            pass
    return out


def params_restore(saved):
    for p, v in saved.items():
        try:
            with open(os.path.join(PARAMS, p), 'w') as f:
                f.write(v)
        except OSError:
            pass


def churn(seed, stop_path, result_path):
    """Runs in its own process until stop_path exists."""
    r = random.Random(seed ^ 0x5eed)
    nls = {k: Nl(NS[k]) for k in ('mh', 'hao')}
    ops = {}
    model = {'kbm': {k: set() for k in nls}, 'sa': set()}

    def count(name, err):
        ops.setdefault(name, [0, 0])
        ops[name][0 if not err else 1] += 1

    # m6s-hao: the Kbms of the live BUs stay (their BUs must authenticate)
    for h in HOAS[:4]:
        err, _ = nls['hao'].req('kbm-add', hoa=h, key=kbm_key(h).hex())
        if not err:
            model['kbm']['hao'].add(h)
    last_xfrm = time.monotonic()
    while not os.path.exists(stop_path):
        k = r.random()
        try:
            if k < 0.25:
                h = r.choice(HOAS)
                if r.random() < 0.6:
                    err, _ = nls['mh'].req('kbm-add', hoa=h, key=kbm_key(h).hex())
                    count('kbm-add', err)
                    if not err:
                        model['kbm']['mh'].add(h)
                else:
                    err, _ = nls['mh'].req('kbm-del', hoa=h)
                    count('kbm-del', err)
                    if not err:
                        model['kbm']['mh'].discard(h)
            elif k < 0.45:
                nai = r.choice(NAIS)
                spi = SPI_BASE + NAIS.index(nai) * 4 + r.randrange(2)
                if r.random() < 0.6:
                    a = dict(nai=nai.encode().hex(), spi=spi,
                             sa_use=r.choice([1, 2, 3]), key=sa_key(nai, spi).hex())
                    if a['sa_use'] != 3 and r.random() < 0.5:
                        a['hoa'] = home_of(nai)
                    elif a['sa_use'] != 3:
                        a['home_prefix'] = 'ip6:' + home_prefix_of(nai)
                        a['home_prefix_len'] = 64
                    if r.random() < 0.3:
                        a['replay'] = r.choice([1, 2])
                    err, _ = nls['mh'].req('sa-add', **a)
                    count('sa-add', err)
                    if not err:
                        model['sa'].add((nai, spi))
                else:
                    err, _ = nls['mh'].req('sa-del', nai=nai.encode().hex(), spi=spi)
                    count('sa-del', err)
                    if not err:
                        model['sa'].discard((nai, spi))
            elif k < 0.5:
                # an SA that expires by itself (not in the model)
                nai = 'exp%d@stress.example' % r.randrange(4)
                err, _ = nls['mh'].req('sa-add', nai=nai.encode().hex(), spi=0x3000 + r.randrange(4),
                                       sa_use=1, key=os.urandom(20).hex(), lifetime=r.choice([1, 2]),
                                       hoa='2001:db8:b3::%x' % (int(nai[3]) + 1))
                count('sa-add-lifetime', err)
            elif k < 0.62:
                ns = r.choice(list(nls))
                if r.random() < 0.5:
                    err, _ = nls[ns].req('binding-del', hoa=r.choice(HOAS))
                    count('binding-del', err)
                else:
                    err, _ = nls[ns].req('binding-flush')
                    count('binding-flush', err)
            elif k < 0.75:
                ns = r.choice(list(nls))
                cmd = r.choice(['kbm-get', 'binding-get', 'sa-get', 'stats-get'])
                err, _ = nls[ns].req(cmd, dump=cmd != 'stats-get')
                count('dump-' + cmd, err)
            elif k < 0.95:
                p = r.choice(list(PARAM_VALUES))
                v = r.choice(PARAM_VALUES[p])
                try:
                    with open(os.path.join(PARAMS, p), 'w') as f:
                        f.write(v)
                    count('param', 0)
                except OSError:
                    count('param', 1)
            elif time.monotonic() - last_xfrm > 2:
                last_xfrm = time.monotonic()
                esp_sa(False)
                esp_sa(True)
                count('esp-sa-readd', 0)
        except (OSError, RuntimeError) as e:
            count('exception ' + type(e).__name__, 1)
    # final state, for the model comparison
    final = {}
    for ns in nls:
        err, rep = nls[ns].req('kbm-get', dump=True)
        final['kbm_' + ns] = sorted(x.get('hoa') for x in rep)
    err, rep = nls['mh'].req('sa-get', dump=True)
    # the NAI is NUL-terminated in replies (a string attribute)
    final['sa'] = sorted('%s/%s' % (bytes.fromhex(x['nai']).decode(errors='replace').rstrip('\0')
                                    if isinstance(x.get('nai'), str)
                                    else x.get('nai'), x.get('spi')) for x in rep)
    res = {'ops': ops,
           'model_kbm_mh': sorted(model['kbm']['mh']), 'model_kbm_hao': sorted(model['kbm']['hao']),
           'model_sa': sorted('%s/%d' % s for s in model['sa']), 'final': final}
    with open(result_path, 'w') as f:
        json.dump(res, f)


def netns_churn(seed, stop_path, result_path):
    """Namespaces that get a Kbm, an SA, a binding and packets, then go."""
    r = random.Random(seed ^ 0x2e75)
    n = fails = 0
    while not os.path.exists(stop_path):
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                if LIBC.unshare(CLONE_NEWNET):
                    os._exit(2)
                sh('ip', 'link', 'set', 'lo', 'up')
                for a in (NETNS_CN, NETNS_COA):
                    sh('ip', 'addr', 'add', a + '/128', 'dev', 'lo', 'nodad')
                nl = Nl()
                nl.req('kbm-add', hoa=NETNS_HOA, key=kbm_key(NETNS_HOA).hex())
                nl.req('sa-add', nai=b'ns@stress.example'.hex(), spi=0x4000, sa_use=1,
                       key=sa_key('ns', 1).hex(), hoa=NETNS_HOA)
                sk = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
                opts, bad_off = mn.bu_layout('std')
                for s in range(1, 1 + r.randrange(1, 4)):
                    mh = mn.bu_mh(s, mn.BU_A, 30, opts)
                    mh[bad_off + 2:bad_off + 14] = mn.bad_auth(kbm_key(NETNS_HOA), mh, bad_off,
                                                               NETNS_COA, NETNS_CN)
                    mn.mh_set_csum(mh, NETNS_HOA, NETNS_CN)
                    sk.sendto(ipv6(NETNS_COA, NETNS_CN, 60, dest_hao(135, NETNS_HOA) + bytes(mh)),
                              (NETNS_CN, 0))
                    sk.sendto(ipv6(NETNS_COA, NETNS_CN, 60, dest_hao(17, NETNS_HOA) +
                                   mn.udp_bytes(NETNS_HOA, NETNS_CN, 1, 9, b'x')), (NETNS_CN, 0))
                if r.random() < 0.5:
                    time.sleep(0.05)
                code = 0
            except Exception:                            # noqa: BLE001  a count, not a crash
                code = 1
            os._exit(code)
        _, st = os.waitpid(pid, 0)
        n += 1
        if os.WEXITSTATUS(st):
            fails += 1
    with open(result_path, 'w') as f:
        json.dump({'namespaces': n, 'failed': fails}, f)


# ------------------------------------------------------------------ accounting

NFT = {}


def nft(ns, cmd):
    """An nft(8) command in netns NS, run by libnftables in this process
    (python3-nftables): the counters are read after every second while the
    counters settle, and a process costs about a second on the debug kernel."""
    with InNs(ns):
        if ns not in NFT:
            NFT[ns] = nftables.Nftables()
        rc, out, err = NFT[ns].cmd(cmd)
    if rc:
        raise RuntimeError('nft in %s: %s' % (ns, err.strip()))
    return out


def nft_counters(ns):
    txt = nft(ns, 'list counters table ip6 %s' % NFT_TABLE)
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r'counter m6_(\w+) \{\s*packets (\d+)', txt)}


def xfrm_stat(ns):
    out = {}
    with InNs(ns):
        with open('/proc/self/net/xfrm_stat') as f:
            txt = f.read()
    for line in txt.splitlines():
        w = line.split()
        if len(w) == 2:
            out[w[0]] = int(w[1])
    return out


def snapshot(nls):
    s = {}
    for k in KINDS:
        s[k] = {'mod': nls[k].stats(), 'nft': nft_counters(NS[k]), 'xfrm': xfrm_stat(NS[k])}
    return s


def check(ok, name, detail=''):
    print('CHECK\t%s\t%s\t%s' % ('ok' if ok else 'fail', name, detail), flush=True)
    return ok


def run_checks(s0, s1, sent):
    def d(k, c):
        return s1[k]['mod'].get(c, 0) - s0[k]['mod'].get(c, 0)

    def n(k, c):
        return s1[k]['nft'].get(c, 0) - s0[k]['nft'].get(c, 0)

    def dsum(k, cs):
        return sum(d(k, c) for c in cs)

    def show(k, cs):
        return ' '.join('%s=%d' % (c, d(k, c)) for c in cs if d(k, c))

    for k in KINDS:
        check(n(k, 'in') > 0 and n(k, 'in') <= sent[k],
              '%s: packets reached the module (%d of %d sent)' % (NS[k], n(k, 'in'), sent[k]))
        check(d(k, 'mh_malformed') == dsum(k, MH_ERRORS),
              '%s: mh_malformed is the sum of the six MH error counters' % NS[k],
              'mh_malformed=%d, sum=%d (%s)' % (d(k, 'mh_malformed'), dsum(k, MH_ERRORS), show(k, MH_ERRORS)))

    # m6s-mh: every packet starts with a MH or with a DEST header holding
    # exactly one HAO (never mutated) in front of a MH.
    k = 'mh'
    check(n(k, 'in') == d(k, 'mh_rx') + d(k, 'bad_exthdr'),
          'm6s-mh: every packet counted: in = mh_rx + bad_exthdr',
          'in=%d mh_rx=%d bad_exthdr=%d' % (n(k, 'in'), d(k, 'mh_rx'), d(k, 'bad_exthdr')))
    rest = d(k, 'mh_rx') - d(k, 'mh_malformed') - d(k, 'bu_rx') - d(k, 'fbu_rx')
    other = n(k, 'mh') - n(k, 'mh_bu')
    check(0 <= rest <= other,
          'm6s-mh: mh_rx = mh_malformed + bu_rx + fbu_rx + well-formed MH of other types',
          'other types: %d (counted only in mh_rx), MH packets of other types that arrived: %d'
          % (rest, other))
    outcomes = BU_OUTCOMES + FBU_OUTCOMES
    check(d(k, 'bu_rx') + d(k, 'fbu_rx') == dsum(k, outcomes),
          'm6s-mh: every Binding Update and FBU ends in one outcome counter',
          'bu_rx=%d fbu_rx=%d, outcomes=%d (%s)' % (d(k, 'bu_rx'), d(k, 'fbu_rx'), dsum(k, outcomes),
                                                   show(k, outcomes)))

    # m6s-hao: HAO + UDP (mutated options) and valid BUs with a HAO.
    k = 'hao'
    check(n(k, 'in') - n(k, 'nohao') == d(k, 'hao_rx') + d(k, 'bad_exthdr'),
          'm6s-hao: every packet counted: in - no HAO visible = hao_rx + bad_exthdr',
          'in=%d nohao=%d hao_rx=%d bad_exthdr=%d' % (n(k, 'in'), n(k, 'nohao'), d(k, 'hao_rx'),
                                                     d(k, 'bad_exthdr')))
    check(n(k, 'mh') == d(k, 'mh_rx'), 'm6s-hao: every BU counted: mh_rx = BUs that arrived',
          'mh=%d mh_rx=%d' % (n(k, 'mh'), d(k, 'mh_rx')))
    drop_bu = d(k, 'bu_nokey_dropped') + d(k, 'auth_fail')
    check(dsum(k, HAO_OUTCOMES) + drop_bu == d(k, 'hao_rx'),
          'm6s-hao: every HAO ends in one outcome counter (or its BU was dropped)',
          'hao_rx=%d, outcomes=%d (%s), BUs dropped=%d' % (d(k, 'hao_rx'), dsum(k, HAO_OUTCOMES),
                                                          show(k, HAO_OUTCOMES), drop_bu))

    # m6s-esp: HAO + ESP; valid ESP comes back decrypted (second pass).
    k = 'esp'
    dec = n(k, 'dec')
    check(n(k, 'esp') == d(k, 'hao_rx') + d(k, 'bad_exthdr'),
          'm6s-esp: every ESP packet counted: esp = hao_rx + bad_exthdr',
          'esp=%d hao_rx=%d bad_exthdr=%d' % (n(k, 'esp'), d(k, 'hao_rx'), d(k, 'bad_exthdr')))
    check(dsum(k, HAO_OUTCOMES) == d(k, 'hao_rx') + dec,
          'm6s-esp: every HAO ends in one outcome counter, on each pass',
          'hao_rx=%d + second passes %d, outcomes=%d (%s)' % (d(k, 'hao_rx'), dec, dsum(k, HAO_OUTCOMES),
                                                             show(k, HAO_OUTCOMES)))
    xd = {c: s1[k]['xfrm'].get(c, 0) - s0[k]['xfrm'].get(c, 0) for c in s1[k]['xfrm'] if c.startswith('XfrmIn')}
    xerr = sum(xd.values())
    # what went on to xfrm: deferred and accepted on the first pass, and
    # audited or left to the stack on either pass; each is an xfrm error
    # or a decrypted packet
    lo = d(k, 'hao_deferred') + d(k, 'hao_accepted')
    check(lo <= xerr + dec <= lo + d(k, 'hao_audited') + d(k, 'hao_stack'),
          'm6s-esp: ESP the module let through is accounted for by xfrm',
          'xfrm errors %d (%s) + decrypted %d; deferred %d accepted %d audited %d stack %d'
          % (xerr, ' '.join('%s=%d' % (c, v) for c, v in xd.items() if v), dec, d(k, 'hao_deferred'),
             d(k, 'hao_accepted'), d(k, 'hao_audited'), d(k, 'hao_stack')))

    # m6s-frag: what reassembled (and atomic fragments).
    k = 'frag'
    check(n(k, 'in') == d(k, 'mh_rx') + d(k, 'hao_rx') + d(k, 'bad_exthdr'),
          'm6s-frag: every reassembled packet counted: in = mh_rx + hao_rx + bad_exthdr',
          'in=%d mh_rx=%d hao_rx=%d bad_exthdr=%d' % (n(k, 'in'), d(k, 'mh_rx'), d(k, 'hao_rx'),
                                                      d(k, 'bad_exthdr')))
    check(dsum(k, HAO_OUTCOMES) == d(k, 'hao_rx'), 'm6s-frag: every HAO ends in one outcome counter',
          'hao_rx=%d outcomes=%d (%s)' % (d(k, 'hao_rx'), dsum(k, HAO_OUTCOMES), show(k, HAO_OUTCOMES)))


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def snap_moved(a, b):
    """What moved from snapshot A to B: "kind/section/counter+delta" ..."""
    return ['%s/%s/%s%+d' % (k, sec, c, b[k][sec].get(c, 0) - a[k][sec].get(c, 0))
            for k in KINDS for sec in sorted(b[k])
            for c in sorted(set(a[k][sec]) | set(b[k][sec]))
            if a[k][sec].get(c, 0) != b[k][sec].get(c, 0)]


def quiesce(nls, secs=120):
    """Wait until no counter moves between two snapshots a second apart (in
    flight packets, decryption, SAs of the churn that expire by themselves
    within 2 s). The deadline is generous, and counts snapshots taken, not
    only seconds: on the debug kernel with the host busy one snapshot has
    taken several seconds. Returns (settled, what moved last / timing)."""
    prev, moved, n = None, [], 0
    t0 = time.monotonic()
    while True:
        cur = snapshot(nls)
        n += 1
        if prev is not None:
            moved = snap_moved(prev, cur)
            if not moved:
                return True, '%d snapshots in %.1fs' % (n, time.monotonic() - t0)
        if n >= 4 and time.monotonic() - t0 > secs:
            return False, 'still moving after %.1fs, %d snapshots; last change: %s' % (
                time.monotonic() - t0, n, ' '.join(moved))
        prev = cur
        time.sleep(1)


def cmd_run(secs, seed, out):
    os.makedirs(out, exist_ok=True)
    nls = {k: Nl(NS[k]) for k in KINDS}
    saved = params_save()
    stop = os.path.join(out, 'stop')
    for f in ('stop', 'churn.json', 'netns.json'):
        try:
            os.unlink(os.path.join(out, f))
        except FileNotFoundError:
            pass
    gen = Gen(seed, os.path.join(out, 'corpus'))
    log('seed %d: STRESS_SEED=%d reproduces the packets of this run' % (seed, seed))
    s0 = snapshot(nls)
    log('first snapshot taken')
    setns(NS_TX)
    sender = Sender(gen, out)
    t0 = time.monotonic()
    kept = sender.probe(nls, 64)
    log('probe: %d new packets kept in %s/corpus (%.1fs)' % (kept, out, time.monotonic() - t0))
    setns('/proc/1/ns/net')
    procs = []
    for fn, res in ((churn, 'churn.json'), (netns_churn, 'netns.json')):
        pid = os.fork()
        if pid == 0:
            try:
                fn(seed, stop, os.path.join(out, res))
                os._exit(0)
            except Exception as e:                       # noqa: BLE001
                print('# %s: %r' % (fn.__name__, e), flush=True)
                os._exit(1)
        procs.append((fn.__name__, pid))
    setns(NS_TX)
    flag = [False]
    signal.signal(signal.SIGTERM, lambda *a: flag.__setitem__(0, True))
    t1 = time.monotonic()
    sender.flood(secs, flag, live_hoas=HOAS[:4])
    dt = time.monotonic() - t1
    open(stop, 'w').close()
    setns('/proc/1/ns/net')
    for name, pid in procs:
        _, st = os.waitpid(pid, 0)
        check(os.WEXITSTATUS(st) == 0, 'churn process %s ended cleanly' % name, 'exit %d' % os.WEXITSTATUS(st))
    params_restore(saved)
    total = sum(sender.sent[k] for k in KINDS)
    log('sent %d packets in %.1fs (%.0f/s): %s; send errors %d'
        % (total, dt, total / dt if dt else 0, json.dumps(sender.sent), sender.errors))
    ok, why = quiesce(nls)
    check(ok, 'counters settle once the traffic stops', why)
    log('settled: %s' % why)
    s1 = snapshot(nls)
    for k in KINDS:
        log('%s: module %s; nft %s' % (NS[k], ' '.join('%s+%d' % (c, v - s0[k]['mod'].get(c, 0))
                                                     for c, v in sorted(s1[k]['mod'].items())
                                                     if v != s0[k]['mod'].get(c, 0)),
                                     ' '.join('%s+%d' % (c, v - s0[k]['nft'].get(c, 0))
                                              for c, v in sorted(s1[k]['nft'].items()))))
    run_checks(s0, s1, sender.sent)
    ch = read_json(os.path.join(out, 'churn.json'))
    nsr = read_json(os.path.join(out, 'netns.json'))
    if ch:
        fin = ch['final']
        ghost = sorted(set(fin.get('kbm_mh', [])) - set(ch['model_kbm_mh']))
        check(not ghost, 'Kbm table of m6s-mh: no key the churn deleted is left',
              'ghosts: %s' % ghost)
        check(sorted(fin.get('kbm_hao', [])) == ch['model_kbm_hao'],
              'Kbm table of m6s-hao: the keys added, exactly', '%s vs %s' % (fin.get('kbm_hao'), ch['model_kbm_hao']))
        ghost = sorted(set(x for x in fin.get('sa', []) if not x.startswith('exp')) - set(ch['model_sa']))
        check(not ghost, 'SA table of m6s-mh: no SA the churn deleted is left', 'ghosts: %s' % ghost)
        log('churn operations (ok, failed): %s' % json.dumps(ch['ops'], sort_keys=True))
    log('namespaces created and destroyed: %s' % json.dumps(nsr))
    check(nsr.get('namespaces', 0) > 0 and nsr.get('failed', 1) == 0,
          'network namespaces with keys, SAs and bindings created and destroyed under load',
          json.dumps(nsr))
    print(json.dumps({'seed': seed, 'seconds': round(dt, 1), 'sent': sender.sent, 'send_errors': sender.errors,
                      'corpus_kept': kept, 'suspects': sender.suspects}), flush=True)
    return 0


def cmd_flood(secs, seed):
    setns(NS_TX)
    sender = Sender(Gen(seed, None), None)
    flag = [False]
    signal.signal(signal.SIGTERM, lambda *a: flag.__setitem__(0, True))
    sender.flood(secs, flag, pool=64)
    print('sent %s, %d send errors' % (json.dumps(sender.sent), sender.errors), flush=True)
    return 0


# ------------------------------------------------------------------ probe

def cmd_probe(tag):
    """The module answers as before: netlink, a BA to the byte, a BE."""
    try:
        nl = Nl(NS['mh'])
    except (OSError, RuntimeError) as e:
        check(False, '%s: netlink family answers' % tag, str(e))
        return 0
    check(True, '%s: netlink family answers' % tag)
    for p, v in (('hao_policy', 'enforce'), ('bu_nokey', 'pass'), ('max_bindings', '4096'),
                 ('be_ratelimit_ms', '0'), ('max_lifetime', '420'), ('kbm_and_ipsec', 'either'),
                 ('kbm_wrap', 'allow'), ('coa_test', 'off')):
        with open(os.path.join(PARAMS, p), 'w') as f:
            f.write(v)
    hoa, coa, cn = '2001:db8:c0::1', COAS['mh'][0], CN['mh']
    key = hashlib.sha1(b'probe ' + tag.encode()).digest()
    nl.req('kbm-del', hoa=hoa)
    err, _ = nl.req('kbm-add', hoa=hoa, key=key.hex())
    check(err == 0, '%s: kbm add' % tag, 'error %s' % err)
    setns(NS_TX)
    cap = mn.capture()
    cap.drain()
    opts, bad_off = mn.bu_layout('std')
    seq = 7
    mh = mn.bu_mh(seq, mn.BU_A, 10, opts)
    mh[bad_off + 2:bad_off + 14] = mn.bad_auth(key, mh, bad_off, coa, cn)
    mn.mh_set_csum(mh, hoa, cn)
    mn.send_raw(ipv6(coa, cn, 60, dest_hao(135, hoa) + bytes(mh)), cn)
    want, rh = mn.expected_ba(cn, coa, hoa, 0, seq, 10, key, coa)
    pk = cap.packets(10, lambda p: p.mhtype == mn.MH_BA and p.src == cn, stop_after=1)
    got = pk[0].mh if pk else None
    check(got is not None and bytes(got) == want,
          '%s: authenticated BU answered by BA status 0, to the byte' % tag,
          'want %s got %s' % (want.hex(), got.hex() if got else 'nothing'))
    bad = mn.mh_header(200, b'\0\0')
    mn.mh_set_csum(bad, coa, cn)
    cap.drain()
    mn.send_raw(ipv6(coa, cn, 135, bytes(bad)), cn)
    pk = cap.packets(10, lambda p: p.mhtype == mn.MH_BE and p.src == cn, stop_after=1)
    want = mn.expected_be(cn, coa, 2, '::')
    check(bool(pk) and bytes(pk[0].mh) == want, '%s: unknown MH type answered by Binding Error 2' % tag,
          'got %s' % (pk[0].mh.hex() if pk else 'nothing'))
    setns('/proc/1/ns/net')
    err, rep = nl.req('binding-get', dump=True)
    check(err == 0 and any(x.get('hoa') == hoa and x.get('coa') == coa for x in rep),
          '%s: binding of the probe BU listed' % tag, json.dumps(rep)[:300])
    err, _ = nl.req('kbm-del', hoa=hoa)
    check(err == 0, '%s: kbm del' % tag, 'error %s' % err)
    return 0


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    c = argv[0]
    if c == 'setup':
        return cmd_setup()
    if c == 'cleanup':
        return cmd_cleanup()
    if c == 'run':
        return cmd_run(float(argv[1]), int(argv[2]), argv[3])
    if c == 'flood':
        return cmd_flood(float(argv[1]), int(argv[2]))
    if c == 'probe':
        return cmd_probe(argv[1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
