// SPDX-License-Identifier: GPL-2.0
/*
 * Mobile IPv6 keys from the EAP key hierarchy: the one place where the
 * labels, inputs and names of draft-giaretta-mip6-amsk-02 (and of the
 * project's FMIPv6 fast handover key) are put together. The arithmetic is
 * kdf.c's, on OpenSSL.
 */
#include <string.h>
#include <openssl/crypto.h>

#include "mip6sec.h"
#include "keys.h"

const char *const key_root_names[ROOT_COUNT] = {
	[ROOT_EMSK] = "emsk", [ROOT_USRK] = "usrk", [ROOT_MSK] = "msk",
};

const char *const kdf_profile_names[KDF_PROFILE_COUNT] = {
	[KDF_PROFILE_RFC5295] = "rfc5295", [KDF_PROFILE_DRAFT] = "draft",
};

static const struct key_use key_uses[] = {
	{ .name = "usrk", .label = LABEL_USRK, .len = USRK_LEN,
	  .from_emsk = true, .var_len = true, .is_usrk = true },
	{ .name = "ikev2", .label = LABEL_IKEV2, .len = AMSK_LEN,
	  .from_emsk = true, .from_usrk = true, .needs_ha = true,
	  .var_len = true },
	{ .name = "mn-ha", .label = LABEL_MN_HA, .len = AMSK_LEN,
	  .from_emsk = true, .from_usrk = true, .needs_ha = true },
	{ .name = "mn-aaa", .label = LABEL_MN_AAA, .len = AMSK_LEN,
	  .from_emsk = true, .from_usrk = true },
	{ .name = "fbu", .label = LABEL_FHK, .len = FHK_LEN,
	  .from_msk = true, .needs_par = true },
};

const struct key_use *key_use_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(key_uses); i++)
		if (!strcmp(name, key_uses[i].name))
			return &key_uses[i];
	return NULL;
}

bool key_use_from(const struct key_use *use, enum key_root root)
{
	return (root == ROOT_EMSK && use->from_emsk) ||
	       (root == ROOT_USRK && use->from_usrk) ||
	       (root == ROOT_MSK && use->from_msk);
}

const char *key_use_roots(const struct key_use *use)
{
	return use->from_msk ? "needs msk" :
	       use->from_usrk ? "needs emsk or usrk" : "needs emsk";
}

int key_root_find(const char *name)
{
	int i;

	for (i = 0; i < ROOT_COUNT; i++)
		if (!strcmp(name, key_root_names[i]))
			return i;
	return -1;
}

int kdf_profile_find(const char *name)
{
	int i;

	for (i = 0; i < KDF_PROFILE_COUNT; i++)
		if (!strcmp(name, kdf_profile_names[i]))
			return i;
	return -1;
}

size_t key_use_len(const struct key_use *use, enum kdf_profile profile)
{
	if (use->is_usrk && profile == KDF_PROFILE_DRAFT)
		return USRK_LEN_DRAFT;
	return use->len;
}

int key_root_check_len(enum key_root root, size_t len)
{
	const char *name = key_root_names[root];
	size_t min = root == ROOT_USRK ? USRK_MIN : EAP_KEY_LEN;
	size_t max = root == ROOT_USRK ? KDF_MAX_LEN : EAP_KEY_LEN;

	if (len >= min && len <= max)
		return 0;
	if (min == max)
		return usage_error("an %s is %zu octets (%zu hex digits), got %zu octets",
				   name, min, 2 * min, len);
	return usage_error("a %s is %zu to %zu octets, got %zu",
			   name, min, max, len);
}

int key_derive(const struct key_src *src, uint8_t *out, size_t len,
	       uint8_t name[KEY_NAME_LEN], bool *named)
{
	const struct key_use *use = src->use;
	size_t k_len = src->key_len, usrk_len = 0, data_len = 0;
	const uint8_t *k = src->key, *data = NULL;
	uint8_t *usrk = NULL, mac[KDF_HASH_LEN], sep = 0;
	int err = -1;

	*named = false;
	if (!key_use_from(use, src->root) ||
	    ((use->needs_ha || use->needs_par) && !src->addr) ||
	    ((use->is_usrk || src->root == ROOT_EMSK) && !src->sid))
		goto out;

	/* MIP6-USRK = KDF(EMSK, "MIPv6-USRK-key", EAP Session-ID, 64) */
	if (src->root == ROOT_EMSK && !use->is_usrk) {
		usrk_len = src->usrk_len ? src->usrk_len :
			   key_use_len(key_use_find("usrk"), src->profile);
		usrk = OPENSSL_malloc(usrk_len);
		if (!usrk || kdf_rfc5295(src->key, src->key_len, LABEL_USRK,
					 src->sid, src->sid_len, usrk,
					 usrk_len))
			goto out;
		k = usrk;
		k_len = usrk_len;
	}
	if (use->is_usrk) {
		data = src->sid;
		data_len = src->sid_len;
	} else if (use->needs_ha || use->needs_par) {
		data = src->addr->s6_addr;
		data_len = sizeof(src->addr->s6_addr);
	}
	/* draft 4.2: S = L || " " || D || O for the keys from the USRK */
	if (src->profile == KDF_PROFILE_DRAFT && use->from_usrk)
		sep = ' ';
	if (kdf_rfc5295_sep(k, k_len, use->label, sep, data, data_len, out,
			    len))
		goto out;

	if (use->is_usrk) {
		/* USRK name = PRF-64(EAP Session-ID, key label) */
		if (hmac_sha256(src->sid, src->sid_len, LABEL_USRK,
				strlen(LABEL_USRK), mac))
			goto out;
		*named = true;
	} else if (src->sid) {
		/* AMSK (and FHK) name = PRF-64(key, EAP Session-ID) */
		if (hmac_sha256(out, len, src->sid, src->sid_len, mac))
			goto out;
		*named = true;
	}
	if (*named)
		memcpy(name, mac, KEY_NAME_LEN);
	err = 0;
out:
	if (err) {
		OPENSSL_cleanse(out, len);
		OPENSSL_cleanse(name, KEY_NAME_LEN);
		*named = false;
	}
	OPENSSL_cleanse(mac, sizeof(mac));
	if (usrk)
		OPENSSL_clear_free(usrk, usrk_len);
	return err;
}
