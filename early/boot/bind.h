/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Claim one planned device for its rule's driver (pcidev_rebind(): override,
 * unbind, probe, then the driver link says who really has it), and log the
 * outcome once.  The initramfs run and the later stage's VFs both claim here.
 */
#ifndef GPUPASS_BIND_H
#define GPUPASS_BIND_H

#include <stdbool.h>

#include "policy/plan.h"

struct root;

/*
 * Bind @a->dev to @a->rule->driver.  @driver_ok says whether the driver is
 * available; without it the override alone keeps other drivers off the
 * device.  Sets a->result and a->driver_after; returns 0 when bound, else
 * -errno.  Every outcome is logged once here.  With @settle (a device just
 * added), a bind that left the device on no driver waits for the driver link
 * to settle first (pcidev_settle(): at most PCIDEV_SETTLE_MAX_MS), since the
 * kernel may have deferred the probe.
 */
int bind_device(struct root *sys, struct action *a, bool driver_ok, bool settle);

#endif
