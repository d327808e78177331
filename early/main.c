// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gpupass: claim PCI devices (GPUs, their audio functions) for vfio-pci or
 * pci-stub before any host driver binds them.  Verbs and options only; the
 * work lives in the modules named by the includes.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"
#include "cmdline.h"
#include "config.h"
#include "devices.h"
#include "log.h"
#include "path.h"
#include "plan.h"
#include "status.h"

#ifndef VERSION
#define VERSION "0"
#endif

struct opts {
	const char *root, *sysfs, *config;
	bool early, dry_run;
};

struct ctx {
	struct opts o;
	struct root *root, *sys;
	struct config c;
	struct report r;
};

static void usage(FILE *f)
{
	fputs("Usage: gpupass [OPTIONS] VERB [ARGS]\n"
	      "Claim PCI devices for vfio-pci (or another driver) before host drivers bind them.\n"
	      "\n"
	      "Verbs:\n"
	      "  apply [--early] [--dry-run]  claim the devices the config selects\n"
	      "  plan                         print what apply would do (apply --dry-run)\n"
	      "  check [FILE]                 validate the config; exit 1 on any error\n"
	      "  modules                      print the kernel modules the config needs\n"
	      "\n"
	      "Options:\n"
	      "  --root DIR     read /etc, /proc and /run under DIR (default /)\n"
	      "  --sysfs DIR    read and write sysfs under DIR (default ROOT/sys)\n"
	      "  --config FILE  read only FILE instead of /etc/gpupass.conf and /etc/gpupass.d\n"
	      "  --early        log to /dev/kmsg and always exit 0 (initramfs hooks)\n"
	      "  --dry-run      print the plan, change nothing\n"
	      "  --debug        log debug messages too\n"
	      "  --modules      same as the modules verb\n"
	      "  -h, --help     show this help\n"
	      "  -V, --version  show the version\n"
	      "\n"
	      "Config: /etc/gpupass.conf, /etc/gpupass.d/*.conf; see gpupass.conf(5).\n",
	      f);
}

static uint64_t clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int open_roots(struct ctx *x, bool need_sys)
{
	char sys[4096];
	int err;

	err = root_open(&x->root, x->o.root);
	if (err < 0) {
		errno = -err;
		ERR("cannot open root directory %s: %m", x->o.root);
		return err;
	}
	if (!need_sys)
		return 0;
	if (x->o.sysfs)
		snprintf(sys, sizeof(sys), "%s", x->o.sysfs);
	else
		snprintf(sys, sizeof(sys), "%s/sys", strcmp(x->o.root, "/") ? x->o.root : "");
	err = root_open(&x->sys, sys);
	if (err < 0) {
		errno = -err;
		ERR("cannot open sysfs at %s: %m; nothing was changed", sys);
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

static int load_config(struct ctx *x, bool with_cmdline)
{
	char path[4096];
	uint64_t t0 = clock_us(CLOCK_MONOTONIC);
	int err;

	config_init(&x->c);
	err = config_load(&x->c, x->root, config_path(x, path, sizeof(path)));
	if (err >= 0 && with_cmdline)
		err = cmdline_load(&x->c, x->root);
	if (err < 0) {
		errno = -err;
		ERR("cannot load the config: %m");
		return err;
	}
	if (x->c.debug)
		log_set_debug(1);
	sha256_hex(&x->c.hash, x->r.config_sha256);
	x->r.config = &x->c;
	x->r.t.config_us = clock_us(CLOCK_MONOTONIC) - t0;
	return 0;
}

static bool has_claims(const struct config *c)
{
	unsigned int i;

	for (i = 0; i < c->nrules; i++)
		if (c->rules[i].kind == RULE_CLAIM)
			return true;
	return false;
}

static unsigned int count_kind(const struct plan *p, enum action_kind kind, enum bind_result result)
{
	unsigned int i, n = 0;

	for (i = 0; i < p->n; i++)
		n += p->acts[i].kind == kind && p->acts[i].result == result;
	return n;
}

static void write_status(struct ctx *x)
{
	int err;

	x->r.t.total_us = clock_us(CLOCK_MONOTONIC) - x->r.t.total_us;
	err = status_write(x->root, &x->r);
	if (err < 0) {
		errno = -err;
		WRN("cannot write %s: %m; 'gpupass status' will not know what happened at boot",
		    STATUS_PATH);
	}
}

/* Returns the number of problems (0: every selected device is where it should be). */
static int run_plan(struct ctx *x, struct plan *p)
{
	struct devices *ds = NULL;
	uint64_t t0 = clock_us(CLOCK_MONOTONIC);
	unsigned int failed;
	int err;

	err = devices_open(&ds, x->sys, x->o.early ? EXIT_SUCCESS : EXIT_FAILURE);
	if (err >= 0)
		err = plan_build(p, &x->c, ds);
	devices_close(ds);
	x->r.plan = p;
	x->r.t.enumerate_us = clock_us(CLOCK_MONOTONIC) - t0;
	if (err < 0) {
		errno = -err;
		ERR("cannot enumerate PCI devices under %s: %m; nothing was changed",
		    root_dir(x->sys));
		return 1;
	}
	if (x->o.dry_run) {
		plan_print(p, stdout);
		return p->problems + x->c.errors;
	}
	failed = apply_plan(p, x->root, x->sys, &x->r.t);
	NOTICE("done: %u bound, %u already bound, %u failed, %u refused or with problems",
	       count_kind(p, ACT_CLAIM, BIND_OK), count_kind(p, ACT_KEEP, BIND_NONE), failed,
	       p->problems);
	return failed + p->problems + x->c.errors;
}

static int cmd_apply(struct ctx *x)
{
	struct plan p = { 0 };
	int problems;

	x->r.mode = x->o.early ? "early" : "apply";
	x->r.t.boottime_ms = clock_us(CLOCK_BOOTTIME) / 1000;
	x->r.t.total_us = clock_us(CLOCK_MONOTONIC);
	if (open_roots(x, true) < 0 || load_config(x, true) < 0)
		return 1;
	if (x->c.disabled) {
		NOTICE("disabled by %s on the kernel command line; not touching any device",
		       x->c.disabled_by);
		if (!x->o.dry_run)
			write_status(x);
		return 0;
	}
	if (!has_claims(&x->c)) {
		INF("no claim rules in the config; nothing to do");
		if (x->o.dry_run)
			printf("# no claim rules\n");
		else
			write_status(x);
		return x->c.errors ? 1 : 0;
	}
	problems = run_plan(x, &p);
	if (!x->o.dry_run)
		write_status(x);
	plan_free(&p);
	return problems ? 1 : 0;
}

static int cmd_check(struct ctx *x, const char *file)
{
	unsigned int i, kinds[3] = { 0 };

	if (file)
		x->o.config = file;
	if (open_roots(x, false) < 0)
		return 1;
	if (load_config(x, false) < 0)
		return 1;
	for (i = 0; i < x->c.nrules; i++)
		kinds[x->c.rules[i].kind]++;
	printf("%s: %u claim, %u mdev, %u sriov rules, %u errors\n",
	       x->o.config ? x->o.config : "/etc/gpupass.conf (+ /etc/gpupass.d)", kinds[0],
	       kinds[1], kinds[2], x->c.errors);
	return x->c.errors ? 1 : 0;
}

static int cmd_modules(struct ctx *x)
{
	const char *seen[CONFIG_RULES_MAX + 1];
	unsigned int i, k, n = 0;

	if (open_roots(x, false) < 0)
		return 1;
	if (load_config(x, false) < 0)
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

static int parse_opts(int argc, char **argv, struct opts *o, bool *modules)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "sysfs", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ "early", no_argument, NULL, 'e' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "debug", no_argument, NULL, 'd' },
		{ "modules", no_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	/* GNU getopt permutes: options may follow the verb ("apply --early"). */
	while ((ch = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			o->root = optarg;
			break;
		case 's':
			o->sysfs = optarg;
			break;
		case 'c':
			o->config = optarg;
			break;
		case 'e':
			o->early = true;
			break;
		case 'n':
			o->dry_run = true;
			break;
		case 'd':
			log_set_debug(1);
			break;
		case 'm':
			*modules = true;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_SUCCESS);
		case 'V':
			puts("gpupass " VERSION);
			exit(EXIT_SUCCESS);
		default:
			return -EINVAL;
		}
	}
	return 0;
}

static int dispatch(struct ctx *x, int argc, char **argv, bool modules)
{
	const char *verb = optind < argc ? argv[optind++] : NULL;

	if (modules || (verb && !strcmp(verb, "modules")))
		return cmd_modules(x);
	if (!verb) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(verb, "plan")) {
		x->o.dry_run = true;
		return cmd_apply(x);
	}
	if (!strcmp(verb, "apply"))
		return cmd_apply(x);
	if (!strcmp(verb, "check"))
		return cmd_check(x, optind < argc ? argv[optind++] : NULL);
	ERR("unknown verb '%s'; see gpupass --help", verb);
	return 2;
}

int main(int argc, char **argv)
{
	struct ctx x = { .o = { .root = "/" } };
	bool modules = false;
	char kmsg[4096];
	int rc;

	if (parse_opts(argc, argv, &x.o, &modules) < 0) {
		usage(stderr);
		return 2;
	}
	if (x.o.early) {
		snprintf(kmsg, sizeof(kmsg), "%s/dev/kmsg", strcmp(x.o.root, "/") ? x.o.root : "");
		log_use_kmsg(kmsg);
	}
	rc = dispatch(&x, argc, argv, modules);
	config_free(&x.c);
	root_close(x.sys);
	root_close(x.root);
	log_close();
	if (x.o.early)
		return EXIT_SUCCESS; /* never break a boot */
	return rc;
}
