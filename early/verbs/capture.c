// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * capture FILE: what gpupass reads from this host, as a tar archive (base/tar.h)
 * that 'tar -xf FILE -C DIR' unpacks into a tree 'gpupass --root DIR' reads
 * like the host: so a config can be checked in CI against every host's real
 * topology (plan, check, status, list).  It holds:
 *
 *   sys/   per PCI function the attributes gpupass and libpci read (ids,
 *          class, boot_vga, driver_override, SR-IOV counts, mdev types) and
 *          its links (driver, iommu_group, physfn, virtfnN); the PCI drivers
 *          loaded; the IOMMU groups; the block devices' links and slaves
 *          (the storage guard); mdev parents and devices; module/i915's
 *          enable_gvt and module/kvmgt; markers for the ACPI DMAR and IVRS
 *          tables (policy/iommu.c asks only whether they exist); the class
 *          links and attributes the in-use guard reads (policy/inuse.c)
 *   etc/   gpupass.conf and gpupass.d/ (every input of config_each_input(),
 *          the same list config_load() decides from), fstab, gpupass.protected
 *   proc/  cmdline, self/mountinfo, swaps, cpuinfo's first processor; per
 *          process only fd links to /dev/dri, /dev/snd, /dev/fb*, /dev/vfio
 *          nodes and its comm (the in-use guard; other open files are private)
 *   run/   gpupass/status.json, apply.json, late.json and hotplug/ADDR.json
 *          (status: what the boot, the latest apply and hotplug runs did),
 *          gpupass.d/ (config drop-ins); usr/lib/gpupass.d/ likewise
 *   dev/   the /dev/disk/by-{uuid,label,partuuid,partlabel} and /dev/mapper links
 *   usr/   empty markers for update-initramfs and dracut (status names one)
 *
 * Nothing else: no config space, no serial numbers, no kernel log.  It only
 * reads (every read through base/path.c, sysfs attributes that are readable
 * without side effects); the one file written is FILE ("-": stdout).
 * What a capture cannot hold: the driver check of 'check' asks the kernel
 * modules of the machine it runs on.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/path.h"
#include "base/tar.h"
#include "policy/bootrec.h"
#include "policy/config.h"
#include "policy/status.h"
#include "verbs/cli.h"

#define ATTR_MAX (64 * 1024)
/* Above the storage guard's 16 MiB for mountinfo: a capture fails where the host does. */
#define FILE_MAX (32 * 1024 * 1024)
#define NAMES_MAX 65536

struct capture {
	FILE *f;
	struct root *root, *sys;
	int err;	      /* the first write error */
	unsigned int skipped; /* files that could not be read (logged) */
};

static void keep_err(struct capture *c, int err)
{
	if (err < 0 && !c->err)
		c->err = err;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of @rel in @r, sorted (a reproducible archive), no dot files; free with names_free(). */
static char **names(struct root *r, const char *rel, size_t *n)
{
	DIR *d = root_opendir(r, rel);
	struct dirent *de;
	char **v = NULL, **nv;

	*n = 0;
	if (!d)
		return NULL;
	while ((de = readdir(d)) && *n < NAMES_MAX) {
		if (de->d_name[0] == '.')
			continue;
		nv = realloc(v, (*n + 1) * sizeof(*v));
		if (!nv)
			break;
		v = nv;
		v[*n] = strdup(de->d_name);
		*n += v[*n] != NULL;
	}
	closedir(d);
	if (v)
		qsort(v, *n, sizeof(*v), by_name);
	return v;
}

static void names_free(char **v, size_t n)
{
	while (n)
		free(v[--n]);
	free(v);
}

/* The archive's name for @rel of a root: "sys/..." for sysfs, "etc/..." for the root (@top ""). */
static const char *entry(char path[TAR_PATH_MAX], const char *top, const char *rel)
{
	while (*rel == '/')
		rel++;
	snprintf(path, TAR_PATH_MAX, "%s%s%s", top, *top ? "/" : "", rel);
	return path;
}

/* @top/@rel from root @r as a regular file; a missing one is no error. */
static void put_file(struct capture *c, struct root *r, const char *top, const char *rel,
		     size_t max)
{
	char path[TAR_PATH_MAX];
	char *buf = NULL;
	size_t len = 0;
	int err;

	err = r == c->root ? root_read_all_in_root(r, rel, max, &buf, &len)
			   : root_read_all(r, rel, max, &buf, &len);
	if (err == -ENOENT || err == -EISDIR)
		return;
	if (err < 0) {
		WRN("capture: cannot read %s/%s: %s; leaving it out", root_dir(r),
		    rel + (rel[0] == '/'), root_strerror(err));
		c->skipped++;
		return;
	}
	keep_err(c, tar_file(c->f, entry(path, top, rel), buf, len));
	free(buf);
}

/* Symlink @top/@rel as stored; its target into @target (may be NULL).  False if none. */
static bool put_link(struct capture *c, struct root *r, const char *top, const char *rel,
		     char *target, size_t size)
{
	char path[TAR_PATH_MAX], buf[TAR_PATH_MAX];

	if (!target) {
		target = buf;
		size = sizeof(buf);
	}
	if (root_readlink(r, rel, target, size) <= 0)
		return false;
	keep_err(c, tar_symlink(c->f, entry(path, top, rel), target));
	return true;
}

/* Every link in directory @rel. */
static void put_links(struct capture *c, struct root *r, const char *top, const char *rel)
{
	char path[TAR_PATH_MAX];
	size_t i, n;
	char **v = names(r, rel, &n);

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", rel, v[i]);
		put_link(c, r, top, path, NULL, 0);
	}
	names_free(v, n);
}

/* @target of link @rel, as a path from the root: "bus/pci/devices/x" + "../../../devices/y". */
static void resolve(const char *rel, const char *target, char *out, size_t size)
{
	char *slash;

	snprintf(out, size, "%s", rel);
	slash = strrchr(out, '/');
	*(slash ? slash : out) = '\0';
	while (!strncmp(target, "../", 3)) {
		slash = strrchr(out, '/');
		*(slash ? slash : out) = '\0';
		target += 3;
	}
	if (strlen(out) + strlen(target) + 2 <= size)
		strcat(strcat(out, *out ? "/" : ""), target);
}

static void mdev_types(struct capture *c, const char *dev)
{
	static const char *const attrs[] = { "name", "available_instances", "device_api",
					     "description" };
	char rel[TAR_PATH_MAX + 32], path[TAR_PATH_MAX + 128];
	size_t i, k, n;
	char **v;

	snprintf(rel, sizeof(rel), "%s/mdev_supported_types", dev);
	v = names(c->sys, rel, &n);
	for (i = 0; i < n; i++) {
		for (k = 0; k < sizeof(attrs) / sizeof(attrs[0]); k++) {
			snprintf(path, sizeof(path), "%s/%s/%s", rel, v[i], attrs[k]);
			put_file(c, c->sys, "sys", path, ATTR_MAX);
		}
		snprintf(path, sizeof(path), "sys/%s/%s/devices", rel, v[i]);
		keep_err(c, tar_dir(c->f, path));
		put_links(c, c->sys, "sys", path + 4);
	}
	names_free(v, n);
}

/* One PCI function's directory: its attributes and links. */
static void pci_function(struct capture *c, const char *dev)
{
	static const char *const attrs[] = {
		"vendor",
		"device",
		"class",
		"subsystem_vendor",
		"subsystem_device",
		"revision",
		"boot_vga",
		"boot_display",
		"driver_override",
		"enable",
		"numa_node",
		"sriov_totalvfs",
		"sriov_numvfs",
		"sriov_drivers_autoprobe",
	};
	char path[TAR_PATH_MAX + 64];
	size_t i, n;
	char **v;

	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dev, attrs[i]);
		put_file(c, c->sys, "sys", path, ATTR_MAX);
	}
	v = names(c->sys, dev, &n);
	for (i = 0; i < n; i++) {
		if (strcmp(v[i], "driver") && strcmp(v[i], "iommu_group") &&
		    strcmp(v[i], "physfn") && strncmp(v[i], "virtfn", 6))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dev, v[i]);
		put_link(c, c->sys, "sys", path, NULL, 0);
	}
	names_free(v, n);
	mdev_types(c, dev);
}

static void pci(struct capture *c)
{
	char rel[TAR_PATH_MAX], target[TAR_PATH_MAX], dev[TAR_PATH_MAX];
	size_t i, n;
	char **v = names(c->sys, "bus/pci/devices", &n);

	for (i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "bus/pci/devices/%s", v[i]);
		if (!put_link(c, c->sys, "sys", rel, target, sizeof(target)))
			continue;
		resolve(rel, target, dev, sizeof(dev));
		pci_function(c, dev);
	}
	names_free(v, n);
	v = names(c->sys, "bus/pci/drivers", &n);
	for (i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "sys/bus/pci/drivers/%s", v[i]);
		keep_err(c, tar_dir(c->f, rel));
	}
	names_free(v, n);
	v = names(c->sys, "kernel/iommu_groups", &n);
	for (i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%s", v[i]);
		keep_err(c, tar_dir(c->f, rel));
		snprintf(rel, sizeof(rel), "kernel/iommu_groups/%s/devices", v[i]);
		put_links(c, c->sys, "sys", rel);
	}
	names_free(v, n);
}

/* The block devices as the storage guard walks them: links, and each one's slaves. */
static void block(struct capture *c)
{
	char rel[TAR_PATH_MAX], target[TAR_PATH_MAX], dir[TAR_PATH_MAX], path[TAR_PATH_MAX + 8];
	size_t i, n;
	char **v = names(c->sys, "class/block", &n);

	for (i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "class/block/%s", v[i]);
		if (put_link(c, c->sys, "sys", rel, target, sizeof(target)))
			resolve(rel, target, dir, sizeof(dir));
		else
			snprintf(dir, sizeof(dir), "%s", rel); /* a directory (older kernels) */
		snprintf(path, sizeof(path), "%s/slaves", dir);
		if (root_exists(c->sys, path) == 1)
			put_links(c, c->sys, "sys", path);
	}
	names_free(v, n);
	put_links(c, c->sys, "sys", "dev/block");
}

static void mdev_and_modules(struct capture *c)
{
	char rel[TAR_PATH_MAX], target[TAR_PATH_MAX], dir[TAR_PATH_MAX], path[TAR_PATH_MAX + 16];
	size_t i, n;
	char **v;

	put_links(c, c->sys, "sys", "class/mdev_bus");
	v = names(c->sys, "bus/mdev/devices", &n);
	for (i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "bus/mdev/devices/%s", v[i]);
		if (!put_link(c, c->sys, "sys", rel, target, sizeof(target)))
			continue;
		resolve(rel, target, dir, sizeof(dir));
		snprintf(path, sizeof(path), "%s/mdev_type", dir);
		put_link(c, c->sys, "sys", path, NULL, 0);
	}
	names_free(v, n);
	put_file(c, c->sys, "sys", "module/i915/parameters/enable_gvt", ATTR_MAX);
	if (root_exists(c->sys, "module/kvmgt") == 1)
		keep_err(c, tar_dir(c->f, "sys/module/kvmgt"));
}

/* /proc/cpuinfo up to its first blank line: the vendor and flags of one CPU are enough. */
static void cpuinfo(struct capture *c)
{
	char *buf = NULL, *end;
	size_t len = 0;

	if (root_read_all(c->root, "/proc/cpuinfo", FILE_MAX, &buf, &len) < 0)
		return;
	end = strstr(buf, "\n\n");
	keep_err(c, tar_file(c->f, "proc/cpuinfo", buf, end ? (size_t)(end - buf) + 1 : len));
	free(buf);
}

/* A config file as config_load() reads it (links resolved in the root); a mask stays a link. */
static int config_file(void *arg, const char *path)
{
	struct capture *c = arg;
	char target[64];

	if (root_readlink_in_root(c->root, path, target, sizeof(target)) >= 0 &&
	    !strcmp(target, "/dev/null"))
		keep_err(c, tar_symlink(c->f, path + 1, target));
	else
		put_file(c, c->root, "", path, FILE_MAX);
	return 0;
}

/* The ACPI tables policy/iommu.c looks for, as empty markers: it asks only whether they exist. */
static void acpi_markers(struct capture *c)
{
	static const char *const tables[] = { "DMAR", "IVRS" };
	char rel[64];
	size_t i;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		snprintf(rel, sizeof(rel), "firmware/acpi/tables/%s", tables[i]);
		if (root_exists(c->sys, rel) == 1) {
			char path[80];

			snprintf(path, sizeof(path), "sys/%s", rel);
			keep_err(c, tar_file(c->f, path, "", 0));
		}
	}
}

/*
 * The in-use guard's inputs (policy/inuse.c): the graphics, drm, sound and
 * vfio-dev class links, each DRM output's "enabled", fbcon and the
 * vtconsoles' name and bind; of the processes only the fd links to a device
 * node the guard looks for (/dev/dri, /dev/snd, /dev/fb*, /dev/vfio) and
 * those processes' comm: no other open file is named.
 */
static void inuse_inputs(struct capture *c)
{
	static const char *const classes[] = { "graphics", "drm", "sound", "vfio-dev",
					       "vtconsole" };
	static const char *const nodes[] = { "/dev/dri/", "/dev/snd/", "/dev/fb", "/dev/vfio/" };
	char rel[TAR_PATH_MAX], target[TAR_PATH_MAX], dir[TAR_PATH_MAX], path[TAR_PATH_MAX + 16];
	size_t i, k, n, j, nfd;
	char **v, **fds;
	bool held;

	for (k = 0; k < sizeof(classes) / sizeof(classes[0]); k++) {
		snprintf(rel, sizeof(rel), "class/%s", classes[k]);
		v = names(c->sys, rel, &n);
		for (i = 0; i < n; i++) {
			snprintf(rel, sizeof(rel), "class/%s/%s", classes[k], v[i]);
			if (put_link(c, c->sys, "sys", rel, target, sizeof(target))) {
				resolve(rel, target, dir, sizeof(dir));
				snprintf(path, sizeof(path), "sys/%s", dir);
				keep_err(c, tar_dir(c->f, path)); /* the link leads somewhere */
			} else {
				snprintf(dir, sizeof(dir), "%s", rel);
			}
			if (!strcmp(classes[k], "drm") && strchr(v[i], '-')) {
				snprintf(path, sizeof(path), "%s/enabled", dir);
				put_file(c, c->sys, "sys", path, ATTR_MAX);
			} else if (!strcmp(classes[k], "vtconsole")) {
				snprintf(path, sizeof(path), "%s/name", dir);
				put_file(c, c->sys, "sys", path, ATTR_MAX);
				snprintf(path, sizeof(path), "%s/bind", dir);
				put_file(c, c->sys, "sys", path, ATTR_MAX);
			}
		}
		names_free(v, n);
	}
	v = names(c->root, "/proc", &n);
	for (i = 0; i < n; i++) {
		if (strspn(v[i], "0123456789") != strlen(v[i]))
			continue;
		snprintf(rel, sizeof(rel), "/proc/%s/fd", v[i]);
		fds = names(c->root, rel, &nfd);
		held = false;
		for (j = 0; j < nfd; j++) {
			snprintf(path, sizeof(path), "/proc/%s/fd/%s", v[i], fds[j]);
			if (root_readlink(c->root, path, target, sizeof(target)) <= 0)
				continue;
			for (k = 0; k < sizeof(nodes) / sizeof(nodes[0]); k++)
				if (!strncmp(target, nodes[k], strlen(nodes[k])))
					break;
			if (k == sizeof(nodes) / sizeof(nodes[0]))
				continue;
			keep_err(c, tar_symlink(c->f, path + 1, target));
			held = true;
		}
		names_free(fds, nfd);
		if (held) {
			snprintf(path, sizeof(path), "/proc/%s/comm", v[i]);
			put_file(c, c->root, "", path, ATTR_MAX);
		}
	}
	names_free(v, n);
}

static void host(struct capture *c)
{
	static const char *const files[] = {
		"/etc/fstab",
		"/etc/gpupass.protected",
		"/proc/cmdline",
		"/proc/self/mountinfo",
		"/proc/swaps",
		/* The records status reads: the boot's, the latest run-time
		 * apply's, the later stage's (and the hotplug runs', below). */
		STATUS_PATH,
		APPLY_PATH,
		LATE_PATH,
	};
	static const char *const dirs[] = { "/dev/disk/by-uuid", "/dev/disk/by-label",
					    "/dev/disk/by-partuuid", "/dev/disk/by-partlabel",
					    "/dev/mapper" };
	static const char *const markers[] = { "/usr/sbin/update-initramfs", "/usr/bin/dracut",
					       "/usr/sbin/dracut" };
	char path[TAR_PATH_MAX];
	size_t i, n;
	char **v;

	keep_err(c, config_each_input(c->root, config_file, c));
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		put_file(c, c->root, "", files[i], FILE_MAX);
	v = names(c->root, HOTPLUG_DIR, &n);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", HOTPLUG_DIR, v[i]);
		put_file(c, c->root, "", path, FILE_MAX);
	}
	names_free(v, n);
	cpuinfo(c);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		put_links(c, c->root, "", dirs[i]);
	for (i = 0; i < sizeof(markers) / sizeof(markers[0]); i++)
		if (root_exists(c->root, markers[i]) == 1)
			keep_err(c, tar_file(c->f, markers[i] + 1, "", 0));
}

/* The archive to FILE ("-": stdout), written at once (root_write_file: atomically). */
static int output(const char *name, const char *buf, size_t len)
{
	struct root *out = NULL;
	int err;

	if (!strcmp(name, "-"))
		return fwrite(buf, 1, len, stdout) == len && fflush(stdout) == 0 ? 0 : -EIO;
	err = root_open(&out, name[0] == '/' ? "/" : ".");
	if (err >= 0)
		err = root_write_file(out, name, buf, len);
	root_close(out);
	return err;
}

int cmd_capture(struct ctx *x)
{
	struct capture c = { 0 };
	char *buf = NULL;
	size_t len = 0;
	int err;

	if (x->argc != 1) {
		ERR("usage: gpupass capture FILE (a tar archive; - for stdout)");
		return 2;
	}
	if (cli_open_roots(x, true) < 0)
		return 1;
	c.root = x->root;
	c.sys = x->sys;
	c.f = open_memstream(&buf, &len);
	if (!c.f)
		return 1;
	/* The paths of the tree, in the fixed order a test can compare. */
	pci(&c);
	block(&c);
	mdev_and_modules(&c);
	acpi_markers(&c);
	inuse_inputs(&c);
	host(&c);
	keep_err(&c, tar_end(c.f));
	if (fclose(c.f) != 0)
		keep_err(&c, -ENOMEM);
	err = c.err ? c.err : output(x->argv[0], buf, len);
	free(buf);
	if (err < 0) {
		ERR_ERRNO(err, "capture: cannot write %s: %m; nothing was captured", x->argv[0]);
		return 1;
	}
	return c.skipped ? 1 : 0;
}
