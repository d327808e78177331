// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/path.h"
#include "policy/initramfs.h"

static const struct generator {
	const char *path;
	const char *argv[5];
} generators[] = {
	/* update-initramfs(8): -u updates existing images, -k all those of every kernel. */
	{ "/usr/sbin/update-initramfs", { "update-initramfs", "-u", "-k", "all", NULL } },
	/* dracut(8): --regenerate-all rebuilds the image of each installed kernel, -f over the old. */
	{ "/usr/bin/dracut", { "dracut", "-f", "--regenerate-all", NULL } },
	{ "/usr/sbin/dracut", { "dracut", "-f", "--regenerate-all", NULL } },
};

int initramfs_generator(struct root *root, struct initramfs_cmd *out)
{
	size_t i, k, len;

	for (i = 0; i < sizeof(generators) / sizeof(generators[0]); i++) {
		const struct generator *g = &generators[i];

		if (root_exists(root, g->path) != 1)
			continue;
		memset(out, 0, sizeof(*out));
		out->path = g->path;
		for (k = 0, len = 0; g->argv[k]; k++) {
			out->argv[k] = g->argv[k];
			len += snprintf(out->line + len, sizeof(out->line) - len, "%s%s",
					k ? " " : "", g->argv[k]);
		}
		return 0;
	}
	return -ENOENT;
}
