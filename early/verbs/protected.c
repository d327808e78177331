// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * protected: the PCI functions that hold the host's disks, as the storage
 * guard traces them on this system, in the format of /etc/gpupass.protected.
 * The initramfs hooks write it into the image, so that the early run (which
 * has nothing mounted to look at) refuses what 'gpupass check' refuses.
 */
#include <stdio.h>

#include "base/log.h"

#include "policy/storage.h"
#include "verbs/cli.h"

int cmd_protected(struct ctx *x)
{
	struct storage st;

	if (x->argc) {
		ERR("protected takes no arguments");
		return 2;
	}
	if (cli_open_roots(x, false) < 0)
		return 1;
	/* No sysfs (a staged tree) is a list that says so, not no list. */
	log_mute(1);
	cli_open_roots(x, true);
	log_mute(0);
	storage_protected(x->root, x->sys, &st);
	storage_print(&st, stdout);
	return 0;
}
