/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The drop-ins 'gpupass claim' writes and 'gpupass unclaim' removes: one file
 * per claimed device, /etc/gpupass.d/50-claim-ADDRESS.conf, whose first line
 * says who wrote it.  One file per device keeps each change one atomic
 * rename or unlink, lets an admin see the claims with ls, and leaves every
 * other file of /etc/gpupass.d to the admin: gpupass never edits those.
 * "50-" sorts them after the admin's lower-numbered files, whose rules then
 * apply first to a device both select.
 */
#ifndef GPUPASS_DROPIN_H
#define GPUPASS_DROPIN_H

#include <stddef.h>

#include "pci/devices.h"

#define DROPIN_DIR "/etc/gpupass.d"
#define DROPIN_PREFIX DROPIN_DIR "/50-claim-"
#define DROPIN_MARK "# Written by 'gpupass claim'"
#define DROPIN_PATH_MAX 96
#define DROPIN_TEXT_MAX 512

/* "/etc/gpupass.d/50-claim-0000:02:00.0.conf" into @buf. */
const char *dropin_path(const struct pci_addr *a, char *buf, size_t size);
/*
 * The file for @dev: the marker, then one claim line with its address,
 * expect= its IDs, and with=functions for a display controller (a GPU's
 * audio and USB functions go with it).
 */
const char *dropin_text(const struct gp_device *dev, char *buf, size_t size);

struct root;
/*
 * What is at @path now: 1 and a malloc'ed copy of it in *@text when it is a
 * file gpupass wrote (it starts with the marker), 0 when there is nothing,
 * -EEXIST when it is the admin's (no marker, or a symlink), or -errno.
 */
int dropin_read(struct root *root, const char *path, char **text);
/* Remove @path; -ELOOP when /etc or /etc/gpupass.d is a symlink (refused). */
int dropin_remove(struct root *root, const char *path);
/* Write @text to @path atomically (a new file renamed over it), /etc/gpupass.d made if need be. */
int dropin_write(struct root *root, const char *path, const char *text);

#endif
