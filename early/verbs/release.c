// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * release SEL... | --all: give devices back to their normal drivers.  --all
 * takes every device held by a driver_override (what gpupass sets).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/path.h"
#include "pci/devices.h"
#include "pci/pcidev.h"
#include "policy/inuse.h"
#include "policy/plan.h"
#include "verbs/cli.h"

struct release {
	struct ctx *x;
	struct devices *ds;
	struct selector *sel;
	unsigned int nsel;
	struct gp_device *devs; /* held devices selected, released in address order */
	unsigned int n;
};

static int collect(struct gp_device *dev, struct pci_dev *pd, void *data)
{
	struct release *r = data;
	struct gp_device *n;
	unsigned int i;
	bool hit = r->x->o.all;

	for (i = 0; i < r->nsel && !hit; i++)
		hit = selector_match(&r->sel[i], pd);
	if (!hit)
		return 0;
	if (devices_fill(r->ds, dev, pd) < 0)
		return 0; /* logged; the others go on */
	/* Held by gpupass: an override, or a VFIO/pci-stub driver. */
	if (!dev->has_override &&
	    (!*dev->driver || !strcmp(dev->driver, "pcieport") || !driver_vfio_safe(dev->driver)))
		return 0;
	n = realloc(r->devs, (r->n + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	r->devs = n;
	r->devs[r->n++] = *dev;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct gp_device *)a)->name, ((const struct gp_device *)b)->name);
}

/*
 * Give @d back to its normal driver: clear driver_override (a lone newline
 * clears it, drivers/base/driver.c), unbind it from the claiming driver,
 * probe.  The driver it ends on (or "") goes to @after.  Returns 0 when some
 * driver took it, -ENODEV when none did, or -errno (logged here).
 */
static int release_device(struct root *sys, const struct gp_device *d, char *after, size_t size)
{
	enum rebind_step step;
	int err;

	err = pcidev_rebind(sys, &d->addr, d->driver, "\n", after, size, &step);
	if (err < 0 && step == REBIND_OVERRIDE)
		return ERR_ERRNO(
		    err, "%s [%04x:%04x]: cannot clear driver_override: %m; not releasing it",
		    d->name, d->vendor, d->device);
	if (err < 0)
		return ERR_ERRNO(err, "%s [%04x:%04x]: cannot unbind it from %s: %m", d->name,
				 d->vendor, d->device, d->driver);
	return *after ? 0 : -ENODEV;
}

/* Returns 0 when the device ended off VFIO, 1 otherwise. */
static int release_one(struct release *r, const struct gp_device *d)
{
	char after[DRIVER_NAME_MAX], why[INUSE_WHY_MAX];
	int err;

	if (!r->x->o.force && inuse_check(r->x->sys, r->x->root, &d->addr, why, sizeof(why)) > 0) {
		ERR("%s [%04x:%04x]: in use, not releasing it from %s: %s; stop what holds it, or use --force",
		    d->name, d->vendor, d->device, *d->driver ? d->driver : "its driver_override",
		    why);
		return 1;
	}
	if (r->x->o.dry_run) {
		printf("%s [%04x:%04x]: would release it from %s\n", d->name, d->vendor, d->device,
		       *d->driver ? d->driver : "its driver_override");
		return 0;
	}
	err = release_device(r->x->sys, d, after, sizeof(after));
	if (err == -ENODEV) {
		printf("%s [%04x:%04x]: released, no driver took it\n", d->name, d->vendor,
		       d->device);
		return 0;
	}
	if (err < 0)
		return 1;
	if (driver_vfio_safe(after) && strcmp(after, "pcieport")) {
		ERR("%s [%04x:%04x]: still on %s after release (vfio-pci.ids= or a new_id still matches it)",
		    d->name, d->vendor, d->device, after);
		return 1;
	}
	printf("%s [%04x:%04x]: released, now on %s\n", d->name, d->vendor, d->device, after);
	return 0;
}

int cmd_release(struct ctx *x)
{
	struct release r = { .x = x };
	unsigned int i, failed = 0;
	int err;

	if (!x->o.all && x->argc == 0) {
		ERR("release needs selectors or --all; see gpupass --help");
		return 2;
	}
	if (cli_open_roots(x, true) < 0 || cli_selectors(x, &r.sel, &r.nsel) < 0)
		return x->sys ? 2 : 1;
	err = devices_open(&r.ds, x->sys);
	if (err >= 0)
		err = devices_foreach(r.ds, collect, &r);
	devices_close(r.ds);
	free(r.sel);
	if (err < 0) {
		ERR_ERRNO(err, "cannot walk PCI devices under %s: %m", root_dir(x->sys));
		free(r.devs);
		return 1;
	}
	if (r.n)
		qsort(r.devs, r.n, sizeof(*r.devs), by_name);
	for (i = 0; i < r.n; i++)
		failed += release_one(&r, &r.devs[i]);
	if (r.n == 0)
		printf(
		    "nothing to release: no selected device is held by vfio or a driver_override\n");
	free(r.devs);
	return failed ? 1 : 0;
}
