// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mkfakesys ROOT < SPEC: build a fake sysfs tree under ROOT/sys shaped like
 * the kernel's (bus/pci/devices links, driver and iommu_group links,
 * kernel/iommu_groups), from a spec of lines:
 *
 *   device ADDR VVVV:DDDD CLASS6 [driver=NAME] [group=N] [boot_vga=1]
 *                                [subsys=VVVV:DDDD] [override=NAME]
 *
 * ADDR is always the full dddd:bb:dd.f; the domain may have more than four
 * digits, as the kernel names Intel VMD domains (10000:e1:00.0).
 *   driver NAME        a loaded PCI driver with no device
 *
 * and for the later stage (the device lines they name come first):
 *
 *   mdev_type ADDR TYPE [available=N]     ADDR registered with mdev, offering TYPE
 *                                         (mdev_supported_types/TYPE, class/mdev_bus)
 *   mdev UUID ADDR TYPE                   an existing mdev of ADDR (bus/mdev/devices)
 *   sriov ADDR total=N [numvfs=N] [autoprobe=0|1]
 *                                         SR-IOV attributes of a physical function
 *   virtfn PF N VF                        PF's virtfnN link to VF, VF's physfn link
 *   module NAME [PARAM=VALUE...]          /sys/module/NAME/parameters/PARAM
 *
 * and for the in-use guard:
 *
 *   class CLASS PATH ADDR|virtual [ATTR=VALUE...]
 *                                         ADDR/CLASS/PATH (or devices/virtual/CLASS/PATH)
 *                                         with its attributes, linked from class/CLASS/
 *                                         under PATH's last component (class drm card0,
 *                                         class drm card0/card0-Virtual-1 ADDR enabled=enabled)
 *   fbcon [bound=0|1]                     class/graphics/fbcon and a "frame buffer device"
 *                                         vtconsole, bound or not (default 1)
 *   open PID COMM PATH                    ROOT/proc/PID/comm and an fd link to PATH
 *
 * Used by the fixture tests and the benchmark (10,000 functions).  A test
 * tool, so it simply exits on the first error.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *root;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("mkfakesys: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void mkdirs(const char *fmt, ...)
{
	char p[PATH_MAX], *s;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p, sizeof(p), fmt, ap);
	va_end(ap);
	for (s = p + 1;; s++) {
		char c = *s;

		if (c != '/' && c)
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			die("mkdir %s: %s", p, strerror(errno));
		if (!c)
			return;
		*s = c;
	}
}

static void put(const char *dir, const char *name, const void *data, size_t len)
{
	char p[PATH_MAX];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len || close(fd) < 0)
		die("write %s: %s", p, strerror(errno));
}

static void putf(const char *dir, const char *name, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	put(dir, name, buf, n);
}

static void link_to(const char *target, const char *fmt, ...)
{
	char p[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p, sizeof(p), fmt, ap);
	va_end(ap);
	if (symlink(target, p) < 0 && errno != EEXIST)
		die("symlink %s: %s", p, strerror(errno));
}

static void driver(const char *name)
{
	char d[PATH_MAX];

	snprintf(d, sizeof(d), "%s/sys/bus/pci/drivers/%s", root, name);
	if (access(d, F_OK) == 0)
		return; /* one driver, many devices: a large tree writes it once */
	mkdirs("%s", d);
	put(d, "bind", "", 0);
	put(d, "unbind", "", 0);
	put(d, "new_id", "", 0);
}

struct dev {
	char addr[32], driver[64], override[64];
	unsigned int vendor, device, class, sv, sd;
	int group, boot_vga;
};

static void parse_opt(struct dev *d, const char *w)
{
	if (!strncmp(w, "driver=", 7))
		snprintf(d->driver, sizeof(d->driver), "%s", w + 7);
	else if (!strncmp(w, "override=", 9))
		snprintf(d->override, sizeof(d->override), "%s", w + 9);
	else if (!strncmp(w, "group=", 6))
		d->group = atoi(w + 6);
	else if (!strncmp(w, "boot_vga=", 9))
		d->boot_vga = atoi(w + 9);
	else if (!strncmp(w, "subsys=", 7))
		sscanf(w + 7, "%x:%x", &d->sv, &d->sd);
	else
		die("unknown device option '%s'", w);
}

static void config_space(const char *dir, const struct dev *d)
{
	unsigned char c[64] = { 0 };

	c[0] = d->vendor, c[1] = d->vendor >> 8;
	c[2] = d->device, c[3] = d->device >> 8;
	c[9] = d->class, c[10] = d->class >> 8, c[11] = d->class >> 16;
	c[14] = (d->class >> 8) == 0x0604 ? 1 : 0; /* header type */
	c[44] = d->sv, c[45] = d->sv >> 8, c[46] = d->sd, c[47] = d->sd >> 8;
	put(dir, "config", c, sizeof(c));
}

static void attrs(const char *dir, const struct dev *d)
{
	static const char res[] = "0x0000000000000000 0x0000000000000000 0x0000000000000000\n";
	char buf[sizeof(res) * 13];
	int i;

	putf(dir, "vendor", "0x%04x\n", d->vendor);
	putf(dir, "device", "0x%04x\n", d->device);
	putf(dir, "class", "0x%06x\n", d->class);
	putf(dir, "subsystem_vendor", "0x%04x\n", d->sv);
	putf(dir, "subsystem_device", "0x%04x\n", d->sd);
	putf(dir, "revision", "0x00\n");
	putf(dir, "irq", "0\n");
	putf(dir, "enable", "1\n");
	putf(dir, "driver_override", "%s\n", *d->override ? d->override : "(null)");
	for (i = 0; i < 13; i++)
		memcpy(buf + i * (sizeof(res) - 1), res, sizeof(res) - 1);
	put(dir, "resource", buf, 13 * (sizeof(res) - 1));
	if ((d->class >> 16) == 0x03)
		putf(dir, "boot_vga", "%d\n", d->boot_vga);
	config_space(dir, d);
}

/* The links the kernel makes: bus/pci/devices, driver, iommu_group and the group's list. */
static void link_all(const struct dev *d, const char *dir, const char *host)
{
	char t[PATH_MAX];

	snprintf(t, sizeof(t), "../../../devices/%s/%s", host, d->addr);
	link_to(t, "%s/sys/bus/pci/devices/%s", root, d->addr);
	if (*d->driver) {
		driver(d->driver);
		snprintf(t, sizeof(t), "../../../bus/pci/drivers/%s", d->driver);
		link_to(t, "%s/driver", dir);
		snprintf(t, sizeof(t), "../../../../devices/%s/%s", host, d->addr);
		link_to(t, "%s/sys/bus/pci/drivers/%s/%s", root, d->driver, d->addr);
	}
	if (d->group >= 0) {
		mkdirs("%s/sys/kernel/iommu_groups/%d/devices", root, d->group);
		snprintf(t, sizeof(t), "../../../kernel/iommu_groups/%d", d->group);
		link_to(t, "%s/iommu_group", dir);
		snprintf(t, sizeof(t), "../../../../devices/%s/%s", host, d->addr);
		link_to(t, "%s/sys/kernel/iommu_groups/%d/devices/%s", root, d->group, d->addr);
	}
}

/* "pciDOMAIN:BUS" into @host (the host bridge's directory), or exit when @addr is not full. */
static void host_of(const char *addr, char *host, size_t size)
{
	unsigned int d, b, s, f;
	int n = 0, len = (int)strlen(addr);

	if (sscanf(addr, "%x:%2x:%2x.%1x%n", &d, &b, &s, &f, &n) != 4 || n != len ||
	    strchr(addr, ':') - addr < 4 || len - (strchr(addr, ':') - addr) != 8)
		die("'%s': need a full address dddd:bb:dd.f", addr);
	snprintf(host, size, "pci%.*s", len - 5, addr);
}

static void device(char *args)
{
	char dir[PATH_MAX], host[32], *w, *save = NULL;
	struct dev d = { .group = -1 };

	w = strtok_r(args, " \t", &save);
	if (!w)
		die("device needs a full address dddd:bb:dd.f");
	snprintf(d.addr, sizeof(d.addr), "%s", w);
	host_of(d.addr, host, sizeof(host));
	w = strtok_r(NULL, " \t", &save);
	if (!w || sscanf(w, "%x:%x", &d.vendor, &d.device) != 2)
		die("%s: bad IDs", d.addr);
	w = strtok_r(NULL, " \t", &save);
	if (!w || sscanf(w, "%x", &d.class) != 1)
		die("%s: bad class", d.addr);
	while ((w = strtok_r(NULL, " \t", &save)))
		parse_opt(&d, w);

	snprintf(dir, sizeof(dir), "%s/sys/devices/%s/%s", root, host, d.addr);
	mkdirs("%s", dir);
	attrs(dir, &d);
	mkdirs("%s/sys/bus/pci/devices", root);
	link_all(&d, dir, host);
}
/* ROOT/sys/devices/pciDOMAIN:BUS/ADDR, and "pciDOMAIN:BUS" into @host. */
static void dev_dir(const char *addr, char *dir, size_t size, char *host, size_t hsize)
{
	host_of(addr, host, hsize);
	snprintf(dir, size, "%s/sys/devices/%s/%s", root, host, addr);
	if (access(dir, F_OK) < 0)
		die("%s: no device line for it before this line", addr);
}

static char *word(char **save, const char *what, const char *line)
{
	char *w = strtok_r(NULL, " \t", save);

	if (!w)
		die("%s: missing %s", line, what);
	return w;
}

static void mdev_type(char *args)
{
	char dir[PATH_MAX], host[32], t[2 * PATH_MAX], *save = NULL, *addr, *type, *w;
	int available = 1;

	addr = strtok_r(args, " \t", &save);
	if (!addr)
		die("mdev_type needs ADDR TYPE");
	type = word(&save, "TYPE", addr);
	while ((w = strtok_r(NULL, " \t", &save)))
		if (sscanf(w, "available=%d", &available) != 1)
			die("unknown mdev_type option '%s'", w);
	dev_dir(addr, dir, sizeof(dir), host, sizeof(host));
	mkdirs("%s/mdev_supported_types/%s/devices", dir, type);
	snprintf(t, sizeof(t), "%s/mdev_supported_types/%s", dir, type);
	putf(t, "name", "%s\n", strchr(type, '-') ? strchr(type, '-') + 1 : type);
	putf(t, "available_instances", "%d\n", available);
	putf(t, "device_api", "vfio-pci\n");
	putf(t, "description", "\n");
	put(t, "create", "", 0);
	mkdirs("%s/sys/class/mdev_bus", root);
	snprintf(t, sizeof(t), "../../devices/%s/%s", host, addr);
	link_to(t, "%s/sys/class/mdev_bus/%s", root, addr);
}

static void mdev(char *args)
{
	char dir[PATH_MAX], host[32], t[2 * PATH_MAX], *save = NULL, *uuid, *addr, *type;

	uuid = strtok_r(args, " \t", &save);
	if (!uuid)
		die("mdev needs UUID ADDR TYPE");
	addr = word(&save, "ADDR", uuid);
	type = word(&save, "TYPE", uuid);
	dev_dir(addr, dir, sizeof(dir), host, sizeof(host));
	mkdirs("%s/%s", dir, uuid);
	mkdirs("%s/mdev_supported_types/%s/devices", dir, type);
	snprintf(t, sizeof(t), "%s/%s", dir, uuid);
	put(t, "remove", "", 0);
	snprintf(t, sizeof(t), "../mdev_supported_types/%s", type);
	link_to(t, "%s/%s/mdev_type", dir, uuid);
	snprintf(t, sizeof(t), "../../../%s", uuid);
	link_to(t, "%s/mdev_supported_types/%s/devices/%s", dir, type, uuid);
	mkdirs("%s/sys/bus/mdev/devices", root);
	snprintf(t, sizeof(t), "../../../devices/%s/%s/%s", host, addr, uuid);
	link_to(t, "%s/sys/bus/mdev/devices/%s", root, uuid);
}

static void sriov(char *args)
{
	char dir[PATH_MAX], host[32], *save = NULL, *addr, *w;
	int total = -1, numvfs = 0, autoprobe = 1;

	addr = strtok_r(args, " \t", &save);
	if (!addr)
		die("sriov needs ADDR total=N");
	while ((w = strtok_r(NULL, " \t", &save)))
		if (sscanf(w, "total=%d", &total) != 1 && sscanf(w, "numvfs=%d", &numvfs) != 1 &&
		    sscanf(w, "autoprobe=%d", &autoprobe) != 1)
			die("unknown sriov option '%s'", w);
	if (total < 0)
		die("%s: sriov needs total=N", addr);
	dev_dir(addr, dir, sizeof(dir), host, sizeof(host));
	putf(dir, "sriov_totalvfs", "%d\n", total);
	putf(dir, "sriov_numvfs", "%d\n", numvfs);
	putf(dir, "sriov_drivers_autoprobe", "%d\n", autoprobe);
}

static void virtfn(char *args)
{
	char pf[PATH_MAX], vf[PATH_MAX], phost[32], vhost[32], t[PATH_MAX];
	char *save = NULL, *pfa, *n, *vfa;

	pfa = strtok_r(args, " \t", &save);
	if (!pfa)
		die("virtfn needs PF N VF");
	n = word(&save, "N", pfa);
	vfa = word(&save, "VF", pfa);
	dev_dir(pfa, pf, sizeof(pf), phost, sizeof(phost));
	dev_dir(vfa, vf, sizeof(vf), vhost, sizeof(vhost));
	snprintf(t, sizeof(t), "../../%s/%s", vhost, vfa);
	link_to(t, "%s/virtfn%d", pf, atoi(n));
	snprintf(t, sizeof(t), "../../%s/%s", phost, pfa);
	link_to(t, "%s/physfn", vf);
}

static void module(char *args)
{
	char dir[PATH_MAX], *save = NULL, *name, *w, *eq;

	name = strtok_r(args, " \t", &save);
	if (!name)
		die("module needs NAME");
	snprintf(dir, sizeof(dir), "%s/sys/module/%s", root, name);
	mkdirs("%s", dir);
	while ((w = strtok_r(NULL, " \t", &save))) {
		eq = strchr(w, '=');
		if (!eq)
			die("module %s: '%s' is not PARAM=VALUE", name, w);
		*eq = '\0';
		mkdirs("%s/parameters", dir);
		snprintf(dir, sizeof(dir), "%s/sys/module/%s/parameters", root, name);
		putf(dir, w, "%s\n", eq + 1);
		snprintf(dir, sizeof(dir), "%s/sys/module/%s", root, name);
	}
}

static void class_dev(char *args)
{
	char dir[PATH_MAX], host[32], t[2 * PATH_MAX], *save = NULL, *cls, *path, *owner, *w, *eq;
	const char *base;
	int up;

	cls = strtok_r(args, " \t", &save);
	path = word(&save, "PATH", "class");
	owner = word(&save, "ADDR or virtual", "class");
	if (!strcmp(owner, "virtual")) {
		snprintf(dir, sizeof(dir), "%s/sys/devices/virtual/%s/%s", root, cls, path);
		snprintf(t, sizeof(t), "devices/virtual/%s/%s", cls, path);
	} else {
		dev_dir(owner, dir, sizeof(dir), host, sizeof(host));
		snprintf(dir, sizeof(dir), "%s/sys/devices/%s/%s/%s/%s", root, host, owner, cls,
			 path);
		snprintf(t, sizeof(t), "devices/%s/%s/%s/%s", host, owner, cls, path);
	}
	mkdirs("%s", dir);
	mkdirs("%s/sys/class/%s", root, cls);
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	for (up = 0; up < 2; up++)
		memmove(t + 3, t, strlen(t) + 1), memcpy(t, "../", 3);
	link_to(t, "%s/sys/class/%s/%s", root, cls, base);
	while ((w = strtok_r(NULL, " \t", &save))) {
		eq = strchr(w, '=');
		if (!eq)
			die("class %s %s: '%s' is not ATTR=VALUE", cls, path, w);
		*eq = '\0';
		putf(dir, w, "%s\n", eq + 1);
	}
}

static void fbcon(char *args)
{
	char dir[PATH_MAX];
	int bound = 1;

	if (*args && sscanf(args, "bound=%d", &bound) != 1)
		die("fbcon: '%s' is not bound=0|1", args);
	mkdirs("%s/sys/devices/virtual/graphics/fbcon", root);
	mkdirs("%s/sys/class/graphics", root);
	link_to("../../devices/virtual/graphics/fbcon", "%s/sys/class/graphics/fbcon", root);
	snprintf(dir, sizeof(dir), "%s/sys/devices/virtual/vtconsole/vtcon1", root);
	mkdirs("%s", dir);
	putf(dir, "name", "(M) frame buffer device\n");
	putf(dir, "bind", "%d\n", bound);
	mkdirs("%s/sys/class/vtconsole", root);
	link_to("../../devices/virtual/vtconsole/vtcon1", "%s/sys/class/vtconsole/vtcon1", root);
}

static void open_fd(char *args)
{
	char dir[PATH_MAX], p[PATH_MAX + 16], *save = NULL, *pid, *comm, *path;
	int fd;

	pid = strtok_r(args, " \t", &save);
	comm = word(&save, "COMM", "open");
	path = word(&save, "PATH", "open");
	if (!pid || strspn(pid, "0123456789") != strlen(pid))
		die("open: '%s' is not a PID", pid ? pid : "");
	snprintf(dir, sizeof(dir), "%s/proc/%s", root, pid);
	mkdirs("%s/fd", dir);
	putf(dir, "comm", "%s\n", comm);
	for (fd = 3;; fd++) { /* the next free fd */
		snprintf(p, sizeof(p), "%s/fd/%d", dir, fd);
		if (symlink(path, p) == 0)
			return;
		if (errno != EEXIST)
			die("symlink %s: %s", p, strerror(errno));
	}
}

int main(int argc, char **argv)
{
	char line[1024];

	if (argc != 2)
		die("usage: mkfakesys ROOT < SPEC");
	root = argv[1];
	mkdirs("%s/sys/bus/pci/drivers", root);
	mkdirs("%s/sys/kernel", root);
	snprintf(line, sizeof(line), "%s/sys/bus/pci", root);
	put(line, "drivers_probe", "", 0);
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\r\n#")] = '\0';
		if (!strncmp(line, "device ", 7))
			device(line + 7);
		else if (!strncmp(line, "driver ", 7))
			driver(line + 7);
		else if (!strncmp(line, "mdev_type ", 10))
			mdev_type(line + 10);
		else if (!strncmp(line, "mdev ", 5))
			mdev(line + 5);
		else if (!strncmp(line, "sriov ", 6))
			sriov(line + 6);
		else if (!strncmp(line, "virtfn ", 7))
			virtfn(line + 7);
		else if (!strncmp(line, "module ", 7))
			module(line + 7);
		else if (!strncmp(line, "class ", 6))
			class_dev(line + 6);
		else if (!strncmp(line, "fbcon", 5))
			fbcon(line + 5 + strspn(line + 5, " \t"));
		else if (!strncmp(line, "open ", 5))
			open_fd(line + 5);
		else if (line[strspn(line, " \t")])
			die("bad spec line: %s", line);
	}
	return 0;
}
