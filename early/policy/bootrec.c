// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonread.h"
#include "base/log.h"
#include "base/path.h"
#include "policy/bootrec.h"
#include "policy/status.h"

#define RECORD_MAX (1024 * 1024)
_Static_assert(RECORD_MAX <= JSON_PARSE_SIZE_MAX, "a record the reader cannot parse");

/*
 * Typed members.  The records are ours, but anything can be written under
 * /run: a member of the wrong type is reported (file, key, expected type) and
 * read as empty.
 */
static const char *record_path;

static const struct json_value *member(const struct json_value *o, const char *key,
				       enum json_type type, const char *type_name)
{
	const struct json_value *v = json_value_member(o, key);

	if (!v || json_value_is(v, JSON_NULL))
		return NULL;
	if (json_value_is(v, type))
		return v;
	ERR("%s: \"%s\" is not %s, ignoring its value (the file is rewritten at every boot)",
	    record_path, key, type_name);
	return NULL;
}

static const char *str(const struct json_value *o, const char *key)
{
	const char *s = json_value_string(member(o, key, JSON_STRING, "a string"), NULL);

	return s ? s : "";
}

static long long num(const struct json_value *o, const char *key)
{
	return json_value_int(member(o, key, JSON_INT, "an integer"));
}

static bool flag(const struct json_value *o, const char *key)
{
	return json_value_bool(member(o, key, JSON_BOOL, "true or false"));
}

static const struct json_value *array(const struct json_value *o, const char *key, size_t *n)
{
	const struct json_value *v = member(o, key, JSON_ARRAY, "an array");

	*n = json_value_length(v);
	return v;
}

/* Element @i of array @key, when it is an object (else reported, and NULL). */
static const struct json_value *element(const struct json_value *arr, const char *key, size_t i)
{
	const struct json_value *e = json_value_index(arr, i);

	if (json_value_is(e, JSON_OBJECT))
		return e;
	ERR("%s: \"%s\" item %zu is not an object, ignoring it (the file is rewritten at every boot)",
	    record_path, key, i + 1);
	return NULL;
}

#define COPY(dst, src) snprintf(dst, sizeof(dst), "%s", src)

static int read_devices(const struct json_value *top, struct boot_record *b)
{
	const struct json_value *arr;
	size_t i, n;

	arr = array(top, "devices", &n);
	b->devs = calloc(n ? n : 1, sizeof(*b->devs));
	if (!b->devs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const struct json_value *d = element(arr, "devices", i);
		struct boot_device *bd = &b->devs[b->ndevs];

		if (!d || pci_addr_parse(str(d, "address"), &bd->addr) < 0)
			continue;
		COPY(bd->result, str(d, "result"));
		COPY(bd->reason, str(d, "reason"));
		COPY(bd->before, str(d, "driver_before"));
		COPY(bd->after, str(d, "driver_after"));
		b->ndevs++;
	}
	return 0;
}

/*
 * @text as a JSON object, or NULL with *err set: logged, naming @path, and at
 * debug level where and why the text is no JSON.
 */
static struct json_doc *parse_text(const char *path, const char *text, int *err)
{
	struct json_error e;
	struct json_doc *doc;

	*err = json_parse(text, &doc, &e);
	if (*err == 0 && !json_value_is(json_doc_root(doc), JSON_OBJECT)) {
		json_doc_free(doc);
		doc = NULL;
		*err = -EINVAL;
	}
	if (!doc) {
		ERR("%s: not a JSON object, ignoring it (it is rewritten at every boot)", path);
		if (e.what)
			DBG("%s:%u:%u: %s", path, e.line, e.column, e.what);
		else
			DBG("%s: valid JSON, but its top-level value is no object", path);
	}
	record_path = path;
	return doc;
}

/* The text of @path under @root, or NULL with *err set (logged, unless it is missing). */
static char *read_text(struct root *root, const char *path, int *err)
{
	char *buf = NULL;
	size_t len;

	*err = root_read_all(root, path, RECORD_MAX, &buf, &len);
	if (*err == -EFBIG)
		ERR("%s: larger than %d bytes, ignoring it (it is rewritten at every boot)", path,
		    RECORD_MAX);
	else if (*err < 0 && *err != -ENOENT)
		ERR("%s: cannot read: %s, ignoring it", path, root_strerror(*err));
	return *err < 0 ? NULL : buf;
}

static void add_late(struct boot_record *b, const char *fmt, ...) GP_PRINTF(2, 3);

static void add_late(struct boot_record *b, const char *fmt, ...)
{
	char **n, *line = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		line = NULL;
	va_end(ap);
	n = line ? realloc(b->late, (b->nlate + 1) * sizeof(*n)) : NULL;
	if (!n) {
		free(line);
		return;
	}
	b->late = n;
	b->late[b->nlate++] = line;
}

/* "RESULT" or "RESULT: REASON" of a late.json item, into @buf. */
static const char *outcome_text(const struct json_value *o, char *buf, size_t size)
{
	const char *result = str(o, "result"), *reason = str(o, "reason");

	snprintf(buf, size, "%s%s%s", result, *reason ? ": " : "", reason);
	return buf;
}

static void read_late(const struct json_value *top, struct boot_record *b)
{
	const struct json_value *arr, *o;
	char text[512];
	size_t i, n;

	arr = array(top, "mdevs", &n);
	for (i = 0; i < n; i++)
		if ((o = element(arr, "mdevs", i)))
			add_late(b, "mdev %s on %s (%s): %s", str(o, "uuid"), str(o, "parent"),
				 str(o, "type"), outcome_text(o, text, sizeof(text)));
	arr = array(top, "sriov", &n);
	for (i = 0; i < n; i++)
		if ((o = element(arr, "sriov", i)))
			add_late(b, "sriov %s: %lld VFs for %s: %s", str(o, "pf"), num(o, "vfs"),
				 str(o, "driver"), outcome_text(o, text, sizeof(text)));
}

static int read_status(const struct json_value *top, struct boot_record *b)
{
	const struct json_value *t = member(top, "timings_us", JSON_OBJECT, "an object");

	b->present = true;
	b->total_us = t && json_value_member(t, "total") ? num(t, "total") : -1;
	COPY(b->mode, str(top, "mode"));
	COPY(b->config_sha256, str(top, "config_sha256"));
	COPY(b->disabled_by, str(top, "disabled_by"));
	b->started_ms = num(top, "started_ms_after_boot");
	b->disabled = flag(top, "disabled");
	return read_devices(top, b);
}

/* The record at @path (status.json or apply.json) into @b; missing is present=false. */
static int load_record(struct root *root, const char *path, struct boot_record *b)
{
	char *text;
	int err;

	memset(b, 0, sizeof(*b));
	if (root_exists(root, path) != 1)
		return 0;
	text = read_text(root, path, &err);
	if (!text)
		return err;
	err = bootrec_parse_status(b, path, text);
	free(text);
	return err;
}

int bootrec_load(struct root *root, struct boot_record *b)
{
	char *text;
	int err;

	err = load_record(root, STATUS_PATH, b);
	if (err < 0 || !b->present)
		return err;
	text = read_text(root, LATE_PATH, &err);
	if (text)
		bootrec_parse_late(b, LATE_PATH, text);
	free(text);
	return 0;
}

int bootrec_load_apply(struct root *root, struct boot_record *b)
{
	return load_record(root, APPLY_PATH, b);
}

int bootrec_load_hotplug(struct root *root, const char *name, struct boot_record *b)
{
	char path[sizeof(HOTPLUG_DIR) + 64];

	snprintf(path, sizeof(path), "%s/%s.json", HOTPLUG_DIR, name);
	return load_record(root, path, b);
}

int bootrec_parse_status(struct boot_record *b, const char *path, const char *text)
{
	struct json_doc *doc;
	int err;

	doc = parse_text(path, text, &err);
	if (!doc)
		return err;
	err = read_status(json_doc_root(doc), b);
	json_doc_free(doc);
	return err;
}

int bootrec_parse_late(struct boot_record *b, const char *path, const char *text)
{
	struct json_doc *doc;
	int err;

	doc = parse_text(path, text, &err);
	if (!doc)
		return err;
	read_late(json_doc_root(doc), b);
	json_doc_free(doc);
	return 0;
}

void bootrec_free(struct boot_record *b)
{
	unsigned int i;

	for (i = 0; i < b->nlate; i++)
		free(b->late[i]);
	free(b->late);
	free(b->devs);
	memset(b, 0, sizeof(*b));
}

const struct boot_device *bootrec_find(const struct boot_record *b, const struct pci_addr *a)
{
	unsigned int i;

	for (i = 0; i < b->ndevs; i++)
		if (pci_addr_eq(&b->devs[i].addr, a))
			return &b->devs[i];
	return NULL;
}
