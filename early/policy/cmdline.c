// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "base/path.h"
#include "policy/cmdline.h"

/*
 * /proc/cmdline holds up to COMMAND_LINE_SIZE bytes (2048 on x86, 4096 or
 * more elsewhere) and what bootconfig adds (up to 32 KiB); a fake root can
 * hold anything.  It is read whole up to this, and refused past it.
 */
#define CMDLINE_MAX (64 * 1024)

#define BLANKS " \t\n\r\v\f" /* the kernel's isspace() */
#define OFF_VALUES "off, 0, no or false"
#define ON_VALUES "on, 1, yes or true"

/* 0 for an off value, 1 for an on value, -1 for anything else; case does not matter. */
static int switch_value(const char *v)
{
	static const char *const off[] = { "off", "0", "no", "false" };
	static const char *const on[] = { "on", "1", "yes", "true" };
	unsigned int i;

	for (i = 0; i < sizeof(off) / sizeof(off[0]); i++) {
		if (!strcasecmp(v, off[i]))
			return 0;
		if (!strcasecmp(v, on[i]))
			return 1;
	}
	return -1;
}

/* What an add function says besides 0 and -errno: a cap is reached, the rest is left out. */
enum { RULES_FULL = 1, SELECTORS_FULL };

/* Split "a,b,c" and hand each selector to @add; a cap is reported once, for all it leaves out. */
static int each_selector(struct config *c, const char *param, char *list,
			 int (*add)(struct config *, const struct selector *))
{
	char *save = NULL, *tok;
	unsigned int rest = 0;
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
		if (err)
			break;
	}
	if (err <= 0)
		return err;
	while (strtok_r(NULL, ",", &save))
		rest++;
	if (err == RULES_FULL)
		ERR("kernel command line: more than %d rules in all, ignoring '%s' and the %u selectors after it in %s=",
		    CONFIG_RULES_MAX, tok, rest, param);
	else
		ERR("kernel command line: more than %d selectors in %s=, ignoring '%s' and the %u after it",
		    CONFIG_SELECTORS_MAX, param, tok, rest);
	c->errors++;
	return 0;
}

static int add_claim(struct config *c, const struct selector *s)
{
	struct rule *r;
	int err;

	/* All gpupass.claim= selectors share one rule, the last one added. */
	r = c->nrules ? &c->rules[c->nrules - 1] : NULL;
	if (!r || r->file || r->kind != RULE_CLAIM) {
		r = config_add_rule(c, RULE_CLAIM, NULL, 0);
		if (!r)
			return c->nrules >= CONFIG_RULES_MAX ? RULES_FULL : -ENOMEM;
	}
	err = rule_add_selector(r, s);
	return err == -E2BIG ? SELECTORS_FULL : err;
}

static int add_skip(struct config *c, const struct selector *s)
{
	struct selector *n;

	if (c->nskip >= CONFIG_SELECTORS_MAX)
		return SELECTORS_FULL;
	n = realloc(c->skip, (c->nskip + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	c->skip = n;
	c->skip[c->nskip++] = *s;
	return 0;
}

/*
 * gpupass=VALUE, the kill switch.  A value it does not know ("of", "disable")
 * turns gpupass off too: whoever typed it most likely wanted it off, and a
 * boot without the claims is the safe side of a typo.
 */
static void kill_switch(struct config *c, const char *word, const char *val)
{
	int v;

	if (!val) {
		WRN("kernel command line: '%s' without a value does nothing, ignoring it; %s=off disables gpupass for this boot",
		    word, word);
		return;
	}
	v = switch_value(val);
	if (v < 0)
		WRN("kernel command line: %s=%s: unknown value (" OFF_VALUES
		    " disable gpupass; " ON_VALUES
		    " keep it on), disabling gpupass for this boot to be safe",
		    word, val);
	if (v <= 0 && !c->disabled) {
		c->disabled = true;
		snprintf(c->disabled_by, sizeof(c->disabled_by), "%s=%s", word, val);
	}
}

static void debug_switch(struct config *c, const char *word, const char *val)
{
	int v = val ? switch_value(val) : 1;

	if (v < 0) {
		WRN("kernel command line: %s=%s: unknown value (none, " ON_VALUES
		    " show debug records; " OFF_VALUES " hide them), ignoring it",
		    word, val);
		return;
	}
	c->debug = v;
}

static int selector_list(struct config *c, const char *word, char *val,
			 int (*add)(struct config *, const struct selector *))
{
	if (!val || !val[strspn(val, ",")]) {
		WRN("kernel command line: %s%s names no selector, ignoring it; write %s=SEL[,SEL...]",
		    word, val ? "=" : "", word);
		return 0;
	}
	return each_selector(c, word, val, add);
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
	if (!strcmp(key, "gpupass"))
		kill_switch(c, word, val);
	else if (!strcmp(key, "gpupass.debug"))
		debug_switch(c, word, val);
	else if (!strcmp(key, "gpupass.claim"))
		return selector_list(c, word, val, add_claim);
	else if (!strcmp(key, "gpupass.skip"))
		return selector_list(c, word, val, add_skip);
	else
		WRN("kernel command line: unknown parameter '%s', ignoring it (gpupass knows gpupass=, gpupass.claim=, gpupass.skip= and gpupass.debug)",
		    word);
	return 0;
}

/*
 * Words are split at blanks outside double quotes, and every double quote is
 * dropped: "gpupass.claim=\"1002:6608\"" is gpupass.claim=1002:6608.  The
 * kernel drops only the quotes around a word or a value; the two agree on
 * every value gpupass takes, none of which holds a quote.
 */
int cmdline_parse(struct config *c, const char *cmdline)
{
	char *buf = strdup(cmdline);
	char *p = buf;
	int err = 0;

	if (!buf)
		return -ENOMEM;
	while (*p && err >= 0) {
		char *word, *out;
		bool quoted = false;

		p += strspn(p, BLANKS);
		if (!*p)
			break;
		word = out = p;
		for (; *p && (quoted || !strchr(BLANKS, *p)); p++) {
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
	free(buf);
	return err;
}

int cmdline_load(struct config *c, struct root *root)
{
	char *buf = NULL;
	size_t len = 0, i;
	int err = root_read_all(root, "/proc/cmdline", CMDLINE_MAX, &buf, &len);

	if (err == -ENOENT)
		return 0;
	if (err == -EFBIG) {
		WRN("/proc/cmdline: larger than %d bytes, ignoring the whole kernel command line: a gpupass=off, gpupass.claim= or gpupass.skip= there is not seen",
		    CMDLINE_MAX);
		return 0;
	}
	if (err < 0) {
		WRN("/proc/cmdline: cannot read: %s, ignoring the kernel command line: a gpupass=off, gpupass.claim= or gpupass.skip= there is not seen",
		    root_strerror(err));
		return 0;
	}
	for (i = 0; i < len; i++)
		if (buf[i] == '\0')
			buf[i] = ' '; /* a NUL never hides the words after it */
	err = cmdline_parse(c, buf);
	free(buf);
	return err;
}
