/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capture what the log module prints, so tests can assert the exact messages. */
#ifndef GPUPASS_TESTLOG_H
#define GPUPASS_TESTLOG_H

#include <stdio.h>
#include <stdlib.h>

#include "base/log.h"

static char *testlog_buf;
static size_t testlog_len;
static FILE *testlog_file;

static inline void testlog_start(void)
{
	if (testlog_file)
		fclose(testlog_file);
	free(testlog_buf);
	testlog_buf = NULL;
	testlog_file = open_memstream(&testlog_buf, &testlog_len);
	log_use_file(testlog_file);
}

/* Everything logged since testlog_start(); valid until the next start. */
static inline const char *testlog_text(void)
{
	fflush(testlog_file);
	return testlog_buf ? testlog_buf : "";
}

static inline int testlog_setup(void **state)
{
	(void)state;
	testlog_start();
	return 0;
}

static inline int testlog_teardown(void **state)
{
	(void)state;
	log_use_file(stderr);
	fclose(testlog_file);
	testlog_file = NULL;
	free(testlog_buf);
	testlog_buf = NULL;
	return 0;
}

#endif
