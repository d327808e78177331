/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The storage guard: the PCI controllers behind /, /boot, /boot/efi, /usr
 * and swap, now (mountinfo, swaps) and at the next boot (fstab, root= and
 * resume= on the kernel command line; UUID=, LABEL=, PARTUUID= through
 * /dev/disk/by-* or libblkid).  gpupass never claims them, whatever the
 * config says.
 *
 * It fails closed: when a host disk cannot be traced to its PCI function
 * (ZFS, btrfs over several disks, a root on tmpfs or NFS, a mountinfo over
 * the reader's limit, an image without the list below), st->unresolved says
 * why, and the plan refuses every storage controller a rule selects unless
 * that rule names it by address with allow-unresolved-storage.
 *
 * The early run has nothing mounted to look at: the initramfs hooks bake
 * what the running system resolved into STORAGE_BAKED (gpupass protected),
 * and the boot adds what its own kernel command line says.  So check, plan
 * and the boot decide alike.
 */
#ifndef GPUPASS_STORAGE_H
#define GPUPASS_STORAGE_H

#include <stdio.h>

#include "policy/plan.h"

#define STORAGE_MAX 32
#define STORAGE_SPECS_MAX 8
#define STORAGE_WHY_MAX 768
#define STORAGE_BAKED "/etc/gpupass.protected"

struct storage {
	struct protected_dev dev[STORAGE_MAX];
	unsigned int n;
	/* root=/resume= values of the kernel command line that were traced. */
	char specs[STORAGE_SPECS_MAX][128];
	unsigned int nspecs;
	/* Why some host disk could not be traced; "" when every one was. */
	char unresolved[STORAGE_WHY_MAX];
};

struct root;
/*
 * The running system (or a captured tree): mountinfo, swaps, fstab,
 * /proc/cmdline.  In a chroot (root_chrooted()) swaps and the command line
 * are the build host's and are left out: the chroot's / must be a mount of
 * its own (its disk is traced as usual), its fstab says the rest, and the
 * UUID=/LABEL= specs traced there are recorded for the boot's root=.
 */
void storage_protected(struct root *root, struct root *sys, struct storage *st);
/* The early run: STORAGE_BAKED from the image, and root=/resume= of this boot. */
void storage_boot(struct root *root, struct root *sys, struct storage *st);
/* @st in STORAGE_BAKED's format (what 'gpupass protected' prints). */
void storage_print(const struct storage *st, FILE *f);
/* Point @p at what @st protects, for plan_build(). */
void storage_to_plan(const struct storage *st, struct plan *p);

#endif
