/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The outcome of one later-stage rule (an mdev, a PF's VFs): a result and the
 * reason behind it, which the caller logs once and late.json keeps.
 */
#ifndef GPUPASS_OUTCOME_H
#define GPUPASS_OUTCOME_H

#include <stddef.h>

#include "base/log.h"

#define OUTCOME_REASON_MAX 256

/*
 * Format the reason into @reason with errno set to -@err, so that "%m" says
 * why; returns @err.  Use it through OUTCOME().
 */
int outcome_reason(char *reason, size_t size, int err, const char *fmt, ...) GP_PRINTF(4, 5);
/* Append "; " and the formatted text to @reason (errno set to -@err as above). */
void outcome_append(char *reason, size_t size, int err, const char *fmt, ...) GP_PRINTF(4, 5);

/* Set @o->result to @res and @o->reason from the format; evaluates to @err. */
#define OUTCOME(o, res, err, ...)                                                                  \
	((o)->result = (res), outcome_reason((o)->reason, sizeof((o)->reason), (err), __VA_ARGS__))

#endif
