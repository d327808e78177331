// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/path.h"
#include "pci/devices.h"

struct devices {
	struct pci_access *pacc;
	int lookup_flags;
	struct root *sys;
	char bus_path[4096];
};

static int fatal_code = EXIT_FAILURE;
/*
 * Armed while libpci reads one device: its fatal error (a device without
 * vendor, or one that vanished between readdir and read) then skips that
 * device instead of ending the process, so one device never stops the others.
 */
static jmp_buf *device_jmp;
static const char *device_name;

void devices_set_fatal_exit(int status)
{
	fatal_code = status;
}

static void __attribute__((noreturn)) pci_err(char *msg, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, msg);
	vsnprintf(buf, sizeof(buf), msg, ap);
	va_end(ap);
	if (device_jmp) {
		ERR("%s: libpci: %s; skipping this device (it vanished, or its sysfs entry is broken), the others go on",
		    device_name, buf);
		longjmp(*device_jmp, 1);
	}
	ERR("libpci: %s; cannot enumerate PCI devices, nothing was changed", buf);
	exit(fatal_code);
}

static void pci_warn(char *msg, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, msg);
	vsnprintf(buf, sizeof(buf), msg, ap);
	va_end(ap);
	WRN("libpci: %s", buf);
}

static void pci_dbg(char *msg, ...)
{
	char buf[512];
	va_list ap;

	if (!log_get_debug())
		return;
	va_start(ap, msg);
	vsnprintf(buf, sizeof(buf), msg, ap);
	va_end(ap);
	DBG("libpci: %s", buf);
}

int devices_open(struct devices **out, struct root *sys)
{
	struct devices *ds = calloc(1, sizeof(*ds));

	if (!ds)
		return -ENOMEM;
	ds->sys = sys;
	snprintf(ds->bus_path, sizeof(ds->bus_path), "%s/bus/pci", root_dir(sys));
	ds->pacc = pci_alloc();
	if (!ds->pacc) {
		free(ds);
		return -ENOMEM;
	}
	ds->pacc->error = pci_err;
	ds->pacc->warning = pci_warn;
	ds->pacc->debug = pci_dbg;
	ds->pacc->method = PCI_ACCESS_SYS_BUS_PCI;
	pci_set_param(ds->pacc, "sysfs.path", ds->bus_path);
	pci_init(ds->pacc);
	*out = ds;
	return 0;
}

void devices_close(struct devices *ds)
{
	if (!ds)
		return;
	pci_cleanup(ds->pacc);
	free(ds);
}

/* pci_fill_info() for the device named @name; false when libpci failed on it (logged). */
static bool fill_guarded(struct pci_dev *pd, int flags, const char *name)
{
	jmp_buf jb;

	if (setjmp(jb)) {
		device_jmp = NULL;
		return false;
	}
	device_jmp = &jb;
	device_name = name;
	pci_fill_info(pd, flags);
	device_jmp = NULL;
	return true;
}

static struct pci_dev *get_dev(struct devices *ds, const struct pci_addr *a, struct gp_device *dev)
{
	struct pci_dev *pd = pci_get_dev(ds->pacc, a->domain, a->bus, a->dev, a->func);

	if (!pd)
		return NULL;
	memset(dev, 0, sizeof(*dev));
	dev->addr = *a;
	pci_addr_str(a, dev->name);
	dev->group = -1;
	if (!fill_guarded(pd, PCI_FILL_IDENT | PCI_FILL_CLASS, dev->name)) {
		pci_free_dev(pd);
		return NULL;
	}
	dev->vendor = pd->vendor_id;
	dev->device = pd->device_id;
	dev->class = pd->device_class;
	return pd;
}

static void read_override(struct devices *ds, struct gp_device *dev)
{
	char val[DRIVER_NAME_MAX + 16];

	/* The kernel shows "(null)" when no override is set. */
	if (pcidev_read(ds->sys, &dev->addr, "driver_override", val, sizeof(val)) > 0 &&
	    strcmp(val, "(null)") && driver_name_valid(val)) {
		dev->has_override = true;
		strcpy(dev->override, val);
	}
}

int devices_fill(struct devices *ds, struct gp_device *dev, struct pci_dev *pd)
{
	const char *s;

	if (!fill_guarded(pd, PCI_FILL_DRIVER | PCI_FILL_IOMMU_GROUP | PCI_FILL_SUBSYS, dev->name))
		return -EIO;
	s = pci_get_string_property(pd, PCI_FILL_DRIVER);
	snprintf(dev->driver, sizeof(dev->driver), "%s", s ? s : "");
	s = pci_get_string_property(pd, PCI_FILL_IOMMU_GROUP);
	dev->group = s ? atoi(s) : -1;
	if (pd->known_fields & PCI_FILL_SUBSYS) {
		dev->sub_vendor = pd->subsys_vendor_id;
		dev->sub_device = pd->subsys_id;
	}
	/* boot_display is the newer name of boot_vga for non-VGA boot GPUs. */
	dev->boot_vga = pcidev_read_flag(ds->sys, &dev->addr, "boot_vga") ||
			pcidev_read_flag(ds->sys, &dev->addr, "boot_display");
	read_override(ds, dev);
	return 0;
}

int devices_get(struct devices *ds, const struct pci_addr *addr, struct gp_device *dev)
{
	struct pci_dev *pd;
	int err;

	if (pcidev_exists(ds->sys, addr, "") != 1)
		return -ENODEV;
	pd = get_dev(ds, addr, dev);
	if (!pd)
		return -ENODEV;
	err = devices_fill(ds, dev, pd);
	pci_free_dev(pd);
	return err < 0 ? -ENODEV : 0;
}

bool devices_selected(struct devices *ds, const struct gp_device *dev, struct selector *sel,
		      unsigned int n)
{
	struct gp_device tmp;
	struct pci_dev *pd;
	bool hit = false;
	unsigned int i;

	if (n == 0)
		return false;
	pd = get_dev(ds, &dev->addr, &tmp);
	if (!pd)
		return false;
	for (i = 0; i < n && !hit; i++)
		hit = selector_match(&sel[i], pd);
	pci_free_dev(pd);
	return hit;
}

int devices_foreach(struct devices *ds, devices_cb cb, void *data)
{
	struct dirent *de;
	int err = 0;
	DIR *d;

	d = root_opendir(ds->sys, "bus/pci/devices");
	if (!d)
		return -errno;
	while (err >= 0 && (de = readdir(d))) {
		struct gp_device dev;
		struct pci_addr a;
		struct pci_dev *pd;

		/* The kernel names entries dddd:bb:dd.f; anything else is not ours to read. */
		if (de->d_name[0] == '.' || pci_addr_parse(de->d_name, &a) < 0)
			continue;
		pd = get_dev(ds, &a, &dev);
		if (!pd)
			continue;
		err = cb(&dev, pd, data);
		pci_free_dev(pd);
	}
	closedir(d);
	return err < 0 ? err : 0;
}

static int cmp_addr(const void *a, const void *b)
{
	return pci_addr_cmp(a, b);
}

int devices_group_members(struct devices *ds, int group, struct pci_addr **out)
{
	struct pci_addr *v = NULL;
	size_t n = 0, size = 0;
	struct dirent *de;
	char path[64];
	DIR *d;

	*out = NULL;
	snprintf(path, sizeof(path), "kernel/iommu_groups/%d/devices", group);
	d = root_opendir(ds->sys, path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (n == size) {
			struct pci_addr *nv = realloc(v, (size ? 2 * size : 16) * sizeof(*nv));

			if (!nv) {
				closedir(d);
				free(v);
				return -ENOMEM;
			}
			v = nv;
			size = size ? 2 * size : 16;
		}
		if (pci_addr_parse(de->d_name, &v[n]) == 0)
			n++;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), cmp_addr);
	*out = v;
	return (int)n;
}

void devices_use_names(struct devices *ds, const char *ids_file)
{
	if (ids_file) {
		pci_set_name_list_path(ds->pacc, (char *)ids_file, 0);
		ds->lookup_flags = PCI_LOOKUP_NO_HWDB; /* a captured tree: its own pci.ids only */
	}
}

const char *devices_name(struct devices *ds, const struct gp_device *dev, char *buf, size_t size)
{
	char cls[128], vd[256];
	int f = ds->lookup_flags | PCI_LOOKUP_NO_NUMBERS;

	if (!pci_lookup_name(ds->pacc, cls, sizeof(cls), f | PCI_LOOKUP_CLASS, dev->class))
		snprintf(cls, sizeof(cls), "Class %04x", dev->class);
	if (!pci_lookup_name(ds->pacc, vd, sizeof(vd), f | PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE,
			     dev->vendor, dev->device))
		snprintf(vd, sizeof(vd), "Device %04x:%04x", dev->vendor, dev->device);
	snprintf(buf, size, "%s: %s", cls, vd);
	return buf;
}

bool devices_iommu_present(struct devices *ds)
{
	struct dirent *de;
	bool any = false;
	DIR *d;

	d = root_opendir(ds->sys, "kernel/iommu_groups");
	if (!d)
		return false;
	while (!any && (de = readdir(d)))
		any = de->d_name[0] != '.';
	closedir(d);
	return any;
}
