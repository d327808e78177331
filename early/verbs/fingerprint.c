// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fingerprint [files]: the SHA-256 of the config files, the one the early run
 * records in status.json and 'gpupass status' compares with the config now;
 * with "files", the files it covers in the order read.  The initramfs hooks
 * pack exactly those, so the image, the hooks and the binary never disagree
 * on which files count or in which order.
 */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "verbs/cli.h"

int cmd_fingerprint(struct ctx *x)
{
	unsigned int i;

	if (x->argc > 1 || (x->argc == 1 && strcmp(x->argv[0], "files"))) {
		ERR("fingerprint takes no argument but 'files'; see gpupass --help");
		return 2;
	}
	/* The files only: gpupass= on the kernel command line is no part of it. */
	if (cli_open_roots(x, false) < 0 || cli_load_config(x, false) < 0)
		return 1;
	if (!x->argc) {
		puts(x->r.config_sha256);
		return 0;
	}
	for (i = 0; i < x->c.nread; i++)
		puts(x->c.read[i]);
	return 0;
}
