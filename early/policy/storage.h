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
	/*
	 * Built in a chroot: "SPEC WHAT" of the target's fstab, which only the
	 * boot's own sysfs can trace (no address is taken from the build host's).
	 */
	char traces[STORAGE_SPECS_MAX][384];
	unsigned int ntraces;
	/* Why some host disk could not be traced; "" when every one was. */
	char unresolved[STORAGE_WHY_MAX];
};

struct root;
/*
 * The running system (or a captured tree): mountinfo, swaps, fstab,
 * /proc/cmdline.  In a chroot (root_chrooted()) /proc, /dev and sysfs are
 * the build host's: nothing is traced, the chroot's fstab entries for /,
 * /boot, /boot/efi, /usr and swap are listed as traces for the boot.
 */
void storage_protected(struct root *root, struct root *sys, struct storage *st);
/*
 * The early run: STORAGE_BAKED from the image (its traces resolved through
 * this boot's sysfs: kernel names only, anything else is unresolved before
 * udev), and root=/resume= of this boot.
 */
void storage_boot(struct root *root, struct root *sys, struct storage *st);
/* @st in STORAGE_BAKED's format (what 'gpupass protected' prints). */
void storage_print(const struct storage *st, FILE *f);
/* Point @p at what @st protects, for plan_build(); untraced traces are unresolved. */
void storage_to_plan(const struct storage *st, struct plan *p);

#endif
