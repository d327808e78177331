/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SHA-256 (FIPS 180-4), used only to fingerprint the config so that
 * "gpupass status" can tell a stale initramfs from a current one; the value
 * equals `cat /etc/gpupass.conf /etc/gpupass.d/\*.conf | sha256sum`.
 * Written here rather than linking libcrypto (4 MiB) into every initramfs.
 */
#ifndef GPUPASS_SHA256_H
#define GPUPASS_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t fill;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* Finish and write 64 lower-case hex digits and a NUL into @hex. */
void sha256_hex(struct sha256 *s, char hex[65]);

#endif
