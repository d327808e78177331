// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "late/mdev.h"
#include "base/path.h"

#define MDEV_PATH_MAX 256
#define MDEV_TYPES_MAX 64 /* GVT-g offers 4; more are listed as not there */

const char *mdev_result_name(enum mdev_result r)
{
	static const char *const names[] = { "created", "exists", "failed", "skipped", "skipped" };

	return names[r];
}

bool mdev_uuid_valid(const char *s)
{
	int i;

	if (strlen(s) != MDEV_UUID_LEN - 1)
		return false;
	for (i = 0; i < MDEV_UUID_LEN - 1; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !strchr("0123456789abcdefABCDEF", s[i]))
			return false;
	}
	return true;
}

void mdev_uuid_lower(const char *s, char out[MDEV_UUID_LEN])
{
	int i;

	for (i = 0; i < MDEV_UUID_LEN - 1 && s[i]; i++)
		out[i] = s[i] >= 'A' && s[i] <= 'F' ? s[i] + 32 : s[i];
	out[i] = '\0';
}

static int outcome(struct mdev_outcome *o, enum mdev_result res, int err, const char *fmt, ...)
    GP_PRINTF(4, 5);

static int outcome(struct mdev_outcome *o, enum mdev_result res, int err, const char *fmt, ...)
{
	va_list ap;

	o->result = res;
	va_start(ap, fmt);
	vsnprintf(o->reason, sizeof(o->reason), fmt, ap);
	va_end(ap);
	return err;
}

/* "bus/pci/devices/ADDR/mdev_supported_types/TYPE/ATTR" (TYPE and ATTR may be empty). */
static void type_path(const struct pci_addr *parent, const char *type, const char *attr, char *buf,
		      size_t size)
{
	char rel[MDEV_PATH_MAX];

	snprintf(rel, sizeof(rel), "mdev_supported_types/%s%s%s", type, *attr ? "/" : "", attr);
	pci_addr_sysfs(parent, rel, buf, size);
}

/* "a, b, c" of the types @parent offers, for messages. */
static void join_type(const char *type, long available, void *data)
{
	char *buf = data;
	size_t n = strlen(buf);

	snprintf(buf + n, MDEV_REASON_MAX / 2 - n, "%s%s", n ? ", " : "", type);
}

static bool is_gvt_type(const char *type)
{
	return !strncmp(type, "i915-", 5);
}

/* The mdev exists: is it the one the rule describes? */
static int check_existing(struct root *sys, const struct rule *r, struct mdev_outcome *o)
{
	char type[MDEV_TYPE_MAX], addr[24] = "not a PCI device";
	struct pci_addr at = { 0 };
	int err;

	err = mdev_locate(sys, r->uuid, &r->parent, &at, type, sizeof(type));
	if (err < 0 && err != -ESRCH) {
		errno = -err;
		return outcome(o, MDEV_FAILED, err, "cannot tell where mdev %s is: %m", r->uuid);
	}
	if (err == 0)
		pci_addr_str(&at, addr);
	if (err == -ESRCH || !pci_addr_eq(&at, &r->parent))
		return outcome(
		    o, MDEV_FAILED, -EEXIST,
		    "UUID %s is already used by an mdev of another parent (%s); pick another UUID (uuidgen) or remove that one (gpupass mdev remove %s)",
		    r->uuid, addr, r->uuid);
	if (strcmp(type, r->mdev_type))
		return outcome(
		    o, MDEV_FAILED, -EEXIST,
		    "it exists with type %s, not %s; remove it (gpupass mdev remove %s) to have it made again",
		    type, r->mdev_type, r->uuid);
	return outcome(o, MDEV_EXISTS, 0, "already there");
}

static int parent_ready(struct root *sys, const struct rule *r, struct mdev_outcome *o)
{
	char path[MDEV_PATH_MAX], addr[PCI_ADDR_LEN];

	pci_addr_str(&r->parent, addr);
	pci_addr_sysfs(&r->parent, "", path, sizeof(path));
	if (root_exists(sys, path) != 1)
		return outcome(o, MDEV_SKIPPED, -ENODEV, "no PCI device at %s (yet)", addr);
	type_path(&r->parent, "", "", path, sizeof(path));
	if (root_exists(sys, path) == 1)
		return 0;
	if (is_gvt_type(r->mdev_type))
		return outcome(
		    o, MDEV_SKIPPED, -EAGAIN,
		    "%s offers no mdev types yet: GVT-g needs i915.enable_gvt=1 on the kernel command line and the kvmgt module loaded ('gpupass check' says which is missing)",
		    addr);
	return outcome(
	    o, MDEV_SKIPPED, -EAGAIN,
	    "%s offers no mdev types yet: its driver has not registered it with the mdev framework (is the vendor's mdev driver loaded?)",
	    addr);
}

static long read_long(struct root *sys, const char *path, int *err)
{
	char buf[32], *end;
	long v;

	*err = root_read(sys, path, buf, sizeof(buf));
	if (*err < 0)
		return -1;
	errno = 0;
	v = strtol(buf, &end, 10);
	*err = errno || end == buf || *end || v < 0 ? -EINVAL : 0;
	return *err ? -1 : v;
}

static int type_available(struct root *sys, const struct rule *r, struct mdev_outcome *o)
{
	char path[MDEV_PATH_MAX], addr[PCI_ADDR_LEN], types[MDEV_REASON_MAX / 2] = "";
	long avail;
	int err;

	pci_addr_str(&r->parent, addr);
	type_path(&r->parent, r->mdev_type, "", path, sizeof(path));
	if (root_exists(sys, path) != 1) {
		mdev_types_foreach(sys, &r->parent, join_type, types);
		return outcome(o, MDEV_FAILED, -ENOENT,
			       "%s has no mdev type %s (it offers: %s); fix the type in the rule",
			       addr, r->mdev_type, *types ? types : "none");
	}
	type_path(&r->parent, r->mdev_type, "available_instances", path, sizeof(path));
	avail = read_long(sys, path, &err);
	if (err < 0) {
		errno = -err;
		return outcome(o, MDEV_FAILED, err, "cannot read %s's available_instances: %m",
			       r->mdev_type);
	}
	if (avail == 0)
		return outcome(
		    o, MDEV_FAILED, -ENOSPC,
		    "no %s instance left on %s (available_instances is 0); remove an mdev of that parent or pick a smaller type",
		    r->mdev_type, addr);
	return 0;
}

static int create(struct root *sys, const struct rule *r, struct mdev_outcome *o)
{
	char path[MDEV_PATH_MAX];
	int err;

	type_path(&r->parent, r->mdev_type, "create", path, sizeof(path));
	DBG("writing %s to %s", r->uuid, path);
	err = root_write(sys, path, r->uuid);
	if (err < 0) {
		errno = -err;
		return outcome(o, MDEV_FAILED, err,
			       "writing the UUID to %s/create failed: %m; the kernel log says why",
			       r->mdev_type);
	}
	snprintf(path, sizeof(path), "bus/mdev/devices/%s", r->uuid);
	if (root_exists(sys, path) != 1)
		return outcome(
		    o, MDEV_FAILED, -EIO,
		    "the UUID was written to %s/create but /sys/%s did not appear; the kernel log says why",
		    r->mdev_type, path);
	return outcome(o, MDEV_CREATED, 0, "made now");
}

int mdev_apply(struct root *sys, const struct rule *r, bool dry, struct mdev_outcome *o)
{
	char path[MDEV_PATH_MAX];
	int err;

	memset(o, 0, sizeof(*o));
	snprintf(path, sizeof(path), "bus/mdev/devices/%s", r->uuid);
	if (root_exists(sys, path) == 1)
		return check_existing(sys, r, o);
	err = parent_ready(sys, r, o);
	if (err < 0)
		return err;
	err = type_available(sys, r, o);
	if (err < 0)
		return err;
	if (dry)
		return outcome(o, MDEV_PENDING, 0, "to be made");
	return create(sys, r, o);
}

/* Is @uuid a child of @parent ("bus/pci/devices/PARENT/UUID" exists)? */
static bool child_of(struct root *sys, const char *uuid, const struct pci_addr *parent)
{
	char path[MDEV_PATH_MAX];

	pci_addr_sysfs(parent, uuid, path, sizeof(path));
	return root_exists(sys, path) == 1;
}

static int find_parent(struct root *sys, const char *uuid, struct pci_addr *parent)
{
	struct dirent *de;
	int err = -ESRCH;
	DIR *d;

	d = root_opendir(sys, "class/mdev_bus");
	if (!d)
		return errno == ENOENT ? -ESRCH : -errno;
	while (err < 0 && (de = readdir(d)))
		if (pci_addr_parse(de->d_name, parent) == 0 && child_of(sys, uuid, parent))
			err = 0;
	closedir(d);
	return err;
}

int mdev_locate(struct root *sys, const char *uuid, const struct pci_addr *hint,
		struct pci_addr *parent, char *type, size_t size)
{
	char path[MDEV_PATH_MAX];
	int err;

	snprintf(path, sizeof(path), "bus/mdev/devices/%s", uuid);
	err = root_exists(sys, path);
	if (err <= 0)
		return err ? err : -ENOENT;
	snprintf(path, sizeof(path), "bus/mdev/devices/%s/mdev_type", uuid);
	err = root_link_name(sys, path, type, size);
	if (err < 0)
		return err;
	if (hint && child_of(sys, uuid, hint)) {
		*parent = *hint;
		return 0;
	}
	return find_parent(sys, uuid, parent);
}

int mdev_remove(struct root *sys, const char *uuid)
{
	char path[MDEV_PATH_MAX];
	int err;

	snprintf(path, sizeof(path), "bus/mdev/devices/%s", uuid);
	if (root_exists(sys, path) != 1)
		return -ENOENT;
	snprintf(path, sizeof(path), "bus/mdev/devices/%s/remove", uuid);
	DBG("writing 1 to %s", path);
	err = root_write(sys, path, "1");
	if (err < 0)
		return err;
	snprintf(path, sizeof(path), "bus/mdev/devices/%s", uuid);
	return root_exists(sys, path) == 1 ? -EEXIST : 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The type names under mdev_supported_types/, sorted, at most MDEV_TYPES_MAX. */
static int list_types(struct root *sys, const struct pci_addr *parent, char **names)
{
	char path[MDEV_PATH_MAX];
	struct dirent *de;
	int n = 0;
	DIR *d;

	type_path(parent, "", "", path, sizeof(path));
	d = root_opendir(sys, path);
	if (!d)
		return -errno;
	while (n < MDEV_TYPES_MAX && (de = readdir(d))) {
		if (de->d_name[0] == '.' || strlen(de->d_name) >= MDEV_TYPE_MAX)
			continue;
		names[n] = strdup(de->d_name);
		if (names[n])
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	return n;
}

int mdev_types_foreach(struct root *sys, const struct pci_addr *parent, mdev_type_cb cb, void *data)
{
	char *names[MDEV_TYPES_MAX], attr[MDEV_PATH_MAX];
	int i, n, err;

	n = list_types(sys, parent, names);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		long avail;

		type_path(parent, names[i], "available_instances", attr, sizeof(attr));
		avail = read_long(sys, attr, &err);
		cb(names[i], avail, data);
		free(names[i]);
	}
	return 0;
}
