#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Craft raw generic-netlink requests for the mip6sec family.

An independent client (sockets + struct only) for requests the CLI refuses to
send: wrong attribute lengths, unknown attribute types, attributes a command
does not take. Names and numbers come from include/uapi/linux/mip6sec.h.

  nlcraft.py [--netns=NAME] [--dump] [--no-ack] CMD [ATTR=VALUE ...]
  nlcraft.py consts

CMD    kbm-add, kbm-del, kbm-get, binding-get, ..., stats-get, or a number
ATTR   hoa, cn, coa, key, last-seq, uses, seq, lifetime, auth, reason, ...
       or a number (e.g. 14 for a type beyond MIP6SEC_A_MAX)
VALUE  ip6:ADDR | hex:HEX | zeros:N | u8:N | u16:N | u32:N | u64:N | str:TEXT;
       untyped values are addresses for hoa/cn/coa and hex otherwise.

--netns=NAME sends the request from network namespace /run/netns/NAME
(setns() in this process: one exec less than "ip netns exec").

Prints one JSON object: {"error": 0 or -errno, "errno": "ENOENT",
"extack": message or null, "extack_offset": N, "missing_type": N,
"replies": [{"cmd": ..., "attrs": {...}}]} and exits 0 when error == 0,
1 when the kernel returned an error, 2 on local problems.
"""

import ctypes
import errno
import json
import os
import re
import socket
import struct
import sys

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_EXT_ACK = 11
NETLINK_CAP_ACK = 10

NLM_F_REQUEST = 0x1
NLM_F_MULTI = 0x2
NLM_F_ACK = 0x4
NLM_F_DUMP = 0x300
NLM_F_CAPPED = 0x100
NLM_F_ACK_TLVS = 0x200
NLMSG_ERROR = 2
NLMSG_DONE = 3

GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
CTRL_ATTR_MCAST_GROUPS = 7
CTRL_ATTR_MCAST_GRP_NAME = 1
CTRL_ATTR_MCAST_GRP_ID = 2

NLMSGERR_ATTR_MSG = 1
NLMSGERR_ATTR_OFFS = 2
NLMSGERR_ATTR_MISS_TYPE = 5

HERE = os.path.dirname(os.path.abspath(__file__))
UAPI = os.path.join(HERE, '..', 'include', 'uapi', 'linux', 'mip6sec.h')

ADDR_ATTRS = ('hoa', 'cn', 'coa')
INT_ATTRS = {'last-seq': 'H', 'seq': 'H', 'uses': 'Q', 'lifetime': 'I',
             'auth': 'I', 'reason': 'I'}


def parse_enums(path):
    """Return {enum_name: [(NAME, value), ...]} for plain C enums."""
    text = open(path).read()
    text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
    text = re.sub(r'//[^\n]*', '', text)
    enums = {}
    for m in re.finditer(r'enum\s+(\w+)\s*\{(.*?)\}', text, re.S):
        val = -1
        items = []
        for ent in m.group(2).split(','):
            ent = ent.strip()
            if not ent:
                continue
            if '=' in ent:
                name, expr = [s.strip() for s in ent.split('=', 1)]
                known = dict(items)
                expr = re.sub(r'\b([A-Z_][A-Z0-9_]*)\b',
                              lambda x: str(known.get(x.group(1), x.group(1))), expr)
                val = int(eval(expr, {'__builtins__': {}}))  # simple arithmetic only
            else:
                name = ent
                val += 1
            items.append((name, val))
        enums[m.group(1)] = items
    return enums


def load_consts():
    enums = parse_enums(UAPI)
    fam = re.search(r'#define\s+MIP6SEC_FAMILY_NAME\s+"([^"]+)"', open(UAPI).read())

    def table(ename, prefix):
        return {n[len(prefix):].lower().replace('_', '-'): v
                for n, v in enums[ename] if not n.startswith('__') and not n.endswith('_MAX')}

    c = {
        'family': fam.group(1) if fam else 'mip6sec',
        'attrs': table('mip6sec_attrs', 'MIP6SEC_A_'),
        'cmds': table('mip6sec_cmds', 'MIP6SEC_CMD_'),
        'stats': table('mip6sec_stat_attrs', 'MIP6SEC_STAT_'),
    }
    c['attr_max'] = dict(enums['mip6sec_attrs'])['MIP6SEC_A_MAX']
    c['cmd_max'] = dict(enums['mip6sec_cmds'])['MIP6SEC_CMD_MAX']
    return c


def nla(atype, payload):
    hdr = struct.pack('=HH', 4 + len(payload), atype)
    pad = (-(4 + len(payload))) % 4
    return hdr + payload + b'\0' * pad


def parse_nla(buf):
    out = []
    off = 0
    while off + 4 <= len(buf):
        alen, atype = struct.unpack_from('=HH', buf, off)
        if alen < 4 or off + alen > len(buf):
            break
        out.append((atype & 0x3fff, buf[off + 4:off + alen]))
        off += (alen + 3) & ~3
    return out


class Genl:
    def __init__(self):
        self.sk = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.sk.bind((0, 0))
        self.sk.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sk.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.sk.settimeout(10)
        self.seq = 1

    def request(self, family, cmd, attrs=b'', flags=NLM_F_REQUEST | NLM_F_ACK,
                version=1, reserved=0):
        self.seq += 1
        body = struct.pack('=BBH', cmd, version, reserved) + attrs
        msg = struct.pack('=IHHII', 16 + len(body), family, flags, self.seq, 0) + body
        self.sk.send(msg)
        res = {'error': None, 'extack': None, 'replies': []}
        while True:
            data = self.sk.recv(1 << 20)
            off = 0
            while off + 16 <= len(data):
                mlen, mtype, mflags, mseq, _ = struct.unpack_from('=IHHII', data, off)
                if mlen < 16:
                    break
                payload = data[off + 16:off + mlen]
                off += (mlen + 3) & ~3
                if mseq != self.seq:
                    continue
                if mtype == NLMSG_ERROR:
                    err = struct.unpack_from('=i', payload, 0)[0]
                    res['error'] = err
                    # the echoed request: header only when capped
                    olen = struct.unpack_from('=I', payload, 4)[0]
                    tlv_off = 4 + (16 if mflags & NLM_F_CAPPED else ((olen + 3) & ~3))
                    if mflags & NLM_F_ACK_TLVS:
                        for t, v in parse_nla(payload[tlv_off:]):
                            if t == NLMSGERR_ATTR_MSG:
                                res['extack'] = v.rstrip(b'\0').decode(errors='replace')
                            elif t == NLMSGERR_ATTR_OFFS:
                                res['extack_offset'] = struct.unpack('=I', v[:4])[0]
                            elif t == NLMSGERR_ATTR_MISS_TYPE:
                                res['missing_type'] = struct.unpack('=I', v[:4])[0]
                    return res
                if mtype == NLMSG_DONE:
                    # a dump ends here: no ACK follows, even with NLM_F_ACK
                    res['error'] = struct.unpack_from('=i', payload, 0)[0] if len(payload) >= 4 else 0
                    return res
                gcmd = payload[0]
                res['replies'].append((gcmd, parse_nla(payload[4:])))
                if not (mflags & NLM_F_MULTI) and not (flags & NLM_F_ACK):
                    res['error'] = 0
                    return res

    def resolve(self, name):
        r = self.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                         nla(CTRL_ATTR_FAMILY_NAME, name.encode() + b'\0'),
                         flags=NLM_F_REQUEST | NLM_F_ACK)
        for _, attrs in r['replies']:
            for t, v in attrs:
                if t == CTRL_ATTR_FAMILY_ID:
                    return struct.unpack('=H', v[:2])[0]
        return None


def encode_value(name, value):
    if ':' in value and value.split(':', 1)[0] in ('ip6', 'hex', 'zeros', 'u8', 'u16', 'u32', 'u64', 'str'):
        kind, v = value.split(':', 1)
    elif name in ADDR_ATTRS:
        kind, v = 'ip6', value
    elif name in INT_ATTRS:
        kind, v = {'H': 'u16', 'I': 'u32', 'Q': 'u64'}[INT_ATTRS[name]], value
    else:
        kind, v = 'hex', value
    if kind == 'ip6':
        return socket.inet_pton(socket.AF_INET6, v)
    if kind == 'hex':
        return bytes.fromhex(v)
    if kind == 'zeros':
        return b'\0' * int(v, 0)
    if kind == 'str':
        return v.encode() + b'\0'
    return struct.pack('=' + {'u8': 'B', 'u16': 'H', 'u32': 'I', 'u64': 'Q'}[kind], int(v, 0))


def decode_attrs(c, attrs):
    names = {v: k for k, v in c['attrs'].items()}
    snames = {v: k for k, v in c['stats'].items()}
    out = {}
    for t, v in attrs:
        n = names.get(t, str(t))
        if n in ADDR_ATTRS and len(v) == 16:
            out[n] = socket.inet_ntop(socket.AF_INET6, v)
        elif n == 'stats':
            out[n] = {snames.get(st, str(st)): (struct.unpack('=Q', sv)[0] if len(sv) == 8 else sv.hex())
                      for st, sv in parse_nla(v)}
        elif len(v) in (1, 2, 4, 8) and n != 'key':
            out[n] = struct.unpack('=' + {1: 'B', 2: 'H', 4: 'I', 8: 'Q'}[len(v)], v)[0]
        else:
            out[n] = v.hex()
    return out


def main(argv):
    c = load_consts()
    if argv and argv[0] == 'consts':
        print(json.dumps(c))
        return 0
    dump = False
    ack = True
    version = 1
    reserved = 0
    while argv and argv[0].startswith('--'):
        o = argv.pop(0)
        if o == '--dump':
            dump = True
        elif o == '--no-ack':
            ack = False
        elif o.startswith('--version='):
            version = int(o.split('=', 1)[1], 0)
        elif o.startswith('--reserved='):
            reserved = int(o.split('=', 1)[1], 0)
        elif o.startswith('--netns='):
            fd = os.open('/run/netns/' + o.split('=', 1)[1], os.O_RDONLY)
            if ctypes.CDLL(None, use_errno=True).setns(fd, 0x40000000):        # CLONE_NEWNET
                print('nlcraft: setns: ' + os.strerror(ctypes.get_errno()), file=sys.stderr)
                return 2
            os.close(fd)
        else:
            print('nlcraft: unknown option ' + o, file=sys.stderr)
            return 2
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    cmd = argv.pop(0)
    cmdno = int(cmd, 0) if cmd[0].isdigit() else c['cmds'].get(cmd)
    if cmdno is None:
        print('nlcraft: unknown command ' + cmd, file=sys.stderr)
        return 2
    payload = b''
    for a in argv:
        if '=' not in a:
            print('nlcraft: expected ATTR=VALUE, got ' + a, file=sys.stderr)
            return 2
        name, value = a.split('=', 1)
        atype = int(name, 0) if name[0].isdigit() else c['attrs'].get(name)
        if atype is None:
            print('nlcraft: unknown attribute ' + name, file=sys.stderr)
            return 2
        payload += nla(atype, encode_value(name, value))

    g = Genl()
    fam = g.resolve(c['family'])
    if fam is None:
        print(json.dumps({'error': -errno.ENOENT, 'errno': 'ENOENT',
                          'extack': 'family %s not registered' % c['family'], 'replies': []}))
        return 2
    flags = NLM_F_REQUEST | (NLM_F_DUMP if dump else 0) | (NLM_F_ACK if ack else 0)
    r = g.request(fam, cmdno, payload, flags=flags, version=version, reserved=reserved)
    cnames = {v: k for k, v in c['cmds'].items()}
    out = {
        'error': r['error'],
        'errno': errno.errorcode.get(-r['error'], str(r['error'])) if r['error'] else None,
        'extack': r['extack'],
        'replies': [{'cmd': cnames.get(gc, gc), 'attrs': decode_attrs(c, at)} for gc, at in r['replies']],
    }
    for k in ('extack_offset', 'missing_type'):
        if k in r:
            out[k] = r[k]
    print(json.dumps(out))
    return 0 if r['error'] == 0 else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
