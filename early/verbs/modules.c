// SPDX-License-Identifier: GPL-2.0-or-later
/* modules: the kernel modules the config needs, one per line (for the hooks), or JSON. */
#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "policy/config.h"
#include "verbs/cli.h"

static void print_json(const char *const *mods, unsigned int n)
{
	struct json j;
	unsigned int k;

	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_int(&j, "format", 1);
	json_array_begin(&j, "modules");
	for (k = 0; k < n; k++)
		json_string(&j, NULL, mods[k]);
	json_array_end(&j);
	json_object_end(&j);
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
	if (x->o.json) {
		print_json(seen, n);
		return 0;
	}
	for (k = 0; k < n; k++)
		puts(seen[k]);
	return 0;
}
