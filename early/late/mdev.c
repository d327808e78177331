// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/path.h"
#include "base/uuid.h"
#include "pci/pcidev.h"
#include "late/mdev.h"
#include "late/outcome.h"

#define MDEV_PATH_MAX 256
#define MDEV_TYPES_MAX 64 /* GVT-g offers 4; more are listed as not there */

const char *mdev_result_name(enum mdev_result r)
{
	static const char *const names[] = { "created", "exists", "failed", "skipped", "skipped" };

	return names[r];
}

/* "bus/mdev/devices/UUID[/ATTR]". */
static void mdev_path(const char *uuid, const char *attr, char *buf, size_t size)
{
	snprintf(buf, size, "bus/mdev/devices/%s%s%s", uuid, *attr ? "/" : "", attr);
}

bool mdev_exists(struct root *sys, const char *uuid)
{
	char path[MDEV_PATH_MAX];

	mdev_path(uuid, "", path, sizeof(path));
	return root_exists(sys, path) == 1;
}

/* The device attribute "mdev_supported_types/TYPE/ATTR" (TYPE and ATTR may be empty). */
static const char *type_attr(const char *type, const char *attr, char *buf, size_t size)
{
	snprintf(buf, size, "mdev_supported_types/%s%s%s", type, *attr ? "/" : "", attr);
	return buf;
}

/* "a, b, c" of the types @parent offers, for messages. */
static void join_type(const char *type, long available, void *data)
{
	char *buf = data;
	size_t n = strlen(buf);

	snprintf(buf + n, OUTCOME_REASON_MAX / 2 - n, "%s%s", n ? ", " : "", type);
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
		return OUTCOME(o, MDEV_FAILED, err, "cannot tell where mdev %s is: %m", r->uuid);
	}
	if (err == 0)
		pci_addr_str(&at, addr);
	if (err == -ESRCH || !pci_addr_eq(&at, &r->parent))
		return OUTCOME(
		    o, MDEV_FAILED, -EEXIST,
		    "UUID %s is already used by an mdev of another parent (%s); pick another UUID (uuidgen) or remove that one (gpupass mdev remove %s)",
		    r->uuid, addr, r->uuid);
	if (strcmp(type, r->mdev_type))
		return OUTCOME(
		    o, MDEV_FAILED, -EEXIST,
		    "it exists with type %s, not %s; remove it (gpupass mdev remove %s) to have it made again",
		    type, r->mdev_type, r->uuid);
	return OUTCOME(o, MDEV_EXISTS, 0, "already there");
}

static int parent_ready(struct root *sys, const struct rule *r, struct mdev_outcome *o)
{
	char attr[MDEV_PATH_MAX], addr[PCI_ADDR_LEN];

	pci_addr_str(&r->parent, addr);
	if (pcidev_exists(sys, &r->parent, "") != 1)
		return OUTCOME(o, MDEV_SKIPPED, -ENODEV, "no PCI device at %s (yet)", addr);
	if (pcidev_exists(sys, &r->parent, type_attr("", "", attr, sizeof(attr))) == 1)
		return 0;
	if (is_gvt_type(r->mdev_type))
		return OUTCOME(
		    o, MDEV_SKIPPED, -EAGAIN,
		    "%s offers no mdev types yet: GVT-g needs i915.enable_gvt=1 on the kernel command line and the kvmgt module loaded ('gpupass check' says which is missing)",
		    addr);
	return OUTCOME(
	    o, MDEV_SKIPPED, -EAGAIN,
	    "%s offers no mdev types yet: its driver has not registered it with the mdev framework (is the vendor's mdev driver loaded?)",
	    addr);
}

/* available_instances of @type, or -errno. */
static long available(struct root *sys, const struct pci_addr *parent, const char *type)
{
	char attr[MDEV_PATH_MAX];
	uint32_t v;
	int err;

	err = pcidev_read_u32(sys, parent,
			      type_attr(type, "available_instances", attr, sizeof(attr)), &v);
	return err < 0 ? err : (long)v;
}

static int type_available(struct root *sys, const struct rule *r, struct mdev_outcome *o)
{
	char attr[MDEV_PATH_MAX], addr[PCI_ADDR_LEN], types[OUTCOME_REASON_MAX / 2] = "";
	long avail;

	pci_addr_str(&r->parent, addr);
	if (pcidev_exists(sys, &r->parent, type_attr(r->mdev_type, "", attr, sizeof(attr))) != 1) {
		mdev_types_foreach(sys, &r->parent, join_type, types);
		return OUTCOME(o, MDEV_FAILED, -ENOENT,
			       "%s has no mdev type %s (it offers: %s); fix the type in the rule",
			       addr, r->mdev_type, *types ? types : "none");
	}
	avail = available(sys, &r->parent, r->mdev_type);
	if (avail < 0) {
		return OUTCOME(o, MDEV_FAILED, (int)avail,
			       "cannot read %s's available_instances: %m", r->mdev_type);
	}
	if (avail == 0)
		return OUTCOME(
		    o, MDEV_FAILED, -ENOSPC,
		    "no %s instance left on %s (available_instances is 0); remove an mdev of that parent or pick a smaller type",
		    r->mdev_type, addr);
	return 0;
}

static int create(struct root *sys, const struct rule *r, struct mdev_outcome *o)
{
	char attr[MDEV_PATH_MAX], path[MDEV_PATH_MAX], addr[PCI_ADDR_LEN];
	int err;

	type_attr(r->mdev_type, "create", attr, sizeof(attr));
	DBG("%s: writing %s to %s", pci_addr_str(&r->parent, addr), r->uuid, attr);
	err = pcidev_write(sys, &r->parent, attr, r->uuid);
	if (err < 0) {
		return OUTCOME(o, MDEV_FAILED, err,
			       "writing the UUID to %s/create failed: %m; the kernel log says why",
			       r->mdev_type);
	}
	mdev_path(r->uuid, "", path, sizeof(path));
	if (!mdev_exists(sys, r->uuid))
		return OUTCOME(
		    o, MDEV_FAILED, -EIO,
		    "the UUID was written to %s/create but /sys/%s did not appear; the kernel log says why",
		    r->mdev_type, path);
	return OUTCOME(o, MDEV_CREATED, 0, "made now");
}

int mdev_apply(struct root *sys, const struct rule *r, bool dry, struct mdev_outcome *o)
{
	int err;

	memset(o, 0, sizeof(*o));
	if (mdev_exists(sys, r->uuid))
		return check_existing(sys, r, o);
	err = parent_ready(sys, r, o);
	if (err < 0)
		return err;
	err = type_available(sys, r, o);
	if (err < 0)
		return err;
	if (dry)
		return OUTCOME(o, MDEV_PENDING, 0, "to be made");
	return create(sys, r, o);
}

/* Is @uuid a child of @parent ("bus/pci/devices/PARENT/UUID" exists)? */
static bool child_of(struct root *sys, const char *uuid, const struct pci_addr *parent)
{
	return pcidev_exists(sys, parent, uuid) == 1;
}

/* Call @cb for each registered parent that is a PCI function; stops when it returns true. */
static bool parents_foreach(struct root *sys, bool (*cb)(const struct pci_addr *a, void *data),
			    void *data)
{
	struct pci_addr a;
	struct dirent *de;
	bool stop = false;
	DIR *d;

	d = root_opendir(sys, "class/mdev_bus");
	if (!d)
		return false;
	while (!stop && (de = readdir(d)))
		if (pci_addr_parse(de->d_name, &a) == 0)
			stop = cb(&a, data);
	closedir(d);
	return stop;
}

struct parent_search {
	struct root *sys;
	const char *uuid;
	struct pci_addr found;
};

static bool is_parent(const struct pci_addr *a, void *data)
{
	struct parent_search *ps = data;

	if (!child_of(ps->sys, ps->uuid, a))
		return false;
	ps->found = *a;
	return true;
}

static int find_parent(struct root *sys, const char *uuid, struct pci_addr *parent)
{
	struct parent_search ps = { .sys = sys, .uuid = uuid };

	if (!parents_foreach(sys, is_parent, &ps))
		return -ESRCH;
	*parent = ps.found;
	return 0;
}

struct parent_list {
	struct pci_addr *out;
	int n, max;
};

static bool add_parent(const struct pci_addr *a, void *data)
{
	struct parent_list *pl = data;

	pl->out[pl->n++] = *a;
	return pl->n == pl->max;
}

static int cmp_addr(const void *a, const void *b)
{
	return pci_addr_cmp(a, b);
}

int mdev_parents(struct root *sys, struct pci_addr *out, int max)
{
	struct parent_list pl = { out, 0, max };

	if (max > 0)
		parents_foreach(sys, add_parent, &pl);
	qsort(out, pl.n, sizeof(*out), cmp_addr);
	return pl.n;
}

int mdev_foreach(struct root *sys, mdev_cb cb, void *data)
{
	char uuid[UUID_STR_LEN];
	struct dirent *de;
	int err = 0;
	DIR *d;

	d = root_opendir(sys, "bus/mdev/devices");
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (err >= 0 && (de = readdir(d))) {
		if (!uuid_valid(de->d_name))
			continue;
		uuid_lower(de->d_name, uuid);
		err = cb(uuid, data);
	}
	closedir(d);
	return err < 0 ? err : 0;
}

int mdev_locate(struct root *sys, const char *uuid, const struct pci_addr *hint,
		struct pci_addr *parent, char *type, size_t size)
{
	char path[MDEV_PATH_MAX];
	int err;

	mdev_path(uuid, "", path, sizeof(path));
	err = root_exists(sys, path);
	if (err <= 0)
		return err ? err : -ENOENT;
	mdev_path(uuid, "mdev_type", path, sizeof(path));
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

	if (!mdev_exists(sys, uuid))
		return -ENOENT;
	mdev_path(uuid, "remove", path, sizeof(path));
	DBG("writing 1 to %s", path);
	err = root_write(sys, path, "1");
	if (err < 0)
		return err;
	return mdev_exists(sys, uuid) ? -EEXIST : 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The type names under mdev_supported_types/, sorted, at most MDEV_TYPES_MAX. */
static int list_types(struct root *sys, const struct pci_addr *parent, char **names)
{
	char attr[MDEV_PATH_MAX];
	struct dirent *de;
	int n = 0;
	DIR *d;

	d = pcidev_opendir(sys, parent, type_attr("", "", attr, sizeof(attr)));
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
	char *names[MDEV_TYPES_MAX];
	int i, n;

	n = list_types(sys, parent, names);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		long avail = available(sys, parent, names[i]);

		cb(names[i], avail < 0 ? -1 : avail, data);
		free(names[i]);
	}
	return 0;
}
