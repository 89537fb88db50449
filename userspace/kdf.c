// SPDX-License-Identifier: GPL-2.0
/*
 * HMAC-SHA-256 (OpenSSL 3 EVP_MAC) and the RFC 5295 KDF (EVP_KDF "HKDF",
 * expand only).
 */
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
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

/*
 * The RFC 5295 KDF is HKDF-Expand (RFC 5869 2.3) with info = S: T(0) is
 * empty and T(n) = HMAC(K, T(n-1) | S | n). OpenSSL's HKDF in
 * EXPAND_ONLY mode computes exactly that, with K as the PRK. sep is the
 * octet between label and data: 0x00 in RFC 5295, a space in the
 * draft-giaretta-mip6-amsk profile.
 */
int kdf_rfc5295_sep(const void *key, size_t key_len, const char *label,
		    uint8_t sep, const void *data, size_t data_len,
		    uint8_t *out, size_t out_len)
{
	size_t label_len = strlen(label), s_len;
	int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
	EVP_KDF_CTX *kctx = NULL;
	OSSL_PARAM params[5];
	EVP_KDF *kdf = NULL;
	uint8_t *s = NULL;
	int err = -1;

	if (!out_len || out_len > KDF_MAX_LEN || !key_len)
		return -1;
	/* S = label | sep | data | length */
	s_len = label_len + 1 + data_len + 2;
	s = OPENSSL_malloc(s_len);
	if (!s)
		goto out;
	memcpy(s, label, label_len);
	s[label_len] = sep;
	if (data_len)
		memcpy(s + label_len + 1, data, data_len);
	s[s_len - 2] = out_len >> 8;
	s[s_len - 1] = out_len & 0xff;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
						     (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
	params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
						      (void *)key, key_len);
	params[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
						      s, s_len);
	params[4] = OSSL_PARAM_construct_end();
	kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	kctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	if (kctx && EVP_KDF_derive(kctx, out, out_len, params) == 1)
		err = 0;
out:
	if (err)
		OPENSSL_cleanse(out, out_len);
	if (s)
		OPENSSL_clear_free(s, s_len);
	EVP_KDF_CTX_free(kctx);	/* clears the key it holds */
	EVP_KDF_free(kdf);
	return err;
}

int kdf_rfc5295(const void *key, size_t key_len, const char *label,
		const void *data, size_t data_len, uint8_t *out,
		size_t out_len)
{
	return kdf_rfc5295_sep(key, key_len, label, 0, data, data_len, out,
			       out_len);
}
