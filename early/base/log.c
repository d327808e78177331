// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"

/* A kmsg record is at most ~1 KiB; longer messages are cut, never split. */
#define LOG_LINE_MAX 1024
/*
 * Unless booted with printk.devkmsg=on, the kernel lets each open file of
 * /dev/kmsg write 10 records per 5 s (DEFAULT_RATELIMIT_BURST, kept per
 * struct devkmsg_user) and drops the rest while write() still succeeds.  A
 * fresh open starts a fresh budget: reopen after every KMSG_BURST records so
 * that no record of a boot is lost, however many devices it reports on.
 */
#define KMSG_BURST 10

static FILE *log_file;
static char *kmsg_path;
static int kmsg_fd = -1;
static unsigned int kmsg_records; /* written through kmsg_fd */
static int debug;
static int muted;
static unsigned errors;
static void (*sink)(int prio, const char *msg, void *arg);
static void *sink_arg;

static int kmsg_open(void)
{
	kmsg_records = 0;
	return open(kmsg_path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY);
}

void log_use_kmsg(const char *path)
{
	log_close();
	kmsg_path = strdup(path);
	if (kmsg_path)
		kmsg_fd = kmsg_open();
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

void log_set_sink(void (*fn)(int prio, const char *msg, void *arg), void *arg)
{
	sink = fn;
	sink_arg = arg;
}

void log_close(void)
{
	if (kmsg_fd >= 0)
		close(kmsg_fd);
	kmsg_fd = -1;
	free(kmsg_path);
	kmsg_path = NULL;
}

/* One record to kmsg, on a new open file once this one's budget is spent; 0 or -1. */
static int kmsg_write(const char *line, size_t len)
{
	if (kmsg_fd >= 0 && kmsg_records >= KMSG_BURST) {
		close(kmsg_fd);
		kmsg_fd = kmsg_open(); /* on failure, stderr from now on */
	}
	if (kmsg_fd < 0 || write(kmsg_fd, line, len) <= 0)
		return -1;
	kmsg_records++;
	return 0;
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
	if (sink)
		sink(prio, line + n, sink_arg);
	strcat(line, "\n");

	if (kmsg_write(line, strlen(line)) == 0)
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
