// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * After claim or unclaim changed /etc/gpupass.d: rebuild the initramfs with
 * the generator this system uses (policy/initramfs.h), so that the next boot
 * claims what the config now says, or print the command.
 *
 * GPUPASS_INITRAMFS_GENERATOR, for tests only: a program run instead of the
 * generator, with the generator's name and arguments, also under --root.
 * Without it gpupass never runs a generator for another root (--root): that
 * would rebuild this machine's images, not the tree's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/spawn.h"
#include "policy/initramfs.h"
#include "verbs/cli.h"

static int run(const struct initramfs_cmd *g, const char *fake)
{
	char *argv[7];
	unsigned int i, k = 0;
	int rc;

	/* The fake gets the generator's name first, so that a test sees which was chosen. */
	if (fake)
		argv[k++] = (char *)fake;
	argv[k++] = (char *)(fake ? g->argv[0] : g->path);
	for (i = 1; g->argv[i]; i++)
		argv[k++] = (char *)g->argv[i];
	argv[k] = NULL;
	printf("rebuilding the initramfs: %s\n", g->line);
	fflush(stdout);
	rc = spawn_wait(argv);
	if (rc < 0)
		return ERR_ERRNO(rc, "cannot run %s: %m; run '%s' yourself, then reboot", argv[0],
				 g->line);
	if (rc > 0) {
		ERR("'%s' failed (exit status %d, its messages are above); the config is written: run it again once that is fixed, then reboot",
		    g->line, rc);
		return 1;
	}
	return 0;
}

int persist_rebuild(struct ctx *x)
{
	const char *fake = getenv("GPUPASS_INITRAMFS_GENERATOR");
	bool other_root = strcmp(x->o.root, "/");
	struct initramfs_cmd g = { 0 };

	if (initramfs_generator(x->root, &g) < 0 && (x->o.dry_run || x->o.no_initramfs)) {
		printf("initramfs not rebuilt: neither update-initramfs nor dracut is installed\n");
		return 0;
	}
	if (!g.path) {
		ERR("neither update-initramfs nor dracut is installed%s%s: build the initramfs with your distribution's tool for the change to apply at boot",
		    other_root ? " under " : "", other_root ? x->o.root : "");
		return 1;
	}
	if (x->o.dry_run) {
		printf("would rebuild the initramfs: %s\n", g.line);
		return 0;
	}
	if (x->o.no_initramfs || (other_root && !fake)) {
		printf("initramfs not rebuilt%s: run '%s%s%s%s' for the change to apply at boot\n",
		       x->o.no_initramfs ? "" : " (another root)", other_root ? "chroot " : "",
		       other_root ? x->o.root : "", other_root ? " " : "", g.line);
		return 0;
	}
	return run(&g, fake) ? 1 : 0;
}
