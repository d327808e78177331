// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * status: for each rule, the devices it selects, where they are now, their
 * IOMMU group's viability, what happened at boot and at the latest run-time
 * apply; for mdev and sriov rules, whether the mdev and the VFs are as the
 * config says now (apply --late's dry run); a warning when the initramfs
 * that booted holds another config than the one now.  Exit 0 only when
 * every rule is satisfied.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/log.h"
#include "base/path.h"
#include "pci/devices.h"
#include "policy/bootrec.h"
#include "policy/plan.h"
#include "late/late.h"
#include "verbs/cli.h"
#include "verbs/metrics.h"

struct status {
	struct ctx *x;
	struct plan p;
	struct late now;      /* the mdev and sriov rules now: apply --late --dry-run */
	struct boot_record b; /* the boot: status.json (the early run), late.json */
	struct boot_record a; /* the latest run-time apply: apply.json */
	bool stale;
	bool bad_record; /* status.json is there but could not be read (logged) */
	const char *fix;
	unsigned int satisfied, rules, claims;
};

static const char *device_state(const struct action *a)
{
	static const char *const states[] = { "not-claimed", "claimed", "refused", "skipped" };

	return states[a->kind];
}

static bool rule_satisfied(const struct status *s, const struct rule *r)
{
	unsigned int i, claimed = 0;

	for (i = 0; i < s->p.n; i++) {
		if (s->p.acts[i].rule != r)
			continue;
		if (s->p.acts[i].kind == ACT_CLAIM)
			return false; /* selected but not on its driver now */
		claimed += s->p.acts[i].kind == ACT_KEEP;
	}
	/* Devices an earlier rule selects too: satisfied only if the two agree. */
	for (i = 0; i < s->p.noverlaps; i++) {
		const struct overlap *o = &s->p.overlaps[i];
		const struct action *a = plan_find(&s->p, &o->addr);

		if (o->rule != r || !a)
			continue;
		if (o->conflict || a->kind == ACT_CLAIM)
			return false;
		claimed += a->kind == ACT_KEEP;
	}
	for (i = 0; i < s->p.nissues; i++)
		if (s->p.issues[i].rule == r)
			return false;
	return claimed > 0 || r->optional;
}

static const struct late_mdev *now_mdev(const struct status *s, const struct rule *r)
{
	unsigned int i;

	for (i = 0; i < s->now.nmdevs; i++)
		if (s->now.mdevs[i].rule == r)
			return &s->now.mdevs[i];
	return NULL;
}

static const struct late_sriov *now_sriov(const struct status *s, const struct rule *r)
{
	unsigned int i;

	for (i = 0; i < s->now.nsriov; i++)
		if (s->now.sriov[i].rule == r)
			return &s->now.sriov[i];
	return NULL;
}

/*
 * An mdev or sriov rule now, in a word, and whether that satisfies it: the
 * mdev exists (or is start=manual), the PF has its VFs, each on its driver.
 */
static const char *late_state(const struct status *s, const struct rule *r, const char **reason,
			      bool *ok)
{
	const struct late_mdev *m = now_mdev(s, r);
	const struct late_sriov *v = now_sriov(s, r);
	int res = m ? (int)m->o.result : v ? (int)v->o.result : -1;

	*reason = m ? m->o.reason : v ? v->o.reason : "not looked at (out of memory)";
	*ok = m ? res == MDEV_EXISTS || (res == MDEV_PENDING && r->start_manual) : res == SRIOV_OK;
	if (m && res == MDEV_EXISTS)
		return "exists";
	if (m && res == MDEV_PENDING && !r->start_manual)
		*reason = "no mdev with this UUID now";
	if (m && res == MDEV_PENDING)
		return r->start_manual ? "not started" : "missing";
	if (m && res == MDEV_SKIPPED)
		return "parent not ready";
	if (v && res == SRIOV_OK)
		return "as configured";
	if (v && res == SRIOV_PENDING)
		return "not as configured";
	if (v && res == SRIOV_SKIPPED)
		return "PF not ready";
	return "failed";
}

static bool rule_ok(const struct status *s, const struct rule *r)
{
	const char *reason;
	bool ok;

	if (r->kind == RULE_CLAIM)
		return rule_satisfied(s, r);
	late_state(s, r, &reason, &ok);
	return ok;
}

/* Every rule holds now, the initramfs is current, and (with claim rules) the boot
 * left a record: without one, the next boot will not claim anything either. */
static bool all_satisfied(const struct status *s)
{
	return s->satisfied == s->rules && !s->stale && (s->b.present || !s->claims) &&
	       !s->bad_record;
}

/* The command that rebuilds whichever initramfs generator this system uses. */
static const char *rebuild_command(struct root *root)
{
	if (root_exists(root, "/usr/sbin/update-initramfs") == 1)
		return "update-initramfs -u";
	if (root_exists(root, "/usr/bin/dracut") == 1 || root_exists(root, "/usr/sbin/dracut") == 1)
		return "dracut -f";
	return "update-initramfs -u (Debian) or dracut -f";
}

static void print_boot(const struct status *s)
{
	if (s->bad_record)
		printf(
		    "boot: %s cannot be read (the message above says why); what the boot did is unknown\n",
		    STATUS_PATH);
	else if (!s->b.present)
		printf(
		    "boot: no record (%s is missing): gpupass did not run in the initramfs; rebuild it with '%s' and reboot\n",
		    STATUS_PATH, rebuild_command(s->x->root));
	else if (s->b.disabled)
		printf("boot: gpupass was disabled by %s on the kernel command line\n",
		       s->b.disabled_by);
	else
		printf("boot: gpupass ran (%s) %lld ms after the kernel started\n", s->b.mode,
		       s->b.started_ms);
	/* When it ran is in --json: the text stays the same from run to run. */
	if (s->a.present && s->a.disabled)
		printf("apply: the latest run-time 'gpupass apply' found gpupass disabled by %s\n",
		       s->a.disabled_by);
	else if (s->a.present)
		printf("apply: a run-time 'gpupass apply' ran since (%s)%s\n", APPLY_PATH,
		       strcmp(s->a.config_sha256, s->x->r.config_sha256)
			   ? ", with another config than the one now"
			   : "");
}

/* For a device an earlier rule selects too: which rule applies. */
static const char *overlap_note(const struct overlap *o, char *buf, size_t size)
{
	char origin[300];

	snprintf(buf, size, "the rule at %s applies%s",
		 rule_origin(o->first, origin, sizeof(origin)),
		 o->conflict ? "; it disagrees with this one (see gpupass plan)" : "");
	return buf;
}

/*
 * The device's own hotplug record (apply --hotplug, when it was added again
 * after the boot) into @h, and its entry for the device; NULL when none.
 * A record that cannot be read is left out (bootrec logged it).
 */
static const struct boot_device *hotplug_record(const struct status *s, const struct action *a,
						struct boot_record *h)
{
	if (bootrec_load_hotplug(s->x->root, a->dev.name, h) < 0) {
		bootrec_free(h);
		return NULL;
	}
	return h->present ? bootrec_find(h, &a->dev.addr) : NULL;
}

static void print_device(const struct status *s, const struct action *a, const struct overlap *o)
{
	const struct boot_device *bd = bootrec_find(&s->b, &a->dev.addr);
	const struct boot_device *ad = bootrec_find(&s->a, &a->dev.addr);
	struct boot_record h;
	const struct boot_device *hd = hotplug_record(s, a, &h);
	char group[16], note[400];

	snprintf(group, sizeof(group), a->dev.group < 0 ? "-" : "%d", a->dev.group);
	printf("  %s [%04x:%04x] group %s: %s", a->dev.name, a->dev.vendor, a->dev.device, group,
	       *a->dev.driver ? a->dev.driver : "no driver");
	if (a->kind != ACT_KEEP)
		printf(", %s%s%s", device_state(a), *a->reason ? ": " : "", a->reason);
	if (bd)
		printf(" (at boot: %s%s%s)", bd->result, *bd->reason ? ", " : "", bd->reason);
	if (ad)
		printf(" (by apply: %s%s%s)", ad->result, *ad->reason ? ", " : "", ad->reason);
	if (hd)
		printf(" (added again, by hotplug: %s%s%s)", hd->result, *hd->reason ? ", " : "",
		       hd->reason);
	if (o)
		printf(" (%s)", overlap_note(o, note, sizeof(note)));
	putchar('\n');
	bootrec_free(&h);
}

/* An mdev or sriov rule: the state now, and each VF with its driver now. */
static void print_late_rule(const struct status *s, const struct rule *r)
{
	const struct late_sriov *v = now_sriov(s, r);
	const char *reason, *state;
	unsigned int i;
	bool ok;

	state = late_state(s, r, &reason, &ok);
	printf("  now: %s%s%s%s\n", state, *reason ? ": " : "", reason,
	       ok || !strcmp(state, "failed") ? "" : "; 'gpupass apply --late' redoes it");
	for (i = 0; v && i < v->o.nvfs; i++) {
		char addr[PCI_ADDR_LEN];

		printf("  VF %s: %s\n", pci_addr_str(&v->o.vfs[i].addr, addr),
		       *v->o.vfs[i].driver ? v->o.vfs[i].driver : "no driver");
	}
}

static void print_rule(struct status *s, const struct rule *r)
{
	char origin[300], text[512], target[DRIVER_NAME_MAX + 8] = "", msg[1200];
	unsigned int i;
	bool ok = rule_ok(s, r);

	if (r->kind != RULE_MDEV)
		snprintf(target, sizeof(target), " (-> %s)", r->driver);
	printf("rule %s: %s%s: %s\n", rule_origin(r, origin, sizeof(origin)),
	       rule_format(r, text, sizeof(text)), target, ok ? "ok" : "NOT SATISFIED");
	if (r->kind != RULE_CLAIM) {
		print_late_rule(s, r);
		return;
	}
	for (i = 0; i < s->p.n; i++)
		if (s->p.acts[i].rule == r)
			print_device(s, &s->p.acts[i], NULL);
	for (i = 0; i < s->p.noverlaps; i++) {
		const struct overlap *o = &s->p.overlaps[i];

		if (o->rule == r && plan_find(&s->p, &o->addr))
			print_device(s, plan_find(&s->p, &o->addr), o);
	}
	for (i = 0; i < s->p.nissues; i++) {
		const struct group_issue *g = &s->p.issues[i];

		if (g->rule == r)
			printf("  %s\n", plan_group_issue(g, msg, sizeof(msg)));
	}
	if (r->kind == RULE_CLAIM && !s->p.matches[r - s->x->c.rules] && !r->optional)
		printf("  selects no PCI device\n");
}

static void print_text(struct status *s)
{
	unsigned int i;

	print_boot(s);
	if (!s->p.iommu)
		printf(
		    "iommu: off (no IOMMU groups): vfio-pci cannot take devices; see 'gpupass check'\n");
	for (i = 0; i < s->x->c.nrules; i++)
		print_rule(s, &s->x->c.rules[i]);
	if (s->b.nlate)
		printf("later stage, as it last recorded:\n");
	for (i = 0; i < s->b.nlate; i++)
		printf("  %s\n", s->b.late[i]);
	if (s->stale)
		printf(
		    "warning: the initramfs that booted holds another config than the one now; run '%s' and reboot\n",
		    s->fix);
	printf("%u of %u rules satisfied\n", s->satisfied, s->rules);
}

static void json_device(struct json *j, const struct status *s, const struct action *a,
			const struct overlap *o)
{
	const struct boot_device *bd = bootrec_find(&s->b, &a->dev.addr);
	const struct boot_device *ad = bootrec_find(&s->a, &a->dev.addr);
	struct boot_record h;
	const struct boot_device *hd = hotplug_record(s, a, &h);
	char note[400];

	json_object_begin(j, NULL);
	status_json_ids(j, &a->dev);
	json_int(j, "iommu_group", a->dev.group);
	json_string(j, "driver", *a->dev.driver ? a->dev.driver : NULL);
	json_string(j, "state", device_state(a));
	json_string(j, "reason", o ? overlap_note(o, note, sizeof(note)) : a->reason);
	json_string(j, "boot_result", bd ? bd->result : NULL);
	json_string(j, "boot_reason", bd ? bd->reason : NULL);
	json_string(j, "apply_result", ad ? ad->result : NULL);
	json_string(j, "apply_reason", ad ? ad->reason : NULL);
	json_string(j, "hotplug_result", hd ? hd->result : NULL);
	json_string(j, "hotplug_reason", hd ? hd->reason : NULL);
	json_object_end(j);
	bootrec_free(&h);
}

/* An mdev or sriov rule: its state now, and for sriov each VF with its driver now. */
static void json_late_rule(struct json *j, const struct status *s, const struct rule *r)
{
	const struct late_sriov *v = now_sriov(s, r);
	char addr[PCI_ADDR_LEN];
	const char *reason, *state;
	unsigned int i;
	bool ok;

	state = late_state(s, r, &reason, &ok);
	json_string(j, "parent", pci_addr_str(&r->parent, addr));
	if (r->kind == RULE_MDEV)
		json_string(j, "uuid", r->uuid);
	json_bool(j, "satisfied", ok);
	json_string(j, "state", state);
	json_string(j, "reason", reason);
	if (r->kind != RULE_SRIOV)
		return;
	json_array_begin(j, "vfs");
	for (i = 0; v && i < v->o.nvfs; i++) {
		json_object_begin(j, NULL);
		json_string(j, "address", pci_addr_str(&v->o.vfs[i].addr, addr));
		json_string(j, "driver", *v->o.vfs[i].driver ? v->o.vfs[i].driver : NULL);
		json_object_end(j);
	}
	json_array_end(j);
}

static void json_rule(struct json *j, struct status *s, const struct rule *r)
{
	char origin[300];
	unsigned int i;

	json_object_begin(j, NULL);
	json_string(j, "origin", rule_origin(r, origin, sizeof(origin)));
	json_string(j, "kind", rule_kind_name(r->kind));
	json_string(j, "target", r->kind == RULE_MDEV ? NULL : r->driver);
	if (r->kind != RULE_CLAIM) {
		json_late_rule(j, s, r);
		json_object_end(j);
		return;
	}
	json_bool(j, "optional", r->optional);
	json_bool(j, "satisfied", rule_satisfied(s, r));
	json_array_begin(j, "devices");
	for (i = 0; i < s->p.n; i++)
		if (s->p.acts[i].rule == r)
			json_device(j, s, &s->p.acts[i], NULL);
	for (i = 0; i < s->p.noverlaps; i++) {
		const struct overlap *o = &s->p.overlaps[i];

		if (o->rule == r && plan_find(&s->p, &o->addr))
			json_device(j, s, plan_find(&s->p, &o->addr), o);
	}
	json_array_end(j);
	json_array_begin(j, "group_issues");
	for (i = 0; i < s->p.nissues; i++) {
		if (s->p.issues[i].rule != r)
			continue;
		json_object_begin(j, NULL);
		json_int(j, "iommu_group", s->p.issues[i].group);
		json_string(j, "address", s->p.issues[i].member.name);
		json_string(j, "driver",
			    *s->p.issues[i].member.driver ? s->p.issues[i].member.driver : NULL);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

static void print_json(struct status *s)
{
	struct json j;
	unsigned int i;

	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_int(&j, "format", 1);
	json_string(&j, "version", VERSION);
	json_object_begin(&j, "boot");
	json_bool(&j, "recorded", s->b.present);
	json_string(&j, "mode", s->b.present ? s->b.mode : NULL);
	json_int(&j, "started_ms_after_boot", s->b.started_ms);
	json_bool(&j, "disabled", s->b.disabled);
	json_string(&j, "config_sha256", s->b.present ? s->b.config_sha256 : NULL);
	json_object_end(&j);
	json_object_begin(&j, "apply");
	json_bool(&j, "recorded", s->a.present);
	json_int(&j, "started_ms_after_boot", s->a.started_ms);
	json_bool(&j, "disabled", s->a.disabled);
	json_string(&j, "config_sha256", s->a.present ? s->a.config_sha256 : NULL);
	json_object_end(&j);
	json_string(&j, "config_sha256", s->x->r.config_sha256);
	json_bool(&j, "initramfs_stale", s->stale);
	json_string(&j, "fix", s->stale || !s->b.present ? s->fix : NULL);
	json_bool(&j, "iommu", s->p.iommu);
	json_array_begin(&j, "rules");
	for (i = 0; i < s->x->c.nrules; i++)
		json_rule(&j, s, &s->x->c.rules[i]);
	json_array_end(&j);
	json_array_begin(&j, "late");
	for (i = 0; i < s->b.nlate; i++)
		json_string(&j, NULL, s->b.late[i]);
	json_array_end(&j);
	json_bool(&j, "satisfied", all_satisfied(s));
	json_object_end(&j);
}

static bool satisfied_cb(const void *s, const struct rule *r)
{
	return rule_ok(s, r);
}

/* status --format=prometheus (verbs/metrics.c), from the same facts. */
static void print_metrics(struct status *s, bool ok)
{
	struct status_facts f = { .c = &s->x->c,
				  .p = &s->p,
				  .b = &s->b,
				  .stale = s->stale,
				  .satisfied = ok,
				  .rule_satisfied = satisfied_cb,
				  .arg = s };

	metrics_print(stdout, &f);
}

static int build(struct status *s)
{
	static const struct late_opts dry = { .dry = true };
	struct devices *ds = NULL;
	int err;

	err = devices_open(&ds, s->x->sys);
	if (err < 0)
		return err;
	log_mute(1); /* status reports refusals, groups and the later stage itself */
	err = plan_build(&s->p, &s->x->c, ds);
	if (err >= 0 && late_has_rules(&s->x->c, NULL, 0))
		late_run(&s->now, &s->x->c, s->x->root, s->x->sys, &dry);
	log_mute(0);
	devices_close(ds);
	return err;
}

/* A record that cannot be read is logged (what and where); the devices now are still worth showing. */
static void load_records(struct status *s)
{
	if (bootrec_load(s->x->root, &s->b) < 0) {
		bootrec_free(&s->b);
		s->bad_record = true;
	}
	if (bootrec_load_apply(s->x->root, &s->a) < 0)
		bootrec_free(&s->a);
}

static void status_free(struct status *s)
{
	plan_free(&s->p);
	late_free(&s->now);
	bootrec_free(&s->b);
	bootrec_free(&s->a);
}

int cmd_status(struct ctx *x)
{
	struct status s = { .x = x };
	unsigned int i;
	int err;

	if (cli_open_roots(x, true) < 0 || cli_load_config(x, true) < 0)
		return 1;
	load_records(&s);
	if (build(&s) < 0) {
		status_free(&s);
		return 1;
	}
	s.fix = rebuild_command(x->root);
	/* The early run's fingerprint is the config the initramfs holds; a
	 * run-time apply reads /etc, so it says nothing about the image. */
	s.stale = s.b.present && strcmp(s.b.config_sha256, x->r.config_sha256);
	for (i = 0; i < x->c.nrules; i++) {
		s.satisfied += rule_ok(&s, &x->c.rules[i]);
		s.claims += x->c.rules[i].kind == RULE_CLAIM;
	}
	s.rules = x->c.nrules;
	err = all_satisfied(&s) ? 0 : 1;
	if (x->o.prometheus)
		print_metrics(&s, !err);
	else if (x->o.json)
		print_json(&s);
	else
		print_text(&s);
	status_free(&s);
	return err;
}
