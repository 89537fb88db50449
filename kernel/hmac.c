// SPDX-License-Identifier: GPL-2.0
/*
 * mip6sec: HMAC-SHA1-96 authenticators (RFC 6275 6.2.7, RFC 4285 5).
 *
 * One keyed "hmac(sha1)" transform per provisioned key, prepared when the
 * key is provisioned (process context): the packet path only hashes, with
 * the request state on the stack, so it never allocates nor re-keys a
 * shared transform. Freeing the transform wipes the key schedule. Keys
 * made for one message (return routability) use a per-CPU transform.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <crypto/sha1.h>
#include <linux/err.h>
#include <linux/string.h>

#include "mip6sec.h"
#include "mh.h"

int mip6sec_hmac_init(struct mip6sec_hmac *h, const u8 *key, unsigned int len)
{
	struct crypto_shash *tfm;
	int err;

	tfm = crypto_alloc_shash("hmac(sha1)", 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	err = crypto_shash_setkey(tfm, key, len);
	if (err) {
		crypto_free_shash(tfm);
		return err;
	}
	h->tfm = tfm;
	h->key = NULL;
	return 0;
}

void mip6sec_hmac_destroy(struct mip6sec_hmac *h)
{
	crypto_free_shash(h->tfm);
	h->tfm = NULL;
}

/*
 * Keys that live only while one message is processed (return routability's
 * Kbm, RFC 6275 5.2.5) have no transform of their own: each CPU has one,
 * keyed for each use. Softirqs are off on the packet path, where it is
 * used, so nothing else runs on this CPU's transform meanwhile; keying it
 * neither sleeps nor allocates (hmac_setkey() hashes on the stack).
 */
static DEFINE_PER_CPU(struct crypto_shash *, mip6sec_hmac_pcpu);

static struct crypto_shash *hmac_tfm(const struct mip6sec_hmac *h)
{
	struct crypto_shash *tfm;

	if (h->tfm)
		return h->tfm;
	lockdep_assert_in_softirq();
	tfm = this_cpu_read(mip6sec_hmac_pcpu);
	if (crypto_shash_setkey(tfm, h->key, SHA1_DIGEST_SIZE))
		return NULL;
	return tfm;
}

/* Hash seg[0] | ... | seg[n - 1] with @tfm into @digest. */
static int shash_segs(struct crypto_shash *tfm, const struct mh_seg *seg,
		      int n, u8 *digest)
{
	SHASH_DESC_ON_STACK(desc, tfm);
	int err, i;

	desc->tfm = tfm;
	err = crypto_shash_init(desc);
	for (i = 0; !err && i < n; i++)
		err = crypto_shash_update(desc, seg[i].p, seg[i].len);
	if (!err)
		err = crypto_shash_final(desc, digest);
	shash_desc_zero(desc);
	return err;
}

/*
 * First(@len, HMAC-SHA1(key, seg[0] | ... | seg[n - 1])), @len at most
 * SHA1_DIGEST_SIZE. Any context for a key with its own transform; with
 * softirqs off for an on-stack key.
 */
int mip6sec_hmac_sha1(const struct mip6sec_hmac *h, const struct mh_seg *seg,
		      int n, u8 *out, unsigned int len)
{
	struct crypto_shash *tfm = hmac_tfm(h);
	u8 digest[SHA1_DIGEST_SIZE];
	int err;

	if (!tfm)
		return -EINVAL;
	err = shash_segs(tfm, seg, n, digest);
	if (!err)
		memcpy(out, digest, min_t(unsigned int, len, sizeof(digest)));
	memzero_explicit(digest, sizeof(digest));
	return err;
}

/* First(96, HMAC-SHA1(key, seg[0] | ... | seg[n - 1])). */
int mip6sec_hmac_sha1_96(const struct mip6sec_hmac *h,
			 const struct mh_seg *seg, int n,
			 u8 out[MIP6SEC_AUTH_LEN])
{
	return mip6sec_hmac_sha1(h, seg, n, out, MIP6SEC_AUTH_LEN);
}

/* Unkeyed SHA-1 (MN-AAA hash, Kbm of return routability): one transform. */
static struct crypto_shash *mip6sec_sha1_tfm;

int __init mip6sec_hmac_module_init(void)
{
	struct crypto_shash *tfm;
	int cpu;

	tfm = crypto_alloc_shash("sha1", 0, 0);
	if (IS_ERR(tfm)) {
		pr_err("cannot allocate sha1: %ld\n", PTR_ERR(tfm));
		return PTR_ERR(tfm);
	}
	mip6sec_sha1_tfm = tfm;
	for_each_possible_cpu(cpu) {
		tfm = crypto_alloc_shash("hmac(sha1)", 0, 0);
		if (IS_ERR(tfm)) {
			pr_err("cannot allocate hmac(sha1): %ld\n",
			       PTR_ERR(tfm));
			mip6sec_hmac_module_exit();
			return PTR_ERR(tfm);
		}
		per_cpu(mip6sec_hmac_pcpu, cpu) = tfm;
	}
	return 0;
}

/* Freeing a transform wipes its key schedule. */
void mip6sec_hmac_module_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		crypto_free_shash(per_cpu(mip6sec_hmac_pcpu, cpu));
		per_cpu(mip6sec_hmac_pcpu, cpu) = NULL;
	}
	crypto_free_shash(mip6sec_sha1_tfm);
	mip6sec_sha1_tfm = NULL;
}

/* SHA1(seg[0] | ... | seg[n - 1]) into @out, SHA1_DIGEST_SIZE octets. */
int mip6sec_sha1(const struct mh_seg *seg, int n, u8 *out)
{
	return shash_segs(mip6sec_sha1_tfm, seg, n, out);
}

/*
 * RFC 4285 5.2, hash_fn HMAC_SHA1: "Authentication data = hash_fn(MN-AAA
 * Shared key, MAC_Mobility Data)" with "MAC_Mobility Data = SHA1(care-of
 * address | home address | MH Data)": HMAC-SHA1(key, SHA1(seg[0] | ... |
 * seg[n - 1])), all 160 bits (the RFC truncates only the MN-HA MAC).
 */
int mip6sec_hmac_sha1_aaa(const struct mip6sec_hmac *h,
			  const struct mh_seg *seg, int n,
			  u8 out[SHA1_DIGEST_SIZE])
{
	u8 digest[SHA1_DIGEST_SIZE];
	struct mh_seg inner = { digest, sizeof(digest) };
	int err;

	err = mip6sec_sha1(seg, n, digest);
	if (!err)
		err = mip6sec_hmac_sha1(h, &inner, 1, out, SHA1_DIGEST_SIZE);
	memzero_explicit(digest, sizeof(digest));
	return err;
}

/* Constant-time comparison of a received authenticator of @len octets. */
bool mip6sec_mac_equal(const u8 *a, const u8 *b, unsigned int len)
{
	return !crypto_memneq(a, b, len);
}

/* The same for the 96-bit authenticators. */
bool mip6sec_auth_equal(const u8 *a, const u8 *b)
{
	return mip6sec_mac_equal(a, b, MIP6SEC_AUTH_LEN);
}

/*
 * Known-answer test at load time (RFC 2202 test case 1, truncated to 96
 * bits): refuse to load rather than accept or reject signalling with a
 * broken HMAC. Its key is 20 octets, like a Kbm: in FIPS mode hmac()
 * refuses keys shorter than 112 bits (test case 2's "Jefe" among them),
 * and the module must load there too.
 */
int __init mip6sec_hmac_selftest(void)
{
	static const u8 key[20] = {
		0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
		0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
	};
	static const u8 data[] = "Hi There";
	static const u8 expect[MIP6SEC_AUTH_LEN] = {
		0xb6, 0x17, 0x31, 0x86, 0x55, 0x05, 0x72, 0x64,
		0xe2, 0x8b, 0xc0, 0xb6,
	};
	struct mh_seg seg[2] = {
		{ data, 3 },
		{ data + 3, sizeof(data) - 1 - 3 },
	};
	struct mip6sec_hmac h;
	u8 out[MIP6SEC_AUTH_LEN];
	int err;

	err = mip6sec_hmac_init(&h, key, sizeof(key));
	if (err) {
		pr_err("cannot set up hmac(sha1): %d\n", err);
		return err;
	}
	err = mip6sec_hmac_sha1_96(&h, seg, ARRAY_SIZE(seg), out);
	mip6sec_hmac_destroy(&h);
	if (err || !mip6sec_auth_equal(out, expect)) {
		pr_err("hmac(sha1) self-test failed\n");
		return -EINVAL;
	}
	return 0;
}
