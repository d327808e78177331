// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/dynlib.h"
#include "base/log.h"
#include "base/path.h"
#include "policy/bootrec.h"
#include "policy/status.h"

#define RECORD_MAX (1024 * 1024)

#define JSONC_SYMS(X)                                                                              \
	X(json_tokener_parse)                                                                      \
	X(json_object_put)                                                                         \
	X(json_object_object_get_ex)                                                               \
	X(json_object_get_string)                                                                  \
	X(json_object_get_int64)                                                                   \
	X(json_object_get_boolean)                                                                 \
	X(json_object_array_length)                                                                \
	X(json_object_array_get_idx)                                                               \
	X(json_object_is_type)

static struct {
	JSONC_SYMS(DYNLIB_FIELD)
} j;

/*
 * Typed members.  The records are ours, but anything can be written under
 * /run: a member of the wrong type is reported (file, key, expected type) and
 * read as empty, never handed to a json-c call that asserts on its type.
 */
static const char *record_path;

static struct json_object *member(struct json_object *o, const char *key, enum json_type type,
				  const char *type_name)
{
	struct json_object *v;

	if (!j.json_object_is_type(o, json_type_object) ||
	    !j.json_object_object_get_ex(o, key, &v) || j.json_object_is_type(v, json_type_null))
		return NULL;
	if (j.json_object_is_type(v, type))
		return v;
	ERR("%s: \"%s\" is not %s, ignoring its value (the file is rewritten at every boot)",
	    record_path, key, type_name);
	return NULL;
}

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v = member(o, key, json_type_string, "a string");
	const char *s = v ? j.json_object_get_string(v) : NULL;

	return s ? s : "";
}

static long long num(struct json_object *o, const char *key)
{
	struct json_object *v = member(o, key, json_type_int, "an integer");

	return v ? j.json_object_get_int64(v) : 0;
}

static bool flag(struct json_object *o, const char *key)
{
	struct json_object *v = member(o, key, json_type_boolean, "true or false");

	return v && j.json_object_get_boolean(v);
}

static struct json_object *array(struct json_object *o, const char *key, size_t *n)
{
	struct json_object *v = member(o, key, json_type_array, "an array");

	*n = v ? j.json_object_array_length(v) : 0;
	return v;
}

/* Element @i of array @key, when it is an object (else reported, and NULL). */
static struct json_object *element(struct json_object *arr, const char *key, size_t i)
{
	struct json_object *e = j.json_object_array_get_idx(arr, i);

	if (j.json_object_is_type(e, json_type_object))
		return e;
	ERR("%s: \"%s\" item %zu is not an object, ignoring it (the file is rewritten at every boot)",
	    record_path, key, i + 1);
	return NULL;
}

#define COPY(dst, src) snprintf(dst, sizeof(dst), "%s", src)

static int read_devices(struct json_object *top, struct boot_record *b)
{
	struct json_object *arr;
	size_t i, n;

	arr = array(top, "devices", &n);
	b->devs = calloc(n ? n : 1, sizeof(*b->devs));
	if (!b->devs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct json_object *d = element(arr, "devices", i);
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

/* @text as a JSON object, or NULL with *err set (logged, naming @path). */
static struct json_object *parse_text(const char *path, const char *text, int *err)
{
	struct json_object *o = j.json_tokener_parse(text);

	if (o && !j.json_object_is_type(o, json_type_object)) {
		j.json_object_put(o);
		o = NULL;
	}
	*err = 0;
	if (!o) {
		ERR("%s: not a JSON object, ignoring it (it is rewritten at every boot)", path);
		*err = -EINVAL;
	}
	record_path = path;
	return o;
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
static const char *outcome_text(struct json_object *o, char *buf, size_t size)
{
	const char *result = str(o, "result"), *reason = str(o, "reason");

	snprintf(buf, size, "%s%s%s", result, *reason ? ": " : "", reason);
	return buf;
}

static void read_late(struct json_object *top, struct boot_record *b)
{
	struct json_object *arr, *o;
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

static int read_status(struct json_object *top, struct boot_record *b)
{
	b->present = true;
	COPY(b->mode, str(top, "mode"));
	COPY(b->config_sha256, str(top, "config_sha256"));
	COPY(b->disabled_by, str(top, "disabled_by"));
	b->started_ms = num(top, "started_ms_after_boot");
	b->disabled = flag(top, "disabled");
	return read_devices(top, b);
}

/* Opened once: the fuzz harness parses records in a loop. */
static int jsonc_load(void)
{
	static bool loaded;

	if (!loaded)
#ifdef JSONC_LINKED /* the static build links json-c */
		loaded = DYNLIB_LINKED(j, JSONC_SYMS) == 0;
#else
		loaded = DYNLIB_LOAD("libjson-c.so.5", j, JSONC_SYMS,
				     "cannot read what happened at boot") == 0;
#endif
	return loaded ? 0 : -ENOENT;
}

int bootrec_load(struct root *root, struct boot_record *b)
{
	char *text;
	int err;

	memset(b, 0, sizeof(*b));
	if (root_exists(root, STATUS_PATH) != 1)
		return 0;
	if (jsonc_load() < 0)
		return -ENOENT;
	text = read_text(root, STATUS_PATH, &err);
	if (!text)
		return err;
	err = bootrec_parse_status(b, STATUS_PATH, text);
	free(text);
	if (err < 0)
		return err;
	text = read_text(root, LATE_PATH, &err);
	if (text)
		bootrec_parse_late(b, LATE_PATH, text);
	free(text);
	return 0;
}

int bootrec_parse_status(struct boot_record *b, const char *path, const char *text)
{
	struct json_object *top;
	int err;

	if (jsonc_load() < 0)
		return -ENOENT;
	top = parse_text(path, text, &err);
	if (!top)
		return err;
	err = read_status(top, b);
	j.json_object_put(top);
	return err;
}

int bootrec_parse_late(struct boot_record *b, const char *path, const char *text)
{
	struct json_object *top;
	int err;

	if (jsonc_load() < 0)
		return -ENOENT;
	top = parse_text(path, text, &err);
	if (!top)
		return err;
	read_late(top, b);
	j.json_object_put(top);
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
