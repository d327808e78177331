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
	X(json_object_array_get_idx)

static struct {
	JSONC_SYMS(DYNLIB_FIELD)
} j;

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v;
	const char *s;

	if (!j.json_object_object_get_ex(o, key, &v))
		return "";
	s = j.json_object_get_string(v);
	return s && strcmp(s, "null") ? s : "";
}

static long long num(struct json_object *o, const char *key)
{
	struct json_object *v;

	return j.json_object_object_get_ex(o, key, &v) ? j.json_object_get_int64(v) : 0;
}

static struct json_object *array(struct json_object *o, const char *key, size_t *n)
{
	struct json_object *v;

	*n = 0;
	if (!j.json_object_object_get_ex(o, key, &v))
		return NULL;
	*n = j.json_object_array_length(v);
	return v;
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
		struct json_object *d = j.json_object_array_get_idx(arr, i);
		struct boot_device *bd = &b->devs[b->ndevs];

		if (pci_addr_parse(str(d, "address"), &bd->addr) < 0)
			continue;
		COPY(bd->result, str(d, "result"));
		COPY(bd->reason, str(d, "reason"));
		COPY(bd->before, str(d, "driver_before"));
		COPY(bd->after, str(d, "driver_after"));
		b->ndevs++;
	}
	return 0;
}

static struct json_object *parse_file(struct root *root, const char *path, int *err)
{
	struct json_object *o;
	char *buf = NULL;
	size_t len;

	*err = root_read_all(root, path, RECORD_MAX, &buf, &len);
	if (*err < 0)
		return NULL;
	o = j.json_tokener_parse(buf);
	free(buf);
	if (!o) {
		ERR("%s: not valid JSON, ignoring it (it is rewritten at every boot)", path);
		*err = -EINVAL;
	}
	return o;
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

static void read_late(struct root *root, struct boot_record *b)
{
	struct json_object *top, *arr;
	size_t i, n;
	int err;

	top = parse_file(root, LATE_PATH, &err);
	if (!top)
		return;
	arr = array(top, "mdevs", &n);
	for (i = 0; i < n; i++) {
		struct json_object *m = j.json_object_array_get_idx(arr, i);

		add_late(b, "mdev %s on %s (%s): %s%s%s", str(m, "uuid"), str(m, "parent"),
			 str(m, "type"), str(m, "result"), *str(m, "reason") ? ": " : "",
			 str(m, "reason"));
	}
	arr = array(top, "sriov", &n);
	for (i = 0; i < n; i++) {
		struct json_object *s = j.json_object_array_get_idx(arr, i);

		add_late(b, "sriov %s: %lld VFs for %s: %s%s%s", str(s, "pf"), num(s, "vfs"),
			 str(s, "driver"), str(s, "result"), *str(s, "reason") ? ": " : "",
			 str(s, "reason"));
	}
	j.json_object_put(top);
}

int bootrec_load(struct root *root, struct boot_record *b)
{
	struct json_object *top, *v;
	int err;

	memset(b, 0, sizeof(*b));
	if (root_exists(root, STATUS_PATH) != 1)
		return 0;
	if (DYNLIB_LOAD("libjson-c.so.5", j, JSONC_SYMS, "cannot read what happened at boot") < 0)
		return -ENOENT;
	top = parse_file(root, STATUS_PATH, &err);
	if (!top)
		return err;
	b->present = true;
	COPY(b->mode, str(top, "mode"));
	COPY(b->config_sha256, str(top, "config_sha256"));
	COPY(b->disabled_by, str(top, "disabled_by"));
	b->started_ms = num(top, "started_ms_after_boot");
	b->disabled =
	    j.json_object_object_get_ex(top, "disabled", &v) && j.json_object_get_boolean(v);
	err = read_devices(top, b);
	j.json_object_put(top);
	if (err >= 0)
		read_late(root, b);
	return err;
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
