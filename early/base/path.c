// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/path.h"

struct root {
	int fd;
	char *dir;
};

int root_open(struct root **out, const char *dir)
{
	struct root *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	r->dir = strdup(dir);
	r->fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (!r->dir || r->fd < 0) {
		int err = r->dir ? -errno : -ENOMEM;

		root_close(r);
		return err;
	}
	*out = r;
	return 0;
}

void root_close(struct root *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	free(r->dir);
	free(r);
}

const char *root_dir(const struct root *r)
{
	return r->dir;
}

/* Paths given to a root are always relative: "/etc/x" means "<root>/etc/x". */
static const char *rel_path(const char *rel)
{
	while (*rel == '/')
		rel++;
	return *rel ? rel : ".";
}

/*
 * Open @rel for reading only when it is a regular file, and without blocking
 * on the way: a FIFO or a device planted where a config, a record or an
 * attribute should be must never hang a boot (O_NONBLOCK makes the open of a
 * FIFO return at once; the type check refuses it before any read).
 */
static int open_regular(struct root *r, const char *rel)
{
	struct stat st;
	int fd, err;

	fd = openat(r->fd, rel_path(rel), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		err = -errno;
	else if (!S_ISREG(st.st_mode))
		err = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	else
		return fd;
	close(fd);
	return err;
}

int root_read(struct root *r, const char *rel, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open_regular(r, rel);
	if (fd < 0)
		return fd;
	n = read(fd, buf, size - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	return n;
}

static int read_fd_all(int fd, size_t max, char **out, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t k;

		if (n == cap) {
			char *nb;

			if (cap > max) {
				free(buf);
				return -EFBIG;
			}
			cap *= 2;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		k = read(fd, buf + n, cap - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			int err = -errno;

			free(buf);
			return err;
		}
		if (k == 0)
			break;
		n += k;
	}
	if (n > max) {
		free(buf);
		return -EFBIG;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

int root_read_all(struct root *r, const char *rel, size_t max, char **out, size_t *len)
{
	int fd, err;

	fd = open_regular(r, rel);
	if (fd < 0)
		return fd;
	err = read_fd_all(fd, max, out, len);
	close(fd);
	return err;
}

int root_write(struct root *r, const char *rel, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd;

	/* O_TRUNC as `echo > attr` does: sysfs ignores it, a captured tree needs it. */
	fd = openat(r->fd, rel_path(rel), O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	if (close(fd) < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

#define TMP_FLAGS (O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY)

int root_write_file(struct root *r, const char *rel, const char *data, size_t len)
{
	char tmp[PATH_MAX];
	ssize_t n;
	int fd, err = 0;

	rel = rel_path(rel);
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", rel) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	/*
	 * A new file only, never through a link: whatever sits at the temporary
	 * name (left by a crash, or planted) is removed first; unlinkat()
	 * removes a symlink itself, never its target.
	 */
	fd = openat(r->fd, tmp, TMP_FLAGS, 0644);
	if (fd < 0 && errno == EEXIST && unlinkat(r->fd, tmp, 0) == 0)
		fd = openat(r->fd, tmp, TMP_FLAGS, 0644);
	if (fd < 0)
		return -errno;
	n = write(fd, data, len);
	if (n < 0 || (size_t)n != len)
		err = n < 0 ? -errno : -EIO;
	if (close(fd) < 0 && !err)
		err = -errno;
	if (!err && renameat(r->fd, tmp, r->fd, rel) < 0)
		err = -errno;
	if (err)
		unlinkat(r->fd, tmp, 0);
	return err;
}

int root_readlink(struct root *r, const char *rel, char *buf, size_t size)
{
	ssize_t n = readlinkat(r->fd, rel_path(rel), buf, size - 1);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

int root_link_name(struct root *r, const char *rel, char *buf, size_t size)
{
	char target[PATH_MAX];
	const char *base;
	int n;

	n = root_readlink(r, rel, target, sizeof(target));
	if (n < 0)
		return n;
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= size)
		return -ENAMETOOLONG;
	strcpy(buf, base);
	return strlen(buf);
}

const char *root_strerror(int err)
{
	switch (err) {
	case -EINVAL:
		return "not a regular file (a FIFO, socket or device?)";
	case -EISDIR:
		return "a directory, not a file";
	case -EFBIG:
		return "larger than the limit";
	case -ELOOP:
		return "a symlink where gpupass expects a real directory or file (refused, never followed)";
	default:
		return strerror(err < 0 ? -err : err);
	}
}

int root_exists(struct root *r, const char *rel)
{
	if (faccessat(r->fd, rel_path(rel), F_OK, 0) == 0)
		return 1;
	return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
}

/* 0 when @rel is a directory and not a symlink to one: -ELOOP for a link, -ENOTDIR else. */
static int is_real_dir(struct root *r, const char *rel)
{
	struct stat st;

	if (fstatat(r->fd, rel, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (S_ISLNK(st.st_mode))
		return -ELOOP;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

int root_mkdirs(struct root *r, const char *rel)
{
	char buf[PATH_MAX];
	char *p;
	int err;

	if (snprintf(buf, sizeof(buf), "%s", rel_path(rel)) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (p = buf;; p++) {
		char c = *p;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		if (mkdirat(r->fd, buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		err = is_real_dir(r, buf);
		if (err < 0)
			return err;
		if (c == '\0')
			return 0;
		*p = c;
	}
}

DIR *root_opendir(struct root *r, const char *rel)
{
	int fd = openat(r->fd, rel_path(rel), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;

	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (!d) {
		int e = errno;

		close(fd);
		errno = e;
	}
	return d;
}
