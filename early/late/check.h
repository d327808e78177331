/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * For 'gpupass check': what keeps the config's mdev and sriov rules from
 * working on this system (parent missing, GVT-g off in i915, kvmgt not
 * loaded, no such mdev type, too few VFs), found with the same dry runs
 * apply --late makes before it writes anything.
 */
#ifndef GPUPASS_LATE_CHECK_H
#define GPUPASS_LATE_CHECK_H

#include "policy/config.h"

struct root;

/*
 * Log each problem of @c's mdev and sriov rules as a warning with the fix.
 * Only reads @sys.  Returns the number of problems, or -EINVAL without sysfs.
 */
int late_check(const struct config *c, struct root *sys);

#endif
