/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Mediated devices (Intel GVT-g virtual GPUs and the like), the way the
 * kernel documents them (Documentation/driver-api/vfio-mediated-device.rst):
 * a registered parent lists its types under mdev_supported_types/TYPE/;
 * writing a UUID to TYPE/create makes /sys/bus/mdev/devices/UUID, and
 * writing 1 to that device's remove destroys it.
 *
 * Paths are built only from a struct pci_addr, a type name the config
 * parser validated and a UUID checked by mdev_uuid_valid().  Nothing here
 * logs above debug: callers log each outcome once.
 */
#ifndef GPUPASS_MDEV_H
#define GPUPASS_MDEV_H

#include <stdbool.h>
#include <stddef.h>

#include "pci/pciaddr.h"
#include "policy/config.h"
#include "late/outcome.h"

struct root;

enum mdev_result {
	MDEV_CREATED,
	MDEV_EXISTS,
	MDEV_FAILED,
	MDEV_SKIPPED, /* the parent is not there or not registered yet */
	MDEV_PENDING, /* @dry: it would be created now */
};

struct mdev_outcome {
	enum mdev_result result;
	char reason[OUTCOME_REASON_MAX];
};

/* "created", "exists", "failed", "skipped" (pending ones are not created: "skipped"). */
const char *mdev_result_name(enum mdev_result r);

/*
 * Bring the mdev of @r (a RULE_MDEV rule) into existence unless it is there:
 * the parent must offer r->mdev_type with available_instances > 0, and after
 * r->uuid is written to the type's create file /sys/bus/mdev/devices/UUID
 * must exist.  An existing mdev with that UUID on another parent or of
 * another type is a failure.  With @dry nothing is written and an mdev to
 * make is MDEV_PENDING.  Fills @o; returns 0 when the mdev exists (or is
 * pending), else -errno.
 */
int mdev_apply(struct root *sys, const struct rule *r, bool dry, struct mdev_outcome *o);

/* True when /sys/bus/mdev/devices/@uuid exists. */
bool mdev_exists(struct root *sys, const char *uuid);

/*
 * Where mdev @uuid is: its parent (tried first at @hint when not NULL, then
 * among the registered parents of /sys/class/mdev_bus) and its type name.
 * Returns 0, -ENOENT when no mdev has that UUID, -ESRCH when its parent is
 * not a PCI device, or -errno.
 */
int mdev_locate(struct root *sys, const char *uuid, const struct pci_addr *hint,
		struct pci_addr *parent, char *type, size_t size);

/*
 * Destroy mdev @uuid: write 1 to its remove attribute, then check that it is
 * gone.  Returns 0, -ENOENT when there is no such mdev, -EEXIST when it is
 * still there afterwards, or the write's -errno (-EBUSY: a VM holds it).
 */
int mdev_remove(struct root *sys, const char *uuid);

/* The registered parents that are PCI functions (/sys/class/mdev_bus), sorted, at most @max. */
int mdev_parents(struct root *sys, struct pci_addr *out, int max);

/*
 * Call @cb for each mdev on the system (/sys/bus/mdev/devices) with its UUID
 * lower-cased; a negative return stops the walk.  Returns 0 or -errno.
 */
typedef int (*mdev_cb)(const char *uuid, void *data);
int mdev_foreach(struct root *sys, mdev_cb cb, void *data);

/*
 * Call @cb for each type @parent offers, in name order, with its
 * available_instances (-1 when unreadable).  Returns 0 or -errno.
 */
typedef void (*mdev_type_cb)(const char *type, long available, void *data);
int mdev_types_foreach(struct root *sys, const struct pci_addr *parent, mdev_type_cb cb,
		       void *data);

#endif
