// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * list: every PCI function by IOMMU group, with names from pci.ids, the boot
 * display, GPUs and claimed devices marked; what `lspci -nn` and a loop over
 * /sys/kernel/iommu_groups give by hand.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/log.h"
#include "base/path.h"
#include "pci/devices.h"
#include "policy/plan.h"
#include "policy/status.h"
#include "verbs/cli.h"

#define LIST_MAX 65536

struct list {
	struct devices *ds;
	struct gp_device *devs;
	unsigned int n;
	unsigned int over; /* functions past LIST_MAX, not listed */
};

static int collect(struct gp_device *dev, struct pci_dev *pd, void *data)
{
	struct list *l = data;

	if (l->n >= LIST_MAX) {
		l->over++;
		return 0;
	}
	if (l->n % 64 == 0) {
		struct gp_device *n = realloc(l->devs, (l->n + 64) * sizeof(*n));

		if (!n)
			return -ENOMEM;
		l->devs = n;
	}
	if (devices_fill(l->ds, dev, pd) < 0)
		return 0; /* logged; the others go on */
	l->devs[l->n++] = *dev;
	return 0;
}

/* By group (devices without one last), then by address. */
static int by_group(const void *a, const void *b)
{
	const struct gp_device *x = a, *y = b;
	unsigned int gx = (unsigned int)x->group, gy = (unsigned int)y->group;

	if (gx != gy)
		return gx < gy ? -1 : 1;
	return pci_addr_cmp(&x->addr, &y->addr);
}

static bool is_gpu(const struct gp_device *d)
{
	return d->class >> 8 == PCI_CLASS_BASE_DISPLAY;
}

/* Claimed: on a VFIO driver or pci-stub, or held off host drivers by an override. */
static bool is_claimed(const struct gp_device *d)
{
	return (*d->driver && strcmp(d->driver, "pcieport") && driver_vfio_safe(d->driver)) ||
	       d->has_override;
}

static void print_text(struct list *l)
{
	char name[400];
	unsigned int i;
	int group = -2;

	for (i = 0; i < l->n; i++) {
		const struct gp_device *d = &l->devs[i];

		if (d->group != group) {
			group = d->group;
			if (group < 0)
				printf("no IOMMU group\n");
			else
				printf("IOMMU group %d\n", group);
		}
		printf("  %s [%04x:%04x] %s (driver: %s)%s%s%s\n", d->name, d->vendor, d->device,
		       devices_name(l->ds, d, name, sizeof(name)), *d->driver ? d->driver : "none",
		       d->boot_vga ? " [boot display]" : "", is_gpu(d) ? " [GPU]" : "",
		       is_claimed(d) ? " [claimed]" : "");
	}
}

static void print_json(struct list *l)
{
	char name[400];
	struct json j;
	unsigned int i;

	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_int(&j, "format", 1);
	json_array_begin(&j, "devices");
	for (i = 0; i < l->n; i++) {
		const struct gp_device *d = &l->devs[i];

		json_object_begin(&j, NULL);
		status_json_ids(&j, d);
		json_string(&j, "name", devices_name(l->ds, d, name, sizeof(name)));
		json_int(&j, "iommu_group", d->group);
		json_string(&j, "driver", *d->driver ? d->driver : NULL);
		json_string(&j, "driver_override", d->has_override ? d->override : NULL);
		json_bool(&j, "boot_display", d->boot_vga);
		json_bool(&j, "gpu", is_gpu(d));
		json_bool(&j, "claimed", is_claimed(d));
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
}

int cmd_list(struct ctx *x)
{
	struct list l = { 0 };
	char ids[4096];
	int err;

	if (cli_open_roots(x, true) < 0)
		return 1;
	err = devices_open(&l.ds, x->sys);
	if (err < 0)
		return 1;
	if (strcmp(x->o.root, "/")) {
		snprintf(ids, sizeof(ids), "%s/usr/share/misc/pci.ids", x->o.root);
		devices_use_names(l.ds, ids);
	}
	err = devices_foreach(l.ds, collect, &l);
	if (err < 0) {
		ERR_ERRNO(err, "cannot list PCI devices under %s: %m", root_dir(x->sys));
	} else {
		if (l.n)
			qsort(l.devs, l.n, sizeof(*l.devs), by_group);
		if (x->o.json)
			print_json(&l);
		else
			print_text(&l);
	}
	if (l.over)
		ERR("more than %d PCI functions under %s: %u more are not listed (lspci -D lists them all)",
		    LIST_MAX, root_dir(x->sys), l.over);
	free(l.devs);
	devices_close(l.ds);
	return err < 0 || l.over ? 1 : 0;
}
