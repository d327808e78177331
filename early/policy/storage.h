/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The storage guard: the PCI controllers behind /, /boot, /boot/efi, /usr
 * and swap, now (mountinfo, swaps) and at the next boot (fstab, root= on the
 * kernel command line; UUID=, LABEL=, PARTUUID= through libblkid).  gpupass
 * never claims them, whatever the config says.
 */
#ifndef GPUPASS_STORAGE_H
#define GPUPASS_STORAGE_H

#include "policy/plan.h"

#define STORAGE_MAX 32

struct root;
/* Fill @out (at most STORAGE_MAX); returns the count.  Unresolvable entries are skipped. */
int storage_protected(struct root *root, struct root *sys, struct protected_dev *out);

#endif
