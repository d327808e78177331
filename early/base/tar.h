/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A writer of POSIX tar archives (pax interchange format, POSIX.1-2001,
 * the ustar header plus "x" records for names over ustar's limits): regular
 * files, directories and symbolic links, owned by root, mode 0644/0755/0777,
 * dated 0, so the same input gives the same bytes.  Any tar reads them
 * (GNU tar, bsdtar, busybox tar, Python's tarfile).
 *
 * Why not libarchive: gpupass is one static binary and the capture verb only
 * writes three kinds of entry; the format is 512-byte headers, ~100 lines.
 */
#ifndef GPUPASS_TAR_H
#define GPUPASS_TAR_H

#include <stddef.h>
#include <stdio.h>

/* Paths and link targets: longer ones are refused (-ENAMETOOLONG). */
#define TAR_PATH_MAX 4096

/* Each returns 0 or -errno (-EIO when writing to @f failed). */
int tar_file(FILE *f, const char *path, const void *data, size_t len);
int tar_dir(FILE *f, const char *path);
int tar_symlink(FILE *f, const char *path, const char *target);
/* The two zero blocks that end an archive. */
int tar_end(FILE *f);

#endif
