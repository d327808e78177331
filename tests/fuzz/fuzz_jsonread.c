// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The JSON reader alone (json_parse(), base/jsonread.h), with an oracle: a
 * document it accepts is written back with the writer the records are made
 * with (base/json.h) and must parse again into the same tree.  So the reader
 * reads what the writer writes, escapes and all.  Left out of the round trip,
 * as the writer cannot express them: numbers that are no integers, strings
 * holding "\u0000", more than JSON_DEPTH_MAX - 1 containers nested.
 * A rejected text must come with a reason and an offset inside the text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/jsonread.h"
#include "fuzz.h"

/* Whether the writer can write @v, @depth containers deep. */
static int writable(const struct json_value *v, int depth)
{
	size_t i, len;
	const char *s;

	if (json_value_is(v, JSON_NUMBER))
		return 0;
	s = json_value_string(v, &len);
	if (s && strlen(s) != len)
		return 0;
	if (!json_value_is(v, JSON_ARRAY) && !json_value_is(v, JSON_OBJECT))
		return 1;
	if (depth + 1 >= JSON_DEPTH_MAX)
		return 0;
	for (i = 0; i < json_value_length(v); i++) {
		s = json_value_key(v, i, &len);
		if (s && strlen(s) != len)
			return 0;
		if (!writable(json_value_index(v, i), depth + 1))
			return 0;
	}
	return 1;
}

static void write_value(struct json *w, const char *key, const struct json_value *v)
{
	size_t i;

	if (json_value_is(v, JSON_ARRAY) || json_value_is(v, JSON_OBJECT)) {
		int object = json_value_is(v, JSON_OBJECT);

		if (object)
			json_object_begin(w, key);
		else
			json_array_begin(w, key);
		for (i = 0; i < json_value_length(v); i++)
			write_value(w, json_value_key(v, i, NULL), json_value_index(v, i));
		if (object)
			json_object_end(w);
		else
			json_array_end(w);
	} else if (json_value_is(v, JSON_BOOL)) {
		json_bool(w, key, json_value_bool(v));
	} else if (json_value_is(v, JSON_INT)) {
		json_int(w, key, json_value_int(v));
	} else {
		json_string(w, key, json_value_string(v, NULL)); /* NULL: null */
	}
}

static int same_string(const char *a, size_t alen, const char *b, size_t blen)
{
	return a && b && alen == blen && !memcmp(a, b, alen) && !a[alen] && !b[blen];
}

static int same(const struct json_value *a, const struct json_value *b)
{
	static const enum json_type types[] = { JSON_NULL,   JSON_BOOL,	 JSON_INT,
						JSON_STRING, JSON_ARRAY, JSON_OBJECT };
	size_t i, alen, blen;
	const char *as, *bs;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (json_value_is(a, types[i]) != json_value_is(b, types[i]))
			return 0;
	if (json_value_int(a) != json_value_int(b) || json_value_bool(a) != json_value_bool(b))
		return 0;
	as = json_value_string(a, &alen);
	bs = json_value_string(b, &blen);
	if ((as || bs) && !same_string(as, alen, bs, blen))
		return 0;
	if (json_value_length(a) != json_value_length(b))
		return 0;
	for (i = 0; i < json_value_length(a); i++) {
		as = json_value_key(a, i, &alen);
		bs = json_value_key(b, i, &blen);
		if ((as || bs) && !same_string(as, alen, bs, blen))
			return 0;
		if (!same(json_value_index(a, i), json_value_index(b, i)))
			return 0;
	}
	return 1;
}

static void round_trip(const struct json_value *v)
{
	struct json_doc *again = NULL;
	struct json_error e;
	struct json w;
	size_t size;
	char *out = NULL;
	FILE *f = open_memstream(&out, &size);

	if (!f)
		return;
	json_init(&w, f);
	write_value(&w, NULL, v);
	if (fclose(f) || !out)
		return;
	if (json_parse(out, &again, &e) < 0) {
		/* The writer's output is larger than the input at most by its indentation. */
		if (e.what && !strcmp(e.what, "text over 1048576 bytes"))
			goto out;
		fprintf(stderr, "%u:%u: %s in:\n%s\n", e.line, e.column, e.what, out);
		fuzz_fail("the reader rejects what the writer wrote");
	}
	if (!same(v, json_doc_root(again)))
		fuzz_fail("written and read back, the tree differs");
out:
	json_doc_free(again);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	struct json_doc *doc;
	struct json_error e;

	if (!text)
		return 0;
	if (json_parse(text, &doc, &e) < 0) {
		if (!e.what || e.offset > strlen(text) || !e.line || !e.column)
			fuzz_fail("an error without a reason or a place in the text");
	} else {
		if (writable(json_doc_root(doc), 0))
			round_trip(json_doc_root(doc));
		json_doc_free(doc);
	}
	free(text);
	return 0;
}
