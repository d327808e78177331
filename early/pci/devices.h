/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI enumeration through libpci's linux-sysfs method, pointed at the sysfs
 * root (so a fake tree works the same as /sys).
 *
 * Devices are streamed: each is looked up with pci_get_dev(), filled, handed
 * to a callback and freed.  pci_scan_bus() would keep every device in memory
 * (~400 bytes each), which on a 10,000-function host breaks gpupass's 2 MiB
 * memory budget in the initramfs.
 */
#ifndef GPUPASS_DEVICES_H
#define GPUPASS_DEVICES_H

#include <pci/pci.h>
#include <stdbool.h>
#include <stdint.h>

#include "pci/pciaddr.h"
#include "pci/pcidev.h"
#include "pci/selector.h"

#define PCI_CLASS_BASE_STORAGE 0x01
#define PCI_CLASS_BASE_DISPLAY 0x03
#define PCI_CLASS_BASE_BRIDGE 0x06

struct gp_device {
	struct pci_addr addr;
	char name[PCI_ADDR_LEN];
	uint16_t vendor, device, class; /* class: base and sub class */
	/* Filled by devices_fill(): */
	uint16_t sub_vendor, sub_device;
	char driver[DRIVER_NAME_MAX]; /* "" when none is bound */
	int group;		      /* -1 without an IOMMU group */
	bool boot_vga;
	bool has_override; /* driver_override exists and is set */
	char override[DRIVER_NAME_MAX];
};

struct devices;
struct root;

/*
 * libpci ends the process on a fatal error (its error callback must not
 * return): the status that exit gives, set once by main() (EXIT_FAILURE
 * unless set; early boot sets 0, so the boot goes on).
 */
void devices_set_fatal_exit(int status);
int devices_open(struct devices **out, struct root *sys);
void devices_close(struct devices *ds);

/*
 * Call @cb for every PCI function.  @pd is libpci's view for selector
 * matching; @dev has address, IDs and class.  A negative return from @cb stops
 * the walk and is returned.
 */
typedef int (*devices_cb)(struct gp_device *dev, struct pci_dev *pd, void *data);
int devices_foreach(struct devices *ds, devices_cb cb, void *data);

/*
 * Fill driver, IOMMU group, boot display flag, subsystem IDs and override.
 * Returns 0, or -EIO when libpci could not read the device (logged here):
 * the caller skips it, since what it would need to judge it is missing.
 */
int devices_fill(struct devices *ds, struct gp_device *dev, struct pci_dev *pd);
/* Look one function up by address, fully filled.  Returns 0 or -ENODEV. */
int devices_get(struct devices *ds, const struct pci_addr *addr, struct gp_device *dev);

/* True when any of the @n selectors selects @dev. */
bool devices_selected(struct devices *ds, const struct gp_device *dev, struct selector *sel,
		      unsigned int n);
/*
 * Every address in IOMMU group @group, in address order, into *@out (malloc'ed,
 * the caller frees it; however large the group).  Returns the count or -errno.
 */
int devices_group_members(struct devices *ds, int group, struct pci_addr **out);
/*
 * Names from pci.ids through libpci: @ids_file, or libpci's default (and the
 * udev hwdb) when NULL.  Fills @buf with "Class: Vendor Device".
 */
void devices_use_names(struct devices *ds, const char *ids_file);
const char *devices_name(struct devices *ds, const struct gp_device *dev, char *buf, size_t size);
/* True when the kernel exposes any IOMMU group (the IOMMU is on). */
bool devices_iommu_present(struct devices *ds);

static inline bool device_is_bridge(const struct gp_device *d)
{
	return d->class >> 8 == PCI_CLASS_BASE_BRIDGE;
}

static inline bool device_is_storage(const struct gp_device *d)
{
	return d->class >> 8 == PCI_CLASS_BASE_STORAGE;
}

#endif
