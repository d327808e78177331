// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"

/* A kmsg record is at most ~1 KiB; longer messages are cut, never split. */
#define LOG_LINE_MAX 1024

static FILE *log_file;
static int kmsg_fd = -1;
static int debug;
static int muted;
static unsigned errors;

void log_use_kmsg(const char *path)
{
	log_close();
	kmsg_fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY);
}

void log_use_file(FILE *f)
{
	log_close();
	log_file = f;
}

void log_set_debug(int on)
{
	debug = on;
}

int log_get_debug(void)
{
	return debug;
}

void log_mute(int on)
{
	muted = on;
}

unsigned log_error_count(void)
{
	return errors;
}

void log_close(void)
{
	if (kmsg_fd >= 0)
		close(kmsg_fd);
	kmsg_fd = -1;
}

static void log_vprintf(int prio, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	int saved_errno = errno;
	int n;

	if (prio <= LOG_ERR)
		errors++;
	if ((prio >= LOG_DEBUG && !debug) || muted)
		return;

	/* The "<prio>" prefix is only for kmsg; stderr readers get plain lines. */
	n = snprintf(line, sizeof(line), "<%d>gpupass: ", prio);
	errno = saved_errno; /* keep %m meaningful */
	vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	strcat(line, "\n");

	if (kmsg_fd >= 0 && write(kmsg_fd, line, strlen(line)) > 0)
		return;
	fputs(strchr(line, '>') + 1, log_file ? log_file : stderr);
	errno = saved_errno;
}

void log_printf(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(prio, fmt, ap);
	va_end(ap);
}

int log_printf_errno(int prio, int err, const char *fmt, ...)
{
	int saved_errno = errno;
	va_list ap;

	err = err < 0 ? err : -err;
	errno = -err;
	va_start(ap, fmt);
	log_vprintf(prio, fmt, ap);
	va_end(ap);
	errno = saved_errno;
	return err;
}
