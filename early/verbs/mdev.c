// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mdev list|start|remove: the configured mdevs and those on the system, the
 * types their parents offer; make a configured one now, or remove one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/log.h"
#include "base/path.h"
#include "base/uuid.h"
#include "late/late.h"
#include "late/mdev.h"
#include "verbs/cli.h"

/* mdev list: every configured mdev and every existing one, and the types on offer. */
struct mdev_row {
	char uuid[UUID_STR_LEN];
	char parent[PCI_ADDR_LEN];
	char type[MDEV_TYPE_MAX];
	const char *state; /* active, missing, conflict */
	const struct rule *rule;
	char reason[OUTCOME_REASON_MAX];
};

struct mdev_list {
	struct ctx *x;
	struct mdev_row *rows;
	unsigned int n, cap;
};

static struct mdev_row *add_row(struct mdev_list *ml)
{
	if (ml->n == ml->cap) {
		unsigned int cap = ml->cap ? ml->cap * 2 : 16;
		struct mdev_row *n = realloc(ml->rows, cap * sizeof(*n));

		if (!n)
			return NULL;
		ml->rows = n;
		ml->cap = cap;
	}
	memset(&ml->rows[ml->n], 0, sizeof(ml->rows[0]));
	return &ml->rows[ml->n++];
}

static int rows_from_rules(struct mdev_list *ml)
{
	const struct config *c = &ml->x->c;
	unsigned int i;

	for (i = 0; i < c->nrules; i++) {
		const struct rule *r = &c->rules[i];
		struct mdev_outcome o;
		struct mdev_row *row;

		if (r->kind != RULE_MDEV)
			continue;
		row = add_row(ml);
		if (!row)
			return -ENOMEM;
		row->rule = r;
		snprintf(row->uuid, sizeof(row->uuid), "%s", r->uuid);
		pci_addr_str(&r->parent, row->parent);
		snprintf(row->type, sizeof(row->type), "%s", r->mdev_type);
		mdev_apply(ml->x->sys, r, true, &o);
		if (o.result == MDEV_EXISTS)
			row->state = "active";
		else if (mdev_exists(ml->x->sys, r->uuid))
			row->state = "conflict";
		else
			row->state = "missing";
		if (o.result == MDEV_PENDING && r->start_manual)
			snprintf(row->reason, sizeof(row->reason),
				 "start=manual: 'gpupass mdev start %s' makes it", r->uuid);
		else if (o.result == MDEV_PENDING)
			snprintf(row->reason, sizeof(row->reason),
				 "'gpupass apply --late' makes it");
		else if (o.result != MDEV_EXISTS)
			snprintf(row->reason, sizeof(row->reason), "%s", o.reason);
	}
	return 0;
}

static bool in_rows(const struct mdev_list *ml, const char *uuid)
{
	unsigned int i;

	for (i = 0; i < ml->n; i++)
		if (!strcmp(ml->rows[i].uuid, uuid))
			return true;
	return false;
}

/* An mdev on the system: a row of its own unless a rule describes it. */
static int row_from_sysfs(const char *uuid, void *data)
{
	struct mdev_list *ml = data;
	char type[MDEV_TYPE_MAX];
	struct mdev_row *row;
	struct pci_addr at;

	if (in_rows(ml, uuid))
		return 0;
	row = add_row(ml);
	if (!row)
		return -ENOMEM;
	snprintf(row->uuid, sizeof(row->uuid), "%s", uuid);
	row->state = "active";
	snprintf(row->reason, sizeof(row->reason), "not in the config");
	if (mdev_locate(ml->x->sys, uuid, NULL, &at, type, sizeof(type)) == 0) {
		pci_addr_str(&at, row->parent);
		snprintf(row->type, sizeof(row->type), "%s", type);
	}
	return 0;
}

static int cmp_rows(const void *a, const void *b)
{
	const struct mdev_row *x = a, *y = b;

	/* Configured ones first, in config order; then the others by UUID. */
	if (x->rule && y->rule)
		return x->rule < y->rule ? -1 : x->rule > y->rule;
	if (x->rule || y->rule)
		return x->rule ? -1 : 1;
	return strcmp(x->uuid, y->uuid);
}

static void print_type_text(const char *type, long available, void *data)
{
	unsigned int *n = data;

	printf("%s%s (%ld available)", (*n)++ ? ", " : "", type, available);
}

static void print_type_json(const char *type, long available, void *data)
{
	struct json *j = data;

	json_object_begin(j, NULL);
	json_string(j, "type", type);
	json_int(j, "available_instances", available);
	json_object_end(j);
}

static void print_rows_text(const struct mdev_list *ml)
{
	char origin[300];
	unsigned int i;

	printf("%-36s  %-12s  %-20s  %-8s  %s\n", "UUID", "PARENT", "TYPE", "STATE", "RULE");
	for (i = 0; i < ml->n; i++) {
		const struct mdev_row *r = &ml->rows[i];

		printf("%-36s  %-12s  %-20s  %-8s  %s%s\n", r->uuid, *r->parent ? r->parent : "-",
		       *r->type ? r->type : "-", r->state,
		       r->rule ? rule_origin(r->rule, origin, sizeof(origin)) : "-",
		       r->rule && r->rule->start_manual ? " (start=manual)" : "");
		if (*r->reason)
			printf("    %s\n", r->reason);
	}
}

static void print_text(const struct mdev_list *ml, const struct pci_addr *parents, int np)
{
	char addr[PCI_ADDR_LEN];
	unsigned int n;
	int i;

	print_rows_text(ml);
	for (i = 0; i < np; i++) {
		n = 0;
		printf("types on %s: ", pci_addr_str(&parents[i], addr));
		mdev_types_foreach(ml->x->sys, &parents[i], print_type_text, &n);
		printf("%s\n", n ? "" : "none");
	}
}

static void print_json(const struct mdev_list *ml, const struct pci_addr *parents, int np)
{
	char addr[PCI_ADDR_LEN], origin[300];
	struct json j;
	unsigned int i;
	int k;

	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_int(&j, "format", 1);
	json_array_begin(&j, "mdevs");
	for (i = 0; i < ml->n; i++) {
		const struct mdev_row *r = &ml->rows[i];

		json_object_begin(&j, NULL);
		json_string(&j, "uuid", r->uuid);
		json_string(&j, "parent", *r->parent ? r->parent : NULL);
		json_string(&j, "type", *r->type ? r->type : NULL);
		json_string(&j, "state", r->state);
		json_string(&j, "rule",
			    r->rule ? rule_origin(r->rule, origin, sizeof(origin)) : NULL);
		json_string(&j, "start",
			    r->rule ? (r->rule->start_manual ? "manual" : "auto") : NULL);
		json_string(&j, "reason", *r->reason ? r->reason : NULL);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_array_begin(&j, "parents");
	for (k = 0; k < np; k++) {
		json_object_begin(&j, NULL);
		json_string(&j, "address", pci_addr_str(&parents[k], addr));
		json_array_begin(&j, "types");
		mdev_types_foreach(ml->x->sys, &parents[k], print_type_json, &j);
		json_array_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
}

static int mdev_list(struct ctx *x)
{
	struct mdev_list ml = { .x = x };
	struct pci_addr parents[64];
	int np, err;

	if (x->argc) {
		ERR("mdev list takes no arguments");
		return 2;
	}
	if (cli_open_roots(x, true) < 0 || cli_load_config(x, false) < 0)
		return 1;
	err = rows_from_rules(&ml);
	if (err >= 0)
		err = mdev_foreach(x->sys, row_from_sysfs, &ml);
	if (err < 0) {
		ERR_ERRNO(err, "cannot list mdevs under %s: %m", root_dir(x->sys));
		free(ml.rows);
		return 1;
	}
	qsort(ml.rows, ml.n, sizeof(*ml.rows), cmp_rows);
	np = mdev_parents(x->sys, parents, 64);
	if (x->o.json)
		print_json(&ml, parents, np);
	else
		print_text(&ml, parents, np);
	free(ml.rows);
	return x->c.errors ? 1 : 0;
}

/* The UUIDs of the arguments, lower-cased; a bad one is a usage error. */
static int uuid_args(struct ctx *x, const char *sub, char (*out)[UUID_STR_LEN])
{
	int i;

	if (x->argc == 0) {
		ERR("mdev %s needs one or more UUIDs (gpupass mdev list shows them)", sub);
		return -EINVAL;
	}
	for (i = 0; i < x->argc; i++) {
		if (!uuid_valid(x->argv[i])) {
			ERR("bad UUID '%s' (expected 8-4-4-4-12 hex digits)", x->argv[i]);
			return -EINVAL;
		}
		uuid_lower(x->argv[i], out[i]);
	}
	return 0;
}

static const struct rule *find_rule(const struct config *c, const char *uuid)
{
	unsigned int i;

	for (i = 0; i < c->nrules; i++)
		if (c->rules[i].kind == RULE_MDEV && !strcmp(c->rules[i].uuid, uuid))
			return &c->rules[i];
	return NULL;
}

static int start_one(struct ctx *x, const char *uuid)
{
	const struct rule *r = find_rule(&x->c, uuid);

	if (!r) {
		ERR("no mdev line for %s in the config; add 'mdev PARENT TYPE %s' (gpupass mdev list shows the types on offer)",
		    uuid, uuid);
		return -ENOENT;
	}
	return late_mdev_start(x->sys, r);
}

static int remove_one(struct ctx *x, const char *uuid)
{
	const struct rule *r = find_rule(&x->c, uuid);
	char origin[300];
	int err;

	err = mdev_remove(x->sys, uuid);
	errno = err < 0 ? -err : 0;
	if (err == -ENOENT)
		ERR("no mdev %s (gpupass mdev list shows them)", uuid);
	else if (err == -EBUSY)
		ERR("cannot remove mdev %s: %m; a VM is using it: shut the VM down first", uuid);
	else if (err == -EEXIST)
		ERR("mdev %s is still there after 1 was written to its remove; the kernel log says why",
		    uuid);
	else if (err < 0)
		ERR("cannot remove mdev %s: %m", uuid);
	else
		NOTICE("mdev %s: removed", uuid);
	if (err >= 0 && r && !r->start_manual)
		NOTICE(
		    "mdev %s is made again at the next boot (or 'gpupass apply --late'); remove its line at %s to keep it away",
		    uuid, rule_origin(r, origin, sizeof(origin)));
	return err;
}

static int mdev_each(struct ctx *x, const char *sub, int (*fn)(struct ctx *, const char *))
{
	char(*uuids)[UUID_STR_LEN];
	int i, failed = 0;

	uuids = calloc(x->argc ? x->argc : 1, sizeof(*uuids));
	if (!uuids || uuid_args(x, sub, uuids) < 0) {
		free(uuids);
		return 2;
	}
	if (cli_open_roots(x, true) < 0 || cli_load_config(x, false) < 0) {
		free(uuids);
		return 1;
	}
	for (i = 0; i < x->argc; i++)
		failed += fn(x, uuids[i]) < 0;
	free(uuids);
	return failed ? 1 : 0;
}

int cmd_mdev(struct ctx *x)
{
	const char *sub = x->argc ? x->argv[0] : "";

	if (x->argc) {
		x->argc--;
		x->argv++;
	}
	if (!strcmp(sub, "list"))
		return mdev_list(x);
	if (x->o.json && (!strcmp(sub, "start") || !strcmp(sub, "remove"))) {
		ERR("mdev %s does not take --json (only mdev list does); see gpupass mdev --help",
		    sub);
		return 2;
	}
	if (!strcmp(sub, "start"))
		return mdev_each(x, sub, start_one);
	if (!strcmp(sub, "remove"))
		return mdev_each(x, sub, remove_one);
	ERR("mdev needs list, start UUID... or remove UUID...; see gpupass mdev --help");
	return 2;
}
