// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Written by hand, not with a client library: the text format is a few
 * lines per family (prometheus/docs exposition_formats.md), the C clients
 * (libprom, prometheus-client-c) run a registry and a collector thread for
 * what is here one printf per sample, and none is packaged in Debian.
 * Conventions followed: a gpupass_ prefix, base units (seconds), 0/1 gauges
 * for states, no _total on gauges, one HELP and TYPE per family, each
 * family's samples together, label values escaped.
 */
#include <stdio.h>
#include <string.h>

#include "policy/bootrec.h"
#include "policy/plan.h"
#include "verbs/metrics.h"

#ifndef VERSION
#define VERSION "0"
#endif

static void family(FILE *f, const char *name, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* A label value, with \, " and newline escaped as the format asks. */
static void label(FILE *f, const char *name, const char *val, bool last)
{
	fprintf(f, "%s=\"", name);
	for (; *val; val++) {
		if (*val == '\\' || *val == '"')
			fputc('\\', f);
		if (*val == '\n')
			fputs("\\n", f);
		else
			fputc(*val, f);
	}
	fputs(last ? "\"}" : "\",", f);
}

static void simple(FILE *f, const char *name, const char *help, long long val)
{
	family(f, name, help);
	fprintf(f, "%s %lld\n", name, val);
}

static void rules(FILE *f, const struct status_facts *s)
{
	static const char *const kinds[] = {
		[RULE_CLAIM] = "claim", [RULE_MDEV] = "mdev", [RULE_SRIOV] = "sriov"
	};
	unsigned int i, n = 0, ok = 0;
	char origin[300];

	family(
	    f, "gpupass_rule_satisfied",
	    "1 when the rule holds now: a claim's devices all on its driver with viable IOMMU groups, an mdev made, SR-IOV VFs as configured.");
	for (i = 0; i < s->c->nrules; i++) {
		const struct rule *r = &s->c->rules[i];
		bool yes = s->rule_satisfied(s->arg, r);

		n += r->kind == RULE_CLAIM;
		ok += r->kind == RULE_CLAIM && yes;
		fputs("gpupass_rule_satisfied{", f);
		label(f, "kind", kinds[r->kind], false);
		label(f, "rule", rule_origin(r, origin, sizeof(origin)), false);
		label(f, "target", r->kind == RULE_CLAIM ? r->driver : "", true);
		fprintf(f, " %d\n", yes);
	}
	simple(f, "gpupass_claim_rules", "Claim rules in the config.", n);
	simple(f, "gpupass_claim_rules_satisfied", "Claim rules satisfied now.", ok);
}

static bool boot_failed(const struct status_facts *s, const struct action *a)
{
	const struct boot_device *bd = bootrec_find(s->b, &a->dev.addr);

	return bd && !strcmp(bd->result, "failed");
}

/* One family over every selected device: @what says 0 or 1 for each. */
static void devices(FILE *f, const struct status_facts *s, const char *name, const char *help,
		    bool (*what)(const struct status_facts *s, const struct action *a))
{
	char origin[300], hex[8];
	unsigned int i;

	family(f, name, help);
	for (i = 0; i < s->p->n; i++) {
		const struct action *a = &s->p->acts[i];

		fprintf(f, "%s{", name);
		label(f, "address", a->dev.name, false);
		snprintf(hex, sizeof(hex), "%04x", a->dev.vendor);
		label(f, "vendor", hex, false);
		snprintf(hex, sizeof(hex), "%04x", a->dev.device);
		label(f, "device", hex, false);
		label(f, "driver", a->dev.driver, false);
		label(f, "rule", rule_origin(a->rule, origin, sizeof(origin)), true);
		fprintf(f, " %d\n", what(s, a));
	}
}

static bool is_claimed(const struct status_facts *s, const struct action *a)
{
	return a->kind == ACT_KEEP;
}

static bool is_refused(const struct status_facts *s, const struct action *a)
{
	return a->kind == ACT_REFUSE;
}

static void boot(FILE *f, const struct status_facts *s)
{
	simple(f, "gpupass_boot_recorded",
	       "1 when the early run left its record (/run/gpupass/status.json) this boot.",
	       s->b->present);
	simple(f, "gpupass_initramfs_stale",
	       "1 when the initramfs that booted holds another config than /etc (rebuild it).",
	       s->stale);
	if (!s->b->present)
		return;
	family(f, "gpupass_early_run_start_seconds",
	       "When the early run started, in seconds after the kernel started.");
	fprintf(f, "gpupass_early_run_start_seconds %lld.%03lld\n", s->b->started_ms / 1000,
		s->b->started_ms % 1000);
	if (s->b->total_us < 0)
		return;
	family(f, "gpupass_early_run_duration_seconds", "How long the early run took, in seconds.");
	fprintf(f, "gpupass_early_run_duration_seconds %lld.%06lld\n", s->b->total_us / 1000000,
		s->b->total_us % 1000000);
}

void metrics_print(FILE *f, const struct status_facts *s)
{
	family(f, "gpupass_info", "The gpupass version, as a label (always 1).");
	fprintf(f, "gpupass_info{version=\"%s\"} 1\n", VERSION);
	simple(
	    f, "gpupass_satisfied",
	    "1 when every claim rule is satisfied, the boot was recorded and the initramfs is current ('gpupass status' exits 0).",
	    s->satisfied);
	simple(f, "gpupass_iommu_enabled", "1 when sysfs has IOMMU groups.", s->p->iommu);
	rules(f, s);
	boot(f, s);
	devices(f, s, "gpupass_device_claimed",
		"1 when a device a claim rule selects is on the rule's driver now.", is_claimed);
	devices(f, s, "gpupass_device_refused",
		"1 when a safety guard refuses a device a claim rule selects.", is_refused);
	devices(f, s, "gpupass_device_boot_failed",
		"1 when binding the device failed in the early run this boot.", boot_failed);
}
