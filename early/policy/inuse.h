/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The in-use guard of the run-time verbs (apply, release, claim --now):
 * taking a device away from a driver while the console, a desktop or a VM
 * uses it hangs or crashes hosts, so they ask here first.  Never at boot:
 * in the initramfs nothing holds a device yet, and the early run must win.
 *
 * Holders, as the kernel shows them:
 * - fbcon on one of the device's framebuffers (its graphics/fbN; fbcon is
 *   bound when a "frame buffer" vtconsole is; it sits on fb0 unless
 *   fbcon=map: on the kernel command line says otherwise);
 * - an enabled DRM output (drm/cardN-CONNECTOR/enabled);
 * - a process with one of the device's nodes open (/proc/PID/fd links to
 *   /dev/dri/cardN or renderDN, /dev/fbN, /dev/snd/controlCN, pcmCNDx...,
 *   /dev/vfio/devices/vfioN, and /dev/vfio/GROUP for a device on vfio): a
 *   desktop, a sound server, a VM.
 */
#ifndef GPUPASS_INUSE_H
#define GPUPASS_INUSE_H

#include <stddef.h>

#include "pci/pciaddr.h"

#define INUSE_WHY_MAX 512

struct root;

/*
 * Whether something holds @a.  Returns 1 with @why naming every holder
 * found ("fbcon is bound to fb0; pid 812 (Xorg) has /dev/dri/card0 open"),
 * 0 when nothing does, or -errno when @sys cannot be read.  A process whose
 * fds cannot be read (not root) is skipped.  Logs nothing.
 */
int inuse_check(struct root *sys, struct root *root, const struct pci_addr *a, char *why,
		size_t len);

#endif
