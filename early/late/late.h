/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The later stage: the config's mdev and sriov rules, carried out once their
 * parent's driver is up (gpupass apply --late, run by the udev rule for one
 * parent, by the systemd unit or by hand), and its record
 * /run/gpupass/late.json, which 'gpupass status' reads.
 *
 * A run acts on the rules of the parents it was given (all when none) and
 * only looks at the others, so that late.json always describes every rule.
 * Each rule's outcome is logged once here ("mdev UUID on PARENT (TYPE): ...",
 * "sriov PF: ..."); one failing rule never stops the others.
 */
#ifndef GPUPASS_LATE_H
#define GPUPASS_LATE_H

#include <stdbool.h>
#include <stdio.h>

#include "policy/config.h"
#include "late/mdev.h"
#include "late/sriov.h"

#define LATE_FORMAT 1

struct late_mdev {
	const struct rule *rule;
	bool acted; /* a parent of this run (else only looked at) */
	struct mdev_outcome o;
};

struct late_sriov {
	const struct rule *rule;
	bool acted;
	struct sriov_outcome o;
};

struct late {
	struct late_mdev *mdevs;
	unsigned int nmdevs;
	struct late_sriov *sriov;
	unsigned int nsriov;
	unsigned int problems; /* failed, or not ready, among the rules acted on */
};

struct late_opts {
	const struct pci_addr *only; /* act on the rules of these parents; NULL: all */
	unsigned int nonly;
	bool dry; /* write nothing; say what would be done */
};

struct root;

/* True when a mdev or sriov rule of @c has its parent among @only (or @nonly is 0). */
bool late_has_rules(const struct config *c, const struct pci_addr *only, unsigned int nonly);
/* Carry out the rules.  Returns 0, or -errno when nothing could be tried (logged). */
int late_run(struct late *l, const struct config *c, struct root *root, struct root *sys,
	     const struct late_opts *o);
void late_free(struct late *l);
/* @l as late.json to @f. */
void late_print(const struct late *l, FILE *f);
/* Write @l to LATE_PATH (bootrec.h) under @root.  Returns 0 or -errno (not logged). */
int late_write(struct root *root, const struct late *l);

/*
 * 'gpupass mdev start': make the mdev of @r now, whatever its start=.  Logs
 * the outcome; returns 0 when it exists afterwards, else -errno.
 */
int late_mdev_start(struct root *sys, const struct rule *r);

#endif
