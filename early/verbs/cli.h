/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the verbs share: parsed options, the two roots, the config, and the
 * run report.  Each verb lives in its own verbs/VERB.c and returns an exit status
 * (0 success, 1 problems found, 2 usage error); main() maps nothing else.
 */
#ifndef GPUPASS_CLI_H
#define GPUPASS_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "policy/config.h"
#include "policy/status.h"

struct opts {
	const char *root, *sysfs, *config;
	bool early, late, dry_run, json, all;
	bool force, hotplug; /* in-use guard off; apply --hotplug ADDR (udev) */
};

struct ctx {
	struct opts o;
	struct root *root, *sys;
	struct config c;
	struct report r;
	int argc; /* the verb's own arguments */
	char **argv;
};

uint64_t clock_us(clockid_t id);
/* Open ROOT, and sysfs when @need_sys.  Logs and returns -errno on failure. */
int cli_open_roots(struct ctx *x, bool need_sys);
/* Load the config (and the kernel command line when @with_cmdline).  Logs failures. */
int cli_load_config(struct ctx *x, bool with_cmdline);

struct selector;
/* Parse the verb's arguments as selectors into a malloc'ed array.  Logs bad ones. */
int cli_selectors(struct ctx *x, struct selector **out, unsigned int *n);

int cmd_apply(struct ctx *x);
int cmd_plan(struct ctx *x);
int cmd_check(struct ctx *x);
int cmd_modules(struct ctx *x);
int cmd_status(struct ctx *x);
int cmd_list(struct ctx *x);
int cmd_release(struct ctx *x);
int cmd_xml(struct ctx *x);
int cmd_protected(struct ctx *x);
/* apply --hotplug ADDR and udev-rules (hotplug.c). */
int cmd_apply_hotplug(struct ctx *x);
int cmd_udev_rules(struct ctx *x);
/* The later stage: apply --late [PARENT...] (apply_late.c), mdev list|start|remove (mdev.c). */
int cmd_apply_late(struct ctx *x);
int cmd_mdev(struct ctx *x);

#endif
