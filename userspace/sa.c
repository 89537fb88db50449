// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec sa: mobility security associations, found by NAI and SPI: RFC
 * 4285 MN-HA and MN-AAA keys at a home agent, FMIPv6 fast handover keys at
 * a previous access router.
 *
 * A key given as an EAP root key (EMSK, USRK, MSK) is derived here, with
 * the code of "mip6sec derive": the root key never leaves this process,
 * only the final key and its name go to the kernel. Every buffer that held
 * key material is wiped, on error paths too. Keys are never read back.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <openssl/crypto.h>

#include "mip6sec.h"
#include "keys.h"

_Static_assert(KEY_NAME_LEN == MIP6SEC_KEY_NAME_LEN, "key name length");
_Static_assert(AMSK_LEN >= MIP6SEC_SA_KEY_MIN && FHK_LEN <= MIP6SEC_SA_KEY_MAX,
	       "derived key lengths");

const char sa_help[] =
	"Usage: mip6sec sa add nai NAI spi SPI use { mn-ha | mn-aaa | fbu } KEY\n"
	"               [ session-id HEX ] [ ha ADDR ] [ par ADDR ]\n"
	"               [ hoa ADDR | home-prefix PREFIX/LEN ]\n"
	"               [ lifetime SECONDS ] [ replay { seq | timestamp } ]\n"
	"               [ usrk-len N ] [ kdf-profile { rfc5295 | draft } ]\n"
	"       mip6sec sa del nai NAI [ spi SPI ]\n"
	"       mip6sec sa show [ nai NAI ] [ spi SPI ]\n"
	"KEY := { key HEX | key-file FILE | emsk HEX | emsk-file FILE |\n"
	"         usrk HEX | usrk-file FILE | msk HEX | msk-file FILE }\n"
	"key is the final key, 16 to 64 octets. From a root key the key is\n"
	"derived here and only it is sent: mn-ha and mn-aaa from emsk or usrk\n"
	"(with session-id, and ha for mn-ha), fbu from msk (with par).\n"
	"mn-ha and mn-aaa need hoa or home-prefix: the home address, or the\n"
	"home prefix, that the mobile node may register; fbu takes neither.\n"
	"usrk-len N: the USRK derived from emsk, octets (default 64, 16 with\n"
	"kdf-profile draft); kdf-profile: as for \"mip6sec derive\".\n"
	"SPI >= 256, or 3 (HMAC_SHA1_SPI, RFC 4285) for use mn-aaa; lifetime 1\n"
	"to 268435456; FILE \"-\" is standard input.\n";

static const char *const sa_use_names[MIP6SEC_SA_USE_MAX + 1] = {
	[MIP6SEC_SA_USE_MN_HA]	= "mn-ha",
	[MIP6SEC_SA_USE_MN_AAA]	= "mn-aaa",
	[MIP6SEC_SA_USE_FBU]	= "fbu",
};

static const char *const replay_names[MIP6SEC_REPLAY_MAX + 1] = {
	[MIP6SEC_REPLAY_SEQ]		= "seq",
	[MIP6SEC_REPLAY_TIMESTAMP]	= "timestamp",
};

/* How the key is given: the final key, or a root key to derive it from. */
#define SRC_KEY (-1)

struct sa_key_kw {
	const char *kw, *file_kw;
	int root;		/* enum key_root, or SRC_KEY */
};

static const struct sa_key_kw key_kws[] = {
	{ "key",	"key-file",	SRC_KEY },
	{ "emsk",	"emsk-file",	ROOT_EMSK },
	{ "usrk",	"usrk-file",	ROOT_USRK },
	{ "msk",	"msk-file",	ROOT_MSK },
};

/* The other arguments of "sa add", each at most once. */
enum {
	KW_NAI, KW_SPI, KW_USE, KW_SID, KW_HA, KW_PAR, KW_HOA, KW_LIFETIME,
	KW_REPLAY, KW_USRK_LEN, KW_HOME_PREFIX, KW_PROFILE, KW_COUNT
};

static const char *const add_kws[KW_COUNT] = {
	[KW_NAI] = "nai", [KW_SPI] = "spi", [KW_USE] = "use",
	[KW_SID] = "session-id", [KW_HA] = "ha", [KW_PAR] = "par",
	[KW_HOA] = "hoa", [KW_LIFETIME] = "lifetime", [KW_REPLAY] = "replay",
	[KW_USRK_LEN] = "usrk-len", [KW_HOME_PREFIX] = "home-prefix",
	[KW_PROFILE] = "kdf-profile",
};

struct sa_add_args {
	uint32_t seen;			/* bit (1 << KW_x) */
	const char *nai;		/* in argv */
	size_t nai_len;
	uint32_t spi, use, lifetime, replay, usrk_len, prefix_len, profile;
	struct in6_addr ha, par, hoa, prefix;
	const struct sa_key_kw *src;	/* how the key was given */
	uint8_t *in;			/* the key as given, wiped */
	size_t in_len;
	uint8_t *sid;			/* EAP Session-ID */
	size_t sid_len;
	/* What the kernel gets. */
	uint8_t key[MIP6SEC_SA_KEY_MAX];
	size_t key_len;
	uint8_t name[KEY_NAME_LEN];
	bool named;
};

#define HAS(a, kw) (((a)->seen >> (kw)) & 1)

/*
 * NAI: 1 to 253 octets. "sa add" takes printable ASCII without spaces
 * (RFC 7542 usernames and realms, as EAP servers use them); "sa del" and
 * "sa show" take what the kernel takes, anything but control characters,
 * so that every SA it holds can be named.
 */
static int parse_nai(const char *s, bool strict, const char **nai,
		     size_t *len)
{
	size_t n = strlen(s), i;
	unsigned char c;

	if (!n)
		return usage_error("the NAI is empty");
	if (n > MIP6SEC_NAI_MAX)
		return usage_error("the NAI is %zu octets, at most %d are allowed",
				   n, MIP6SEC_NAI_MAX);
	for (i = 0; i < n; i++) {
		c = s[i];
		if (c < 0x20 || c == 0x7f)
			return usage_error("the NAI contains a control character (octet %zu is 0x%02x)",
					   i + 1, c);
		if (strict && (c == ' ' || c > 0x7f))
			return usage_error("the NAI may only contain printable ASCII characters other than space (octet %zu is 0x%02x)",
					   i + 1, c);
	}
	*nai = s;
	*len = n;
	return 0;
}

static int parse_spi(const char *s, uint32_t *spi)
{
	int err = parse_u32(s, "spi", 0, UINT32_MAX, spi);

	if (!err && *spi < MIP6SEC_SPI_MIN && *spi != MIP6SEC_SPI_HMAC_SHA1)
		return usage_error("SPI %u is reserved: RFC 4285 reserves 0 to %d (but %d, HMAC_SHA1_SPI, for mn-aaa), use %d to %u",
				   *spi, MIP6SEC_SPI_MIN - 1,
				   MIP6SEC_SPI_HMAC_SHA1, MIP6SEC_SPI_MIN,
				   UINT32_MAX);
	return err;
}

/*
 * PREFIX/LEN: an IPv6 prefix of 1 to 128 bits, without bits set past its
 * length (the kernel refuses those too).
 */
static int parse_prefix(const char *s, const char *what,
			struct in6_addr *addr, uint32_t *len)
{
	const char *slash = strchr(s, '/');
	char buf[INET6_ADDRSTRLEN];
	struct in6_addr masked;
	unsigned int i;

	if (!slash || (size_t)(slash - s) >= sizeof(buf))
		return usage_error("invalid %s \"%s\": PREFIX/LEN, as 2001:db8:2::/64",
				   what, s);
	memcpy(buf, s, slash - s);
	buf[slash - s] = 0;
	if (inet_pton(AF_INET6, buf, addr) != 1)
		return usage_error("invalid IPv6 prefix \"%s\" for %s", buf, what);
	if (parse_u32(slash + 1, "prefix length", 1, 128, len))
		return EXIT_USAGE;
	masked = *addr;
	for (i = *len; i < 128; i++)
		masked.s6_addr[i / 8] &= ~(0x80 >> (i % 8));
	if (memcmp(&masked, addr, sizeof(masked))) {
		inet_ntop(AF_INET6, &masked, buf, sizeof(buf));
		return usage_error("%s \"%s\" has bits set past its length (the prefix is %s/%u)",
				   what, s, buf, *len);
	}
	return 0;
}

/* An index into a table of names, or -1 (a usage error was printed). */
static int parse_name(const char *s, const char *what,
		      const char *const *names, size_t n, const char *choices)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcmp(s, names[i]))
			return i;
	usage_error("invalid %s \"%s\": %s", what, s, choices);
	return -1;
}

static int sa_add_key(struct sa_add_args *a, const struct sa_key_kw *k,
		      const char *kw, char *val)
{
	const char *what = k->root == SRC_KEY ? "key" : key_root_names[k->root];
	int err;

	if (a->src) {
		if (strcmp(kw, k->file_kw))
			explicit_bzero(val, strlen(val));
		return usage_error("give only one key: key, key-file, emsk, emsk-file, usrk, usrk-file, msk or msk-file");
	}
	if (!strcmp(kw, k->file_kw)) {
		err = read_hex_file(kw, what, val, &a->in, &a->in_len);
	} else {
		err = inline_key_check(kw, "the -file form (mode 0600)");
		if (!err)
			err = parse_hex(val, strlen(val), what, &a->in,
					&a->in_len);
		/* Shorten the time the key is visible in /proc/PID/cmdline. */
		explicit_bzero(val, strlen(val));
	}
	if (err)
		return err;
	a->src = k;
	if (k->root != SRC_KEY)
		return key_root_check_len(k->root, a->in_len);
	if (a->in_len < MIP6SEC_SA_KEY_MIN || a->in_len > MIP6SEC_SA_KEY_MAX)
		return usage_error("a key is %d to %d octets (%d to %d hex digits), got %zu octets",
				   MIP6SEC_SA_KEY_MIN, MIP6SEC_SA_KEY_MAX,
				   2 * MIP6SEC_SA_KEY_MIN, 2 * MIP6SEC_SA_KEY_MAX,
				   a->in_len);
	return 0;
}

static const struct sa_key_kw *find_key_kw(const char *kw)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(key_kws); i++)
		if (!strcmp(kw, key_kws[i].kw) || !strcmp(kw, key_kws[i].file_kw))
			return &key_kws[i];
	return NULL;
}

static int find_add_kw(const char *kw)
{
	int i;

	for (i = 0; i < KW_COUNT; i++)
		if (!strcmp(kw, add_kws[i]))
			return i;
	return -1;
}

static int sa_add_arg(struct sa_add_args *a, int i, char *val)
{
	int v, err;

	switch (i) {
	case KW_NAI:
		return parse_nai(val, true, &a->nai, &a->nai_len);
	case KW_SPI:
		return parse_spi(val, &a->spi);
	case KW_USE:
		v = parse_name(val, "use", sa_use_names, ARRAY_SIZE(sa_use_names),
			       "mn-ha, mn-aaa or fbu");
		a->use = v;
		return v < 0 ? EXIT_USAGE : 0;
	case KW_SID:
		err = parse_hex(val, strlen(val), "session-id", &a->sid,
				&a->sid_len);
		if (!err && !a->sid_len)
			err = usage_error("the session-id is empty");
		return err;
	case KW_HA:
		return parse_addr(val, "ha", &a->ha);
	case KW_PAR:
		return parse_addr(val, "par", &a->par);
	case KW_HOA:
		return parse_addr(val, "hoa", &a->hoa);
	case KW_HOME_PREFIX:
		return parse_prefix(val, "home-prefix", &a->prefix,
				    &a->prefix_len);
	case KW_LIFETIME:
		return parse_u32(val, "lifetime", 1, MIP6SEC_SA_LIFETIME_MAX,
				 &a->lifetime);
	case KW_REPLAY:
		v = parse_name(val, "replay", replay_names,
			       ARRAY_SIZE(replay_names), "seq or timestamp");
		a->replay = v;
		return v < 0 ? EXIT_USAGE : 0;
	case KW_PROFILE:
		v = kdf_profile_find(val);
		a->profile = v;
		return v < 0 ? usage_error("invalid kdf-profile \"%s\": rfc5295 or draft",
					   val) : 0;
	default:
		return parse_u32(val, "usrk-len", USRK_MIN, KDF_MAX_LEN,
				 &a->usrk_len);
	}
}

/* Missing and contradictory arguments, once all of them are known. */
static int sa_add_check_key(const struct sa_add_args *a)
{
	const struct key_use *kuse;
	const char *root;
	int r;

	if (!HAS(a, KW_NAI))
		return usage_error("sa add needs nai NAI (the mobile node identifier)");
	if (!HAS(a, KW_SPI))
		return usage_error("sa add needs spi SPI (256 or more)");
	if (!HAS(a, KW_USE))
		return usage_error("sa add needs use mn-ha, mn-aaa or fbu");
	if (!a->src)
		return usage_error("sa add needs a key: key HEX, key-file FILE, emsk HEX, emsk-file FILE, usrk HEX, usrk-file FILE, msk HEX or msk-file FILE");
	if (a->spi == MIP6SEC_SPI_HMAC_SHA1 && a->use != MIP6SEC_SA_USE_MN_AAA)
		return usage_error("SPI %d (HMAC_SHA1_SPI) is for use mn-aaa only",
				   MIP6SEC_SPI_HMAC_SHA1);

	if (a->use == MIP6SEC_SA_USE_FBU && HAS(a, KW_HOA))
		return usage_error("use fbu takes no hoa: a fast handover key is not bound to a home address");
	if (a->use == MIP6SEC_SA_USE_FBU && HAS(a, KW_HOME_PREFIX))
		return usage_error("use fbu takes no home-prefix: a fast handover key is not bound to a home address");
	if (HAS(a, KW_HOA) && HAS(a, KW_HOME_PREFIX))
		return usage_error("give hoa or home-prefix, not both");
	if (a->use == MIP6SEC_SA_USE_FBU && HAS(a, KW_REPLAY) &&
	    a->replay == MIP6SEC_REPLAY_TIMESTAMP)
		return usage_error("use fbu takes no replay timestamp: FBUs are checked by sequence number");

	r = a->src->root;
	if (r == SRC_KEY) {
		if (HAS(a, KW_SID) || HAS(a, KW_HA) || HAS(a, KW_PAR) ||
		    HAS(a, KW_USRK_LEN) || HAS(a, KW_PROFILE))
			return usage_error("%s is only for keys derived from emsk, usrk or msk, not for key",
					   HAS(a, KW_SID) ? "session-id" :
					   HAS(a, KW_HA) ? "ha" :
					   HAS(a, KW_PAR) ? "par" :
					   HAS(a, KW_USRK_LEN) ? "usrk-len" :
					   "kdf-profile");
		return 0;
	}

	root = key_root_names[r];
	kuse = key_use_find(sa_use_names[a->use]);
	if (!key_use_from(kuse, r))
		return usage_error("use %s: cannot derive its key from %s (%s)",
				   kuse->name, root, key_use_roots(kuse));
	if (HAS(a, KW_HA) && !kuse->needs_ha)
		return usage_error("ha is only for use mn-ha with emsk or usrk");
	if (HAS(a, KW_PAR) && !kuse->needs_par)
		return usage_error("par is only for use fbu with msk");
	if (HAS(a, KW_USRK_LEN) && r != ROOT_EMSK)
		return usage_error("usrk-len is only for keys derived from emsk");
	if (HAS(a, KW_PROFILE) && r == ROOT_MSK)
		return usage_error("kdf-profile is only for keys of draft-giaretta-mip6-amsk (from emsk or usrk)");
	if (r != ROOT_MSK && !HAS(a, KW_SID))
		return usage_error("%s needs session-id HEX (the EAP Session-ID)",
				   root);
	if (kuse->needs_ha && !HAS(a, KW_HA))
		return usage_error("use mn-ha with %s needs ha ADDR (the home agent address)",
				   root);
	if (kuse->needs_par && !HAS(a, KW_PAR))
		return usage_error("use fbu with msk needs par ADDR (the previous access router address)");
	return 0;
}

static int sa_add_check(const struct sa_add_args *a)
{
	int err = sa_add_check_key(a);

	if (err)
		return err;
	if (a->use != MIP6SEC_SA_USE_FBU && !HAS(a, KW_HOA) &&
	    !HAS(a, KW_HOME_PREFIX))
		return usage_error("use %s needs hoa ADDR or home-prefix PREFIX/LEN (what the mobile node may register)",
				   sa_use_names[a->use]);
	return 0;
}

static int sa_add_parse(struct sa_add_args *a, int argc, char **argv)
{
	const struct sa_key_kw *k;
	int i, err;

	for (; argc > 0; argc -= 2, argv += 2) {
		k = find_key_kw(argv[0]);
		i = k ? -1 : find_add_kw(argv[0]);
		if (!k && i < 0)
			return usage_error("unknown argument \"%s\"", argv[0]);
		if (argc < 2)
			return usage_error("\"%s\" needs an argument", argv[0]);
		/* "session-id $SID ha ..." with $SID empty: say so. */
		if (i != KW_NAI &&
		    (find_key_kw(argv[1]) || find_add_kw(argv[1]) >= 0))
			return usage_error("\"%s\" needs a value, not the keyword \"%s\" (an empty shell variable?)",
					   argv[0], argv[1]);
		if (k) {
			err = sa_add_key(a, k, argv[0], argv[1]);
		} else if (HAS(a, i)) {
			return usage_error("duplicate \"%s\"", argv[0]);
		} else {
			a->seen |= 1u << i;
			err = sa_add_arg(a, i, argv[1]);
		}
		if (err)
			return err;
	}
	return sa_add_check(a);
}

/* The final key and its name; the root key is wiped right after. */
static int sa_add_key_final(struct sa_add_args *a)
{
	struct key_src src = { 0 };
	int err = 0;

	if (a->src->root == SRC_KEY) {
		memcpy(a->key, a->in, a->in_len);
		a->key_len = a->in_len;
	} else {
		src.use = key_use_find(sa_use_names[a->use]);
		src.root = a->src->root;
		src.key = a->in;
		src.key_len = a->in_len;
		src.sid = a->sid;
		src.sid_len = a->sid_len;
		src.addr = src.use->needs_ha ? &a->ha :
			   src.use->needs_par ? &a->par : NULL;
		src.usrk_len = a->usrk_len;
		src.profile = a->profile;
		a->key_len = key_use_len(src.use, src.profile);
		if (key_derive(&src, a->key, a->key_len, a->name, &a->named)) {
			fputs("Error: key derivation failed (libcrypto or out of memory)\n",
			      stderr);
			err = EXIT_USAGE;
		}
	}
	OPENSSL_clear_free(a->in, a->in_len);
	a->in = NULL;
	a->in_len = 0;
	return err;
}

static size_t sa_add_attrs(const struct sa_add_args *a,
			   struct mip6sec_attr attrs[SA_ADD_MAX_ATTRS])
{
	size_t n = 0;

	attrs[n++] = (struct mip6sec_attr){ MIP6SEC_A_NAI, a->nai, a->nai_len };
	attrs[n++] = (struct mip6sec_attr){ MIP6SEC_A_SPI, &a->spi, 4 };
	attrs[n++] = (struct mip6sec_attr){ MIP6SEC_A_SA_USE, &a->use, 4 };
	attrs[n++] = (struct mip6sec_attr){ MIP6SEC_A_KEY, a->key, a->key_len };
	if (a->named)
		attrs[n++] = (struct mip6sec_attr){ MIP6SEC_A_KEY_NAME, a->name,
						    sizeof(a->name) };
	if (HAS(a, KW_HOA))
		attrs[n++] = (struct mip6sec_attr){ MIP6SEC_A_HOA, &a->hoa, 16 };
	if (HAS(a, KW_HOME_PREFIX)) {
		attrs[n++] = (struct mip6sec_attr){ MIP6SEC_A_HOME_PREFIX,
						    &a->prefix, 16 };
		attrs[n++] = (struct mip6sec_attr){ MIP6SEC_A_HOME_PREFIX_LEN,
						    &a->prefix_len, 4 };
	}
	if (HAS(a, KW_LIFETIME))
		attrs[n++] = (struct mip6sec_attr){ MIP6SEC_A_LIFETIME,
						    &a->lifetime, 4 };
	if (HAS(a, KW_REPLAY))
		attrs[n++] = (struct mip6sec_attr){ MIP6SEC_A_REPLAY,
						    &a->replay, 4 };
	return n;
}

int sa_add_run(int argc, char **argv, sa_add_send_fn send, void *arg)
{
	struct mip6sec_attr attrs[SA_ADD_MAX_ATTRS];
	struct sa_add_args a = { 0 };
	int err;

	err = sa_add_parse(&a, argc, argv);
	if (!err)
		err = sa_add_key_final(&a);
	if (!err)
		err = send(arg, attrs, sa_add_attrs(&a, attrs));
	if (a.in)
		OPENSSL_clear_free(a.in, a.in_len);
	if (a.sid)
		OPENSSL_clear_free(a.sid, a.sid_len);
	OPENSSL_cleanse(&a, sizeof(a));
	OPENSSL_cleanse(attrs, sizeof(attrs));
	return err;
}

static int sa_add_send(void *arg, const struct mip6sec_attr *attrs,
		       size_t nattrs)
{
	/* Generic netlink takes no NLM_F_CREATE/EXCL: add never replaces. */
	return mip6sec_request(arg, MIP6SEC_CMD_SA_ADD, NLM_F_ACK, attrs,
			       nattrs, NULL);
}

static int sa_add(struct mip6sec_ctx *ctx, int argc, char **argv)
{
	return sa_add_run(argc, argv, sa_add_send, ctx);
}

/* "nai NAI [spi SPI]" of sa del and sa show. */
struct sa_id {
	const char *nai;
	size_t nai_len;
	uint32_t spi;
	bool has_nai, has_spi;
};

static int parse_sa_id(int argc, char **argv, struct sa_id *id)
{
	bool nai;
	int err;

	for (; argc > 0; argc -= 2, argv += 2) {
		nai = !strcmp(argv[0], "nai");
		if (!nai && strcmp(argv[0], "spi"))
			return usage_error("unknown argument \"%s\"", argv[0]);
		if (argc < 2)
			return usage_error("\"%s\" needs an argument", argv[0]);
		if (nai ? id->has_nai : id->has_spi)
			return usage_error("duplicate \"%s\"", argv[0]);
		if (nai) {
			err = parse_nai(argv[1], false, &id->nai, &id->nai_len);
			id->has_nai = true;
		} else {
			err = parse_spi(argv[1], &id->spi);
			id->has_spi = true;
		}
		if (err)
			return err;
	}
	return 0;
}

static size_t sa_id_attrs(const struct sa_id *id, struct mip6sec_attr attrs[2])
{
	size_t n = 0;

	if (id->has_nai)
		attrs[n++] = (struct mip6sec_attr){ MIP6SEC_A_NAI, id->nai,
						    id->nai_len };
	if (id->has_spi)
		attrs[n++] = (struct mip6sec_attr){ MIP6SEC_A_SPI, &id->spi, 4 };
	return n;
}

static int sa_del(struct mip6sec_ctx *ctx, int argc, char **argv)
{
	struct mip6sec_attr attrs[2];
	struct sa_id id = { 0 };
	int err;

	err = parse_sa_id(argc, argv, &id);
	if (!err && !id.has_nai)
		err = usage_error("sa del needs nai NAI [spi SPI] (an SPI is unique only per NAI)");
	if (err)
		return err;
	return mip6sec_request(ctx, MIP6SEC_CMD_SA_DEL, NLM_F_ACK, attrs,
			       sa_id_attrs(&id, attrs), NULL);
}

/*
 * One SA (a get request with NAI and SPI), or a dump: all of them, or
 * those of an NAI or an SPI (the kernel filters the dump).
 */
static int sa_show(struct mip6sec_ctx *ctx, int argc, char **argv)
{
	struct mip6sec_replies r = { 0 };
	struct mip6sec_attr attrs[2];
	struct sa_id id = { 0 };
	int err;

	err = parse_sa_id(argc, argv, &id);
	if (err)
		return err;
	err = mip6sec_request(ctx, MIP6SEC_CMD_SA_GET,
			      id.has_nai && id.has_spi ? NLM_F_ACK : NLM_F_DUMP,
			      attrs, sa_id_attrs(&id, attrs), &r);
	if (!err)
		print_objs(ctx, &r, sa_fields);
	mip6sec_replies_free(&r);
	return err;
}

/*
 * The NAI as it came from the kernel, which may have taken it from a
 * packet (key-request): printable ASCII as it is, every other octet
 * (controls, space, backslash, anything above 0x7e) as \\xHH, so that
 * neither a terminal nor a JSON parser sees raw bytes and a text field
 * never contains a space.
 */
void nai_field(struct out *o, const struct mip6sec_obj *obj)
{
	char buf[4 * MIP6SEC_NAI_MAX + 1], *p = buf;
	size_t i;

	if (!OBJ_HAS(obj, MIP6SEC_A_NAI))
		return;
	for (i = 0; i < obj->nai_len; i++) {
		uint8_t c = obj->nai[i];

		if (c > ' ' && c < 0x7f && c != '\\')
			*p++ = c;
		else
			p += sprintf(p, "\\x%02x", c);
	}
	*p = 0;
	out_str(o, "nai", NULL, buf);
}

static void name_field(struct out *o, const char *key, uint32_t v,
		       const char *const *names, size_t n)
{
	char buf[32];

	if (v < n && names[v]) {
		out_str(o, key, NULL, names[v]);
		return;
	}
	snprintf(buf, sizeof(buf), "unknown-%u", v);
	out_str(o, key, NULL, buf);
}

void sa_use_field(struct out *o, uint32_t use)
{
	name_field(o, "use", use, sa_use_names, ARRAY_SIZE(sa_use_names));
}

/*
 * What the SA may register: "hoa ADDR" or "home_prefix PREFIX/LEN" (text:
 * "hoa none" for neither, use fbu); JSON always has both, one of them or
 * both null.
 */
static void home_fields(struct out *o, const struct mip6sec_obj *obj)
{
	bool pfx = OBJ_HAS(obj, MIP6SEC_A_HOME_PREFIX) &&
		   OBJ_HAS(obj, MIP6SEC_A_HOME_PREFIX_LEN);
	char buf[INET6_ADDRSTRLEN + 4];

	if (OBJ_HAS(obj, MIP6SEC_A_HOA))
		out_addr(o, "hoa", &obj->hoa);
	else if (o->json || !pfx)
		out_null(o, "hoa", "none");
	if (pfx) {
		inet_ntop(AF_INET6, &obj->home_prefix, buf, INET6_ADDRSTRLEN);
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "/%u",
			 obj->home_prefix_len);
		out_str(o, "home_prefix", NULL, buf);
	} else if (o->json) {
		out_null(o, "home_prefix", NULL);
	}
}

void sa_fields(struct out *o, const struct mip6sec_obj *obj)
{
	char hex[2 * MIP6SEC_KEY_NAME_LEN + 1];

	nai_field(o, obj);
	if (OBJ_HAS(obj, MIP6SEC_A_SPI))
		out_u64(o, "spi", NULL, obj->spi);
	if (OBJ_HAS(obj, MIP6SEC_A_SA_USE))
		sa_use_field(o, obj->sa_use);
	if (OBJ_HAS(obj, MIP6SEC_A_KEY_NAME)) {
		hex_encode(obj->key_name, sizeof(obj->key_name), hex);
		out_str(o, "key_name", NULL, hex);
	} else {
		out_null(o, "key_name", "none");
	}
	home_fields(o, obj);
	if (OBJ_HAS(obj, MIP6SEC_A_LIFETIME))
		out_u64(o, "lifetime", "lifetime %" PRIu64 "s", obj->lifetime);
	else
		out_null(o, "lifetime", "forever");
	if (OBJ_HAS(obj, MIP6SEC_A_REPLAY))
		name_field(o, "replay", obj->replay, replay_names,
			   ARRAY_SIZE(replay_names));
	if (OBJ_HAS(obj, MIP6SEC_A_USES))
		out_u64(o, "uses", NULL, obj->uses);
	if (OBJ_HAS(obj, MIP6SEC_A_LAST_SEQ))
		out_u64(o, "last_seq", NULL, obj->last_seq);
	else
		out_null(o, "last_seq", "none");
}

static const struct mip6sec_cmd sa_cmds[] = {
	{ "show", sa_show },
	{ "list", sa_show },
	{ "add", sa_add },
	{ "del", sa_del },
};

int do_sa(struct mip6sec_ctx *ctx, int argc, char **argv)
{
	return mip6sec_dispatch(ctx, sa_cmds, ARRAY_SIZE(sa_cmds), sa_help,
				argc, argv);
}
