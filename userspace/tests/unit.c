// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of what works without the module: decoding and printing
 * of hand-built replies and notifications, the JSON writer, extack
 * decoding and key parsing. Prints "ok - NAME" / "not ok - NAME" lines;
 * tests/run.sh numbers them into TAP.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>

#include "mip6sec.h"

#define HOA "2001:db8:1::10"
#define CN "2001:db8:2::1"
#define COA "2001:db8:3::7"
#define PREFIX "2001:db8:40::"

static int failures;

static void check_str(const char *name, const char *got, const char *want)
{
	bool ok = got && !strcmp(got, want);

	printf("%sok - %s\n", ok ? "" : "not ", name);
	if (!ok) {
		printf("# want: %s# got:  %s\n", want, got ? got : "(null)\n");
		failures++;
	}
}

static void check(const char *name, bool ok)
{
	printf("%sok - %s\n", ok ? "" : "not ", name);
	failures += !ok;
}

static struct nl_msg *msg_new(uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg || !genlmsg_put(msg, 1, 1, 0x20, 0, flags, cmd, 1))
		abort();
	return msg;
}

static void put_addr(struct nl_msg *msg, int type, const char *s)
{
	struct in6_addr a;

	if (inet_pton(AF_INET6, s, &a) != 1 || nla_put(msg, type, 16, &a) < 0)
		abort();
}

struct capture {
	FILE *fp;
	char *buf;
	size_t len;
	struct mip6sec_ctx ctx;
};

static struct out *cap_open(struct capture *c, bool json, bool pretty)
{
	memset(c, 0, sizeof(*c));
	c->fp = open_memstream(&c->buf, &c->len);
	if (!c->fp)
		abort();
	c->ctx.out.fp = c->fp;
	c->ctx.out.json = json;
	c->ctx.out.pretty = pretty;
	return &c->ctx.out;
}

static void cap_check(struct capture *c, const char *name, const char *want)
{
	fclose(c->fp);
	check_str(name, c->buf, want);
	free(c->buf);
}

static struct nl_msg *kbm_full(void)
{
	struct nl_msg *msg = msg_new(MIP6SEC_CMD_KBM_GET, NLM_F_MULTI);
	static const uint8_t key[MIP6SEC_KBM_LEN] = { 0xab, 0xab, 0xab, 0xab };

	put_addr(msg, MIP6SEC_A_HOA, HOA);
	put_addr(msg, MIP6SEC_A_CN, CN);
	nla_put_u32(msg, MIP6SEC_A_LAST_SEQ, 17);
	nla_put_u64(msg, MIP6SEC_A_USES, 3);
	nla_put(msg, MIP6SEC_A_KEY, sizeof(key), key);	/* must be ignored */
	return msg;
}

static struct nl_msg *kbm_bare(void)
{
	struct nl_msg *msg = msg_new(MIP6SEC_CMD_KBM_GET, NLM_F_MULTI);

	put_addr(msg, MIP6SEC_A_HOA, "2001:db8:1::11");
	nla_put_u64(msg, MIP6SEC_A_USES, 0);
	return msg;
}

static void show(bool json, bool pretty, struct nl_msg **msgs, size_t n,
		 void (*fields)(struct out *, const struct mip6sec_obj *),
		 const char *name, const char *want)
{
	struct mip6sec_replies r = { .msg = msgs, .n = n, .cap = n };
	struct capture c;

	cap_open(&c, json, pretty);
	print_objs(&c.ctx, &r, fields);
	cap_check(&c, name, want);
}

static void test_kbm(void)
{
	struct nl_msg *m[2] = { kbm_full(), kbm_bare() };

	show(false, false, m, 2, kbm_fields, "kbm show text",
	     "hoa " HOA " cn " CN " last_seq 17 uses 3\n"
	     "hoa 2001:db8:1::11 cn any last_seq none uses 0\n");
	show(true, false, m, 2, kbm_fields, "kbm show json",
	     "[{\"hoa\":\"" HOA "\",\"cn\":\"" CN "\",\"last_seq\":17,\"uses\":3},"
	     "{\"hoa\":\"2001:db8:1::11\",\"cn\":null,\"last_seq\":null,\"uses\":0}]\n");
	show(true, true, m, 1, kbm_fields, "kbm show json pretty",
	     "[\n  {\n    \"hoa\": \"" HOA "\",\n    \"cn\": \"" CN "\",\n"
	     "    \"last_seq\": 17,\n    \"uses\": 3\n  }\n]\n");
	show(true, false, m, 0, kbm_fields, "empty dump json", "[]\n");
	show(false, false, m, 0, kbm_fields, "empty dump text", "");
	nlmsg_free(m[0]);
	nlmsg_free(m[1]);
}

static struct nl_msg *binding_msg(uint8_t cmd, uint32_t auth)
{
	struct nl_msg *msg = msg_new(cmd, 0);

	put_addr(msg, MIP6SEC_A_HOA, HOA);
	put_addr(msg, MIP6SEC_A_COA, COA);
	put_addr(msg, MIP6SEC_A_CN, CN);
	nla_put_u32(msg, MIP6SEC_A_SEQ, 5);
	nla_put_u32(msg, MIP6SEC_A_LIFETIME, 120);
	nla_put_u32(msg, MIP6SEC_A_AUTH, auth);
	return msg;
}

static void test_binding(void)
{
	struct nl_msg *m[2] = {
		binding_msg(MIP6SEC_CMD_BINDING_GET, MIP6SEC_AUTH_KBM),
		binding_msg(MIP6SEC_CMD_BINDING_GET, 9),
	};

	show(false, false, m, 1, binding_fields, "binding show text",
	     "hoa " HOA " coa " COA " cn " CN " seq 5 lifetime 120s auth kbm\n");
	show(true, false, m, 2, binding_fields, "binding show json",
	     "[{\"hoa\":\"" HOA "\",\"coa\":\"" COA "\",\"cn\":\"" CN "\","
	     "\"seq\":5,\"lifetime\":120,\"auth\":\"kbm\"},"
	     "{\"hoa\":\"" HOA "\",\"coa\":\"" COA "\",\"cn\":\"" CN "\","
	     "\"seq\":5,\"lifetime\":120,\"auth\":\"unknown-9\"}]\n");
	nlmsg_free(m[0]);
	nlmsg_free(m[1]);
}

static void test_binding_sa(void)
{
	struct nl_msg *m = binding_msg(MIP6SEC_CMD_BINDING_GET,
				       MIP6SEC_AUTH_MN_HA);

	nla_put(m, MIP6SEC_A_NAI, 3, "a@b");
	nla_put_u32(m, MIP6SEC_A_SPI, 300);
	show(false, false, &m, 1, binding_fields, "binding show text, nai and spi",
	     "hoa " HOA " coa " COA " cn " CN " seq 5 lifetime 120s auth mn-ha"
	     " nai a@b spi 300\n");
	show(true, false, &m, 1, binding_fields, "binding show json, nai and spi",
	     "[{\"hoa\":\"" HOA "\",\"coa\":\"" COA "\",\"cn\":\"" CN "\","
	     "\"seq\":5,\"lifetime\":120,\"auth\":\"mn-ha\",\"nai\":\"a@b\","
	     "\"spi\":300}]\n");
	nlmsg_free(m);
}

static struct nl_msg *stats_msg(void)
{
	struct nl_msg *msg = msg_new(MIP6SEC_CMD_STATS_GET, 0);
	struct nlattr *nest = nla_nest_start(msg, MIP6SEC_A_STATS);

	nla_put_u64(msg, MIP6SEC_STAT_MH_RX, 5);
	nla_put(msg, MIP6SEC_STAT_PAD, 0, NULL);
	nla_put_u64(msg, MIP6SEC_STAT_BE_RATELIMITED, 18446744073709551615ULL);
	nla_put_u64(msg, 99, 7);
	nla_nest_end(msg, nest);
	return msg;
}

static void test_stats(void)
{
	struct nl_msg *msg = stats_msg();
	struct capture c;

	stats_print(cap_open(&c, false, false), nlmsg_hdr(msg));
	cap_check(&c, "stats text",
		  "mh_rx 5\nbe_ratelimited 18446744073709551615\nstat_99 7\n");
	stats_print(cap_open(&c, true, false), nlmsg_hdr(msg));
	cap_check(&c, "stats json",
		  "{\"mh_rx\":5,\"be_ratelimited\":18446744073709551615,\"stat_99\":7}\n");
	{
		struct nl_msg *z = msg_new(MIP6SEC_CMD_STATS_GET, 0);
		struct nlattr *nest = nla_nest_start(z, MIP6SEC_A_STATS);
		struct out *o;

		nla_put_u64(z, MIP6SEC_STAT_MH_RX, 0);
		nla_put_u64(z, MIP6SEC_STAT_BU_RX, 2);
		nla_put_u64(z, MIP6SEC_STAT_REPLAY, 0);
		nla_nest_end(z, nest);
		stats_print(cap_open(&c, false, false), nlmsg_hdr(z));
		cap_check(&c, "stats text: only non-zero counters", "bu_rx 2\n");
		o = cap_open(&c, false, false);
		o->all = true;
		stats_print(o, nlmsg_hdr(z));
		cap_check(&c, "stats -a text: every counter",
			  "mh_rx 0\nbu_rx 2\nreplay 0\n");
		stats_print(cap_open(&c, true, false), nlmsg_hdr(z));
		cap_check(&c, "stats json: every counter, zero or not",
			  "{\"mh_rx\":0,\"bu_rx\":2,\"replay\":0}\n");
		nlmsg_free(z);
		z = msg_new(MIP6SEC_CMD_STATS_GET, 0);
		nest = nla_nest_start(z, MIP6SEC_A_STATS);
		nla_put_u64(z, MIP6SEC_STAT_MH_RX, 0);
		nla_nest_end(z, nest);
		stats_print(cap_open(&c, false, false), nlmsg_hdr(z));
		cap_check(&c, "stats text: all zero says so",
			  "every counter is 0 (mip6sec stats -a lists them)\n");
		nlmsg_free(z);
	}
	stats_print(cap_open(&c, true, true), nlmsg_hdr(msg));
	cap_check(&c, "stats json pretty",
		  "{\n  \"mh_rx\": 5,\n  \"be_ratelimited\": 18446744073709551615,\n"
		  "  \"stat_99\": 7\n}\n");
	nlmsg_free(msg);
}

/* Every counter of the header has a name, snake_case of its enumerator. */
static void test_stats_names(void)
{
	static const struct { int type; const char *name; } want[] = {
		{ MIP6SEC_STAT_BC_FULL, "bc_full" },
		{ MIP6SEC_STAT_BU_NO_MNID, "bu_no_mnid" },
		{ MIP6SEC_STAT_BU_UNKNOWN_SPI, "bu_unknown_spi" },
		{ MIP6SEC_STAT_BU_HOA_MISMATCH, "bu_hoa_mismatch" },
		{ MIP6SEC_STAT_TS_MISSING, "ts_missing" },
		{ MIP6SEC_STAT_TS_MISMATCH, "ts_mismatch" },
		{ MIP6SEC_STAT_KEY_REQUEST, "key_request" },
		{ MIP6SEC_STAT_KEY_REQUEST_RATELIMITED, "key_request_ratelimited" },
		{ MIP6SEC_STAT_SA_EXPIRED, "sa_expired" },
		{ MIP6SEC_STAT_FBU_RX, "fbu_rx" },
		{ MIP6SEC_STAT_FBU_ACCEPTED, "fbu_accepted" },
		{ MIP6SEC_STAT_FBU_MISSING_OPT, "fbu_missing_opt" },
		{ MIP6SEC_STAT_FBU_NOKEY, "fbu_nokey" },
		{ MIP6SEC_STAT_FBU_AUTH_FAIL, "fbu_auth_fail" },
		{ MIP6SEC_STAT_FBU_REPLAY, "fbu_replay" },
		{ MIP6SEC_STAT_FBACK_SENT, "fback_sent" },
	};
	struct nl_msg *msg = msg_new(MIP6SEC_CMD_STATS_GET, 0);
	struct nlattr *nest = nla_nest_start(msg, MIP6SEC_A_STATS);
	char want_text[1024] = "", line[64];
	struct capture c;
	size_t i;
	int t;

	/* Every counter, 2 .. MAX: none printed by number. */
	for (t = MIP6SEC_STAT_MH_RX; t <= MIP6SEC_STAT_MAX; t++)
		nla_put_u64(msg, t, t);
	nla_nest_end(msg, nest);
	stats_print(cap_open(&c, false, false), nlmsg_hdr(msg));
	fclose(c.fp);
	check("stats: every counter of the header has a name",
	      c.buf && !strstr(c.buf, "stat_"));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		snprintf(line, sizeof(line), "%s %d\n", want[i].name, want[i].type);
		strcat(want_text, line);
	}
	check("stats: names of the RFC 4285 and FMIPv6 counters",
	      c.buf && strstr(c.buf, want_text));
	free(c.buf);
	nlmsg_free(msg);
}

static void test_monitor(void)
{
	struct nl_msg *kbm = msg_new(MIP6SEC_CMD_KBM_NEW_NTF, 0);
	struct nl_msg *del = binding_msg(MIP6SEC_CMD_BINDING_DEL_NTF,
					 MIP6SEC_AUTH_MN_HA);
	struct nl_msg *bad = msg_new(MIP6SEC_CMD_KBM_GET, 0);
	struct capture c;

	put_addr(kbm, MIP6SEC_A_HOA, HOA);
	nla_put_u32(del, MIP6SEC_A_REASON, MIP6SEC_DEL_REASON_KEY_REMOVED);

	monitor_print(cap_open(&c, false, false), nlmsg_hdr(kbm));
	cap_check(&c, "monitor kbm-new text",
		  "[kbm-new] hoa " HOA " cn any last_seq none\n");
	monitor_print(cap_open(&c, true, false), nlmsg_hdr(kbm));
	cap_check(&c, "monitor kbm-new json",
		  "{\"event\":\"kbm-new\",\"hoa\":\"" HOA "\",\"cn\":null,\"last_seq\":null}\n");
	monitor_print(cap_open(&c, false, false), nlmsg_hdr(del));
	cap_check(&c, "monitor binding-del text",
		  "[binding-del] hoa " HOA " coa " COA " cn " CN
		  " seq 5 lifetime 120s auth mn-ha reason key-removed\n");
	monitor_print(cap_open(&c, true, false), nlmsg_hdr(del));
	cap_check(&c, "monitor binding-del json",
		  "{\"event\":\"binding-del\",\"hoa\":\"" HOA "\",\"coa\":\"" COA
		  "\",\"cn\":\"" CN "\",\"seq\":5,\"lifetime\":120,"
		  "\"auth\":\"mn-ha\",\"reason\":\"key-removed\"}\n");
	/* -t and -ts, as ip monitor prints them (local time, TZ=UTC here) */
	{
		const struct timeval tv = { .tv_sec = 1796278222, .tv_usec = 42 };
		struct out *o = cap_open(&c, false, false);

		o->timestamp = TS_LONG;
		monitor_print_at(o, nlmsg_hdr(kbm), &tv);
		cap_check(&c, "monitor -t text",
			  "Timestamp: Thu Dec  3 06:10:22 2026 42 usec\n"
			  "[kbm-new] hoa " HOA " cn any last_seq none\n");
		o = cap_open(&c, false, false);
		o->timestamp = TS_SHORT;
		monitor_print_at(o, nlmsg_hdr(kbm), &tv);
		cap_check(&c, "monitor -ts text",
			  "[2026-12-03T06:10:22.000042] [kbm-new] hoa " HOA
			  " cn any last_seq none\n");
		o = cap_open(&c, true, false);
		o->timestamp = TS_LONG;
		monitor_print_at(o, nlmsg_hdr(kbm), &tv);
		cap_check(&c, "monitor -t json",
			  "{\"timestamp\":\"2026-12-03T06:10:22.000042\",\"event\":\"kbm-new\",\"hoa\":\""
			  HOA "\",\"cn\":null,\"last_seq\":null}\n");
	}
	check("monitor ignores non-events",
	      monitor_print(cap_open(&c, false, false), nlmsg_hdr(bad)) < 0);
	cap_check(&c, "monitor prints nothing for non-events", "");
	nlmsg_free(kbm);
	nlmsg_free(del);
	nlmsg_free(bad);
}

#define NAI "alice@example.org"
static const uint8_t key_name[MIP6SEC_KEY_NAME_LEN] = {
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
};

static struct nl_msg *sa_full(uint8_t cmd)
{
	struct nl_msg *msg = msg_new(cmd, NLM_F_MULTI);
	static const uint8_t key[20] = { 0xab, 0xab, 0xab, 0xab };

	nla_put(msg, MIP6SEC_A_NAI, strlen(NAI), NAI);
	nla_put_u32(msg, MIP6SEC_A_SPI, 256);
	nla_put_u32(msg, MIP6SEC_A_SA_USE, MIP6SEC_SA_USE_MN_HA);
	nla_put(msg, MIP6SEC_A_KEY_NAME, sizeof(key_name), key_name);
	put_addr(msg, MIP6SEC_A_HOA, HOA);
	nla_put_u32(msg, MIP6SEC_A_LIFETIME, 3600);
	nla_put_u32(msg, MIP6SEC_A_REPLAY, MIP6SEC_REPLAY_TIMESTAMP);
	nla_put_u64(msg, MIP6SEC_A_USES, 3);
	nla_put_u32(msg, MIP6SEC_A_LAST_SEQ, 17);
	nla_put(msg, MIP6SEC_A_KEY, sizeof(key), key);	/* must be ignored */
	return msg;
}

static struct nl_msg *sa_bare(uint32_t use, uint32_t replay)
{
	struct nl_msg *msg = msg_new(MIP6SEC_CMD_SA_GET, NLM_F_MULTI);

	nla_put(msg, MIP6SEC_A_NAI, 15, "bob@example.org");
	nla_put_u32(msg, MIP6SEC_A_SPI, 4294967295u);
	nla_put_u32(msg, MIP6SEC_A_SA_USE, use);
	if (use == MIP6SEC_SA_USE_MN_AAA) {
		put_addr(msg, MIP6SEC_A_HOME_PREFIX, PREFIX);
		nla_put_u32(msg, MIP6SEC_A_HOME_PREFIX_LEN, 48);
	}
	nla_put_u32(msg, MIP6SEC_A_REPLAY, replay);
	nla_put_u64(msg, MIP6SEC_A_USES, 0);
	return msg;
}

#define SA_FULL_TEXT "nai " NAI " spi 256 use mn-ha key_name 0123456789abcdef " \
	"hoa " HOA " lifetime 3600s replay timestamp uses 3 last_seq 17"
#define SA_FULL_JSON "\"nai\":\"" NAI "\",\"spi\":256,\"use\":\"mn-ha\"," \
	"\"key_name\":\"0123456789abcdef\",\"hoa\":\"" HOA "\"," \
	"\"home_prefix\":null," \
	"\"lifetime\":3600,\"replay\":\"timestamp\",\"uses\":3,\"last_seq\":17"

static void test_sa(void)
{
	struct nl_msg *m[3] = {
		sa_full(MIP6SEC_CMD_SA_GET),
		sa_bare(MIP6SEC_SA_USE_MN_AAA, MIP6SEC_REPLAY_SEQ),
		sa_bare(9, 7),
	};

	show(false, false, m, 2, sa_fields, "sa show text",
	     SA_FULL_TEXT "\n"
	     "nai bob@example.org spi 4294967295 use mn-aaa key_name none "
	     "home_prefix " PREFIX "/48 lifetime forever replay seq uses 0 "
	     "last_seq none\n");
	show(true, false, m, 2, sa_fields, "sa show json",
	     "[{" SA_FULL_JSON "},"
	     "{\"nai\":\"bob@example.org\",\"spi\":4294967295,\"use\":\"mn-aaa\","
	     "\"key_name\":null,\"hoa\":null,\"home_prefix\":\"" PREFIX "/48\","
	     "\"lifetime\":null,"
	     "\"replay\":\"seq\",\"uses\":0,\"last_seq\":null}]\n");
	show(false, false, m + 2, 1, sa_fields, "sa show: unknown use and replay",
	     "nai bob@example.org spi 4294967295 use unknown-9 key_name none "
	     "hoa none lifetime forever replay unknown-7 uses 0 last_seq none\n");
	show(true, false, m, 0, sa_fields, "sa show: empty dump json", "[]\n");
	nlmsg_free(m[0]);
	nlmsg_free(m[1]);
	nlmsg_free(m[2]);
}

/* An NAI can come from a packet (key-request): never raw bytes out. */
static void nai_case(const char *name, const char *nai, size_t len,
		     const char *want_text, const char *want_json)
{
	struct nl_msg *msg = msg_new(MIP6SEC_CMD_KEY_REQUEST_NTF, 0);
	char want[2048], test[128];
	struct capture c;

	nla_put(msg, MIP6SEC_A_NAI, len, nai);
	monitor_print(cap_open(&c, false, false), nlmsg_hdr(msg));
	snprintf(want, sizeof(want), "[key-request] nai %s\n", want_text);
	snprintf(test, sizeof(test), "%s, text", name);
	cap_check(&c, test, want);
	monitor_print(cap_open(&c, true, false), nlmsg_hdr(msg));
	snprintf(want, sizeof(want), "{\"event\":\"key-request\",\"nai\":\"%s\"}\n",
		 want_json);
	snprintf(test, sizeof(test), "%s, json", name);
	cap_check(&c, test, want);
	nlmsg_free(msg);
}

#define NAI_CASE(name, lit, text, json) \
	nai_case(name, lit, sizeof(lit) - 1, text, json)

static void test_nai_escape(void)
{
	static const char esc[] = "a b\x1b[31m\\\x7f\"@x";
	struct nl_msg *big = msg_new(MIP6SEC_CMD_KEY_REQUEST_NTF, 0);
	char raw[MIP6SEC_NAI_MAX];
	struct capture c;

	nai_case("NAI: controls, space, backslash escaped", esc, sizeof(esc) - 1,
		 "a\\x20b\\x1b[31m\\x5c\\x7f\"@x",
		 "a\\\\x20b\\\\x1b[31m\\\\x5c\\\\x7f\\\"@x");
	NAI_CASE("NAI: a NUL", "a\0b", "a\\x00b", "a\\\\x00b");
	NAI_CASE("NAI: UTF-8 escaped too", "j\xc3\xbcrgen@x",
		 "j\\xc3\\xbcrgen@x", "j\\\\xc3\\\\xbcrgen@x");
	/* Modules from 0.2 on send the NAI as a string, with its NUL. */
	nai_case("NAI: a terminating NUL is not part of it", "a@b", 4, "a@b",
		 "a@b");
	nai_case("NAI: only one terminating NUL is taken off", "a\0", 3,
		 "a\\x00", "a\\\\x00");

	memset(raw, 0xff, sizeof(raw));
	nla_put(big, MIP6SEC_A_NAI, MIP6SEC_NAI_MAX, raw);
	monitor_print(cap_open(&c, false, false), nlmsg_hdr(big));
	fclose(c.fp);
	check("NAI: 253 escaped octets fit",
	      c.len == strlen("[key-request] nai \n") + 4 * MIP6SEC_NAI_MAX);
	free(c.buf);
	nlmsg_free(big);

	big = msg_new(MIP6SEC_CMD_KEY_REQUEST_NTF, 0);
	raw[MIP6SEC_NAI_MAX - 1] = 0;	/* 252 octets and the NUL */
	nla_put(big, MIP6SEC_A_NAI, MIP6SEC_NAI_MAX, raw);
	monitor_print(cap_open(&c, false, false), nlmsg_hdr(big));
	fclose(c.fp);
	check("NAI: 252 octets and a NUL",
	      c.len == strlen("[key-request] nai \n") + 4 * (MIP6SEC_NAI_MAX - 1));
	free(c.buf);
	nlmsg_free(big);
}

static void test_monitor_sa(void)
{
	struct nl_msg *expired = sa_full(MIP6SEC_CMD_SA_EXPIRED_NTF);
	struct nl_msg *del = sa_bare(MIP6SEC_SA_USE_FBU, MIP6SEC_REPLAY_SEQ);
	struct nl_msg *req = msg_new(MIP6SEC_CMD_KEY_REQUEST_NTF, 0);
	struct nl_msg *fbu = msg_new(MIP6SEC_CMD_FBU_ACCEPTED_NTF, 0);
	struct nl_msg *bnew = binding_msg(MIP6SEC_CMD_BINDING_NEW_NTF,
					  MIP6SEC_AUTH_MN_HA);
	struct capture c;

	genlmsg_hdr(nlmsg_hdr(del))->cmd = MIP6SEC_CMD_SA_DEL_NTF;
	nla_put(req, MIP6SEC_A_NAI, strlen(NAI), NAI);
	nla_put_u32(req, MIP6SEC_A_SPI, 257);
	nla_put_u32(req, MIP6SEC_A_SA_USE, MIP6SEC_SA_USE_MN_AAA);
	put_addr(req, MIP6SEC_A_HA, CN);
	put_addr(req, MIP6SEC_A_HOA, HOA);
	put_addr(req, MIP6SEC_A_COA, COA);
	nla_put(fbu, MIP6SEC_A_NAI, strlen(NAI), NAI);
	nla_put_u32(fbu, MIP6SEC_A_SPI, 258);
	put_addr(fbu, MIP6SEC_A_PCOA, HOA);
	put_addr(fbu, MIP6SEC_A_COA, COA);
	put_addr(fbu, MIP6SEC_A_HA, CN);
	nla_put_u32(fbu, MIP6SEC_A_SEQ, 42);
	nla_put_u32(fbu, MIP6SEC_A_LIFETIME, 20);
	nla_put(bnew, MIP6SEC_A_NAI, strlen(NAI), NAI);
	nla_put_u32(bnew, MIP6SEC_A_SPI, 256);

	monitor_print(cap_open(&c, false, false), nlmsg_hdr(expired));
	cap_check(&c, "monitor sa-expired text", "[sa-expired] " SA_FULL_TEXT "\n");
	monitor_print(cap_open(&c, true, false), nlmsg_hdr(expired));
	cap_check(&c, "monitor sa-expired json",
		  "{\"event\":\"sa-expired\"," SA_FULL_JSON "}\n");
	genlmsg_hdr(nlmsg_hdr(expired))->cmd = MIP6SEC_CMD_SA_NEW_NTF;
	monitor_print(cap_open(&c, true, false), nlmsg_hdr(expired));
	cap_check(&c, "monitor sa-new json",
		  "{\"event\":\"sa-new\"," SA_FULL_JSON "}\n");
	monitor_print(cap_open(&c, false, false), nlmsg_hdr(del));
	cap_check(&c, "monitor sa-del text",
		  "[sa-del] nai bob@example.org spi 4294967295 use fbu key_name none "
		  "hoa none lifetime forever replay seq uses 0 last_seq none\n");
	monitor_print(cap_open(&c, false, false), nlmsg_hdr(req));
	cap_check(&c, "monitor key-request text",
		  "[key-request] nai " NAI " spi 257 use mn-aaa ha " CN " hoa " HOA
		  " coa " COA "\n");
	monitor_print(cap_open(&c, true, false), nlmsg_hdr(req));
	cap_check(&c, "monitor key-request json",
		  "{\"event\":\"key-request\",\"nai\":\"" NAI "\",\"spi\":257,"
		  "\"use\":\"mn-aaa\",\"ha\":\"" CN "\",\"hoa\":\"" HOA "\","
		  "\"coa\":\"" COA "\"}\n");
	monitor_print(cap_open(&c, false, false), nlmsg_hdr(fbu));
	cap_check(&c, "monitor fbu-accepted text",
		  "[fbu-accepted] nai " NAI " spi 258 pcoa " HOA " coa " COA " ha "
		  CN " seq 42 lifetime 20s\n");
	monitor_print(cap_open(&c, true, false), nlmsg_hdr(fbu));
	cap_check(&c, "monitor fbu-accepted json",
		  "{\"event\":\"fbu-accepted\",\"nai\":\"" NAI "\",\"spi\":258,"
		  "\"pcoa\":\"" HOA "\",\"coa\":\"" COA "\",\"ha\":\"" CN "\","
		  "\"seq\":42,\"lifetime\":20}\n");
	monitor_print(cap_open(&c, true, false), nlmsg_hdr(bnew));
	cap_check(&c, "monitor binding-new json with nai and spi",
		  "{\"event\":\"binding-new\",\"hoa\":\"" HOA "\",\"coa\":\"" COA
		  "\",\"cn\":\"" CN "\",\"seq\":5,\"lifetime\":120,"
		  "\"auth\":\"mn-ha\",\"nai\":\"" NAI "\",\"spi\":256}\n");
	nlmsg_free(expired);
	nlmsg_free(del);
	nlmsg_free(req);
	nlmsg_free(fbu);
	nlmsg_free(bnew);
}

/* What "sa add" hands over to be sent: counted, and kept for a look. */
struct sent {
	int calls;
	size_t n;
	struct mip6sec_attr attrs[SA_ADD_MAX_ATTRS];
	uint8_t nai[MIP6SEC_NAI_MAX];
	uint8_t key[MIP6SEC_SA_KEY_MAX];
	size_t key_len;
};

static int record(void *arg, const struct mip6sec_attr *attrs, size_t n)
{
	struct sent *s = arg;
	size_t i;

	s->calls++;
	s->n = n;
	for (i = 0; i < n; i++) {
		s->attrs[i] = attrs[i];
		if (attrs[i].type == MIP6SEC_A_NAI)
			memcpy(s->nai, attrs[i].data, attrs[i].len);
		if (attrs[i].type == MIP6SEC_A_KEY) {
			memcpy(s->key, attrs[i].data, attrs[i].len);
			s->key_len = attrs[i].len;
		}
	}
	return 0;
}

static int sa_add_quiet(struct sent *s, char **argv)
{
	int argc = 0, saved = dup(STDERR_FILENO), null, ret;

	while (argv[argc])
		argc++;
	memset(s, 0, sizeof(*s));
	fflush(stderr);
	null = open("/dev/null", O_WRONLY);
	dup2(null, STDERR_FILENO);
	ret = sa_add_run(argc, argv, record, s);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(null);
	return ret;
}

static bool all_zero(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i])
			return false;
	return true;
}

static void test_sa_add(void)
{
	char key[] = "000102030405060708090a0b0c0d0e0f";
	char emsk[129], *p;
	char *ok_args[] = { "nai", "a@b", "spi", "256", "use", "mn-aaa", "key",
			    key, "home-prefix", PREFIX "/48", NULL };
	char *bad_args[] = { "nai", "a@b", "spi", "255", "use", "mn-aaa", "key",
			     NULL, NULL };
	char *emsk_args[] = { "nai", "a@b", "spi", "256", "use", "mn-ha", "emsk",
			      emsk, "session-id", "01", "ha", "2001:db8::1",
			      "hoa", HOA, NULL };
	char *emsk_bad[] = { "nai", "a@b", "spi", "256", "use", "mn-ha", "emsk",
			     emsk, "session-id", "01", NULL };
	struct sent s;
	size_t i;
	int ret;

	ret = sa_add_quiet(&s, ok_args);
	check("sa add: the final key is sent as given",
	      !ret && s.calls == 1 && s.n == 6 && s.key_len == 16 &&
	      s.key[0] == 0 && s.key[15] == 15 &&
	      s.attrs[0].type == MIP6SEC_A_NAI && s.attrs[0].len == 3 &&
	      !memcmp(s.nai, "a@b", 3));
	check("sa add: home-prefix is sent as a prefix and its length",
	      !ret && s.attrs[4].type == MIP6SEC_A_HOME_PREFIX &&
	      s.attrs[4].len == 16 &&
	      s.attrs[5].type == MIP6SEC_A_HOME_PREFIX_LEN &&
	      s.attrs[5].len == 4);
	check("sa add: the key is wiped from the command line",
	      all_zero(key, sizeof(key) - 1));

	bad_args[7] = key;
	memcpy(key, "000102030405060708090a0b0c0d0e0f", 32);
	ret = sa_add_quiet(&s, bad_args);
	check("sa add: a usage error sends nothing", ret == EXIT_USAGE && !s.calls);

	for (p = emsk, i = 0; i < 64; i++, p += 2)
		sprintf(p, "%02x", (unsigned int)(0x40 + i));
	ret = sa_add_quiet(&s, emsk_args);
	check("sa add: from an emsk, one derived key of 16 octets and its name",
	      !ret && s.calls == 1 && s.n == 6 && s.key_len == 16 &&
	      s.attrs[4].type == MIP6SEC_A_KEY_NAME && s.attrs[4].len == 8 &&
	      s.attrs[5].type == MIP6SEC_A_HOA);
	check("sa add: the emsk is wiped from the command line",
	      all_zero(emsk, 128));
	for (i = 0, ret = 0; i < s.n; i++)
		ret |= s.attrs[i].len == 64;
	check("sa add: no 64-octet attribute (the emsk) is sent", !ret);

	for (p = emsk, i = 0; i < 64; i++, p += 2)
		sprintf(p, "%02x", (unsigned int)(0x40 + i));
	ret = sa_add_quiet(&s, emsk_bad);
	check("sa add: mn-ha from emsk without ha sends nothing",
	      ret == EXIT_USAGE && !s.calls);
}

static void test_json_escape(void)
{
	struct capture c;

	cap_open(&c, true, false);
	out_json_string(c.fp, "a\"b\\c\n\t\x01\x7f/\xc3\xa9");
	cap_check(&c, "json string escaping",
		  "\"a\\\"b\\\\c\\n\\t\\u0001\\u007f/\xc3\xa9\"");
}

static struct nl_msg *request(void)
{
	static const uint8_t key[MIP6SEC_KBM_LEN];
	struct nl_msg *req = msg_new(MIP6SEC_CMD_KBM_ADD, NLM_F_REQUEST | NLM_F_ACK);

	put_addr(req, MIP6SEC_A_HOA, HOA);
	nla_put(req, MIP6SEC_A_KEY, sizeof(key), key);
	put_addr(req, MIP6SEC_A_CN, CN);
	return req;
}

/* An NLMSG_ERROR answering @req, with the request echoed unless @capped. */
static struct nl_msg *error_msg(const struct nlmsghdr *req, int error,
				bool capped)
{
	struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_ERROR,
				NLM_F_ACK_TLVS | (capped ? NLM_F_CAPPED : 0));
	struct nlmsgerr e = { .error = -error, .msg = *req };

	if (!msg || nlmsg_append(msg, &e, sizeof(e), NLMSG_ALIGNTO) < 0)
		abort();
	if (!capped && nlmsg_append(msg, nlmsg_data(req), nlmsg_datalen(req),
				    NLMSG_ALIGNTO) < 0)
		abort();
	return msg;
}

static uint32_t key_offset(const struct nlmsghdr *req)
{
	const struct genlmsghdr *g = nlmsg_data(req);
	struct nlattr *nla = nla_find(genlmsg_attrdata(g, 0),
				      genlmsg_attrlen(g, 0), MIP6SEC_A_KEY);

	return (const char *)nla - (const char *)req;
}

static void extack_case(const char *name, struct nl_msg *err,
			const struct nlmsghdr *req, const char *want)
{
	struct mip6sec_txn txn = { .req = req, .bad_attr = -1, .miss_attr = -1 };
	struct capture c;

	txn.error = -((struct nlmsgerr *)nlmsg_data(nlmsg_hdr(err)))->error;
	mip6sec_extack_parse(&txn, nlmsg_hdr(err));
	cap_open(&c, false, false);
	c.ctx.obj = "kbm";
	c.ctx.cmd = "add";
	mip6sec_print_error(c.fp, &c.ctx, &txn);
	cap_check(&c, name, want);
	nlmsg_free(err);
}

static void test_extack(void)
{
	struct nl_msg *req = request();
	const struct nlmsghdr *nlh = nlmsg_hdr(req);
	uint32_t off = key_offset(nlh);
	struct nl_msg *err;

	check("offset maps to key attribute",
	      mip6sec_attr_at(nlh, off) == MIP6SEC_A_KEY &&
	      mip6sec_attr_at(nlh, off + 7) == MIP6SEC_A_KEY);
	check("offset outside attributes maps to nothing",
	      mip6sec_attr_at(nlh, 2) < 0 &&
	      mip6sec_attr_at(nlh, nlh->nlmsg_len) < 0);

	err = error_msg(nlh, EINVAL, true);
	nla_put_string(err, NLMSGERR_ATTR_MSG, "weak key");
	nla_put_u32(err, NLMSGERR_ATTR_OFFS, off);
	extack_case("extack capped: message and attribute", err, nlh,
		    "kbm add: Error: weak key (attribute key)\n");

	err = error_msg(nlh, ERANGE, false);
	nla_put_string(err, NLMSGERR_ATTR_MSG, "binary attribute size out of range");
	nla_put_u32(err, NLMSGERR_ATTR_OFFS, off);
	extack_case("extack uncapped: skips the echoed request", err, nlh,
		    "kbm add: Error: binary attribute size out of range (attribute key)\n");

	err = error_msg(nlh, EINVAL, true);
	nla_put_u32(err, NLMSGERR_ATTR_MISS_TYPE, MIP6SEC_A_HOA);
	extack_case("extack missing attribute", err, nlh,
		    "kbm add: Error: Invalid argument (missing attribute hoa)\n");

	extack_case("EPERM names the capability", error_msg(nlh, EPERM, true),
		    nlh, "kbm add: Error: Operation not permitted (need CAP_NET_ADMIN)\n");
	extack_case("no extack: strerror", error_msg(nlh, EEXIST, true), nlh,
		    "kbm add: Error: File exists\n");
	nlmsg_free(req);
}

static void test_key_hex(void)
{
	static const char *const bad[] = {
		"", "0x", "00112233445566778899aabbccddeeff0011223",
		"00112233445566778899aabbccddeeff001122334",
		"00112233445566778899aabbccddeeff0011223g",
		"00112233445566778899aabbccddeeff00112233--",
	};
	const char *good = " 0X0011223344 5566778899\naabbccddeeFF00112233\n";
	uint8_t key[MIP6SEC_KBM_LEN];
	bool ok = true;
	size_t i;

	check("hex key with 0X prefix and whitespace",
	      !parse_kbm_hex(good, strlen(good), key) &&
	      key[0] == 0x00 && key[1] == 0x11 && key[15] == 0xff &&
	      key[19] == 0x33);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		ok &= parse_kbm_hex(bad[i], strlen(bad[i]), key) == EXIT_USAGE;
	check("bad hex keys are usage errors", ok);
	for (i = 0, ok = true; i < sizeof(key); i++)
		ok &= key[i] == 0;
	check("key buffer wiped after a failure", ok);
}

static void test_lookup(void)
{
	static const struct mip6sec_cmd cmds[] = {
		{ "show", NULL }, { "set", NULL }, { "flush", NULL },
	};
	bool amb;

	check("lookup: exact match", lookup("set", cmds, 3, sizeof(*cmds), &amb) == &cmds[1]);
	check("lookup: unique prefix", lookup("sh", cmds, 3, sizeof(*cmds), &amb) == &cmds[0] &&
	      lookup("f", cmds, 3, sizeof(*cmds), &amb) == &cmds[2]);
	check("lookup: ambiguous prefix", !lookup("s", cmds, 3, sizeof(*cmds), &amb) && amb);
	check("lookup: unknown and too long", !lookup("showx", cmds, 3, sizeof(*cmds), &amb) &&
	      !amb && !lookup("", cmds, 3, sizeof(*cmds), &amb));
}

/* Run a request against a real kernel family, stderr captured. */
static int live_request(struct mip6sec_ctx *ctx, uint8_t cmd, int flags,
			const struct mip6sec_attr *attr, size_t nattr,
			struct mip6sec_replies *r, char *err, size_t size)
{
	FILE *tmp = tmpfile();
	int saved = dup(STDERR_FILENO), ret;
	size_t n;

	if (!tmp || saved < 0)
		abort();
	fflush(stderr);
	dup2(fileno(tmp), STDERR_FILENO);
	ret = mip6sec_request(ctx, cmd, flags, attr, nattr, r);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(err, 1, size - 1, tmp);
	err[n] = 0;
	fclose(tmp);
	return ret;
}

/*
 * The transaction code (dump, reply + ACK, error with extack) against
 * the kernel's own "nlctrl" family, which every host has.
 */
static void test_live(void)
{
	struct mip6sec_ctx ctx = { .obj = "ctrl", .cmd = "get" };
	struct mip6sec_replies r = { 0 };
	const uint8_t byte = 1;
	struct mip6sec_attr name = { CTRL_ATTR_FAMILY_NAME, "nlctrl", 7 };
	struct mip6sec_attr bad = { CTRL_ATTR_FAMILY_ID, &byte, 1 };
	char err[512];
	int ret;

	if (mip6sec_open(&ctx)) {
		printf("ok - live nlctrl # SKIP no generic netlink\n");
		return;
	}
	ctx.family = GENL_ID_CTRL;
	ret = live_request(&ctx, CTRL_CMD_GETFAMILY, NLM_F_DUMP, NULL, 0, &r,
			   err, sizeof(err));
	check("live: dump collects every family", !ret && r.n >= 1);
	mip6sec_replies_free(&r);

	ret = live_request(&ctx, CTRL_CMD_GETFAMILY, NLM_F_ACK, &name, 1, &r,
			   err, sizeof(err));
	check("live: do-request gets reply then ACK", !ret && r.n == 1);
	mip6sec_replies_free(&r);

	ret = live_request(&ctx, CTRL_CMD_GETFAMILY, NLM_F_ACK, &bad, 1, &r,
			   err, sizeof(err));
	check("live: kernel error is exit 2, no replies", ret == EXIT_KERNEL && !r.n);
	/* Attribute 1 is CTRL_ATTR_FAMILY_ID, named after our own table. */
	check("live: extack message and attribute from the kernel",
	      !strncmp(err, "ctrl get: Error: ", 17) && strlen(err) > 35 &&
	      strstr(err, " (attribute pad)\n"));

	ret = live_request(&ctx, CTRL_CMD_GETFAMILY, NLM_F_ACK, &name, 1, &r,
			   err, sizeof(err));
	check("live: socket usable after an error", !ret && r.n == 1);
	mip6sec_replies_free(&r);
	mip6sec_disconnect(&ctx);
}

/*
 * "unit sa-add ARGS": the attributes "mip6sec sa add ARGS" would send, as
 * "NAME HEX" pairs on one line (tests/sa_vectors.py has the expected ones).
 */
static int print_attrs(void *arg, const struct mip6sec_attr *attrs, size_t n)
{
	char hex[2 * MIP6SEC_NAI_MAX + 1];
	size_t i;

	(void)arg;
	for (i = 0; i < n; i++) {
		if (attrs[i].len > MIP6SEC_NAI_MAX)
			return EXIT_KERNEL;
		hex_encode(attrs[i].data, attrs[i].len, hex);
		printf("%s%s %s", i ? " " : "", mip6sec_attr_name(attrs[i].type),
		       hex);
	}
	putchar('\n');
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "sa-add"))
		return sa_add_run(argc - 2, argv + 2, print_attrs, NULL);

	test_kbm();
	test_binding();
	test_binding_sa();
	test_sa();
	test_stats();
	test_stats_names();
	test_monitor();
	test_monitor_sa();
	test_nai_escape();
	test_sa_add();
	test_json_escape();
	test_extack();
	test_key_hex();
	test_lookup();
	test_live();
	return failures ? 1 : 0;
}
