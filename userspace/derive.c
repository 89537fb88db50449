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
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/crypto.h>

#include "mip6sec.h"
#include "kdf.h"

const char derive_help[] =
	"Usage: mip6sec derive usrk emsk KEY session-id HEX [ len N ]\n"
	"       mip6sec derive { ikev2 | mn-ha } emsk KEY session-id HEX ha ADDR\n"
	"       mip6sec derive { ikev2 | mn-ha } usrk KEY ha ADDR [ session-id HEX ]\n"
	"       mip6sec derive mn-aaa { emsk KEY session-id HEX | usrk KEY [ session-id HEX ] }\n"
	"       mip6sec derive fbu msk KEY par ADDR\n"
	"KEY is hex, or \"-\" to read it from standard input; EMSK and MSK are\n"
	"64 octets, a USRK at least 16. \"len N\" (octets) applies to usrk and\n"
	"ikev2. Prints the derived key and its name: key material, on purpose.\n";

#define EMSK_LEN	64	/* RFC 3748: MSK and EMSK are 64 octets */
#define USRK_LEN	64	/* default MIP6-USRK length */
#define USRK_MIN	16
#define AMSK_LEN	16
#define FHK_LEN		20
#define NAME_LEN	8	/* PRF-64 */
#define STDIN_MAX	(4 * KDF_MAX_LEN)	/* hex digits + whitespace */

#define LABEL_USRK	"MIPv6-USRK-key"
#define LABEL_IKEV2	"MIPv6-IKEv2-key"
#define LABEL_MN_HA	"rfc4285-MN-HA-key"
#define LABEL_MN_AAA	"rfc4285-MN-AAA-key"
#define LABEL_FHK	"FMIPv6-FHK"

enum root { ROOT_EMSK, ROOT_USRK, ROOT_MSK };

static const char *const root_names[] = {
	[ROOT_EMSK] = "emsk", [ROOT_USRK] = "usrk", [ROOT_MSK] = "msk",
};

struct use {
	const char *name;
	const char *label;	/* of the KDF step from the USRK (or MSK) */
	size_t len;		/* default output length */
	bool from_emsk, from_usrk, from_msk;
	bool needs_ha, needs_par, var_len;
};

static const struct use uses[] = {
	{ "usrk",   LABEL_USRK,   USRK_LEN, true,  false, false, false, false, true },
	{ "ikev2",  LABEL_IKEV2,  AMSK_LEN, true,  true,  false, true,  false, true },
	{ "mn-ha",  LABEL_MN_HA,  AMSK_LEN, true,  true,  false, true,  false, false },
	{ "mn-aaa", LABEL_MN_AAA, AMSK_LEN, true,  true,  false, false, false, false },
	{ "fbu",    LABEL_FHK,    FHK_LEN,  false, false, true,  false, true,  false },
};

struct derive_args {
	const struct use *use;
	enum root root;
	uint8_t *key;		/* root key, wiped */
	size_t key_len;
	uint8_t *sid;		/* EAP Session-ID */
	size_t sid_len;
	struct in6_addr ha, par;
	bool has_ha, has_par, has_len;
	size_t len;
};

static void wipe_free(void *p, size_t len)
{
	if (p)
		OPENSSL_clear_free(p, len);
}

/*
 * Hex with an optional 0x prefix, whitespace ignored, into a new buffer
 * (*out, *out_len). Nothing of the input is echoed back.
 */
static int parse_hex(const char *s, size_t len, const char *what,
		     uint8_t **out, size_t *out_len)
{
	size_t size = len / 2 + 1;
	ssize_t digits;
	uint8_t *buf;

	*out = NULL;
	*out_len = 0;
	buf = OPENSSL_zalloc(size);
	if (!buf)
		return usage_error("out of memory");
	digits = hex_decode(s, len, buf, size);
	if (digits < 0) {
		wipe_free(buf, size);
		return usage_error("the %s contains a character that is not a hex digit",
				   what);
	}
	if (digits % 2) {
		wipe_free(buf, size);
		return usage_error("the %s has an odd number of hex digits (%zd)",
				   what, digits);
	}
	*out = buf;
	*out_len = digits / 2;
	return 0;
}

/* The root key in hex from standard input. */
static int read_stdin_hex(const char *what, uint8_t **out, size_t *out_len)
{
	size_t size = STDIN_MAX + 1, len = 0;
	char *buf = OPENSSL_malloc(size);
	ssize_t n;
	int err;

	if (!buf)
		return usage_error("out of memory");
	while (len < size) {
		n = read(STDIN_FILENO, buf + len, size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	if (n < 0)
		err = usage_error("cannot read the %s from standard input: %s",
				  what, strerror(errno));
	else if (len == size)
		err = usage_error("the %s on standard input is too large", what);
	else
		err = parse_hex(buf, len, what, out, out_len);
	OPENSSL_clear_free(buf, size);
	return err;
}

static int parse_len(const char *s, size_t *len)
{
	unsigned long v;
	char *end;

	errno = 0;
	if (!isdigit((unsigned char)s[0]))
		goto bad;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < 1 || v > KDF_MAX_LEN)
		goto bad;
	*len = v;
	return 0;
bad:
	return usage_error("invalid len \"%s\": a number of octets from 1 to %d",
			   s, KDF_MAX_LEN);
}

static const struct use *find_use(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(uses); i++)
		if (!strcmp(name, uses[i].name))
			return &uses[i];
	return NULL;
}

static int parse_root(struct derive_args *a, const char *type, char *val)
{
	size_t i, min, max;
	int err;

	for (i = 0; i < ARRAY_SIZE(root_names); i++)
		if (!strcmp(type, root_names[i]))
			break;
	if (i == ARRAY_SIZE(root_names))
		return usage_error("unknown root key \"%s\": emsk, usrk or msk",
				   type);
	a->root = i;
	if ((a->root == ROOT_EMSK && !a->use->from_emsk) ||
	    (a->root == ROOT_USRK && !a->use->from_usrk) ||
	    (a->root == ROOT_MSK && !a->use->from_msk))
		return usage_error("cannot derive %s from %s (%s)",
				   a->use->name, type,
				   a->use->from_msk ? "needs msk" :
				   a->use->from_usrk ? "needs emsk or usrk" :
				   "needs emsk");
	if (!val)
		return usage_error("\"%s\" needs a key in hex or \"-\"", type);
	if (!strcmp(val, "-")) {
		err = read_stdin_hex(type, &a->key, &a->key_len);
	} else {
		err = parse_hex(val, strlen(val), type, &a->key, &a->key_len);
		/* Shorten the time the key is visible in /proc/PID/cmdline. */
		explicit_bzero(val, strlen(val));
	}
	if (err)
		return err;
	min = a->root == ROOT_USRK ? USRK_MIN : EMSK_LEN;
	max = a->root == ROOT_USRK ? KDF_MAX_LEN : EMSK_LEN;
	if (a->key_len < min || a->key_len > max) {
		if (min == max)
			return usage_error("an %s is %zu octets (%zu hex digits), got %zu octets",
					   type, min, 2 * min, a->key_len);
		return usage_error("a %s is %zu to %zu octets, got %zu",
				   type, min, max, a->key_len);
	}
	return 0;
}

static int parse_args(struct derive_args *a, int argc, char **argv)
{
	int i, err;

	if (argc < 1)
		return usage_error("derive needs a key use: usrk, ikev2, mn-ha, mn-aaa or fbu");
	a->use = find_use(argv[0]);
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
		    strcmp(kw, "par") && strcmp(kw, "len"))
			return usage_error("unknown argument \"%s\"", kw);
		if (i + 1 >= argc)
			return usage_error("\"%s\" needs an argument", kw);
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
		a->len = a->use->len;
	return 0;
}

/* "key HEX name HEX", or as JSON; @name may be NULL. */
static int print_key(struct out *o, const char *use, const uint8_t *key,
		     size_t len, const uint8_t *name)
{
	static const char digits[] = "0123456789abcdef";
	size_t hex_len = 2 * len + 1, i;
	char *hex = OPENSSL_malloc(hex_len), name_hex[2 * NAME_LEN + 1];

	if (!hex)
		return -1;
	for (i = 0; i < len; i++) {
		hex[2 * i] = digits[key[i] >> 4];
		hex[2 * i + 1] = digits[key[i] & 15];
	}
	hex[2 * len] = 0;
	out_obj_begin(o, false);
	if (o->json)
		out_str(o, "use", NULL, use);
	out_str(o, "key", NULL, hex);
	if (name) {
		for (i = 0; i < NAME_LEN; i++) {
			name_hex[2 * i] = digits[name[i] >> 4];
			name_hex[2 * i + 1] = digits[name[i] & 15];
		}
		name_hex[2 * NAME_LEN] = 0;
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
	const struct use *use = a->use;
	uint8_t *usrk = NULL, *out = NULL, mac[KDF_HASH_LEN];
	const uint8_t *k = a->key, *data = NULL;
	size_t k_len = a->key_len, usrk_len = 0, data_len = 0;
	bool named = false;
	int err = -1;

	/* MIP6-USRK = KDF(EMSK, "MIPv6-USRK-key", EAP Session-ID, 64) */
	if (a->root == ROOT_EMSK && use != &uses[0]) {
		usrk_len = USRK_LEN;
		usrk = OPENSSL_malloc(usrk_len);
		if (!usrk || kdf_rfc5295(a->key, a->key_len, LABEL_USRK,
					 a->sid, a->sid_len, usrk, usrk_len))
			goto out;
		k = usrk;
		k_len = usrk_len;
	}
	if (use == &uses[0]) {
		data = a->sid;
		data_len = a->sid_len;
	} else if (use->needs_ha) {
		data = a->ha.s6_addr;
		data_len = sizeof(a->ha.s6_addr);
	} else if (use->needs_par) {
		data = a->par.s6_addr;
		data_len = sizeof(a->par.s6_addr);
	}
	out = OPENSSL_malloc(a->len);
	if (!out || kdf_rfc5295(k, k_len, use->label, data, data_len, out,
				a->len))
		goto out;

	if (use == &uses[0]) {
		/* USRK name = PRF-64(EAP Session-ID, key label) */
		if (hmac_sha256(a->sid, a->sid_len, LABEL_USRK,
				strlen(LABEL_USRK), mac))
			goto out;
		named = true;
	} else if (a->sid) {
		/* AMSK name = PRF-64(AMSK, EAP Session-ID) */
		if (hmac_sha256(out, a->len, a->sid, a->sid_len, mac))
			goto out;
		named = true;
	}
	err = print_key(&ctx->out, use->name, out, a->len, named ? mac : NULL);
out:
	if (err)
		fputs("Error: key derivation failed (libcrypto or out of memory)\n",
		      stderr);
	OPENSSL_cleanse(mac, sizeof(mac));
	wipe_free(usrk, usrk_len);
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
