// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * claim SEL...: make a claim survive reboots in one command, as driverctl's
 * set-override does, but through the guards of 'check': for each device the
 * selectors select now, a drop-in (policy/dropin.h) with its address, its IDs
 * (expect=) and with=functions for a GPU; then the initramfs rebuilt
 * (persist.c); with --now the device claimed at once (apply_now()).  Either
 * every device passes the guards and every file is written, or none is.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/path.h"
#include "pci/devices.h"
#include "pci/modload.h"
#include "policy/dropin.h"
#include "policy/plan.h"
#include "policy/storage.h"
#include "verbs/cli.h"

/* More devices than this in one command is a selector that meant something else. */
#define CLAIM_DEVICES_MAX 32

enum want_state { W_NEW, W_REPLACE, W_SAME, W_OTHER };

struct want {
	struct gp_device dev;
	char path[DROPIN_PATH_MAX];
	char text[DROPIN_TEXT_MAX];
	enum want_state state;
};

struct claim {
	struct ctx *x;
	struct devices *ds;
	struct selector *sel;
	unsigned int nsel, *hits;
	struct want w[CLAIM_DEVICES_MAX];
	unsigned int n, over;
};

static int collect(struct gp_device *dev, struct pci_dev *pd, void *data)
{
	struct claim *c = data;
	unsigned int i;
	bool hit = false;

	for (i = 0; i < c->nsel; i++)
		if (selector_match(&c->sel[i], pd)) {
			c->hits[i]++;
			hit = true;
		}
	if (!hit || devices_fill(c->ds, dev, pd) < 0) /* logged; the others go on */
		return 0;
	if (c->n == CLAIM_DEVICES_MAX) {
		c->over++;
		return 0;
	}
	c->w[c->n].dev = *dev;
	dropin_path(&dev->addr, c->w[c->n].path, sizeof(c->w[c->n].path));
	dropin_text(dev, c->w[c->n].text, sizeof(c->w[c->n].text));
	c->n++;
	return 0;
}

static int by_address(const void *a, const void *b)
{
	return pci_addr_cmp(&((const struct want *)a)->dev.addr,
			    &((const struct want *)b)->dev.addr);
}

/* Every selector names a kind of device and selects one or more now.  Returns problems. */
static unsigned int select_devices(struct claim *c)
{
	unsigned int i, problems = 0;
	const char *breadth;
	int err;

	for (i = 0; i < c->nsel; i++) {
		breadth = selector_breadth(&c->sel[i]);
		if (breadth) {
			ERR("'%s' %s; claim takes a device ID (vendor:device) or an address, see 'gpupass list'",
			    c->sel[i].text, breadth);
			problems++;
		}
	}
	if (problems)
		return problems;
	err = devices_foreach(c->ds, collect, c);
	if (err < 0) {
		ERR_ERRNO(err, "cannot walk PCI devices under %s: %m", root_dir(c->x->sys));
		return 1;
	}
	for (i = 0; i < c->nsel; i++)
		if (!c->hits[i]) {
			ERR("'%s' selects no PCI device on this system; see 'gpupass list'",
			    c->sel[i].text);
			problems++;
		}
	if (c->over) {
		ERR("the selectors select more than %d devices; name the ones to claim by address",
		    CLAIM_DEVICES_MAX);
		problems++;
	}
	qsort(c->w, c->n, sizeof(*c->w), by_address);
	return problems;
}

/* What each device's drop-in holds now: nothing, the same, an older rule, or the admin's file. */
static unsigned int read_existing(struct claim *c)
{
	unsigned int i, problems = 0;
	char *old;
	int err;

	for (i = 0; i < c->n; i++) {
		struct want *w = &c->w[i];

		err = dropin_read(c->x->root, w->path, &old);
		if (err == -EEXIST) {
			ERR("%s: not written by 'gpupass claim' (its first line is not \"%s\"); not replacing it: remove or rename it, or put the rule there yourself",
			    w->path, DROPIN_MARK);
			problems++;
		} else if (err < 0) {
			ERR_ERRNO(err, "%s: cannot read: %s", w->path, root_strerror(err));
			problems++;
		}
		w->state = err <= 0 ? W_NEW : strcmp(old, w->text) ? W_REPLACE : W_SAME;
		free(old);
	}
	return problems;
}

static bool ours(const struct claim *c, const struct rule *r)
{
	unsigned int i;

	for (i = 0; r && r->file && i < c->n; i++)
		if (c->w[i].state != W_OTHER && !strcmp(r->file, c->w[i].path))
			return true;
	return false;
}

static bool replaced(const struct claim *c, const struct rule *r)
{
	unsigned int i;

	for (i = 0; r->file && i < c->n; i++)
		if (c->w[i].state == W_REPLACE && !strcmp(r->file, c->w[i].path))
			return true;
	return false;
}

/* The rules of the drop-ins about to be replaced: the check sees the new ones instead. */
static void drop_replaced(struct claim *c)
{
	struct config *cf = &c->x->c;
	unsigned int i, k = 0;

	for (i = 0; i < cf->nrules; i++) {
		if (replaced(c, &cf->rules[i])) {
			free(cf->rules[i].sel);
			continue;
		}
		cf->rules[k++] = cf->rules[i];
	}
	cf->nrules = k;
}

/* The plan of x->c with the storage guard, quietly: the callers say what concerns them. */
static int build_plan(struct claim *c, struct plan *p)
{
	struct storage st;
	int err;

	storage_protected(c->x->root, c->x->sys, &st);
	storage_to_plan(&st, p);
	log_mute(1);
	err = plan_build(p, &c->x->c, c->ds);
	log_mute(0);
	if (err < 0)
		ERR_ERRNO(err, "cannot enumerate PCI devices under %s: %m", root_dir(c->x->sys));
	return err;
}

/* A device some other rule selects already: that rule stays in charge, nothing is added. */
static unsigned int claimed_elsewhere(struct claim *c)
{
	struct plan p = { 0 };
	char origin[300], text[512];
	unsigned int i, problems = 0;

	if (build_plan(c, &p) < 0)
		return 1;
	for (i = 0; i < c->n; i++) {
		const struct action *a = plan_find(&p, &c->w[i].dev.addr);

		if (!a || c->w[i].state == W_SAME)
			continue;
		c->w[i].state = W_OTHER;
		rule_origin(a->rule, origin, sizeof(origin));
		rule_format(a->rule, text, sizeof(text));
		if (a->kind == ACT_REFUSE) {
			ERR("%s [%04x:%04x]: selected already by the rule at %s ('%s'), which is refused: %s",
			    a->dev.name, a->dev.vendor, a->dev.device, origin, text, a->reason);
			problems++;
		} else {
			printf(
			    "%s [%04x:%04x]: claimed already by the rule at %s ('%s'); not adding another\n",
			    a->dev.name, a->dev.vendor, a->dev.device, origin, text);
		}
	}
	plan_free(&p);
	return problems;
}

static unsigned int judge_actions(struct claim *c, const struct plan *p)
{
	unsigned int i, problems = 0;
	char msg[1600];

	for (i = 0; i < p->n; i++) {
		const struct action *a = &p->acts[i];

		if (!ours(c, a->rule) || a->kind != ACT_REFUSE)
			continue;
		ERR("%s [%04x:%04x]: %s", a->dev.name, a->dev.vendor, a->dev.device, a->reason);
		problems++;
	}
	for (i = 0; i < p->noverlaps; i++) {
		const struct overlap *o = &p->overlaps[i];

		if (!o->conflict || (!ours(c, o->rule) && !ours(c, o->first)))
			continue;
		ERR("%s", plan_conflict(p, o, msg, sizeof(msg)));
		problems++;
	}
	return problems;
}

static unsigned int judge_groups(struct claim *c, const struct plan *p)
{
	unsigned int i, problems = 0;

	for (i = 0; i < p->nissues; i++) {
		const struct group_issue *g = &p->issues[i];

		if (!ours(c, g->rule))
			continue;
		ERR("IOMMU group %d would not be viable: %s [%04x:%04x] (driver: %s) shares it and would stay on its driver; claim it too, in the same command",
		    g->group, g->member.name, g->member.vendor, g->member.device,
		    *g->member.driver ? g->member.driver : "none");
		problems++;
	}
	return problems;
}

static unsigned int judge_system(struct claim *c, const struct plan *p)
{
	struct modload *m = NULL;
	unsigned int problems = 0;

	if (!p->iommu) {
		ERR("the IOMMU is off (no IOMMU groups in sysfs): vfio-pci cannot take devices; 'gpupass check' says how to turn it on");
		problems++;
	}
	if (modload_new(&m, c->x->root, c->x->sys) < 0 ||
	    modload_available(m, DEFAULT_DRIVER) < 0) {
		ERR("%s is not built in, not loaded, and has no module for the running kernel; install it first",
		    DEFAULT_DRIVER);
		problems++;
	}
	modload_free(m);
	return problems;
}

/* The guards of 'check' over the config with the new drop-ins in it.  Returns problems. */
static unsigned int check_new(struct claim *c)
{
	struct plan p = { 0 };
	unsigned int i, problems;
	int err = 0;

	for (i = 0; i < c->n && err >= 0; i++)
		if (c->w[i].state == W_NEW || c->w[i].state == W_REPLACE)
			err = config_parse_buffer(&c->x->c, c->w[i].path, c->w[i].text,
						  strlen(c->w[i].text));
	if (err < 0 || build_plan(c, &p) < 0) {
		plan_free(&p);
		return 1;
	}
	problems = judge_actions(c, &p) + judge_groups(c, &p) + judge_system(c, &p);
	plan_free(&p);
	return problems;
}

static unsigned int write_all(struct claim *c)
{
	unsigned int i, written = 0;
	int err;

	for (i = 0; i < c->n; i++) {
		struct want *w = &c->w[i];
		const char *rule = strstr(w->text, "\nclaim ") + 1;

		if (w->state == W_SAME)
			printf("%s: unchanged (%.*s)\n", w->path, (int)strcspn(rule, "\n"), rule);
		if (w->state != W_NEW && w->state != W_REPLACE)
			continue;
		if (c->x->o.dry_run) {
			printf("# would write %s:\n%s", w->path, w->text);
			continue;
		}
		err = dropin_write(c->x->root, w->path, w->text);
		if (err == -ELOOP)
			ERR("cannot write %s: a symlink on the way (refused)", w->path);
		else if (err < 0)
			ERR_ERRNO(err, "cannot write %s: %m", w->path);
		if (err < 0)
			continue;
		printf("%s %s: %.*s\n", w->state == W_NEW ? "wrote" : "replaced", w->path,
		       (int)strcspn(rule, "\n"), rule);
		written++;
	}
	return written;
}

/* --now: the drop-ins' rules alone, claimed as 'apply' claims. */
static int claim_now(struct claim *c)
{
	struct config mine, all = c->x->c;
	unsigned int i;
	int problems, err = 0;

	config_init(&mine);
	for (i = 0; i < c->n && err >= 0; i++)
		if (c->w[i].state != W_OTHER)
			err = config_parse_buffer(&mine, c->w[i].path, c->w[i].text,
						  strlen(c->w[i].text));
	if (!mine.nrules) {
		config_free(&mine);
		return err < 0 ? 1 : 0;
	}
	c->x->c = mine;
	problems = err < 0 ? 1 : apply_now(c->x);
	mine = c->x->c;
	c->x->c = all;
	config_free(&mine);
	if (problems && !c->x->o.dry_run)
		ERR("not all claimed now (see above); the rules are in %s and apply from the next boot",
		    DROPIN_DIR);
	return problems ? 1 : 0;
}

static int run(struct claim *c)
{
	unsigned int i, changed = 0, problems;
	int rc = 0;

	problems = select_devices(c);
	if (!problems)
		problems = read_existing(c);
	if (!problems) {
		drop_replaced(c);
		problems = claimed_elsewhere(c);
	}
	if (!problems)
		problems = check_new(c);
	if (problems) {
		ERR("nothing written: %u problem%s above (a rule that needs allow-boot-vga or allow-storage is one to write by hand, see gpupass.conf(5))",
		    problems, problems == 1 ? "" : "s");
		return 1;
	}
	for (i = 0; i < c->n; i++)
		changed += c->w[i].state == W_NEW || c->w[i].state == W_REPLACE;
	if (write_all(c) != changed && !c->x->o.dry_run)
		return 1;
	if (changed)
		rc = persist_rebuild(c->x);
	else
		printf("nothing changed; the initramfs is not rebuilt\n");
	if (c->x->o.now)
		rc |= claim_now(c);
	return rc;
}

int cmd_claim(struct ctx *x)
{
	struct claim c = { .x = x };
	int rc;

	if (x->argc == 0 || x->o.config) {
		ERR(x->argc ? "claim writes to " DROPIN_DIR "; --config does not apply"
			    : "claim needs selectors; see gpupass --help");
		return 2;
	}
	if (cli_open_roots(x, true) < 0 || cli_selectors(x, &c.sel, &c.nsel) < 0)
		return x->sys ? 2 : 1;
	c.hits = calloc(c.nsel, sizeof(*c.hits));
	if (!c.hits || cli_load_config(x, false) < 0 || devices_open(&c.ds, x->sys) < 0) {
		free(c.hits);
		free(c.sel);
		return 1;
	}
	rc = run(&c);
	devices_close(c.ds);
	free(c.hits);
	free(c.sel);
	return rc;
}
