// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Recursive descent over the text, at most JSON_PARSE_DEPTH_MAX calls deep.
 * The values of the open arrays and objects wait on one growing stack; when a
 * container closes, its values are copied into one array of the arena, so a
 * container's elements are indexed in O(1) and the stack is reused.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonread.h"

#define STR_(x) #x
#define STR(x) STR_(x)

#define BLOCK_MIN 4096
#define BLOCK_MAX (256 * 1024)
#define ALIGN 8 /* of int64_t and pointers, all the arena holds besides bytes */

struct json_value {
	uint8_t type; /* enum json_type */
	uint32_t n;   /* bytes of a string, elements of an array, members of an object */
	union {
		bool b;
		int64_t i;
		char *s;		   /* NUL-terminated */
		struct json_value **items; /* array: n values; object: 2n, key then value */
	};
};

struct block {
	struct block *next;
	size_t used, size;
	max_align_t data[];
};

struct json_doc {
	struct block *blocks; /* the newest first */
	struct json_value *root;
};

struct parser {
	const char *text, *p; /* the whole text, the next byte to read */
	struct json_doc *doc;
	struct json_value **stack; /* the values of the open containers, in order */
	size_t nstack, stack_size;
	unsigned int depth;
	struct json_error *err;
};

/* @size bytes from @doc's arena, aligned; NULL when out of memory. */
static void *arena_alloc(struct json_doc *doc, size_t size)
{
	struct block *b = doc->blocks;
	void *p;

	size = (size + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (!b || b->size - b->used < size) {
		size_t bsize = b ? 2 * b->size : BLOCK_MIN;

		if (bsize > BLOCK_MAX)
			bsize = BLOCK_MAX;
		if (bsize < size)
			bsize = size;
		b = malloc(sizeof(*b) + bsize);
		if (!b)
			return NULL;
		b->next = doc->blocks;
		b->used = 0;
		b->size = bsize;
		doc->blocks = b;
	}
	p = (char *)b->data + b->used;
	b->used += size;
	return p;
}

/* Record the error at @at (parsing stops at the first one); returns @err. */
static int fail(struct parser *ps, const char *at, int err, const char *what)
{
	struct json_error *e = ps->err;
	const char *q;

	e->what = what;
	e->offset = at - ps->text;
	e->line = 1;
	e->column = 1;
	for (q = ps->text; q < at; q++) {
		if (*q == '\n') {
			e->line++;
			e->column = 1;
		} else {
			e->column++;
		}
	}
	return err;
}

/* @what was expected at the current byte, unless the text ended there. */
static int expected(struct parser *ps, const char *what)
{
	return fail(ps, ps->p, -EINVAL, *ps->p ? what : "unexpected end of text");
}

static int out_of_memory(struct parser *ps)
{
	return fail(ps, ps->p, -ENOMEM, "out of memory");
}

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static struct json_value *new_value(struct parser *ps, enum json_type type)
{
	struct json_value *v = arena_alloc(ps->doc, sizeof(*v));

	if (v) {
		memset(v, 0, sizeof(*v));
		v->type = type;
	}
	return v;
}

static int push(struct parser *ps, struct json_value *v)
{
	if (ps->nstack == ps->stack_size) {
		size_t size = ps->stack_size ? 2 * ps->stack_size : 64;
		struct json_value **s = realloc(ps->stack, size * sizeof(*s));

		if (!s)
			return out_of_memory(ps);
		ps->stack = s;
		ps->stack_size = size;
	}
	ps->stack[ps->nstack++] = v;
	return 0;
}

static int parse_literal(struct parser *ps, const char *word, enum json_type type, bool b,
			 struct json_value **ret)
{
	size_t len = strlen(word);

	if (strncmp(ps->p, word, len))
		return fail(ps, ps->p, -EINVAL, "expected true, false or null");
	*ret = new_value(ps, type);
	if (!*ret)
		return out_of_memory(ps);
	(*ret)->b = b;
	ps->p += len;
	return 0;
}

/* The digits at *@pp into *@u, no more than @limit; false when over it. */
static bool digits(const char **pp, uint64_t limit, uint64_t *u)
{
	const char *p = *pp;
	bool fits = true;

	for (*u = 0; is_digit(*p); p++) {
		unsigned int d = *p - '0';

		if (*u > (limit - d) / 10)
			fits = false;
		else
			*u = *u * 10 + d;
	}
	*pp = p;
	return fits;
}

/* A fraction or an exponent at *@pp, skipped; -EINVAL with *@pp at the fault. */
static int fraction_exponent(const char **pp, bool *integer)
{
	const char *p = *pp;

	if (*p == '.') {
		*integer = false;
		if (!is_digit(*++p))
			goto bad;
		while (is_digit(*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		*integer = false;
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!is_digit(*p))
			goto bad;
		while (is_digit(*p))
			p++;
	}
	*pp = p;
	return 0;
bad:
	*pp = p;
	return -EINVAL;
}

static int parse_number(struct parser *ps, struct json_value **ret)
{
	const char *p = ps->p;
	bool neg = *p == '-', integer = true, fits = true;
	uint64_t u = 0;

	p += neg;
	if (*p == '0')
		p++;
	else if (is_digit(*p))
		fits = digits(&p, neg ? (uint64_t)INT64_MAX + 1 : INT64_MAX, &u);
	else
		return fail(ps, p, -EINVAL, "invalid number");
	if (is_digit(*p))
		return fail(ps, p, -EINVAL, "invalid number (a leading zero)");
	if (fraction_exponent(&p, &integer) < 0)
		return fail(ps, p, -EINVAL, "invalid number");
	if (integer && !fits)
		return fail(ps, ps->p, -ERANGE, "integer out of range (int64)");
	*ret = new_value(ps, integer ? JSON_INT : JSON_NUMBER);
	if (!*ret)
		return out_of_memory(ps);
	/* -(u - 1) - 1: -9223372036854775808 without overflowing on the way. */
	if (integer)
		(*ret)->i = neg && u ? -(int64_t)(u - 1) - 1 : (int64_t)u;
	ps->p = p;
	return 0;
}

static int hex_digit(char c)
{
	if (is_digit(c))
		return c - '0';
	c |= 0x20; /* lower case */
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The 4 hex digits at @p, or -1 (reading stops at the first other byte). */
static int32_t hex4(const char *p)
{
	int32_t v = 0;
	int i, d;

	for (i = 0; i < 4; i++) {
		d = hex_digit(p[i]);
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static char *put_utf8(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		*out++ = cp;
	} else if (cp < 0x800) {
		*out++ = 0xc0 | cp >> 6;
		*out++ = 0x80 | (cp & 0x3f);
	} else if (cp < 0x10000) {
		*out++ = 0xe0 | cp >> 12;
		*out++ = 0x80 | (cp >> 6 & 0x3f);
		*out++ = 0x80 | (cp & 0x3f);
	} else {
		*out++ = 0xf0 | cp >> 18;
		*out++ = 0x80 | (cp >> 12 & 0x3f);
		*out++ = 0x80 | (cp >> 6 & 0x3f);
		*out++ = 0x80 | (cp & 0x3f);
	}
	return out;
}

/* The \uXXXX escape at *@pp (with its low surrogate, if any) as UTF-8 at *@out. */
static int unescape_u(struct parser *ps, const char **pp, char **out)
{
	const char *p = *pp;
	int32_t cp = hex4(p + 2), low;

	if (cp < 0)
		return fail(ps, p, -EINVAL, "invalid \\u escape (4 hex digits)");
	p += 6;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fail(ps, *pp, -EINVAL, "invalid \\u escape (a low surrogate alone)");
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (p[0] != '\\' || p[1] != 'u')
			return fail(ps, *pp, -EINVAL,
				    "invalid \\u escape (a high surrogate alone)");
		low = hex4(p + 2);
		if (low < 0)
			return fail(ps, p, -EINVAL, "invalid \\u escape (4 hex digits)");
		if (low < 0xdc00 || low > 0xdfff)
			return fail(ps, *pp, -EINVAL,
				    "invalid \\u escape (a high surrogate alone)");
		cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
		p += 6;
	}
	*out = put_utf8(*out, cp);
	*pp = p;
	return 0;
}

/* The escape at *@pp (a backslash) into *@out; both advanced. */
static int unescape(struct parser *ps, const char **pp, char **out)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *p = *pp, *e;

	if (p[1] == 'u')
		return unescape_u(ps, pp, out);
	e = p[1] ? strchr(from, p[1]) : NULL;
	if (!e)
		return fail(ps, p, -EINVAL, "invalid escape");
	*(*out)++ = to[e - from];
	*pp = p + 2;
	return 0;
}

/* The closing quote of the string opening at @p, or NULL when the text ends first. */
static const char *string_end(const char *p)
{
	for (p++; *p != '"'; p++) {
		if (!*p)
			return NULL;
		if (*p == '\\' && !*++p)
			return NULL;
	}
	return p;
}

static int parse_string(struct parser *ps, struct json_value **ret)
{
	const char *end = string_end(ps->p), *p;
	struct json_value *v;
	char *out;
	int r;

	if (!end)
		return fail(ps, ps->p, -EINVAL, "unterminated string");
	/* Escapes only shrink: the raw length (and a NUL) is enough. */
	v = new_value(ps, JSON_STRING);
	out = v ? arena_alloc(ps->doc, end - ps->p) : NULL;
	if (!out)
		return out_of_memory(ps);
	v->s = out;
	for (p = ps->p + 1; p < end;) {
		if ((unsigned char)*p < 0x20)
			return fail(ps, p, -EINVAL, "control character in string (escape it)");
		if (*p != '\\') {
			*out++ = *p++;
			continue;
		}
		r = unescape(ps, &p, &out);
		if (r < 0)
			return r;
	}
	*out = '\0';
	v->n = out - v->s;
	ps->p = end + 1;
	*ret = v;
	return 0;
}

static int parse_value(struct parser *ps, struct json_value **ret);

static int parse_element(struct parser *ps)
{
	struct json_value *v;
	int r = parse_value(ps, &v);

	return r < 0 ? r : push(ps, v);
}

static int parse_member(struct parser *ps)
{
	struct json_value *key;
	int r;

	if (*ps->p != '"')
		return expected(ps, "expected a string (an object's key)");
	r = parse_string(ps, &key);
	if (r < 0 || (r = push(ps, key)) < 0)
		return r;
	ps->p = skip_space(ps->p);
	if (*ps->p != ':')
		return expected(ps, "expected ':'");
	ps->p++;
	return parse_element(ps);
}

/* The values pushed since @base, as the container they close. */
static int close_container(struct parser *ps, enum json_type type, size_t base,
			   struct json_value **ret)
{
	size_t n = ps->nstack - base;
	struct json_value *v = new_value(ps, type);

	if (!v)
		return out_of_memory(ps);
	if (n) {
		v->items = arena_alloc(ps->doc, n * sizeof(*v->items));
		if (!v->items)
			return out_of_memory(ps);
		memcpy(v->items, ps->stack + base, n * sizeof(*v->items));
	}
	v->n = type == JSON_OBJECT ? n / 2 : n;
	ps->nstack = base;
	*ret = v;
	return 0;
}

/* An array or an object: @close is its closing bracket. */
static int parse_container(struct parser *ps, enum json_type type, char close,
			   struct json_value **ret)
{
	const char *more = close == '}' ? "expected ',' or '}'" : "expected ',' or ']'";
	const char *comma;
	size_t base = ps->nstack;
	int r;

	if (ps->depth == JSON_PARSE_DEPTH_MAX)
		return fail(ps, ps->p, -E2BIG,
			    "nested deeper than " STR(JSON_PARSE_DEPTH_MAX) " arrays and objects");
	ps->depth++;
	ps->p = skip_space(ps->p + 1);
	while (*ps->p != close) {
		r = type == JSON_OBJECT ? parse_member(ps) : parse_element(ps);
		if (r < 0)
			return r;
		ps->p = skip_space(ps->p);
		if (*ps->p == close)
			break;
		if (*ps->p != ',')
			return expected(ps, more);
		comma = ps->p;
		ps->p = skip_space(ps->p + 1);
		if (*ps->p == close)
			return fail(ps, comma, -EINVAL, "trailing comma");
	}
	ps->p++;
	ps->depth--;
	return close_container(ps, type, base, ret);
}

static int parse_value(struct parser *ps, struct json_value **ret)
{
	ps->p = skip_space(ps->p);
	switch (*ps->p) {
	case '{':
		return parse_container(ps, JSON_OBJECT, '}', ret);
	case '[':
		return parse_container(ps, JSON_ARRAY, ']', ret);
	case '"':
		return parse_string(ps, ret);
	case 't':
		return parse_literal(ps, "true", JSON_BOOL, true, ret);
	case 'f':
		return parse_literal(ps, "false", JSON_BOOL, false, ret);
	case 'n':
		return parse_literal(ps, "null", JSON_NULL, false, ret);
	case '/':
		return fail(ps, ps->p, -EINVAL, "comments are not JSON");
	default:
		if (*ps->p == '-' || is_digit(*ps->p))
			return parse_number(ps, ret);
		return expected(ps, "expected a value");
	}
}

int json_parse(const char *text, struct json_doc **ret, struct json_error *err)
{
	struct json_error ignored;
	struct parser ps = { .text = text, .p = text, .err = err ? err : &ignored };
	int r;

	*ret = NULL;
	memset(ps.err, 0, sizeof(*ps.err));
	if (strnlen(text, JSON_PARSE_SIZE_MAX + 1) > JSON_PARSE_SIZE_MAX)
		return fail(&ps, text + JSON_PARSE_SIZE_MAX, -E2BIG,
			    "text over " STR(JSON_PARSE_SIZE_MAX) " bytes");
	ps.doc = calloc(1, sizeof(*ps.doc));
	if (!ps.doc)
		return out_of_memory(&ps);
	r = parse_value(&ps, &ps.doc->root);
	if (r >= 0 && *(ps.p = skip_space(ps.p)))
		r = fail(&ps, ps.p, -EINVAL, "text after the top-level value");
	free(ps.stack);
	if (r < 0) {
		json_doc_free(ps.doc);
		return r;
	}
	*ret = ps.doc;
	return 0;
}

void json_doc_free(struct json_doc *doc)
{
	struct block *b, *next;

	if (!doc)
		return;
	for (b = doc->blocks; b; b = next) {
		next = b->next;
		free(b);
	}
	free(doc);
}

const struct json_value *json_doc_root(const struct json_doc *doc)
{
	return doc->root;
}

bool json_value_is(const struct json_value *v, enum json_type type)
{
	return v && v->type == type;
}

const struct json_value *json_value_member(const struct json_value *obj, const char *key)
{
	size_t len = strlen(key), i;

	if (!json_value_is(obj, JSON_OBJECT))
		return NULL;
	for (i = obj->n; i-- > 0;) {
		const struct json_value *k = obj->items[2 * i];

		if (k->n == len && !memcmp(k->s, key, len))
			return obj->items[2 * i + 1];
	}
	return NULL;
}

size_t json_value_length(const struct json_value *v)
{
	return json_value_is(v, JSON_ARRAY) || json_value_is(v, JSON_OBJECT) ? v->n : 0;
}

const struct json_value *json_value_index(const struct json_value *v, size_t i)
{
	if (i >= json_value_length(v))
		return NULL;
	return v->type == JSON_OBJECT ? v->items[2 * i + 1] : v->items[i];
}

const char *json_value_key(const struct json_value *obj, size_t i, size_t *len)
{
	if (!json_value_is(obj, JSON_OBJECT) || i >= obj->n)
		return NULL;
	return json_value_string(obj->items[2 * i], len);
}

const char *json_value_string(const struct json_value *v, size_t *len)
{
	if (!json_value_is(v, JSON_STRING))
		return NULL;
	if (len)
		*len = v->n;
	return v->s;
}

int64_t json_value_int(const struct json_value *v)
{
	return json_value_is(v, JSON_INT) ? v->i : 0;
}

bool json_value_bool(const struct json_value *v)
{
	return json_value_is(v, JSON_BOOL) && v->b;
}
