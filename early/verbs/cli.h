/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the verbs share: parsed options, the two roots, the config, and the
 * run report.  Each verb lives in its own verbs/VERB.c and returns an exit status
 * (0 success, 1 problems found, 2 usage error); main() maps nothing else.
 */
#ifndef GPUPASS_CLI_H
#define GPUPASS_CLI_H

#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "policy/config.h"
#include "policy/status.h"

struct opts {
	bool now, no_initramfs; /* claim, unclaim */
	const char *root, *sysfs, *config;
	const char *kver; /* check: the kernel the image is for (--kver) */
	bool early, late, dry_run, json, all;
	bool prometheus;     /* --format=prometheus (status) */
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
/* --format=NAME into @o (text, json, prometheus).  Logs and returns -EINVAL on others. */
int cli_format(struct opts *o, const char *name);
/*
 * Take the lock on ROOT/run/gpupass that the runs udev starts in parallel
 * (apply --late, apply --hotplug) share, so one writes its records at a
 * time.  Returns the locked directory to closedir() when done; NULL when it
 * could not be taken (logged at debug level: the run goes on without it).
 */
DIR *cli_lock_runs(struct ctx *x);
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
int cmd_fingerprint(struct ctx *x);
int cmd_capture(struct ctx *x);
/* apply --hotplug ADDR and udev-rules (hotplug.c). */
int cmd_apply_hotplug(struct ctx *x);
int cmd_udev_rules(struct ctx *x);
/* The later stage: apply --late [PARENT...] (apply_late.c), mdev list|start|remove (mdev.c). */
int cmd_apply_late(struct ctx *x);
int cmd_mdev(struct ctx *x);
/* claim.c, unclaim.c: persist a claim in /etc/gpupass.d; hook.c: the libvirt hook. */
int cmd_claim(struct ctx *x);
int cmd_unclaim(struct ctx *x);
int cmd_hook(struct ctx *x);
/*
 * apply.c: claim what x->c selects now, as 'apply' does (the run-time guards
 * included), without writing status.json: claim --now and the libvirt hook
 * put their own rules in x->c.  Returns the number of problems.
 */
int apply_now(struct ctx *x);
/* persist.c: rebuild the initramfs after a drop-in changed, or say how (--no-initramfs). */
int persist_rebuild(struct ctx *x);

#endif
