// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <string.h>

#include "base/path.h"
#include "policy/iommu.h"

#define FIRMWARE "in the firmware (BIOS/UEFI) settings"

/* The switch on the command line that keeps the IOMMU off ("iommu=off"), or NULL. */
static const char *off_switch(struct root *root, char *word, size_t size)
{
	static const char *const keys[] = { "iommu=", "amd_iommu=", "intel_iommu=" };
	char line[4096], *w, *save = NULL, *v, *vsave;
	unsigned int k;

	if (!root || root_read(root, "/proc/cmdline", line, sizeof(line)) < 0)
		return NULL;
	for (w = strtok_r(line, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
		for (k = 0; k < 3 && strncmp(w, keys[k], strlen(keys[k])); k++)
			;
		if (k == 3)
			continue;
		snprintf(word, size, "%s", w);
		/* Values are comma lists ("intel_iommu=on,igfx_off"): "off" only as one. */
		for (v = strtok_r(w + strlen(keys[k]), ",", &vsave); v;
		     v = strtok_r(NULL, ",", &vsave))
			if (!strcmp(v, "off"))
				return word;
	}
	return NULL;
}

/* "intel", "amd" (Hygon's CPUs too: AMD's IOMMU), or "" when /proc/cpuinfo does not say. */
static const char *cpu_vendor(struct root *root)
{
	char buf[4096];

	if (!root || root_read(root, "/proc/cpuinfo", buf, sizeof(buf)) < 0)
		return "";
	if (strstr(buf, "GenuineIntel"))
		return "intel";
	if (strstr(buf, "AuthenticAMD") || strstr(buf, "HygonGenuine"))
		return "amd";
	return "";
}

static const char *by_vendor(const char *vendor, char *buf, size_t size)
{
	if (!strcmp(vendor, "intel"))
		snprintf(buf, size,
			 "turn on VT-d " FIRMWARE
			 " and add intel_iommu=on to the kernel command line");
	else if (!strcmp(vendor, "amd"))
		snprintf(
		    buf, size,
		    "turn on the IOMMU (\"IOMMU\", \"AMD-Vi\" or \"AMD IOMMU\") " FIRMWARE
		    "; the kernel then uses it with no parameter (amd_iommu=on is not a value the kernel knows)");
	else
		snprintf(
		    buf, size,
		    "turn on VT-d (Intel) or the IOMMU/AMD-Vi (AMD) " FIRMWARE
		    "; Intel CPUs also need intel_iommu=on on the kernel command line, AMD CPUs no parameter");
	return buf;
}

const char *iommu_fix(struct root *root, struct root *sys, char *buf, size_t size)
{
	char word[64];
	const char *off = off_switch(root, word, sizeof(word));

	if (off)
		snprintf(
		    buf, size,
		    "remove %s from the kernel command line (GRUB_CMDLINE_LINUX in /etc/default/grub, then update-grub)",
		    off);
	else if (sys && root_exists(sys, "firmware/acpi/tables/DMAR") == 1)
		snprintf(
		    buf, size,
		    "the firmware has VT-d on (ACPI DMAR table): add intel_iommu=on to the kernel command line (GRUB_CMDLINE_LINUX in /etc/default/grub, then update-grub)");
	else if (sys && root_exists(sys, "firmware/acpi/tables/IVRS") == 1)
		snprintf(
		    buf, size,
		    "the firmware has AMD-Vi on (ACPI IVRS table) but the kernel did not use it: see 'dmesg | grep AMD-Vi' (a kernel built without CONFIG_AMD_IOMMU, or a platform it distrusts)");
	else
		by_vendor(cpu_vendor(root), buf, size);
	return buf;
}
