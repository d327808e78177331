// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/path.h"
#include "pci/devices.h"
#include "policy/status.h"

#ifndef VERSION
#define VERSION "0"
#endif

static const char *result_name(const struct action *a)
{
	if (a->kind == ACT_KEEP)
		return "kept";
	if (a->kind == ACT_REFUSE)
		return "refused";
	if (a->kind == ACT_SKIP)
		return "skipped";
	if (a->result == BIND_OK)
		return "bound";
	return a->result == BIND_FAILED ? "failed" : "planned";
}

void status_json_ids(struct json *j, const struct gp_device *d)
{
	char hex[8];

	json_string(j, "address", d->name);
	snprintf(hex, sizeof(hex), "%04x", d->vendor);
	json_string(j, "vendor", hex);
	snprintf(hex, sizeof(hex), "%04x", d->device);
	json_string(j, "device", hex);
	snprintf(hex, sizeof(hex), "%04x", d->class);
	json_string(j, "class", hex);
}

static void print_device(struct json *j, const struct action *a)
{
	char origin[300];

	json_object_begin(j, NULL);
	status_json_ids(j, &a->dev);
	json_int(j, "iommu_group", a->dev.group);
	json_bool(j, "boot_display", a->dev.boot_vga);
	json_string(j, "rule", rule_origin(a->rule, origin, sizeof(origin)));
	json_bool(j, "companion", a->companion);
	json_string(j, "target", a->rule->driver);
	json_string(j, "driver_before", *a->dev.driver ? a->dev.driver : NULL);
	json_string(j, "driver_after", *a->driver_after ? a->driver_after : NULL);
	json_string(j, "result", result_name(a));
	json_string(j, "reason", a->reason);
	json_object_end(j);
}

static void print_rules(struct json *j, const struct report *r)
{
	const struct config *c = r->config;
	char origin[300];
	unsigned int i;

	json_array_begin(j, "rules");
	for (i = 0; i < c->nrules; i++) {
		json_object_begin(j, NULL);
		json_string(j, "origin", rule_origin(&c->rules[i], origin, sizeof(origin)));
		json_string(j, "kind", rule_kind_name(c->rules[i].kind));
		if (r->plan && c->rules[i].kind == RULE_CLAIM)
			json_int(j, "matched", r->plan->matches[i]);
		json_object_end(j);
	}
	json_array_end(j);
}

static void print_timings(struct json *j, const struct timings *t)
{
	json_object_begin(j, "timings_us");
	json_int(j, "config", t->config_us);
	json_int(j, "enumerate", t->enumerate_us);
	json_int(j, "modules", t->modules_us);
	json_int(j, "bind", t->bind_us);
	json_int(j, "total", t->total_us);
	json_object_end(j);
}

void status_print(const struct report *r, FILE *f)
{
	struct json j;
	unsigned int i;

	json_init(&j, f);
	json_object_begin(&j, NULL);
	json_int(&j, "format", STATUS_FORMAT);
	json_string(&j, "version", VERSION);
	json_string(&j, "mode", r->mode);
	json_bool(&j, "disabled", r->config->disabled);
	json_string(&j, "disabled_by", r->config->disabled ? r->config->disabled_by : NULL);
	json_string(&j, "config_sha256", r->config_sha256);
	json_int(&j, "config_errors", r->config->errors);
	json_bool(&j, "iommu", r->plan ? r->plan->iommu : false);
	json_int(&j, "started_ms_after_boot", r->t.boottime_ms);
	print_timings(&j, &r->t);
	print_rules(&j, r);
	json_array_begin(&j, "devices");
	for (i = 0; r->plan && i < r->plan->n; i++)
		print_device(&j, &r->plan->acts[i]);
	json_array_end(&j);
	json_object_end(&j);
}

int status_write_json(struct root *root, const char *path, void (*print)(const void *arg, FILE *f),
		      const void *arg)
{
	return root_write_printed(root, path, print, arg);
}

static void print_report(const void *r, FILE *f)
{
	status_print(r, f);
}

const char *status_path(const struct report *r)
{
	return strcmp(r->mode, "early") ? APPLY_PATH : STATUS_PATH;
}

int status_write(struct root *root, const struct report *r)
{
	return status_write_json(root, status_path(r), print_report, r);
}
