// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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
 * Pass on @fd (or its -errno) only when it is a regular file, and open without
 * blocking on the way: a FIFO or a device planted where a config, a record or
 * an attribute should be must never hang a boot (O_NONBLOCK makes the open of
 * a FIFO return at once; this type check refuses it before any read).
 */
static int only_regular(int fd)
{
	struct stat st;
	int err;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		err = -errno;
	else if (!S_ISREG(st.st_mode))
		err = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	else
		return fd;
	close(fd);
	return err;
}

static int open_regular(struct root *r, const char *rel)
{
	int fd = openat(r->fd, rel_path(rel), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

	return only_regular(fd < 0 ? -errno : fd);
}

#define LINKS_MAX 40 /* the kernel's MAXSYMLINKS */

/* Remove the last component of @path ("a/b" -> "a", "a" -> ""): ".." never leaves the root. */
static void drop_last(char *path)
{
	char *slash = strrchr(path, '/');

	*(slash ? slash : path) = '\0';
}

/*
 * What openat2(RESOLVE_IN_ROOT) does, by hand, for kernels before 5.6 (or a
 * seccomp filter that refuses openat2): resolve @rel into @out, a path under
 * the root with no symlink left in it.  Absolute link targets start again at
 * the root, ".." stops there.  Unlike the kernel's, this walk can race with
 * someone changing the tree; the final open refuses a link that appeared.
 */
static int resolve_by_hand(struct root *r, const char *rel, char *out, size_t size)
{
	char todo[PATH_MAX], link[PATH_MAX], next[PATH_MAX];
	unsigned int links = 0;
	const char *p = todo;

	if (snprintf(todo, sizeof(todo), "%s", rel) >= (int)sizeof(todo))
		return -ENAMETOOLONG;
	out[0] = '\0';
	while (*(p += strspn(p, "/"))) {
		size_t len = strcspn(p, "/"), n = strlen(out);
		ssize_t k;

		if (len <= 2 && !strncmp(p, "..", len)) { /* "." or ".." */
			if (len == 2)
				drop_last(out);
			p += len;
			continue;
		}
		if (n + len + 2 > size)
			return -ENAMETOOLONG;
		snprintf(out + n, size - n, "%s%.*s", n ? "/" : "", (int)len, p);
		p += len;
		k = readlinkat(r->fd, out, link, sizeof(link) - 1);
		if (k < 0 && errno == EINVAL)
			continue; /* not a link */
		if (k < 0)
			return -errno;
		if (++links > LINKS_MAX)
			return -ELOOP;
		link[k] = '\0';
		if (link[0] == '/')
			out[0] = '\0';
		else
			drop_last(out);
		if (snprintf(next, sizeof(next), "%s/%s", link, p) >= (int)sizeof(next))
			return -ENAMETOOLONG;
		strcpy(todo, next);
		p = todo;
	}
	if (!out[0])
		strcpy(out, ".");
	return 0;
}

/*
 * openat() with every symlink of @rel resolved inside the root.  Returns an fd
 * or -errno.  openat2() refuses flags that O_PATH does not take (O_NOCTTY).
 */
static int open_in_root(struct root *r, const char *rel, int flags)
{
	struct open_how how = { .flags = flags | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
	char path[PATH_MAX];
	int fd, err, tries = 0;

	/* EAGAIN: a rename raced with a ".." step; the kernel asks to try again. */
	do
		fd = syscall(SYS_openat2, r->fd, rel_path(rel), &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN && ++tries < 8);
	if (fd >= 0)
		return fd;
	if (errno != ENOSYS && errno != EPERM)
		return -errno;
	err = resolve_by_hand(r, rel_path(rel), path, sizeof(path));
	if (err < 0)
		return err;
	fd = openat(r->fd, path, flags | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
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

int fd_read_all(int fd, size_t max, char **out, size_t *len)
{
	return read_fd_all(fd, max, out, len);
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

int root_read_all_in_root(struct root *r, const char *rel, size_t max, char **out, size_t *len)
{
	int fd, err;

	fd = only_regular(open_in_root(r, rel, O_RDONLY | O_NONBLOCK | O_NOCTTY));
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

int root_unlink(struct root *r, const char *rel)
{
	return unlinkat(r->fd, rel_path(rel), 0) < 0 ? -errno : 0;
}

int root_readlink(struct root *r, const char *rel, char *buf, size_t size)
{
	ssize_t n = readlinkat(r->fd, rel_path(rel), buf, size - 1);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

int root_readlink_in_root(struct root *r, const char *rel, char *buf, size_t size)
{
	char dir[PATH_MAX];
	char *slash;
	ssize_t n;
	int fd;

	if (snprintf(dir, sizeof(dir), "%s", rel_path(rel)) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0'; /* dir holds the directory, then the name */
	fd = open_in_root(r, slash ? dir : ".", O_PATH | O_DIRECTORY);
	if (fd < 0)
		return fd;
	n = readlinkat(fd, slash ? slash + 1 : dir, buf, size - 1);
	if (n < 0)
		n = -errno;
	else
		buf[n] = '\0';
	close(fd);
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

int root_chrooted(struct root *r)
{
	struct stat self, init;

	/* /proc/1/root is a link the kernel resolves to init's root: follow it. */
	if (fstatat(r->fd, ".", &self, 0) < 0)
		return 0;
	/*
	 * Not allowed to look: as root that is a container or namespace that
	 * hides init (an image build: treat it as a chroot); as anyone else it
	 * is only the kernel's ptrace check on init, on a plain host.
	 */
	if (fstatat(r->fd, "proc/1/root/", &init, 0) < 0)
		return (errno == EACCES || errno == EPERM) && geteuid() == 0;
	return self.st_dev != init.st_dev || self.st_ino != init.st_ino;
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

static DIR *opendir_fd(int fd)
{
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

DIR *root_opendir(struct root *r, const char *rel)
{
	return opendir_fd(openat(r->fd, rel_path(rel), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

DIR *root_opendir_in_root(struct root *r, const char *rel)
{
	int fd = open_in_root(r, rel, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		errno = -fd;
	return opendir_fd(fd);
}

int root_write_printed(struct root *r, const char *rel, void (*print)(const void *arg, FILE *f),
		       const void *arg)
{
	char dir[PATH_MAX], *slash;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int err;

	f = open_memstream(&buf, &len);
	if (!f)
		return -errno;
	print(arg, f);
	if (fclose(f) != 0) {
		free(buf);
		return -ENOMEM;
	}
	snprintf(dir, sizeof(dir), "%s", rel);
	slash = strrchr(dir, '/');
	err = 0;
	if (slash && slash != dir) {
		*slash = '\0';
		err = root_mkdirs(r, dir);
	}
	if (err >= 0)
		err = root_write_file(r, rel, buf, len);
	free(buf);
	return err;
}
