/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hand one device to a driver the way the kernel documents it: write
 * driver_override, unbind the current driver, write drivers_probe, then
 * re-read the driver link to see who really has it.
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
 * -errno.  Every outcome is logged once here.
 */
int bind_device(struct root *sys, struct action *a, bool driver_ok);

/*
 * Give @dev back to its normal driver: clear driver_override, unbind from the
 * claiming driver, probe.  Writes the driver it ends on (or "") to @after.
 * Returns 0 when some driver took it, -ENODEV when none did, or -errno
 * (logged here).
 */
int release_device(struct root *sys, const struct gp_device *dev, char *after, size_t size);

#endif
