/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What turns the IOMMU on, on this machine, for the messages that say it is
 * off.  The kernel's own rules (Documentation/admin-guide/kernel-parameters.txt):
 *   Intel  VT-d on in the firmware, and intel_iommu=on on the kernel command
 *          line (unless the kernel is built with CONFIG_INTEL_IOMMU_DEFAULT_ON).
 *   AMD    the kernel turns AMD-Vi on by itself once the firmware enables the
 *          IOMMU; amd_iommu= takes off, fullflush, force_isolation,
 *          force_enable, pgtbl_v1/v2 and the like: "amd_iommu=on" does nothing
 *          (recent kernels log "AMD-Vi: Unknown option - 'on'").
 *   both   iommu=off (or amd_iommu=off, intel_iommu=off) keeps it off;
 *          iommu=pt is an optional tuning for host devices, not a switch.
 * Which applies is read from the kernel command line, the ACPI tables the
 * firmware gives (DMAR: VT-d, IVRS: AMD-Vi) and the CPU vendor.
 */
#ifndef GPUPASS_IOMMU_H
#define GPUPASS_IOMMU_H

#include <stddef.h>

struct root;

/*
 * The fix, as a phrase for a message ("turn on VT-d in the firmware settings
 * and add intel_iommu=on to the kernel command line"), into @buf.  @root
 * (/proc) and @sys (ACPI tables) may be NULL: what cannot be read is not
 * guessed, and the phrase covers both vendors.
 */
const char *iommu_fix(struct root *root, struct root *sys, char *buf, size_t size);

#endif
