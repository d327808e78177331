// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/jsonread.h"

static struct json_doc *doc;

/*
 * Allocation failures, injected: the build wraps malloc, realloc and calloc
 * (tests/tests.mk).  While alloc_budget is not negative, that many more
 * succeed and the next ones fail.
 */
static int alloc_budget = -1;

void *__real_malloc(size_t size);
void *__real_realloc(void *p, size_t size);
void *__real_calloc(size_t n, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_realloc(void *p, size_t size);
void *__wrap_calloc(size_t n, size_t size);

static bool alloc_fails(void)
{
	if (alloc_budget < 0)
		return false;
	if (alloc_budget == 0)
		return true;
	alloc_budget--;
	return false;
}

void *__wrap_malloc(size_t size)
{
	return alloc_fails() ? NULL : __real_malloc(size);
}

void *__wrap_realloc(void *p, size_t size)
{
	return alloc_fails() ? NULL : __real_realloc(p, size);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return alloc_fails() ? NULL : __real_calloc(n, size);
}

static int teardown(void **state)
{
	(void)state;
	json_doc_free(doc);
	doc = NULL;
	return 0;
}

/* @text parsed (it must be JSON); the previous document is freed. */
static const struct json_value *parse(const char *text)
{
	struct json_error e;

	json_doc_free(doc);
	doc = NULL;
	if (json_parse(text, &doc, &e) < 0)
		fail_msg("%.60s: %u:%u: %s", text, e.line, e.column, e.what);
	return json_doc_root(doc);
}

static void test_record(void **state)
{
	const struct json_value *top, *devs, *d;

	(void)state;
	top = parse("{\"format\": 1, \"mode\": \"early\", \"disabled\": false,\n"
		    " \"started_ms_after_boot\": 4980, \"disabled_by\": null,\n"
		    " \"devices\": [{\"address\": \"0000:00:03.0\", \"result\": \"bound\"}, 7]}\n");
	assert_true(json_value_is(top, JSON_OBJECT));
	assert_int_equal(json_value_length(top), 6);
	assert_int_equal(json_value_int(json_value_member(top, "format")), 1);
	assert_string_equal(json_value_string(json_value_member(top, "mode"), NULL), "early");
	assert_true(json_value_is(json_value_member(top, "disabled"), JSON_BOOL));
	assert_false(json_value_bool(json_value_member(top, "disabled")));
	assert_int_equal(json_value_int(json_value_member(top, "started_ms_after_boot")), 4980);
	assert_true(json_value_is(json_value_member(top, "disabled_by"), JSON_NULL));
	assert_null(json_value_member(top, "missing"));
	assert_null(json_value_member(top, "mod"));

	devs = json_value_member(top, "devices");
	assert_true(json_value_is(devs, JSON_ARRAY));
	assert_int_equal(json_value_length(devs), 2);
	d = json_value_index(devs, 0);
	assert_string_equal(json_value_string(json_value_member(d, "address"), NULL),
			    "0000:00:03.0");
	assert_true(json_value_is(json_value_index(devs, 1), JSON_INT));
	assert_null(json_value_index(devs, 2));

	/* Members by position, in the order of the text. */
	assert_string_equal(json_value_key(top, 0, NULL), "format");
	assert_string_equal(json_value_key(top, 5, NULL), "devices");
	assert_ptr_equal(json_value_index(top, 5), devs);
	assert_null(json_value_key(top, 6, NULL));
	assert_null(json_value_key(devs, 0, NULL));
}

/* Every accessor takes NULL and values of any type, and says "absent". */
static void test_wrong_types(void **state)
{
	const struct json_value *top;

	(void)state;
	assert_false(json_value_is(NULL, JSON_NULL));
	assert_null(json_value_member(NULL, "a"));
	assert_int_equal(json_value_length(NULL), 0);
	assert_null(json_value_index(NULL, 0));
	assert_null(json_value_key(NULL, 0, NULL));
	assert_null(json_value_string(NULL, NULL));
	assert_int_equal(json_value_int(NULL), 0);
	assert_false(json_value_bool(NULL));

	top = parse("[\"1\", 1, true, [], {}]");
	assert_null(json_value_member(top, "a"));
	assert_int_equal(json_value_int(json_value_index(top, 0)), 0);
	assert_null(json_value_string(json_value_index(top, 1), NULL));
	assert_false(json_value_bool(json_value_index(top, 1)));
	assert_true(json_value_bool(json_value_index(top, 2)));
	assert_int_equal(json_value_length(json_value_index(top, 0)), 0);
	assert_int_equal(json_value_length(json_value_index(top, 3)), 0);
	assert_int_equal(json_value_length(json_value_index(top, 4)), 0);
	assert_null(json_value_index(json_value_index(top, 4), 0));
}

static void test_top_level_values(void **state)
{
	(void)state;
	assert_true(json_value_is(parse("null"), JSON_NULL));
	assert_true(json_value_bool(parse(" true ")));
	assert_true(json_value_is(parse("false"), JSON_BOOL));
	assert_int_equal(json_value_int(parse("\t\r\n-12\n")), -12);
	assert_string_equal(json_value_string(parse("\"\""), NULL), "");
	assert_int_equal(json_value_length(parse("[ ]")), 0);
	assert_int_equal(json_value_length(parse("{ }")), 0);
	/* Parsing without asking why it failed. */
	json_doc_free(doc);
	assert_int_equal(json_parse("[", &doc, NULL), -EINVAL);
	assert_null(doc);
}

/* As json-c did: a repeated key's last value counts; both stay members. */
static void test_duplicate_keys(void **state)
{
	const struct json_value *top;

	(void)state;
	top = parse("{\"a\": 1, \"b\": 2, \"a\": 3}");
	assert_int_equal(json_value_int(json_value_member(top, "a")), 3);
	assert_int_equal(json_value_length(top), 3);
	assert_int_equal(json_value_int(json_value_index(top, 0)), 1);
}

static void expect_str(const char *text, const char *bytes, size_t len)
{
	size_t got;
	const char *s = json_value_string(parse(text), &got);

	assert_non_null(s);
	assert_int_equal(got, len);
	assert_memory_equal(s, bytes, len);
	assert_int_equal(s[len], '\0');
}

static void test_escapes(void **state)
{
	(void)state;
	expect_str("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"", "\" \\ / \b \f \n \r \t", 15);
	expect_str("\"\\u0041\\u007e\"", "A~", 2);
	expect_str("\"\\u00e9\\u00C9\"", "\xc3\xa9\xc3\x89", 4);	 /* 2 bytes */
	expect_str("\"\\u20ac\\uFFFF\"", "\xe2\x82\xac\xef\xbf\xbf", 6); /* 3 bytes */
	expect_str("\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80", 4);	 /* a surrogate pair */
	expect_str("\"\\udbff\\udfff\"", "\xf4\x8f\xbf\xbf", 4);	 /* U+10FFFF */
	expect_str("\"a\\u0000b\"", "a\0b", 3);
	/* Bytes >= 0x80 as they are (the writer does not check UTF-8 either); DEL is no control. */
	expect_str("\"\xc3\xa9\xff\x7f\"", "\xc3\xa9\xff\x7f", 4);
	/* A key is a string like any other. */
	assert_non_null(json_value_member(parse("{\"\\u0061\\n\": 1}"), "a\n"));
}

static void test_integers(void **state)
{
	(void)state;
	assert_int_equal(json_value_int(parse("0")), 0);
	assert_int_equal(json_value_int(parse("-0")), 0);
	assert_true(json_value_int(parse("9223372036854775807")) == INT64_MAX);
	assert_true(json_value_int(parse("-9223372036854775808")) == INT64_MIN);
	assert_true(json_value_int(json_value_index(parse("[-9223372036854775807]"), 0)) ==
		    -INT64_MAX);
	/* Fractions and exponents are numbers, just not integers. */
	assert_true(json_value_is(parse("1.5"), JSON_NUMBER));
	assert_true(json_value_is(parse("-0.0e-0"), JSON_NUMBER));
	assert_true(json_value_is(parse("1E+2"), JSON_NUMBER));
	assert_true(json_value_is(parse("1e999"), JSON_NUMBER));
	assert_int_equal(json_value_int(parse("1e3")), 0);
	/* Beyond int64 with a fraction is a number too, not an overflow. */
	assert_true(json_value_is(parse("99999999999999999999.5"), JSON_NUMBER));
}

/* @depth arrays, nested: "[[...]]". */
static char *nested(unsigned int depth)
{
	char *s = malloc(2 * depth + 1);
	unsigned int i;

	assert_non_null(s);
	for (i = 0; i < depth; i++) {
		s[i] = '[';
		s[2 * depth - 1 - i] = ']';
	}
	s[2 * depth] = '\0';
	return s;
}

struct bad {
	const char *text;
	int err;
	const char *what;
	size_t offset;
	unsigned int line, column;
};

static void expect_bad(const struct bad *b)
{
	struct json_error e;
	struct json_doc *d = (struct json_doc *)1;

	memset(&e, 0xff, sizeof(e));
	if (json_parse(b->text, &d, &e) != b->err)
		fail_msg("%s: expected %d, got %s", b->text, b->err, d ? "a document" : e.what);
	assert_null(d);
	assert_non_null(e.what);
	if (strcmp(e.what, b->what) || e.offset != b->offset || e.line != b->line ||
	    e.column != b->column)
		fail_msg("'%s': expected %zu (%u:%u) %s, got %zu (%u:%u) %s", b->text, b->offset,
			 b->line, b->column, b->what, e.offset, e.line, e.column, e.what);
}

/* @n objects nested, "{"a":...}", around @inner. */
static char *in_objects(unsigned int n, const char *inner)
{
	size_t len = strlen(inner);
	char *s = malloc(6 * n + len + 1);
	unsigned int i;

	assert_non_null(s);
	for (i = 0; i < n; i++) {
		memcpy(s + 5 * i, "{\"a\":", 5);
		s[5 * n + len + i] = '}';
	}
	memcpy(s + 5 * n, inner, len);
	s[6 * n + len] = '\0';
	return s;
}

static void test_depth(void **state)
{
	char *at = nested(JSON_PARSE_DEPTH_MAX), *over = nested(JSON_PARSE_DEPTH_MAX + 1);
	char *objects_at = in_objects(JSON_PARSE_DEPTH_MAX - 1, "[1]");
	char *objects_over = in_objects(JSON_PARSE_DEPTH_MAX - 1, "[[1]]");
	const struct json_value *v;
	struct bad b = { over, -E2BIG, "nested deeper than 32 arrays and objects", 32, 1, 33 };
	unsigned int i;

	(void)state;
	v = parse(at);
	for (i = 1; i < JSON_PARSE_DEPTH_MAX; i++)
		v = json_value_index(v, 0);
	assert_true(json_value_is(v, JSON_ARRAY));
	assert_int_equal(json_value_length(v), 0);
	expect_bad(&b);
	/* 31 objects and an array: 32, at the limit; an array in that array is over. */
	v = parse(objects_at);
	for (i = 1; i < JSON_PARSE_DEPTH_MAX; i++)
		v = json_value_member(v, "a");
	assert_int_equal(json_value_int(json_value_index(v, 0)), 1);
	b.text = objects_over;
	b.offset = 5 * (JSON_PARSE_DEPTH_MAX - 1) + 1; /* the second '[' */
	b.column = b.offset + 1;
	expect_bad(&b);
	free(at);
	free(over);
	free(objects_at);
	free(objects_over);
}

static void test_overflow(void **state)
{
	static const struct bad bad[] = {
		{ "9223372036854775808", -ERANGE, "integer out of range (int64)", 0, 1, 1 },
		{ "[1, -9223372036854775809]", -ERANGE, "integer out of range (int64)", 4, 1, 5 },
		{ "{\"a\":\n 18446744073709551616}", -ERANGE, "integer out of range (int64)", 7, 2,
		  2 },
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_bad(&bad[i]);
}

/* Every way a text is no JSON, with where and why. */
static void test_invalid(void **state)
{
	static const struct bad bad[] = {
		/* The end of the text too early. */
		{ "", -EINVAL, "unexpected end of text", 0, 1, 1 },
		{ " \n ", -EINVAL, "unexpected end of text", 3, 2, 2 },
		{ "[1,2", -EINVAL, "unexpected end of text", 4, 1, 5 },
		{ "{\"a\"", -EINVAL, "unexpected end of text", 4, 1, 5 },
		{ "{\"a", -EINVAL, "unterminated string", 1, 1, 2 },
		{ "{\"a\":", -EINVAL, "unexpected end of text", 5, 1, 6 },
		{ "\"abc", -EINVAL, "unterminated string", 0, 1, 1 },
		{ "[\"abc\\\"]", -EINVAL, "unterminated string", 1, 1, 2 },
		{ "\"abc\\", -EINVAL, "unterminated string", 0, 1, 1 },
		/* Structure. */
		{ "[1,]", -EINVAL, "trailing comma", 2, 1, 3 },
		{ "{\"a\": 1 ,\n}", -EINVAL, "trailing comma", 8, 1, 9 },
		{ "[,1]", -EINVAL, "expected a value", 1, 1, 2 },
		{ "[1 2]", -EINVAL, "expected ',' or ']'", 3, 1, 4 },
		{ "[1}", -EINVAL, "expected ',' or ']'", 2, 1, 3 },
		{ "{\"a\": 1 \"b\": 2}", -EINVAL, "expected ',' or '}'", 8, 1, 9 },
		{ "{\"a\" 1}", -EINVAL, "expected ':'", 5, 1, 6 },
		{ "{1: 2}", -EINVAL, "expected a string (an object's key)", 1, 1, 2 },
		{ "{a: 2}", -EINVAL, "expected a string (an object's key)", 1, 1, 2 },
		{ "{,}", -EINVAL, "expected a string (an object's key)", 1, 1, 2 },
		{ "]", -EINVAL, "expected a value", 0, 1, 1 },
		{ "{} {}", -EINVAL, "text after the top-level value", 3, 1, 4 },
		{ "[1]]", -EINVAL, "text after the top-level value", 3, 1, 4 },
		{ "truex", -EINVAL, "text after the top-level value", 4, 1, 5 },
		/* Comments, and what JSON5 or JavaScript would take. */
		{ "// x\n{}", -EINVAL, "comments are not JSON", 0, 1, 1 },
		{ "[/* x */ 1]", -EINVAL, "comments are not JSON", 1, 1, 2 },
		{ "{}\n# x", -EINVAL, "text after the top-level value", 3, 2, 1 },
		{ "['a']", -EINVAL, "expected a value", 1, 1, 2 },
		{ "NaN", -EINVAL, "expected a value", 0, 1, 1 },
		{ "-Infinity", -EINVAL, "invalid number", 1, 1, 2 },
		{ "\xef\xbb\xbf{}", -EINVAL, "expected a value", 0, 1, 1 },
		{ "\f{}", -EINVAL, "expected a value", 0, 1, 1 },
		/* Literals. */
		{ "tru", -EINVAL, "expected true, false or null", 0, 1, 1 },
		{ "[nul]", -EINVAL, "expected true, false or null", 1, 1, 2 },
		{ "fals", -EINVAL, "expected true, false or null", 0, 1, 1 },
		{ "True", -EINVAL, "expected a value", 0, 1, 1 },
		/* Numbers. */
		{ "01", -EINVAL, "invalid number (a leading zero)", 1, 1, 2 },
		{ "-01", -EINVAL, "invalid number (a leading zero)", 2, 1, 3 },
		{ "-", -EINVAL, "invalid number", 1, 1, 2 },
		{ "- 1", -EINVAL, "invalid number", 1, 1, 2 },
		{ "1.", -EINVAL, "invalid number", 2, 1, 3 },
		{ "1.e5", -EINVAL, "invalid number", 2, 1, 3 },
		{ "1e", -EINVAL, "invalid number", 2, 1, 3 },
		{ "1e+", -EINVAL, "invalid number", 3, 1, 4 },
		{ ".5", -EINVAL, "expected a value", 0, 1, 1 },
		{ "+1", -EINVAL, "expected a value", 0, 1, 1 },
		{ "0x10", -EINVAL, "text after the top-level value", 1, 1, 2 },
		/* Strings. */
		{ "\"a\tb\"", -EINVAL, "control character in string (escape it)", 2, 1, 3 },
		{ "[\n\"a\nb\"]", -EINVAL, "control character in string (escape it)", 4, 2, 3 },
		{ "\"\x1f\"", -EINVAL, "control character in string (escape it)", 1, 1, 2 },
		{ "\"\\x41\"", -EINVAL, "invalid escape", 1, 1, 2 },
		{ "{\"\\q\": 1}", -EINVAL, "invalid escape", 2, 1, 3 },
		{ "\"\\'\"", -EINVAL, "invalid escape", 1, 1, 2 },
		{ "\"\\U0041\"", -EINVAL, "invalid escape", 1, 1, 2 },
		{ "\"\\u41\"", -EINVAL, "invalid \\u escape (4 hex digits)", 1, 1, 2 },
		{ "\"\\u12G4\"", -EINVAL, "invalid \\u escape (4 hex digits)", 1, 1, 2 },
		{ "\"\\ud800\"", -EINVAL, "invalid \\u escape (a high surrogate alone)", 1, 1, 2 },
		{ "\"\\ud800x\"", -EINVAL, "invalid \\u escape (a high surrogate alone)", 1, 1, 2 },
		{ "\"\\ud800\\u0041\"", -EINVAL, "invalid \\u escape (a high surrogate alone)", 1,
		  1, 2 },
		{ "\"\\ud800\\ud800\"", -EINVAL, "invalid \\u escape (a high surrogate alone)", 1,
		  1, 2 },
		{ "\"\\ud800\\n\"", -EINVAL, "invalid \\u escape (a high surrogate alone)", 1, 1,
		  2 },
		{ "\"\\ud800\\u12\"", -EINVAL, "invalid \\u escape (4 hex digits)", 7, 1, 8 },
		{ "\"\\udc00\"", -EINVAL, "invalid \\u escape (a low surrogate alone)", 1, 1, 2 },
		{ "\"\\udfff\\ud800\"", -EINVAL, "invalid \\u escape (a low surrogate alone)", 1, 1,
		  2 },
		/* Lines and columns: lines end at \n only, columns count bytes. */
		{ "[1,\r\n  2,\n  x]", -EINVAL, "expected a value", 12, 3, 3 },
		{ "[\"\xc3\xa9\", x]", -EINVAL, "expected a value", 7, 1, 8 },
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_bad(&bad[i]);
}

/* A text of @size bytes: one string. */
static char *big(size_t size)
{
	char *s = malloc(size + 1);

	assert_non_null(s);
	memset(s, 'x', size);
	s[0] = s[size - 1] = '"';
	s[size] = '\0';
	return s;
}

static void test_size_limit(void **state)
{
	char *at = big(JSON_PARSE_SIZE_MAX), *over = big(JSON_PARSE_SIZE_MAX + 1);
	struct bad b = { over,
			 -E2BIG,
			 "text over 1048576 bytes",
			 JSON_PARSE_SIZE_MAX,
			 1,
			 JSON_PARSE_SIZE_MAX + 1 };
	size_t len;

	(void)state;
	assert_non_null(json_value_string(parse(at), &len));
	assert_int_equal(len, JSON_PARSE_SIZE_MAX - 2);
	expect_bad(&b);
	free(at);
	free(over);
}

/* A large document: many values in many arena blocks, all reachable. */
static void test_many_values(void **state)
{
	enum { N = 60000 };			    /* ~900 KiB of text */
	char *text = malloc(N * 16 + 3), *p = text; /* N * "[99999,\"99999\"]," */
	const struct json_value *top;
	unsigned int i;

	(void)state;
	assert_non_null(text);
	*p++ = '[';
	for (i = 0; i < N; i++)
		p += sprintf(p, "%s[%u,\"%u\"]", i ? "," : "", i, i);
	strcpy(p, "]");
	top = parse(text);
	free(text);
	assert_int_equal(json_value_length(top), N);
	for (i = 0; i < N; i += 997) {
		const struct json_value *e = json_value_index(top, i);
		char want[16];

		snprintf(want, sizeof(want), "%u", i);
		assert_int_equal(json_value_int(json_value_index(e, 0)), i);
		assert_string_equal(json_value_string(json_value_index(e, 1), NULL), want);
	}
}

/* Out of memory at each allocation in turn: -ENOMEM, nothing leaked (ASan checks). */
static void test_out_of_memory(void **state)
{
	enum { N = 400 };
	char *text = malloc(N * 40 + 3), *p = text;
	struct json_error e;
	int budget, r;

	(void)state;
	assert_non_null(text);
	/* Enough for the stack to grow and the arena to take several blocks. */
	*p++ = '[';
	for (budget = 0; budget < N; budget++)
		p += sprintf(p, "%s{\"k%d\":[\"\\u00e9%d\",%d,true]}", budget ? "," : "", budget,
			     budget, budget);
	strcpy(p, "]");
	for (budget = 0;; budget++) {
		alloc_budget = budget;
		r = json_parse(text, &doc, &e);
		alloc_budget = -1;
		if (r == 0)
			break;
		assert_int_equal(r, -ENOMEM);
		assert_null(doc);
		assert_string_equal(e.what, "out of memory");
	}
	free(text);
	/* The document, its stack's growth and at least 3 arena blocks. */
	assert_true(budget >= 6);
	assert_int_equal(json_value_length(json_doc_root(doc)), N);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_record, teardown),
		cmocka_unit_test_teardown(test_wrong_types, teardown),
		cmocka_unit_test_teardown(test_top_level_values, teardown),
		cmocka_unit_test_teardown(test_duplicate_keys, teardown),
		cmocka_unit_test_teardown(test_escapes, teardown),
		cmocka_unit_test_teardown(test_integers, teardown),
		cmocka_unit_test_teardown(test_depth, teardown),
		cmocka_unit_test_teardown(test_overflow, teardown),
		cmocka_unit_test_teardown(test_invalid, teardown),
		cmocka_unit_test_teardown(test_size_limit, teardown),
		cmocka_unit_test_teardown(test_many_values, teardown),
		cmocka_unit_test_teardown(test_out_of_memory, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
