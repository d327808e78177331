// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xml SEL|UUID: the libvirt <hostdev> element for a claimed device (managed='no':
 * gpupass, not libvirt, holds it) or for an mdev by its UUID.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/path.h"
#include "base/uuid.h"
#include "pci/devices.h"
#include "late/mdev.h"
#include "verbs/cli.h"

struct xml {
	struct ctx *x;
	struct devices *ds;
	struct selector *sel;
	unsigned int nsel, printed, unclaimed;
};

static int print_one(struct gp_device *dev, struct pci_dev *pd, void *data)
{
	struct xml *m = data;
	unsigned int i;
	bool hit = false;

	for (i = 0; i < m->nsel && !hit; i++)
		hit = selector_match(&m->sel[i], pd);
	if (!hit)
		return 0;
	if (devices_fill(m->ds, dev, pd) < 0)
		return 0; /* logged; the others go on */
	if (strncmp(dev->driver, "vfio", 4)) {
		ERR("%s [%04x:%04x]: is on %s, not vfio-pci; claim it first (gpupass plan shows why it is not)",
		    dev->name, dev->vendor, dev->device, *dev->driver ? dev->driver : "no driver");
		m->unclaimed++;
		return 0;
	}
	printf("<hostdev mode='subsystem' type='pci' managed='no'>\n"
	       "  <source>\n"
	       "    <address domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'/>\n"
	       "  </source>\n"
	       "</hostdev>\n",
	       dev->addr.domain, dev->addr.bus, dev->addr.dev, dev->addr.func);
	m->printed++;
	return 0;
}

static int print_mdev(struct ctx *x, const char *uuid)
{
	if (!mdev_exists(x->sys, uuid)) {
		ERR("mdev %s does not exist (is its mdev line in the config, and did 'gpupass apply --late' run?)",
		    uuid);
		return 1;
	}
	printf("<hostdev mode='subsystem' type='mdev' model='vfio-pci' display='off'>\n"
	       "  <source>\n"
	       "    <address uuid='%s'/>\n"
	       "  </source>\n"
	       "</hostdev>\n",
	       uuid);
	return 0;
}

int cmd_xml(struct ctx *x)
{
	struct xml m = { .x = x };
	int err;

	if (x->argc != 1) {
		ERR("xml takes one selector or mdev UUID; see gpupass --help");
		return 2;
	}
	if (cli_open_roots(x, true) < 0)
		return 1;
	if (uuid_valid(x->argv[0]))
		return print_mdev(x, x->argv[0]);
	if (cli_selectors(x, &m.sel, &m.nsel) < 0)
		return 2;
	err = devices_open(&m.ds, x->sys);
	if (err >= 0)
		err = devices_foreach(m.ds, print_one, &m);
	devices_close(m.ds);
	free(m.sel);
	if (err < 0)
		return 1;
	if (m.printed + m.unclaimed == 0)
		ERR("'%s' selects no PCI device", x->argv[0]);
	return m.printed && !m.unclaimed ? 0 : 1;
}
