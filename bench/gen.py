#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Prebuild the packet sets of the mip6sec benchmark (make bench).

Runs on the host (native Python is much faster than Python under TCG) and
writes, into OUTDIR:

  hao.bin      64 UDP packets with a Home Address option (HoA HOA_A, source
               COA, UDP checksum over the home address: kernel-notes.md 4)
  bu_one.bin   1 Binding Update for HOA_A (seq 1), creating the binding the
               HAO packets need
  bu_rate.bin  N_RATE Binding Updates for HOA_R, sequence numbers 1..N_RATE
  bu_bad.bin   the same with the last authenticator bit flipped (checksum
               still right): parsed and HMAC'ed, then dropped
  null.bin     N_RATE packets of the BU packets' size, Next Header 59 (no
               Mobility Header, no HAO): the cost of the packet I/O alone
  hoti.bin     N_HOT Home Test Init messages from HOT_SRC (an address no
               namespace holds: the Home Tests go to a static neighbour
               entry and are dropped on arrival, without a receive path)
               with distinct cookies
  null_hoti.bin  N_HOT packets of the HoTI packets' size, Next Header 59
  bu_mem.bin   N_MEM Binding Updates, one per home address HOA_MEM(i)
  kbm_mem.bin  N_MEM records hoa(16) | key(20) for bench/kbm_bulk.py
  meta.json    addresses, keys, counts

Packet files: "M6PK", u32 count (little endian), then per packet a u16
length (little endian) and the IPv6 packet (no link-layer header).

Binding Updates carry a HAO and no A flag (no BA is sent). The MH is 32
octets: header, sequence, flags, lifetime, PadN(4) at 12, Binding
Authorization Data at 18 (8n+2, last). Authenticator = First(96,
HMAC-SHA1(Kbm, coa | cn | MH[0, 20) with the checksum zero)) (RFC 6275
6.2.7); the MH checksum is computed over the home address (6.1.1).

  gen.py OUTDIR [--rate N] [--hot N] [--mem N]
"""
import argparse
import hashlib
import hmac
import ipaddress
import json
import os
import struct

CN = "2001:db8:1::1"
COA = "2001:db8:1::2"        # the mn namespace's address: the care-of address
HOA_A = "2001:db8:2::10"     # (a) HAO receive rate
HOA_R = "2001:db8:3::10"     # (b) BU verification rate
HOA_MEM_BASE = "2001:db8:100::"  # (c) memory: HOA_MEM_BASE + i, i = 1..N
HOT_SRC = "2001:db8:1::99"   # (d) HoTI source: on the link, held by no namespace
UDP_PORT = 5001
UDP_PAYLOAD = 64

IPPROTO_UDP, IPPROTO_DSTOPTS, IPPROTO_NONE, IPPROTO_MH = 17, 60, 59, 135


def a6(s):
    return ipaddress.IPv6Address(s).packed


def key_for(tag):
    return hashlib.sha1(b"mip6sec-bench-" + tag).digest()


def csum(src, dst, proto, data):
    d = src + dst + struct.pack("!I3xB", len(data), proto) + data
    if len(d) & 1:
        d += b"\0"
    s = sum(struct.unpack("!%dH" % (len(d) // 2), d))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def dstopt_hao(nh, hoa):
    # PadN(2 data octets) then the HAO at offset 6 (8n+6): 24 octets
    return struct.pack("!BB", nh, 2) + b"\x01\x02\x00\x00" + b"\xc9\x10" + hoa


def ipv6(src, dst, nh, payload):
    return struct.pack("!IHBB", 0x60000000, len(payload), nh, 64) + src + dst + payload


def hao_udp(i, coa, cn, hoa):
    data = struct.pack("!Q", i) + bytes(UDP_PAYLOAD - 8)
    udp = bytearray(struct.pack("!HHHH", 40000 + i, UDP_PORT, 8 + len(data), 0) + data)
    c = csum(hoa, cn, IPPROTO_UDP, bytes(udp)) or 0xFFFF
    udp[6:8] = struct.pack("!H", c)
    return ipv6(coa, cn, IPPROTO_DSTOPTS, dstopt_hao(IPPROTO_UDP, hoa) + bytes(udp))


def bu(seq, lifetime, key, coa, cn, hoa, bad_auth=False):
    m = bytearray(struct.pack("!BBBBHHHH", 59, 3, 5, 0, 0, seq & 0xFFFF, 0, lifetime))
    m += b"\x01\x04\x00\x00\x00\x00" + b"\x05\x0c" + bytes(12)
    m[20:32] = hmac.new(key, coa + cn + bytes(m[:20]), hashlib.sha1).digest()[:12]
    if bad_auth:
        m[31] ^= 0x01
    m[4:6] = struct.pack("!H", csum(hoa, cn, IPPROTO_MH, bytes(m)))
    return ipv6(coa, cn, IPPROTO_DSTOPTS, dstopt_hao(IPPROTO_MH, hoa) + bytes(m))


def hoti(cookie, src, cn):
    """HoTI (RFC 6275 6.1.3): 16 octets, Home Init Cookie at 8, no HAO."""
    m = bytearray(struct.pack("!BBBBHHQ", 59, 1, 1, 0, 0, 0, cookie))
    m[4:6] = struct.pack("!H", csum(src, cn, IPPROTO_MH, bytes(m)))
    return ipv6(src, cn, IPPROTO_MH, bytes(m))


def write_pkts(path, pkts):
    with open(path + ".tmp", "wb") as f:
        f.write(b"M6PK" + struct.pack("<I", len(pkts)))
        for p in pkts:
            f.write(struct.pack("<H", len(p)) + p)
    os.replace(path + ".tmp", path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--rate", type=int, default=20000)
    ap.add_argument("--hot", type=int, default=20000)
    ap.add_argument("--mem", type=int, default=100000)
    a = ap.parse_args()
    if not 1 <= a.rate <= 60000:
        ap.error("--rate must be 1..60000 (one key, 16-bit sequence numbers)")
    if not 1 <= a.hot <= 60000:
        ap.error("--hot must be 1..60000")
    os.makedirs(a.outdir, exist_ok=True)
    cn, coa = a6(CN), a6(COA)
    out = lambda n: os.path.join(a.outdir, n)

    key_a, key_r = key_for(b"a"), key_for(b"r")
    write_pkts(out("hao.bin"), [hao_udp(i, coa, cn, a6(HOA_A)) for i in range(64)])
    write_pkts(out("bu_one.bin"), [bu(1, 0x100, key_a, coa, cn, a6(HOA_A))])
    bus = [bu(s, 0x100, key_r, coa, cn, a6(HOA_R)) for s in range(1, a.rate + 1)]
    write_pkts(out("bu_rate.bin"), bus)
    write_pkts(out("bu_bad.bin"), [bu(s, 0x100, key_r, coa, cn, a6(HOA_R), True)
                                   for s in range(1, a.rate + 1)])
    plen = len(bus[0]) - 40
    write_pkts(out("null.bin"), [ipv6(coa, cn, IPPROTO_NONE, bytes(plen))] * a.rate)
    hot_src = a6(HOT_SRC)
    hotis = [hoti(0x6d36000000000000 + i, hot_src, cn) for i in range(a.hot)]
    write_pkts(out("hoti.bin"), hotis)
    write_pkts(out("null_hoti.bin"), [ipv6(hot_src, cn, IPPROTO_NONE, bytes(len(hotis[0]) - 40))] * a.hot)

    base = int(ipaddress.IPv6Address(HOA_MEM_BASE))
    mem, recs = [], []
    for i in range(1, a.mem + 1):
        hoa = ipaddress.IPv6Address(base + i).packed
        k = key_for(b"m" + struct.pack("!I", i))
        recs.append(hoa + k)
        mem.append(bu(1, 0xFFFF, k, coa, cn, hoa))
    write_pkts(out("bu_mem.bin"), mem)
    with open(out("kbm_mem.bin"), "wb") as f:
        f.write(b"".join(recs))

    meta = {
        "cn": CN, "coa": COA, "udp_port": UDP_PORT,
        "hoa_a": HOA_A, "key_a": key_a.hex(),
        "hoa_r": HOA_R, "key_r": key_r.hex(),
        "n_rate": a.rate, "n_mem": a.mem,
        "hao_pkt_len": len(hao_udp(0, coa, cn, a6(HOA_A))),
        "bu_pkt_len": len(bus[0]),
        "hmac_input_len": 32 + 20,
        "hot_src": HOT_SRC, "n_hot": a.hot,
        "hot_pkt_len": len(hotis[0]),
        "hot_hmac_input_len": 16 + 8 + 1,     # address | nonce | 0 (RFC 6275 5.2.5)
        "hot_hmac_seglen": "16,8",
    }
    with open(out("meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
