// SPDX-License-Identifier: GPL-2.0-or-later
/* The kernel command line switches: cmdline_parse() over the input as a C string. */
#include <errno.h>
#include <stdlib.h>

#include "fuzz.h"
#include "policy/cmdline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = fuzz_string(data, size);
	struct config c;
	char text[2048];
	unsigned int i;
	int err;

	if (!line)
		return 0;
	config_init(&c);
	err = cmdline_parse(&c, line);
	if (err < 0 && err != -E2BIG && err != -ENOMEM)
		fuzz_fail("cmdline_parse failed with neither -E2BIG nor -ENOMEM");
	for (i = 0; i < c.nrules; i++)
		rule_format(&c.rules[i], text, sizeof(text));
	if (c.nskip > CONFIG_SELECTORS_MAX)
		fuzz_fail("more gpupass.skip= selectors kept than CONFIG_SELECTORS_MAX");
	config_free(&c);
	free(line);
	return 0;
}
