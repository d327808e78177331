/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The plan: what gpupass will do to which device, and why.  Built from the
 * config and the current devices, with the safety guards applied (bridges,
 * the boot display, storage, expect=) and IOMMU group viability reported.
 */
#ifndef GPUPASS_PLAN_H
#define GPUPASS_PLAN_H

#include <stdio.h>

#include "pci/devices.h"
#include "policy/config.h"

#define PLAN_ACTIONS_MAX 1024
#define GROUP_MEMBERS_MAX 64

enum action_kind { ACT_CLAIM, ACT_KEEP, ACT_REFUSE, ACT_SKIP };
enum bind_result { BIND_NONE, BIND_OK, BIND_FAILED };

struct action {
	struct gp_device dev;
	const struct rule *rule;
	enum action_kind kind;
	bool companion; /* added by with=functions|group */
	char reason[256];
	/* Filled by bind_device(): */
	enum bind_result result;
	char driver_after[DRIVER_NAME_MAX];
};

/* An endpoint that keeps a claimed device's IOMMU group from being viable. */
struct group_issue {
	int group;
	const struct rule *rule;
	struct gp_device member;
};

/* A device the host needs (it holds /, /boot or swap): never claimed. */
struct protected_dev {
	struct pci_addr addr;
	char why[320];
};

struct plan {
	struct action *acts;
	unsigned int n;
	unsigned int *matches; /* per rule index: devices it selected */
	unsigned int nrules;
	bool iommu;
	unsigned int problems; /* refusals, unmatched rules, non-viable groups */
	struct group_issue *issues;
	unsigned int nissues;
	unsigned int storage_told; /* the storage guard's reason was logged */
	/* Set by the caller before plan_build() (storage_to_plan()); not owned. */
	const struct protected_dev *protect;
	unsigned int nprotect;
	const char *storage_unresolved; /* why the host's disks are not all known, or NULL */
};

/*
 * Returns 0 or -errno; problems found are logged and counted, not returned.
 * p->protect, p->nprotect and p->storage_unresolved are kept; everything
 * else in @p is reset.
 */
int plan_build(struct plan *p, struct config *c, struct devices *ds);
void plan_free(struct plan *p);
void plan_print(const struct plan *p, FILE *out);
const char *action_kind_name(enum action_kind k);
/* True for drivers that leave a group viable for VFIO (vfio-*, pci-stub, pcieport). */
bool driver_vfio_safe(const char *driver);

#endif
