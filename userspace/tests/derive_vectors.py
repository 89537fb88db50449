#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""
Expected "mip6sec derive" outputs, computed independently of the C code
with Python hmac/hashlib (RFC 5295 KDF, draft-giaretta-mip6-amsk-02
labels, the project's FMIPv6 FHK).

usage: derive_vectors.py DIR
Prints one test a line, "NAME|STDIN|WANT|ARGS": ARGS are space-separated
mip6sec arguments, WANT is the exact standard output, STDIN is empty or
a file written into DIR to be used as standard input.
"""
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eapkeys import a6, kdf, prf  # noqa: E402

EMSK = bytes(range(0x40, 0x80))
MSK = bytes((7 * i + 3) & 0xff for i in range(64))
SID = bytes.fromhex("0d") + bytes(range(0x10, 0x50))   # EAP-TLS: type | randoms
HA = "2001:db8:100::1"
PAR = "fe80::200:5eff:fe00:5301"
USRK = kdf(EMSK, "MIPv6-USRK-key", SID, 64)
LABELS = {"ikev2": "MIPv6-IKEv2-key", "mn-ha": "rfc4285-MN-HA-key",
          "mn-aaa": "rfc4285-MN-AAA-key"}
outdir = sys.argv[1]


def text(key, name):
    return "key " + key.hex() + ("" if name is None else " name " + name.hex())


def js(use, key, name):
    return json.dumps({"use": use, "key": key.hex(),
                       "name": None if name is None else name.hex(),
                       "len": len(key)}, separators=(",", ":"))


def emit(name, want, args, stdin=""):
    print("%s|%s|%s|%s" % (name, stdin, want, " ".join(args)))


def amsk(use, usrk, length=16):
    data = b"" if use == "mn-aaa" else a6(HA)
    return kdf(usrk, LABELS[use], data, length)


def amsk_name(key):
    return prf(key, SID)[:8]


# MIP6-USRK with its name; several lengths crossing block boundaries.
usrk_name = prf(SID, b"MIPv6-USRK-key")[:8]
emit("usrk default 64", text(USRK, usrk_name),
     ["derive", "usrk", "emsk", EMSK.hex(), "session-id", SID.hex()])
emit("usrk -j", js("usrk", USRK, usrk_name),
     ["-j", "derive", "usrk", "emsk", EMSK.hex(), "session-id", SID.hex()])
for n in (16, 20, 32, 33, 64, 100, 8160):
    emit("usrk len %d" % n,
         text(kdf(EMSK, "MIPv6-USRK-key", SID, n), usrk_name),
         ["derive", "usrk", "emsk", EMSK.hex(), "session-id", SID.hex(),
          "len", str(n)])

# AMSKs from the EMSK (USRK derived first) and from a given USRK.
for use in ("ikev2", "mn-ha", "mn-aaa"):
    key = amsk(use, USRK)
    extra = [] if use == "mn-aaa" else ["ha", HA]
    emit("%s from emsk" % use, text(key, amsk_name(key)),
         ["derive", use, "emsk", EMSK.hex(), "session-id", SID.hex()] + extra)
    emit("%s from emsk -j" % use, js(use, key, amsk_name(key)),
         ["-j", "derive", use, "emsk", EMSK.hex(), "session-id", SID.hex()]
         + extra)
    emit("%s from usrk, named" % use, text(key, amsk_name(key)),
         ["derive", use, "usrk", USRK.hex()] + extra + ["session-id", SID.hex()])
    emit("%s from usrk, no name" % use, text(key, None),
         ["derive", use, "usrk", USRK.hex()] + extra)
    emit("%s from usrk, no name -j" % use, js(use, key, None),
         ["-j", "derive", use, "usrk", USRK.hex()] + extra)
# A 16-octet USRK, the shortest accepted.
short = bytes(range(0xf0, 0x100))
key = amsk("mn-aaa", short)
emit("mn-aaa from a 16-octet usrk", text(key, None),
     ["derive", "mn-aaa", "usrk", short.hex()])
for n in (20, 32, 33, 64, 100):
    key = amsk("ikev2", USRK, n)
    emit("ikev2 len %d" % n, text(key, amsk_name(key)),
         ["derive", "ikev2", "emsk", EMSK.hex(), "session-id", SID.hex(),
          "ha", HA, "len", str(n)])

# kdf-profile draft (draft-giaretta-mip6-amsk-02 as printed): the USRK of
# 128 bits (4.1, "length = 128 bit", its S keeps the NUL: '"\0" = is a NUL
# byte'), the AMSKs with S = L || " " || D || O (4.2).
USRK_D = kdf(EMSK, "MIPv6-USRK-key", SID, 16)
emit("usrk, kdf-profile draft: 16 octets", text(USRK_D, usrk_name),
     ["derive", "usrk", "emsk", EMSK.hex(), "session-id", SID.hex(),
      "kdf-profile", "draft"])
emit("usrk, kdf-profile rfc5295: 64 octets", text(USRK, usrk_name),
     ["derive", "usrk", "emsk", EMSK.hex(), "session-id", SID.hex(),
      "kdf-profile", "rfc5295"])
for use in ("ikev2", "mn-ha", "mn-aaa"):
    data = b"" if use == "mn-aaa" else a6(HA)
    extra = [] if use == "mn-aaa" else ["ha", HA]
    key = kdf(USRK_D, LABELS[use], data, 16, sep=b" ")
    emit("%s from emsk, kdf-profile draft" % use, text(key, amsk_name(key)),
         ["derive", use, "emsk", EMSK.hex(), "session-id", SID.hex()] + extra
         + ["kdf-profile", "draft"])
    key = kdf(USRK, LABELS[use], data, 16, sep=b" ")
    emit("%s from usrk, kdf-profile draft" % use, text(key, None),
         ["derive", use, "usrk", USRK.hex(), "kdf-profile", "draft"] + extra)
    key = amsk(use, USRK)
    emit("%s from usrk, kdf-profile rfc5295" % use, text(key, None),
         ["derive", use, "usrk", USRK.hex(), "kdf-profile", "rfc5295"] + extra)

# FMIPv6 handover key.
fhk = kdf(MSK, "FMIPv6-FHK", a6(PAR), 20)
emit("fbu FHK", text(fhk, None), ["derive", "fbu", "msk", MSK.hex(), "par", PAR])
emit("fbu FHK -j", js("fbu", fhk, None),
     ["-j", "derive", "fbu", "msk", MSK.hex(), "par", PAR])

# Root keys on standard input: 0x prefix, upper case, line breaks.
path = os.path.join(outdir, "emsk.hex")
with open(path, "w") as f:
    h = "0X" + EMSK.hex().upper()
    f.write("  " + "\n".join(h[i:i + 32] for i in range(0, len(h), 32)) + "\n")
emit("usrk, emsk on stdin", text(USRK, usrk_name),
     ["derive", "usrk", "emsk", "-", "session-id", SID.hex()], path)
key = amsk("mn-ha", USRK)
emit("mn-ha, emsk on stdin", text(key, amsk_name(key)),
     ["derive", "mn-ha", "emsk", "-", "session-id", SID.hex(), "ha", HA], path)
path = os.path.join(outdir, "usrk.hex")
with open(path, "w") as f:
    f.write(USRK.hex()[:50] + " \t" + USRK.hex()[50:] + "\n")
key = amsk("ikev2", USRK)
emit("ikev2, usrk on stdin", text(key, None),
     ["derive", "ikev2", "usrk", "-", "ha", HA], path)
path = os.path.join(outdir, "msk.hex")
with open(path, "w") as f:
    f.write(MSK.hex())
emit("fbu, msk on stdin (no newline)", text(fhk, None),
     ["derive", "fbu", "msk", "-", "par", PAR], path)
