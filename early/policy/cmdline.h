/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel command line switches, each also with dracut's "rd." prefix:
 *   gpupass=off|0|no|false   disable gpupass for this boot (rd.gpupass=0 too)
 *   gpupass.claim=SEL,...    add a claim rule with default options
 *   gpupass.skip=SEL,...     never touch devices these select
 *   gpupass.debug            log debug records
 */
#ifndef GPUPASS_CMDLINE_H
#define GPUPASS_CMDLINE_H

#include "policy/config.h"

/* Apply the switches in @cmdline to @c; bad values are logged and counted in c->errors. */
int cmdline_parse(struct config *c, const char *cmdline);

struct root;
/* Read /proc/cmdline under @root and parse it; a missing file means no switches. */
int cmdline_load(struct config *c, struct root *root);

#endif
