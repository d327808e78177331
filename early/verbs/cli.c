// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "base/log.h"
#include "base/path.h"
#include "pci/selector.h"
#include "policy/cmdline.h"
#include "verbs/cli.h"

uint64_t clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int cli_format(struct opts *o, const char *name)
{
	if (!strcmp(name, "json"))
		o->json = true;
	else if (!strcmp(name, "prometheus"))
		o->prometheus = true;
	else if (strcmp(name, "text")) {
		ERR("unknown --format '%s': text, json or prometheus", name);
		return -EINVAL;
	}
	return 0;
}

int cli_open_roots(struct ctx *x, bool need_sys)
{
	char sys[4096];
	int err;

	err = x->root ? 0 : root_open(&x->root, x->o.root);
	if (err < 0) {
		ERR_ERRNO(err, "cannot open root directory %s: %m", x->o.root);
		return err;
	}
	if (!need_sys || x->sys)
		return 0;
	if (x->o.sysfs)
		snprintf(sys, sizeof(sys), "%s", x->o.sysfs);
	else
		snprintf(sys, sizeof(sys), "%s/sys", strcmp(x->o.root, "/") ? x->o.root : "");
	err = root_open(&x->sys, sys);
	if (err < 0) {
		ERR_ERRNO(err, "cannot open sysfs at %s: %m; nothing was changed", sys);
	}
	return err;
}

/* A relative --config or check FILE means the caller's directory, as with any tool. */
static const char *config_path(struct ctx *x, char *buf, size_t size)
{
	const char *f = x->o.config;

	if (!f || f[0] == '/' || strcmp(x->o.root, "/") || !getcwd(buf, size))
		return f;
	if (strlen(buf) + strlen(f) + 2 > size)
		return f;
	strcat(strcat(buf, "/"), f);
	return buf;
}

int cli_load_config(struct ctx *x, bool with_cmdline)
{
	char path[4096];
	uint64_t t0 = clock_us(CLOCK_MONOTONIC);
	int err;

	config_init(&x->c);
	err = config_load(&x->c, x->root, config_path(x, path, sizeof(path)));
	if (err >= 0 && with_cmdline)
		err = cmdline_load(&x->c, x->root);
	if (err < 0) {
		ERR_ERRNO(err, "cannot load the config: %m");
		return err;
	}
	config_validate(&x->c);
	if (x->c.debug)
		log_set_debug(1);
	config_fingerprint(&x->c, x->r.config_sha256);
	x->r.config = &x->c;
	x->r.t.config_us = clock_us(CLOCK_MONOTONIC) - t0;
	return 0;
}

int cli_selectors(struct ctx *x, struct selector **out, unsigned int *n)
{
	struct selector *v = calloc(x->argc ? x->argc : 1, sizeof(*v));
	const char *why;
	int i;

	if (!v)
		return -ENOMEM;
	for (i = 0; i < x->argc; i++) {
		if (selector_parse(x->argv[i], &v[i], &why) < 0) {
			ERR("bad selector '%s': %s", x->argv[i], why);
			free(v);
			return -EINVAL;
		}
	}
	*out = v;
	*n = x->argc;
	return 0;
}

DIR *cli_lock_runs(struct ctx *x)
{
	DIR *d = NULL;

	if (root_mkdirs(x->root, "/run/gpupass") >= 0)
		d = root_opendir(x->root, "/run/gpupass");
	if (!d || flock(dirfd(d), LOCK_EX) < 0)
		DBG("cannot lock /run/gpupass: %m; going on without the lock");
	return d;
}
