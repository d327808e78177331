/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The plan: what gpupass will do to which device, and why.  Built from the
 * config and the current devices, with the safety guards applied (bridges,
 * the boot display, storage, expect=) and IOMMU group viability reported.
 * When several claim rules select a device, the first applies.
 */
#ifndef GPUPASS_PLAN_H
#define GPUPASS_PLAN_H

#include <stdio.h>

#include "pci/devices.h"
#include "policy/config.h"

/* Devices one run handles (claimed, kept, refused, skipped); more are reported once. */
#define PLAN_ACTIONS_MAX 1024

enum action_kind { ACT_CLAIM, ACT_KEEP, ACT_REFUSE, ACT_SKIP };
enum bind_result { BIND_NONE, BIND_OK, BIND_FAILED };

struct action {
	struct gp_device dev;
	const struct rule *rule;
	enum action_kind kind;
	bool companion; /* added by with=functions|group */
	/* The first claim rule that names it (address, device ID), or NULL: by class only. */
	const struct rule *named_by;
	char reason[256];
	/* Filled by bind_device(): */
	enum bind_result result;
	char driver_after[DRIVER_NAME_MAX];
};

/* An endpoint that keeps a claimed device's IOMMU group from being viable. */
struct group_issue {
	int group;
	const struct rule *rule;
	struct pci_addr claimed; /* the claimed device whose group it is */
	struct gp_device member;
};

/*
 * A device a later claim rule selects too.  The first rule applies; the later
 * one still counts the device as selected.  A conflict when the later rule
 * wants what the first does not give (another driver=, a wider with=, an
 * allow-* this device needs, an expect= it does not meet): reported, and a
 * problem.
 */
struct overlap {
	struct pci_addr addr;
	const struct rule *first, *rule;
	bool conflict;
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
	/* Refusals, unmatched rules, non-viable groups, conflicting rules, the cap. */
	unsigned int problems;
	struct group_issue *issues;
	unsigned int nissues;
	struct overlap *overlaps; /* in address order, devices in acts only */
	unsigned int noverlaps;
	/* Selected devices past PLAN_ACTIONS_MAX, left alone: how many, the lowest address. */
	unsigned int over;
	struct pci_addr over_first;
	const struct rule *over_rule;
	unsigned int storage_told; /* the storage guard's reason was logged */
	/* Set by the caller before plan_build() (storage_to_plan()); not owned. */
	const struct protected_dev *protect;
	unsigned int nprotect;
	const char *storage_unresolved; /* why the host's disks are not all known, or NULL */
	/* Set by the caller before plan_build(), for the IOMMU message; may be NULL. */
	struct root *root, *sys;
	/* Set by the caller before apply_plan(): a bind that did not end on its
	 * driver waits for the link to settle (a device just added: the kernel
	 * may defer its probe).  Off at boot and on fake trees. */
	bool settle;
};

/*
 * Returns 0 or -errno; problems found are logged and counted, not returned.
 * p->protect, p->nprotect, p->storage_unresolved, p->root and p->sys are
 * kept; everything else in @p is reset.
 */
int plan_build(struct plan *p, struct config *c, struct devices *ds);
void plan_free(struct plan *p);
/* The action for @a, or NULL. */
struct action *plan_find(const struct plan *p, const struct pci_addr *a);
/* The message for a conflicting overlap: the device, both rules, which applies. */
const char *plan_conflict(const struct plan *p, const struct overlap *o, char *buf, size_t size);
/*
 * The message for a group that will not be viable: the group, the endpoint left
 * on a host driver, and the fix (with=functions for another function of the
 * card, with=group or a rule of its own otherwise, and why a group holds
 * unrelated devices: a bridge without ACS isolation).
 */
const char *plan_group_issue(const struct group_issue *g, char *buf, size_t size);
/* The message for p->over devices left out past PLAN_ACTIONS_MAX. */
const char *plan_cap(const struct plan *p, char *buf, size_t size);
void plan_print(const struct plan *p, FILE *out);
const char *action_kind_name(enum action_kind k);
/* True for drivers that leave a group viable for VFIO (vfio-*, pci-stub, pcieport). */
bool driver_vfio_safe(const char *driver);

#endif
