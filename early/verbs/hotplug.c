// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * apply --hotplug ADDR: the generated udev rule (policy/udevrules.h) runs it
 * at every ADD of a device the config selects.  The host driver may have
 * bound the device already (the kernel probes before udev), so this is the
 * boot's whole claim (boot/bind.c), with the boot's guards: the boot display,
 * and the storage list the image was built with while in the initramfs (the
 * live mounts after the switch to the real root).  It acts on ADDR and the
 * companions its rule adds; nothing else is touched.  Logs to the kernel log,
 * always exits 0, and records what it did in /run/gpupass/hotplug/ADDR.json.
 * udev runs it in parallel for the functions of one card: the runs take
 * turns on /run/gpupass, as the later stage's do.
 *
 * A replayed ADD (udevadm trigger at coldplug, in the initramfs and again
 * after the switch to the real root: a synthetic uevent, which the kernel
 * marks with SYNTH_UUID, and udev passes its properties to RUN programs)
 * of a device the plan refuses or skips says nothing new: the boot run
 * judged and logged that device already, so the replay is neither logged
 * nor recorded (before, the boot display's refusal was an error in the
 * kernel log at every boot).  A replay that finds a selected device on a
 * host driver still claims it, as any ADD does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>

#include "base/log.h"
#include "base/path.h"
#include "pci/devices.h"
#include "policy/plan.h"
#include "policy/status.h"
#include "policy/storage.h"
#include "policy/udevrules.h"
#include "boot/apply.h"
#include "verbs/cli.h"

/* The image's storage list in the initramfs; the mounts once they exist. */
static void storage_now(struct ctx *x, struct storage *st)
{
	if (root_exists(x->root, STORAGE_BAKED) == 1)
		storage_boot(x->root, x->sys, st);
	else
		storage_protected(x->root, x->sys, st);
}

static bool same_card(const struct action *a, const struct action *b)
{
	if (a->rule->with == WITH_GROUP)
		return a->dev.group >= 0 && a->dev.group == b->dev.group;
	return a->dev.addr.domain == b->dev.addr.domain && a->dev.addr.bus == b->dev.addr.bus &&
	       a->dev.addr.dev == b->dev.addr.dev;
}

/* Keep @a's action, and the companions its rule added when it is the one selected. */
static int narrow(struct plan *p, const struct action *a)
{
	struct action *keep = malloc(p->n * sizeof(*keep));
	unsigned int i, n = 1;

	if (!keep)
		return -ENOMEM;
	keep[0] = *a;
	for (i = 0; i < p->n; i++) {
		const struct action *c = &p->acts[i];

		if (c != a && !a->companion && c->companion && c->rule == a->rule &&
		    same_card(a, c))
			keep[n++] = *c;
	}
	memcpy(p->acts, keep, n * sizeof(*keep));
	free(keep);
	p->n = n;
	return 0;
}

static void print_report(const void *r, FILE *f)
{
	status_print(r, f);
}

static void record(struct ctx *x, const struct action *a)
{
	char path[sizeof(HOTPLUG_DIR) + PCI_ADDR_LEN + 8];
	int err;

	snprintf(path, sizeof(path), "%s/%s.json", HOTPLUG_DIR, a->dev.name);
	x->r.t.total_us = clock_us(CLOCK_MONOTONIC) - x->r.t.total_us;
	err = root_mkdirs(x->root, HOTPLUG_DIR);
	if (err >= 0)
		err = status_write_json(x->root, path, print_report, &x->r);
	if (err < 0)
		WRN("cannot write %s: %s; 'gpupass status' will not show this hotplug claim", path,
		    root_strerror(err));
}

/* Log what the plan says of @a, as the boot's plan_build() logs it. */
static void tell(const struct action *a)
{
	if (a->kind == ACT_REFUSE)
		ERR("%s [%04x:%04x]: added again, not claimed: %s", a->dev.name, a->dev.vendor,
		    a->dev.device, a->reason);
	else if (a->kind == ACT_SKIP)
		INF("%s [%04x:%04x]: added again, skipped: %s", a->dev.name, a->dev.vendor,
		    a->dev.device, a->reason);
}

static int run(struct ctx *x, const struct pci_addr *addr, bool replay, struct plan *p)
{
	struct devices *ds = NULL;
	struct storage st;
	struct action *a;
	unsigned int i;
	int err;

	log_mute(1); /* the rest of the plan is the boot's business, logged then */
	storage_now(x, &st);
	storage_to_plan(&st, p);
	err = devices_open(&ds, x->sys);
	if (err >= 0)
		err = plan_build(p, &x->c, ds);
	devices_close(ds);
	log_mute(0);
	if (err < 0)
		return ERR_ERRNO(err, "cannot enumerate PCI devices under %s: %m; %s not claimed",
				 root_dir(x->sys), x->argv[0]);
	a = plan_find(p, addr);
	if (!a || a->kind == ACT_KEEP) {
		DBG("%s: %s", x->argv[0], a ? "already where the config wants it" : "not selected");
		return 0;
	}
	if (replay && (a->kind == ACT_REFUSE || a->kind == ACT_SKIP)) {
		DBG("%s: a replayed add, %s as at boot: %s", x->argv[0],
		    a->kind == ACT_REFUSE ? "refused" : "skipped", a->reason);
		return 0;
	}
	if (narrow(p, a) < 0)
		return ERR("out of memory; %s not claimed", x->argv[0]), -ENOMEM;
	x->r.plan = p;
	for (i = 0; i < p->n; i++)
		tell(&p->acts[i]);
	if (x->o.dry_run) {
		plan_print(p, stdout);
		return 0;
	}
	p->settle = true; /* just added: its probe may be deferred */
	apply_plan(p, x->root, x->sys, &x->r.t);
	record(x, &p->acts[0]);
	return 0;
}

int cmd_apply_hotplug(struct ctx *x)
{
	struct pci_addr addr;
	struct plan p = { 0 };
	DIR *lock;

	if (x->argc != 1 || pci_addr_parse(x->argv[0], &addr) < 0) {
		ERR("apply --hotplug needs one PCI address (udev's %%k, e.g. 0000:03:00.0), got '%s'",
		    x->argc ? x->argv[0] : "");
		return 2;
	}
	x->r.mode = "hotplug";
	x->r.t.boottime_ms = clock_us(CLOCK_BOOTTIME) / 1000;
	x->r.t.total_us = clock_us(CLOCK_MONOTONIC);
	if (cli_open_roots(x, true) < 0 || cli_load_config(x, true) < 0)
		return 1;
	if (x->c.disabled) {
		DBG("disabled by %s; not claiming %s", x->c.disabled_by, x->argv[0]);
		return 0;
	}
	lock = cli_lock_runs(x);
	run(x, &addr, getenv("SYNTH_UUID") != NULL, &p);
	if (lock)
		closedir(lock);
	plan_free(&p);
	return 0;
}

/*
 * udev-rules: write the hotplug rule for the config now (what apply writes,
 * without claiming anything: gpupass-rules.path runs it when the config
 * changes); --dry-run prints the config's part of it instead.
 */
int cmd_udev_rules(struct ctx *x)
{
	struct devices *ds = NULL;
	struct plan p = { 0 };
	struct storage st;
	int err;

	if (cli_open_roots(x, !x->o.dry_run) < 0 || cli_load_config(x, true) < 0)
		return 1;
	if (x->o.dry_run) {
		udevrules_print(&x->c, NULL, stdout);
		return x->c.errors ? 1 : 0;
	}
	log_mute(1); /* the plan only lists the devices claimed now; plan says more */
	storage_protected(x->root, x->sys, &st);
	storage_to_plan(&st, &p);
	err = devices_open(&ds, x->sys);
	if (err >= 0)
		err = plan_build(&p, &x->c, ds);
	devices_close(ds);
	log_mute(0);
	err = udevrules_write(x->root, &x->c, err < 0 ? NULL : &p);
	plan_free(&p);
	if (err < 0) {
		ERR("cannot write %s: %s", UDEVRULES_PATH, root_strerror(err));
		return 1;
	}
	return x->c.errors ? 1 : 0;
}
