/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mip6sec: Mobile IPv6 signalling security, generic netlink interface.
 *
 * The family is described in Documentation/netlink/specs/mip6sec.yaml;
 * keep both in sync (selftests/spec_check.py verifies it).
 */
#ifndef _UAPI_LINUX_MIP6SEC_H
#define _UAPI_LINUX_MIP6SEC_H

#define MIP6SEC_FAMILY_NAME	"mip6sec"
#define MIP6SEC_FAMILY_VERSION	1
#define MIP6SEC_MCGRP_EVENTS	"events"

/* A preconfigured Kbm is exactly the size of an HMAC-SHA1 output. */
#define MIP6SEC_KBM_LEN		20

/* RFC 4285 / fast handover keys: length bounds, octets. */
#define MIP6SEC_SA_KEY_MIN	16
#define MIP6SEC_SA_KEY_MAX	64
/* Network Access Identifier (RFC 7542): at most 253 octets, no NUL. */
#define MIP6SEC_NAI_MAX		253
/* Key names (draft-giaretta-mip6-amsk, RFC 5295): 64 bits. */
#define MIP6SEC_KEY_NAME_LEN	8
/*
 * RFC 4285: Mobility SPI values 0-255 are reserved, but for the well-known
 * HMAC_SHA1_SPI of MN-AAA options (5.2, 8), which an mn-aaa SA may use.
 */
#define MIP6SEC_SPI_MIN		256
#define MIP6SEC_SPI_HMAC_SHA1	3
/* Longest SA lifetime, seconds (2^28, eight and a half years). */
#define MIP6SEC_SA_LIFETIME_MAX	268435456

/* What a mobility security association (sa-add) authenticates. */
enum mip6sec_sa_use {
	MIP6SEC_SA_USE_MN_HA = 1,	/* RFC 4285 MN-HA option, at a home agent */
	MIP6SEC_SA_USE_MN_AAA,		/* RFC 4285 MN-AAA option, at a home agent */
	MIP6SEC_SA_USE_FBU,		/* FMIPv6 FBU, at a previous access router */

	/* private: */
	__MIP6SEC_SA_USE_MAX,
	MIP6SEC_SA_USE_MAX = __MIP6SEC_SA_USE_MAX - 1,
};

/* Replay protection of a mobility security association (RFC 4285 5). */
enum mip6sec_replay {
	MIP6SEC_REPLAY_SEQ,		/* Sequence Number, modulo 2^16 */
	MIP6SEC_REPLAY_TIMESTAMP,	/* Replay Protection option, NTP time */

	/* private: */
	__MIP6SEC_REPLAY_MAX,
	MIP6SEC_REPLAY_MAX = __MIP6SEC_REPLAY_MAX - 1,
};

/* How a binding cache entry was authorised. */
enum mip6sec_auth {
	MIP6SEC_AUTH_NONE,
	MIP6SEC_AUTH_KBM,
	MIP6SEC_AUTH_MN_HA,
	MIP6SEC_AUTH_FBU,
	MIP6SEC_AUTH_IPSEC,
	MIP6SEC_AUTH_RR,		/* return routability (RFC 6275 5.2) */

	/* private: */
	__MIP6SEC_AUTH_MAX,
	MIP6SEC_AUTH_MAX = __MIP6SEC_AUTH_MAX - 1,
};

/* Who answers return routability (module parameter rr). */
enum mip6sec_rr_mode {
	MIP6SEC_RR_MODE_KERNEL,		/* the module */
	MIP6SEC_RR_MODE_USERSPACE,		/* a mobility daemon */

	/* private: */
	__MIP6SEC_RR_MODE_MAX,
	MIP6SEC_RR_MODE_MAX = __MIP6SEC_RR_MODE_MAX - 1,
};

/* Why a binding cache entry went away (binding-del-ntf). */
enum mip6sec_del_reason {
	MIP6SEC_DEL_REASON_UNSPEC,
	MIP6SEC_DEL_REASON_DEREGISTERED,	/* BU with lifetime 0 or CoA == HoA */
	MIP6SEC_DEL_REASON_EXPIRED,
	MIP6SEC_DEL_REASON_ADMIN,		/* binding-del / binding-flush */
	MIP6SEC_DEL_REASON_KEY_REMOVED,		/* the key that authorised it went */

	/* private: */
	__MIP6SEC_DEL_REASON_MAX,
	MIP6SEC_DEL_REASON_MAX = __MIP6SEC_DEL_REASON_MAX - 1,
};

/* Top-level attributes. Addresses are struct in6_addr, network order. */
enum mip6sec_attrs {
	MIP6SEC_A_UNSPEC,
	MIP6SEC_A_PAD,
	MIP6SEC_A_HOA,		/* binary[16]: home address */
	MIP6SEC_A_CN,		/* binary[16]: correspondent (this node's) address */
	MIP6SEC_A_COA,		/* binary[16]: care-of address */
	MIP6SEC_A_KEY,		/* binary: key material, write-only */
	MIP6SEC_A_LAST_SEQ,	/* u32: last accepted sequence number (16 bits) */
	MIP6SEC_A_USES,		/* u64: successful verifications */
	MIP6SEC_A_SEQ,		/* u32: sequence number of the binding (16 bits) */
	MIP6SEC_A_LIFETIME,	/* u32: seconds left */
	MIP6SEC_A_AUTH,		/* u32: enum mip6sec_auth */
	MIP6SEC_A_REASON,	/* u32: enum mip6sec_del_reason */
	MIP6SEC_A_STATS,	/* nest: enum mip6sec_stat_attrs */
	MIP6SEC_A_NAI,		/* string[1..253]: mobile node identifier (NAI);
				 * NUL-terminated in replies, NUL optional in
				 * requests
				 */
	MIP6SEC_A_SPI,		/* u32: RFC 4285 Mobility SPI, >= 256, or
				 * HMAC_SHA1_SPI (3) for an mn-aaa SA
				 */
	MIP6SEC_A_SA_USE,	/* u32: enum mip6sec_sa_use */
	MIP6SEC_A_KEY_NAME,	/* binary[8]: name of the key (never the key) */
	MIP6SEC_A_REPLAY,	/* u32: enum mip6sec_replay */
	MIP6SEC_A_HA,		/* binary[16]: this node's address the message
				 * was sent to (home agent or access router)
				 */
	MIP6SEC_A_PCOA,		/* binary[16]: previous care-of address (FBU) */
	MIP6SEC_A_RR_MODE,	/* u32: enum mip6sec_rr_mode */
	MIP6SEC_A_KCN_AGE,	/* u32: seconds since Kcn was made */
	MIP6SEC_A_NONCE,	/* nest, repeated: enum mip6sec_nonce_attrs */
	MIP6SEC_A_HOME_PREFIX,	/* binary[16]: home prefix, bits past its
				 * length zero (with HOME_PREFIX_LEN)
				 */
	MIP6SEC_A_HOME_PREFIX_LEN, /* u32: its length, 1 to 128 */

	/* private: */
	__MIP6SEC_A_MAX,
	MIP6SEC_A_MAX = __MIP6SEC_A_MAX - 1,
};

/* A return routability nonce (rr-get): never its value. */
enum mip6sec_nonce_attrs {
	MIP6SEC_NONCE_A_UNSPEC,
	MIP6SEC_NONCE_A_INDEX,		/* u32: nonce index (16 bits) */
	MIP6SEC_NONCE_A_AGE,		/* u32: seconds since it was made */
	MIP6SEC_NONCE_A_EXPIRES,	/* u32: seconds it stays acceptable */

	/* private: */
	__MIP6SEC_NONCE_A_MAX,
	MIP6SEC_NONCE_A_MAX = __MIP6SEC_NONCE_A_MAX - 1,
};

/*
 * Counters (u64 each) nested in MIP6SEC_A_STATS. New counters are only
 * ever appended; userspace prints the ones it does not know by number.
 */
enum mip6sec_stat_attrs {
	MIP6SEC_STAT_UNSPEC,
	MIP6SEC_STAT_PAD,
	MIP6SEC_STAT_MH_RX,		/* Mobility Header messages seen */
	MIP6SEC_STAT_MH_MALFORMED,	/* sum of the six MH error counters */
	MIP6SEC_STAT_MH_BAD_PROTO,	/* Payload Proto != 59 */
	MIP6SEC_STAT_MH_BAD_LEN,	/* Header Len below the type minimum */
	MIP6SEC_STAT_MH_TRUNCATED,	/* MH longer than the packet */
	MIP6SEC_STAT_MH_BAD_CSUM,	/* checksum mismatch */
	MIP6SEC_STAT_MH_BAD_OPT,	/* option length, alignment or order */
	MIP6SEC_STAT_MH_UNKNOWN_TYPE,	/* MH type this node does not know */
	MIP6SEC_STAT_BU_RX,		/* Binding Updates seen */
	MIP6SEC_STAT_BU_ACCEPTED,
	MIP6SEC_STAT_BU_PASSED,		/* left to a userspace daemon */
	MIP6SEC_STAT_AUTH_FAIL,
	MIP6SEC_STAT_REPLAY,
	MIP6SEC_STAT_HAO_RX,		/* packets with a Home Address option */
	MIP6SEC_STAT_HAO_ACCEPTED,
	MIP6SEC_STAT_HAO_DROPPED,
	MIP6SEC_STAT_BA_SENT,
	MIP6SEC_STAT_BE_SENT,
	MIP6SEC_STAT_BE_RATELIMITED,
	MIP6SEC_STAT_BAD_EXTHDR,	/* extension header chain unparsable */
	MIP6SEC_STAT_HAO_AUDITED,	/* accepted only as hao_policy=audit */
	MIP6SEC_STAT_BU_NOKEY_DROPPED,	/* no key and bu_nokey=drop */
	MIP6SEC_STAT_BC_FULL,		/* refused: max_bindings reached */
	MIP6SEC_STAT_BU_NO_MNID,	/* RFC 4285 option without an NAI: dropped */
	MIP6SEC_STAT_BU_UNKNOWN_SPI,	/* known NAI, no MN-HA SA with this SPI */
	MIP6SEC_STAT_BU_HOA_MISMATCH,	/* SA bound to another home address */
	MIP6SEC_STAT_TS_MISSING,	/* Replay Protection option required */
	MIP6SEC_STAT_TS_MISMATCH,	/* timestamp out of window or not newer */
	MIP6SEC_STAT_KEY_REQUEST,	/* key-request-ntf emitted (listened to or not) */
	MIP6SEC_STAT_KEY_REQUEST_RATELIMITED,
	MIP6SEC_STAT_SA_EXPIRED,
	MIP6SEC_STAT_FBU_RX,		/* Fast Binding Updates seen */
	MIP6SEC_STAT_FBU_ACCEPTED,
	MIP6SEC_STAT_FBU_MISSING_OPT,	/* no MN-ID (NAI), auth option or HAO */
	MIP6SEC_STAT_FBU_NOKEY,		/* no fast handover key for NAI and SPI */
	MIP6SEC_STAT_FBU_AUTH_FAIL,
	MIP6SEC_STAT_FBU_REPLAY,
	MIP6SEC_STAT_FBACK_SENT,
	MIP6SEC_STAT_HAO_IPSEC,		/* HAO accepted: suitable IPsec SA */
	MIP6SEC_STAT_HAO_BU,		/* HAO accepted: the packet is a BU */
	MIP6SEC_STAT_HAO_DEFERRED,	/* HAO before ESP: judged after it */
	MIP6SEC_STAT_IPSEC_UNSUITABLE,	/* HAO or BU under an unsuitable SA */
	MIP6SEC_STAT_BU_IPSEC,		/* BUs under a suitable SA */
	MIP6SEC_STAT_BU_IPSEC_REJECTED,	/* of those, rejected with a status */
	MIP6SEC_STAT_COOKIE_SENT,	/* care-of address test started */
	MIP6SEC_STAT_COOKIE_ACCEPTED,
	MIP6SEC_STAT_COOKIE_BAD,	/* forged, or for another address */
	MIP6SEC_STAT_COOKIE_STALE,	/* older than cookie_window_s */
	MIP6SEC_STAT_RR_HOTI_RX,	/* Home Test Init messages seen */
	MIP6SEC_STAT_RR_COTI_RX,	/* Care-of Test Init messages seen */
	MIP6SEC_STAT_RR_HOT_SENT,
	MIP6SEC_STAT_RR_COT_SENT,
	MIP6SEC_STAT_RR_RATELIMITED,	/* HoTI/CoTI over rr_ratelimit: dropped */
	MIP6SEC_STAT_RR_INIT_DROPPED,	/* HoTI/CoTI ignored (RFC 6275 9.4.1) */
	MIP6SEC_STAT_RR_PASSED,		/* HoTI/CoTI left to userspace */
	MIP6SEC_STAT_RR_NONCE_EXPIRED,	/* BU refused: status 136, 137 or 138 */
	MIP6SEC_STAT_HAO_STACK,		/* HAO left to the stack's own states */
	MIP6SEC_STAT_BU_BAD_ADDR,	/* BU to a non-unicast address, or with a
					 * care-of address that is not unicast
					 * routable: dropped
					 */
	MIP6SEC_STAT_BU_REFUSED,	/* BU refused with a status for a reason
					 * without a counter of its own (the
					 * log line says which)
					 */

	/* private: */
	__MIP6SEC_STAT_MAX,
	MIP6SEC_STAT_MAX = __MIP6SEC_STAT_MAX - 1,
};

enum mip6sec_cmds {
	MIP6SEC_CMD_UNSPEC,
	MIP6SEC_CMD_KBM_ADD,		/* HOA, KEY, [CN]; admin */
	MIP6SEC_CMD_KBM_DEL,		/* HOA; admin */
	MIP6SEC_CMD_KBM_GET,		/* do: HOA; dump: all */
	MIP6SEC_CMD_BINDING_GET,	/* do: HOA; dump: all */
	MIP6SEC_CMD_BINDING_DEL,	/* HOA; admin */
	MIP6SEC_CMD_BINDING_FLUSH,	/* admin */
	MIP6SEC_CMD_STATS_GET,
	MIP6SEC_CMD_STATS_RESET,	/* admin */

	/* notifications, multicast on MIP6SEC_MCGRP_EVENTS */
	MIP6SEC_CMD_KBM_NEW_NTF,
	MIP6SEC_CMD_KBM_DEL_NTF,
	MIP6SEC_CMD_KBM_EXHAUSTED_NTF,
	MIP6SEC_CMD_BINDING_NEW_NTF,
	MIP6SEC_CMD_BINDING_UPDATE_NTF,
	MIP6SEC_CMD_BINDING_DEL_NTF,
	MIP6SEC_CMD_SA_ADD,		/* NAI, SPI, SA_USE, KEY, [KEY_NAME,
					 * LIFETIME, REPLAY]; mn-ha and mn-aaa:
					 * HOA or HOME_PREFIX(_LEN); admin
					 */
	MIP6SEC_CMD_SA_DEL,		/* NAI, [SPI]; admin */
	MIP6SEC_CMD_SA_GET,		/* do: NAI, SPI; dump: all or [NAI] */
	MIP6SEC_CMD_SA_NEW_NTF,
	MIP6SEC_CMD_SA_DEL_NTF,
	MIP6SEC_CMD_SA_EXPIRED_NTF,
	MIP6SEC_CMD_KEY_REQUEST_NTF,	/* NAI, SPI, SA_USE, HA, HOA, COA */
	MIP6SEC_CMD_FBU_ACCEPTED_NTF,	/* NAI, SPI, PCOA, COA, HA, SEQ, LIFETIME */
	MIP6SEC_CMD_RR_GET,		/* do: RR_MODE, KCN_AGE, LIFETIME, NONCE...;
					 * admin
					 */

	/* private: */
	__MIP6SEC_CMD_MAX,
	MIP6SEC_CMD_MAX = __MIP6SEC_CMD_MAX - 1,
};

#endif /* _UAPI_LINUX_MIP6SEC_H */
