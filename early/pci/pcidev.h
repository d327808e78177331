/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The attributes of one PCI function under bus/pci/devices/ADDR/, read and
 * written through the sysfs root, as util-linux's ul_path_* do for a device
 * directory: every per-device sysfs access of gpupass goes through here, so no
 * caller builds a device path or parses a number from sysfs by hand.
 *
 * Nothing here logs above debug: callers log each outcome once.  Functions
 * return 0 (or a length) on success and -errno on failure.
 */
#ifndef GPUPASS_PCIDEV_H
#define GPUPASS_PCIDEV_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pci/pciaddr.h"

#define DRIVER_NAME_MAX 56 /* MODULE_NAME_LEN */

struct root;

/* Driver and module names: [A-Za-z0-9_-], 1..55 chars. */
bool driver_name_valid(const char *s);
/* True when the kernel has PCI driver @driver (bus/pci/drivers/NAME exists). */
bool pci_driver_present(struct root *sys, const char *driver);

/* 1 if attribute @attr of @a exists ("" for the device itself), 0 if not, or -errno. */
int pcidev_exists(struct root *sys, const struct pci_addr *a, const char *attr);
/* Read attribute @attr of @a, trailing newlines stripped.  Returns its length. */
int pcidev_read(struct root *sys, const struct pci_addr *a, const char *attr, char *buf,
		size_t size);
/* Read a decimal number without sign; -EINVAL when it is not one or exceeds UINT32_MAX. */
int pcidev_read_u32(struct root *sys, const struct pci_addr *a, const char *attr, uint32_t *out);
/* True when @attr reads "1" (flags such as boot_vga); false when it is absent. */
bool pcidev_read_flag(struct root *sys, const struct pci_addr *a, const char *attr);
/* One write(2) of @val to attribute @attr of @a. */
int pcidev_write(struct root *sys, const struct pci_addr *a, const char *attr, const char *val);
/* The last component of the symlink @attr of @a (virtfn0, mdev_type...). */
int pcidev_link_name(struct root *sys, const struct pci_addr *a, const char *attr, char *buf,
		     size_t size);
/* opendir(3) of the directory @attr of @a; NULL with errno set on failure. */
DIR *pcidev_opendir(struct root *sys, const struct pci_addr *a, const char *attr);
/* The driver bound to @a into @buf, "" when none is (or it cannot be read). */
void pcidev_driver(struct root *sys, const struct pci_addr *a, char *buf, size_t size);

enum rebind_step { REBIND_OVERRIDE, REBIND_UNBIND };

/*
 * Move @a to another driver the way the kernel documents it: write @override
 * to driver_override ("\n" clears it), unbind it from the driver its link
 * names then (@current is what the caller saw: a driver may have bound
 * since), write drivers_probe, then read the driver link (the truth) into
 * @after; when another driver still holds it (its probe was running), unbind
 * and probe once more.  Returns 0 once the probe was asked, or the -errno of
 * the step it could not take (*@failed says which).  A failing probe is only
 * a debug record: the kernel log says why, and @after says where the device
 * is.
 */
int pcidev_rebind(struct root *sys, const struct pci_addr *a, const char *current,
		  const char *override, char *after, size_t size, enum rebind_step *failed);

#define PCIDEV_SETTLE_QUIET_MS 1000
#define PCIDEV_SETTLE_MAX_MS 3000

/* A device's driver link, as pcidev_settle() watches it. */
struct pcidev_link {
	struct pci_addr addr;
	char driver[DRIVER_NAME_MAX]; /* "" when none */
};

/*
 * After probes, until none of the @n driver links in @links has changed for
 * PCIDEV_SETTLE_QUIET_MS, for PCIDEV_SETTLE_MAX_MS at most: a driver that
 * probes asynchronously can give a device up again well after drivers_probe
 * returned (nvme on an SR-IOV VF with no resources: its reset work unbinds
 * it ~1 s later under QEMU).  Each link starts as read after the probe and
 * ends as last read.  One wait for all the devices of a run.  Returns 0 once
 * they settled, -ETIMEDOUT when one was still changing at the limit.  Never
 * waits longer; the early run does not call it (vfio-pci and pci-stub probe
 * synchronously).
 */
int pcidev_settle(struct root *sys, struct pcidev_link *links, unsigned int n);

#endif
