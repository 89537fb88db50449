# SPDX-License-Identifier: GPL-2.0
"""
The RFC 5295 KDF and the draft-giaretta-mip6-amsk-02 key names, written
with Python hmac/hashlib only: the independent implementation the CLI's
test vectors (derive_vectors.py, sa_vectors.py) are computed with.
"""
import hashlib
import hmac
import ipaddress


def prf(key, data):
    return hmac.new(key, data, hashlib.sha256).digest()


def kdf(key, label, data, length, sep=b"\0"):
    """RFC 5295 §3.1.2, written out block by block. sep=b" " is the form
    draft-giaretta-mip6-amsk-02 4.2 prints: S = L || " " || D || O."""
    s = label.encode() + sep + data + length.to_bytes(2, "big")
    out, t, n = b"", b"", 1
    while len(out) < length:
        t = prf(key, t + s + bytes([n]))
        out += t
        n += 1
    return out[:length]


def a6(s):
    return ipaddress.IPv6Address(s).packed


# Self-check against reference/specs.md §6.6 (ERP rRK, computed there).
assert kdf(bytes(range(64)), "EAP Re-authentication Root Key@ietf.org", b"",
           64).hex() == ("7b14d586a7f98c5aa759a92e4f53401f620815e34995bd78465a0513"
                         "7a42b76d5760970ff244d961786310da187cc7e63b6c16173ac2b019"
                         "8f4ddd81573c13fb")
