/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hand one device to a driver the way the kernel documents it: write
 * driver_override, unbind the current driver, write drivers_probe, then
 * re-read the driver link to see who really has it.
 */
#ifndef GPUPASS_BIND_H
#define GPUPASS_BIND_H

#include <stdbool.h>

#include "plan.h"

struct root;

/*
 * Bind @a->dev to @a->rule->driver.  @driver_ok says whether the driver is
 * available; without it the override alone keeps other drivers off the
 * device.  Sets a->result and a->driver_after; returns 0 when bound, else
 * -errno.  Every outcome is logged once here.
 */
int bind_device(struct root *sys, struct action *a, bool driver_ok);

#endif
