/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Run another program and wait for it: the initramfs generator that
 * 'gpupass claim' rebuilds the image with.  Its output goes where ours goes.
 */
#ifndef GPUPASS_SPAWN_H
#define GPUPASS_SPAWN_H

/*
 * Run @argv[0] (a path, not looked up in PATH) with @argv and our
 * environment.  Returns its exit status, 128 + the signal that ended it, or
 * -errno when it could not be started.
 */
int spawn_wait(char *const argv[]);

#endif
