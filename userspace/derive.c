// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec derive: Mobile IPv6 keys from the EAP key hierarchy, computed in
 * user space with no kernel module (draft-giaretta-mip6-amsk-02 on the
 * RFC 5295 KDF; the FMIPv6 handover key is the project's own choice).
 *
 * This command prints key material on purpose: it is how an operator gets
 * the IKEv2 pre-shared key or an RFC 4285 key for the mobile node side.
 * Every buffer that held a root or derived key, in binary or hex, is
 * wiped before it is freed.
 */
#include <stdio.h>
#include <string.h>
#include <openssl/crypto.h>

#include "mip6sec.h"
#include "keys.h"

const char derive_help[] =
	"Usage: mip6sec derive usrk emsk KEY session-id HEX [ len N ] [ PROFILE ]\n"
	"       mip6sec derive { ikev2 | mn-ha } emsk KEY session-id HEX ha ADDR [ PROFILE ]\n"
	"       mip6sec derive { ikev2 | mn-ha } usrk KEY ha ADDR [ session-id HEX ] [ PROFILE ]\n"
	"       mip6sec derive mn-aaa { emsk KEY session-id HEX | usrk KEY [ session-id HEX ] } [ PROFILE ]\n"
	"       mip6sec derive fbu msk KEY par ADDR\n"
	"PROFILE := kdf-profile { rfc5295 | draft }\n"
	"KEY is hex, or \"-\" to read it from standard input; EMSK and MSK are\n"
	"64 octets, a USRK at least 16. \"len N\" (octets) applies to usrk and\n"
	"ikev2. kdf-profile rfc5295 (default): USRK of 64 octets, 0x00 after\n"
	"every label (RFC 5295); draft: draft-giaretta-mip6-amsk-02 as printed,\n"
	"USRK of 16 octets, a space after the labels of the keys from the USRK.\n"
	"Prints the derived key and its name: key material, on purpose.\n";

struct derive_args {
	const struct key_use *use;
	enum key_root root;
	uint8_t *key;		/* root key, wiped */
	size_t key_len;
	uint8_t *sid;		/* EAP Session-ID */
	size_t sid_len;
	struct in6_addr ha, par;
	bool has_ha, has_par, has_len, has_profile;
	size_t len;
	enum kdf_profile profile;
};

static void wipe_free(void *p, size_t len)
{
	if (p)
		OPENSSL_clear_free(p, len);
}

static int parse_len(const char *s, size_t *len)
{
	uint32_t v;
	int err = parse_u32(s, "len", 1, KDF_MAX_LEN, &v);

	*len = v;
	return err;
}

static int parse_root(struct derive_args *a, const char *type, char *val)
{
	int root = key_root_find(type), err;

	if (root < 0)
		return usage_error("unknown root key \"%s\": emsk, usrk or msk",
				   type);
	a->root = root;
	if (!key_use_from(a->use, a->root))
		return usage_error("cannot derive %s from %s (%s)",
				   a->use->name, type, key_use_roots(a->use));
	if (!val)
		return usage_error("\"%s\" needs a key in hex or \"-\"", type);
	if (!strcmp(val, "-")) {
		err = read_hex_file(type, type, val, &a->key, &a->key_len);
	} else {
		err = inline_key_check(type, "\"-\" (standard input)");
		if (!err)
			err = parse_hex(val, strlen(val), type, &a->key,
					&a->key_len);
		/* Shorten the time the key is visible in /proc/PID/cmdline. */
		explicit_bzero(val, strlen(val));
	}
	if (err)
		return err;
	return key_root_check_len(a->root, a->key_len);
}

static int parse_args(struct derive_args *a, int argc, char **argv)
{
	int i, err;

	if (argc < 1)
		return usage_error("derive needs a key use: usrk, ikev2, mn-ha, mn-aaa or fbu");
	a->use = key_use_find(argv[0]);
	if (!a->use)
		return usage_error("unknown key use \"%s\": usrk, ikev2, mn-ha, mn-aaa or fbu",
				   argv[0]);
	if (argc < 2)
		return usage_error("derive %s needs a root key: %s", argv[0],
				   a->use->from_msk ? "msk KEY" :
				   a->use->from_usrk ? "emsk KEY or usrk KEY" :
				   "emsk KEY");
	err = parse_root(a, argv[1], argc > 2 ? argv[2] : NULL);
	if (err)
		return err;

	for (i = 3; i < argc; i += 2) {
		const char *kw = argv[i], *val = argv[i + 1];

		if (strcmp(kw, "session-id") && strcmp(kw, "ha") &&
		    strcmp(kw, "par") && strcmp(kw, "len") &&
		    strcmp(kw, "kdf-profile"))
			return usage_error("unknown argument \"%s\"", kw);
		if (i + 1 >= argc)
			return usage_error("\"%s\" needs an argument", kw);
		if (!strcmp(val, "session-id") || !strcmp(val, "ha") ||
		    !strcmp(val, "par") || !strcmp(val, "len"))
			return usage_error("\"%s\" needs a value, not the keyword \"%s\" (an empty shell variable?)",
					   kw, val);
		if (!strcmp(kw, "session-id")) {
			if (a->sid)
				return usage_error("duplicate \"%s\"", kw);
			if (a->use->from_msk)
				return usage_error("%s takes no session-id", a->use->name);
			err = parse_hex(val, strlen(val), "session-id",
					&a->sid, &a->sid_len);
			if (!err && !a->sid_len)
				err = usage_error("the session-id is empty");
		} else if (!strcmp(kw, "ha")) {
			if (a->has_ha)
				return usage_error("duplicate \"%s\"", kw);
			if (!a->use->needs_ha)
				return usage_error("%s takes no ha address", a->use->name);
			err = parse_addr(val, "ha", &a->ha);
			a->has_ha = true;
		} else if (!strcmp(kw, "par")) {
			if (a->has_par)
				return usage_error("duplicate \"%s\"", kw);
			if (!a->use->needs_par)
				return usage_error("%s takes no par address", a->use->name);
			err = parse_addr(val, "par", &a->par);
			a->has_par = true;
		} else if (!strcmp(kw, "kdf-profile")) {
			if (a->has_profile)
				return usage_error("duplicate \"%s\"", kw);
			if (a->use->from_msk)
				return usage_error("%s takes no kdf-profile: its key is not one of draft-giaretta-mip6-amsk",
						   a->use->name);
			err = kdf_profile_find(val);
			if (err < 0)
				return usage_error("invalid kdf-profile \"%s\": rfc5295 or draft",
						   val);
			a->profile = err;
			a->has_profile = true;
			err = 0;
		} else {
			if (a->has_len)
				return usage_error("duplicate \"%s\"", kw);
			if (!a->use->var_len)
				return usage_error("%s keys are %zu octets: len is for usrk and ikev2 only",
						   a->use->name, a->use->len);
			err = parse_len(val, &a->len);
			a->has_len = true;
		}
		if (err)
			return err;
	}

	if (a->root == ROOT_EMSK && !a->sid)
		return usage_error("derive %s from emsk needs session-id HEX (the EAP Session-ID)",
				   a->use->name);
	if (a->use->needs_ha && !a->has_ha)
		return usage_error("derive %s needs ha ADDR (the home agent address)",
				   a->use->name);
	if (a->use->needs_par && !a->has_par)
		return usage_error("derive fbu needs par ADDR (the previous access router address)");
	if (!a->has_len)
		a->len = key_use_len(a->use, a->profile);
	return 0;
}

/* "key HEX [name HEX]", or as JSON; @name may be NULL. */
static int print_key(struct out *o, const char *use, const uint8_t *key,
		     size_t len, const uint8_t *name)
{
	size_t hex_len = 2 * len + 1;
	char *hex = OPENSSL_malloc(hex_len), name_hex[2 * KEY_NAME_LEN + 1];

	if (!hex)
		return -1;
	hex_encode(key, len, hex);
	out_obj_begin(o, false);
	if (o->json)
		out_str(o, "use", NULL, use);
	out_str(o, "key", NULL, hex);
	if (name) {
		hex_encode(name, KEY_NAME_LEN, name_hex);
		out_str(o, "name", NULL, name_hex);
	} else if (o->json) {
		out_null(o, "name", "");
	}
	if (o->json)
		out_u64(o, "len", NULL, len);
	out_obj_end(o);
	OPENSSL_clear_free(hex, hex_len);
	return 0;
}

static int derive(struct mip6sec_ctx *ctx, struct derive_args *a)
{
	struct key_src src = {
		.use = a->use, .root = a->root,
		.key = a->key, .key_len = a->key_len,
		.sid = a->sid, .sid_len = a->sid_len,
		.addr = a->has_ha ? &a->ha : a->has_par ? &a->par : NULL,
		.profile = a->profile,
	};
	uint8_t *out = OPENSSL_malloc(a->len), name[KEY_NAME_LEN];
	bool named;
	int err = -1;

	if (out && !key_derive(&src, out, a->len, name, &named))
		err = print_key(&ctx->out, a->use->name, out, a->len,
				named ? name : NULL);
	if (err)
		fputs("Error: key derivation failed (libcrypto or out of memory)\n",
		      stderr);
	OPENSSL_cleanse(name, sizeof(name));
	wipe_free(out, a->len);
	return err ? EXIT_USAGE : 0;
}

int do_derive(struct mip6sec_ctx *ctx, int argc, char **argv)
{
	struct derive_args a = { 0 };
	int err;

	if (argc > 0 && is_help(argv[0])) {
		if (argc > 1)
			return usage_error("derive help takes no arguments");
		fputs(derive_help, stdout);
		return 0;
	}
	err = parse_args(&a, argc, argv);
	if (!err)
		err = derive(ctx, &a);
	wipe_free(a.key, a.key_len);
	wipe_free(a.sid, a.sid_len);
	explicit_bzero(&a, sizeof(a));
	return err;
}
