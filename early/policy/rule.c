// SPDX-License-Identifier: GPL-2.0-or-later
/* Rules as messages and "gpupass plan" show them: their origin and their text. */
#include <stdio.h>
#include <string.h>

#include "pci/devices.h"
#include "policy/config.h"

const char *rule_kind_name(enum rule_kind k)
{
	static const char *const names[] = { "claim", "mdev", "sriov" };

	return names[k];
}

const char *with_mode_name(enum with_mode w)
{
	static const char *const names[] = { "none", "functions", "group" };

	return names[w];
}

const char *rule_origin(const struct rule *r, char *buf, size_t size)
{
	if (!r->file)
		snprintf(buf, size, "kernel command line");
	else
		snprintf(buf, size, "%s:%u", r->file, r->line);
	return buf;
}

const char *rule_format(const struct rule *r, char *buf, size_t size)
{
	char addr[PCI_ADDR_LEN];
	FILE *f = fmemopen(buf, size, "w");
	unsigned int i;

	if (!f) {
		snprintf(buf, size, "%s", rule_kind_name(r->kind));
		return buf;
	}
	fputs(rule_kind_name(r->kind), f);
	for (i = 0; i < r->nsel; i++)
		fprintf(f, " %s", r->sel[i].text);
	if (r->kind != RULE_CLAIM)
		fprintf(f, " %s", pci_addr_str(&r->parent, addr));
	if (r->kind == RULE_MDEV)
		fprintf(f, " %s %s%s", r->mdev_type, r->uuid,
			r->start_manual ? " start=manual" : "");
	if (r->kind == RULE_SRIOV)
		fprintf(f, " vfs=%u", r->vfs);
	if (r->kind != RULE_MDEV && strcmp(r->driver, DEFAULT_DRIVER))
		fprintf(f, " driver=%s", r->driver);
	if (r->with != WITH_NONE)
		fprintf(f, " with=%s", with_mode_name(r->with));
	if (r->has_expect)
		fprintf(f, " expect=%04x:%04x", r->expect_vendor, r->expect_device);
	if (r->has_expect && r->expect_subsys)
		fprintf(f, ":%04x:%04x", r->expect_subvendor, r->expect_subdevice);
	fprintf(f, "%s%s%s%s", r->allow_boot_vga ? " allow-boot-vga" : "",
		r->allow_unresolved_storage ? " allow-unresolved-storage"
		: r->allow_storage	    ? " allow-storage"
					    : "",
		r->allow_any_class ? " allow-any-class" : "", r->optional ? " optional" : "");
	fclose(f);
	return buf;
}

bool rule_expect_met(const struct rule *r, const struct gp_device *d)
{
	if (!r->has_expect)
		return true;
	return d->vendor == r->expect_vendor && d->device == r->expect_device &&
	       (!r->expect_subsys ||
		(d->sub_vendor == r->expect_subvendor && d->sub_device == r->expect_subdevice));
}

const char *ids_str(uint16_t vendor, uint16_t device, bool subsys, uint16_t sv, uint16_t sd,
		    char *buf, size_t size)
{
	if (subsys)
		snprintf(buf, size, "%04x:%04x (subsystem %04x:%04x)", vendor, device, sv, sd);
	else
		snprintf(buf, size, "%04x:%04x", vendor, device);
	return buf;
}
