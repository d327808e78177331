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

static int load_file(struct config *c, struct root *root, const char *file, bool must_exist)
{
	char *buf = NULL;
	size_t len = 0;
	int err;

	err = root_read_all(root, file, CONFIG_FILE_MAX, &buf, &len);
	if (err == -ENOENT && !must_exist) {
		DBG("%s: not found, no rules from it", file);
		return 0;
	}
	if (err == -EFBIG) {
		ERR("%s: larger than %d bytes, ignoring the whole file", file, CONFIG_FILE_MAX);
		c->errors++;
		return 0;
	}
	if (err < 0) {
		ERR("%s: cannot read: %s, ignoring it", file, root_strerror(err));
		c->errors++;
		return 0;
	}
	/* The fingerprint covers exactly the bytes parsed, file after file. */
	sha256_update(&c->hash, buf, len);
	err = config_parse_buffer(c, file, buf, len);
	free(buf);
	return err;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool conf_name(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 5 && !strcmp(name + n - 5, ".conf");
}

/* Names of /etc/gpupass.d/\*.conf in strcmp order, like modprobe.d. */
static int list_dropins(struct root *root, const char *dir, char ***names, unsigned int *count)
{
	struct dirent *de;
	unsigned int n = 0;
	char **v = NULL;
	DIR *d;

	d = root_opendir(root, dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (!conf_name(de->d_name))
			continue;
		if (n == CONFIG_FILES_MAX) {
			WRN("%s: more than %d .conf files, ignoring the rest", dir,
			    CONFIG_FILES_MAX);
			break;
		}
		if (n % 8 == 0) {
			char **nv = realloc(v, (n + 8) * sizeof(*nv));

			if (!nv)
				break;
			v = nv;
		}
		v[n] = strdup(de->d_name);
		if (v[n])
			n++;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), cmp_names);
	*names = v;
	*count = n;
	return 0;
}

int config_load(struct config *c, struct root *root, const char *file)
{
	static const char dir[] = "/etc/gpupass.d";
	char **names = NULL, path[512];
	unsigned int i, n = 0;
	int err;

	if (file)
		return load_file(c, root, file, true);
	err = load_file(c, root, "/etc/gpupass.conf", false);
	if (err < 0)
		return err;
	err = list_dropins(root, dir, &names, &n);
	if (err < 0) {
		ERR_ERRNO(err, "%s: cannot list: %m, ignoring it", dir);
		c->errors++;
	}
	for (i = 0; i < n && err >= 0; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		err = load_file(c, root, path, false);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return err < 0 ? err : 0;
}

void config_fingerprint(const struct config *c, char hex[65])
{
	struct sha256 h = c->hash; /* finishing changes the state: work on a copy */

	sha256_hex(&h, hex);
}
