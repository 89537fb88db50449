#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Check that the YNL spec and the hand-written uAPI header agree.
#
#   selftests/spec_check.py [--spec FILE] [--header FILE] [--cc CC] [-v]
#
# Expected C names are derived from the YAML with the naming rules of the
# kernel's tools/net/ynl/ynl-gen-c.py (protocol genetlink). Their values are
# not scraped from the header text: a small C program that includes the
# header and prints every expected name is generated and compiled with gcc,
# so the compiler both proves that each name exists and computes its value.
# The reverse direction (every MIP6SEC_* name in the header is in the spec)
# uses the preprocessor: `gcc -dM -E` for macros, and the enum bodies of the
# preprocessed header (comments already stripped) for enumerators.
#
# Output is TAP 13, one line per check. Exit 0 if all pass, 1 on any
# mismatch, 4 (kselftest skip) if python3-yaml or a C compiler is missing.

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

KSFT_SKIP = 4

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def c_upper(name):
    return name.upper().replace('-', '_')


def c_lower(name):
    return name.lower().replace('-', '_')


class Tap:
    def __init__(self):
        self.results = []

    def check(self, ok, name, diag=None):
        self.results.append((bool(ok), name, diag))

    def skip(self, name, reason):
        self.results.append((None, name, reason))

    def emit(self):
        print('TAP version 13')
        print(f'1..{len(self.results)}')
        for i, (ok, name, diag) in enumerate(self.results, 1):
            if ok is None:
                print(f'ok {i} {name} # SKIP {diag}')
                continue
            print(f"{'ok' if ok else 'not ok'} {i} {name}")
            if diag and not ok:
                for line in str(diag).splitlines():
                    print(f'# {line}')
        failed = sum(1 for r in self.results if r[0] is False)
        skipped = sum(1 for r in self.results if r[0] is None)
        passed = len(self.results) - failed - skipped
        print(f'# {passed} passed, {failed} failed, {skipped} skipped')
        return failed


def skip_all(reason):
    print('TAP version 13')
    print(f'1..0 # SKIP {reason}')
    sys.exit(KSFT_SKIP)


# --------------------------------------------------------------------------
# Expectations from the spec (naming rules of ynl-gen-c.py, genetlink)

class Expect:
    """One C name the header must provide."""
    def __init__(self, cname, value, kind, enum=None, origin=''):
        self.cname = cname      # C identifier
        self.value = value      # int or str
        self.kind = kind        # 'define-str', 'define-int', 'enum'
        self.enum = enum        # C enum tag (without 'enum ') for enumerators
        self.origin = origin    # where in the spec it came from


def spec_expectations(spec):
    fam = spec['name']
    exp = []
    implicit_zero = []   # C names of the 0 slots YNL leaves implicit

    exp.append(Expect(c_upper(spec.get('c-family-name', fam + '_FAMILY_NAME')),
                      fam, 'define-str', origin='name'))
    exp.append(Expect(c_upper(spec.get('c-version-name', fam + '_FAMILY_VERSION')),
                      spec.get('version', 1), 'define-int',
                      origin='version (default 1)'))

    consts = {}
    for d in spec.get('definitions', []):
        if 'header' in d:
            continue  # defined elsewhere, not rendered
        if d.get('scope', 'uapi') != 'uapi':
            continue
        if d['type'] == 'const':
            consts[d['name']] = d['value']
            exp.append(Expect(c_upper(f"{fam}-{d['name']}"), d['value'],
                              'define-int', origin=f"definitions/{d['name']}"))
            continue
        tag = c_lower(d.get('enum-name', f"{fam}-{d['name']}"))
        pfx = d.get('name-prefix', f"{fam}-{d['name']}-")
        start = d.get('value-start', 0)
        if d['type'] == 'flags':
            val = 1 << start
        else:
            val = start
        last = None
        for ent in d['entries']:
            if isinstance(ent, dict):
                ename = ent['name']
                if 'value' in ent:
                    val = ent['value']
            else:
                ename = ent
            exp.append(Expect(c_upper(pfx + ename), val, 'enum', tag,
                              f"definitions/{d['name']}/{ename}"))
            last = val
            val = val << 1 if d['type'] == 'flags' else val + 1
        if d.get('render-max') and d['type'] == 'enum':
            mx = c_upper(pfx + 'max')
            exp.append(Expect('__' + mx, last + 1, 'enum', tag,
                              f"definitions/{d['name']} render-max"))
            exp.append(Expect(mx, last, 'enum', tag,
                              f"definitions/{d['name']} render-max"))

    for aset in spec['attribute-sets']:
        if 'subset-of' in aset:
            continue
        if 'name-prefix' in aset:
            pfx = aset['name-prefix']
        elif aset['name'] == fam:
            pfx = f'{fam}-a-'
        else:
            pfx = f"{fam}-a-{aset['name']}-"
        # ynl-gen-c renders an anonymous enum unless enum-name is given
        tag = c_lower(aset['enum-name']) if aset.get('enum-name') else None
        val = 1
        for attr in aset['attributes']:
            if 'value' in attr:
                val = attr['value']
            exp.append(Expect(c_upper(pfx + attr['name']), val, 'enum', tag,
                              f"attribute-sets/{aset['name']}/{attr['name']}"))
            val += 1
        first = aset['attributes'][0].get('value', 1) if aset['attributes'] else 1
        if first == 1:
            implicit_zero.append(c_upper(pfx + 'unspec'))
        cnt = c_upper(aset.get('attr-cnt-name', f'__{pfx}max'))
        mx = c_upper(aset.get('attr-max-name', f'{pfx}max'))
        exp.append(Expect(cnt, val, 'enum', tag,
                          f"attribute-sets/{aset['name']} count"))
        exp.append(Expect(mx, val - 1, 'enum', tag,
                          f"attribute-sets/{aset['name']} max"))

    ops = spec['operations']
    opfx = ops.get('name-prefix', f'{fam}-cmd-')
    otag = c_lower(ops['enum-name']) if ops.get('enum-name') else None
    val = 1
    for op in ops['list']:
        if 'value' in op:
            val = op['value']
        exp.append(Expect(c_upper(opfx + op['name']), val, 'enum', otag,
                          f"operations/{op['name']}"))
        val += 1
    implicit_zero.append(c_upper(opfx + 'unspec'))
    exp.append(Expect(c_upper(ops.get('cmd-cnt-name', f'__{opfx}max')), val,
                      'enum', otag, 'operations count'))
    exp.append(Expect(c_upper(ops.get('cmd-max-name', f'{opfx}max')), val - 1,
                      'enum', otag, 'operations max'))

    for grp in spec.get('mcast-groups', {}).get('list', []):
        exp.append(Expect(c_upper(grp.get('c-define-name',
                                          f"{fam}-mcgrp-{grp['name']}")),
                          grp['name'], 'define-str',
                          origin=f"mcast-groups/{grp['name']}"))
    return exp, implicit_zero


# --------------------------------------------------------------------------
# Facts from the header, via the C compiler

def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, **kw)


def header_values(cc, header, exp, tmp):
    """Compile a program printing every expected name; names the compiler
    does not know are reported missing (and left out of the next try)."""
    missing = {}
    names = [e for e in exp]
    prog = os.path.join(tmp, 'probe')
    for _ in range(len(exp) + 1):
        src = os.path.join(tmp, 'probe.c')
        with open(src, 'w') as f:
            f.write('#include <stdio.h>\n')
            f.write(f'#include "{header}"\n')
            f.write('int main(void)\n{\n')
            for e in names:
                if e.kind == 'define-str':
                    f.write(f'\tprintf("%s S%s\\n", "{e.cname}", {e.cname});\n')
                else:
                    f.write(f'\tprintf("%s I%lld\\n", "{e.cname}", '
                            f'(long long)({e.cname}));\n')
                if e.enum:
                    # the named enum type must exist (complete) in the header
                    f.write(f'\t(void)sizeof(enum {e.enum});\n')
            f.write('\treturn 0;\n}\n')
        r = run([cc, '-std=gnu11', '-Wall', '-Werror=implicit-function-declaration',
                 '-o', prog, src])
        if r.returncode == 0:
            break
        bad = set()
        for line in r.stderr.splitlines():
            for e in names:
                if f"'{e.cname}' undeclared" in line or \
                   f"\u2018{e.cname}\u2019 undeclared" in line:
                    bad.add(e.cname)
                    missing[e.cname] = 'not declared in the header'
                if e.enum and (f'enum {e.enum}' in line and
                               'incomplete' in line):
                    bad.add(e.cname)
                    missing[e.cname] = f'enum {e.enum} not defined in the header'
        if not bad:
            raise RuntimeError('probe did not compile:\n' + r.stderr)
        names = [e for e in names if e.cname not in bad]
    else:
        raise RuntimeError('probe did not converge')
    vals = {}
    if names:
        r = run([prog])
        if r.returncode != 0:
            raise RuntimeError('probe failed: ' + r.stderr)
        for line in r.stdout.splitlines():
            name, v = line.split(' ', 1)
            vals[name] = v[1:] if v[0] == 'S' else int(v[1:])
    return vals, missing


def tokenize(text):
    """C tokens of preprocessed text (identifiers, numbers, punctuation)."""
    toks, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == '#':  # line marker left by the preprocessor
            while i < n and text[i] != '\n':
                i += 1
        elif c.isalpha() or c == '_':
            j = i
            while j < n and (text[j].isalnum() or text[j] == '_'):
                j += 1
            toks.append(text[i:j])
            i = j
        elif c.isdigit():
            j = i
            while j < n and (text[j].isalnum() or text[j] in '_.'):
                j += 1
            toks.append(text[i:j])
            i = j
        elif c in '"\'':
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            toks.append(text[i:j + 1])
            i = j + 1
        else:
            toks.append(c)
            i += 1
    return toks


def header_enumerators(cc, header, prefix):
    """{enumerator: enum tag} for every enumerator starting with prefix (or
    '__' + prefix), read from the preprocessed header."""
    r = run([cc, '-E', '-P', '-x', 'c', header])
    if r.returncode != 0:
        raise RuntimeError('preprocessing failed:\n' + r.stderr)
    toks = tokenize(r.stdout)
    out = {}
    i = 0
    while i < len(toks):
        named = i + 2 < len(toks) and toks[i + 2] == '{'
        anon = i + 1 < len(toks) and toks[i + 1] == '{'
        if toks[i] == 'enum' and (named or anon):
            tag = toks[i + 1] if named else '(anonymous)'
            i += 3 if named else 2
            depth, expect_name = 1, True
            while i < len(toks) and depth:
                t = toks[i]
                if t in '({[':
                    depth += 1
                elif t in ')}]':
                    depth -= 1
                elif depth == 1 and t == ',':
                    expect_name = True
                elif depth == 1 and expect_name:
                    if t.startswith(prefix) or t.startswith('__' + prefix):
                        out[t] = tag
                    expect_name = False
                i += 1
        else:
            i += 1
    return out


def header_macros(cc, header, prefix):
    r = run([cc, '-dM', '-E', '-x', 'c', header])
    if r.returncode != 0:
        raise RuntimeError('preprocessing failed:\n' + r.stderr)
    out = set()
    for line in r.stdout.splitlines():
        parts = line.split(None, 2)
        if len(parts) >= 2 and parts[0] == '#define' and \
           parts[1].startswith(prefix):
            out.add(parts[1].split('(')[0])
    return out


# --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--spec', default=os.path.join(
        ROOT, 'Documentation/netlink/specs/mip6sec.yaml'))
    ap.add_argument('--header', default=os.path.join(
        ROOT, 'include/uapi/linux/mip6sec.h'))
    ap.add_argument('--cc', default=os.environ.get('HOSTCC', 'gcc'))
    ap.add_argument('--schema', default=os.environ.get('YNL_SCHEMA'),
                    help="the kernel's Documentation/netlink/genetlink.yaml "
                    '(from linux-source-6.12); validates the spec with '
                    'python3-jsonschema')
    ap.add_argument('--rst', default=os.path.join(ROOT, 'Documentation/mip6sec.rst'),
                    help='the admin guide, whose tables of operations and '
                    'notifications are generated from the spec')
    ap.add_argument('--update-rst', action='store_true',
                    help='rewrite those tables from the spec')
    args = ap.parse_args()

    try:
        import yaml
    except ImportError:
        skip_all('python3-yaml not installed')
    if not shutil.which(args.cc):
        skip_all(f'{args.cc} not found')

    tap = Tap()
    with open(args.spec) as f:
        spec = yaml.safe_load(f)
    header = os.path.abspath(args.header)

    schema_check(tap, spec, args.schema)
    rst_check(tap, spec, args.rst, args.update_rst)
    tap.check(spec.get('protocol', 'genetlink') == 'genetlink',
              'spec: protocol is genetlink',
              f"protocol: {spec.get('protocol')}")
    uh = spec.get('uapi-header', f"linux/{spec['name']}.h")
    tap.check(header.endswith('/' + uh),
              f'spec: uapi-header {uh} names the checked header', header)

    exp, implicit_zero = spec_expectations(spec)
    seen = {}
    for e in exp:
        if e.cname in seen:
            tap.check(False, f'spec: {e.cname} unique',
                      f'{e.origin} and {seen[e.cname]} map to the same C name')
        seen[e.cname] = e.origin

    fam = spec['name']
    prefix = c_upper(fam) + '_'
    with tempfile.TemporaryDirectory(prefix='spec_check.') as tmp:
        vals, missing = header_values(args.cc, header, exp, tmp)
    enumerators = header_enumerators(args.cc, header, prefix)
    macros = header_macros(args.cc, header, prefix)

    # spec -> header: name exists, value equal, right enum
    for e in exp:
        what = f'{e.cname} = {e.value!r}'
        label = f'spec->header: {what} ({e.origin})'
        if e.cname in missing:
            tap.check(False, label, missing[e.cname])
            continue
        got = vals.get(e.cname)
        if got != e.value:
            tap.check(False, label, f'header has {got!r}')
            continue
        if e.kind == 'enum':
            tag = enumerators.get(e.cname, 'not-an-enumerator')
            if e.enum is None:  # anonymous in the spec: any enum will do
                tap.check(tag != 'not-an-enumerator', label,
                          'not an enumerator in the header')
                continue
            tap.check(tag == e.enum, label,
                      f'header declares it in enum {tag}, spec says enum {e.enum}')
        else:
            tap.check(e.cname in macros, label, 'not a #define in the header')

    # header -> spec: every MIP6SEC_* enumerator and macro is described
    expected = {e.cname for e in exp}
    guard = '_UAPI_' + c_upper(fam) + '_H'
    for name in sorted(enumerators):
        if name in expected:
            continue
        tag = enumerators[name]
        if name in implicit_zero:
            # YNL numbers attributes and commands from 1; slot 0 is implicit
            r = run_value(args.cc, header, name)
            tap.check(r == 0, f'header->spec: {name} is the implicit 0 slot '
                      f'of enum {tag}', f'value {r}')
            continue
        tap.check(False, f'header->spec: enumerator {name} (enum {tag}) '
                  'described in the spec', 'missing from the spec')
    for name in sorted(macros):
        if name in expected or name == guard:
            continue
        tap.check(False, f'header->spec: #define {name} described in the spec',
                  'missing from the spec')
    # the reverse scan must have found what the probe found
    tap.check(all(e.cname in enumerators for e in exp
                  if e.kind == 'enum' and e.cname not in missing),
              'header scan found every enumerator the compiler resolved',
              'the enum body scanner missed names; fix spec_check.py')

    sys.exit(1 if tap.emit() else 0)


def schema_check(tap, spec, schema_path):
    label = 'spec: valid against the YNL genetlink schema'
    if not schema_path:
        tap.skip(label, 'no --schema / YNL_SCHEMA given')
        return
    try:
        import jsonschema
        import yaml
    except ImportError:
        tap.skip(label, 'python3-jsonschema not installed')
        return
    with open(schema_path) as f:
        schema = yaml.safe_load(f)
    try:
        jsonschema.validate(spec, schema)
        tap.check(True, label)
    except jsonschema.ValidationError as e:
        tap.check(False, label, e.message)


# --------------------------------------------------------------------------
# Tables of Documentation/mip6sec.rst generated from the spec

RST_BEGIN = '.. ynl-gen begin {}'
RST_END = '.. ynl-gen end {}'


def rst_simple_table(headers, rows, widths):
    """An rst simple table; cells wrap inside their column."""
    import textwrap
    rule = '  '.join('=' * w for w in widths)
    out = [rule, '  '.join(h.ljust(w) for h, w in zip(headers, widths)).rstrip(), rule]
    for row in rows:
        cells = [textwrap.wrap(c, w) or [''] for c, w in zip(row, widths)]
        for i in range(max(len(c) for c in cells)):
            line = '  '.join((c[i] if i < len(c) else '').ljust(w)
                             for c, w in zip(cells, widths))
            out.append(line.rstrip())
    out.append(rule)
    return out


def rst_tables(spec):
    """{block name: lines} of the generated tables."""
    def attrs(msg):
        a = (msg or {}).get('attributes', [])
        return ', '.join(a) if a else '--'

    ops, ntfs = [], []
    for op in spec['operations']['list']:
        admin = 'yes' if 'admin-perm' in op.get('flags', []) else 'no'
        if 'event' in op:
            ntfs.append([op['name'], attrs(op['event'])])
            continue
        for kind in ('do', 'dump'):
            if kind not in op:
                continue
            name = op['name'] + (f' ({kind})' if 'do' in op and 'dump' in op else '')
            ops.append([name, admin, attrs(op[kind].get('request')),
                        attrs(op[kind].get('reply'))])
    return {
        'operations': rst_simple_table(['operation', 'admin', 'request', 'reply'],
                                       ops, [18, 5, 26, 34]),
        'notifications': rst_simple_table(['notification', 'attributes'],
                                          ntfs, [23, 54]),
    }


def rst_check(tap, spec, rst_path, update):
    """The generated blocks of the admin guide are what the spec gives
    (--update-rst rewrites them); the counters table names exactly the
    spec's counters."""
    with open(rst_path) as f:
        text = f.read().split('\n')
    changed = False
    for name, want in rst_tables(spec).items():
        label = f'rst: the {name} table is generated from the spec'
        try:
            a = text.index(RST_BEGIN.format(name))
            b = text.index(RST_END.format(name), a)
        except ValueError:
            tap.check(False, label, f'no "{RST_BEGIN.format(name)}" block in {rst_path}')
            continue
        got = text[a + 2:b - 1]
        if got == want:
            tap.check(True, label)
        elif update:
            text[a + 1:b] = [''] + want + ['']
            changed = True
            tap.check(True, label + ' (updated)')
        else:
            import difflib
            diff = '\n'.join(difflib.unified_diff(got, want, 'rst', 'spec', lineterm=''))
            tap.check(False, label, diff + '\nrun selftests/spec_check.py --update-rst')
    if changed:
        with open(rst_path, 'w') as f:
            f.write('\n'.join(text))

    stats = next(a for a in spec['attribute-sets'] if a['name'] == 'stats')
    want = {a['name'].replace('-', '_') for a in stats['attributes'] if a['type'] != 'pad'}
    got = set()
    in_table = False
    for line in text:
        if line.startswith('``') and line.split('``')[1] in want | got:
            pass
        if line.strip() == 'counter                      meaning':
            in_table = True
            continue
        if in_table and line.startswith('``'):
            got.add(line.split('``')[1])
        elif in_table and line.startswith('=====') and got:
            break
    tap.check(got == want, 'rst: the counters table names exactly the spec\'s counters',
              f'spec only: {sorted(want - got)}\nrst only: {sorted(got - want)}')


def run_value(cc, header, name):
    with tempfile.TemporaryDirectory(prefix='spec_check.') as tmp:
        src = os.path.join(tmp, 'v.c')
        with open(src, 'w') as f:
            f.write(f'#include <stdio.h>\n#include "{header}"\n'
                    f'int main(void){{printf("%lld\\n",(long long)({name}));'
                    'return 0;}\n')
        r = run([cc, '-o', os.path.join(tmp, 'v'), src])
        if r.returncode:
            return None
        r = run([os.path.join(tmp, 'v')])
        return int(r.stdout)


if __name__ == '__main__':
    main()
