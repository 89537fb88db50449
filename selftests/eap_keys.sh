#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Real EAP key material (selftests/eap_lib.sh): FreeRADIUS and eapol_test run
# a PEAP/MSCHAPv2 and a TTLS/PAP authentication on loopback; for each, the
# MSK, EMSK and EAP Session-Id of the server (post-auth linelog) and of the
# peer (eapol_test) must agree and have the right form, and the MS-MPPE keys
# of the Access-Accept (RFC 2548 attributes, which carry the MSK to the NAS)
# must be its two halves: MS-MPPE-Recv-Key = MSK[0..31], MS-MPPE-Send-Key =
# MSK[32..63]. A
# wrong password must make eap_run fail cleanly. The module is not needed.
#
# Environment: EAP_KEYS_METHODS (default "PEAP TTLS").

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$SELFTESTS_DIR/eap_lib.sh"

require_root
why=$(eap_missing) || ksft_skip_all "$why"
ktap_print_header

read -r -a METHODS <<<"${EAP_KEYS_METHODS:-PEAP TTLS}"
ktap_plan $((${#METHODS[@]} * 10 + 2))

TMP=$(mktemp -d /tmp/eap_keys.XXXXXX)
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	eap_cleanup
	rm -rf "$TMP"
}
trap cleanup EXIT

leftovers() { # leftovers DIR: processes using DIR's configuration, eap namespaces
	pgrep -af -- "$1/" || true
	ip netns list 2>/dev/null | grep -E '^eap-' || true
}

octets() { echo $((${#1} / 2)); }

for m in "${METHODS[@]}"; do
	case $m in
	PEAP) type=19 ;;
	TTLS) type=15 ;;
	*) type=unknown ;;
	esac
	d=$TMP/$m
	EAP_METHOD=$m
	eap_run "$d"
	rc=$?
	if [ $rc -ne 0 ]; then
		not_ok "$m: eap_run (eapol_test SUCCESS, keys on both sides)" "exit $rc: ${EAP_ERROR:-}"
		for _ in $(seq 9); do not_ok "$m: (eap_run failed)"; done
		continue
	fi
	ok "$m: eap_run: eapol_test SUCCESS (${EAP_T_TOTAL}s: server start ${EAP_T_START}s, authentication ${EAP_T_AUTH}s)"
	check_eq "$m: MSK: server (linelog) = peer (eapol_test)" "$EAP_SERVER_MSK" "$EAP_PEER_MSK"
	check_eq "$m: EMSK: server = peer" "$EAP_SERVER_EMSK" "$EAP_PEER_EMSK"
	check_eq "$m: Session-Id: server = peer = EAP-Key-Name received" \
		"$EAP_SERVER_SESSION_ID $EAP_SERVER_SESSION_ID" "$EAP_PEER_SESSION_ID $EAP_PEER_KEY_NAME"
	check_eq "$m: MSK is 64 octets, EMSK 64, and they differ" "64 64 1" \
		"$(octets "$EAP_MSK") $(octets "$EAP_EMSK") $([ "$EAP_MSK" != "$EAP_EMSK" ] && echo 1)"
	check_eq "$m: Session-Id is type 0x$type + 64 octets (client/server random)" \
		"$type 65" "${EAP_SESSION_ID:0:2} $(octets "$EAP_SESSION_ID")"
	check_eq "$m: MS-MPPE-Recv-Key (decrypted by eapol_test) = MSK[0..31]" \
		"${EAP_MSK:0:64}" "$EAP_PEER_MPPE_RECV"
	check_eq "$m: MS-MPPE-Send-Key (decrypted by eapol_test) = MSK[32..63]" \
		"${EAP_MSK:64:64}" "$EAP_PEER_MPPE_SEND"
	check_eq "$m: server's MS-MPPE-Recv/Send-Key = the peer's" \
		"$EAP_PEER_MPPE_RECV $EAP_PEER_MPPE_SEND" "$EAP_SERVER_MPPE_RECV $EAP_SERVER_MPPE_SEND"
	check_eq "$m: server stopped, namespace removed" "" "$(leftovers "$d")"
done

# A wrong password: eapol_test reports FAILURE, eap_run says so, and stops
# the server all the same.
d=$TMP/reject
export EAP_METHOD=${METHODS[0]}
EAP_PEER_PASSWORD=wrong-password eap_run "$d"
rc=$?
check_eq "wrong password: eap_run fails and says eapol_test did not succeed" \
	"1 yes" "$rc $([[ ${EAP_ERROR:-} == *"did not report SUCCESS"* ]] && echo yes)"
check_eq "wrong password: server stopped, namespace removed" "" "$(leftovers "$d")"

ktap_finished
