/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hotplug rule: a claimed device that goes away and comes back (remove
 * and rescan, a hot-plug slot, a link reset) returns without its
 * driver_override, and the kernel probes the host drivers right after the
 * ADD uevent, before udev runs anything.  So a udev rule runs the whole
 * claim again ("gpupass apply --hotplug %k": override, unbind whoever won,
 * probe, verify).
 *
 * The rule is generated from the config, so that coldplug forks gpupass
 * only for the devices the config selects: one match line per claim
 * selector (KERNEL globs for addresses, ATTR{vendor}, {device} and {class}
 * for IDs) and one per device the plan claims now (companions that
 * with=functions or with=group added).  Every "gpupass apply" (the early
 * run in the initramfs, before udev starts, and every run-time apply)
 * rewrites it; /run survives the switch to the real root.
 */
#ifndef GPUPASS_UDEVRULES_H
#define GPUPASS_UDEVRULES_H

#include <stdio.h>

#include "policy/config.h"
#include "policy/plan.h"

#define UDEVRULES_PATH "/run/udev/rules.d/70-gpupass-claim.rules"
#ifndef GPUPASS_BIN
#define GPUPASS_BIN "/usr/sbin/gpupass"
#endif

/* The rules for @c's claim rules and @p's devices (@p may be NULL), to @f. */
void udevrules_print(const struct config *c, const struct plan *p, FILE *f);

struct root;
/* udevrules_print() into UDEVRULES_PATH under @root, atomically.  Returns 0 or -errno. */
int udevrules_write(struct root *root, const struct config *c, const struct plan *p);

#endif
