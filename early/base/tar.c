// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "base/tar.h"

#define BLOCK 512

struct ustar {
	char name[100], mode[8], uid[8], gid[8], size[12], mtime[12], chksum[8], type,
	    linkname[100], magic[6], version[2], uname[32], gname[32], devmajor[8], devminor[8],
	    prefix[155], pad[12];
};

static int put(FILE *f, const void *data, size_t len)
{
	static const char zeros[BLOCK];
	size_t pad = (BLOCK - len % BLOCK) % BLOCK;

	if ((len && fwrite(data, 1, len, f) != len) || (pad && fwrite(zeros, 1, pad, f) != pad))
		return -EIO;
	return 0;
}

/* Split @path into ustar's prefix and name at a '/'; false when it cannot fit. */
static bool split(struct ustar *h, const char *path)
{
	size_t len = strlen(path);
	const char *slash;

	if (len <= sizeof(h->name)) {
		memcpy(h->name, path, len);
		return true;
	}
	for (slash = strchr(path, '/'); slash; slash = strchr(slash + 1, '/')) {
		size_t plen = slash - path;

		if (plen > sizeof(h->prefix))
			return false;
		if (len - plen - 1 <= sizeof(h->name) && len - plen - 1 > 0) {
			memcpy(h->prefix, path, plen);
			memcpy(h->name, slash + 1, len - plen - 1);
			return true;
		}
	}
	return false;
}

static int header(FILE *f, char type, const char *path, size_t size, const char *link);

static size_t digits(size_t v)
{
	size_t n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* A pax "x" entry with the records that ustar cannot hold ("path", "linkpath"). */
static int pax(FILE *f, const char *path, const char *link)
{
	char rec[2 * (TAR_PATH_MAX + 32)];
	size_t n = 0;
	const char *keys[2] = { path ? "path" : NULL, link ? "linkpath" : NULL };
	const char *vals[2] = { path, link };
	int i, err;

	for (i = 0; i < 2; i++) {
		size_t body, len;

		if (!keys[i])
			continue;
		/* "LEN key=value\n", LEN counting its own digits. */
		body = strlen(keys[i]) + strlen(vals[i]) + 3;
		for (len = body + 1; len != body + digits(len);)
			len = body + digits(len);
		n += snprintf(rec + n, sizeof(rec) - n, "%zu %s=%s\n", len, keys[i], vals[i]);
	}
	err = header(f, 'x', "PaxHeader", n, NULL);
	return err < 0 ? err : put(f, rec, n);
}

static void octal(char *field, size_t size, unsigned long long v)
{
	snprintf(field, size, "%0*llo", (int)size - 1, v);
}

static int header(FILE *f, char type, const char *path, size_t size, const char *link)
{
	struct ustar h;
	const unsigned char *p = (const unsigned char *)&h;
	unsigned int sum = 0;
	size_t i;
	bool name_ok, link_ok = !link || strlen(link) <= sizeof(h.linkname);
	int err;

	if (strlen(path) >= TAR_PATH_MAX || (link && strlen(link) >= TAR_PATH_MAX))
		return -ENAMETOOLONG;
	memset(&h, 0, sizeof(h));
	name_ok = split(&h, path);
	if (!name_ok || !link_ok) {
		err = pax(f, name_ok ? NULL : path, link_ok ? NULL : link);
		if (err < 0)
			return err;
		memset(&h, 0, sizeof(h));
		if (!name_ok)
			memcpy(h.name, path, sizeof(h.name)); /* readers take the pax path */
		else
			split(&h, path);
	}
	octal(h.mode, sizeof(h.mode), type == '5' ? 0755 : type == '2' ? 0777 : 0644);
	octal(h.uid, sizeof(h.uid), 0);
	octal(h.gid, sizeof(h.gid), 0);
	octal(h.size, sizeof(h.size), size);
	octal(h.mtime, sizeof(h.mtime), 0);
	h.type = type;
	if (link && link_ok)
		memcpy(h.linkname, link, strlen(link));
	memcpy(h.magic, "ustar", 6);
	memcpy(h.version, "00", 2);
	strcpy(h.uname, "root");
	strcpy(h.gname, "root");
	memset(h.chksum, ' ', sizeof(h.chksum));
	for (i = 0; i < sizeof(h); i++)
		sum += p[i];
	snprintf(h.chksum, sizeof(h.chksum), "%06o", sum);
	return put(f, &h, sizeof(h));
}

int tar_file(FILE *f, const char *path, const void *data, size_t len)
{
	int err = header(f, '0', path, len, NULL);

	return err < 0 ? err : put(f, data, len);
}

int tar_dir(FILE *f, const char *path)
{
	return header(f, '5', path, 0, NULL);
}

int tar_symlink(FILE *f, const char *path, const char *target)
{
	return header(f, '2', path, 0, target);
}

int tar_end(FILE *f)
{
	static const char zeros[2 * BLOCK];

	return fwrite(zeros, 1, sizeof(zeros), f) == sizeof(zeros) ? 0 : -EIO;
}
