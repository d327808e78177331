// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * unclaim SEL...: remove the drop-ins 'gpupass claim' wrote for the selected
 * devices, rebuild the initramfs, and with --now give the devices (and the
 * functions their rules took along) back to their drivers through 'release'.
 * A device that a rule in another file still selects is named with that
 * file:line: gpupass never edits the admin's files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/path.h"
#include "pci/devices.h"
#include "policy/dropin.h"
#include "policy/plan.h"
#include "verbs/cli.h"

#define UNCLAIM_MAX 32

struct unclaim {
	struct ctx *x;
	struct devices *ds;
	struct selector *sel;
	unsigned int nsel;
	struct pci_addr addr[UNCLAIM_MAX];
	char path[UNCLAIM_MAX][DROPIN_PATH_MAX];
	char *old[UNCLAIM_MAX]; /* our drop-in's text, NULL when there is none */
	unsigned int n, over, failed;
};

static void add_addr(struct unclaim *u, const struct pci_addr *a)
{
	unsigned int i;

	for (i = 0; i < u->n; i++)
		if (pci_addr_eq(&u->addr[i], a))
			return;
	if (u->n == UNCLAIM_MAX) {
		u->over++;
		return;
	}
	u->addr[u->n++] = *a;
}

static int collect(struct gp_device *dev, struct pci_dev *pd, void *data)
{
	struct unclaim *u = data;
	unsigned int i;

	for (i = 0; i < u->nsel; i++)
		if (!u->sel[i].by_address && selector_match(&u->sel[i], pd))
			add_addr(u, &dev->addr);
	return 0;
}

/* An address names its device even when it is gone; IDs select the devices there now. */
static int resolve(struct unclaim *u)
{
	struct pci_addr a;
	unsigned int i;
	int err = 0;

	for (i = 0; i < u->nsel; i++) {
		if (selector_exact_addr(&u->sel[i], &a))
			add_addr(u, &a);
		else if (u->sel[i].by_address)
			err = -EINVAL;
		if (err == -EINVAL) {
			ERR("'%s': unclaim takes a full address (0000:02:00.0) or device IDs",
			    u->sel[i].text);
			return err;
		}
	}
	err = devices_foreach(u->ds, collect, u);
	if (err < 0)
		ERR_ERRNO(err, "cannot walk PCI devices under %s: %m", root_dir(u->x->sys));
	if (u->over)
		ERR("the selectors select more than %d devices; name them by address", UNCLAIM_MAX);
	return err < 0 || u->over ? -EINVAL : 0;
}

static bool removed(const struct unclaim *u, const struct rule *r)
{
	unsigned int i;

	for (i = 0; r->file && i < u->n; i++)
		if (u->old[i] && !strcmp(r->file, u->path[i]))
			return true;
	return false;
}

/* Our drop-ins' rules leave the config: what still selects a device after is someone else's. */
static void drop_ours(struct unclaim *u)
{
	struct config *c = &u->x->c;
	unsigned int i, k = 0;

	for (i = 0; i < c->nrules; i++) {
		if (removed(u, &c->rules[i])) {
			free(c->rules[i].sel);
			continue;
		}
		c->rules[k++] = c->rules[i];
	}
	c->nrules = k;
}

static int read_ours(struct unclaim *u)
{
	unsigned int i;
	int err;

	for (i = 0; i < u->n; i++) {
		dropin_path(&u->addr[i], u->path[i], sizeof(u->path[i]));
		err = dropin_read(u->x->root, u->path[i], &u->old[i]);
		if (err < 0 && err != -EEXIST) {
			ERR_ERRNO(err, "%s: cannot read: %s", u->path[i], root_strerror(err));
			return err;
		}
	}
	return 0;
}

static int build_plan(struct unclaim *u, struct config *c, struct plan *p)
{
	int err;

	log_mute(1);
	err = plan_build(p, c, u->ds);
	log_mute(0);
	if (err < 0)
		ERR_ERRNO(err, "cannot enumerate PCI devices under %s: %m", root_dir(u->x->sys));
	return err;
}

/* Devices another rule still claims: named with its file:line.  Returns how many. */
static unsigned int still_claimed(struct unclaim *u, const struct plan *p)
{
	char name[PCI_ADDR_LEN], origin[300], text[512];
	unsigned int i, n = 0;

	for (i = 0; i < u->n; i++) {
		const struct action *a = plan_find(p, &u->addr[i]);

		if (!a) {
			if (!u->old[i])
				printf("%s: no rule claims it; nothing to do\n",
				       pci_addr_str(&u->addr[i], name));
			continue;
		}
		ERR("%s: still claimed by the rule at %s ('%s')%s%s; %s", a->dev.name,
		    rule_origin(a->rule, origin, sizeof(origin)),
		    rule_format(a->rule, text, sizeof(text)), a->companion ? ", " : "",
		    a->companion ? a->reason : "",
		    a->rule->file && !strncmp(a->rule->file, DROPIN_PREFIX, strlen(DROPIN_PREFIX))
			? "unclaim the device that rule names"
			: "gpupass does not edit that file: remove the rule there to unclaim it");
		n++;
	}
	return n;
}

static unsigned int remove_ours(struct unclaim *u)
{
	unsigned int i, gone = 0;
	int err;

	for (i = 0; i < u->n; i++) {
		if (!u->old[i])
			continue;
		if (u->x->o.dry_run) {
			printf("would remove %s\n", u->path[i]);
			continue;
		}
		err = dropin_remove(u->x->root, u->path[i]);
		if (err == -ELOOP)
			ERR("cannot remove %s: /etc or %s is a symlink (refused); remove it by hand",
			    u->path[i], DROPIN_DIR);
		else if (err < 0 && err != -ENOENT)
			ERR_ERRNO(err, "cannot remove %s: %m", u->path[i]);
		if (err < 0 && err != -ENOENT) {
			u->failed++;
			continue;
		}
		printf("removed %s\n", u->path[i]);
		gone++;
	}
	return gone;
}

/*
 * --now: what the removed rules claimed (their devices and the functions or
 * group members they took along) and no remaining rule selects, released.
 */
static int release_now(struct unclaim *u, const struct plan *remaining)
{
	struct config gone;
	struct plan p = { 0 };
	char names[PLAN_ACTIONS_MAX][PCI_ADDR_LEN], *argv[PLAN_ACTIONS_MAX];
	unsigned int i, n = 0;
	int err = 0, rc = 0;

	config_init(&gone);
	for (i = 0; i < u->n && err >= 0; i++)
		if (u->old[i])
			err = config_parse_buffer(&gone, u->path[i], u->old[i], strlen(u->old[i]));
	if (err >= 0 && gone.nrules)
		err = build_plan(u, &gone, &p);
	for (i = 0; err >= 0 && i < p.n; i++)
		if (!plan_find(remaining, &p.acts[i].dev.addr))
			argv[n] = strcpy(names[n], p.acts[i].dev.name), n++;
	if (err >= 0 && n) {
		u->x->argc = n;
		u->x->argv = argv;
		rc = cmd_release(u->x);
	}
	plan_free(&p);
	config_free(&gone);
	return err < 0 ? 1 : rc;
}

static int run(struct unclaim *u)
{
	struct plan p = { 0 };
	unsigned int i, problems, gone;
	int rc = 0;

	if (resolve(u) < 0 || read_ours(u) < 0)
		return 1;
	drop_ours(u);
	if (build_plan(u, &u->x->c, &p) < 0)
		return 1;
	problems = still_claimed(u, &p);
	gone = remove_ours(u);
	for (i = 0; i < u->n; i++)
		gone += u->old[i] && u->x->o.dry_run;
	if (gone)
		rc = persist_rebuild(u->x);
	if (u->x->o.now && gone)
		rc |= release_now(u, &p);
	plan_free(&p);
	return problems || u->failed || rc ? 1 : 0;
}

int cmd_unclaim(struct ctx *x)
{
	struct unclaim u = { .x = x };
	unsigned int i;
	int rc;

	if (x->argc == 0 || x->o.config) {
		ERR(x->argc ? "unclaim removes files of " DROPIN_DIR "; --config does not apply"
			    : "unclaim needs selectors; see gpupass --help");
		return 2;
	}
	if (cli_open_roots(x, true) < 0 || cli_selectors(x, &u.sel, &u.nsel) < 0)
		return x->sys ? 2 : 1;
	if (cli_load_config(x, false) < 0 || devices_open(&u.ds, x->sys) < 0) {
		free(u.sel);
		return 1;
	}
	rc = run(&u);
	for (i = 0; i < u.n; i++)
		free(u.old[i]);
	devices_close(u.ds);
	free(u.sel);
	return rc;
}
