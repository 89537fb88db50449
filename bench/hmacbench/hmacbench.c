// SPDX-License-Identifier: GPL-2.0
/*
 * hmacbench: raw cost of the HMAC-SHA1 computation that mip6sec does for
 * each Binding Update, for make bench (test-only; loaded only in the bench
 * VM). At load time it allocates a keyed "hmac(sha1)" crypto_shash, as
 * mip6sec does per Kbm, and times digests over LEN octets of input in
 * chunks of 1000, for at least MSECS milliseconds, two ways:
 *   segs:   init, one update per SEGLEN entry and one for the rest, final:
 *           what mip6sec does (default 16, 16, 4, 2, LEN - 38 octets:
 *           mh_mac_segs()'s split of coa | cn | MH for a Binding Update;
 *           len=25 seglen=16,8: address | nonce | 0 for a keygen token)
 *   digest: crypto_shash_digest() over the LEN octets at once
 * and prints "hmacbench: driver=D len=L mode=M ops=N ns=T ns_per_op=X.YY".
 * The module then stays loaded, idle, until removed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/hash.h>
#include <crypto/sha1.h>
#include <linux/err.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/sched.h>

static unsigned int len = 52;
module_param(len, uint, 0444);
MODULE_PARM_DESC(len, "octets hashed per digest, 1..256 and at least the sum of seglen (default 52: a minimal BU)");

static unsigned int seglen[8] = { 16, 16, 4, 2 };
static int nseglen = 4;
module_param_array(seglen, uint, &nseglen, 0444);
MODULE_PARM_DESC(seglen, "segs mode: lengths of the updates before the one that takes the rest, at most 8 (default 16,16,4,2)");

static unsigned int msecs = 1000;
module_param(msecs, uint, 0444);
MODULE_PARM_DESC(msecs, "minimum time per mode in ms, 10..10000 (default 1000)");

static int run(struct crypto_shash *tfm, const u8 *buf, bool segs)
{
	SHASH_DESC_ON_STACK(desc, tfm);
	u64 ops = 0, t0, t, ns;
	u8 out[SHA1_DIGEST_SIZE];
	int err = 0, i, k;

	desc->tfm = tfm;
	t0 = ktime_get_ns();
	do {
		for (i = 0; i < 1000 && !err; i++) {
			if (!segs) {
				err = crypto_shash_digest(desc, buf, len, out);
				continue;
			}
			err = crypto_shash_init(desc);
			for (k = 0, t = 0; k < nseglen && !err; t += seglen[k++])
				err = crypto_shash_update(desc, buf + t, seglen[k]);
			if (!err)
				err = crypto_shash_update(desc, buf + t, len - t);
			if (!err)
				err = crypto_shash_final(desc, out);
		}
		if (err)
			return err;
		ops += 1000;
		cond_resched();
		ns = ktime_get_ns() - t0;
	} while (ns < (u64)msecs * NSEC_PER_MSEC);

	t = div64_u64(ns * 100, ops);
	pr_info("driver=%s len=%u mode=%s ops=%llu ns=%llu ns_per_op=%llu.%02llu\n",
		crypto_shash_driver_name(tfm), len, segs ? "segs" : "digest",
		ops, ns, div64_u64(t, 100), t - div64_u64(t, 100) * 100);
	shash_desc_zero(desc);
	return 0;
}

static int __init hmacbench_init(void)
{
	struct crypto_shash *tfm;
	u8 key[20], buf[256];
	unsigned int sum;
	int err, i;

	for (i = 0, sum = 0; i < nseglen; i++) {
		if (seglen[i] > sizeof(buf))
			return -EINVAL;
		sum += seglen[i];
	}
	if (!len || len > sizeof(buf) || sum > len || msecs < 10 || msecs > 10000)
		return -EINVAL;
	for (i = 0; i < sizeof(key); i++)
		key[i] = 0x40 + i;
	for (i = 0; i < len; i++)
		buf[i] = i * 7;

	tfm = crypto_alloc_shash("hmac(sha1)", 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	err = crypto_shash_setkey(tfm, key, sizeof(key));
	if (!err)
		err = run(tfm, buf, true);
	if (!err)
		err = run(tfm, buf, false);
	crypto_free_shash(tfm);
	return err;
}

static void __exit hmacbench_exit(void)
{
}

module_init(hmacbench_init);
module_exit(hmacbench_exit);
MODULE_DESCRIPTION("mip6sec benchmark: HMAC-SHA1 cost (test only)");
MODULE_LICENSE("GPL");
