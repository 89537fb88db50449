#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Drive the mip6sec family through the kernel's own YNL library.

  ynl_test.py --ynl KSRC/tools/net/ynl --spec SPEC [--schema SCHEMA]
              [--cli MIP6SEC] [--unpriv]

The client is tools/net/ynl/lib from linux-source-6.12 (selftests/ksrc.sh
extracts it), steered only by Documentation/netlink/specs/mip6sec.yaml: if
the spec and the kernel disagree on a name, a number, a type or a flag,
these requests fail. Every operation is sent, with good and bad input, and
the notifications it causes are read from the events group. With --cli,
the JSON of "mip6sec -j ... show" is compared with what YNL decoded (the
CLI's keys are the spec's names with '-' as '_', sa-use as "use").

--unpriv runs the checks for an unprivileged caller instead (admin-perm
operations and the admin-perm events group are refused, stats-get is not).

Prints "PASS name", "FAIL name" (then "# detail" lines) or "SKIP name"
lines; selftests/ynl.sh turns them into KTAP. Run it in a network
namespace of its own: it adds and removes keys there.
"""

import argparse
import errno
import ipaddress
import json
import os
import subprocess
import sys

HOA = '2001:db8:77::10'
HOA2 = '2001:db8:77::11'
HOA3 = '2001:db8:77::12'
CN = '2001:db8:77::1'
NAI = 'alice@example.org'
SPI = 4242
KBM = bytes(range(0x40, 0x40 + 20))
SA_KEY = bytes(range(0x60, 0x60 + 16))
KEY_NAME = bytes.fromhex('0123456789abcdef')


def addr(a):
    return ipaddress.IPv6Address(a).packed


class Results:
    def __init__(self):
        self.failed = 0

    def check(self, ok, name, detail=None):
        print(('PASS ' if ok else 'FAIL ') + name, flush=True)
        if not ok:
            self.failed += 1
            for line in str(detail or '').splitlines():
                print('# ' + line)

    def skip(self, name, why):
        print(f'SKIP {name}: {why}', flush=True)


def expect_error(res, name, fn, errnos, extack=None):
    """fn() must raise NlError with one of errnos (and extack text)."""
    from lib import NlError
    try:
        got = fn()
    except NlError as e:
        msg = (e.nl_msg.extack or {}).get('msg', '')
        ok = e.error in errnos and (extack is None or extack in msg)
        res.check(ok, name, f'errno {errno.errorcode.get(e.error, e.error)}, '
                  f'extack {msg!r}')
        return
    except Exception as e:  # pylint: disable=broad-except
        res.check(False, name, f'{type(e).__name__}: {e}')
        return
    res.check(False, name, f'accepted, reply {got!r}')


def ntfs(ynl):
    ynl.check_ntf()
    got = list(ynl.async_msg_queue)
    ynl.async_msg_queue.clear()
    return got


def no_key(obj):
    """No reply or event ever carries the key attribute."""
    if isinstance(obj, list):
        return all(no_key(o) for o in obj)
    return isinstance(obj, dict) and 'key' not in obj


def cli_json(cli, *args):
    out = subprocess.run([cli, '-j', *args], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, universal_newlines=True,
                         check=False)
    if out.returncode:
        raise RuntimeError(f'mip6sec -j {" ".join(args)}: {out.stderr}')
    return json.loads(out.stdout)


def cli_key(name):
    """The CLI's JSON key for a spec attribute (documented in mip6sec.rst)."""
    return 'use' if name == 'sa-use' else name.replace('-', '_')


def compare_cli(res, name, ynl_objs, cli_objs, spec_attrs):
    """Every YNL attribute is in the CLI object under its documented key,
    with the same value; the CLI has no key that is not a spec name."""
    problems = []
    allowed = {cli_key(a) for a in spec_attrs}
    if len(ynl_objs) != len(cli_objs):
        problems.append(f'{len(ynl_objs)} YNL objects, {len(cli_objs)} CLI ones')
    for y, c in zip(ynl_objs, cli_objs):
        for k, v in y.items():
            ck = cli_key(k)
            cv = c.get(ck, '<absent>')
            if k == 'key-name':
                v = v.replace(' ', '')
            if cv != v:
                problems.append(f'{k}: YNL {v!r}, CLI {ck} {cv!r}')
        for ck in c:
            if ck not in allowed:
                problems.append(f'CLI key {ck!r} is no spec attribute')
    res.check(not problems, name, '\n'.join(problems))


def run_admin(res, ynl, evs, spec, cli):
    """@ynl sends the requests, @evs (a second socket) listens: the 6.12
    library cannot take a notification while it waits for a reply."""
    sent = set()

    def do(op, vals):
        sent.add(op)
        return ynl.do(op, vals)

    def dump(op, vals):
        sent.add(op)
        return ynl.dump(op, vals)

    do('binding-flush', {})
    do('stats-reset', {})
    ntfs(evs)

    # ------------------------------------------------------------ kbm
    r = do('kbm-add', {'hoa': addr(HOA), 'key': KBM, 'cn': addr(CN)})
    res.check(r is None, 'kbm-add: hoa, 20-octet key, cn', r)
    r = do('kbm-add', {'hoa': addr(HOA2), 'key': KBM})
    res.check(r is None, 'kbm-add without cn', r)
    ev = ntfs(evs)
    names = [e['name'] for e in ev]
    res.check(names == ['kbm-new-ntf', 'kbm-new-ntf'] and
              ev[0]['msg'].get('hoa') == HOA and ev[0]['msg'].get('cn') == CN,
              'kbm-new-ntf for each, hoa and cn decoded as IPv6', ev)
    r = do('kbm-get', {'hoa': addr(HOA)})
    res.check(r == {'hoa': HOA, 'cn': CN, 'uses': 0}, 'kbm-get do: hoa, cn, uses; no key', r)
    d = dump('kbm-get', {})
    res.check(sorted(o['hoa'] for o in d) == sorted([HOA, HOA2]) and no_key(d),
              'kbm-get dump: both keys, no key attribute', d)
    if cli:
        compare_cli(res, 'CLI kbm show -j = YNL kbm-get dump',
                    sorted(d, key=lambda o: o['hoa']),
                    sorted(cli_json(cli, 'kbm', 'show'), key=lambda o: o['hoa']),
                    spec.attr_sets['mip6sec'].attrs)
    expect_error(res, 'kbm-get dump with a hoa filter: refused, not ignored',
                 lambda: dump('kbm-get', {'hoa': addr(HOA)}), [errno.EINVAL],
                 'a dump takes no home address')
    expect_error(res, 'kbm-get do of an unknown hoa: ENOENT',
                 lambda: do('kbm-get', {'hoa': addr('2001:db8::99')}), [errno.ENOENT],
                 'no Kbm')
    expect_error(res, 'kbm-add again: EEXIST (add never replaces)',
                 lambda: do('kbm-add', {'hoa': addr(HOA), 'key': KBM}), [errno.EEXIST])
    for n in (19, 21, 16, 64):
        expect_error(res, f'kbm-add with a {n}-octet key: refused (exactly 20)',
                     lambda n=n: do('kbm-add', {'hoa': addr('2001:db8::5'), 'key': bytes(n)}),
                     [errno.EINVAL, errno.ERANGE])
    expect_error(res, 'kbm-add without key: EINVAL',
                 lambda: do('kbm-add', {'hoa': addr('2001:db8::5')}), [errno.EINVAL])
    expect_error(res, 'kbm-add with a link-local hoa: EINVAL',
                 lambda: do('kbm-add', {'hoa': addr('fe80::5'), 'key': KBM}),
                 [errno.EINVAL], 'unicast and global')
    expect_error(res, 'kbm-del with a key attribute: refused (write-only)',
                 lambda: do('kbm-del', {'hoa': addr(HOA), 'key': KBM}), [errno.EINVAL])
    expect_error(res, 'kbm-add with an output-only attribute (uses): refused',
                 lambda: do('kbm-add', {'hoa': addr('2001:db8::5'), 'key': KBM, 'uses': 1}),
                 [errno.EINVAL])
    res.check(sorted(o['hoa'] for o in dump('kbm-get', {})) == sorted([HOA, HOA2]),
              'refused requests changed nothing')
    res.check(not ntfs(evs), 'refused requests sent no event')

    # ------------------------------------------------------------ bindings
    d = dump('binding-get', {})
    res.check(d == [], 'binding-get dump: empty', d)
    expect_error(res, 'binding-get dump with a hoa filter: refused, not ignored',
                 lambda: dump('binding-get', {'hoa': addr(HOA)}), [errno.EINVAL],
                 'a dump takes no home address')
    expect_error(res, 'binding-get do without a binding: ENOENT',
                 lambda: do('binding-get', {'hoa': addr(HOA)}), [errno.ENOENT])
    expect_error(res, 'binding-del without a binding: ENOENT',
                 lambda: do('binding-del', {'hoa': addr(HOA)}), [errno.ENOENT])
    r = do('binding-flush', {})
    res.check(r is None, 'binding-flush', r)

    # ------------------------------------------------------------ SAs
    r = do('sa-add', {'nai': NAI, 'spi': SPI, 'sa-use': 'mn-ha', 'key': SA_KEY,
                      'key-name': KEY_NAME, 'hoa': addr(HOA), 'lifetime': 600,
                      'replay': 'timestamp'})
    res.check(r is None, 'sa-add: nai as a string, every attribute', r)
    r = do('sa-add', {'nai': NAI, 'spi': SPI + 1, 'sa-use': 'fbu', 'key': bytes(64)})
    res.check(r is None, 'sa-add: a 64-octet fbu key', r)
    ev = ntfs(evs)
    res.check([e['name'] for e in ev] == ['sa-new-ntf', 'sa-new-ntf'] and
              ev[0]['msg'].get('nai') == NAI and no_key([e['msg'] for e in ev]),
              'sa-new-ntf for each, the NAI decoded whole, no key', ev)
    r = do('sa-get', {'nai': NAI, 'spi': SPI})
    want = {'nai': NAI, 'spi': SPI, 'sa-use': 'mn-ha', 'replay': 'timestamp',
            'uses': 0, 'key-name': '01 23 45 67 89 ab cd ef', 'hoa': HOA}
    res.check(r is not None and all(r.get(k) == v for k, v in want.items()) and
              0 < r.get('lifetime', 0) <= 600 and no_key(r),
              'sa-get do: every field, key-name in hex, no key', r)
    d = dump('sa-get', {})
    res.check(len(d) == 2 and no_key(d), 'sa-get dump: both SAs', d)
    d1 = dump('sa-get', {'nai': NAI, 'spi': SPI + 1})
    res.check(len(d1) == 1 and d1[0].get('sa-use') == 'fbu',
              'sa-get dump filtered by nai and spi', d1)
    d2 = dump('sa-get', {'nai': 'bob@example.org'})
    res.check(d2 == [], 'sa-get dump filtered by another nai: empty', d2)
    expect_error(res, 'sa-get dump filtered by an empty NAI: refused',
                 lambda: dump('sa-get', {'nai': ''}), [errno.EINVAL], 'NAI must be')
    if cli:
        compare_cli(res, 'CLI sa show -j = YNL sa-get dump',
                    sorted(d, key=lambda o: o['spi']),
                    sorted(cli_json(cli, 'sa', 'show'), key=lambda o: o['spi']),
                    spec.attr_sets['mip6sec'].attrs)
    for n in (15, 65):
        expect_error(res, f'sa-add with a {n}-octet key: refused (16 to 64)',
                     lambda n=n: do('sa-add', {'nai': 'c@x', 'spi': 300, 'sa-use': 'mn-ha',
                                               'key': bytes(n)}),
                     [errno.EINVAL, errno.ERANGE])
    expect_error(res, 'sa-add with an empty NAI: refused',
                 lambda: do('sa-add', {'nai': '', 'spi': 300, 'sa-use': 'mn-ha', 'key': SA_KEY}),
                 [errno.EINVAL, errno.ERANGE])
    expect_error(res, 'sa-add with a 254-octet NAI: refused',
                 lambda: do('sa-add', {'nai': 'u' * 242 + '@example.org', 'spi': 300,
                                       'sa-use': 'mn-ha', 'key': SA_KEY}),
                 [errno.EINVAL, errno.ERANGE])
    r = do('sa-add', {'nai': 'u' * 241 + '@example.org', 'spi': 300, 'sa-use': 'mn-aaa',
                      'key': SA_KEY, 'hoa': addr(HOA2)})
    d3 = dump('sa-get', {'nai': 'u' * 241 + '@example.org'})
    res.check(r is None and len(d3) == 1 and d3[0]['nai'] == 'u' * 241 + '@example.org',
              'sa-add with a 253-octet NAI: accepted and read back whole', d3)
    expect_error(res, 'sa-add with a control character in the NAI: refused',
                 lambda: do('sa-add', {'nai': 'a\tb', 'spi': 300, 'sa-use': 'mn-ha',
                                       'key': SA_KEY, 'hoa': addr(HOA3)}),
                 [errno.EINVAL], 'control characters')
    expect_error(res, 'sa-add with the reserved SPI 255: refused',
                 lambda: do('sa-add', {'nai': 'c@x', 'spi': 255, 'sa-use': 'mn-ha',
                                       'key': SA_KEY, 'hoa': addr(HOA3)}),
                 [errno.EINVAL, errno.ERANGE])
    expect_error(res, 'sa-add mn-ha naming neither hoa nor home-prefix: refused',
                 lambda: do('sa-add', {'nai': 'c@x', 'spi': 300, 'sa-use': 'mn-ha',
                                       'key': SA_KEY}),
                 [errno.EINVAL], 'needs the home address')
    expect_error(res, 'sa-add fbu bound to a hoa: refused',
                 lambda: do('sa-add', {'nai': 'c@x', 'spi': 300, 'sa-use': 'fbu',
                                       'key': SA_KEY, 'hoa': addr(HOA)}),
                 [errno.EINVAL], 'not bound to a home address')
    expect_error(res, 'sa-add of an existing nai and spi: EEXIST',
                 lambda: do('sa-add', {'nai': NAI, 'spi': SPI, 'sa-use': 'mn-ha',
                                       'key': SA_KEY, 'hoa': addr(HOA)}), [errno.EEXIST])
    expect_error(res, 'sa-get do of an unknown SPI: ENOENT',
                 lambda: do('sa-get', {'nai': NAI, 'spi': 999}), [errno.ENOENT])
    ntfs(evs)
    r = do('sa-del', {'nai': NAI, 'spi': SPI})
    ev = ntfs(evs)
    res.check(r is None and [e['name'] for e in ev] == ['sa-del-ntf'] and
              ev[0]['msg'].get('spi') == SPI,
              'sa-del nai spi: one sa-del-ntf', ev)
    r = do('sa-del', {'nai': NAI})
    r2 = do('sa-del', {'nai': 'u' * 241 + '@example.org'})
    ev = ntfs(evs)
    res.check(r is None and r2 is None and len(ev) == 2 and dump('sa-get', {}) == [],
              'sa-del nai: every SA of the NAI goes', ev)
    expect_error(res, 'sa-del of an unknown NAI: ENOENT',
                 lambda: do('sa-del', {'nai': NAI}), [errno.ENOENT])

    # ------------------------------------------------------------ stats
    st = do('stats-get', {})
    names = [a for a in spec.attr_sets['stats'].attrs if a != 'pad']
    got = st.get('stats', {}) if st else {}
    res.check(sorted(got) == sorted(names),
              f'stats-get: exactly the {len(names)} counters of the spec',
              f'spec only: {sorted(set(names) - set(got))}\n'
              f'kernel only: {sorted(set(got) - set(names))}')
    if cli:
        c = cli_json(cli, 'stats')
        want = {cli_key(k): v for k, v in got.items()}
        diff = {k: (want.get(k), c.get(k)) for k in set(want) | set(c)
                if want.get(k) != c.get(k)}
        res.check(not diff, 'CLI stats -j = YNL stats-get (keys and values)', diff)
    r = do('stats-reset', {})
    res.check(r is None, 'stats-reset', r)

    # ------------------------------------------------------------ rr
    # Return routability state: mode, Kcn age, nonce lifetime and the
    # nonces still accepted, never Kcn, a nonce value or a token.
    r = do('rr-get', {})
    res.check(r is not None and r.get('rr-mode') in ('kernel', 'userspace') and
              isinstance(r.get('kcn-age'), int) and
              1 <= r.get('lifetime', 0) <= 240 and
              all(set(n) <= {'index', 'age', 'expires'} for n in r.get('nonce', [])),
              'rr-get: rr-mode, kcn-age, lifetime, nonces (index, age, expires only)', r)
    expect_error(res, 'rr-get with an attribute: refused',
                 lambda: do('rr-get', {'hoa': addr(HOA)}), [errno.EINVAL])
    if cli and r:
        c = cli_json(cli, 'rr', 'show')
        res.check(c.get('mode') == r.get('rr-mode') and
                  c.get('nonce_lifetime') == r.get('lifetime') and
                  [n['index'] for n in c.get('nonces', [])] ==
                  [n['index'] for n in r.get('nonce', [])],
                  'CLI rr show -j = YNL rr-get (mode, lifetime, nonce indices)',
                  (c, r))

    # ------------------------------------------------------------ kbm-del
    ntfs(evs)
    r = do('kbm-del', {'hoa': addr(HOA)})
    r2 = do('kbm-del', {'hoa': addr(HOA2)})
    ev = ntfs(evs)
    res.check(r is None and r2 is None and [e['name'] for e in ev] ==
              ['kbm-del-ntf', 'kbm-del-ntf'] and dump('kbm-get', {}) == [],
              'kbm-del: kbm-del-ntf each, table empty', ev)
    expect_error(res, 'kbm-del of an unknown hoa: ENOENT',
                 lambda: do('kbm-del', {'hoa': addr(HOA)}), [errno.ENOENT])

    # Every request operation of the spec was sent above; events that only
    # packets cause (binding-*, key-request, fbu-accepted, kbm-exhausted)
    # are checked by the packet tests.
    requests = {op['name'] for op in spec.yaml['operations']['list']
                if 'do' in op or 'dump' in op}
    res.check(requests <= sent, f'every one of the {len(requests)} request operations was sent',
              f'not sent: {sorted(requests - sent)}')


def run_unpriv(res, ynl, evs):
    from lib import NlError
    try:
        evs.ntf_subscribe('events')
        res.check(False, 'unprivileged: joining the events group is refused (admin-perm)')
    except (PermissionError, NlError, OSError) as e:
        res.check(getattr(e, 'errno', None) == errno.EPERM,
                  'unprivileged: joining the events group is refused (admin-perm)', e)
    st = ynl.do('stats-get', {})
    res.check(st is not None and 'stats' in st, 'unprivileged: stats-get works', st)
    for op, vals in (('kbm-get', {}), ('binding-get', {}), ('sa-get', {})):
        expect_error(res, f'unprivileged: {op} dump refused (admin-perm)',
                     lambda op=op, vals=vals: ynl.dump(op, vals), [errno.EPERM])
    expect_error(res, 'unprivileged: rr-get refused (admin-perm)',
                 lambda: ynl.do('rr-get', {}), [errno.EPERM])
    expect_error(res, 'unprivileged: kbm-add refused (admin-perm)',
                 lambda: ynl.do('kbm-add', {'hoa': addr(HOA), 'key': KBM}), [errno.EPERM])
    expect_error(res, 'unprivileged: stats-reset refused (admin-perm)',
                 lambda: ynl.do('stats-reset', {}), [errno.EPERM])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ynl', required=True, help='tools/net/ynl of the kernel source')
    ap.add_argument('--spec', required=True)
    ap.add_argument('--schema', default='', help="the kernel's genetlink.yaml ('' = none)")
    ap.add_argument('--cli', default='')
    ap.add_argument('--unpriv', action='store_true')
    args = ap.parse_args()

    sys.path.insert(0, args.ynl)
    from lib import YnlFamily  # pylint: disable=import-outside-toplevel

    res = Results()
    try:
        ynl = YnlFamily(args.spec, args.schema)
        evs = YnlFamily(args.spec, args.schema)
    except Exception as e:  # pylint: disable=broad-except
        res.check(False, 'the YNL library loads the spec and finds the family', e)
        return 1
    res.check(True, 'the YNL library loads the spec' +
              (' (validated against genetlink.yaml)' if args.schema else '') +
              ' and finds the family')
    if args.unpriv:
        run_unpriv(res, ynl, evs)
        return 1 if res.failed else 0
    evs.ntf_subscribe('events')
    res.check(True, 'subscribed to the events group as root')
    run_admin(res, ynl, evs, ynl, args.cli)
    return 1 if res.failed else 0


if __name__ == '__main__':
    sys.exit(main())
