// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check [--kver VERSION] [FILE]: the config's grammar, then on a running
 * system (or a captured tree) the IOMMU, the driver modules, the storage
 * guard, rules that disagree on a device, and the later stage's
 * prerequisites.  The initramfs hooks run it for the kernel the image is
 * for (--kver): modules are looked up in that kernel's tree, and the IOMMU
 * state, which only the running kernel shows, is not judged for another
 * kernel.  In a chroot no device is judged: sysfs is the build host's.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>
#include <string.h>

#include "base/json.h"
#include "base/log.h"
#include "base/path.h"
#include "pci/devices.h"
#include "pci/modload.h"
#include "policy/iommu.h"
#include "policy/plan.h"
#include "policy/storage.h"
#include "late/check.h"
#include "late/late.h"
#include "verbs/cli.h"
#include "verbs/messages.h"
#include "verbs/planjson.h"

/* The kernel the checks are for: --kver, else the running one. */
static const char *kernel(struct ctx *x, struct utsname *u)
{
	if (uname(u) < 0)
		snprintf(u->release, sizeof(u->release), "(unknown)");
	return x->o.kver ? x->o.kver : u->release;
}

static unsigned int check_iommu(struct ctx *x, struct devices *ds)
{
	struct utsname u;
	const char *kver = kernel(x, &u);
	char fix[400];

	if (strcmp(kver, u.release)) {
		printf(
		    "iommu: not checked: the image is for kernel %s, and only the running one (%s) shows its IOMMU state\n",
		    kver, u.release);
		return 0;
	}
	if (devices_iommu_present(ds))
		return 0;
	ERR("the IOMMU is off (no IOMMU groups in sysfs): %s",
	    iommu_fix(x->root, x->sys, fix, sizeof(fix)));
	return 1;
}

static unsigned int check_modules(struct ctx *x)
{
	struct modload *m = NULL;
	unsigned int i, k, errors = 0;
	struct utsname u;
	const char *kver = kernel(x, &u);

	if (modload_new(&m, x->root, x->sys) < 0)
		return 1;
	if (x->o.kver)
		modload_set_kver(m, x->o.kver);
	for (i = 0; i < x->c.nrules; i++) {
		const char *drv = x->c.rules[i].driver;

		for (k = 0; k < i && strcmp(x->c.rules[k].driver, drv); k++)
			;
		if (k < i || x->c.rules[i].kind == RULE_MDEV || modload_available(m, drv) >= 0)
			continue;
		ERR("driver %s (rule at %s:%u) is not built in, %sand kernel %s has no module for it; install it or fix driver=",
		    drv, x->c.rules[i].file ? x->c.rules[i].file : "kernel command line",
		    x->c.rules[i].line, strcmp(kver, u.release) ? "" : "not loaded, ", kver);
		errors++;
	}
	modload_free(m);
	return errors;
}

static bool any_allow_storage(const struct config *c)
{
	unsigned int i;

	for (i = 0; i < c->nrules; i++)
		if (c->rules[i].allow_storage)
			return true;
	return false;
}

/*
 * Claims that would take a disk the host needs are errors, allow-storage or
 * not, and so are storage claims refused because the disks are not all known.
 */
static unsigned int check_storage(const struct plan *p)
{
	unsigned int i, k, errors = 0;

	for (i = 0; i < p->n; i++) {
		const struct action *a = &p->acts[i];

		if (a->kind != ACT_REFUSE)
			continue;
		for (k = 0; k < p->nprotect; k++)
			if (pci_addr_eq(&p->protect[k].addr, &a->dev.addr))
				break;
		if (k == p->nprotect && !(p->storage_unresolved && a->rule->allow_storage &&
					  device_is_storage(&a->dev)))
			continue;
		ERR("%s [%04x:%04x]: %s", a->dev.name, a->dev.vendor, a->dev.device, a->reason);
		errors++;
	}
	return errors;
}

/* What only the devices show about the config: rules that disagree on one, too many selected. */
static unsigned int check_selection(const struct plan *p)
{
	char msg[1600];
	unsigned int i, errors = 0;

	for (i = 0; i < p->noverlaps; i++) {
		if (!p->overlaps[i].conflict)
			continue;
		ERR("%s", plan_conflict(p, &p->overlaps[i], msg, sizeof(msg)));
		errors++;
	}
	if (p->over) {
		ERR("%s", plan_cap(p, msg, sizeof(msg)));
		errors++;
	}
	return errors;
}

/* Groups a claim leaves with an endpoint on a host driver: VFIO would refuse them. */
static unsigned int check_groups(const struct plan *p)
{
	char msg[1200];
	unsigned int i;

	for (i = 0; i < p->nissues; i++)
		WRN("%s", plan_group_issue(&p->issues[i], msg, sizeof(msg)));
	return p->nissues;
}

/* The plan, built quietly ('gpupass plan' shows the rest): the storage guard, the selection. */
static unsigned int check_plan(struct ctx *x, struct devices *ds)
{
	struct plan p = { 0 };
	struct storage st;
	unsigned int errors;
	int err;

	storage_protected(x->root, x->sys, &st);
	storage_to_plan(&st, &p);
	if (st.unresolved[0] && any_allow_storage(&x->c))
		WRN("storage guard: cannot tell which PCI functions hold the host's disks (%s); every storage controller a rule selects is refused unless the rule names it by address with allow-unresolved-storage",
		    st.unresolved);
	log_mute(1);
	err = plan_build(&p, &x->c, ds);
	log_mute(0);
	errors = err < 0 ? 1 : check_storage(&p) + check_selection(&p) + check_groups(&p);
	plan_free(&p);
	return errors;
}

static bool have_devices(struct ctx *x)
{
	return x->sys && root_exists(x->sys, "bus/pci/devices") == 1;
}

/* On a running system (or a captured tree): IOMMU, modules, the storage guard. */
static unsigned int check_system(struct ctx *x)
{
	struct devices *ds = NULL;
	unsigned int errors;

	if (!have_devices(x)) {
		if (!x->o.json)
			printf(
			    "system checks skipped: no PCI devices in sysfs (a chroot or image build)\n");
		return 0;
	}
	if (devices_open(&ds, x->sys) < 0)
		return 1;
	errors = check_iommu(x, ds) + check_modules(x) + check_plan(x, ds);
	devices_close(ds);
	return errors;
}

static const char *config_name(const struct ctx *x)
{
	return x->o.config ? x->o.config : "/etc/gpupass.conf (+ /etc/gpupass.d)";
}

/* check --json: the config, its rules, whether the system was looked at, every message. */
static void print_json(struct ctx *x, bool system, unsigned int sys_errors)
{
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_int(&j, "format", 1);
	json_string(&j, "config", config_name(x));
	planjson_rules(&j, &x->c, NULL);
	json_int(&j, "config_errors", x->c.errors);
	json_bool(&j, "system_checked", system);
	json_int(&j, "system_errors", sys_errors);
	json_bool(&j, "ok", !x->c.errors && !sys_errors);
	messages_json(&j);
	json_object_end(&j);
}

static int by_version(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Without --kver in a chroot the running kernel is the build host's, and
 * neither its modules nor what it has loaded say anything of this root:
 * every kernel installed here is judged (a directory with modules.dep, as
 * update-initramfs -k all builds an image for each; the first 64).
 */
static unsigned int check_root_kernels(struct ctx *x)
{
	unsigned int errors = 0, n = 0, i;
	char rel[320], *kvers[64];
	struct dirent *de;
	DIR *dh;

	dh = root_opendir_in_root(x->root, "lib/modules");
	while (dh && n < sizeof(kvers) / sizeof(kvers[0]) && (de = readdir(dh))) {
		snprintf(rel, sizeof(rel), "lib/modules/%s/modules.dep", de->d_name);
		if (de->d_name[0] != '.' && root_exists(x->root, rel) == 1 &&
		    (kvers[n] = strdup(de->d_name)))
			n++;
	}
	if (dh)
		closedir(dh);
	/* In version order, so that the messages are. */
	qsort(kvers, n, sizeof(*kvers), by_version);
	for (i = 0; i < n; i++) {
		x->o.kver = kvers[i];
		errors += check_modules(x);
		free(kvers[i]);
	}
	x->o.kver = NULL;
	if (!n && !x->o.json)
		printf("modules: not checked: no kernel with modules.dep in /lib/modules\n");
	return errors;
}

/*
 * In a chroot sysfs is the build host's: what it shows of devices (selectors,
 * sriov and mdev parents, groups, the boot display, the host's disks, the
 * IOMMU) is about another machine.  Only the image's own part is judged: the
 * modules of the kernel it is for (--kver; else of each kernel installed),
 * in the chroot's /lib/modules.
 */
static unsigned int check_image(struct ctx *x, bool sys_ok)
{
	if (!x->o.json)
		printf("devices: not checked: in a chroot, sysfs is the build host's\n");
	if (!sys_ok || !x->c.nrules)
		return 0;
	return x->o.kver ? check_modules(x) : check_root_kernels(x);
}

int cmd_check(struct ctx *x)
{
	unsigned int i, kinds[3] = { 0 }, sys_errors;
	bool sys_ok, chroot;

	if (x->argc > 0)
		x->o.config = x->argv[0];
	if (x->o.json)
		messages_collect();
	if (cli_open_roots(x, false) < 0 || cli_load_config(x, true) < 0)
		return 1;
	for (i = 0; i < x->c.nrules; i++)
		kinds[x->c.rules[i].kind]++;
	if (!x->o.json)
		printf("%s: %u claim, %u mdev, %u sriov rules, %u errors\n", config_name(x),
		       kinds[0], kinds[1], kinds[2], x->c.errors);
	/* Quietly: a missing sysfs only means "not on a running system". */
	log_mute(1);
	sys_ok = cli_open_roots(x, true) >= 0;
	log_mute(0);
	chroot = root_chrooted(x->root) == 1;
	if (chroot)
		sys_errors = check_image(x, sys_ok);
	else
		sys_errors = sys_ok && kinds[RULE_CLAIM] + kinds[RULE_SRIOV] ? check_system(x) : 0;
	/* mdev and sriov prerequisites (i915 enable_gvt, kvmgt, SR-IOV capability). */
	if (!chroot && sys_ok && kinds[RULE_MDEV] + kinds[RULE_SRIOV] && have_devices(x)) {
		int late = late_check(&x->c, x->sys);

		sys_errors += late > 0 ? late : 0;
	}
	if (x->o.json)
		print_json(x, !chroot && sys_ok && have_devices(x), sys_errors);
	else if (sys_ok && sys_errors)
		printf("system: %u errors\n", sys_errors);
	return x->c.errors || sys_errors ? 1 : 0;
}
