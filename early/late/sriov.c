// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "pci/devices.h"
#include "pci/modload.h"
#include "pci/pcidev.h"
#include "boot/bind.h"
#include "late/outcome.h"
#include "late/sriov.h"

/* One run over one PF. */
struct pf {
	struct root *sys;
	const struct rule *r;
	char name[PCI_ADDR_LEN];
	unsigned int numvfs;
	int autoprobe_was; /* -1: not changed */
	bool made;
	unsigned int bound;
};

const char *sriov_result_name(enum sriov_result r)
{
	static const char *const names[] = { "ok", "failed", "skipped", "skipped" };

	return names[r];
}

void sriov_outcome_free(struct sriov_outcome *o)
{
	free(o->vfs);
	o->vfs = NULL;
	o->nvfs = 0;
}

/* A PF attribute, as the debug log shows every write the later stage makes. */
static int pf_write(struct pf *pf, const char *attr, const char *val)
{
	DBG("%s: writing %s to %s", pf->name, val, attr);
	return pcidev_write(pf->sys, &pf->r->parent, attr, val);
}

static int pf_read(struct pf *pf, const char *attr, unsigned int *out)
{
	uint32_t v;
	int err = pcidev_read_u32(pf->sys, &pf->r->parent, attr, &v);

	if (err < 0)
		return err;
	if (v > 0xffff) /* a VF count or a flag: anything larger is not one */
		return -EINVAL;
	*out = v;
	return 0;
}

/* The PF is there, can make enough VFs, and its driver is up. */
static int pf_ready(struct pf *pf, struct sriov_outcome *o)
{
	char driver[DRIVER_NAME_MAX];
	unsigned int total;
	int err;

	if (pcidev_exists(pf->sys, &pf->r->parent, "") != 1)
		return OUTCOME(o, SRIOV_SKIPPED, -ENODEV, "no PCI device at %s (yet)", pf->name);
	err = pf_read(pf, "sriov_totalvfs", &total);
	if (err < 0)
		return OUTCOME(
		    o, SRIOV_FAILED, err,
		    "%s cannot make VFs (no sriov_totalvfs): not an SR-IOV device, or SR-IOV is off in the firmware setup",
		    pf->name);
	if (total < pf->r->vfs)
		return OUTCOME(
		    o, SRIOV_FAILED, -ERANGE,
		    "%s can make at most %u VFs (sriov_totalvfs); lower vfs= in the rule", pf->name,
		    total);
	pcidev_driver(pf->sys, &pf->r->parent, driver, sizeof(driver));
	if (!*driver)
		return OUTCOME(
		    o, SRIOV_SKIPPED, -EAGAIN,
		    "%s has no driver yet; its VFs are made when one binds it (gpupass's udev rule runs 'gpupass apply --late' then)",
		    pf->name);
	err = pf_read(pf, "sriov_numvfs", &pf->numvfs);
	if (err < 0) {
		return OUTCOME(o, SRIOV_FAILED, err, "cannot read sriov_numvfs of %s: %m",
			       pf->name);
	}
	return 0;
}

/* New VFs must not be probed by the PF driver's VF twin before driver_override is set. */
static int autoprobe_off(struct pf *pf, struct sriov_outcome *o)
{
	unsigned int was;
	int err;

	err = pf_read(pf, "sriov_drivers_autoprobe", &was);
	if (err >= 0)
		err = pf_write(pf, "sriov_drivers_autoprobe", "0");
	if (err < 0) {
		return OUTCOME(
		    o, SRIOV_FAILED, err,
		    "cannot turn off sriov_drivers_autoprobe of %s: %m; not making VFs (a host driver would take them first)",
		    pf->name);
	}
	pf->autoprobe_was = was;
	return 0;
}

static void autoprobe_restore(struct pf *pf, struct sriov_outcome *o)
{
	int err;

	if (pf->autoprobe_was <= 0)
		return;
	err = pf_write(pf, "sriov_drivers_autoprobe", "1");
	if (err < 0)
		outcome_append(o->reason, sizeof(o->reason), err,
			       "sriov_drivers_autoprobe could not be set back to 1: %m");
}

static int set_numvfs(struct pf *pf, struct sriov_outcome *o)
{
	char val[16];
	int err;

	/* The kernel refuses a new count over another one (EBUSY): go through 0. */
	if (pf->numvfs) {
		err = pf_write(pf, "sriov_numvfs", "0");
		if (err < 0) {
			return OUTCOME(
			    o, SRIOV_FAILED, err,
			    "cannot remove the %u VFs of %s to change their count: %m; is a VM using one?",
			    pf->numvfs, pf->name);
		}
	}
	if (pf->r->vfs) {
		snprintf(val, sizeof(val), "%u", pf->r->vfs);
		err = pf_write(pf, "sriov_numvfs", val);
		if (err < 0) {
			return OUTCOME(
			    o, SRIOV_FAILED, err,
			    "writing %u to sriov_numvfs of %s failed: %m; the kernel log says why",
			    pf->r->vfs, pf->name);
		}
	}
	pf->made = true;
	return 0;
}

/* The VFs the kernel made, from the PF's virtfn0..N-1 links. */
static int collect_vfs(struct pf *pf, struct sriov_outcome *o)
{
	char attr[32], name[PCI_ADDR_LEN + 8];
	unsigned int i, n = pf->r->vfs;

	o->vfs = calloc(n ? n : 1, sizeof(*o->vfs));
	if (!o->vfs)
		return OUTCOME(o, SRIOV_FAILED, -ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		struct sriov_vf *vf = &o->vfs[i];

		snprintf(attr, sizeof(attr), "virtfn%u", i);
		if (pcidev_link_name(pf->sys, &pf->r->parent, attr, name, sizeof(name)) < 0 ||
		    pci_addr_parse(name, &vf->addr) < 0)
			return OUTCOME(o, SRIOV_FAILED, -ENODEV,
				       "%s has %u of %u VFs (no virtfn%u); the kernel log says why",
				       pf->name, i, n, i);
		pcidev_driver(pf->sys, &vf->addr, vf->driver, sizeof(vf->driver));
		o->nvfs++;
	}
	return 0;
}

static bool driver_available(struct root *sys, struct modload *m, const char *driver)
{
	return m ? modload_driver(m, driver) == 0 : pci_driver_present(sys, driver);
}

/* bind.c's claim, for one VF: override, unbind, probe, verify, logged there. */
static int bind_vf(struct pf *pf, struct devices *ds, struct sriov_vf *vf, bool driver_ok)
{
	struct action a = { .rule = pf->r, .kind = ACT_CLAIM };
	int err;

	err = devices_get(ds, &vf->addr, &a.dev);
	if (err < 0) {
		pci_addr_str(&vf->addr, a.dev.name);
		ERR("%s: VF of %s is listed by the PF but cannot be read; not binding it",
		    a.dev.name, pf->name);
		return err;
	}
	err = bind_device(pf->sys, &a, driver_ok, false);
	snprintf(vf->driver, sizeof(vf->driver), "%s", a.driver_after);
	return err;
}

static unsigned int bind_vfs(struct pf *pf, struct devices *ds, struct modload *m,
			     struct sriov_outcome *o)
{
	const char *want = pf->r->driver;
	unsigned int i, off = 0;
	int driver_ok = -1;

	for (i = 0; i < o->nvfs; i++) {
		if (!strcmp(o->vfs[i].driver, want))
			continue;
		if (driver_ok < 0)
			driver_ok = driver_available(pf->sys, m, want);
		if (bind_vf(pf, ds, &o->vfs[i], driver_ok) < 0)
			off++;
		else
			pf->bound++;
	}
	return off;
}

static unsigned int count_off(const struct pf *pf, const struct sriov_outcome *o)
{
	unsigned int i, off = 0;

	for (i = 0; i < o->nvfs; i++)
		off += strcmp(o->vfs[i].driver, pf->r->driver) != 0;
	return off;
}

static int finish(struct pf *pf, struct sriov_outcome *o, unsigned int off)
{
	const char *want = pf->r->driver;

	if (off)
		return OUTCOME(o, SRIOV_FAILED, -EIO,
			       "%u of %u VFs are not on %s; the messages above say why", off,
			       pf->r->vfs, want);
	if (pf->made && pf->r->vfs == 0)
		return OUTCOME(o, SRIOV_OK, 0, "removed its %u VF%s", pf->numvfs,
			       pf->numvfs == 1 ? "" : "s");
	if (pf->made)
		return OUTCOME(o, SRIOV_OK, 0, "made %u VF%s, on %s", pf->r->vfs,
			       pf->r->vfs == 1 ? "" : "s", want);
	if (pf->bound)
		return OUTCOME(o, SRIOV_OK, 0, "the VFs were there; bound %u to %s", pf->bound,
			       want);
	return OUTCOME(o, SRIOV_OK, 0, "already there");
}

static int dry_run(struct pf *pf, struct sriov_outcome *o)
{
	unsigned int off;
	int err;

	if (pf->numvfs != pf->r->vfs)
		return OUTCOME(o, SRIOV_PENDING, 0, "sriov_numvfs is %u, to be set to %u",
			       pf->numvfs, pf->r->vfs);
	err = collect_vfs(pf, o);
	if (err < 0)
		return err;
	off = count_off(pf, o);
	if (off)
		return OUTCOME(o, SRIOV_PENDING, 0, "%u of %u VFs to be bound to %s", off,
			       pf->r->vfs, pf->r->driver);
	return finish(pf, o, 0);
}

int sriov_apply(struct root *sys, struct devices *ds, struct modload *m, const struct rule *r,
		bool dry, struct sriov_outcome *o)
{
	struct pf pf = { .sys = sys, .r = r, .autoprobe_was = -1 };
	int err;

	memset(o, 0, sizeof(*o));
	pci_addr_str(&r->parent, pf.name);
	err = pf_ready(&pf, o);
	if (err < 0)
		return err;
	if (dry)
		return dry_run(&pf, o);
	if (pf.numvfs != r->vfs) {
		err = autoprobe_off(&pf, o);
		if (err >= 0)
			err = set_numvfs(&pf, o);
	}
	if (err >= 0)
		err = collect_vfs(&pf, o);
	if (err >= 0)
		err = finish(&pf, o, bind_vfs(&pf, ds, m, o));
	autoprobe_restore(&pf, o);
	return err;
}
