#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The reStructuredText of mip6sec(8), with the parts that the YNL spec knows.

  scripts/gen-man.py [--spec SPEC] [--rst RST] > mip6sec.8.rst

Documentation/mip6sec.8.rst is the hand-written page; this inserts, before
SEE ALSO, a COUNTERS section (every counter of the spec's "stats"
attribute set, named as "mip6sec stats" prints it, with the spec's doc)
and an EVENTS section (every notification, named as "mip6sec monitor"
prints it). A counter or notification added to the spec appears in the
page by itself. rst2man (python3-docutils) turns the result into roff.
"""

import argparse
import os
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def one_line(text):
    return ' '.join((text or '').split())


def definition_list(items):
    out = []
    for term, doc in items:
        out.append(f'**{term}**')
        out.append(f'    {one_line(doc) or "(see the admin guide)"}')
        out.append('')
    return out


def generated(spec):
    stats = next(s for s in spec['attribute-sets'] if s['name'] == 'stats')
    counters = [(a['name'].replace('-', '_'), a.get('doc'))
                for a in stats['attributes'] if a['type'] != 'pad']
    events = [(op['name'][:-len('-ntf')], op.get('doc'))
              for op in spec['operations']['list']
              if op['name'].endswith('-ntf')]
    lines = ['COUNTERS', '========', '',
             'Per network namespace, since the module was loaded or since '
             '**mip6sec stats reset** (from the YNL spec, '
             f'{len(counters)} counters):', '']
    lines += definition_list(counters)
    lines += ['EVENTS', '======', '',
              'What **mip6sec monitor** prints (the notifications of the '
              'events group, from the YNL spec):', '']
    lines += definition_list(events)
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--spec', default=os.path.join(
        ROOT, 'Documentation/netlink/specs/mip6sec.yaml'))
    ap.add_argument('--rst', default=os.path.join(ROOT, 'Documentation/mip6sec.8.rst'))
    args = ap.parse_args()
    with open(args.spec) as f:
        spec = yaml.safe_load(f)
    with open(args.rst) as f:
        page = f.read().splitlines()
    try:
        at = page.index('SEE ALSO')
    except ValueError:
        sys.exit('gen-man.py: no SEE ALSO section in ' + args.rst)
    print('\n'.join(page[:at] + generated(spec) + page[at:]))


if __name__ == '__main__':
    main()
