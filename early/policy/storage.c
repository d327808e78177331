// SPDX-License-Identifier: GPL-2.0-or-later
#include <blkid/blkid.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/dynlib.h"
#include "base/log.h"
#include "base/path.h"
#include "policy/storage.h"

#define SLAVES_DEPTH 8
#define TABLE_MAX (256 * 1024)

#define BLKID_SYMS(X) X(blkid_evaluate_spec)

static struct {
	BLKID_SYMS(DYNLIB_FIELD)
} bl;

struct guard {
	struct root *root, *sys;
	struct protected_dev *out;
	int n;
};

static const char *const held[] = { "/", "/boot", "/boot/efi", "/usr", NULL };

static bool held_mount(const char *m)
{
	int i;

	for (i = 0; held[i]; i++)
		if (!strcmp(m, held[i]))
			return true;
	return false;
}

static void protect(struct guard *g, const struct pci_addr *a, const char *what)
{
	int i;

	for (i = 0; i < g->n; i++)
		if (pci_addr_eq(&g->out[i].addr, a))
			return;
	if (g->n == STORAGE_MAX)
		return;
	g->out[g->n].addr = *a;
	snprintf(g->out[g->n].why, sizeof(g->out[g->n].why), "holds %s", what);
	DBG("storage guard: %s", g->out[g->n].why);
	g->n++;
}

/* The PCI function nearest the disk in a sysfs device path: the last dddd:bb:dd.f in it. */
static bool pci_in_path(const char *path, struct pci_addr *a)
{
	char comp[64];
	bool found = false;
	const char *p = path;

	while (*p) {
		size_t n = strcspn(p, "/");

		if (n < sizeof(comp)) {
			memcpy(comp, p, n);
			comp[n] = '\0';
			if (pci_addr_parse(comp, a) == 0)
				found = true;
		}
		p += n + (p[n] == '/');
	}
	return found;
}

/* Block device @name (sda1, nvme0n1p2, dm-0): its controller, or its slaves' for dm/md. */
static void protect_block(struct guard *g, const char *name, const char *what, int depth)
{
	char path[PATH_MAX], target[PATH_MAX];
	struct dirent *de;
	struct pci_addr a;
	DIR *d;

	if (depth > SLAVES_DEPTH || strchr(name, '/') || !strcmp(name, "..") || !strcmp(name, "."))
		return;
	snprintf(path, sizeof(path), "class/block/%s", name);
	if (root_readlink(g->sys, path, target, sizeof(target)) > 0 && pci_in_path(target, &a)) {
		protect(g, &a, what);
		return;
	}
	snprintf(path, sizeof(path), "class/block/%s/slaves", name);
	d = root_opendir(g->sys, path);
	if (!d)
		return;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			protect_block(g, de->d_name, what, depth + 1);
	closedir(d);
}

/* "MAJ:MIN" from mountinfo: sysfs names the device behind it. */
static void protect_devnum(struct guard *g, const char *majmin, const char *what)
{
	char path[64], name[256];

	if (strspn(majmin, "0123456789:") != strlen(majmin))
		return;
	snprintf(path, sizeof(path), "dev/block/%s", majmin);
	if (root_link_name(g->sys, path, name, sizeof(name)) > 0)
		protect_block(g, name, what, 0);
}

/* A device as fstab or root= name it: /dev/..., UUID=, LABEL=, PARTUUID=, PARTLABEL=. */
static void protect_spec(struct guard *g, const char *spec, const char *what)
{
	char *dev = NULL, name[256], link[PATH_MAX];
	const char *eq = strchr(spec, '=');

	if (eq && spec[0] != '/') {
		/* udev's /dev/disk/by-* links first: they work on a captured tree too. */
		static const char *const kinds[][2] = { { "UUID", "by-uuid" },
							{ "LABEL", "by-label" },
							{ "PARTUUID", "by-partuuid" },
							{ "PARTLABEL", "by-partlabel" } };
		size_t i, klen = eq - spec;

		for (i = 0; i < 4; i++)
			if (strlen(kinds[i][0]) == klen && !strncmp(spec, kinds[i][0], klen))
				break;
		if (i == 4)
			return;
		snprintf(link, sizeof(link), "/dev/disk/%s/%s", kinds[i][1], eq + 1);
		if (root_link_name(g->root, link, name, sizeof(name)) > 0) {
			protect_block(g, name, what, 0);
			return;
		}
		if (strcmp(root_dir(g->root), "/") ||
		    DYNLIB_LOAD("libblkid.so.1", bl, BLKID_SYMS, "cannot resolve UUID= or LABEL=") <
			0)
			return;
		dev = bl.blkid_evaluate_spec(spec, NULL);
		spec = dev;
		if (!spec)
			return;
	}
	if (!strncmp(spec, "/dev/", 5)) {
		/* /dev/mapper/x and /dev/disk/... are links to the kernel's name. */
		if (root_link_name(g->root, spec, name, sizeof(name)) <= 0)
			snprintf(name, sizeof(name), "%s", strrchr(spec, '/') + 1);
		protect_block(g, name, what, 0);
	}
	free(dev);
}

static char *read_table(struct guard *g, const char *path)
{
	char *buf = NULL;
	size_t len;

	return root_read_all(g->root, path, TABLE_MAX, &buf, &len) < 0 ? NULL : buf;
}

/* mountinfo: "ID PARENT MAJ:MIN ROOT MOUNTPOINT ...". */
static void from_mountinfo(struct guard *g)
{
	char *buf = read_table(g, "/proc/self/mountinfo"), *save = NULL, *line, what[300];
	char majmin[32], mnt[256];

	for (line = buf ? strtok_r(buf, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%*s %*s %31s %*s %255s", majmin, mnt) != 2 || !held_mount(mnt))
			continue;
		snprintf(what, sizeof(what), "%s (mounted now)", mnt);
		protect_devnum(g, majmin, what);
	}
	free(buf);
}

static void from_swaps(struct guard *g)
{
	char *buf = read_table(g, "/proc/swaps"), *save = NULL, *line, dev[256], type[32];

	for (line = buf ? strtok_r(buf, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save))
		if (sscanf(line, "%255s %31s", dev, type) == 2 && !strcmp(type, "partition"))
			protect_spec(g, dev, "swap (in use now)");
	free(buf);
}

/* fstab: "SPEC MOUNTPOINT TYPE ...". */
static void from_fstab(struct guard *g)
{
	char *buf = read_table(g, "/etc/fstab"), *save = NULL, *line, what[300];
	char spec[256], mnt[256], type[32];

	for (line = buf ? strtok_r(buf, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[strspn(line, " \t")] == '#' ||
		    sscanf(line, "%255s %255s %31s", spec, mnt, type) != 3)
			continue;
		if (!strcmp(type, "swap"))
			protect_spec(g, spec, "swap (in /etc/fstab)");
		else if (held_mount(mnt)) {
			snprintf(what, sizeof(what), "%s (in /etc/fstab)", mnt);
			protect_spec(g, spec, what);
		}
	}
	free(buf);
}

static void from_cmdline(struct guard *g)
{
	char buf[4096], *save = NULL, *w;

	if (root_read(g->root, "/proc/cmdline", buf, sizeof(buf)) <= 0)
		return;
	for (w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
		if (!strncmp(w, "root=", 5))
			protect_spec(g, w + 5, "/ (root= on the kernel command line)");
}

int storage_protected(struct root *root, struct root *sys, struct protected_dev *out)
{
	struct guard g = { root, sys, out, 0 };

	from_mountinfo(&g);
	from_swaps(&g);
	from_fstab(&g);
	from_cmdline(&g);
	return g.n;
}
