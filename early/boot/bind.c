// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "boot/bind.h"
#include "base/log.h"
#include "base/path.h"

static int write_attr(struct root *sys, const struct gp_device *d, const char *attr,
		      const char *val)
{
	char path[128];

	pci_addr_sysfs(&d->addr, attr, path, sizeof(path));
	return root_write(sys, path, val);
}

static void read_driver(struct root *sys, struct action *a)
{
	char path[128];

	pci_addr_sysfs(&a->dev.addr, "driver", path, sizeof(path));
	if (root_link_name(sys, path, a->driver_after, sizeof(a->driver_after)) < 0)
		a->driver_after[0] = '\0';
}

static int fail(struct action *a, int err, const char *fmt, ...) GP_PRINTF(3, 4);

static int fail(struct action *a, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->reason, sizeof(a->reason), fmt, ap);
	va_end(ap);
	a->result = BIND_FAILED;
	ERR("%s [%04x:%04x]: %s", a->dev.name, a->dev.vendor, a->dev.device, a->reason);
	return err;
}

int bind_device(struct root *sys, struct action *a, bool driver_ok)
{
	const struct gp_device *d = &a->dev;
	const char *want = a->rule->driver;
	int err;

	err = write_attr(sys, d, "driver_override", want);
	if (err < 0) {
		errno = -err;
		return fail(a, err,
			    "cannot set driver_override to %s: %m; leaving the device as it is",
			    want);
	}
	if (*d->driver) {
		err = write_attr(sys, d, "driver/unbind", d->name);
		if (err < 0) {
			errno = -err;
			return fail(a, err, "cannot unbind it from %s: %m; it stays there",
				    d->driver);
		}
	}
	/* The probe's own error is in the kernel log; the driver link is the truth. */
	err = root_write(sys, "bus/pci/drivers_probe", d->name);
	if (err < 0)
		DBG("%s: drivers_probe: %s", d->name, strerror(-err));
	read_driver(sys, a);
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

int release_device(struct root *sys, const struct gp_device *d, char *after, size_t size)
{
	char path[128];
	int err;

	/* A lone newline clears the override (drivers/base/driver.c). */
	err = write_attr(sys, d, "driver_override", "\n");
	if (err < 0) {
		errno = -err;
		ERR("%s [%04x:%04x]: cannot clear driver_override: %m; not releasing it", d->name,
		    d->vendor, d->device);
		return err;
	}
	if (*d->driver) {
		err = write_attr(sys, d, "driver/unbind", d->name);
		if (err < 0) {
			errno = -err;
			ERR("%s [%04x:%04x]: cannot unbind it from %s: %m", d->name, d->vendor,
			    d->device, d->driver);
			return err;
		}
	}
	root_write(sys, "bus/pci/drivers_probe", d->name);
	pci_addr_sysfs(&d->addr, "driver", path, sizeof(path));
	if (root_link_name(sys, path, after, size) < 0)
		after[0] = '\0';
	return *after ? 0 : -ENODEV;
}
