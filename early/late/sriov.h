/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SR-IOV virtual functions, made the way Documentation/PCI/pci-iov-howto.rst
 * and the sysfs ABI describe, with no host driver ever touching a VF:
 *
 *   sriov_drivers_autoprobe = 0        new VFs are probed by nobody...
 *   sriov_numvfs = 0, then N           (the kernel refuses N over another N)
 *   VF driver_override = DRIVER, probe ...but the driver the config names
 *   read each VF's driver link         the truth
 *   sriov_drivers_autoprobe = before
 *
 * VF addresses come from the PF's virtfnN links, through the strict
 * pci_addr_parse().  Only bind_device() logs (per VF); the rule's outcome
 * is the caller's to log.
 */
#ifndef GPUPASS_SRIOV_H
#define GPUPASS_SRIOV_H

#include <stdbool.h>

#include "pci/pciaddr.h"
#include "policy/config.h"
#include "late/outcome.h"

enum sriov_result {
	SRIOV_OK,
	SRIOV_FAILED,
	SRIOV_SKIPPED, /* the PF is not there or has no driver yet */
	SRIOV_PENDING, /* @dry: something would be done now */
};

struct sriov_vf {
	struct pci_addr addr;
	char driver[DRIVER_NAME_MAX]; /* "" when unbound */
};

struct sriov_outcome {
	enum sriov_result result;
	char reason[OUTCOME_REASON_MAX];
	struct sriov_vf *vfs; /* the VFs found, malloc'ed */
	unsigned int nvfs;
};

struct devices;
struct modload;
struct root;

/* "ok", "failed", "skipped" (pending ones are not done: "skipped"). */
const char *sriov_result_name(enum sriov_result r);

/*
 * Give the PF of @r (a RULE_SRIOV rule) r->vfs VFs, each on r->driver.
 * Nothing is written when the count is right and every VF is on its driver.
 * @m loads the VF driver when one must be bound (NULL: only a driver already
 * in the kernel is used); @ds looks VFs up.  With @dry nothing is written and
 * work to do is SRIOV_PENDING.  Fills @o (free it with sriov_outcome_free());
 * returns 0 when done (or pending), else -errno.
 */
int sriov_apply(struct root *sys, struct devices *ds, struct modload *m, const struct rule *r,
		bool dry, struct sriov_outcome *o);
void sriov_outcome_free(struct sriov_outcome *o);

#endif
