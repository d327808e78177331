// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/path.h"
#include "policy/cmdline.h"

#define CMDLINE_MAX 4096

static bool is_off(const char *v)
{
	return !strcmp(v, "off") || !strcmp(v, "0") || !strcmp(v, "no") || !strcmp(v, "false");
}

/* Split "a,b,c" and hand each selector to @add. */
static int each_selector(struct config *c, const char *param, char *list,
			 int (*add)(struct config *, const struct selector *))
{
	char *save = NULL, *tok;
	int err = 0;

	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		struct selector s;
		const char *why;

		if (selector_parse(tok, &s, &why) < 0) {
			ERR("kernel command line: bad selector '%s' in %s=: %s, skipping it", tok,
			    param, why);
			c->errors++;
			continue;
		}
		err = add(c, &s);
		if (err < 0)
			break;
	}
	return err;
}

static int add_claim(struct config *c, const struct selector *s)
{
	struct rule *r;

	/* All gpupass.claim= selectors share one rule, the last one added. */
	r = c->nrules ? &c->rules[c->nrules - 1] : NULL;
	if (!r || r->file || r->kind != RULE_CLAIM) {
		r = config_add_rule(c, RULE_CLAIM, NULL, 0);
		if (!r) {
			ERR("kernel command line: more than %d rules, ignoring gpupass.claim=",
			    CONFIG_RULES_MAX);
			c->errors++;
			return 0;
		}
	}
	if (rule_add_selector(r, s) < 0) {
		ERR("kernel command line: too many selectors in gpupass.claim=, ignoring '%s'",
		    s->text);
		c->errors++;
	}
	return 0;
}

static int add_skip(struct config *c, const struct selector *s)
{
	struct selector *n;

	if (c->nskip >= CONFIG_SELECTORS_MAX) {
		ERR("kernel command line: more than %d selectors in gpupass.skip=, ignoring '%s'",
		    CONFIG_SELECTORS_MAX, s->text);
		c->errors++;
		return 0;
	}
	n = realloc(c->skip, (c->nskip + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	c->skip = n;
	c->skip[c->nskip++] = *s;
	return 0;
}

static int param(struct config *c, char *word)
{
	char *eq = strchr(word, '=');
	char *val = eq ? eq + 1 : NULL;
	const char *key = word;

	if (eq)
		*eq = '\0';
	if (!strncmp(key, "rd.", 3))
		key += 3;
	if (strcmp(key, "gpupass") && strncmp(key, "gpupass.", 8))
		return 0;
	if (!strcmp(key, "gpupass")) {
		if (val && is_off(val) && !c->disabled) {
			c->disabled = true;
			snprintf(c->disabled_by, sizeof(c->disabled_by), "%s=%s", word, val);
		}
	} else if (!strcmp(key, "gpupass.debug")) {
		c->debug = !val || !is_off(val);
	} else if (!strcmp(key, "gpupass.claim") && val) {
		return each_selector(c, word, val, add_claim);
	} else if (!strcmp(key, "gpupass.skip") && val) {
		return each_selector(c, word, val, add_skip);
	} else {
		WRN("kernel command line: unknown parameter '%s', ignoring it", word);
	}
	return 0;
}

int cmdline_parse(struct config *c, const char *cmdline)
{
	char buf[CMDLINE_MAX];
	char *p = buf;
	int err = 0;

	if (strlen(cmdline) >= sizeof(buf))
		return -E2BIG;
	strcpy(buf, cmdline);
	while (*p && err >= 0) {
		char *word, *out;
		bool quoted = false;

		p += strspn(p, " \t\n");
		if (!*p)
			break;
		/* The kernel's rule: double quotes group, and are dropped. */
		word = out = p;
		for (; *p && (quoted || !strchr(" \t\n", *p)); p++) {
			if (*p == '"')
				quoted = !quoted;
			else
				*out++ = *p;
		}
		if (*p)
			p++;
		*out = '\0';
		err = param(c, word);
	}
	return err;
}

int cmdline_load(struct config *c, struct root *root)
{
	char buf[CMDLINE_MAX];
	int n = root_read(root, "/proc/cmdline", buf, sizeof(buf));

	if (n == -ENOENT)
		return 0;
	if (n < 0) {
		WRN_ERRNO(n,
			  "cannot read /proc/cmdline: %m, ignoring kernel command line switches");
		return 0;
	}
	return cmdline_parse(c, buf);
}
