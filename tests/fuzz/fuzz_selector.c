// SPDX-License-Identifier: GPL-2.0-or-later
/* Device selectors: selector_parse() over the input as a C string. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "pci/selector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	const char *why = NULL;
	struct selector s;
	struct pci_addr a;

	if (!text)
		return 0;
	if (selector_parse(text, &s, &why) < 0) {
		if (!why || !*why)
			fuzz_fail("selector refused without saying why");
	} else {
		/* Messages and rule_format() quote s.text: it must be what was parsed. */
		if (strcmp(s.text, text))
			fuzz_fail("selector text differs from its input");
		selector_exact_addr(&s, &a);
	}
	free(text);
	return 0;
}
