/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel command line switches, each also with dracut's "rd." prefix:
 *   gpupass=off|0|no|false   disable gpupass for this boot (rd.gpupass=0 too);
 *                            any case; on|1|yes|true keep it on, and any other
 *                            value disables it too, with a warning
 *   gpupass.claim=SEL,...    add a claim rule with default options
 *   gpupass.skip=SEL,...     never touch devices these select
 *   gpupass.debug[=on|off]   log debug records
 * A switch without its value, an empty selector list, an unknown gpupass.*
 * parameter or value is warned about and ignored.
 */
#ifndef GPUPASS_CMDLINE_H
#define GPUPASS_CMDLINE_H

#include "policy/config.h"

/* Apply the switches in @cmdline to @c; bad values are logged and counted in c->errors. */
int cmdline_parse(struct config *c, const char *cmdline);

struct root;
/*
 * Read /proc/cmdline under @root, whole (up to 64 KiB: larger, it is ignored
 * with a warning), and parse it; a missing file means no switches.
 */
int cmdline_load(struct config *c, struct root *root);

#endif
