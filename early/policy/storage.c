// SPDX-License-Identifier: GPL-2.0-or-later
#include <blkid/blkid.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/dynlib.h"
#include "base/log.h"
#include "base/path.h"
#include "policy/storage.h"

#define SLAVES_DEPTH 8
#define TABLE_MAX (256 * 1024)
/* Container hosts have tens of thousands of mounts (~150 bytes each). */
#define MOUNTINFO_MAX (16 * 1024 * 1024)

#define BLKID_SYMS(X) X(blkid_evaluate_spec)

static struct {
	BLKID_SYMS(DYNLIB_FIELD)
} bl;

struct guard {
	struct root *root, *sys;
	struct storage *st;
	bool boot;	     /* the early run: no /dev/disk links, no libblkid */
	bool chroot;	     /* an image built in a chroot: /proc tells of the build host */
	unsigned int traces; /* the boot: trace lines read */
};

static void unresolved(struct guard *g, const char *fmt, ...) GP_PRINTF(2, 3);

/* Record why a host disk could not be traced (the reasons are joined with "; "). */
static void unresolved(struct guard *g, const char *fmt, ...)
{
	char *u = g->st->unresolved, why[STORAGE_WHY_MAX];
	size_t n = strlen(u);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	DBG("storage guard: %s", why);
	if (strstr(u, why))
		return;
	snprintf(u + n, STORAGE_WHY_MAX - n, "%s%s", n ? "; " : "", why);
}

static const char *const held[] = { "/", "/boot", "/boot/efi", "/usr", NULL };

static bool held_mount(const char *m)
{
	int i;

	for (i = 0; held[i]; i++)
		if (!strcmp(m, held[i]))
			return true;
	return false;
}

static void add_protected(struct guard *g, const struct pci_addr *a, const char *why)
{
	struct storage *st = g->st;
	unsigned int i;

	for (i = 0; i < st->n; i++)
		if (pci_addr_eq(&st->dev[i].addr, a))
			return;
	if (st->n == STORAGE_MAX) {
		unresolved(g, "more than %d PCI functions hold the host's disks", STORAGE_MAX);
		return;
	}
	st->dev[st->n].addr = *a;
	snprintf(st->dev[st->n].why, sizeof(st->dev[st->n].why), "%s", why);
	DBG("storage guard: %s", why);
	st->n++;
}

static void protect(struct guard *g, const struct pci_addr *a, const char *what)
{
	char why[sizeof(g->st->dev[0].why)];

	snprintf(why, sizeof(why), "holds %s", what);
	add_protected(g, a, why);
}

/*
 * Every PCI function in a sysfs device path holds the disk at its end: the
 * disk's controller, and what it sits behind (an Intel VMD controller opens
 * a PCI domain of its own; bridges are never claimed anyway).  True when
 * there was one.
 */
static bool protect_path(struct guard *g, const char *path, const char *what)
{
	char comp[64];
	bool found = false;
	const char *p = path;
	struct pci_addr a;

	while (*p) {
		size_t n = strcspn(p, "/");

		if (n < sizeof(comp)) {
			memcpy(comp, p, n);
			comp[n] = '\0';
			if (pci_addr_parse(comp, &a) == 0) {
				protect(g, &a, what);
				found = true;
			}
		}
		p += n + (p[n] == '/');
	}
	return found;
}

/* RAM-backed block devices hold no controller: swap on zram is not on any PCI function. */
static bool ram_backed(const char *name, const char *target)
{
	return strstr(target, "/virtual/") &&
	       (!strncmp(name, "zram", 4) || (!strncmp(name, "ram", 3) && isdigit(name[3])));
}

/*
 * Block device @name (sda1, nvme0n1p2, dm-0): its controller, or its slaves'
 * for dm/md.  True when every disk under it was traced to a PCI function.
 */
static bool protect_block(struct guard *g, const char *name, const char *what, int depth)
{
	char path[PATH_MAX], target[PATH_MAX];
	struct dirent *de;
	bool traced = true, any = false;
	DIR *d;

	if (depth > SLAVES_DEPTH || strchr(name, '/') || !strcmp(name, "..") || !strcmp(name, "."))
		return false;
	snprintf(path, sizeof(path), "class/block/%s", name);
	if (root_readlink(g->sys, path, target, sizeof(target)) > 0) {
		if (protect_path(g, target, what))
			return true;
		if (ram_backed(name, target))
			return true;
	}
	snprintf(path, sizeof(path), "class/block/%s/slaves", name);
	d = root_opendir(g->sys, path);
	if (!d)
		return false;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.') {
			any = true;
			traced = protect_block(g, de->d_name, what, depth + 1) && traced;
		}
	closedir(d);
	return any && traced;
}

/* "MAJ:MIN" from mountinfo: sysfs names the device behind it (0:N is no block device). */
static bool protect_devnum(struct guard *g, const char *majmin, const char *what)
{
	char path[64], name[256];

	if (strspn(majmin, "0123456789:") != strlen(majmin))
		return false;
	snprintf(path, sizeof(path), "dev/block/%s", majmin);
	return root_link_name(g->sys, path, name, sizeof(name)) > 0 &&
	       protect_block(g, name, what, 0);
}

/* A device as fstab or root= name it: /dev/..., UUID=, LABEL=, PARTUUID=, PARTLABEL=. */
static bool protect_spec(struct guard *g, const char *spec, const char *what)
{
	char *dev = NULL, name[256], link[PATH_MAX];
	const char *eq = strchr(spec, '=');
	bool traced = false;

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
			return false;
		snprintf(link, sizeof(link), "/dev/disk/%s/%s", kinds[i][1], eq + 1);
		if (root_link_name(g->root, link, name, sizeof(name)) > 0)
			return protect_block(g, name, what, 0);
		if (g->boot || strcmp(root_dir(g->root), "/") ||
		    DYNLIB_LOAD("libblkid.so.1", bl, BLKID_SYMS, "cannot resolve UUID= or LABEL=") <
			0)
			return false;
		dev = bl.blkid_evaluate_spec(spec, NULL);
		spec = dev;
		if (!spec)
			return false;
	}
	if (!strncmp(spec, "/dev/", 5)) {
		/* /dev/mapper/x and /dev/disk/... are links to the kernel's name. */
		if (root_link_name(g->root, spec, name, sizeof(name)) <= 0)
			snprintf(name, sizeof(name), "%s", strrchr(spec, '/') + 1);
		traced = protect_block(g, name, what, 0);
	}
	free(dev);
	return traced;
}

/* A table the guard must read whole; when it cannot, nothing it holds is traced. */
static char *read_table(struct guard *g, const char *path, size_t max)
{
	char *buf = NULL;
	size_t len;
	int err;

	err = root_read_all(g->root, path, max, &buf, &len);
	if (err == -EFBIG)
		unresolved(g, "%s is larger than %zu KiB", path, max / 1024);
	else if (err < 0)
		unresolved(g, "cannot read %s: %s", path, root_strerror(err));
	return err < 0 ? NULL : buf;
}

/* mountinfo: "ID PARENT MAJ:MIN ROOT MOUNTPOINT ...". */
static void from_mountinfo(struct guard *g)
{
	char *buf = read_table(g, "/proc/self/mountinfo", MOUNTINFO_MAX), *save = NULL, *line,
	     what[300];
	char majmin[32], mnt[256], type[64], source[256];
	bool root_seen = false;

	for (line = buf ? strtok_r(buf, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *sep = strstr(line, " - ");

		if (sscanf(line, "%*s %*s %31s %*s %255s", majmin, mnt) != 2 || !held_mount(mnt))
			continue;
		root_seen |= !strcmp(mnt, "/");
		snprintf(what, sizeof(what), "%s (mounted now)", mnt);
		if (protect_devnum(g, majmin, what))
			continue;
		if (!sep || sscanf(sep, " - %63s %255s", type, source) != 2)
			snprintf(type, sizeof(type), "?"), snprintf(source, sizeof(source), "?");
		unresolved(g, "%s is on %s %s, which gpupass cannot trace to a PCI function", mnt,
			   type, source);
	}
	if (buf && !root_seen)
		unresolved(g, "/ is not in /proc/self/mountinfo (is this a chroot?)");
	free(buf);
}

static void from_swaps(struct guard *g)
{
	char *buf, *save = NULL, *line, dev[256], type[32];

	/* In a chroot they are the build host's swaps; fstab says the target's. */
	if (g->chroot)
		return;
	buf = read_table(g, "/proc/swaps", TABLE_MAX);

	for (line = buf ? strtok_r(buf, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save))
		if (sscanf(line, "%255s %31s", dev, type) == 2 && !strcmp(type, "partition") &&
		    !protect_spec(g, dev, "swap (in use now)"))
			unresolved(g, "swap on %s cannot be traced to a PCI function", dev);
	free(buf);
}

/*
 * Built in a chroot, /dev and sysfs are the build host's: the target's disk
 * is listed by its fstab spec, for the boot to trace through its own sysfs.
 */
static void add_trace(struct guard *g, const char *spec, const char *what)
{
	struct storage *st = g->st;

	if (st->ntraces == STORAGE_SPECS_MAX || strchr(spec, ' ') ||
	    strlen(spec) + strlen(what) + 2 > sizeof(st->traces[0])) {
		unresolved(g, "%s: %s cannot be listed for the boot to trace", what, spec);
		return;
	}
	strcat(strcat(strcpy(st->traces[st->ntraces++], spec), " "), what);
}

/* fstab: "SPEC MOUNTPOINT TYPE ...". */
static void from_fstab(struct guard *g)
{
	char *buf = NULL, *save = NULL, *line, what[300];
	char spec[256], mnt[256], type[32];

	/* No fstab is no promise about the next boot; one that cannot be read is. */
	if (root_exists(g->root, "/etc/fstab") == 1)
		buf = read_table(g, "/etc/fstab", TABLE_MAX);
	for (line = buf ? strtok_r(buf, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[strspn(line, " \t")] == '#' ||
		    sscanf(line, "%255s %255s %31s", spec, mnt, type) != 3)
			continue;
		/* A swap file (Ubuntu's /swap.img) lives on a filesystem; / is held anyway. */
		if (!strcmp(type, "swap") && spec[0] == '/' && strncmp(spec, "/dev/", 5))
			continue;
		if (!strcmp(type, "swap"))
			snprintf(what, sizeof(what), "swap (in /etc/fstab)");
		else if (held_mount(mnt))
			snprintf(what, sizeof(what), "%s (in /etc/fstab)", mnt);
		else
			continue;
		if (g->chroot)
			add_trace(g, spec, what);
		else if (!protect_spec(g, spec, what))
			unresolved(g, "%s: %s cannot be traced to a PCI function", what, spec);
	}
	free(buf);
}

/* root= and resume= name a disk unless they name a network root. */
static bool cmdline_disk(const char *w, const char **spec)
{
	static const char *const keys[] = { "root=", "resume=", NULL };
	int i;

	for (i = 0; keys[i]; i++)
		if (!strncmp(w, keys[i], strlen(keys[i])))
			break;
	if (!keys[i])
		return false;
	*spec = w + strlen(keys[i]);
	return **spec && strcmp(*spec, "/dev/nfs") && strncmp(*spec, "nfs", 3) &&
	       strcmp(*spec, "none");
}

static bool spec_known(const struct storage *st, const char *spec)
{
	unsigned int i;

	for (i = 0; i < st->nspecs; i++)
		if (!strcmp(st->specs[i], spec))
			return true;
	return false;
}

/* @known: what the image's list says was traced when it was built. */
static void from_cmdline(struct guard *g, bool known_ok)
{
	char *buf = NULL, *save = NULL, *w, what[300];
	const char *spec;
	size_t len;

	if (root_read_all(g->root, "/proc/cmdline", 64 * 1024, &buf, &len) < 0) {
		unresolved(g, "cannot read /proc/cmdline");
		return;
	}
	for (w = strtok_r(buf, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
		if (!cmdline_disk(w, &spec) || (known_ok && spec_known(g->st, spec)))
			continue;
		snprintf(what, sizeof(what), "%s (%.*s= on the kernel command line)",
			 !strncmp(w, "root=", 5) ? "/" : "the resume image", (int)(spec - w - 1),
			 w);
		if (protect_spec(g, spec, what)) {
			if (!known_ok && g->st->nspecs < STORAGE_SPECS_MAX &&
			    strlen(spec) < sizeof(g->st->specs[0]))
				strcpy(g->st->specs[g->st->nspecs++], spec);
			continue;
		}
		unresolved(g, "%s on the kernel command line cannot be traced to a PCI function%s",
			   w, g->boot ? " before udev runs" : "");
	}
	free(buf);
}

void storage_protected(struct root *root, struct root *sys, struct storage *st)
{
	struct guard g = { root, sys, st, false, root_chrooted(root) == 1, 0 };

	memset(st, 0, sizeof(*st));
	/*
	 * In a chroot /proc, /dev and sysfs are the build host's: its mounts,
	 * swaps and command line, and any address traced through them, name the
	 * build host's disks (its disk controller may be the target's boot
	 * display).  The target's fstab is listed for the boot to trace.
	 */
	if (g.chroot) {
		from_fstab(&g);
		if (!st->ntraces && !*st->unresolved)
			unresolved(
			    &g,
			    "the image was built in a chroot whose /etc/fstab names none of /, /boot, /boot/efi, /usr or a swap device, so the disks it boots from cannot be known; list them in its /etc/fstab");
		return;
	}
	if (!sys) {
		unresolved(&g, "no sysfs to trace the disks with");
		return;
	}
	from_mountinfo(&g);
	from_swaps(&g);
	from_fstab(&g);
	from_cmdline(&g, false);
}

/*
 * A "trace SPEC WHAT" line at boot: before udev only a kernel name
 * (/dev/vda, /dev/nvme0n1p2) can be traced, through this boot's sysfs.
 */
static void baked_trace(struct guard *g, const char *line)
{
	char spec[256];
	const char *what;

	g->traces++;
	if (sscanf(line, "%255s", spec) != 1)
		return;
	what = line + strlen(spec) + strspn(line + strlen(spec), " ");
	if (strncmp(spec, "/dev/", 5) || strchr(spec + 5, '/') || !protect_spec(g, spec, what))
		unresolved(g, "%s: %s cannot be traced to a PCI function before udev runs", what,
			   spec);
}

/*
 * One line of STORAGE_BAKED: "protect ADDR WHY", "spec SPEC", "trace SPEC
 * WHAT" or "unresolved WHY".
 */
static void baked_line(struct guard *g, char *line, unsigned int n)
{
	char word[16], rest[STORAGE_WHY_MAX], addr[32];
	struct pci_addr a;

	if (line[0] == '#' || !line[strspn(line, " \t")] ||
	    sscanf(line, "%15s %767[^\n]", word, rest) != 2) {
		if (line[0] != '#' && line[strspn(line, " \t")])
			unresolved(g, "%s:%u is not 'protect', 'spec', 'trace' or 'unresolved'",
				   STORAGE_BAKED, n);
		return;
	}
	if (!strcmp(word, "protect") && sscanf(rest, "%31s", addr) == 1 &&
	    pci_addr_parse(addr, &a) == 0)
		add_protected(g, &a, rest + strlen(addr) + strspn(rest + strlen(addr), " "));
	else if (!strcmp(word, "spec") && g->st->nspecs < STORAGE_SPECS_MAX &&
		 strlen(rest) < sizeof(g->st->specs[0]))
		strcpy(g->st->specs[g->st->nspecs++], rest);
	else if (!strcmp(word, "trace"))
		baked_trace(g, rest);
	else if (!strcmp(word, "unresolved"))
		unresolved(g, "%s", rest);
	else
		unresolved(g, "%s:%u: cannot use '%s %s'", STORAGE_BAKED, n, word, rest);
}

void storage_boot(struct root *root, struct root *sys, struct storage *st)
{
	struct guard g = { root, sys, st, true, false, 0 };
	char *buf = NULL, *save = NULL, *line;
	unsigned int n = 0;
	size_t len;
	int err;

	memset(st, 0, sizeof(*st));
	err = root_read_all(root, STORAGE_BAKED, TABLE_MAX, &buf, &len);
	if (err < 0) {
		unresolved(
		    &g,
		    "the initramfs holds no list of the host's disks (%s: %s); rebuild it with 'update-initramfs -u' or 'dracut -f'",
		    STORAGE_BAKED, root_strerror(err));
	}
	for (line = buf ? strtok_r(buf, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save))
		baked_line(&g, line, ++n);
	/* Any system has its / somewhere: a list without one line is no list. */
	if (buf && !st->n && !st->nspecs && !*st->unresolved && !g.traces)
		unresolved(&g, "%s is empty; rebuild the initramfs", STORAGE_BAKED);
	free(buf);
	from_cmdline(&g, true);
}

void storage_print(const struct storage *st, FILE *f)
{
	char addr[PCI_ADDR_LEN];
	unsigned int i;

	fputs("# The host's disks as gpupass traced them (gpupass protected); the early run\n"
	      "# never claims these, and refuses every storage controller while anything\n"
	      "# is unresolved.\n",
	      f);
	for (i = 0; i < st->n; i++)
		fprintf(f, "protect %s %s\n", pci_addr_str(&st->dev[i].addr, addr), st->dev[i].why);
	for (i = 0; i < st->nspecs; i++)
		fprintf(f, "spec %s\n", st->specs[i]);
	for (i = 0; i < st->ntraces; i++)
		fprintf(f, "trace %s\n", st->traces[i]);
	if (*st->unresolved)
		fprintf(f, "unresolved %s\n", st->unresolved);
}

void storage_to_plan(const struct storage *st, struct plan *p)
{
	p->protect = st->dev;
	p->nprotect = st->n;
	p->storage_unresolved = *st->unresolved ? st->unresolved : NULL;
	if (!p->storage_unresolved && st->ntraces)
		p->storage_unresolved =
		    "built in a chroot, the host's disks are traced only at boot, through its own sysfs";
}
