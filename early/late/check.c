// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * 'gpupass check' for the later stage: the same checks apply --late makes
 * before it writes anything (mdev_apply() and sriov_apply() with dry set),
 * and when a GVT-g parent offers no types, which prerequisite is missing.
 */
#include <errno.h>
#include <string.h>

#include "base/log.h"
#include "base/path.h"
#include "pci/pcidev.h"
#include "late/check.h"
#include "late/mdev.h"
#include "late/sriov.h"

/* i915 must drive the iGPU, with GVT-g on, and kvmgt must be loaded. */
static unsigned int check_gvt(struct root *sys, const struct rule *r)
{
	char val[16], addr[PCI_ADDR_LEN], driver[DRIVER_NAME_MAX];
	unsigned int problems = 0;
	int err;

	pci_addr_str(&r->parent, addr);
	pcidev_driver(sys, &r->parent, driver, sizeof(driver));
	if (*driver && strcmp(driver, "i915")) {
		WRN("GVT-g: %s is on %s, not i915: the host's i915 must drive it for GVT-g (remove any claim rule selecting it)",
		    addr, driver);
		problems++;
	}
	if (root_exists(sys, "module/i915") != 1) {
		WRN("GVT-g: the i915 module is not loaded (is it blacklisted, or %s claimed?)",
		    addr);
		return problems + 1;
	}
	err = root_read(sys, "module/i915/parameters/enable_gvt", val, sizeof(val));
	if (err == -ENOENT) {
		WRN("GVT-g: this kernel's i915 has no enable_gvt parameter (built without CONFIG_DRM_I915_GVT); GVT-g needs a kernel built with it");
		problems++;
	} else if (err < 0) {
		WRN_ERRNO(
		    err,
		    "GVT-g: cannot read /sys/module/i915/parameters/enable_gvt: %m (run gpupass check as root)");
		problems++;
	} else if (strcmp(val, "Y") && strcmp(val, "1")) {
		WRN("GVT-g is off in i915 (enable_gvt=%s): add i915.enable_gvt=1 to the kernel command line (GRUB_CMDLINE_LINUX in /etc/default/grub, then update-grub) and reboot",
		    val);
		problems++;
	}
	if (root_exists(sys, "module/kvmgt") != 1) {
		WRN("GVT-g: the kvmgt module is not loaded: 'modprobe kvmgt' now, and 'echo kvmgt > /etc/modules-load.d/gvt-g.conf' for every boot");
		problems++;
	}
	return problems;
}

static unsigned int check_mdev(struct root *sys, const struct rule *r, bool *gvt_checked)
{
	char addr[PCI_ADDR_LEN], origin[300];
	struct mdev_outcome o;
	unsigned int gvt = 0;

	mdev_apply(sys, r, true, &o);
	if (o.result == MDEV_EXISTS || o.result == MDEV_PENDING)
		return 0;
	WRN("mdev %s on %s (%s), %s: %s", r->uuid, pci_addr_str(&r->parent, addr), r->mdev_type,
	    rule_origin(r, origin, sizeof(origin)), o.reason);
	/* The GVT-g prerequisites once, however many GVT-g rules there are. */
	if (o.result == MDEV_SKIPPED && !strncmp(r->mdev_type, "i915-", 5) && !*gvt_checked) {
		*gvt_checked = true;
		gvt = check_gvt(sys, r);
	}
	return gvt + 1;
}

static unsigned int check_sriov(struct root *sys, const struct rule *r)
{
	char addr[PCI_ADDR_LEN], origin[300];
	struct sriov_outcome o;

	sriov_apply(sys, NULL, NULL, r, true, &o);
	sriov_outcome_free(&o);
	if (o.result == SRIOV_OK || o.result == SRIOV_PENDING)
		return 0;
	WRN("sriov %s (%s): %s", pci_addr_str(&r->parent, addr),
	    rule_origin(r, origin, sizeof(origin)), o.reason);
	return 1;
}

int late_check(const struct config *c, struct root *sys)
{
	bool gvt_checked = false;
	unsigned int i, problems = 0;

	if (!sys)
		return -EINVAL;
	for (i = 0; i < c->nrules; i++) {
		const struct rule *r = &c->rules[i];

		if (r->kind == RULE_MDEV)
			problems += check_mdev(sys, r, &gvt_checked);
		else if (r->kind == RULE_SRIOV)
			problems += check_sriov(sys, r);
	}
	return problems;
}
