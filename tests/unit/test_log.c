// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel log keeps every record.  This binary is linked with
 * -Wl,--wrap=open,--wrap=write,--wrap=close: the wrappers play /dev/kmsg as
 * the kernel does without printk.devkmsg=on (kernel/printk/printk.c,
 * devkmsg_write()): each open file may write 10 records, the next ones are
 * dropped while write() still returns their length.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "testlog.h"

#define FAKE_BURST 10
#define FDS_MAX 1024

int __real_open(const char *path, int flags, ...);
ssize_t __real_write(int fd, const void *buf, size_t len);
int __real_close(int fd);
int __wrap_open(const char *path, int flags, ...);
ssize_t __wrap_write(int fd, const void *buf, size_t len);
int __wrap_close(int fd);

static char kmsg_path[64];
static int kmsg_written[FDS_MAX]; /* per open fd of the fake kmsg; -1: not one */
static unsigned int kmsg_opens, kmsg_dropped;

int __wrap_open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;
	int fd;

	va_start(ap, flags);
	if (flags & O_CREAT)
		mode = va_arg(ap, mode_t);
	va_end(ap);
	fd = __real_open(path, flags, mode);
	if (fd >= 0 && fd < FDS_MAX && !strcmp(path, kmsg_path)) {
		kmsg_written[fd] = 0; /* a new struct devkmsg_user, a new budget */
		kmsg_opens++;
	}
	return fd;
}

ssize_t __wrap_write(int fd, const void *buf, size_t len)
{
	if (fd >= 0 && fd < FDS_MAX && kmsg_written[fd] >= 0) {
		if (kmsg_written[fd] >= FAKE_BURST) {
			kmsg_dropped++;
			return len; /* ratelimited: dropped, "written" all the same */
		}
		kmsg_written[fd]++;
	}
	return __real_write(fd, buf, len);
}

int __wrap_close(int fd)
{
	if (fd >= 0 && fd < FDS_MAX)
		kmsg_written[fd] = -1;
	return __real_close(fd);
}

static char *kmsg_text(void)
{
	static char buf[8192];
	FILE *f = fopen(kmsg_path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int setup(void **state)
{
	int fd, i;

	for (i = 0; i < FDS_MAX; i++)
		kmsg_written[i] = -1;
	kmsg_opens = kmsg_dropped = 0;
	strcpy(kmsg_path, "/tmp/gpupass-test-kmsg.XXXXXX");
	fd = mkstemp(kmsg_path);
	assert_true(fd >= 0);
	__real_close(fd);
	return testlog_setup(state);
}

static int teardown(void **state)
{
	log_close();
	unlink(kmsg_path);
	return testlog_teardown(state);
}

/* No test that cannot fail: the fake drops what the kernel drops. */
static void test_fake_drops_after_ten(void **state)
{
	int fd = open(kmsg_path, O_WRONLY | O_APPEND);
	int i;

	(void)state;
	for (i = 0; i < 12; i++)
		assert_int_equal(write(fd, "<6>x\n", 5), 5);
	close(fd);
	assert_int_equal(kmsg_dropped, 2);
	assert_int_equal(strlen(kmsg_text()), 10 * 5);
}

/* 8 GPUs and their audio functions: 16 records and the summary, 17 in all. */
static void test_a_busy_boot_keeps_every_record(void **state)
{
	char want[4096] = "";
	unsigned int i;

	(void)state;
	log_use_kmsg(kmsg_path);
	for (i = 0; i < 16; i++) {
		ERR("0000:%02x:00.%u: not bound to vfio-pci", i / 2 + 1, i % 2);
		sprintf(want + strlen(want), "<3>gpupass: 0000:%02x:00.%u: not bound to vfio-pci\n",
			i / 2 + 1, i % 2);
	}
	NOTICE("done: 0 bound, 0 already bound, 16 failed, 0 refused or with problems");
	strcat(
	    want,
	    "<5>gpupass: done: 0 bound, 0 already bound, 16 failed, 0 refused or with problems\n");
	log_close();
	assert_string_equal(kmsg_text(), want);
	assert_int_equal(kmsg_dropped, 0);
	assert_int_equal(kmsg_opens, 2);
	assert_string_equal(testlog_text(), "");
}

/* Records that are not written (debug off, muted) spend no budget. */
static void test_unwritten_records_spend_nothing(void **state)
{
	unsigned int i;

	(void)state;
	log_use_kmsg(kmsg_path);
	for (i = 0; i < 10; i++)
		DBG("not shown");
	log_mute(1);
	ERR("muted");
	log_mute(0);
	for (i = 0; i < 10; i++)
		INF("shown %u", i);
	log_close();
	assert_int_equal(kmsg_opens, 1);
	assert_int_equal(kmsg_dropped, 0);
	assert_int_equal(strlen(kmsg_text()), 10 * strlen("<6>gpupass: shown 0\n"));
}

/* A kmsg that can't be reopened: the rest goes to stderr, nothing is lost. */
static void test_reopen_failure_falls_back(void **state)
{
	unsigned int i;

	(void)state;
	log_use_kmsg(kmsg_path);
	for (i = 0; i < 10; i++)
		INF("record %u", i);
	unlink(kmsg_path);
	INF("record 10");
	INF("record 11");
	log_close();
	assert_int_equal(kmsg_opens, 1);
	assert_string_equal(testlog_text(), "gpupass: record 10\ngpupass: record 11\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fake_drops_after_ten, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_busy_boot_keeps_every_record, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unwritten_records_spend_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reopen_failure_falls_back, setup, teardown),
	};

	return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
