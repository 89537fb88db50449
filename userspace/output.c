// SPDX-License-Identifier: GPL-2.0
/*
 * Text and JSON output. The JSON writer is deliberately tiny: objects,
 * arrays, strings, unsigned integers and null are all mip6sec needs.
 */
#include <arpa/inet.h>
#include <inttypes.h>

#include "output.h"

static void json_indent(struct out *o)
{
	unsigned int i;

	if (!o->pretty)
		return;
	fputc('\n', o->fp);
	for (i = 0; i < o->depth; i++)
		fputs("  ", o->fp);
}

/* Separator before a new member or element of the current container. */
static void json_next(struct out *o)
{
	if (!o->depth)
		return;
	if (!o->first[o->depth - 1])
		fputc(',', o->fp);
	o->first[o->depth - 1] = false;
	json_indent(o);
}

static void json_open(struct out *o, char c)
{
	fputc(c, o->fp);
	if (o->depth < OUT_MAX_DEPTH)
		o->first[o->depth] = true;
	o->depth++;
}

static void json_close(struct out *o, char c)
{
	o->depth--;
	if (o->depth < OUT_MAX_DEPTH && !o->first[o->depth])
		json_indent(o);
	fputc(c, o->fp);
	if (!o->depth)
		fputc('\n', o->fp);
}

void out_json_string(FILE *fp, const char *s)
{
	const unsigned char *p;

	fputc('"', fp);
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':  fputs("\\\"", fp); break;
		case '\\': fputs("\\\\", fp); break;
		case '\b': fputs("\\b", fp); break;
		case '\f': fputs("\\f", fp); break;
		case '\n': fputs("\\n", fp); break;
		case '\r': fputs("\\r", fp); break;
		case '\t': fputs("\\t", fp); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(fp, "\\u%04x", *p);
			else
				fputc(*p, fp);
		}
	}
	fputc('"', fp);
}

static void json_key(struct out *o, const char *key)
{
	json_next(o);
	out_json_string(o->fp, key);
	fputs(o->pretty ? ": " : ":", o->fp);
}

/* Text: fields are separated by one space, or one per line. */
static void text_sep(struct out *o)
{
	if (!o->text_first && !o->lines)
		fputc(' ', o->fp);
	o->text_first = false;
}

static void text_end(struct out *o)
{
	if (o->lines)
		fputc('\n', o->fp);
}

void out_array_begin(struct out *o)
{
	if (!o->json)
		return;
	json_next(o);
	json_open(o, '[');
}

/* JSON: an array as the member @key of the current object. */
void out_array_begin_key(struct out *o, const char *key)
{
	if (!o->json)
		return;
	json_key(o, key);
	json_open(o, '[');
}

void out_array_end(struct out *o)
{
	if (o->json)
		json_close(o, ']');
}

void out_obj_begin(struct out *o, bool lines)
{
	o->lines = lines;
	o->text_first = true;
	if (!o->json)
		return;
	json_next(o);
	json_open(o, '{');
}

void out_obj_end(struct out *o)
{
	if (o->json)
		json_close(o, '}');
	else if (!o->lines && !o->text_first)
		fputc('\n', o->fp);
}

void out_str(struct out *o, const char *key, const char *fmt, const char *val)
{
	if (o->json) {
		json_key(o, key);
		out_json_string(o->fp, val);
		return;
	}
	text_sep(o);
	if (fmt)
		fprintf(o->fp, fmt, val);
	else
		fprintf(o->fp, "%s %s", key, val);
	text_end(o);
}

void out_u64(struct out *o, const char *key, const char *fmt, uint64_t val)
{
	if (o->json) {
		json_key(o, key);
		fprintf(o->fp, "%" PRIu64, val);
		return;
	}
	text_sep(o);
	if (fmt)
		fprintf(o->fp, fmt, val);
	else
		fprintf(o->fp, "%s %" PRIu64, key, val);
	text_end(o);
}

void out_null(struct out *o, const char *key, const char *text)
{
	if (o->json) {
		json_key(o, key);
		fputs("null", o->fp);
		return;
	}
	text_sep(o);
	fprintf(o->fp, "%s %s", key, text);
	text_end(o);
}

void out_addr(struct out *o, const char *key, const struct in6_addr *addr)
{
	char buf[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, addr, buf, sizeof(buf));
	out_str(o, key, NULL, buf);
}
