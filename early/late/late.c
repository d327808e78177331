// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/log.h"
#include "base/path.h"
#include "pci/devices.h"
#include "pci/modload.h"
#include "policy/bootrec.h"
#include "policy/status.h"
#include "late/late.h"

enum mode {
	ACT,	 /* this run's parent: do it */
	DRY,	 /* this run's parent, --dry-run: say what would be done */
	OBSERVE, /* another parent: only look, so late.json describes it too */
};

struct run {
	struct late *l;
	struct root *root, *sys;
	const struct late_opts *o;
	struct devices *ds;
	struct modload *m;
};

static bool targeted(const struct rule *r, const struct pci_addr *only, unsigned int nonly)
{
	unsigned int i;

	if (!only)
		return true;
	for (i = 0; i < nonly; i++)
		if (pci_addr_eq(&r->parent, &only[i]))
			return true;
	return false;
}

bool late_has_rules(const struct config *c, const struct pci_addr *only, unsigned int nonly)
{
	unsigned int i;

	for (i = 0; i < c->nrules; i++)
		if (c->rules[i].kind != RULE_CLAIM && targeted(&c->rules[i], only, nonly))
			return true;
	return false;
}

static enum mode mode_of(const struct run *run, const struct rule *r)
{
	if (!targeted(r, run->o->only, run->o->nonly))
		return OBSERVE;
	return run->o->dry ? DRY : ACT;
}

static void log_mdev(enum mode mode, const struct rule *r, const struct mdev_outcome *o)
{
	char addr[PCI_ADDR_LEN], origin[300];
	const char *u = r->uuid, *t = r->mdev_type;

	pci_addr_str(&r->parent, addr);
	rule_origin(r, origin, sizeof(origin));
	if (mode == OBSERVE) {
		DBG("mdev %s on %s (%s): %s: %s", u, addr, t, mdev_result_name(o->result),
		    o->reason);
		return;
	}
	switch (o->result) {
	case MDEV_CREATED:
		NOTICE("mdev %s on %s (%s): created", u, addr, t);
		break;
	case MDEV_EXISTS:
		NOTICE("mdev %s on %s (%s): already there", u, addr, t);
		break;
	case MDEV_FAILED:
		ERR("mdev %s on %s (%s), %s: %s", u, addr, t, origin, o->reason);
		break;
	case MDEV_SKIPPED:
		WRN("mdev %s on %s (%s), %s: not made: %s", u, addr, t, origin, o->reason);
		break;
	case MDEV_PENDING:
		if (r->start_manual)
			INF("mdev %s on %s (%s): %s", u, addr, t, o->reason);
		else
			NOTICE("mdev %s on %s (%s): would be created", u, addr, t);
		break;
	}
}

static void run_mdev(struct run *run, const struct rule *r, struct late_mdev *lm)
{
	enum mode mode = mode_of(run, r);
	struct mdev_outcome *o = &lm->o;

	lm->rule = r;
	lm->acted = mode != OBSERVE;
	mdev_apply(run->sys, r, mode != ACT || r->start_manual, o);
	if (o->result == MDEV_PENDING && r->start_manual)
		snprintf(o->reason, sizeof(o->reason),
			 "start=manual: not made at boot; 'gpupass mdev start %s' makes it",
			 r->uuid);
	else if (o->result == MDEV_PENDING && mode == OBSERVE)
		snprintf(
		    o->reason, sizeof(o->reason),
		    "not made yet: this run was for another parent (it is made when its parent registers, or by 'gpupass apply --late')");
	log_mdev(mode, r, o);
	if (lm->acted && (o->result == MDEV_FAILED || o->result == MDEV_SKIPPED))
		run->l->problems++;
}

static void log_sriov(enum mode mode, const struct rule *r, const struct sriov_outcome *o)
{
	char pf[PCI_ADDR_LEN], origin[300];

	pci_addr_str(&r->parent, pf);
	rule_origin(r, origin, sizeof(origin));
	if (mode == OBSERVE) {
		DBG("sriov %s: %s: %s", pf, sriov_result_name(o->result), o->reason);
		return;
	}
	switch (o->result) {
	case SRIOV_OK:
		NOTICE("sriov %s: %u VF%s on %s: %s", pf, r->vfs, r->vfs == 1 ? "" : "s", r->driver,
		       o->reason);
		break;
	case SRIOV_FAILED:
		ERR("sriov %s (%s): %s", pf, origin, o->reason);
		break;
	case SRIOV_SKIPPED:
		WRN("sriov %s (%s): not done: %s", pf, origin, o->reason);
		break;
	case SRIOV_PENDING:
		NOTICE("sriov %s: would be done: %s", pf, o->reason);
		break;
	}
}

int late_mdev_start(struct root *sys, const struct rule *r)
{
	struct mdev_outcome o;
	int err;

	err = mdev_apply(sys, r, false, &o);
	log_mdev(ACT, r, &o);
	return err;
}

/* libpci and libkmod only when VFs may really be bound. */
static int tools_open(struct run *run)
{
	int err;

	if (run->ds)
		return 0;
	err = devices_open(&run->ds, run->sys);
	if (err >= 0 && modload_new(&run->m, run->root, run->sys) < 0)
		run->m = NULL; /* drivers already in the kernel only */
	return err;
}

static void run_sriov(struct run *run, const struct rule *r, struct late_sriov *ls)
{
	enum mode mode = mode_of(run, r);
	struct sriov_outcome *o = &ls->o;

	ls->rule = r;
	ls->acted = mode != OBSERVE;
	if (mode == ACT && tools_open(run) < 0) {
		snprintf(o->reason, sizeof(o->reason), "cannot enumerate PCI devices");
		o->result = SRIOV_FAILED;
	} else {
		sriov_apply(run->sys, run->ds, run->m, r, mode != ACT, o);
	}
	if (o->result == SRIOV_PENDING && mode == OBSERVE)
		snprintf(
		    o->reason, sizeof(o->reason),
		    "not done yet: this run was for another device (it is done when its PF's driver binds, or by 'gpupass apply --late')");
	log_sriov(mode, r, o);
	if (ls->acted && (o->result == SRIOV_FAILED || o->result == SRIOV_SKIPPED))
		run->l->problems++;
}

int late_run(struct late *l, const struct config *c, struct root *root, struct root *sys,
	     const struct late_opts *o)
{
	struct run run = { .l = l, .root = root, .sys = sys, .o = o };
	unsigned int i;

	memset(l, 0, sizeof(*l));
	l->mdevs = calloc(c->nrules ? c->nrules : 1, sizeof(*l->mdevs));
	l->sriov = calloc(c->nrules ? c->nrules : 1, sizeof(*l->sriov));
	if (!l->mdevs || !l->sriov) {
		ERR("out of memory; no mdev or SR-IOV rule was carried out");
		return -ENOMEM;
	}
	for (i = 0; i < c->nrules; i++) {
		const struct rule *r = &c->rules[i];

		if (r->kind == RULE_MDEV)
			run_mdev(&run, r, &l->mdevs[l->nmdevs++]);
		else if (r->kind == RULE_SRIOV)
			run_sriov(&run, r, &l->sriov[l->nsriov++]);
	}
	devices_close(run.ds);
	modload_free(run.m);
	return 0;
}

void late_free(struct late *l)
{
	unsigned int i;

	for (i = 0; i < l->nsriov; i++)
		sriov_outcome_free(&l->sriov[i].o);
	free(l->mdevs);
	free(l->sriov);
	memset(l, 0, sizeof(*l));
}

static void print_mdev(struct json *j, const struct late_mdev *lm)
{
	char addr[PCI_ADDR_LEN], origin[300];

	json_object_begin(j, NULL);
	json_string(j, "uuid", lm->rule->uuid);
	json_string(j, "parent", pci_addr_str(&lm->rule->parent, addr));
	json_string(j, "type", lm->rule->mdev_type);
	json_string(j, "rule", rule_origin(lm->rule, origin, sizeof(origin)));
	json_string(j, "result", mdev_result_name(lm->o.result));
	json_string(j, "reason", lm->o.reason);
	json_object_end(j);
}

static void print_sriov(struct json *j, const struct late_sriov *ls)
{
	char addr[PCI_ADDR_LEN], origin[300];
	unsigned int i;

	json_object_begin(j, NULL);
	json_string(j, "pf", pci_addr_str(&ls->rule->parent, addr));
	json_int(j, "vfs", ls->rule->vfs);
	json_string(j, "driver", ls->rule->driver);
	json_string(j, "rule", rule_origin(ls->rule, origin, sizeof(origin)));
	json_string(j, "result", sriov_result_name(ls->o.result));
	json_string(j, "reason", ls->o.reason);
	json_array_begin(j, "vf_addresses");
	for (i = 0; i < ls->o.nvfs; i++)
		json_string(j, NULL, pci_addr_str(&ls->o.vfs[i].addr, addr));
	json_array_end(j);
	json_array_begin(j, "vf_drivers");
	for (i = 0; i < ls->o.nvfs; i++)
		json_string(j, NULL, *ls->o.vfs[i].driver ? ls->o.vfs[i].driver : NULL);
	json_array_end(j);
	json_object_end(j);
}

void late_print(const struct late *l, FILE *f)
{
	struct json j;
	unsigned int i;

	json_init(&j, f);
	json_object_begin(&j, NULL);
	json_int(&j, "format", LATE_FORMAT);
	json_string(&j, "mode", "late");
	json_array_begin(&j, "mdevs");
	for (i = 0; i < l->nmdevs; i++)
		print_mdev(&j, &l->mdevs[i]);
	json_array_end(&j);
	json_array_begin(&j, "sriov");
	for (i = 0; i < l->nsriov; i++)
		print_sriov(&j, &l->sriov[i]);
	json_array_end(&j);
	json_object_end(&j);
}

static void print_late(const void *l, FILE *f)
{
	late_print(l, f);
}

int late_write(struct root *root, const struct late *l)
{
	return status_write_json(root, LATE_PATH, print_late, l);
}
