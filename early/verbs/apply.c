// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * apply and plan: build the plan, carry it out, write the record (status.json
 * at boot, apply.json at run time: status.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/log.h"
#include "base/path.h"
#include "pci/devices.h"
#include "policy/inuse.h"
#include "policy/plan.h"
#include "policy/storage.h"
#include "policy/udevrules.h"
#include "boot/apply.h"
#include "verbs/cli.h"
#include "verbs/messages.h"
#include "verbs/planjson.h"

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

/* The hotplug rule follows the config: every apply rewrites it (policy/udevrules.h). */
static void write_rules(struct ctx *x, const struct plan *p)
{
	int err = udevrules_write(x->root, &x->c, p);

	if (err < 0)
		WRN("cannot write %s: %s; a claimed device added again will not be claimed again",
		    UDEVRULES_PATH, root_strerror(err));
}

static void write_status(struct ctx *x)
{
	int err;

	x->r.t.total_us = clock_us(CLOCK_MONOTONIC) - x->r.t.total_us;
	err = status_write(x->root, &x->r);
	if (err < 0) {
		WRN("cannot write %s: %s; 'gpupass status' will not know what %s",
		    status_path(&x->r), root_strerror(err),
		    x->o.early ? "happened at boot" : "this run did");
	}
}

/* At run time a device something uses (policy/inuse.h) is refused, unless --force. */
static void guard_in_use(struct ctx *x, struct plan *p)
{
	char why[INUSE_WHY_MAX];
	unsigned int i;

	for (i = 0; i < p->n; i++) {
		struct action *a = &p->acts[i];

		if (a->kind != ACT_CLAIM || !*a->dev.driver || driver_vfio_safe(a->dev.driver) ||
		    inuse_check(x->sys, x->root, &a->dev.addr, why, sizeof(why)) <= 0)
			continue;
		a->kind = ACT_REFUSE;
		snprintf(a->reason, sizeof(a->reason), "in use: %.*s", (int)sizeof(a->reason) - 9,
			 why);
		p->problems++;
		ERR("%s [%04x:%04x]: in use, not taking it from %s: %s; stop what holds it, or use --force",
		    a->dev.name, a->dev.vendor, a->dev.device, a->dev.driver, why);
	}
}

/* Returns the number of problems (0: every selected device is where it should be). */
static int run_plan(struct ctx *x, struct plan *p)
{
	struct storage st;
	struct devices *ds = NULL;
	uint64_t t0 = clock_us(CLOCK_MONOTONIC);
	unsigned int failed;
	int err;

	/* Never the disks the host runs from: in early boot nothing is mounted
	 * yet, so the list the hooks baked into the image says which they are. */
	if (x->o.early)
		storage_boot(x->root, x->sys, &st);
	else
		storage_protected(x->root, x->sys, &st);
	storage_to_plan(&st, p);
	p->root = x->root; /* for the IOMMU message */
	p->sys = x->sys;
	err = devices_open(&ds, x->sys);
	if (err >= 0)
		err = plan_build(p, &x->c, ds);
	devices_close(ds);
	x->r.plan = p;
	x->r.t.enumerate_us = clock_us(CLOCK_MONOTONIC) - t0;
	if (err < 0) {
		ERR_ERRNO(err, "cannot enumerate PCI devices under %s: %m; nothing was changed",
			  root_dir(x->sys));
		return 1;
	}
	if (!x->o.early && !x->o.hotplug && !x->o.force)
		guard_in_use(x, p);
	if (x->o.dry_run) {
		if (x->o.json)
			planjson_print(stdout, &x->c, p);
		else
			plan_print(p, stdout);
		return p->problems + x->c.errors;
	}
	failed = apply_plan(p, x->root, x->sys, &x->r.t);
	NOTICE("done: %u bound, %u already bound, %u failed, %u refused or with problems",
	       count_kind(p, ACT_CLAIM, BIND_OK), count_kind(p, ACT_KEEP, BIND_NONE), failed,
	       p->problems);
	return failed + p->problems + x->c.errors;
}

int cmd_apply(struct ctx *x)
{
	struct plan p = { 0 };
	int problems;

	if (x->o.late)
		return cmd_apply_late(x);
	if (x->o.hotplug)
		return cmd_apply_hotplug(x);
	x->r.mode = x->o.early ? "early" : "apply";
	x->r.t.boottime_ms = clock_us(CLOCK_BOOTTIME) / 1000;
	x->r.t.total_us = clock_us(CLOCK_MONOTONIC);
	if (x->o.dry_run && x->o.json)
		messages_collect(); /* plan --json reports them */
	if (cli_open_roots(x, true) < 0 || cli_load_config(x, true) < 0)
		return 1;
	if (x->c.disabled) {
		NOTICE("disabled by %s on the kernel command line; not touching any device",
		       x->c.disabled_by);
		if (!x->o.dry_run)
			write_status(x), write_rules(x, NULL);
		else if (x->o.json)
			planjson_print(stdout, &x->c, NULL);
		return 0;
	}
	if (!has_claims(&x->c)) {
		INF("no claim rules in the config; nothing to do");
		if (x->o.dry_run && x->o.json)
			planjson_print(stdout, &x->c, NULL);
		else if (x->o.dry_run)
			printf("# no claim rules\n");
		else
			write_status(x), write_rules(x, NULL);
		return x->c.errors ? 1 : 0;
	}
	problems = run_plan(x, &p);
	if (!x->o.dry_run)
		write_status(x), write_rules(x, &p);
	plan_free(&p);
	return problems ? 1 : 0;
}

int cmd_plan(struct ctx *x)
{
	x->o.dry_run = true;
	return cmd_apply(x);
}

int apply_now(struct ctx *x)
{
	struct plan p = { 0 };
	int problems = run_plan(x, &p);

	if (!x->o.dry_run)
		write_rules(x, &p); /* the device claimed now comes back claimed */
	plan_free(&p);
	x->r.plan = NULL;
	return problems;
}
