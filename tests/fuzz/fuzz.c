// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "fuzz.h"

/*
 * The log still formats every message into /dev/null rather than being muted:
 * a message built from fuzzed text (a "%s" of an unterminated buffer) is
 * checked too, and libFuzzer's own output stays readable.  FUZZ_LOG=1 keeps
 * the log on stderr, to read what a reproducer does.
 */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	FILE *null;

	(void)argc;
	(void)argv;
	if (getenv("FUZZ_LOG"))
		return 0;
	null = fopen("/dev/null", "w");
	if (null)
		log_use_file(null);
	else
		log_mute(1);
	return 0;
}

char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

void fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz: %s\n", what);
	abort();
}
