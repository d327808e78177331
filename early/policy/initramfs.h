/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which initramfs generator this system uses, and the command that rebuilds
 * every image with the config of now: Debian's and Ubuntu's initramfs-tools
 * (update-initramfs -u -k all) or dracut (dracut -f --regenerate-all).  On
 * Debian the two packages conflict, so the one installed is the one in use;
 * update-initramfs is looked for first, as 'gpupass status' does.
 */
#ifndef GPUPASS_INITRAMFS_H
#define GPUPASS_INITRAMFS_H

#include <stddef.h>

struct initramfs_cmd {
	const char *path;    /* the program, absolute */
	const char *argv[5]; /* its name and arguments, NULL-terminated */
	char line[128];	     /* the command as an admin types it */
};

struct root;
/* Fill @out from the programs installed under @root.  Returns 0, or -ENOENT for neither. */
int initramfs_generator(struct root *root, struct initramfs_cmd *out);

#endif
