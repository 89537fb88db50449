#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""
Expected netlink attributes of "mip6sec sa add", computed independently
of the C code with Python hmac/hashlib (eapkeys.py).

usage: sa_vectors.py DIR
Prints one test a line, "NAME|STDIN|WANT|ARGS": ARGS are space-separated
"sa add" arguments for "unit sa-add", which runs the CLI's own parsing
and derivation and prints, instead of sending it, every attribute of the
request as "NAME HEX" in order. WANT is that exact line; STDIN is empty
or a file written into DIR to be used as standard input.
"""
import os
import struct
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eapkeys import a6, kdf, prf  # noqa: E402

# Not the inputs of derive_vectors.py: a FreeRADIUS-like PEAP session.
EMSK = bytes((5 * i + 0x11) & 0xff for i in range(64))
MSK = bytes((0xc3 ^ (3 * i)) & 0xff for i in range(64))
SID = bytes.fromhex("19") + bytes((9 * i) & 0xff for i in range(64))  # PEAP
HA = "2001:db8:a0::1"
PAR = "2001:db8:5::1"
HOA = "2001:db8:77::10"
PREFIX, PLEN = "2001:db8:77::", 48
NAI = "alice@example.org"
USE = {"mn-ha": 1, "mn-aaa": 2, "fbu": 3}
LABEL = {"mn-ha": "rfc4285-MN-HA-key", "mn-aaa": "rfc4285-MN-AAA-key"}
outdir = sys.argv[1]


def usrk(emsk=EMSK, length=64):
    return kdf(emsk, "MIPv6-USRK-key", SID, length)


def amsk(use, root):
    return kdf(root, LABEL[use], a6(HA) if use == "mn-ha" else b"", 16)


def fhk(msk=MSK, par=PAR):
    return kdf(msk, "FMIPv6-FHK", a6(par), 20)


def name(key):
    return prf(key, SID)[:8]


def u32(v):
    return struct.pack("=I", v)      # netlink integers: host order


def want(use, key, key_name=None, nai=NAI, spi=256, hoa=None, prefix=None,
         lifetime=None, replay=None):
    attrs = [("nai", nai.encode()), ("spi", u32(spi)), ("sa_use", u32(USE[use])),
             ("key", key)]
    if key_name is not None:
        attrs.append(("key_name", key_name))
    if hoa is not None:
        attrs.append(("hoa", a6(hoa)))
    if prefix is not None:
        attrs.append(("home_prefix", a6(prefix[0])))
        attrs.append(("home_prefix_len", u32(prefix[1])))
    if lifetime is not None:
        attrs.append(("lifetime", u32(lifetime)))
    if replay is not None:
        attrs.append(("replay", u32({"seq": 0, "timestamp": 1}[replay])))
    return " ".join("%s %s" % (n, v.hex()) for n, v in attrs)


def emit(test, expect, args, stdin=""):
    print("%s|%s|%s|%s" % (test, stdin, expect, " ".join(args)))


def write(fname, text):
    path = os.path.join(outdir, fname)
    with open(path, "w") as f:
        f.write(text)
    return path


base = ["nai", NAI, "spi", "256"]
sid = ["session-id", SID.hex()]
# A home agent SA names what it may register: a home address or prefix.
home = ["hoa", HOA]

# RFC 4285 keys from the EMSK: USRK first, then the AMSK; named.
for use in ("mn-ha", "mn-aaa"):
    extra = ["ha", HA] if use == "mn-ha" else []
    key = amsk(use, usrk())
    emit("%s from emsk" % use, want(use, key, name(key), hoa=HOA),
         base + ["use", use, "emsk", EMSK.hex()] + sid + extra + home)
    for n in (16, 33, 100):
        key = amsk(use, usrk(length=n))
        emit("%s from emsk, usrk-len %d" % (use, n),
             want(use, key, name(key), hoa=HOA),
             base + ["use", use, "emsk", EMSK.hex()] + sid + extra
             + ["usrk-len", str(n)] + home)
    for n in (16, 64, 200):
        root = usrk(length=n)
        key = amsk(use, root)
        emit("%s from a %d-octet usrk" % (use, n),
             want(use, key, name(key), prefix=(PREFIX, PLEN)),
             base + ["use", use, "usrk", root.hex()] + sid + extra
             + ["home-prefix", "%s/%d" % (PREFIX, PLEN)])

# kdf-profile draft: USRK of 16 octets, a space after the AMSK label.
for use in ("mn-ha", "mn-aaa"):
    extra = ["ha", HA] if use == "mn-ha" else []
    data = a6(HA) if use == "mn-ha" else b""
    key = kdf(usrk(length=16), LABEL[use], data, 16, sep=b" ")
    emit("%s from emsk, kdf-profile draft" % use,
         want(use, key, name(key), hoa=HOA),
         base + ["use", use, "emsk", EMSK.hex()] + sid + extra
         + ["kdf-profile", "draft"] + home)
    key = kdf(usrk(length=16), LABEL[use], data, 16)
    emit("%s from emsk, usrk-len 16, kdf-profile rfc5295" % use,
         want(use, key, name(key), hoa=HOA),
         base + ["use", use, "emsk", EMSK.hex()] + sid + extra
         + ["kdf-profile", "rfc5295", "usrk-len", "16"] + home)
# RFC 4285 5.2: HMAC_SHA1_SPI (3) for an MN-AAA key.
key = amsk("mn-aaa", usrk())
emit("mn-aaa with SPI 3 (HMAC_SHA1_SPI)",
     want("mn-aaa", key, name(key), spi=3, hoa=HOA),
     ["nai", NAI, "spi", "3", "use", "mn-aaa", "emsk", EMSK.hex()] + sid + home)

# The fast handover key from the MSK: named only with a Session-ID.
key = fhk()
emit("fbu from msk", want("fbu", key), base + ["use", "fbu", "msk", MSK.hex(),
                                                "par", PAR])
emit("fbu from msk, named", want("fbu", key, name(key)),
     base + ["use", "fbu", "msk", MSK.hex(), "par", PAR] + sid)
key = fhk(par="fe80::1")
emit("fbu from msk, link-local par", want("fbu", key, replay="seq"),
     base + ["use", "fbu", "msk", MSK.hex(), "par", "fe80::1",
             "replay", "seq"])

# A final key as given: sent unchanged, no name; every optional attribute.
for n in (16, 20, 64):
    key = bytes(range(0xa0, 0xa0 + n))
    emit("key of %d octets" % n, want("mn-aaa", key, hoa=HOA),
         base + ["use", "mn-aaa", "key", key.hex()] + home)
key = bytes(range(0x30, 0x44))
emit("key with hoa, lifetime, replay timestamp",
     want("mn-ha", key, hoa=HOA, lifetime=3600, replay="timestamp"),
     base + ["use", "mn-ha", "key", key.hex(), "hoa", HOA, "lifetime", "3600",
             "replay", "timestamp"])
emit("fbu key, replay seq, longest lifetime",
     want("fbu", key, lifetime=2 ** 28, replay="seq"),
     base + ["use", "fbu", "key", "0x" + key.hex().upper(), "replay", "seq",
             "lifetime", str(2 ** 28)])

# Arguments in any order; NAI and SPI at their limits.
key = amsk("mn-ha", usrk())
emit("any order", want("mn-ha", key, name(key), hoa=HOA, lifetime=1),
     ["lifetime", "1", "ha", HA] + sid + ["hoa", HOA, "emsk", EMSK.hex(),
                                          "use", "mn-ha", "spi", "256",
                                          "nai", NAI])
long_nai = "u" * 241 + "@example.org"
assert len(long_nai) == 253
emit("253-octet NAI, largest SPI, home prefix /128",
     want("mn-aaa", bytes(16), nai=long_nai, spi=2 ** 32 - 1,
          prefix=(HOA, 128)),
     ["nai", long_nai, "spi", str(2 ** 32 - 1), "use", "mn-aaa", "key",
      bytes(16).hex(), "home-prefix", HOA + "/128"])
emit("home prefix /3",
     want("mn-ha", bytes(16), prefix=("2000::", 3)),
     base + ["use", "mn-ha", "key", bytes(16).hex(), "home-prefix", "2000::/3"])
# (No "|", the field separator here, nor glob characters: run.sh splits
# ARGS unquoted.)
odd = "{x}!#$%&'+/=^_`~-@sub.example.org"
emit("NAI with punctuation", want("fbu", bytes(16), nai=odd),
     ["nai", odd, "spi", "256", "use", "fbu", "key", bytes(16).hex()])

# Keys from files and standard input: 0x prefix, upper case, line breaks.
h = "0X" + EMSK.hex().upper()
path = write("emsk.hex", "  " + "\n".join(h[i:i + 32] for i in range(0, len(h), 32)) + "\n")
key = amsk("mn-ha", usrk())
emit("emsk-file", want("mn-ha", key, name(key), hoa=HOA),
     base + ["use", "mn-ha", "emsk-file", path] + sid + ["ha", HA] + home)
emit("emsk-file - (standard input)", want("mn-ha", key, name(key), hoa=HOA),
     base + ["use", "mn-ha", "emsk-file", "-"] + sid + ["ha", HA] + home,
     path)
root = usrk()
path = write("usrk.hex", root.hex()[:50] + " \t" + root.hex()[50:] + "\n")
key = amsk("mn-aaa", root)
emit("usrk-file - (standard input)", want("mn-aaa", key, name(key), hoa=HOA),
     base + ["use", "mn-aaa", "usrk-file", "-"] + sid + home, path)
path = write("msk.hex", MSK.hex())
key = fhk()
emit("msk-file (no newline)", want("fbu", key),
     base + ["use", "fbu", "msk-file", path, "par", PAR])
key = bytes(range(0x50, 0x70))
path = write("key.hex", key.hex() + "\n")
emit("key-file", want("mn-ha", key, hoa=HOA),
     base + ["use", "mn-ha", "key-file", path] + home)
emit("key-file - (standard input)", want("mn-ha", key, hoa=HOA),
     base + ["use", "mn-ha", "key-file", "-"] + home, path)
