#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Independent computation of the MH test vectors used by test_mh.c.

Recomputes, with Python's hmac/hashlib only, the locally computed RFC 6275
return-routability BU/BA vectors and the RFC 4285 MN-HA vector of
the reference digest specs.md 6.3/6.4 (NOT published vectors) and the
RFC 2202 HMAC-SHA1 vectors, asserts that they match the values written down
there, and emits them as a C header.

  vectors.py            print vectors.h to stdout
  vectors.py --check F  exit 1 unless F equals what would be printed
"""
import hashlib
import hmac
import ipaddress
import struct
import sys


def a6(s):
    return ipaddress.IPv6Address(s).packed


def h1(key, msg):
    return hmac.new(key, msg, hashlib.sha1).digest()


def mh_csum(src, dst, mh):
    """RFC 6275 6.1.1 / RFC 2460 8.1, written independently of mh.c."""
    d = src + dst + struct.pack("!I", len(mh)) + b"\0\0\0" + bytes([135]) + mh
    if len(d) & 1:
        d += b"\0"
    s = sum(struct.unpack("!%dH" % (len(d) // 2), d))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def zero_csum(mh):
    return mh[:4] + b"\0\0" + mh[6:]


# --- RFC 2202 section 3 (published) ---------------------------------------
RFC2202 = [
    (b"\x0b" * 20, b"Hi There", "b617318655057264e28bc0b6fb378c8ef146be00"),
    (b"Jefe", b"what do ya want for nothing?",
     "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
    (b"\xaa" * 20, b"\xdd" * 50, "125d7342b9ac11cd91a39af48aa17b4f63f175d3"),
    (bytes(range(1, 26)), b"\xcd" * 50,
     "4c9007f4026250c6bc8414f9bf50c86c2d7235da"),
    (b"\x0c" * 20, b"Test With Truncation",
     "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"),
    (b"\xaa" * 80, b"Test Using Larger Than Block-Size Key - Hash Key First",
     "aa4ae5e15272d00e95705637ce8a3b55ed402112"),
    (b"\xaa" * 80, b"Test Using Larger Than Block-Size Key and Larger Than "
     b"One Block-Size Data", "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"),
]
for k, d, exp in RFC2202:
    assert h1(k, d).hex() == exp, exp

# --- specs.md 6.3: RFC 6275 RR, locally computed ---------------------------
Kcn = bytes(range(1, 21))
NONCE_H = bytes.fromhex("0102030405060708")
NONCE_C = bytes.fromhex("1112131415161718")
HOA, COA, CN = a6("2001:db8:1::100"), a6("2001:db8:2::200"), a6("2001:db8:3::300")

hkt = h1(Kcn, HOA + NONCE_H + b"\x00")[:8]
ckt = h1(Kcn, COA + NONCE_C + b"\x01")[:8]
KBM = hashlib.sha1(hkt + ckt).digest()
KBM_DEREG = hashlib.sha1(hkt).digest()
assert hkt.hex() == "6c8cefc4021443fb"
assert ckt.hex() == "dc26102e764c2746"
assert KBM.hex() == "0224f0038422927d16f3fb28d438a5f2980a9365"
assert KBM_DEREG.hex() == "c1fa1b70240316a151391b78557ad32ea2238532"


def build_bu(seq, lifetime, coni, key, coa):
    """BU: A=1, Nonce Indices (1, coni) at 12, BAD at 18, HdrLen 3."""
    b = bytearray(struct.pack("!BBBBHHHH", 59, 3, 5, 0, 0, seq, 0x8000,
                              lifetime))
    b += struct.pack("!BBHH", 4, 4, 1, coni) + bytes([5, 12]) + bytes(12)
    # authenticator: MH up to and excluding the authenticator, csum 0
    b[20:32] = h1(key, coa + CN + bytes(b[:20]))[:12]
    b[4:6] = struct.pack("!H", mh_csum(HOA, CN, bytes(b)))  # HAO: src=HoA
    return bytes(b)


BU = build_bu(0x1234, 105, 2, KBM, COA)
assert BU.hex() == ("3b030500d714123480000069040400010002050c"
                    "446d9b1adc62e08fe0f76fa7")
assert mh_csum(HOA, CN, BU) == 0
BU_DEREG = build_bu(0x1235, 0, 0, KBM_DEREG, HOA)
assert BU_DEREG[20:32].hex() == "31f71714c92a654865294e90"

BA = bytearray(struct.pack("!BBBBHBBHH", 59, 3, 6, 0, 0, 0, 0, 0x1234, 105))
BA += bytes([1, 4, 0, 0, 0, 0]) + bytes([5, 12]) + bytes(12)
BA[20:32] = h1(KBM, COA + CN + bytes(BA[:20]))[:12]
BA[4:6] = struct.pack("!H", mh_csum(CN, HOA, bytes(BA)))  # RH2: dst=HoA
BA = bytes(BA)
assert BA.hex() == ("3b03060079fd000012340069010400000000050c"
                    "32b878ee85fa9ab708f6f6e5")

# --- specs.md 6.4: RFC 4285 MN-HA, locally computed ------------------------
MNHA_KEY = bytes(range(0x20, 0x30))
MNHA = bytearray(struct.pack("!BBBBHHHH", 59, 5, 5, 0, 0, 1, 0xC000, 0x0100))
MNHA += bytes([1, 4, 0, 0, 0, 0])                    # PadN(6) @12
MNHA += bytes([10, 8]) + bytes.fromhex("e93c7f0000000000")  # MESG-ID @18
MNHA += b"\x00"                                      # Pad1 @28
MNHA += bytes([9, 17, 1]) + struct.pack("!I", 256)   # AUTH @29, SPI 256
AUTH_OFF = 29
assert len(MNHA) == AUTH_OFF + 7
# MH Data = up to and including the SPI = MH[0, 36). specs.md writes
# "MH[0..35)" but its authenticator value is the one over MH[0, 36).
MNHA += h1(MNHA_KEY, COA + HOA + zero_csum(bytes(MNHA)))[:12]
MNHA = bytes(MNHA)
assert len(MNHA) == 48
assert MNHA.hex() == ("3b05050000000001c00001000104000000000a08e93c7f0000"
                      "0000000009110100000100fb2310d70e908af0b238e252")


def c_bytes(name, b):
    out = "static const __u8 %s[%d] = {" % (name, len(b))
    for i, x in enumerate(b):
        out += ("\n\t" if i % 12 == 0 else " ") + "0x%02x," % x
    return out + "\n};\n"


def header():
    h = ["/* SPDX-License-Identifier: GPL-2.0 */",
         "/* Generated by vectors.py: do not edit. specs.md 6.3/6.4 vectors",
         " * are locally computed (NOT published); RFC 2202 is published.",
         " */", ""]
    s = "\n".join(h)
    for name, val in [("V_HOA", HOA), ("V_COA", COA), ("V_CN", CN),
                      ("V_KBM", KBM), ("V_KBM_DEREG", KBM_DEREG),
                      ("V_BU", BU), ("V_BU_DEREG", BU_DEREG), ("V_BA", BA),
                      ("V_MNHA_KEY", MNHA_KEY), ("V_MNHA", MNHA)]:
        s += c_bytes(name, val)
    s += "#define V_BU_CSUM 0x%04x\n" % struct.unpack("!H", BU[4:6])[0]
    s += "#define V_BA_CSUM 0x%04x\n" % struct.unpack("!H", BA[4:6])[0]
    s += "#define V_MNHA_AUTH_OFF %d\n\n" % AUTH_OFF
    s += "struct v_hmac { const char *key, *data; size_t klen, dlen; " \
         "const char *hex; };\n"
    s += "static const struct v_hmac V_RFC2202[] = {\n"
    for k, d, exp in RFC2202:
        s += '\t{ "%s", "%s", %d, %d, "%s" },\n' % (
            "".join("\\x%02x" % x for x in k),
            "".join("\\x%02x" % x for x in d), len(k), len(d), exp)
    s += "};\n"
    return s


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        with open(sys.argv[2]) as f:
            if f.read() != header():
                print("vectors.py: %s is stale" % sys.argv[2])
                sys.exit(1)
        print("# vectors.py: all vectors recomputed and match %s" % sys.argv[2])
    else:
        sys.stdout.write(header())
