#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# End to end with real EAP software (issue 4): FreeRADIUS and eapol_test
# (selftests/eap_lib.sh) run a PEAP/MSCHAPv2 authentication on loopback.
# The MSK, EMSK and EAP Session-Id they agree on are fed to "mip6sec sa
# add" in netns cn (home agent and previous access router at once), which
# derives the MN-HA-AMSK and the fast handover key itself. The mobile node
# (selftests/mn.py in netns mn) holds the same EAP values, derives its keys
# in Python (selftests/eapkdf.py) and gets a home registration BU and an
# FBU accepted, with their BA and FBack verified octet by octet.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$SELFTESTS_DIR/eap_lib.sh"

require_root
require_cmd ip
require_cli
why=$(eap_missing) || ksft_skip_all "$why"
require_module
ktap_print_header
netns_setup_or_skip

TMP=$(mktemp -d /tmp/eap_e2e.XXXXXX)
. "$SELFTESTS_DIR/sa_lib.sh"
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	mn_stop
	eap_cleanup
	netns_cleanup
	rm -rf "$TMP"
}
trap cleanup EXIT

ktap_plan 17

HA=$ADDR_CN		# home agent and previous access router: netns cn
COA=$ADDR_MN
HOA=2001:db8:2::10
PCOA=2001:db8:3::5	# the care-of address before the handover
SPI_HA=1000
SPI_FBU=2000

EAP_METHOD=PEAP
eap_run "$TMP/eap"
rc=$?
result $rc "FreeRADIUS and eapol_test agree on MSK, EMSK and Session-Id (PEAP)" \
	"${EAP_ERROR:-}"
if [ $rc -ne 0 ]; then
	diag "no EAP key material: the rest cannot run"
	ktap_finished
fi
diag "EAP in ${EAP_T_TOTAL:-?} s, Session-Id ${EAP_SESSION_ID:0:8}..., NAI $EAP_USER"
NAI=$EAP_USER

# The mobile node's side: Python only.
K_HA=$(eapkdf mn-ha "$EAP_EMSK" "$EAP_SESSION_ID" "$HA")
K_FBU=$(eapkdf fbu "$EAP_MSK" "$HA")
NAME_HA=$(eapkdf name "$K_HA" "$EAP_SESSION_ID")
SECRETS=("$EAP_MSK" "$EAP_EMSK" "$(eapkdf usrk "$EAP_EMSK" "$EAP_SESSION_ID")"
	 "$K_HA" "$K_FBU")

# The access router's side: root keys go to the CLI, which derives.
check "sa add use mn-ha from the EMSK" \
	cli "$NS_CN" sa add nai "$NAI" spi $SPI_HA use mn-ha emsk "$EAP_EMSK" \
	session-id "$EAP_SESSION_ID" ha "$HA" hoa "$HOA"
check "sa add use fbu from the MSK" \
	cli "$NS_CN" sa add nai "$NAI" spi $SPI_FBU use fbu msk "$EAP_MSK" \
	par "$HA"
check_sa "the MN-HA SA is named by the AMSK name computed in Python" \
	"$NAI" $SPI_HA use=mn-ha key_name="$NAME_HA" hoa="$HOA"
check_sa "the fast handover key SA is listed" "$NAI" $SPI_FBU use=fbu

mon_start
sleep 0.5
mon_mark
mn_start || { not_ok "mobile node started"; ktap_finished; }
ok "mobile node started"

snap S0
mn_check "home registration BU with the Python MN-HA-AMSK: BA status 0, checked octet by octet" \
	ha-bu --ha "$HA" --coa "$COA" --hoa "$HOA" --home --ack --nai "$NAI" \
	--spi $SPI_HA --key "$K_HA" --seq 1 --lifetime 50 \
	--expect-ba "status=0,seq=1,lifetime=50,auth=1,nai=$NAI"
check_binding "binding with auth mn-ha and the NAI" "$HOA" coa="$COA" \
	auth=mn-ha nai="$NAI" spi=$SPI_HA
check_event "binding-new event with the NAI" 5 binding-new hoa="$HOA" \
	nai="$NAI"

mn_check "FBU with the Python fast handover key: FBack status 0, checked octet by octet" \
	fbu --par "$HA" --coa "$COA" --pcoa "$PCOA" --nai "$NAI" \
	--spi $SPI_FBU --key "$K_FBU" --seq 7 --lifetime 5 \
	--expect-fback "status=0,seq=7,lifetime=5,auth=1,nai=$NAI"
check_event "fbu-accepted event: NAI, previous and new care-of addresses" 5 \
	fbu-accepted nai="$NAI" pcoa="$PCOA" coa="$COA" seq=7
snap S1
check_deltas "counters: one BU and one FBU accepted, nothing refused" \
	bu_accepted=1 fbu_accepted=1 auth_fail=0 fbu_auth_fail=0 ba_sent=1 \
	fback_sent=1

# A key derived from another session is refused: the keys are tied to
# this EAP run.
OTHER=$(eapkdf mn-ha "$EAP_MSK" "$EAP_SESSION_ID" "$HA")
snap S0
# RFC 4285 5.1.1 (paraphrase): the 146 carries the MN-HA option when the
# home agent has a shared-key SA for the mobile node (keyed with K_HA).
mn_check "BU keyed from the wrong root key: BA 146 with the MN-HA option of the SA" \
	ha-bu --ha "$HA" --coa "$COA" --hoa "$HOA" --home --ack --nai "$NAI" \
	--spi $SPI_HA --key "$K_HA" --auth-key "$OTHER" --seq 2 --lifetime 50 \
	--expect-ba "status=146,auth=1,nai=$NAI"
snap S1
check_deltas "counters: auth_fail" auth_fail=1 bu_accepted=0

out=$(
	cli "$NS_CN" -j sa show
	cli "$NS_CN" sa show
	cli "$NS_CN" -j binding show
	cli "$NS_CN" -j stats
	cat "$MON"
) 2>&1
keys_absent "no EAP or derived key in any dump or event" "$out"

check "sa del nai removes both SAs" cli "$NS_CN" sa del nai "$NAI"
# sa-del returns once the bindings of the SA are gone.
if cli "$NS_CN" -j binding show | jpick "hoa=$HOA" >/dev/null; then
	not_ok "the binding went with its SA"
else
	ok "the binding went with its SA"
fi

ktap_finished
