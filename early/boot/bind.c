// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "pci/pcidev.h"
#include "boot/bind.h"

static int fail(struct action *a, int err, const char *fmt, ...) GP_PRINTF(3, 4);

/* Record and log the failure; "%m" in @fmt says @err. */
static int fail(struct action *a, int err, const char *fmt, ...)
{
	int saved_errno = errno;
	va_list ap;

	errno = -err;
	va_start(ap, fmt);
	vsnprintf(a->reason, sizeof(a->reason), fmt, ap);
	va_end(ap);
	errno = saved_errno;
	a->result = BIND_FAILED;
	ERR("%s [%04x:%04x]: %s", a->dev.name, a->dev.vendor, a->dev.device, a->reason);
	return err;
}

int bind_device(struct root *sys, struct action *a, bool driver_ok, bool settle)
{
	const struct gp_device *d = &a->dev;
	const char *want = a->rule->driver;
	enum rebind_step step;
	int err;

	err = pcidev_rebind(sys, &d->addr, d->driver, want, a->driver_after,
			    sizeof(a->driver_after), &step);
	if (err < 0 && step == REBIND_OVERRIDE)
		return fail(a, err,
			    "cannot set driver_override to %s: %m; leaving the device as it is",
			    want);
	if (err < 0)
		return fail(a, err, "cannot unbind it from %s: %m; it stays there", d->driver);
	if (settle && !*a->driver_after && driver_ok) {
		/* Not there yet: a probe deferred by the kernel (a device just
		 * added) ends a little later.  Bounded; only on this path. */
		struct pcidev_link l = { .addr = d->addr };

		snprintf(l.driver, sizeof(l.driver), "%s", a->driver_after);
		pcidev_settle(sys, &l, 1);
		snprintf(a->driver_after, sizeof(a->driver_after), "%s", l.driver);
	}
	if (!strcmp(a->driver_after, want)) {
		a->result = BIND_OK;
		snprintf(a->reason, sizeof(a->reason), "was %s",
			 *d->driver ? d->driver : "unbound");
		NOTICE("%s [%04x:%04x]: bound to %s (%s)", d->name, d->vendor, d->device, want,
		       a->reason);
		return 0;
	}
	if (!driver_ok)
		return fail(
		    a, -ENOENT,
		    "not bound: driver %s is not available (see above); driver_override keeps other drivers off it",
		    want);
	return fail(
	    a, -EIO,
	    "not bound to %s (driver now: %s); the kernel log above says why %s refused it; driver_override keeps other drivers off it",
	    want, *a->driver_after ? a->driver_after : "none", want);
}
