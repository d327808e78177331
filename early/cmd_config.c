// SPDX-License-Identifier: GPL-2.0-or-later
/* check and modules: verbs that read only the config. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "log.h"

int cmd_check(struct ctx *x)
{
	unsigned int i, kinds[3] = { 0 };

	if (x->argc > 0)
		x->o.config = x->argv[0];
	if (cli_open_roots(x, false) < 0)
		return 1;
	if (cli_load_config(x, false) < 0)
		return 1;
	for (i = 0; i < x->c.nrules; i++)
		kinds[x->c.rules[i].kind]++;
	printf("%s: %u claim, %u mdev, %u sriov rules, %u errors\n",
	       x->o.config ? x->o.config : "/etc/gpupass.conf (+ /etc/gpupass.d)", kinds[0],
	       kinds[1], kinds[2], x->c.errors);
	return x->c.errors ? 1 : 0;
}

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
