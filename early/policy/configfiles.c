// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which files the config is read from, in which order, and the fingerprint
 * of what was read.  Like modprobe.d and systemd's config directories: the
 * main file /etc/gpupass.conf first, then the drop-ins *.conf of
 * /usr/lib/gpupass.d (the vendor's), /etc/gpupass.d (the admin's) and
 * /run/gpupass.d (run time) in file-name order across the three; a name in
 * a later directory overrides the same name in an earlier one, and a link
 * to /dev/null masks it.  The grammar of each file is config.c's.
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

/* Add @file to the files read (what 'gpupass fingerprint files' lists). */
static int remember(struct config *c, const char *file)
{
	char **n, *dup = strdup(file);

	n = dup ? realloc(c->read, (c->nread + 1) * sizeof(*n)) : NULL;
	if (!n) {
		free(dup);
		return -ENOMEM;
	}
	c->read = n;
	c->read[c->nread++] = dup;
	return 0;
}

void config_files_free(struct config *c)
{
	unsigned int i;

	for (i = 0; i < c->nread; i++)
		free(c->read[i]);
	free(c->read);
	c->read = NULL;
	c->nread = 0;
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
	err = remember(c, file);
	if (err < 0) {
		free(buf);
		return err;
	}
	err = config_parse_buffer(c, file, buf, len);
	free(buf);
	return err;
}

static bool conf_name(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 5 && !strcmp(name + n - 5, ".conf");
}

static const char *const layers[] = { "/usr/lib/gpupass.d", "/etc/gpupass.d", "/run/gpupass.d" };
#define LAYERS (sizeof(layers) / sizeof(layers[0]))

/*
 * The first CONFIG_FILES_MAX + 1 drop-in names of all layers in strcmp
 * order, like modprobe.d, whatever order the directories list them in, each
 * with the last layer that has it, and how many there are: the ones read are
 * the same on every machine, and the first one left out can be named.
 */
struct dropins {
	char *names[CONFIG_FILES_MAX + 1];
	unsigned char layer[CONFIG_FILES_MAX + 1];
	unsigned int n;
	unsigned int total;	  /* a name past the cap in two layers counts twice */
	unsigned int layers_seen; /* bit i: layers[i] has a drop-in */
};

static int keep_name(struct dropins *d, const char *name, unsigned int layer)
{
	unsigned int i;
	char *s;

	d->layers_seen |= 1u << layer;
	for (i = 0; i < d->n; i++) {
		if (!strcmp(d->names[i], name)) {
			d->layer[i] = layer; /* a later layer overrides */
			return 0;
		}
	}
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
	memmove(&d->layer[i + 1], &d->layer[i], (d->n - i) * sizeof(*d->layer));
	d->names[i] = s;
	d->layer[i] = layer;
	d->n++;
	return 0;
}

static int list_dropins(struct root *root, unsigned int layer, struct dropins *d)
{
	struct dirent *de;
	int err = 0;
	DIR *dh;

	dh = root_opendir_in_root(root, layers[layer]);
	if (!dh)
		return errno == ENOENT ? 0 : -errno;
	while (err >= 0 && (de = readdir(dh)))
		if (conf_name(de->d_name))
			err = keep_name(d, de->d_name, layer);
	closedir(dh);
	return err;
}

/* Every layer's names; a layer that cannot be listed is reported and left out. */
static int list_layers(struct config *c, struct root *root, struct dropins *d)
{
	unsigned int l;
	int err;

	for (l = 0; l < LAYERS; l++) {
		err = list_dropins(root, l, d);
		if (err == -ENOMEM)
			return err;
		if (err < 0) {
			ERR_ERRNO(err, "%s: cannot list: %m, ignoring it", layers[l]);
			c->errors++;
		}
	}
	if (d->total > CONFIG_FILES_MAX) {
		unsigned int l1 = d->layer[CONFIG_FILES_MAX];
		bool one = d->layers_seen == 1u << l1;

		ERR("%s: %u .conf files, more than the limit of %d: reading the first %d in name order and ignoring %u, from '%s' on; merge some of them",
		    one ? layers[l1] : "/usr/lib, /etc and /run/gpupass.d", d->total,
		    CONFIG_FILES_MAX, CONFIG_FILES_MAX, d->total - CONFIG_FILES_MAX,
		    d->names[CONFIG_FILES_MAX]);
		c->errors++;
	}
	return 0;
}

/* A drop-in linked to /dev/null masks the same name in the earlier layers, as in systemd. */
static bool masked(struct root *root, const char *path)
{
	char target[64];

	return root_readlink_in_root(root, path, target, sizeof(target)) >= 0 &&
	       !strcmp(target, "/dev/null");
}

int config_load(struct config *c, struct root *root, const char *file)
{
	struct dropins d = { .n = 0 };
	unsigned int i;
	char path[512];
	int err;

	if (file)
		return load_file(c, root, file, true);
	err = load_file(c, root, "/etc/gpupass.conf", false);
	if (err >= 0)
		err = list_layers(c, root, &d);
	for (i = 0; i < d.n && i < CONFIG_FILES_MAX && err >= 0; i++) {
		snprintf(path, sizeof(path), "%s/%s", layers[d.layer[i]], d.names[i]);
		if (masked(root, path))
			DBG("%s: a link to /dev/null, masking %s", path, d.names[i]);
		else
			err = load_file(c, root, path, false);
	}
	for (i = 0; i < d.n; i++)
		free(d.names[i]);
	return err < 0 ? err : 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One layer's *.conf entries, in name order, to @fn (a reproducible order for a capture). */
static int each_in_layer(struct root *root, unsigned int layer,
			 int (*fn)(void *arg, const char *path), void *arg)
{
	char **v = NULL, **nv, path[512];
	unsigned int n = 0, i;
	struct dirent *de;
	int err = 0;
	DIR *dh;

	dh = root_opendir_in_root(root, layers[layer]);
	if (!dh)
		return errno == ENOENT ? 0 : -errno;
	while (err >= 0 && (de = readdir(dh))) {
		if (!conf_name(de->d_name))
			continue;
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (nv)
			v = nv;
		if (!nv || !(v[n] = strdup(de->d_name)))
			err = -ENOMEM;
		else
			n++;
	}
	closedir(dh);
	if (v)
		qsort(v, n, sizeof(*v), by_name);
	for (i = 0; i < n && err >= 0; i++) {
		snprintf(path, sizeof(path), "%s/%s", layers[layer], v[i]);
		err = fn(arg, path);
	}
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return err;
}

int config_each_input(struct root *root, int (*fn)(void *arg, const char *path), void *arg)
{
	unsigned int l;
	int err = fn(arg, "/etc/gpupass.conf");

	for (l = 0; l < LAYERS && err >= 0; l++) {
		err = each_in_layer(root, l, fn, arg);
		if (err < 0 && err != -ENOMEM)
			err = 0; /* config_load reports a layer it cannot list */
	}
	return err;
}

void config_fingerprint(const struct config *c, char hex[65])
{
	struct sha256 h = c->hash; /* finishing changes the state: work on a copy */

	sha256_hex(&h, hex);
}
