// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "late/outcome.h"

static void vformat(char *buf, size_t size, int err, const char *fmt, va_list ap)
{
	int saved_errno = errno;

	errno = err < 0 ? -err : err;
	vsnprintf(buf, size, fmt, ap);
	errno = saved_errno;
}

int outcome_reason(char *reason, size_t size, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vformat(reason, size, err, fmt, ap);
	va_end(ap);
	return err;
}

void outcome_append(char *reason, size_t size, int err, const char *fmt, ...)
{
	size_t n = strlen(reason);
	va_list ap;

	if (n && n + 2 < size) {
		strcpy(reason + n, "; ");
		n += 2;
	}
	va_start(ap, fmt);
	vformat(reason + n, size - n, err, fmt, ap);
	va_end(ap);
}
