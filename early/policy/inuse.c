// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/path.h"
#include "pci/pcidev.h"
#include "policy/inuse.h"

/* Device nodes of one device: a GPU has a few, a sound card a dozen. */
#define NODES_MAX 64
#define NODE_LEN 48
/* Holders named in the message; the rest are counted. */
#define HOLDERS_SHOWN 4

struct inuse {
	struct root *sys, *root;
	char name[PCI_ADDR_LEN];
	char nodes[NODES_MAX][NODE_LEN];
	unsigned int nnodes;
	char *why;
	size_t len;
	unsigned int found, shown;
};

static void holder(struct inuse *u, const char *fmt, ...) GP_PRINTF(2, 3);

static void holder(struct inuse *u, const char *fmt, ...)
{
	size_t used = strlen(u->why);
	va_list ap;

	u->found++;
	if (u->shown == HOLDERS_SHOWN || used + 3 >= u->len)
		return;
	u->shown++;
	if (used)
		used += snprintf(u->why + used, u->len - used, "; ");
	if (used >= u->len)
		return;
	va_start(ap, fmt);
	vsnprintf(u->why + used, u->len - used, fmt, ap);
	va_end(ap);
}

static void add_node(struct inuse *u, const char *dir, const char *name)
{
	if (u->nnodes < NODES_MAX)
		snprintf(u->nodes[u->nnodes++], NODE_LEN, "%s%s", dir, name);
}

/* True when class/@cls/@ent is a node of our device ("/ADDR/CLASS/" in its link). */
static bool owned(struct inuse *u, const char *cls, const char *ent)
{
	char rel[2 * NAME_MAX], t[PATH_MAX], pat[PCI_ADDR_LEN + 32];

	snprintf(rel, sizeof(rel), "class/%s/%s", cls, ent);
	if (root_readlink(u->sys, rel, t, sizeof(t)) < 0)
		return false;
	snprintf(pat, sizeof(pat), "/%s/%s/", u->name, cls);
	return strstr(t, pat) != NULL;
}

/* fbcon has the consoles when a "frame buffer device" vtconsole is bound. */
static bool fbcon_bound(struct root *sys)
{
	char rel[2 * NAME_MAX], val[64];
	struct dirent *e;
	bool bound = false;
	DIR *d;

	d = root_opendir(sys, "class/vtconsole");
	if (!d)
		return root_exists(sys, "class/graphics/fbcon") == 1;
	while (!bound && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(rel, sizeof(rel), "class/vtconsole/%s/name", e->d_name);
		if (root_read(sys, rel, val, sizeof(val)) < 0 || !strstr(val, "frame buffer"))
			continue;
		snprintf(rel, sizeof(rel), "class/vtconsole/%s/bind", e->d_name);
		bound = root_read(sys, rel, val, sizeof(val)) >= 0 && !strcmp(val, "1");
	}
	closedir(d);
	return bound;
}

/* fbcon=map: spreads the consoles over other framebuffers than fb0. */
static bool fbcon_mapped(struct root *root)
{
	char *cmdline;
	size_t n;
	bool map;

	if (root_read_all(root, "proc/cmdline", 4096, &cmdline, &n) < 0)
		return false;
	map = strstr(cmdline, "fbcon=map:") != NULL;
	free(cmdline);
	return map;
}

static void graphics(struct inuse *u, const char *ent)
{
	if (strncmp(ent, "fb", 2) || !isdigit((unsigned char)ent[2]))
		return;
	add_node(u, "/dev/", ent);
	if ((!strcmp(ent, "fb0") || fbcon_mapped(u->root)) && fbcon_bound(u->sys))
		holder(u, "fbcon is bound to %s (the console)", ent);
}

static void drm(struct inuse *u, const char *ent)
{
	char rel[2 * NAME_MAX], val[32];

	if (!strchr(ent, '-')) {
		add_node(u, "/dev/dri/", ent); /* cardN, renderDN */
		return;
	}
	snprintf(rel, sizeof(rel), "class/drm/%s/enabled", ent);
	if (root_read(u->sys, rel, val, sizeof(val)) >= 0 && !strcmp(val, "enabled"))
		holder(u, "DRM output %s is enabled", ent);
}

static void sound(struct inuse *u, const char *ent)
{
	if (strncmp(ent, "card", 4)) /* cardN has no node; controlCN, pcmCNDNp... do */
		add_node(u, "/dev/snd/", ent);
}

static void vfio_dev(struct inuse *u, const char *ent)
{
	add_node(u, "/dev/vfio/devices/", ent);
}

static const struct {
	const char *cls;
	void (*fn)(struct inuse *u, const char *ent);
} classes[] = {
	{ "graphics", graphics },
	{ "drm", drm },
	{ "sound", sound },
	{ "vfio-dev", vfio_dev },
};

/* Returns 0, or -errno when the class directory exists but cannot be read. */
static int walk_class(struct inuse *u, unsigned int k)
{
	char rel[64];
	struct dirent *e;
	DIR *d;

	snprintf(rel, sizeof(rel), "class/%s", classes[k].cls);
	d = root_opendir(u->sys, rel);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && owned(u, classes[k].cls, e->d_name))
			classes[k].fn(u, e->d_name);
	closedir(d);
	return 0;
}

static bool numeric(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

static const char *node_of(struct inuse *u, const char *target)
{
	unsigned int i;

	for (i = 0; i < u->nnodes; i++)
		if (!strcmp(u->nodes[i], target))
			return u->nodes[i];
	return NULL;
}

/* Each node of ours process @pid has open, once. */
static void scan_pid(struct inuse *u, const char *pid)
{
	char rel[2 * NAME_MAX + 16], t[PATH_MAX], comm[64], who[NAME_MAX + 80];
	const char *seen[NODES_MAX], *node;
	unsigned int nseen = 0, i;
	struct dirent *e;
	DIR *d;

	snprintf(rel, sizeof(rel), "proc/%s/fd", pid);
	d = root_opendir(u->root, rel);
	if (!d)
		return; /* gone, or not ours to read */
	while ((e = readdir(d))) {
		snprintf(rel, sizeof(rel), "proc/%s/fd/%s", pid, e->d_name);
		if (e->d_name[0] == '.' || root_readlink(u->root, rel, t, sizeof(t)) < 0)
			continue;
		node = node_of(u, t);
		for (i = 0; node && i < nseen; i++)
			node = seen[i] == node ? NULL : node;
		if (!node || nseen == NODES_MAX)
			continue;
		seen[nseen++] = node;
		snprintf(rel, sizeof(rel), "proc/%s/comm", pid);
		if (root_read(u->root, rel, comm, sizeof(comm)) < 0)
			snprintf(comm, sizeof(comm), "?");
		snprintf(who, sizeof(who), "pid %s (%s)", pid, comm);
		holder(u, "%s has %s open", who, node);
	}
	closedir(d);
}

static void scan_procs(struct inuse *u)
{
	char self[24];
	struct dirent *e;
	DIR *d;

	if (!u->nnodes)
		return;
	d = root_opendir(u->root, "proc");
	if (!d)
		return;
	/* Not us: a shell that holds a node passes it on to the gpupass it runs. */
	snprintf(self, sizeof(self), "%d", (int)getpid());
	while ((e = readdir(d)))
		if (numeric(e->d_name) && strcmp(e->d_name, self))
			scan_pid(u, e->d_name);
	closedir(d);
}

/* The group's node, for a device on vfio: a VM holding it holds every member. */
static void vfio_group(struct inuse *u, const struct pci_addr *a)
{
	char rel[64], group[32];

	pcidev_driver(u->sys, a, group, sizeof(group));
	if (strncmp(group, "vfio", 4))
		return; /* joining a group a VM holds is what vfio-pci is for */
	pci_addr_sysfs(a, "iommu_group", rel, sizeof(rel));
	if (root_link_name(u->sys, rel, group, sizeof(group)) >= 0)
		add_node(u, "/dev/vfio/", group);
}

int inuse_check(struct root *sys, struct root *root, const struct pci_addr *a, char *why,
		size_t len)
{
	struct inuse u = { .sys = sys, .root = root, .why = why, .len = len };
	unsigned int k;
	int err;

	if (!len)
		return -EINVAL;
	*why = '\0';
	pci_addr_str(a, u.name);
	for (k = 0; k < sizeof(classes) / sizeof(classes[0]); k++) {
		err = walk_class(&u, k);
		if (err < 0)
			return err;
	}
	vfio_group(&u, a);
	scan_procs(&u);
	if (u.found > u.shown) {
		size_t used = strlen(why);

		snprintf(why + used, len - used, "; %u more", u.found - u.shown);
	}
	return u.found > 0;
}
