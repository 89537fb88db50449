#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Mobile IPv6 keys from the EAP key hierarchy, computed independently of
the mip6sec CLI (Python hmac/hashlib only), for the selftests.

  RFC 5295 3.1.2 KDF (HMAC-SHA-256):
    S  = label | 0x00 | data | length (2 octets, big-endian)
    T1 = PRF(K, S | 0x01), Tn = PRF(K, Tn-1 | S | n), first `length` octets
  MIP6-USRK   = KDF(EMSK, "MIPv6-USRK-key", EAP Session-ID, 64)
  IKEv2-AMSK  = KDF(USRK, "MIPv6-IKEv2-key", HA address (16 octets), 16)
  MN-HA-AMSK  = KDF(USRK, "rfc4285-MN-HA-key", HA address, 16)
  MN-AAA-AMSK = KDF(USRK, "rfc4285-MN-AAA-key", empty, 16)
  FHK         = KDF(MSK, "FMIPv6-FHK", PAR address (16 octets), 20)
  USRK name   = First(64, PRF(key = Session-ID, data = "MIPv6-USRK-key"))
  AMSK name   = First(64, PRF(key = AMSK, data = Session-ID))

Command line (hex in, hex out):
  eapkdf.py selftest                         RFC 4231 and RFC 5295 checks
  eapkdf.py usrk EMSK SID [LEN]
  eapkdf.py mn-ha|ikev2 EMSK SID HA [LEN]    key from the EMSK (USRK of 64)
  eapkdf.py mn-aaa EMSK SID
  eapkdf.py fbu MSK PAR
  eapkdf.py amsk mn-ha|ikev2|mn-aaa USRK [HA]  AMSK from a given USRK
  eapkdf.py name KEY SID                     AMSK name
  eapkdf.py usrk-name SID                    USRK name
  eapkdf.py derive-json USE ROOT KEY [session-id SID] [ha A] [par A] [len N]
        what "mip6sec -j derive ..." must print (same arguments)
  eapkdf.py draft mn-ha|ikev2|mn-aaa EMSK SID [HA]
        the key as draft-giaretta-mip6-amsk-02 prints the derivation
        ("kdf-profile draft"): USRK = KDF(EMSK, "MIPv6-USRK-key", SID, 16)
        (4.1: "length = 128 bit"), then the AMSK with S = L || " " || D || O
        (4.2: a space, not 0x00, after the label)
"""

import hashlib
import hmac
import ipaddress
import json
import sys

LABEL_USRK = b'MIPv6-USRK-key'
LABEL_IKEV2 = b'MIPv6-IKEv2-key'
LABEL_MN_HA = b'rfc4285-MN-HA-key'
LABEL_MN_AAA = b'rfc4285-MN-AAA-key'
LABEL_FHK = b'FMIPv6-FHK'

USRK_LEN = 64
AMSK_LEN = 16
FHK_LEN = 20


def a6(addr):
    return ipaddress.IPv6Address(addr).packed


def prf(key, data):
    return hmac.new(bytes(key), bytes(data), hashlib.sha256).digest()


def kdf(key, label, data, length, sep=b'\0'):
    """RFC 5295 3.1.2, block by block (not through an HKDF library); sep is
    the octet after the label (draft-giaretta-mip6-amsk-02 4.2: a space)."""
    if isinstance(label, str):
        label = label.encode()
    s = bytes(label) + sep + bytes(data) + length.to_bytes(2, 'big')
    out, t, n = b'', b'', 1
    while len(out) < length:
        assert n <= 255, 'KDF output too long'
        t = prf(key, t + s + bytes([n]))
        out += t
        n += 1
    return out[:length]


def usrk(emsk, sid, length=USRK_LEN):
    return kdf(emsk, LABEL_USRK, sid, length)


def usrk_name(sid):
    return prf(sid, LABEL_USRK)[:8]


def amsk_from_usrk(use, usrk_key, ha=None, length=AMSK_LEN, sep=b'\0'):
    if use == 'mn-ha':
        return kdf(usrk_key, LABEL_MN_HA, a6(ha), length, sep)
    if use == 'ikev2':
        return kdf(usrk_key, LABEL_IKEV2, a6(ha), length, sep)
    if use == 'mn-aaa':
        return kdf(usrk_key, LABEL_MN_AAA, b'', length, sep)
    raise ValueError('unknown AMSK use ' + use)


def amsk(use, emsk, sid, ha=None, length=AMSK_LEN):
    return amsk_from_usrk(use, usrk(emsk, sid), ha, length)


def amsk_name(key, sid):
    return prf(key, sid)[:8]


def fhk(msk, par, length=FHK_LEN):
    return kdf(msk, LABEL_FHK, a6(par), length)


# ------------------------------------------------------------------ self-test

RFC4231 = [  # RFC 4231 section 4: (key, data, HMAC-SHA-256, truncate)
    (b'\x0b' * 20, b'Hi There',
     'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7', None),
    (b'Jefe', b'what do ya want for nothing?',
     '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843', None),
    (b'\xaa' * 20, b'\xdd' * 50,
     '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe', None),
    (bytes(range(1, 26)), b'\xcd' * 50,
     '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b', None),
    (b'\x0c' * 20, b'Test With Truncation',
     'a3b6167473100ee06e0c796c2955552b', 16),
    (b'\xaa' * 131, b'Test Using Larger Than Block-Size Key - Hash Key First',
     '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54', None),
    (b'\xaa' * 131, b'This is a test using a larger than block-size key and a larger t'
     b'han block-size data. The key needs to be hashed before being used by the HMAC algorithm.',
     '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2', None),
]

# ../shared/reference/specs.md 6.6 (ERP rRK with the RFC 5295 KDF).
KDF_VECTOR = (bytes(range(64)), b'EAP Re-authentication Root Key@ietf.org', b'', 64,
              '7b14d586a7f98c5aa759a92e4f53401f620815e34995bd78465a0513'
              '7a42b76d5760970ff244d961786310da187cc7e63b6c16173ac2b019'
              '8f4ddd81573c13fb')


def selftest():
    """Returns a list of (name, ok, detail)."""
    res = []
    for i, (k, d, want, trunc) in enumerate(RFC4231):
        got = prf(k, d)
        if trunc:
            got = got[:trunc]
        res.append(('RFC 4231 HMAC-SHA-256 test case %d' % (i + 1),
                    got.hex() == want, got.hex()))
    k, label, data, n, want = KDF_VECTOR
    got = kdf(k, label, data, n)
    res.append(('RFC 5295 KDF: ERP rRK vector (specs.md 6.6)', got.hex() == want, got.hex()))
    # KDF = HKDF-Expand(PRK = K, info = S): T(1) alone for length <= 32,
    # and the first octets of a longer output equal the shorter one only
    # when the length octets agree (they are part of S): check both facts.
    long_ = kdf(k, 'x', b'', 64)
    res.append(('RFC 5295 KDF: the length is part of S (16 vs 64 octets differ)',
                kdf(k, 'x', b'', 16) != long_[:16], long_.hex()))
    t1 = prf(k, b'x\0' + (64).to_bytes(2, 'big') + b'\x01')
    t2 = prf(k, t1 + b'x\0' + (64).to_bytes(2, 'big') + b'\x02')
    res.append(('RFC 5295 KDF: T1 | T2 for 64 octets', long_ == t1 + t2, long_.hex()))
    return res


def derive_json(argv):
    """The object "mip6sec -j derive USE ROOT KEY ..." prints."""
    use, root, key = argv[0], argv[1], bytes.fromhex(argv[2])
    kw = {}
    i = 3
    while i < len(argv):
        kw[argv[i]] = argv[i + 1]
        i += 2
    sid = bytes.fromhex(kw['session-id']) if 'session-id' in kw else None
    length = int(kw['len']) if 'len' in kw else None
    name = None
    if use == 'usrk':
        out = usrk(key, sid, length or USRK_LEN)
        name = usrk_name(sid)
    elif use == 'fbu':
        out = fhk(key, kw['par'], length or FHK_LEN)
    else:
        u = usrk(key, sid) if root == 'emsk' else key
        out = amsk_from_usrk(use, u, kw.get('ha'), length or AMSK_LEN)
        if sid is not None:
            name = amsk_name(out, sid)
    return {'use': use, 'key': out.hex(), 'name': name.hex() if name else None, 'len': len(out)}


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = argv[0], argv[1:]
    h = bytes.fromhex
    if cmd == 'selftest':
        bad = 0
        for name, ok, detail in selftest():
            print('%s %s%s' % ('ok' if ok else 'FAIL', name, '' if ok else ': ' + detail))
            bad += not ok
        return 1 if bad else 0
    if cmd == 'usrk':
        print(usrk(h(args[0]), h(args[1]), int(args[2]) if len(args) > 2 else USRK_LEN).hex())
    elif cmd in ('mn-ha', 'ikev2'):
        print(amsk(cmd, h(args[0]), h(args[1]), args[2],
                   int(args[3]) if len(args) > 3 else AMSK_LEN).hex())
    elif cmd == 'mn-aaa':
        print(amsk('mn-aaa', h(args[0]), h(args[1])).hex())
    elif cmd == 'fbu':
        print(fhk(h(args[0]), args[1]).hex())
    elif cmd == 'amsk':                       # amsk USE USRK [HA]
        print(amsk_from_usrk(args[0], h(args[1]), args[2] if len(args) > 2 else None).hex())
    elif cmd == 'name':
        print(amsk_name(h(args[0]), h(args[1])).hex())
    elif cmd == 'usrk-name':
        print(usrk_name(h(args[0])).hex())
    elif cmd == 'draft':                      # draft USE EMSK SID [HA]
        u = usrk(h(args[1]), h(args[2]), 16)
        print(amsk_from_usrk(args[0], u, args[3] if len(args) > 3 else None, sep=b' ').hex())
    elif cmd == 'derive-json':
        print(json.dumps(derive_json(args)))
    else:
        print('eapkdf.py: unknown command ' + cmd, file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
