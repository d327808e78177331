// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * apply --late [PARENT...]: the later stage (mdevs and SR-IOV VFs), run by
 * the udev rule for the one device whose event it is, by the systemd unit for
 * all, or by hand.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>

#include "base/log.h"
#include "base/path.h"
#include "policy/bootrec.h"
#include "late/late.h"
#include "verbs/cli.h"

/* The verb's arguments as PCI addresses: the parents this run acts on. */
static int parse_parents(struct ctx *x, struct pci_addr **out)
{
	int i;

	*out = calloc(x->argc ? x->argc : 1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < x->argc; i++) {
		if (pci_addr_parse(x->argv[i], &(*out)[i]) < 0) {
			ERR("bad PCI address '%s' (expected [domain:]bus:slot.func, e.g. 0000:03:00.0)",
			    x->argv[i]);
			return -EINVAL;
		}
	}
	return 0;
}

static void write_record(struct ctx *x, const struct late *l)
{
	int err = late_write(x->root, l);

	if (err < 0) {
		WRN("cannot write %s: %s; 'gpupass status' will not show the later stage",
		    LATE_PATH, root_strerror(err));
	}
}

int cmd_apply_late(struct ctx *x)
{
	struct late_opts o = { .dry = x->o.dry_run };
	struct pci_addr *only = NULL;
	struct late l = { 0 };
	DIR *lock = NULL;
	int err, rc = 1;

	if (parse_parents(x, &only) < 0) {
		free(only);
		return 2;
	}
	o.only = x->argc ? only : NULL;
	o.nonly = x->argc;
	if (cli_open_roots(x, true) < 0 || cli_load_config(x, true) < 0)
		goto out;
	if (x->c.disabled) {
		NOTICE("disabled by %s on the kernel command line; not making mdevs or VFs",
		       x->c.disabled_by);
		rc = 0;
		goto out;
	}
	if (o.only && !late_has_rules(&x->c, o.only, o.nonly)) {
		DBG("no mdev or sriov rule for %s; nothing to do", x->argv[0]);
		rc = x->c.errors ? 1 : 0;
		goto out;
	}
	if (!late_has_rules(&x->c, NULL, 0))
		INF("no mdev or sriov rules in the config; nothing to do");
	if (!o.dry)
		lock = cli_lock_runs(x);
	err = late_run(&l, &x->c, x->root, x->sys, &o);
	if (err >= 0 && !o.dry)
		write_record(x, &l);
	rc = err < 0 || l.problems || x->c.errors ? 1 : 0;
out:
	late_free(&l);
	if (lock)
		closedir(lock); /* releases the lock */
	free(only);
	return rc;
}
