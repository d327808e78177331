// SPDX-License-Identifier: GPL-2.0-or-later
/* modules: the kernel modules the config needs, one per line (for the hooks). */
#include <stdio.h>
#include <string.h>

#include "policy/config.h"
#include "verbs/cli.h"

int cmd_modules(struct ctx *x)
{
	const char *seen[CONFIG_RULES_MAX + 1];
	unsigned int i, k, n = 0;

	if (cli_open_roots(x, false) < 0)
		return 1;
	if (cli_load_config(x, false) < 0)
		return 1;
	seen[n++] = DEFAULT_DRIVER;
	for (i = 0; i < x->c.nrules; i++) {
		for (k = 0; k < n && strcmp(seen[k], x->c.rules[i].driver); k++)
			;
		if (k == n && x->c.rules[i].kind != RULE_MDEV)
			seen[n++] = x->c.rules[i].driver;
	}
	for (k = 0; k < n; k++)
		puts(seen[k]);
	return 0;
}
