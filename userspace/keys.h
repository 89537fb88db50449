/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mobile IPv6 keys from the EAP key hierarchy (draft-giaretta-mip6-amsk-02
 * on the RFC 5295 KDF) and the project's FMIPv6 fast handover key. One
 * derivation, shared by "mip6sec derive" (which prints the key) and
 * "mip6sec sa add" (which sends it to the kernel).
 */
#ifndef MIP6SEC_KEYS_H
#define MIP6SEC_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "kdf.h"

#define EAP_KEY_LEN	64	/* RFC 3748: MSK and EMSK are 64 octets */
#define USRK_LEN	64	/* default MIP6-USRK length */
#define USRK_LEN_DRAFT	16	/* draft 4.1: "length = 128 bit" */
#define USRK_MIN	16
#define AMSK_LEN	16
#define FHK_LEN		20
#define KEY_NAME_LEN	8	/* PRF-64 */

#define LABEL_USRK	"MIPv6-USRK-key"
#define LABEL_IKEV2	"MIPv6-IKEv2-key"
#define LABEL_MN_HA	"rfc4285-MN-HA-key"
#define LABEL_MN_AAA	"rfc4285-MN-AAA-key"
#define LABEL_FHK	"FMIPv6-FHK"

/* The key a derivation starts from. */
enum key_root { ROOT_EMSK, ROOT_USRK, ROOT_MSK, ROOT_COUNT };

/*
 * How the keys of draft-giaretta-mip6-amsk-02 are derived:
 *  rfc5295  the USRK of 64 octets, every step S = label | 0x00 | data |
 *           length, as RFC 5295 3.1.2 (the draft's [10]) defines it;
 *  draft    the draft's text: the USRK of 128 bits (4.1), and the AMSK
 *           step with S = L || " " || D || O (4.2), a space after the
 *           label (the USRK step keeps its NUL, 4.1: "\0" is a NUL byte).
 * The FMIPv6 fast handover key is the project's own: no profile.
 */
enum kdf_profile { KDF_PROFILE_RFC5295, KDF_PROFILE_DRAFT, KDF_PROFILE_COUNT };

extern const char *const kdf_profile_names[KDF_PROFILE_COUNT];
/* An enum kdf_profile, or -1. */
int kdf_profile_find(const char *name);

extern const char *const key_root_names[ROOT_COUNT];

/* A key that can be derived: its label, length and inputs. */
struct key_use {
	const char *name;	/* on the command line: "mn-ha" */
	const char *label;	/* of the KDF step from the USRK (or MSK) */
	size_t len;		/* default output length */
	bool from_emsk, from_usrk, from_msk;
	bool needs_ha, needs_par, var_len;
	bool is_usrk;		/* the USRK itself: data = Session-ID */
};

/* NULL if @name is not one of usrk, ikev2, mn-ha, mn-aaa, fbu. */
const struct key_use *key_use_find(const char *name);
bool key_use_from(const struct key_use *use, enum key_root root);
/* "needs emsk", "needs emsk or usrk", "needs msk" */
const char *key_use_roots(const struct key_use *use);
/* An enum key_root, or -1. */
int key_root_find(const char *name);
/* 0 if @len octets is a valid @root key, else a usage error (printed). */
int key_root_check_len(enum key_root root, size_t len);

/* Everything a derivation takes. */
struct key_src {
	const struct key_use *use;
	enum key_root root;
	const uint8_t *key;		/* the root key */
	size_t key_len;
	const uint8_t *sid;		/* EAP Session-ID, or NULL */
	size_t sid_len;
	const struct in6_addr *addr;	/* ha or par when the use needs it */
	size_t usrk_len;		/* USRK derived from an EMSK; 0: the
					 * profile's (64, draft 16)
					 */
	enum kdf_profile profile;
};

/* Default length of @use's key under @profile. */
size_t key_use_len(const struct key_use *use, enum kdf_profile profile);

/*
 * The first @len octets of the key @src->use, into @out:
 *   MIP6-USRK   = KDF(EMSK, "MIPv6-USRK-key", Session-ID, len)
 *   IKEv2-AMSK  = KDF(USRK, "MIPv6-IKEv2-key", HA, len)
 *   MN-HA-AMSK  = KDF(USRK, "rfc4285-MN-HA-key", HA, len)
 *   MN-AAA-AMSK = KDF(USRK, "rfc4285-MN-AAA-key", "", len)
 *   FHK         = KDF(MSK, "FMIPv6-FHK", PAR, len)
 * where, from an EMSK, USRK = KDF(EMSK, "MIPv6-USRK-key", Session-ID,
 * @src->usrk_len) comes first; the AMSK steps separate label and data as
 * @src->profile says. When a Session-ID is given, the key's
 * 64-bit name goes into @name and *@named is set: the USRK's name is
 * PRF-64(Session-ID, "MIPv6-USRK-key"), any other key's
 * PRF-64(key, Session-ID), with PRF = HMAC-SHA-256.
 * Returns 0, or -1 on bad input, libcrypto failure or out of memory
 * (@out and @name are then wiped). Intermediate keys are wiped.
 */
int key_derive(const struct key_src *src, uint8_t *out, size_t len,
	       uint8_t name[KEY_NAME_LEN], bool *named);

#endif /* MIP6SEC_KEYS_H */
