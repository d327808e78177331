// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "policy/iommu.h"
#include "policy/plan.h"

struct build {
	struct plan *p;
	struct config *c;
	struct devices *ds;
};

const char *action_kind_name(enum action_kind k)
{
	static const char *const names[] = { "claim", "keep", "refuse", "skip" };

	return names[k];
}

bool driver_vfio_safe(const char *driver)
{
	return !*driver || !strncmp(driver, "vfio", 4) || !strcmp(driver, "pci-stub") ||
	       !strcmp(driver, "pcieport");
}

struct action *plan_find(const struct plan *p, const struct pci_addr *a)
{
	unsigned int i;

	for (i = 0; i < p->n; i++)
		if (pci_addr_eq(&p->acts[i].dev.addr, a))
			return &p->acts[i];
	return NULL;
}

/* A selected device the plan has no room for: counted, reported once by report_cap(). */
static void left_out(struct plan *p, const struct pci_addr *addr, const struct rule *r)
{
	if (!p->over || pci_addr_cmp(addr, &p->over_first) < 0) {
		p->over_first = *addr;
		p->over_rule = r;
	}
	p->over++;
}

static struct action *highest(struct plan *p)
{
	struct action *hi = &p->acts[0];
	unsigned int i;

	for (i = 1; i < p->n; i++)
		if (pci_addr_cmp(&p->acts[i].dev.addr, &hi->dev.addr) > 0)
			hi = &p->acts[i];
	return hi;
}

/*
 * Room for one more action.  Past PLAN_ACTIONS_MAX a device is left out: while
 * enumerating (readdir order) the one with the highest address, so which
 * devices are kept never depends on the filesystem; companions, added in
 * address order, simply stop.
 */
static struct action *slot(struct plan *p, const struct gp_device *dev, const struct rule *r,
			   bool companion)
{
	struct action *hi;

	if (p->n < PLAN_ACTIONS_MAX) {
		if (p->n % 32 == 0) {
			struct action *n = realloc(p->acts, (p->n + 32) * sizeof(*n));

			if (!n)
				return NULL;
			p->acts = n;
		}
		return &p->acts[p->n++];
	}
	hi = companion ? NULL : highest(p);
	if (!hi || pci_addr_cmp(&dev->addr, &hi->dev.addr) > 0) {
		left_out(p, &dev->addr, r);
		return NULL;
	}
	left_out(p, &hi->dev.addr, hi->rule);
	return hi;
}

static struct action *add_action(struct plan *p, const struct gp_device *dev, const struct rule *r,
				 bool companion)
{
	struct action *a = slot(p, dev, r, companion);

	if (!a)
		return NULL;
	memset(a, 0, sizeof(*a));
	a->dev = *dev;
	a->rule = r;
	a->kind = ACT_CLAIM;
	a->companion = companion;
	return a;
}

static bool skipped(struct config *c, struct pci_dev *pd)
{
	unsigned int i;

	for (i = 0; i < c->nskip; i++)
		if (selector_match(&c->skip[i], pd))
			return true;
	return false;
}

static bool rule_selects(struct rule *rule, struct pci_dev *pd)
{
	unsigned int s;

	if (rule->kind != RULE_CLAIM)
		return false;
	for (s = 0; s < rule->nsel; s++)
		if (selector_match(&rule->sel[s], pd))
			return true;
	return false;
}

/* The first claim rule from @first on that names @pd (its address, its device ID), or NULL. */
static const struct rule *naming_rule(struct config *c, unsigned int first, struct pci_dev *pd)
{
	unsigned int r, s;

	for (r = first; r < c->nrules; r++) {
		if (c->rules[r].kind != RULE_CLAIM)
			continue;
		for (s = 0; s < c->rules[r].nsel; s++)
			if (selector_names_device(&c->rules[r].sel[s]) &&
			    selector_match(&c->rules[r].sel[s], pd))
				return &c->rules[r];
	}
	return NULL;
}

/*
 * Whether a later rule @b that selects @d too wants what the first, @a (which
 * applies), does not give: another driver, more companions (with=), an
 * allow-boot-vga or allow-storage this device needs, or it has an expect= the
 * device does not meet.
 */
static bool disagree(const struct rule *a, const struct rule *b, const struct gp_device *d)
{
	return strcmp(a->driver, b->driver) || b->with > a->with ||
	       (b->allow_boot_vga && !a->allow_boot_vga && d->boot_vga) ||
	       (b->allow_storage && !a->allow_storage && device_is_storage(d)) ||
	       !rule_expect_met(b, d);
}

static int add_overlap(struct plan *p, const struct gp_device *d, const struct rule *first,
		       const struct rule *later)
{
	struct overlap *n;

	if (p->noverlaps % 16 == 0) {
		n = realloc(p->overlaps, (p->noverlaps + 16) * sizeof(*n));
		if (!n)
			return -ENOMEM;
		p->overlaps = n;
	}
	n = &p->overlaps[p->noverlaps++];
	n->addr = d->addr;
	n->first = first;
	n->rule = later;
	n->conflict = disagree(first, later, d);
	return 0;
}

/*
 * Every later rule that selects @dev too counts it; with @a (the device has an
 * action) it is also remembered with the first rule, which applies.
 */
static int later_rules(struct build *b, const struct gp_device *dev, struct pci_dev *pd,
		       unsigned int first, const struct action *a)
{
	unsigned int r;

	for (r = first + 1; r < b->c->nrules; r++) {
		if (!rule_selects(&b->c->rules[r], pd))
			continue;
		b->p->matches[r]++;
		if (a && add_overlap(b->p, dev, &b->c->rules[first], &b->c->rules[r]) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int match_device(struct gp_device *dev, struct pci_dev *pd, void *data)
{
	struct build *b = data;
	struct action *a;
	unsigned int r;

	for (r = 0; r < b->c->nrules && !rule_selects(&b->c->rules[r], pd); r++)
		;
	if (r == b->c->nrules)
		return 0;
	if (devices_fill(b->ds, dev, pd) < 0)
		return 0; /* logged; the others go on */
	b->p->matches[r]++;
	a = add_action(b->p, dev, &b->c->rules[r], false);
	if (!a && b->p->n < PLAN_ACTIONS_MAX)
		return -ENOMEM;
	if (a)
		a->named_by = naming_rule(b->c, r, pd);
	if (a && skipped(b->c, pd)) {
		a->kind = ACT_SKIP;
		snprintf(a->reason, sizeof(a->reason), "gpupass.skip on the kernel command line");
	}
	return later_rules(b, dev, pd, r, a);
}

static void refuse(struct plan *p, struct action *a, const char *fmt, ...) GP_PRINTF(3, 4);

static void refuse(struct plan *p, struct action *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->reason, sizeof(a->reason), fmt, ap);
	va_end(ap);
	a->kind = ACT_REFUSE;
	p->problems++;
	ERR("%s [%04x:%04x]: %s", a->dev.name, a->dev.vendor, a->dev.device, a->reason);
}

/* The admin vouched for this one device: the rule names its address and says so. */
static bool unresolved_allowed(const struct rule *r, const struct gp_device *d)
{
	struct pci_addr a;
	unsigned int i;

	if (!r->allow_unresolved_storage)
		return false;
	for (i = 0; i < r->nsel; i++)
		if (selector_exact_addr(&r->sel[i], &a) && pci_addr_eq(&a, &d->addr))
			return true;
	return false;
}

/*
 * A rule that selects the boot display only by its class or vendor ("every
 * display controller but the boot display", "::03") did not ask for it: it is
 * skipped, said once as information, and the rule can still be satisfied.
 * Named (its address, its device ID) by any rule, it is refused with the fix.
 */
static void leave_boot_display(struct action *a, const char *origin)
{
	a->kind = ACT_SKIP;
	snprintf(a->reason, sizeof(a->reason),
		 "the boot display, left to the host: selected only by class or vendor");
	INF("%s [%04x:%04x]: the boot display, left to the host: the rule at %s selects it only by class or vendor (name it in a rule with allow-boot-vga to claim it)",
	    a->dev.name, a->dev.vendor, a->dev.device, origin);
}

/* The safety guards, in the order an admin would want to hear about them. */
static void guard(struct plan *p, struct action *a)
{
	const struct rule *r = a->rule;
	const struct gp_device *d = &a->dev;
	char origin[300], named[300], want[48], found[48];
	unsigned int i;

	rule_origin(r, origin, sizeof(origin));
	for (i = 0; i < p->nprotect; i++)
		if (pci_addr_eq(&p->protect[i].addr, &d->addr))
			break;
	if (i < p->nprotect)
		refuse(
		    p, a,
		    "%s; gpupass never claims it, whatever the rule says (remove it from the rule at %s)",
		    p->protect[i].why, origin);
	else if (!a->companion && !rule_expect_met(r, d))
		refuse(
		    p, a,
		    "expected %s here but found %s; not claiming it (fix the address or expect= in the rule at %s)",
		    ids_str(r->expect_vendor, r->expect_device, r->expect_subsys,
			    r->expect_subvendor, r->expect_subdevice, want, sizeof(want)),
		    ids_str(d->vendor, d->device, r->expect_subsys, d->sub_vendor, d->sub_device,
			    found, sizeof(found)),
		    origin);
	else if (device_is_bridge(d))
		refuse(p, a, "is a bridge (class %04x); bridges are never claimed", d->class);
	else if (d->boot_vga && !r->allow_boot_vga && !a->named_by && !a->companion)
		leave_boot_display(a, origin);
	else if (d->boot_vga && !r->allow_boot_vga && a->named_by && a->named_by != r)
		refuse(
		    p, a,
		    "is the boot display, named by the rule at %s; not claiming it (add allow-boot-vga to the rule at %s, which applies, to claim it anyway)",
		    rule_origin(a->named_by, named, sizeof(named)), origin);
	else if (d->boot_vga && !r->allow_boot_vga)
		refuse(
		    p, a,
		    "is the boot display; not claiming it (add allow-boot-vga to the rule at %s to claim it anyway)",
		    origin);
	else if (device_is_storage(d) && !r->allow_storage)
		refuse(
		    p, a,
		    "is a storage controller (class %04x); not claiming it (add allow-storage to the rule at %s if it holds no disk the host needs)",
		    d->class, origin);
	else if (device_is_storage(d) && p->storage_unresolved && !unresolved_allowed(r, d)) {
		if (!p->storage_told++)
			WRN("storage guard: the host's disks are not all known: %s",
			    p->storage_unresolved);
		refuse(
		    p, a,
		    "is a storage controller and the host's disks are not all known (see the storage guard's message); not claiming it (if it holds none of them, name it by address with allow-unresolved-storage in the rule at %s)",
		    origin);
	} else if (!strcmp(d->driver, r->driver))
		a->kind = ACT_KEEP;
}

static bool same_slot(const struct pci_addr *a, const struct pci_addr *b)
{
	return a->domain == b->domain && a->bus == b->bus && a->dev == b->dev;
}

/*
 * Candidates for with=, malloc'ed into *out: every member of the group, or
 * without groups the slot's functions.  Returns the count or -errno.
 */
static int companion_candidates(struct devices *ds, const struct action *a, struct pci_addr **out)
{
	int f;

	if (a->dev.group >= 0)
		return devices_group_members(ds, a->dev.group, out);
	*out = malloc(8 * sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (f = 0; f < 8; f++) {
		(*out)[f] = a->dev.addr;
		(*out)[f].func = f;
	}
	return 8;
}

static int add_companion(struct build *b, struct action *a, const struct pci_addr *m)
{
	struct gp_device dev;
	struct action *c;

	if (a->rule->with == WITH_FUNCTIONS && !same_slot(m, &a->dev.addr))
		return 0;
	if (plan_find(b->p, m) || devices_get(b->ds, m, &dev) < 0)
		return 0;
	if (device_is_bridge(&dev)) {
		INF("%s: not adding bridge %s of its IOMMU group (bridges are never claimed)",
		    a->dev.name, dev.name);
		return 0;
	}
	if (devices_selected(b->ds, &dev, b->c->skip, b->c->nskip)) {
		c = add_action(b->p, &dev, a->rule, true);
		if (c) {
			c->kind = ACT_SKIP;
			snprintf(c->reason, sizeof(c->reason),
				 "gpupass.skip on the kernel command line");
		}
		return 0;
	}
	c = add_action(b->p, &dev, a->rule, true);
	if (!c)
		return b->p->n >= PLAN_ACTIONS_MAX ? 0 : -ENOMEM;
	snprintf(c->reason, sizeof(c->reason), "with=%s of %s", with_mode_name(a->rule->with),
		 a->dev.name);
	guard(b->p, c);
	return 0;
}

static int add_companions(struct build *b)
{
	unsigned int i, nprimary = b->p->n;
	struct pci_addr *members;
	int n, j, err = 0;

	for (i = 0; i < nprimary && err >= 0; i++) {
		struct action a = b->p->acts[i]; /* add_action() may move the array */

		if (a.rule->with == WITH_NONE || (a.kind != ACT_CLAIM && a.kind != ACT_KEEP))
			continue;
		n = companion_candidates(b->ds, &a, &members);
		if (n == -ENOMEM)
			return n;
		/* A group that cannot be listed: check_group() says so. */
		for (j = 0; j < n && err >= 0; j++)
			err = add_companion(b, &a, &members[j]);
		free(members);
	}
	return err;
}

static bool claimed(const struct action *a)
{
	return a && (a->kind == ACT_CLAIM || a->kind == ACT_KEEP);
}

static void record_issue(struct plan *p, const struct action *a, const struct gp_device *m)
{
	struct group_issue *n = realloc(p->issues, (p->nissues + 1) * sizeof(*n));

	if (!n)
		return;
	p->issues = n;
	n[p->nissues].group = a->dev.group;
	n[p->nissues].rule = a->rule;
	n[p->nissues].claimed = a->dev.addr;
	n[p->nissues].member = *m;
	p->nissues++;
}

/* What makes the group viable, for the message of plan_group_issue(). */
static const char *group_fix(const struct group_issue *g, const char *origin, char *buf,
			     size_t size)
{
	const struct gp_device *m = &g->member;

	if (g->rule->with == WITH_NONE && same_slot(&m->addr, &g->claimed))
		snprintf(
		    buf, size,
		    "it is another function of the same card: add with=functions to the rule at %s",
		    origin);
	else if (g->rule->with == WITH_GROUP || same_slot(&m->addr, &g->claimed))
		snprintf(buf, size,
			 "the rule at %s takes it, but it was refused or skipped (see why above)",
			 origin);
	else
		snprintf(
		    buf, size,
		    "add with=group to the rule at %s, or claim %s too; an unrelated device shares the group when a bridge above both lacks ACS isolation, and another slot (often one wired to the CPU) may give the card a group of its own",
		    origin, m->name);
	return buf;
}

const char *plan_group_issue(const struct group_issue *g, char *buf, size_t size)
{
	char claimed[PCI_ADDR_LEN], origin[300], fix[700];

	rule_origin(g->rule, origin, sizeof(origin));
	snprintf(
	    buf, size,
	    "IOMMU group %d will not be viable for %s: %s [%04x:%04x] (driver: %s) is not claimed; %s",
	    g->group, pci_addr_str(&g->claimed, claimed), g->member.name, g->member.vendor,
	    g->member.device, *g->member.driver ? g->member.driver : "none yet",
	    group_fix(g, origin, fix, sizeof(fix)));
	return buf;
}

/* One group: every endpoint must end on a VFIO-safe driver, or VFIO refuses the group. */
static void check_group(struct build *b, const struct action *a)
{
	struct pci_addr *members;
	char origin[300], msg[1200];
	int n, j;

	n = devices_group_members(b->ds, a->dev.group, &members);
	if (n < 0) {
		WRN_ERRNO(
		    n,
		    "IOMMU group %d of %s: cannot list its members: %m; whether it is viable is unknown (see /sys/kernel/iommu_groups/%d/devices; rule at %s)",
		    a->dev.group, a->dev.name, a->dev.group,
		    rule_origin(a->rule, origin, sizeof(origin)));
		b->p->problems++;
		return;
	}
	for (j = 0; j < n; j++) {
		struct gp_device m;

		if (claimed(plan_find(b->p, &members[j])) ||
		    devices_get(b->ds, &members[j], &m) < 0 || device_is_bridge(&m))
			continue;
		if (*m.driver && driver_vfio_safe(m.driver))
			continue;
		record_issue(b->p, a, &m);
		if (b->p->nissues)
			WRN("%s",
			    plan_group_issue(&b->p->issues[b->p->nissues - 1], msg, sizeof(msg)));
		b->p->problems++;
	}
	free(members);
}

static void check_groups(struct build *b)
{
	unsigned int i, k;

	for (i = 0; i < b->p->n; i++) {
		const struct action *a = &b->p->acts[i];
		bool seen = false;

		if (!claimed(a) || a->dev.group < 0)
			continue;
		for (k = 0; k < i && !seen; k++)
			seen = claimed(&b->p->acts[k]) && b->p->acts[k].dev.group == a->dev.group;
		if (!seen)
			check_group(b, a);
	}
}

static void check_iommu(struct build *b)
{
	char fix[400];
	unsigned int i;

	if (b->p->iommu)
		return;
	for (i = 0; i < b->p->n; i++) {
		if (b->p->acts[i].kind != ACT_CLAIM ||
		    strncmp(b->p->acts[i].rule->driver, "vfio", 4))
			continue;
		ERR("no IOMMU groups in sysfs: the IOMMU is off, so vfio-pci cannot take %s; %s; the devices are still kept off their host drivers",
		    b->p->acts[i].dev.name, iommu_fix(b->p->root, b->p->sys, fix, sizeof(fix)));
		b->p->problems++;
		return;
	}
}

static void check_unmatched(struct build *b)
{
	char origin[300];
	unsigned int r;

	for (r = 0; r < b->c->nrules; r++) {
		const struct rule *rule = &b->c->rules[r];

		if (rule->kind != RULE_CLAIM || rule->optional || b->p->matches[r])
			continue;
		WRN("%s: claim matched no PCI device (check the IDs with 'lspci -nn', or add 'optional')",
		    rule_origin(rule, origin, sizeof(origin)));
		b->p->problems++;
	}
}

static int cmp_actions(const void *a, const void *b)
{
	return pci_addr_cmp(&((const struct action *)a)->dev.addr,
			    &((const struct action *)b)->dev.addr);
}

/* By address, then in the order of the later rules. */
static int cmp_overlaps(const void *a, const void *b)
{
	const struct overlap *x = a, *y = b;
	int c = pci_addr_cmp(&x->addr, &y->addr);

	return c ? c : x->rule < y->rule ? -1 : x->rule > y->rule;
}

/* Only devices the plan kept: the others are reported by report_cap(). */
static void prune_overlaps(struct plan *p)
{
	unsigned int i, n = 0;

	for (i = 0; i < p->noverlaps; i++)
		if (plan_find(p, &p->overlaps[i].addr))
			p->overlaps[n++] = p->overlaps[i];
	p->noverlaps = n;
	if (n)
		qsort(p->overlaps, n, sizeof(*p->overlaps), cmp_overlaps);
}

const char *plan_conflict(const struct plan *p, const struct overlap *o, char *buf, size_t size)
{
	const struct action *a = plan_find(p, &o->addr);
	char first[300], later[300], ftext[512], ltext[512];

	rule_origin(o->first, first, sizeof(first));
	rule_origin(o->rule, later, sizeof(later));
	snprintf(
	    buf, size,
	    "%s [%04x:%04x]: selected by the rules at %s and %s, which disagree; the first applies (-> %s), the second is ignored for this device (make only one rule select it, or give both the same options): '%s', '%s'",
	    a ? a->dev.name : "?", a ? a->dev.vendor : 0, a ? a->dev.device : 0, first, later,
	    o->first->driver, rule_format(o->first, ftext, sizeof(ftext)),
	    rule_format(o->rule, ltext, sizeof(ltext)));
	return buf;
}

static void report_conflicts(struct plan *p)
{
	char msg[1600];
	unsigned int i;

	for (i = 0; i < p->noverlaps; i++) {
		if (!p->overlaps[i].conflict)
			continue;
		ERR("%s", plan_conflict(p, &p->overlaps[i], msg, sizeof(msg)));
		p->problems++;
	}
}

const char *plan_cap(const struct plan *p, char *buf, size_t size)
{
	char addr[PCI_ADDR_LEN], origin[300];

	snprintf(
	    buf, size,
	    "more than %d devices selected: %u more are left alone, the first of them %s (selected by the rule at %s); narrow the rules' selectors so that they select fewer devices",
	    PLAN_ACTIONS_MAX, p->over, pci_addr_str(&p->over_first, addr),
	    rule_origin(p->over_rule, origin, sizeof(origin)));
	return buf;
}

static void report_cap(struct plan *p)
{
	char msg[600];

	if (!p->over)
		return;
	ERR("%s", plan_cap(p, msg, sizeof(msg)));
	p->problems++;
}

int plan_build(struct plan *p, struct config *c, struct devices *ds)
{
	struct build b = { p, c, ds };
	unsigned int i;
	int err;

	const struct protected_dev *protect = p->protect;
	unsigned int nprotect = p->nprotect;
	const char *unresolved = p->storage_unresolved;
	struct root *root = p->root, *sys = p->sys;

	memset(p, 0, sizeof(*p));
	p->root = root;
	p->sys = sys;
	p->protect = protect;
	p->nprotect = nprotect;
	p->storage_unresolved = unresolved;
	p->nrules = c->nrules;
	p->matches = calloc(c->nrules + 1, sizeof(*p->matches));
	if (!p->matches)
		return -ENOMEM;
	p->iommu = devices_iommu_present(ds);
	err = devices_foreach(ds, match_device, &b);
	if (err < 0)
		return err;
	/* readdir order is the filesystem's; messages and output go in address order. */
	if (p->n)
		qsort(p->acts, p->n, sizeof(*p->acts), cmp_actions);
	prune_overlaps(p);
	report_conflicts(p);
	for (i = 0; i < p->n; i++)
		if (p->acts[i].kind == ACT_CLAIM)
			guard(p, &p->acts[i]);
	err = add_companions(&b);
	if (err < 0)
		return err;
	if (p->n) /* again, for the companions appended */
		qsort(p->acts, p->n, sizeof(*p->acts), cmp_actions);
	report_cap(p);
	check_unmatched(&b);
	check_iommu(&b);
	check_groups(&b);
	return 0;
}

void plan_free(struct plan *p)
{
	free(p->acts);
	free(p->matches);
	free(p->issues);
	free(p->overlaps);
	memset(p, 0, sizeof(*p));
}

void plan_print(const struct plan *p, FILE *out)
{
	unsigned int i;

	if (p->n == 0)
		fprintf(out, "# no device selected\n");
	for (i = 0; i < p->n; i++) {
		const struct action *a = &p->acts[i];
		char group[16], origin[300];

		snprintf(group, sizeof(group), a->dev.group < 0 ? "-" : "%d", a->dev.group);
		fprintf(out, "%-6s %s [%04x:%04x] class %04x group %-3s %-14s -> %-10s %s",
			action_kind_name(a->kind), a->dev.name, a->dev.vendor, a->dev.device,
			a->dev.class, group, *a->dev.driver ? a->dev.driver : "(none)",
			a->kind == ACT_CLAIM || a->kind == ACT_KEEP ? a->rule->driver : "-",
			rule_origin(a->rule, origin, sizeof(origin)));
		if (*a->reason)
			fprintf(out, ": %s", a->reason);
		fputc('\n', out);
	}
}
