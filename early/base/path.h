/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every file access of gpupass goes through a root: a directory fd that
 * relative paths are resolved against (openat, readlinkat).  One root is
 * sysfs ("/sys", or a fake tree in tests), one is the filesystem root for
 * /etc, /proc and /run.  Nothing else in the program opens those trees.
 *
 * All functions return 0 (or a length) on success and -errno on failure.
 */
#ifndef GPUPASS_PATH_H
#define GPUPASS_PATH_H

#include <dirent.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

struct root;

int root_open(struct root **out, const char *dir);
void root_close(struct root *r);
/* The directory the root was opened on, for messages and for libpci. */
const char *root_dir(const struct root *r);

/*
 * The readers open only regular files, and never block in open: a directory
 * gives -EISDIR, a FIFO, socket or device -EINVAL (root_strerror() says so).
 */
/* Read a small attribute file; trailing newlines are stripped.  Returns length. */
int root_read(struct root *r, const char *rel, char *buf, size_t size);
/* Read a whole file of at most @max bytes into a malloc'ed, NUL-terminated buffer (-EFBIG). */
int root_read_all(struct root *r, const char *rel, size_t max, char **out, size_t *len);
/*
 * root_read_all() for files an admin may point elsewhere with a symlink (the
 * config): every link on the way is resolved inside the root, as if it were
 * "/" (openat2's RESOLVE_IN_ROOT): an absolute target means <root>/target and
 * ".." stops at the root, so a captured tree never reads the host's files.
 * A dangling link gives -ENOENT, more than 40 links -ELOOP.
 */
int root_read_all_in_root(struct root *r, const char *rel, size_t max, char **out, size_t *len);
/* root_read_all() of an open fd (a pipe: the libvirt hook's stdin), until end of file. */
int fd_read_all(int fd, size_t max, char **out, size_t *len);
/* One write(2) of @val, as sysfs attributes want. */
int root_write(struct root *r, const char *rel, const char *val);
/*
 * Write @len bytes to @rel, creating it (mode 0644) through a new temporary
 * file (O_EXCL|O_NOFOLLOW: a planted link is never followed) and rename.
 */
int root_write_file(struct root *r, const char *rel, const char *data, size_t len);
/*
 * root_write_file() of what @print writes to its FILE (into memory first),
 * after creating @rel's directory; 0 or -errno.
 */
int root_write_printed(struct root *r, const char *rel, void (*print)(const void *arg, FILE *f),
		       const void *arg);
/* Remove file @rel (never a directory; a symlink itself, not its target). */
int root_unlink(struct root *r, const char *rel);
/* The target of symlink @rel, as stored.  Returns its length. */
int root_readlink(struct root *r, const char *rel, char *buf, size_t size);
/* root_readlink() of @rel, its directory found with links resolved inside the root. */
int root_readlink_in_root(struct root *r, const char *rel, char *buf, size_t size);
/* The last component of the target of symlink @rel. */
int root_link_name(struct root *r, const char *rel, char *buf, size_t size);
/* What a reader's -errno means, for messages ("not a regular file", "larger than the limit"). */
const char *root_strerror(int err);
/* 1 if @rel exists, 0 if not, -errno on other errors. */
int root_exists(struct root *r, const char *rel);
/*
 * 1 when @r's "/" is not the root of process 1 (@r's /proc/1/root): a chroot,
 * where the mounts, swaps and command line in /proc are the build host's, not
 * those of the system whose image is being built.  0 when it is the same, or
 * when there is no /proc/1 to tell.  1 too when /proc/1/root may not be
 * looked at by root (EACCES, EPERM: a build container or a chroot in a
 * namespace of its own, where root lacks CAP_SYS_PTRACE over process 1; on
 * the machine itself root may always): the safe side, nothing taken from
 * this sysfs.  For any other user that denial is the rule on a plain host
 * (0: 'gpupass check' without sudo judges the devices).
 */
int root_chrooted(struct root *r);
/* mkdir -p of @rel (mode 0755); a component that is a symlink gives -ELOOP (refused). */
int root_mkdirs(struct root *r, const char *rel);
/* opendir(3) of @rel; NULL with errno set on failure. */
DIR *root_opendir(struct root *r, const char *rel);
/* root_opendir() with links resolved inside the root, as root_read_all_in_root(). */
DIR *root_opendir_in_root(struct root *r, const char *rel);

#endif
