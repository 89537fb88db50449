#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the seed corpora of the fuzz targets: valid and edge-case Mobility
Headers.

  gen_corpus.py [DIR]     (default: corpus/ next to this script)

DIR/mh_fuzz/: each seed a bare MH (Payload Proto first), as mh_parse() sees
it. DIR/{auth,fbu,cookie,rr}_fuzz/: the seeds of that message family in the
typed targets' format (typed_fuzz.c): a selector octet (MH Type, or the
cookie option type), the Reserved octet, then the MH from offset 6.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "unit"))
import vectors as v  # noqa: E402  (RFC 6275/4285 vectors, self-checking)


def hdr(mtype, body=b""):
    return bytearray(struct.pack("!BBBBH", 59, 0, mtype, 0, 0)) + body


def fin(b, pad=True):
    """Pad to a multiple of 8 with Pad1/PadN, then set Header Len."""
    b = bytearray(b)
    n = (8 - len(b) % 8) % 8
    if pad and n == 1:
        b += b"\x00"
    elif pad and n > 1:
        b += bytes([1, n - 2]) + bytes(n - 2)
    b[1] = len(b) // 8 - 1
    return bytes(b)


def opt(t, data):
    return bytes([t, len(data)]) + data


def padn(total):
    return bytes([1, total - 2]) + bytes(total - 2)


def bu_body(seq=1, flags=0x8000, lifetime=105):
    return struct.pack("!HHH", seq, flags, lifetime)


def auth(subtype, spi, data):
    return opt(9, bytes([subtype]) + struct.pack("!I", spi) + data)


SEEDS = {
    # valid, from the test vectors
    "bu_rr": v.BU,
    "bu_dereg": v.BU_DEREG,
    "ba_rr": v.BA,
    "bu_mnha": v.MNHA,
    # every known type, minimal
    "brr": fin(hdr(0, b"\0\0")),
    "hoti": fin(hdr(1, b"\0\0" + b"\x11" * 8)),
    "coti": fin(hdr(2, b"\0\0" + b"\x22" * 8)),
    "hot": fin(hdr(3, b"\0\x01" + b"\x11" * 8 + b"\x33" * 8)),
    "cot": fin(hdr(4, b"\0\x02" + b"\x22" * 8 + b"\x44" * 8)),
    "be": fin(hdr(7, b"\x02\0" + v.HOA)),
    "fback": fin(hdr(9, b"\x00\x00" + struct.pack("!HH", 7, 10))),
    "fna_opaque": fin(hdr(10, b"\0\0" + b"\x05\xff")),
    "hi_opaque": fin(hdr(14, b"\0\x01\x80\x00" + b"\x09\x30")),
    "unknown_type": fin(hdr(24, b"\0\0")),
    # options
    "bu_altcoa_nonce_bad": fin(hdr(5, bu_body()) + padn(2) + opt(4, b"\0\1\0\2")
                               + padn(10) + opt(3, v.COA) + padn(2)
                               + opt(5, b"\xaa" * 12), pad=False),
    "ba_bra": fin(hdr(6, b"\0\0\0\1\0\x69") + opt(2, b"\0\x10")),
    "bu_pad1_chain": fin(hdr(5, bu_body()) + b"\0" * 20),
    "bu_padn_chain": fin(hdr(5, bu_body()) + padn(2) + padn(3) + b"\0"
                         + padn(7) + padn(9)),
    "bu_unknown_opts": fin(hdr(5, bu_body()) + opt(200, b"\x05\x0c\x00")
                           + opt(7, bytes([2, 0]) + b"\x02" * 6)
                           + opt(34, bytes(18))),
    "bu_mnid_nai": fin(hdr(5, bu_body()) + opt(8, b"\x01mn@example.org")),
    "bu_mnp_dup": fin(hdr(5, bu_body()) + padn(8)
                      + opt(6, b"\0\x40" + v.HOA) + padn(4)
                      + opt(6, b"\0\x40" + v.CN)),
    "bu_mnha_mnaaa": fin(hdr(5, bu_body()) + b"\0" + auth(1, 256, b"\xa1" * 12)
                         + b"\0" + auth(2, 512, b"\xa2" * 16), pad=False),
    "fbu_badf_literal": fin(hdr(8, bu_body()) + padn(2)
                            + bytes([21, 12]) + b"\0\0\1\0" + b"\xb1" * 12,
                            pad=False),
    "fbu_badf_generic": fin(hdr(8, bu_body()) + padn(2)
                            + bytes([21, 16]) + b"\0\0\1\0" + b"\xb1" * 12,
                            pad=False),
    # edge cases (rejected)
    "bu_opt_overrun": fin(hdr(5, bu_body()) + bytes([1, 40]) + bytes(2)),
    "bu_opt_no_len": fin(hdr(5, bu_body()) + bytes(3))[:-1] + b"\x04",
    "bu_bad_not_last": fin(hdr(5, bu_body()) + padn(6) + opt(5, b"\xaa" * 12)
                           + opt(4, b"\0\1\0\2")),
    "bu_bad_trailing_pad": fin(hdr(5, bu_body()) + padn(6)
                               + opt(5, b"\xaa" * 12) + padn(8)),
    "bu_altcoa_misaligned": fin(hdr(5, bu_body()) + opt(3, v.COA)),
    "bu_nonce_dup": fin(hdr(5, bu_body()) + opt(4, bytes(4)) + opt(4, bytes(4))),
    "bu_hdrlen0": bytes([59, 0, 5, 0, 0, 0, 0, 1]),
    "bu_truncated": v.BU[:24],
    "bad_proto": bytes([6]) + v.BU[1:],
    "max_len": fin(hdr(0, b"\0\0") + padn(257) * 7 + padn(2048 - 8 - 7 * 257)),
    "short": b"\x3b\x00\x05",
    # care-of test cookie (option type 18 = the default cookie_opt_type):
    # timestamp(2) | care-of address(16) | MAC(12)
    "bu_altcoa_cookie": fin(hdr(5, bu_body()) + padn(10) + opt(3, v.COA)
                            + opt(18, b"\x00\x2a" + v.COA + b"\xc1" * 12)),
    "bu_cookie_short": fin(hdr(5, bu_body()) + padn(10) + opt(3, v.COA)
                           + opt(18, b"\x00\x2a" + v.COA)),
    "bu_cookie_twice": fin(hdr(5, bu_body()) + padn(10) + opt(3, v.COA)
                           + opt(18, b"\x00\x2a" + v.COA + b"\xc1" * 12)
                           + opt(18, b"\x00\x2b" + v.COA + b"\xc2" * 12)),
    # RFC 4285 with Replay Protection (8n+2) and an MN-ID before the MAC
    "bu_mnid_replay_mnha": fin(hdr(5, bu_body()) + opt(8, b"\x01ab@c.d")
                               + padn(5) + opt(10, bytes(range(8)))
                               + padn(3) + auth(1, 256, b"\xa1" * 12), pad=False),
}

# The message family of each typed target: selector octet per MH Type.
FAMILIES = {
    "auth_fuzz": {5: 0, 6: 1},
    "fbu_fuzz": {8: 0, 9: 1},
    "cookie_fuzz": {5: 18},
    "rr_fuzz": {1: 0, 2: 1, 3: 2, 4: 3, 5: 4, 6: 5, 0: 6},
}


def write(d, name, data):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(bytes(data))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "corpus")
    for name, data in SEEDS.items():
        write(os.path.join(out, "mh_fuzz"), name, data)
    n = len(SEEDS)
    for target, sel in FAMILIES.items():
        for name, data in SEEDS.items():
            if len(data) < 8 or data[0] != 59 or data[2] not in sel:
                continue
            # the typed targets set Header Len, Checksum and the padding
            write(os.path.join(out, target), name,
                  bytes([sel[data[2]], data[3]]) + data[6:(data[1] + 1) * 8])
            n += 1
    print("# %d seeds in %s" % (n, out))


if __name__ == "__main__":
    main()
