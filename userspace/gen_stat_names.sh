#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# gen_stat_names.sh UAPI_HEADER: print the C table of counter names, from
# enum mip6sec_stat_attrs of the uAPI header (MIP6SEC_STAT_MH_RX prints as
# "mh_rx", the YNL spec's mh-rx with '-' as '_'). A counter the module
# gains is named by the tool as soon as it is in the header.
set -eu
awk '
/^enum mip6sec_stat_attrs[ \t]*\{/ { in_enum = 1; next }
in_enum && /private:|^\}/ { exit }
in_enum && match($0, /^[ \t]*MIP6SEC_STAT_[A-Z0-9_]+/) {
	name = substr($0, RSTART, RLENGTH)
	sub(/^[ \t]*/, "", name)
	if (name == "MIP6SEC_STAT_UNSPEC" || name == "MIP6SEC_STAT_PAD")
		next
	key = tolower(substr(name, length("MIP6SEC_STAT_") + 1))
	printf "\t[%s] = \"%s\",\n", name, key
	n++
}
END { if (!n) { print "gen_stat_names.sh: no counters found" > "/dev/stderr"; exit 1 } }
' "$1"
