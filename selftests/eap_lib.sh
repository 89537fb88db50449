# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Real EAP key material for the end-to-end tests: FreeRADIUS (server) and
# eapol_test (peer, from wpa_supplicant) run one PEAP/MSCHAPv2 (or TTLS)
# authentication over loopback, and both sides report the MSK, EMSK and EAP
# Session-Id they derived. Source this file (after lib.sh or alone), then:
#
#   eap_run DIR || fail...      # DIR: an empty or new writable directory
#
# Call it in the test's own shell (not in $(...)): it sets and exports the
# variables below. Apart from a network namespace, nothing outside DIR is
# written. The server runs from a private copy of
# /etc/freeradius/3.0 in DIR/raddb, as root (no user switch), in the
# foreground (-X), with its log, pid and run files under DIR; server and peer
# run in a network namespace of their own ("eap-PID", lo up), so nothing
# listens outside it and no port of the host is taken. The server is stopped
# before eap_run returns; every step has a time limit. This works on the host
# (as root) and in the VM guest (read-only root, writable /tmp).
#
# Input (environment, all optional):
#   EAP_METHOD     PEAP (default, inner MSCHAPv2) or TTLS (inner PAP)
#   EAP_USER       identity, also the outer User-Name (default mn1@mip6.test;
#                  no spaces or quotes)
#   EAP_PASSWORD   its password (default mip6-eap-secret)
#   EAP_PEER_PASSWORD  the password the peer uses (default EAP_PASSWORD;
#                  set another one to see a rejected authentication)
#   EAP_SECRET     RADIUS shared secret (default testing123)
#   EAP_START_TIMEOUT  seconds for the server to get ready (default 120)
#   EAP_AUTH_TIMEOUT   seconds for the authentication (default 120)
#   EAP_RADDB_SRC  configuration to copy (default /etc/freeradius/3.0)
#
# Output, exported on success (hex: lowercase, no "0x", no separators):
#   EAP_MSK            MSK, 64 octets (both sides agree)
#   EAP_EMSK           EMSK, 64 octets (both sides agree)
#   EAP_SESSION_ID     EAP Session-Id, type octet first (0x19 PEAP, 0x15 TTLS)
#   EAP_PEER_MSK, EAP_PEER_EMSK, EAP_PEER_SESSION_ID   as eapol_test derived them
#   EAP_PEER_MPPE_RECV, EAP_PEER_MPPE_SEND   MS-MPPE-Recv/Send-Key that
#                      eapol_test decrypted from the Access-Accept (32 octets)
#   EAP_PEER_KEY_NAME  EAP-Key-Name received from the server (RFC 4072)
#   EAP_SERVER_MSK, EAP_SERVER_EMSK, EAP_SERVER_SESSION_ID   from the server's
#                      post-auth linelog (reply:EAP-MSK/EAP-EMSK/EAP-Session-Id)
#   EAP_SERVER_MPPE_RECV, EAP_SERVER_MPPE_SEND   reply:MS-MPPE-*-Key there
#   EAP_SERVER_USER    User-Name in that log line
#   EAP_TYPE           EAP method type octet in hex (19 PEAP, 15 TTLS)
#   EAP_T_CONFIG, EAP_T_START, EAP_T_AUTH, EAP_T_TOTAL   seconds taken by the
#                      configuration (copy, certificate), the server start,
#                      the authentication (eapol_test), all of eap_run
# Files left in DIR: radiusd.log (server debug log), eapol_test.log (peer
# debug log), keys.log (the linelog line), raddb/, certs/.
#
# eap_cleanup stops what an interrupted eap_run left (for an EXIT trap);
# eap_missing prints why eap_run cannot run here (and fails), for a skip.
#
# Return: 0 success; 1 failure (EAP_ERROR says why, also printed on stderr
# with the tail of the relevant log); 2 cannot run here (tools missing, not
# root). Progress lines go to stderr, prefixed "# eap: ".

EAP_RADDB_SRC=${EAP_RADDB_SRC:-/etc/freeradius/3.0}

_eap_say() { echo "# eap: $*" >&2; }

_eap_fail() { # _eap_fail RC MESSAGE [LOGFILE]
	EAP_ERROR=$2
	export EAP_ERROR
	_eap_say "FAILED: $2"
	if [ -n "${3:-}" ] && [ -f "$3" ]; then
		_eap_say "---- last lines of $3"
		tail -n "${EAP_LOG_LINES:-25}" "$3" | sed 's/^/# eap:   /' >&2
	fi
	return "$1"
}

# _eap_now: microseconds since the epoch; _eap_since T: seconds since T,
# two decimals (bash builtins only)
_eap_now() { echo $((10#${EPOCHREALTIME/[.,]/})); }
_eap_since() {
	local d=$(($(_eap_now) - $1))
	printf '%d.%02d' $((d / 1000000)) $((d % 1000000 / 10000))
}

# Process creation is slow under TCG (0.1-0.2 s each): the logs are parsed
# with one awk and bash builtins.

# _eap_peer_parse LOG METHOD: NAME=VALUE lines from eapol_test's debug output
# (hex lowercase, no separators): msk emsk sid send recv keyname, and the
# flags knok (Session-Id = EAP-Key-Name), mppeok, and last (the last line).
_eap_peer_parse() {
	awk -v m="$2" '
	function hex(l) { sub(/.*hexdump\(len=[0-9]+\):? */, "", l); gsub(/[ \r]/, "", l); return tolower(l) }
	msk == "" && index($0, "EAP-" m ": Derived key - hexdump") == 1 { msk = hex($0) }
	emsk == "" && index($0, "EAP-" m ": Derived EMSK - hexdump") == 1 { emsk = hex($0) }
	sid == "" && index($0, "EAP: Session-Id - hexdump") == 1 { sid = hex($0) }
	send == "" && /^MS-MPPE-Send-Key .*- hexdump/ { send = hex($0) }
	recv == "" && /^MS-MPPE-Recv-Key .*- hexdump/ { recv = hex($0) }
	# RADIUS attribute dumps: the request carries EAP-Key-Name = one NUL
	kn { if ($1 == "Value:" && $2 != "00") keyname = tolower($2); kn = 0 }
	/Attribute 102 \(EAP-Key-Name\) length=/ { kn = 1 }
	/^Locally derived EAP Session-Id matches EAP-Key-Name from server/ { knok = 1 }
	/^MPPE keys OK: 1  mismatch: 0/ { mppeok = 1 }
	{ sub(/\r$/, ""); last = $0 }
	END {
		printf "msk=%s\nemsk=%s\nsid=%s\nsend=%s\nrecv=%s\nkeyname=%s\n", msk, emsk, sid, send, recv, keyname
		printf "knok=%d\nmppeok=%d\nlast=%s\n", knok, mppeok, last
	}' "$1"
}

# _eap_lv VAR LINE KEY [raw]: set VAR to the value of KEY=VALUE in the
# linelog line, without "0x" and in lowercase unless "raw"
_eap_lv() {
	local re="(^| )$3=([^ ]*)" v=
	[[ $2 =~ $re ]] && v=${BASH_REMATCH[2]}
	if [ -z "${4:-}" ]; then
		v=${v#0x}
		v=${v,,}
	fi
	printf -v "$1" '%s' "$v"
}

# eap_missing: print why eap_run cannot run here and fail, or succeed
# silently (for a test's skip decision)
eap_missing() {
	local c
	for c in freeradius eapol_test openssl ip timeout; do
		command -v "$c" >/dev/null 2>&1 || { echo "$c not installed (scripts/deps.sh)"; return 1; }
	done
	[ "$(id -u)" -eq 0 ] || { echo "eap_run needs root (network namespace)"; return 1; }
	[ -r "$EAP_RADDB_SRC/radiusd.conf" ] ||
		{ echo "$EAP_RADDB_SRC/radiusd.conf not readable (freeradius installed?)"; return 1; }
	return 0
}

# eap_cleanup: stop the server and remove the namespace of an eap_run that
# was interrupted (for an EXIT trap; eap_run itself always cleans up).
eap_cleanup() { _eap_stop_server; }

_eap_stop_server() {
	if [ -n "${_eap_srv_pid:-}" ]; then
		# TERM to timeout(1), which passes it on to the server
		kill "$_eap_srv_pid" 2>/dev/null || true
		local i
		for ((i = 0; i < 50; i++)); do
			kill -0 "$_eap_srv_pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$_eap_srv_pid" 2>/dev/null || true
		wait "$_eap_srv_pid" 2>/dev/null || true
		_eap_srv_pid=
	fi
	if [ -n "${_eap_ns:-}" ]; then
		local p
		for p in $(ip netns pids "$_eap_ns" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null || true
		done
		ip netns del "$_eap_ns" 2>/dev/null || true
		_eap_ns=
	fi
	return 0
}

# _eap_config DIR: the private server configuration and certificate
_eap_config() {
	local dir=$1 r=$1/raddb
	# The test's own server certificate (self-signed, EC P-256: quick to
	# make and to use under TCG); the peer trusts exactly this one.
	mkdir -p "$dir/certs" &&
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout "$dir/certs/server.key" -out "$dir/certs/server.pem" \
			-days 30 -subj "/CN=radius.mip6.test" \
			-addext "extendedKeyUsage=serverAuth" >"$dir/config.log" 2>&1 ||
		return 1

	# The part of the configuration these servers use (copying all of it
	# takes seconds over 9p under TCG): the main files, the policies, and
	# only the modules below, enabled; our own clients, users and sites.
	local mods=(always attr_filter eap expr files mschap pap preprocess) m links=()
	for m in "${mods[@]}"; do links+=("../mods-available/$m"); done
	mkdir "$r" "$dir/log" "$dir/run" "$r/mods-enabled" "$r/sites-enabled" &&
		(cd "$EAP_RADDB_SRC" && cp -r --parents radiusd.conf proxy.conf dictionary \
			policy.d mods-config/attr_filter mods-config/files mods-config/preprocess \
			"${mods[@]/#/mods-available/}" "$r/") &&
		ln -s "${links[@]}" "$r/mods-enabled/" || return 1

	# Paths into DIR, no user switch (root: the guest's tmpfs and the
	# read-only root have no freerad-owned directories).
	sed -i -E \
		-e "s|^(\s*)raddbdir = .*|\1raddbdir = $r|" \
		-e "s|^(\s*)logdir = .*|\1logdir = $dir/log|" \
		-e "s|^(\s*)run_dir = .*|\1run_dir = $dir/run|" \
		-e 's/^(\s*)(user|group) = /\1#\2 = /' \
		-e 's/^(\s*)reject_delay = .*/\1reject_delay = 0/' \
		"$r/radiusd.conf" || return 1

	# EAP: PEAP and TTLS with this certificate (which is also the CA file:
	# no client certificates are asked for); no DH file (ECDHE).
	sed -i -E \
		-e "s|^(\s*)private_key_file = .*|\1private_key_file = $dir/certs/server.key|" \
		-e "s|^(\s*)certificate_file = .*|\1certificate_file = $dir/certs/server.pem|" \
		-e "s|^(\s*)ca_file = .*|\1ca_file = $dir/certs/server.pem|" \
		-e "s|^(\s*)ca_path = .*|\1ca_path = $dir/certs|" \
		-e 's|^(\s*)private_key_password = .*|\1#private_key_password =|' \
		"$r/mods-available/eap" || return 1
	# every substitution must have found its line (another FreeRADIUS version?)
	local want=("raddbdir = $r" "logdir = $dir/log" "run_dir = $dir/run"
		"reject_delay = 0" "private_key_file = $dir/certs/server.key"
		"certificate_file = $dir/certs/server.pem" "ca_file = $dir/certs/server.pem"
		"ca_path = $dir/certs")
	local found=()
	mapfile -t found < <(grep -hoF "${want[@]/#/-e}" "$r/radiusd.conf" "$r/mods-available/eap" | sort -u)
	if [ "${#found[@]}" -ne "${#want[@]}" ]; then
		echo "eap_lib: $EAP_RADDB_SRC: expected settings not found; have: ${found[*]}" >"$dir/config.log"
		return 1
	fi

	# Only our client on loopback.
	cat >"$r/clients.conf" <<EOF
client mip6sec_test {
	ipaddr = 127.0.0.1
	secret = $EAP_SECRET
	require_message_authenticator = no
}
EOF
	# The test user, alone in the users file.
	printf '"%s"\tCleartext-Password := "%s"\n' "$EAP_USER" "$EAP_PASSWORD" \
		>"$r/mods-config/files/authorize" || return 1

	# The keys, as the server has them after a successful authentication.
	cat >"$r/mods-enabled/mip6keys" <<EOF
linelog mip6keys {
	filename = $dir/keys.log
	permissions = 0600
	format = "user=%{User-Name} msk=%{reply:EAP-MSK} emsk=%{reply:EAP-EMSK} session_id=%{reply:EAP-Session-Id} mppe_recv=%{reply:MS-MPPE-Recv-Key} mppe_send=%{reply:MS-MPPE-Send-Key}"
}
EOF

	# Our own two virtual servers instead of the shipped ones: the outer one
	# listens on 127.0.0.1 only (auth, no accounting), the inner one has no
	# listener at all.
	cat >"$r/sites-enabled/mip6sec" <<EOF
server default {
listen {
	type = auth
	ipaddr = 127.0.0.1
	port = 1812
}
authorize {
	filter_username
	preprocess
	eap {
		ok = return
	}
}
authenticate {
	eap
}
post-auth {
	update {
		&reply: += &session-state:
	}
	if (EAP-Key-Name && &reply:EAP-Session-Id) {
		update reply {
			&EAP-Key-Name := &reply:EAP-Session-Id
		}
	}
	mip6keys
	remove_reply_message_if_eap
	Post-Auth-Type REJECT {
		attr_filter.access_reject
		eap
		remove_reply_message_if_eap
	}
}
}
server inner-tunnel {
authorize {
	filter_username
	mschap
	eap {
		ok = return
	}
	files
	pap
}
authenticate {
	Auth-Type PAP {
		pap
	}
	Auth-Type MS-CHAP {
		mschap
	}
	eap
}
post-auth {
	Post-Auth-Type REJECT {
		attr_filter.access_reject
		update outer.session-state {
			&Module-Failure-Message := &request:Module-Failure-Message
		}
	}
}
}
EOF

	# The peer.
	local inner
	case $EAP_METHOD in
	PEAP) inner='phase2="auth=MSCHAPV2"' ;;
	TTLS) inner='phase2="auth=PAP"' ;;
	esac
	cat >"$dir/peer.conf" <<EOF
network={
	key_mgmt=WPA-EAP
	eap=$EAP_METHOD
	identity="$EAP_USER"
	password="${EAP_PEER_PASSWORD:-$EAP_PASSWORD}"
	$inner
	ca_cert="$dir/certs/server.pem"
}
EOF
}

eap_run() { # eap_run DIR
	local dir=${1:?eap_run DIR} t0 tall rc line i
	EAP_METHOD=${EAP_METHOD:-PEAP}
	EAP_USER=${EAP_USER:-mn1@mip6.test}
	EAP_PASSWORD=${EAP_PASSWORD:-mip6-eap-secret}
	EAP_SECRET=${EAP_SECRET:-testing123}
	local start_to=${EAP_START_TIMEOUT:-120} auth_to=${EAP_AUTH_TIMEOUT:-120}
	EAP_ERROR=
	unset EAP_MSK EAP_EMSK EAP_SESSION_ID

	case $EAP_METHOD in
	PEAP) EAP_TYPE=19 ;;
	TTLS) EAP_TYPE=15 ;;
	*) _eap_fail 1 "EAP_METHOD must be PEAP or TTLS, not $EAP_METHOD"; return ;;
	esac
	if ! i=$(eap_missing); then
		_eap_fail 2 "$i"
		return
	fi

	tall=$(_eap_now)
	if ! mkdir -p "$dir" || ! dir=$(cd "$dir" && pwd); then
		_eap_fail 1 "cannot use directory $1"
		return
	fi
	rm -rf "$dir/raddb" "$dir/log" "$dir/run" "$dir/certs"
	rm -f "$dir/keys.log" "$dir/radiusd.log" "$dir/eapol_test.log"
	_eap_config "$dir" || { _eap_fail 1 "cannot write the configuration in $dir" "$dir/config.log"; return; }
	EAP_T_CONFIG=$(_eap_since "$tall")

	# A network namespace of our own with loopback up.
	_eap_ns=eap-$$
	ip netns del "$_eap_ns" 2>/dev/null || true
	if ! ip netns add "$_eap_ns" || ! ip -n "$_eap_ns" link set lo up; then
		_eap_stop_server
		_eap_fail 1 "cannot create network namespace $_eap_ns"
		return
	fi

	# The server, in the foreground with debug output, bounded in time even
	# if we are killed before we stop it.
	t0=$(_eap_now)
	timeout -k 5 $((start_to + auth_to + 60)) \
		ip netns exec "$_eap_ns" freeradius -X -d "$dir/raddb" \
		</dev/null >"$dir/radiusd.log" 2>&1 &
	_eap_srv_pid=$!
	local deadline=$((SECONDS + start_to))
	until grep -q 'Ready to process requests' "$dir/radiusd.log" 2>/dev/null; do
		if ! kill -0 "$_eap_srv_pid" 2>/dev/null; then
			rc=0
			wait "$_eap_srv_pid" 2>/dev/null || rc=$?
			_eap_srv_pid=
			_eap_stop_server
			_eap_fail 1 "freeradius exited with $rc before it was ready" "$dir/radiusd.log"
			return
		fi
		if [ "$SECONDS" -ge "$deadline" ]; then
			_eap_stop_server
			_eap_fail 1 "freeradius not ready after ${start_to}s" "$dir/radiusd.log"
			return
		fi
		sleep 0.1
	done
	EAP_T_START=$(_eap_since "$t0")

	# The peer: one authentication, EAP-Key-Name requested (-e).
	t0=$(_eap_now)
	rc=0
	timeout -k 5 $((auth_to + 10)) \
		ip netns exec "$_eap_ns" eapol_test -c "$dir/peer.conf" -a 127.0.0.1 -p 1812 \
		-s "$EAP_SECRET" -e -r 0 -t "$auth_to" </dev/null >"$dir/eapol_test.log" 2>&1 || rc=$?
	EAP_T_AUTH=$(_eap_since "$t0")

	# The linelog line is written before the Access-Accept is sent; stop
	# the server now in any case.
	_eap_stop_server
	EAP_T_TOTAL=$(_eap_since "$tall")
	_eap_say "$EAP_METHOD: eapol_test exit $rc; seconds: configuration $EAP_T_CONFIG, server start $EAP_T_START, authentication $EAP_T_AUTH, total $EAP_T_TOTAL"

	local k v knok=0 mppeok=0 last=
	EAP_PEER_MSK='' EAP_PEER_EMSK='' EAP_PEER_SESSION_ID=''
	EAP_PEER_MPPE_SEND='' EAP_PEER_MPPE_RECV='' EAP_PEER_KEY_NAME=''
	while IFS='=' read -r k v; do
		case $k in
		msk) EAP_PEER_MSK=$v ;;
		emsk) EAP_PEER_EMSK=$v ;;
		sid) EAP_PEER_SESSION_ID=$v ;;
		send) EAP_PEER_MPPE_SEND=$v ;;
		recv) EAP_PEER_MPPE_RECV=$v ;;
		keyname) EAP_PEER_KEY_NAME=$v ;;
		knok) knok=$v ;;
		mppeok) mppeok=$v ;;
		last) last=$v ;;
		esac
	done < <(_eap_peer_parse "$dir/eapol_test.log" "$EAP_METHOD")

	if [ "$rc" -ne 0 ] || [ "$last" != SUCCESS ]; then
		_eap_fail 1 "eapol_test did not report SUCCESS (exit $rc)" "$dir/eapol_test.log"
		grep -E 'Module-Failure|ERROR|rror:' "$dir/radiusd.log" | tail -n 10 | sed 's/^/# eap: server: /' >&2
		return 1
	fi
	[ "$knok" = 1 ] ||
		{ _eap_fail 1 "eapol_test: no EAP-Key-Name from the server, or it differs" "$dir/eapol_test.log"; return; }
	[ "$mppeok" = 1 ] ||
		{ _eap_fail 1 "eapol_test: MPPE keys do not match its own MSK" "$dir/eapol_test.log"; return; }

	# Server side: the linelog line (exactly one).
	line=
	if [ -s "$dir/keys.log" ]; then
		local lines=()
		mapfile -t lines <"$dir/keys.log"
		[ "${#lines[@]}" -eq 1 ] ||
			{ _eap_fail 1 "expected one linelog line, got ${#lines[@]}" "$dir/keys.log"; return; }
		line=${lines[0]}
	else
		_eap_fail 1 "no linelog line from the server ($dir/keys.log)" "$dir/radiusd.log"
		return
	fi
	_eap_lv EAP_SERVER_USER "$line" user raw
	_eap_lv EAP_SERVER_MSK "$line" msk
	_eap_lv EAP_SERVER_EMSK "$line" emsk
	_eap_lv EAP_SERVER_SESSION_ID "$line" session_id
	_eap_lv EAP_SERVER_MPPE_RECV "$line" mppe_recv
	_eap_lv EAP_SERVER_MPPE_SEND "$line" mppe_send

	export EAP_METHOD EAP_USER EAP_TYPE EAP_T_CONFIG EAP_T_START EAP_T_AUTH EAP_T_TOTAL \
		EAP_PEER_MSK EAP_PEER_EMSK EAP_PEER_SESSION_ID EAP_PEER_MPPE_SEND \
		EAP_PEER_MPPE_RECV EAP_PEER_KEY_NAME EAP_SERVER_USER EAP_SERVER_MSK \
		EAP_SERVER_EMSK EAP_SERVER_SESSION_ID EAP_SERVER_MPPE_RECV EAP_SERVER_MPPE_SEND

	local what peer srv
	for what in MSK EMSK SESSION_ID; do
		peer=EAP_PEER_$what
		srv=EAP_SERVER_$what
		[[ ${!peer} =~ ^([0-9a-f]{2})+$ ]] ||
			{ _eap_fail 1 "$what: none in the eapol_test output" "$dir/eapol_test.log"; return; }
		[[ ${!srv} =~ ^([0-9a-f]{2})+$ ]] ||
			{ _eap_fail 1 "$what: none in the server's log line: $line"; return; }
		[ "${!peer}" = "${!srv}" ] ||
			{ _eap_fail 1 "$what differs: peer ${!peer}, server ${!srv}"; return; }
	done
	[ "$EAP_SERVER_USER" = "$EAP_USER" ] ||
		{ _eap_fail 1 "server logged User-Name '$EAP_SERVER_USER', expected '$EAP_USER'"; return; }

	EAP_MSK=$EAP_PEER_MSK
	EAP_EMSK=$EAP_PEER_EMSK
	EAP_SESSION_ID=$EAP_PEER_SESSION_ID
	export EAP_MSK EAP_EMSK EAP_SESSION_ID
	_eap_say "$EAP_METHOD: MSK $((${#EAP_MSK} / 2)) octets, EMSK $((${#EAP_EMSK} / 2)), Session-Id $((${#EAP_SESSION_ID} / 2)); server and peer agree"
	return 0
}
