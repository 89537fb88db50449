// SPDX-License-Identifier: GPL-2.0
/*
 * Argument parsing helpers: addresses, keys, command tables.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <netlink/msg.h>
#include <openssl/crypto.h>

#include "mip6sec.h"
#include "kdf.h"

#define KEY_FILE_MAX 4096
/* Keys up to KDF_MAX_LEN octets: hex digits and whitespace. */
#define HEX_FILE_MAX (4 * KDF_MAX_LEN)

bool batch_mode;

/*
 * A key given on the command line (key HEX, emsk HEX, ...): refused in a
 * batch file, which must name key files instead (@instead says how) (a configuration file is
 * read by more tools and people than a key file should be).
 */
int inline_key_check(const char *kw, const char *instead)
{
	if (!batch_mode)
		return 0;
	return usage_error("\"%s\" would put a key in the batch file: use %s instead",
			   kw, instead);
}

int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("Error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

int parse_addr(const char *s, const char *what, struct in6_addr *addr)
{
	if (inet_pton(AF_INET6, s, addr) != 1)
		return usage_error("invalid IPv6 address \"%s\" for %s", s, what);
	return 0;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Hex with an optional 0x prefix, whitespace ignored, into buf: at most
 * max octets are stored. Returns the number of hex digits seen (which may
 * exceed 2 * max), or -1 at a character that is neither hex nor space.
 */
ssize_t hex_decode(const char *s, size_t len, uint8_t *buf, size_t max)
{
	size_t i = 0, digits = 0;

	while (i < len && isspace((unsigned char)s[i]))
		i++;
	if (len - i >= 2 && s[i] == '0' && (s[i + 1] | 0x20) == 'x')
		i += 2;
	for (; i < len; i++) {
		int v = hex_value(s[i]);

		if (v < 0 && isspace((unsigned char)s[i]))
			continue;
		if (v < 0)
			return -1;
		if (digits < 2 * max)
			buf[digits / 2] = digits % 2 ? buf[digits / 2] | v : v << 4;
		digits++;
	}
	return digits;
}

/*
 * Exactly MIP6SEC_KBM_LEN octets in hex, optional 0x prefix, whitespace
 * ignored. Nothing of the input is ever echoed back.
 */
int parse_kbm_hex(const char *s, size_t len, uint8_t key[MIP6SEC_KBM_LEN])
{
	ssize_t digits = hex_decode(s, len, key, MIP6SEC_KBM_LEN);

	if (digits < 0) {
		explicit_bzero(key, MIP6SEC_KBM_LEN);
		return usage_error("the key contains a character that is not a hex digit");
	}
	if (digits != 2 * MIP6SEC_KBM_LEN) {
		explicit_bzero(key, MIP6SEC_KBM_LEN);
		return usage_error("a Kbm is %d octets (%d hex digits), got %zd",
				   MIP6SEC_KBM_LEN, 2 * MIP6SEC_KBM_LEN, digits);
	}
	return 0;
}

/*
 * Hex with an optional 0x prefix, whitespace ignored, into a new buffer
 * (*out, *out_len) that the caller frees with OPENSSL_clear_free(). @what
 * names the value in errors; nothing of the input is echoed back.
 */
int parse_hex(const char *s, size_t len, const char *what, uint8_t **out,
	      size_t *out_len)
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
		OPENSSL_clear_free(buf, size);
		return usage_error("the %s contains a character that is not a hex digit",
				   what);
	}
	if (digits % 2) {
		OPENSSL_clear_free(buf, size);
		return usage_error("the %s has an odd number of hex digits (%zd)",
				   what, digits);
	}
	*out = buf;
	*out_len = digits / 2;
	return 0;
}

/* @len octets as 2 * @len lower-case hex digits and a NUL. */
void hex_encode(const uint8_t *p, size_t len, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		hex[2 * i] = digits[p[i] >> 4];
		hex[2 * i + 1] = digits[p[i] & 15];
	}
	hex[2 * len] = 0;
}

/* A decimal number from @min to @max (no sign, no blanks). */
int parse_u32(const char *s, const char *what, uint32_t min, uint32_t max,
	      uint32_t *val)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (!isdigit((unsigned char)s[0]))
		goto bad;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		goto bad;
	*val = v;
	return 0;
bad:
	return usage_error("invalid %s \"%s\": a number from %u to %u", what, s,
			   min, max);
}

static int read_all(int fd, char *buf, size_t size, size_t *len)
{
	ssize_t n;

	*len = 0;
	while (*len < size) {
		n = read(fd, buf + *len, size - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		*len += n;
	}
	return 0;
}

/*
 * A key file that its group or others may read or write gets a warning,
 * as wg-quick(8) gives for its configuration: the key still works, but
 * whoever can read the file can forge Binding Updates.
 */
static void key_file_mode_check(int fd, const char *kw, const char *path)
{
	struct stat st;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || !(st.st_mode & 077))
		return;
	fprintf(stderr, "Warning: %s \"%s\" is accessible by %s (mode %04o): chmod 600 it\n",
		kw, path, st.st_mode & 007 ? "others" : "its group",
		(unsigned int)(st.st_mode & 07777));
}

/*
 * Up to @size - 1 octets of FILE ("-" is standard input) into @buf. @kw
 * ("key-file") and @what ("key") name it in errors. 0 or a usage error.
 */
static int read_text(const char *kw, const char *what, const char *path,
		     char *buf, size_t size, size_t *len)
{
	bool is_stdin = !strcmp(path, "-");
	int fd, err;

	*len = 0;
	fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return usage_error("cannot open %s \"%s\": %s", kw, path,
				   strerror(errno));
	if (!is_stdin)
		key_file_mode_check(fd, kw, path);
	err = read_all(fd, buf, size, len);
	if (!is_stdin)
		close(fd);
	if (err && is_stdin)
		return usage_error("cannot read the %s from standard input: %s",
				   what, strerror(-err));
	if (err)
		return usage_error("cannot read %s \"%s\": %s", kw, path,
				   strerror(-err));
	if (*len == size && is_stdin)
		return usage_error("the %s on standard input is too large", what);
	if (*len == size)
		return usage_error("%s \"%s\" is too large", kw, path);
	return 0;
}

/* FILE holds the key in hex, "-" is standard input. */
int read_key_file(const char *path, uint8_t key[MIP6SEC_KBM_LEN])
{
	char buf[KEY_FILE_MAX];
	size_t len;
	int err;

	err = read_text("key-file", "key", path, buf, sizeof(buf), &len);
	if (!err)
		err = parse_kbm_hex(buf, len, key);
	explicit_bzero(buf, sizeof(buf));
	return err;
}

/*
 * A key of any length in hex from FILE ("-" is standard input) into a new
 * buffer, as parse_hex(). @kw ("emsk-file") and @what ("emsk") name it.
 */
int read_hex_file(const char *kw, const char *what, const char *path,
		  uint8_t **out, size_t *out_len)
{
	size_t size = HEX_FILE_MAX + 1, len;
	char *buf = OPENSSL_malloc(size);
	int err;

	*out = NULL;
	*out_len = 0;
	if (!buf)
		return usage_error("out of memory");
	err = read_text(kw, what, path, buf, size, &len);
	if (!err)
		err = parse_hex(buf, len, what, out, out_len);
	OPENSSL_clear_free(buf, size);
	return err;
}

bool is_help(const char *arg)
{
	return !strcmp(arg, "help") || !strcmp(arg, "-h") ||
	       !strcmp(arg, "--help");
}

/*
 * Find @word in a table whose entries start with a name: an exact match,
 * else a unique prefix. @stride is the size of one entry.
 */
const void *lookup(const char *word, const void *table, size_t n,
		   size_t stride, bool *ambiguous)
{
	const void *found = NULL;
	size_t i, len = strlen(word);

	*ambiguous = false;
	for (i = 0; i < n; i++) {
		const void *entry = (const char *)table + i * stride;
		const char *name = *(const char *const *)entry;

		if (!strcmp(word, name))
			return entry;
		if (len && !strncmp(word, name, len)) {
			*ambiguous = found != NULL;
			found = found ? found : entry;
		}
	}
	return *ambiguous ? NULL : found;
}

/* Run the command in argv[0]; no command means the first of the table. */
int mip6sec_dispatch(struct mip6sec_ctx *ctx, const struct mip6sec_cmd *cmds,
		     size_t ncmds, const char *help, int argc, char **argv)
{
	const struct mip6sec_cmd *cmd = &cmds[0];
	bool ambiguous;

	if (argc > 0) {
		if (is_help(argv[0])) {
			fputs(help, stdout);
			return 0;
		}
		cmd = lookup(argv[0], cmds, ncmds, sizeof(*cmds), &ambiguous);
		if (!cmd) {
			fprintf(stderr, "Error: %s command \"%s\" for %s\n",
				ambiguous ? "ambiguous" : "unknown", argv[0],
				ctx->obj);
			fputs(help, stderr);
			return EXIT_USAGE;
		}
		argc--;
		argv++;
	}
	ctx->cmd = cmd->name;
	return cmd->fn(ctx, argc, argv);
}

void print_objs(struct mip6sec_ctx *ctx, const struct mip6sec_replies *r,
		void (*fields)(struct out *o, const struct mip6sec_obj *obj))
{
	struct mip6sec_obj obj;
	size_t i;

	out_array_begin(&ctx->out);
	for (i = 0; i < r->n; i++) {
		if (mip6sec_obj_parse(nlmsg_hdr(r->msg[i]), &obj) < 0) {
			fprintf(stderr, "Warning: ignoring a malformed reply\n");
			continue;
		}
		out_obj_begin(&ctx->out, false);
		fields(&ctx->out, &obj);
		out_obj_end(&ctx->out);
	}
	out_array_end(&ctx->out);
}

/*
 * "OBJECT show [HOA]": a get request for one home address, or a dump.
 * @what names the object in usage errors.
 */
int show_by_hoa(struct mip6sec_ctx *ctx, const char *what, uint8_t cmd,
		void (*fields)(struct out *o, const struct mip6sec_obj *obj),
		int argc, char **argv)
{
	struct mip6sec_attr attr = { MIP6SEC_A_HOA, NULL, 16 };
	struct mip6sec_replies r = { 0 };
	struct in6_addr hoa;
	int err;

	if (argc > 1)
		return usage_error("%s show takes at most one home address", what);
	if (argc == 1) {
		err = parse_addr(argv[0], "hoa", &hoa);
		if (err)
			return err;
		attr.data = &hoa;
		err = mip6sec_request(ctx, cmd, NLM_F_ACK, &attr, 1, &r);
	} else {
		err = mip6sec_request(ctx, cmd, NLM_F_DUMP, NULL, 0, &r);
	}
	if (!err)
		print_objs(ctx, &r, fields);
	mip6sec_replies_free(&r);
	return err;
}

/* "OBJECT del HOA" */
int del_by_hoa(struct mip6sec_ctx *ctx, const char *what, uint8_t cmd,
	       int argc, char **argv)
{
	struct mip6sec_attr attr = { MIP6SEC_A_HOA, NULL, 16 };
	struct in6_addr hoa;
	int err;

	if (argc != 1)
		return usage_error("%s del needs exactly one home address", what);
	err = parse_addr(argv[0], "hoa", &hoa);
	if (err)
		return err;
	attr.data = &hoa;
	return mip6sec_request(ctx, cmd, NLM_F_ACK, &attr, 1, NULL);
}
