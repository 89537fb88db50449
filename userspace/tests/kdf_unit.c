// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of kdf.c: the HMAC-SHA-256 wrapper against RFC 4231 §4
 * test cases 1-4 and 6, and the RFC 5295 KDF against an independently
 * computed vector and against the RFC 5295 chain written out on HMAC. Prints
 * "ok - NAME" / "not ok - NAME" lines; tests/run.sh numbers them.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "kdf.h"

static int failures;

static void check(const char *name, bool ok)
{
	printf("%sok - %s\n", ok ? "" : "not ", name);
	failures += !ok;
}

static void to_hex(const uint8_t *p, size_t len, char *hex)
{
	size_t i;

	for (i = 0; i < len; i++)
		sprintf(hex + 2 * i, "%02x", p[i]);
	hex[2 * len] = 0;
}

static void check_hex(const char *name, const uint8_t *got, size_t len,
		      const char *want)
{
	char hex[2 * 256 + 1];
	bool ok;

	to_hex(got, len, hex);
	ok = !strcmp(hex, want);
	check(name, ok);
	if (!ok)
		printf("# want: %s\n# got:  %s\n", want, hex);
}

/* RFC 4231 §4.2-4.5 and §4.7 (test case 5 is truncated, left out). */
static void test_rfc4231(void)
{
	static const char tc6_data[] =
		"Test Using Larger Than Block-Size Key - Hash Key First";
	uint8_t key[131], data[50], mac[KDF_HASH_LEN];
	size_t i;

	memset(key, 0x0b, 20);
	check("RFC 4231 TC1 runs", !hmac_sha256(key, 20, "Hi There", 8, mac));
	check_hex("RFC 4231 TC1", mac, sizeof(mac),
		  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");

	check("RFC 4231 TC2 runs", !hmac_sha256("Jefe", 4,
		"what do ya want for nothing?", 28, mac));
	check_hex("RFC 4231 TC2", mac, sizeof(mac),
		  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");

	memset(key, 0xaa, 20);
	memset(data, 0xdd, 50);
	check("RFC 4231 TC3 runs", !hmac_sha256(key, 20, data, 50, mac));
	check_hex("RFC 4231 TC3", mac, sizeof(mac),
		  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");

	for (i = 0; i < 25; i++)
		key[i] = i + 1;
	memset(data, 0xcd, 50);
	check("RFC 4231 TC4 runs", !hmac_sha256(key, 25, data, 50, mac));
	check_hex("RFC 4231 TC4", mac, sizeof(mac),
		  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");

	memset(key, 0xaa, 131);
	check("RFC 4231 TC6 runs", !hmac_sha256(key, 131, tc6_data,
						strlen(tc6_data), mac));
	check_hex("RFC 4231 TC6", mac, sizeof(mac),
		  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

/*
 * The RFC 5295 chain written out, on the HMAC wrapper checked above:
 * T1 = HMAC(K, S | 1), Tn = HMAC(K, Tn-1 | S | n). A reference for
 * kdf_rfc5295(), which hands the whole job to OpenSSL's HKDF.
 */
static int kdf_reference(const uint8_t *key, size_t key_len, const uint8_t *s,
			 size_t s_len, uint8_t *out, size_t out_len)
{
	static uint8_t buf[KDF_HASH_LEN + 128 + 1];
	uint8_t t[KDF_HASH_LEN];
	size_t done = 0, t_len = 0, chunk;
	unsigned int n;

	for (n = 1; done < out_len; n++) {
		memcpy(buf, t, t_len);
		memcpy(buf + t_len, s, s_len);
		buf[t_len + s_len] = n;
		if (hmac_sha256(key, key_len, buf, t_len + s_len + 1, t))
			return -1;
		t_len = KDF_HASH_LEN;
		chunk = out_len - done < KDF_HASH_LEN ? out_len - done : KDF_HASH_LEN;
		memcpy(out + done, t, chunk);
		done += chunk;
	}
	return 0;
}

static void test_kdf(void)
{
	static const char label[] = "EAP Re-authentication Root Key@ietf.org";
	static const size_t lens[] = { 1, 16, 20, 31, 32, 33, 64, 65, 100,
				       1000, KDF_MAX_LEN };
	static uint8_t a[KDF_MAX_LEN], b[KDF_MAX_LEN];
	uint8_t emsk[64], data[16], info[64];
	size_t i, info_len;
	bool ok = true;

	/* reference/specs.md §6.6, computed there with Python hmac. */
	for (i = 0; i < sizeof(emsk); i++)
		emsk[i] = i;
	check("KDF ERP rRK runs",
	      !kdf_rfc5295(emsk, sizeof(emsk), label, NULL, 0, a, 64));
	check_hex("KDF ERP rRK (specs 6.6)", a, 64,
		  "7b14d586a7f98c5aa759a92e4f53401f620815e34995bd78465a0513"
		  "7a42b76d5760970ff244d961786310da187cc7e63b6c16173ac2b019"
		  "8f4ddd81573c13fb");

	/* The RFC 5295 chain with S = label | 0 | data | length. */
	for (i = 0; i < sizeof(data); i++)
		data[i] = 0xa0 + i;
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		size_t n = lens[i];

		info_len = 0;
		memcpy(info, "MIPv6-IKEv2-key", 15);
		info_len = 15;
		info[info_len++] = 0;
		memcpy(info + info_len, data, sizeof(data));
		info_len += sizeof(data);
		info[info_len++] = n >> 8;
		info[info_len++] = n & 0xff;
		ok &= !kdf_rfc5295(emsk, sizeof(emsk), "MIPv6-IKEv2-key", data,
				   sizeof(data), a, n) &&
		      !kdf_reference(emsk, sizeof(emsk), info, info_len, b, n) &&
		      !memcmp(a, b, n);
	}
	check("KDF equals the RFC 5295 chain, 1 to 8160 octets", ok);

	/* A longer output does not just extend a shorter one: L is in S. */
	kdf_rfc5295(emsk, sizeof(emsk), "x", NULL, 0, a, 32);
	kdf_rfc5295(emsk, sizeof(emsk), "x", NULL, 0, b, 33);
	check("KDF length is part of the input", memcmp(a, b, 32));

	check("KDF refuses length 0",
	      kdf_rfc5295(emsk, sizeof(emsk), "x", NULL, 0, a, 0) == -1);
	memset(a, 0x55, sizeof(a));
	check("KDF refuses length 8161",
	      kdf_rfc5295(emsk, sizeof(emsk), "x", NULL, 0, a,
			  KDF_MAX_LEN + 1) == -1 && a[0] == 0x55);
}

int main(void)
{
	test_rfc4231();
	test_kdf();
	return failures ? 1 : 0;
}
