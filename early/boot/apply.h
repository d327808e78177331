/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Carry out a plan: load the drivers it needs, then bind each claimed device. */
#ifndef GPUPASS_APPLY_H
#define GPUPASS_APPLY_H

#include "policy/plan.h"
#include "policy/status.h"

struct root;

/*
 * One device failing never stops the others.  Fills @t->modules_us and
 * @t->bind_us.  Returns the number of devices that did not end on their
 * driver (0 when all did).
 */
unsigned int apply_plan(struct plan *p, struct root *root, struct root *sys, struct timings *t);

#endif
