#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Provision many Kbms fast: MIP6SEC_CMD_KBM_ADD requests batched, BATCH
netlink messages per sendmsg() (the kernel processes every message of the
buffer in turn and acknowledges each), through the raw genetlink client of
selftests/nlcraft.py.

  kbm_bulk.py FILE COUNT CN [MAXSECS]

FILE holds records hoa(16) | key(20) (bench/gen.py kbm_mem.bin). Stops
after COUNT keys or MAXSECS seconds. Prints one JSON object:
{"added": N, "errors": N, "first_error": E, "secs": S}.
"""
import json
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "selftests"))
import nlcraft  # noqa: E402

BATCH = 256


def main(argv):
    path, count, cn = argv[0], int(argv[1]), socket.inet_pton(socket.AF_INET6, argv[2])
    maxsecs = float(argv[3]) if len(argv) > 3 else 1e9
    c = nlcraft.load_consts()
    g = nlcraft.Genl()
    g.sk.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    fam = g.resolve(c["family"])
    if fam is None:
        print(json.dumps({"added": 0, "errors": 1, "first_error": "no family"}))
        return 1
    cmd = c["cmds"]["kbm-add"]
    a_hoa, a_key, a_cn = c["attrs"]["hoa"], c["attrs"]["key"], c["attrs"]["cn"]
    data = open(path, "rb").read()
    count = min(count, len(data) // 36)
    flags = nlcraft.NLM_F_REQUEST | nlcraft.NLM_F_ACK
    added = errors = 0
    first_error = None
    seq = 1000
    t0 = time.monotonic()
    i = 0
    while i < count and time.monotonic() - t0 < maxsecs:
        n = min(BATCH, count - i)
        buf = []
        for j in range(i, i + n):
            rec = data[36 * j:36 * j + 36]
            body = struct.pack("=BBH", cmd, 1, 0) + nlcraft.nla(a_hoa, rec[:16]) + \
                nlcraft.nla(a_key, rec[16:]) + nlcraft.nla(a_cn, cn)
            seq += 1
            buf.append(struct.pack("=IHHII", 16 + len(body), fam, flags, seq, 0) + body)
        g.sk.send(b"".join(buf))
        acks = 0
        while acks < n:
            d = g.sk.recv(1 << 20)
            off = 0
            while off + 16 <= len(d):
                mlen, mtype = struct.unpack_from("=IH", d, off)
                if mlen < 16:
                    break
                if mtype == nlcraft.NLMSG_ERROR:
                    acks += 1
                    err = struct.unpack_from("=i", d, off + 16)[0]
                    if err:
                        errors += 1
                        first_error = first_error or err
                    else:
                        added += 1
                off += (mlen + 3) & ~3
        i += n
    print(json.dumps({"added": added, "errors": errors, "first_error": first_error,
                      "secs": round(time.monotonic() - t0, 3)}))
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
