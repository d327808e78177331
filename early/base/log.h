/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One logging module for the whole program.  Messages go to stderr, or in
 * early boot to /dev/kmsg as one "<prio>gpupass: message" record each, so
 * they land in the kernel log before any other logger runs.
 */
#ifndef GPUPASS_LOG_H
#define GPUPASS_LOG_H

#include <stdio.h>
#include <syslog.h>

#define GP_PRINTF(a, b) __attribute__((format(printf, a, b)))

/*
 * Send records to the kmsg file at @path, reopened after every 10 records so
 * that the kernel's ratelimit (10 records per open file) never drops one;
 * falls back to stderr when it can't be opened.
 */
void log_use_kmsg(const char *path);
/* Send records to @f (tests, or stderr by default). */
void log_use_file(FILE *f);
/* Show LOG_DEBUG records too. */
void log_set_debug(int on);
int log_get_debug(void);
/* While muted nothing is written (errors are still counted): for verbs that report themselves. */
void log_mute(int on);
/* Number of LOG_ERR records logged so far. */
unsigned log_error_count(void);
void log_close(void);
/*
 * Also hand every record that is written (not muted, not a hidden debug
 * record) to @fn, without the "gpupass: " prefix: for verbs that report
 * their messages as JSON.  NULL stops it.
 */
void log_set_sink(void (*fn)(int prio, const char *msg, void *arg), void *arg);

void log_printf(int prio, const char *fmt, ...) GP_PRINTF(2, 3);
/*
 * log_printf() with errno set to @err (either sign), so that "%m" says why;
 * returns -|@err|.  The "errno = -err; ERR(... %m)" pair in one call, as
 * systemd's log_error_errno().
 */
int log_printf_errno(int prio, int err, const char *fmt, ...) GP_PRINTF(3, 4);

#define ERR(...) log_printf(LOG_ERR, __VA_ARGS__)
#define WRN(...) log_printf(LOG_WARNING, __VA_ARGS__)
#define NOTICE(...) log_printf(LOG_NOTICE, __VA_ARGS__)
#define INF(...) log_printf(LOG_INFO, __VA_ARGS__)
#define DBG(...) log_printf(LOG_DEBUG, __VA_ARGS__)
#define ERR_ERRNO(err, ...) log_printf_errno(LOG_ERR, err, __VA_ARGS__)
#define WRN_ERRNO(err, ...) log_printf_errno(LOG_WARNING, err, __VA_ARGS__)

#endif
