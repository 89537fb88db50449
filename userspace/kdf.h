/* SPDX-License-Identifier: GPL-2.0 */
/*
 * HMAC-SHA-256 and the RFC 5295 key derivation function, on OpenSSL
 * libcrypto (no cryptography of our own).
 */
#ifndef MIP6SEC_KDF_H
#define MIP6SEC_KDF_H

#include <stddef.h>
#include <stdint.h>

#define KDF_HASH_LEN	32			/* SHA-256 output */
#define KDF_MAX_LEN	(255 * KDF_HASH_LEN)	/* one-octet block counter */

/* 0 on success, -1 if libcrypto failed (@out is then wiped). */
int hmac_sha256(const void *key, size_t key_len, const void *data,
		size_t data_len, uint8_t out[KDF_HASH_LEN]);

/*
 * RFC 5295 §3.1.2 KDF with PRF HMAC-SHA-256:
 *   S  = label | 0x00 | data | length (2 octets, network order)
 *   T1 = HMAC(K, S | 0x01), Tn = HMAC(K, Tn-1 | S | n)
 * @out gets the first @out_len octets of T1 | T2 | ... (HKDF-Expand with
 * info S). 0 on success; -1 if @out_len is 0 or above KDF_MAX_LEN or
 * libcrypto failed (@out is then wiped).
 */
int kdf_rfc5295(const void *key, size_t key_len, const char *label,
		const void *data, size_t data_len, uint8_t *out,
		size_t out_len);

/*
 * The same with @sep instead of the 0x00 after the label:
 *   S = label | sep | data | length
 * (draft-giaretta-mip6-amsk-02 4.2 prints S = L || " " || D || O).
 */
int kdf_rfc5295_sep(const void *key, size_t key_len, const char *label,
		    uint8_t sep, const void *data, size_t data_len,
		    uint8_t *out, size_t out_len);

#endif /* MIP6SEC_KDF_H */
