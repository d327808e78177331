// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "base/xmlread.h"

void xml_init(struct xml_reader *r, const char *buf, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->buf = r->p = buf;
	r->end = buf + len;
}

static int fail(struct xml_reader *r, const char *fmt, ...) GP_PRINTF(2, 3);

static int fail(struct xml_reader *r, const char *fmt, ...)
{
	unsigned int line = 1;
	const char *s;
	va_list ap;
	int n;

	for (s = r->buf; s < r->p && s < r->end; s++)
		line += *s == '\n';
	n = snprintf(r->err, sizeof(r->err), "line %u: ", line);
	va_start(ap, fmt);
	vsnprintf(r->err + n, sizeof(r->err) - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool starts(const struct xml_reader *r, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(r->end - r->p) >= n && !memcmp(r->p, s, n);
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void skip_blanks(struct xml_reader *r)
{
	while (r->p < r->end && blank(*r->p))
		r->p++;
}

static size_t name_len(const struct xml_reader *r)
{
	const char *s = r->p;

	while (s < r->end && !blank(*s) && !strchr("/>=<\"'", *s))
		s++;
	return s - r->p;
}

/* Past the next @close (a comment's, a PI's, a CDATA section's end). */
static int skip_past(struct xml_reader *r, size_t skip, const char *close, const char *what)
{
	const char *s = memmem(r->p + skip, r->end - r->p - skip, close, strlen(close));

	if (!s)
		return fail(r, "%s not closed", what);
	r->p = s + strlen(close);
	return 0;
}

/* <!DOCTYPE ...> with an internal subset in [...] or not. */
static int skip_doctype(struct xml_reader *r)
{
	int brackets = 0;

	for (; r->p < r->end; r->p++) {
		brackets += (*r->p == '[') - (*r->p == ']');
		if (*r->p == '>' && brackets <= 0) {
			r->p++;
			return 0;
		}
	}
	return fail(r, "<!DOCTYPE not closed");
}

static int end_tag(struct xml_reader *r)
{
	const char *name;
	size_t n;

	r->p += 2;
	name = r->p;
	n = name_len(r);
	r->p += n;
	skip_blanks(r);
	if (!n || r->p >= r->end || *r->p != '>')
		return fail(r, "malformed end tag");
	if (!r->depth)
		return fail(r, "end tag </%.*s> without a start tag", (int)n, name);
	if (n != r->open_len[r->depth - 1] || memcmp(name, r->open[r->depth - 1], n))
		return fail(r, "</%.*s> closes <%.*s>", (int)n, name,
			    (int)r->open_len[r->depth - 1], r->open[r->depth - 1]);
	r->p++;
	r->depth--;
	return 0;
}

static int attribute(struct xml_reader *r, struct xml_elem *e)
{
	struct xml_attr *a = &e->attrs[e->nattrs];
	const char *q;
	char quote;

	if (e->nattrs == XML_ATTRS_MAX)
		return fail(r, "more than %d attributes in <%.*s>", XML_ATTRS_MAX, (int)e->name_len,
			    e->name);
	a->name = r->p;
	a->name_len = name_len(r);
	r->p += a->name_len;
	skip_blanks(r);
	if (!a->name_len || r->p >= r->end || *r->p != '=')
		return fail(r, "malformed attribute in <%.*s>", (int)e->name_len, e->name);
	r->p++;
	skip_blanks(r);
	quote = r->p < r->end ? *r->p : 0;
	if (quote != '\'' && quote != '"')
		return fail(r, "attribute %.*s: value not in quotes", (int)a->name_len, a->name);
	q = memchr(r->p + 1, quote, r->end - r->p - 1);
	if (!q || memchr(r->p + 1, '<', q - r->p - 1))
		return fail(r, "attribute %.*s: value not closed", (int)a->name_len, a->name);
	a->value = r->p + 1;
	a->value_len = q - a->value;
	r->p = q + 1;
	e->nattrs++;
	return 0;
}

static int start_tag(struct xml_reader *r, struct xml_elem *e)
{
	int err;

	r->p++;
	memset(e, 0, sizeof(*e));
	e->name = r->p;
	e->name_len = name_len(r);
	if (!e->name_len)
		return fail(r, "malformed start tag");
	if (!r->depth && r->seen_root)
		return fail(r, "a second root element <%.*s>", (int)e->name_len, e->name);
	if (r->depth == XML_DEPTH_MAX)
		return fail(r, "elements nested deeper than %d", XML_DEPTH_MAX);
	r->p += e->name_len;
	for (;;) {
		skip_blanks(r);
		if (r->p >= r->end)
			return fail(r, "<%.*s> not closed", (int)e->name_len, e->name);
		if (*r->p == '>' || starts(r, "/>"))
			break;
		err = attribute(r, e);
		if (err < 0)
			return err;
	}
	r->close_pending = *r->p == '/';
	r->p += r->close_pending ? 2 : 1;
	r->open[r->depth] = e->name;
	r->open_len[r->depth] = e->name_len;
	e->depth = ++r->depth;
	r->seen_root = true;
	return 1;
}

static int at_end(struct xml_reader *r)
{
	if (r->depth)
		return fail(r, "end of input inside <%.*s>", (int)r->open_len[r->depth - 1],
			    r->open[r->depth - 1]);
	if (!r->seen_root)
		return fail(r, "no element: empty or not XML");
	return 0;
}

int xml_next(struct xml_reader *r, struct xml_elem *e)
{
	int err = 0;

	if (r->close_pending) {
		r->close_pending = false;
		r->depth--;
	}
	while (err >= 0) {
		r->p = memchr(r->p, '<', r->end - r->p);
		if (!r->p) {
			r->p = r->end;
			return at_end(r);
		}
		if (starts(r, "<!--"))
			err = skip_past(r, 4, "-->", "comment");
		else if (starts(r, "<![CDATA["))
			err = skip_past(r, 9, "]]>", "CDATA section");
		else if (starts(r, "<?"))
			err = skip_past(r, 2, "?>", "processing instruction");
		else if (starts(r, "<!"))
			err = skip_doctype(r);
		else if (starts(r, "</"))
			err = end_tag(r);
		else
			return start_tag(r, e);
	}
	return err;
}

bool xml_is(const struct xml_elem *e, const char *name)
{
	return e->name_len == strlen(name) && !memcmp(e->name, name, e->name_len);
}

int xml_attr(const struct xml_elem *e, const char *name, char *buf, size_t size)
{
	unsigned int i;

	for (i = 0; i < e->nattrs; i++) {
		const struct xml_attr *a = &e->attrs[i];

		if (a->name_len != strlen(name) || memcmp(a->name, name, a->name_len))
			continue;
		if (a->value_len >= size)
			return -E2BIG;
		memcpy(buf, a->value, a->value_len);
		buf[a->value_len] = '\0';
		return 0;
	}
	return -ENOENT;
}
