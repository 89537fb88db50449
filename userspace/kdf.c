// SPDX-License-Identifier: GPL-2.0
/*
 * HMAC-SHA-256 and the RFC 5295 KDF through the OpenSSL 3 EVP_MAC API.
 */
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "kdf.h"

/* A fresh HMAC-SHA-256 context, or NULL. */
static EVP_MAC_CTX *hmac_ctx_new(void)
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						 (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC_CTX *ctx = NULL;
	EVP_MAC *mac;

	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (!mac)
		return NULL;
	ctx = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);
	if (ctx && !EVP_MAC_CTX_set_params(ctx, params)) {
		EVP_MAC_CTX_free(ctx);
		ctx = NULL;
	}
	return ctx;
}

/* One HMAC over up to three pieces (NULL/0 pieces are skipped). */
static int hmac3(EVP_MAC_CTX *ctx, const void *key, size_t key_len,
		 const void *a, size_t a_len, const void *b, size_t b_len,
		 const void *c, size_t c_len, uint8_t out[KDF_HASH_LEN])
{
	size_t out_len = 0;

	if (!EVP_MAC_init(ctx, key, key_len, NULL) ||
	    (a_len && !EVP_MAC_update(ctx, a, a_len)) ||
	    (b_len && !EVP_MAC_update(ctx, b, b_len)) ||
	    (c_len && !EVP_MAC_update(ctx, c, c_len)) ||
	    !EVP_MAC_final(ctx, out, &out_len, KDF_HASH_LEN) ||
	    out_len != KDF_HASH_LEN)
		return -1;
	return 0;
}

int hmac_sha256(const void *key, size_t key_len, const void *data,
		size_t data_len, uint8_t out[KDF_HASH_LEN])
{
	EVP_MAC_CTX *ctx = hmac_ctx_new();
	int err = -1;

	if (ctx)
		err = hmac3(ctx, key, key_len, data, data_len, NULL, 0, NULL,
			    0, out);
	EVP_MAC_CTX_free(ctx);
	if (err)
		OPENSSL_cleanse(out, KDF_HASH_LEN);
	return err;
}

int kdf_rfc5295_sep(const void *key, size_t key_len, const char *label,
		    uint8_t sep, const void *data, size_t data_len,
		    uint8_t *out, size_t out_len)
{
	size_t label_len = strlen(label), s_len, done = 0;
	uint8_t t[KDF_HASH_LEN], *s = NULL;
	EVP_MAC_CTX *ctx = NULL;
	unsigned int n;
	int err = -1;

	if (!out_len || out_len > KDF_MAX_LEN)
		return -1;
	/* S = label | 0x00 | data | length */
	s_len = label_len + 1 + data_len + 2;
	s = OPENSSL_malloc(s_len);
	ctx = hmac_ctx_new();
	if (!s || !ctx)
		goto out;
	memcpy(s, label, label_len);
	s[label_len] = sep;
	if (data_len)
		memcpy(s + label_len + 1, data, data_len);
	s[s_len - 2] = out_len >> 8;
	s[s_len - 1] = out_len & 0xff;

	for (n = 1; done < out_len; n++) {
		uint8_t counter = n;
		size_t chunk = out_len - done;

		/* T1 has no Tn-1: the first piece is empty. */
		if (hmac3(ctx, key, key_len, t, n == 1 ? 0 : KDF_HASH_LEN,
			  s, s_len, &counter, 1, t))
			goto out;
		if (chunk > KDF_HASH_LEN)
			chunk = KDF_HASH_LEN;
		memcpy(out + done, t, chunk);
		done += chunk;
	}
	err = 0;
out:
	if (err)
		OPENSSL_cleanse(out, out_len);
	OPENSSL_cleanse(t, sizeof(t));
	if (s)
		OPENSSL_clear_free(s, s_len);
	EVP_MAC_CTX_free(ctx);
	return err;
}

int kdf_rfc5295(const void *key, size_t key_len, const char *label,
		const void *data, size_t data_len, uint8_t *out,
		size_t out_len)
{
	return kdf_rfc5295_sep(key, key_len, label, 0, data, data_len, out,
			       out_len);
}
