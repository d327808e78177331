/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Make a PCI driver available: nothing to do when the kernel already has it
 * (built in or loaded), else load its module and dependencies with libkmod,
 * honouring modprobe.d blacklists.
 */
#ifndef GPUPASS_MODLOAD_H
#define GPUPASS_MODLOAD_H

struct modload;
struct root;

int modload_new(struct modload **out, struct root *root, struct root *sys);
/*
 * Look modules up in /lib/modules/@kver (under the root) instead of the
 * running kernel's; for another kernel than the running one, what the
 * running kernel has loaded counts for nothing in modload_available().
 */
void modload_set_kver(struct modload *m, const char *kver);
void modload_free(struct modload *m);
/* 0 when /sys/bus/pci/drivers/@driver exists afterwards, else -errno (already logged). */
int modload_driver(struct modload *m, const char *driver);

/*
 * Can @driver be had without loading anything (1), by loading a module the
 * kernel's module tree has (0), or not at all (-ENOENT, not logged)?
 */
int modload_available(struct modload *m, const char *driver);

#endif
