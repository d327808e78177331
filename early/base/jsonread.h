/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small JSON reader (RFC 8259, strict) for the records gpupass writes with
 * json.h and reads back: /run/gpupass/status.json and late.json.
 *
 * Why not json-c: gpupass is built as one static binary, which cannot
 * dlopen() it, and json-c linked statically costs far more than this
 * (a tokenizer for any input, locale-aware doubles, printing, a hash table
 * per object); we only read our own small records.
 *
 * The whole text is parsed into a tree held in one arena (struct json_doc),
 * freed at once with json_doc_free().  Strict means: no comments, no trailing
 * commas, no control characters in strings, nothing but whitespace after the
 * top-level value, numbers and literals exactly as the RFC spells them.
 * Bytes >= 0x80 in strings are taken as they are, not checked as UTF-8: the
 * writer (json.c) passes them through too, and a record must read back.
 *
 * Limits: the text at most JSON_PARSE_SIZE_MAX bytes, at most
 * JSON_PARSE_DEPTH_MAX arrays and objects nested; integers must fit int64_t.
 * Memory follows from the text's size: each value, however short ("0,"),
 * costs a 16-byte node and an 8-byte pointer in its container, so the tree
 * takes at most ~13 bytes per byte of text, and parsing up to ~8 more for the
 * values of the containers still open (~20 MiB at worst for 1 MiB of
 * "[0,0,...]"; a record of ours takes a few KiB).
 */
#ifndef GPUPASS_JSONREAD_H
#define GPUPASS_JSONREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_PARSE_SIZE_MAX 1048576 /* 1 MiB, bytes of text */
#define JSON_PARSE_DEPTH_MAX 32

enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_INT,    /* a number without fraction or exponent: an int64_t */
	JSON_NUMBER, /* any other number (1.5, 1e3): checked, its value not kept */
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json_doc;
struct json_value;

/* Where and why a text is not JSON; @what is a static string ("expected ':'"). */
struct json_error {
	const char *what;
	size_t offset;		   /* of the offending byte, from 0 */
	unsigned int line, column; /* the same, from 1; the column counts bytes */
};

/*
 * Parse the NUL-terminated @text into *@ret, to be freed with json_doc_free().
 * Returns 0 with @err (may be NULL) zeroed, or a negative errno with *@ret
 * NULL and @err set: -EINVAL not JSON, -ERANGE an integer beyond int64_t,
 * -E2BIG over a limit above, -ENOMEM.  Logs nothing.
 */
int json_parse(const char *text, struct json_doc **ret, struct json_error *err);
void json_doc_free(struct json_doc *doc);
/* The top-level value: any type, check it. */
const struct json_value *json_doc_root(const struct json_doc *doc);

/*
 * The accessors below take NULL for @v (what a missing member or an index past
 * the end gives), and a value of any type: they never abort on a wrong type,
 * a record can hold anything.
 */
bool json_value_is(const struct json_value *v, enum json_type type);
/*
 * The member @key of object @obj; NULL when @obj is no object or has no such
 * member.  When a key repeats, the last one counts (as in json-c).
 */
const struct json_value *json_value_member(const struct json_value *obj, const char *key);
/* Elements of an array, members of an object; 0 for any other value. */
size_t json_value_length(const struct json_value *v);
/* Element @i of an array, or the value of member @i of an object; NULL past the end. */
const struct json_value *json_value_index(const struct json_value *v, size_t i);
/* The key of member @i of an object; NULL past the end.  @len as below. */
const char *json_value_key(const struct json_value *obj, size_t i, size_t *len);
/*
 * A string's bytes, NUL-terminated, or NULL when @v is no string.  With
 * @len (may be NULL), its length: more than strlen() when it holds "\u0000".
 */
const char *json_value_string(const struct json_value *v, size_t *len);
/* An integer's value; 0 when @v is no JSON_INT. */
int64_t json_value_int(const struct json_value *v);
/* true for true; false for false and for anything that is no JSON_BOOL. */
bool json_value_bool(const struct json_value *v);

#endif
