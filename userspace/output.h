/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One code path for text and JSON output, in the spirit of iproute2's
 * print_*(PRINT_ANY, ...): every field has a JSON key and a text form.
 */
#ifndef MIP6SEC_OUTPUT_H
#define MIP6SEC_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>

#define OUT_MAX_DEPTH 8

/* monitor -t: ip(8) style timestamps */
enum out_timestamp {
	TS_NONE,
	TS_LONG,	/* "Timestamp: <asctime> N usec" line */
	TS_SHORT,	/* "[YYYY-MM-DDTHH:MM:SS.UUUUUU] " prefix */
};

struct out {
	FILE *fp;
	bool json;
	bool pretty;
	bool all;		/* stats: every counter, not only non-zero ones */
	enum out_timestamp timestamp;
	bool lines;		/* text: one "name value" field per line */
	bool text_first;	/* text: next field starts the line */
	unsigned int depth;
	bool first[OUT_MAX_DEPTH];
};

void out_array_begin(struct out *o);
void out_array_begin_key(struct out *o, const char *key);
void out_array_end(struct out *o);
void out_obj_begin(struct out *o, bool lines);
void out_obj_end(struct out *o);

/*
 * @fmt is the text form with one conversion ("lifetime %" PRIu64 "s");
 * NULL means "KEY VALUE".
 */
void out_str(struct out *o, const char *key, const char *fmt, const char *val);
void out_u64(struct out *o, const char *key, const char *fmt, uint64_t val);
void out_null(struct out *o, const char *key, const char *text);
void out_addr(struct out *o, const char *key, const struct in6_addr *addr);
void out_json_string(FILE *fp, const char *s);

#endif /* MIP6SEC_OUTPUT_H */
