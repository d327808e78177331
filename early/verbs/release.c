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
	struct pcidev_link *links;	 /* per device: its driver link, settled */
	char (*probed)[DRIVER_NAME_MAX]; /* per device: the link right after the probe */
	bool *done;			 /* per device: released (else failed, logged) */
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

/*
 * What became of @d once its driver link settled: @probed is the driver
 * right after the probe, @after the one now.  Returns 0, or 1 when it is
 * still on a VFIO driver.
 */
static int report(const struct gp_device *d, const char *probed, const char *after, bool settled)
{
	char note[128] = "";

	if (!settled)
		snprintf(
		    note, sizeof(note),
		    " (its driver link was still changing after %d ms; the kernel log says more)",
		    PCIDEV_SETTLE_MAX_MS);

	if (!*after && *probed) {
		printf(
		    "%s [%04x:%04x]: released, but %s gave it up again after probing it (the kernel log says why): no driver has it%s\n",
		    d->name, d->vendor, d->device, probed, note);
		return 0;
	}
	if (!*after) {
		printf("%s [%04x:%04x]: released, no driver took it%s\n", d->name, d->vendor,
		       d->device, note);
		return 0;
	}
	if (driver_vfio_safe(after) && strcmp(after, "pcieport")) {
		ERR("%s [%04x:%04x]: still on %s after release (vfio-pci.ids= or a new_id still matches it)",
		    d->name, d->vendor, d->device, after);
		return 1;
	}
	printf("%s [%04x:%04x]: released, now on %s%s\n", d->name, d->vendor, d->device, after,
	       note);
	return 0;
}

/*
 * Release device @i; the outcome is reported once all the links have settled.
 * Returns 1 when the in-use guard refused it (logged), else 0.
 */
static int release_one(struct release *r, unsigned int i)
{
	const struct gp_device *d = &r->devs[i];
	char why[INUSE_WHY_MAX];
	int err;

	/* Settled with the others even when refused: from the driver it has now. */
	r->links[i].addr = d->addr;
	snprintf(r->links[i].driver, sizeof(r->links[i].driver), "%s", d->driver);
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
	err = release_device(r->x->sys, d, r->links[i].driver, sizeof(r->links[i].driver));
	r->done[i] = err >= 0 || err == -ENODEV;
	snprintf(r->probed[i], sizeof(r->probed[i]), "%s", r->links[i].driver);
	return 0;
}

/*
 * Release every device, then wait once for their driver links to settle
 * (the link right after the probe is not the end of it), then report.
 * Returns the number of devices that did not end off VFIO.
 */
static unsigned int release_all(struct release *r)
{
	unsigned int i, refused = 0, failed = 0;
	bool settled;

	r->links = calloc(r->n, sizeof(*r->links));
	r->probed = calloc(r->n, sizeof(*r->probed));
	r->done = calloc(r->n, sizeof(*r->done));
	if (!r->links || !r->probed || !r->done) {
		ERR("out of memory; nothing was released");
		return r->n;
	}
	for (i = 0; i < r->n; i++)
		refused += release_one(r, i);
	if (r->x->o.dry_run)
		return refused; /* the others are counted below, as not done */
	settled = pcidev_settle(r->x->sys, r->links, r->n) == 0;
	for (i = 0; i < r->n; i++)
		failed +=
		    r->done[i] ? report(&r->devs[i], r->probed[i], r->links[i].driver, settled) : 1;
	return failed;
}

int cmd_release(struct ctx *x)
{
	struct release r = { .x = x };
	unsigned int failed = 0;
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
	if (r.n)
		failed = release_all(&r);
	if (r.n == 0)
		printf(
		    "nothing to release: no selected device is held by vfio or a driver_override\n");
	free(r.devs);
	free(r.links);
	free(r.probed);
	free(r.done);
	return failed ? 1 : 0;
}
