// SPDX-License-Identifier: GPL-2.0-or-later
/* The config grammar: config_parse_buffer() over the raw bytes, then every rule it kept as text. */
#include <errno.h>

#include "fuzz.h"
#include "policy/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	char text[2048];
	unsigned int i;
	int err;

	config_init(&c);
	/* The input itself, not a copy: its end is the end of libFuzzer's buffer, as ASan sees it. */
	err = config_parse_buffer(&c, "fuzz.conf", (const char *)data, size);
	if (err < 0 && err != -ENOMEM)
		fuzz_fail("config_parse_buffer failed, and not for want of memory");
	if (c.nrules > CONFIG_RULES_MAX)
		fuzz_fail("more rules kept than CONFIG_RULES_MAX");
	for (i = 0; i < c.nrules; i++) {
		const struct rule *r = &c.rules[i];

		if (r->kind == RULE_CLAIM && (r->nsel == 0 || r->nsel > CONFIG_SELECTORS_MAX))
			fuzz_fail("a claim rule kept with no selector or too many");
		rule_format(r, text, sizeof(text));
	}
	config_free(&c);
	return 0;
}
