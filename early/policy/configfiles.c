// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which files the config is read from, in which order (the main file, then
 * the drop-ins in name order, like modprobe.d), and the fingerprint of what
 * was read.  The grammar of each file is config.c's.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/path.h"
#include "policy/config.h"

/* @file is missing: an error when it is a dangling symlink or was asked for by name. */
static void report_missing(struct config *c, struct root *root, const char *file, bool must_exist)
{
	char target[512];
	bool in_root = strcmp(root_dir(root), "/");

	if (root_readlink_in_root(root, file, target, sizeof(target)) >= 0) {
		ERR("%s: dangling symlink to '%s'%s%s; fix or remove the link, ignoring it", file,
		    target, in_root ? ", resolved inside " : "", in_root ? root_dir(root) : "");
		c->errors++;
	} else if (must_exist) {
		ERR("%s: cannot read: %s, ignoring it", file, strerror(ENOENT));
		c->errors++;
	} else {
		DBG("%s: not found, no rules from it", file);
	}
}

static int load_file(struct config *c, struct root *root, const char *file, bool must_exist)
{
	char *buf = NULL;
	size_t len = 0;
	int err;

	/* Links resolve inside the root: a captured tree never reads the host's /etc. */
	err = root_read_all_in_root(root, file, CONFIG_FILE_MAX, &buf, &len);
	if (err == -ENOENT) {
		report_missing(c, root, file, must_exist);
		return 0;
	}
	if (err == -EFBIG) {
		ERR("%s: larger than %d bytes, ignoring the whole file", file, CONFIG_FILE_MAX);
		c->errors++;
		return 0;
	}
	if (err < 0) {
		ERR("%s: cannot read: %s, ignoring it", file,
		    err == -ELOOP ? "more than 40 symlinks to follow (a loop?)"
				  : root_strerror(err));
		c->errors++;
		return 0;
	}
	/* The fingerprint covers exactly the bytes parsed, file after file. */
	sha256_update(&c->hash, buf, len);
	err = config_parse_buffer(c, file, buf, len);
	free(buf);
	return err;
}

static bool conf_name(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 5 && !strcmp(name + n - 5, ".conf");
}

/*
 * The first CONFIG_FILES_MAX + 1 names of /etc/gpupass.d/\*.conf in strcmp
 * order, like modprobe.d, whatever order the directory lists them in, and
 * how many there are: the ones read are the same on every machine, and the
 * first one left out can be named.
 */
struct dropins {
	char *names[CONFIG_FILES_MAX + 1];
	unsigned int n;
	unsigned int total;
};

static int keep_name(struct dropins *d, const char *name)
{
	unsigned int i = d->n;
	char *s;

	d->total++;
	while (i > 0 && strcmp(d->names[i - 1], name) > 0)
		i--;
	if (i == CONFIG_FILES_MAX + 1)
		return 0; /* after every name kept */
	s = strdup(name);
	if (!s)
		return -ENOMEM;
	if (d->n == CONFIG_FILES_MAX + 1)
		free(d->names[--d->n]);
	memmove(&d->names[i + 1], &d->names[i], (d->n - i) * sizeof(*d->names));
	d->names[i] = s;
	d->n++;
	return 0;
}

static int list_dropins(struct root *root, const char *dir, struct dropins *d)
{
	struct dirent *de;
	int err = 0;
	DIR *dh;

	dh = root_opendir_in_root(root, dir);
	if (!dh)
		return errno == ENOENT ? 0 : -errno;
	while (err >= 0 && (de = readdir(dh)))
		if (conf_name(de->d_name))
			err = keep_name(d, de->d_name);
	closedir(dh);
	while (err < 0 && d->n) /* all or nothing */
		free(d->names[--d->n]);
	return err;
}

int config_load(struct config *c, struct root *root, const char *file)
{
	static const char dir[] = "/etc/gpupass.d";
	struct dropins d = { .n = 0 };
	unsigned int i;
	char path[512];
	int err;

	if (file)
		return load_file(c, root, file, true);
	err = load_file(c, root, "/etc/gpupass.conf", false);
	if (err < 0)
		return err;
	err = list_dropins(root, dir, &d);
	if (err < 0) {
		ERR_ERRNO(err, "%s: cannot list: %m, ignoring it", dir);
		c->errors++;
		err = 0;
	} else if (d.total > CONFIG_FILES_MAX) {
		ERR("%s: %u .conf files, more than the limit of %d: reading the first %d in name order and ignoring %u, from '%s' on; merge some of them",
		    dir, d.total, CONFIG_FILES_MAX, CONFIG_FILES_MAX, d.total - CONFIG_FILES_MAX,
		    d.names[CONFIG_FILES_MAX]);
		c->errors++;
	}
	for (i = 0; i < d.n && i < CONFIG_FILES_MAX && err >= 0; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, d.names[i]);
		err = load_file(c, root, path, false);
	}
	for (i = 0; i < d.n; i++)
		free(d.names[i]);
	return err < 0 ? err : 0;
}

void config_fingerprint(const struct config *c, char hex[65])
{
	struct sha256 h = c->hash; /* finishing changes the state: work on a copy */

	sha256_hex(&h, hex);
}
