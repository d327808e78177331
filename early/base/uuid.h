/* SPDX-License-Identifier: GPL-2.0-or-later */
/* UUIDs as text (mdev names): 8-4-4-4-12 hex digits, as uuidgen prints them. */
#ifndef GPUPASS_UUID_H
#define GPUPASS_UUID_H

#include <stdbool.h>

#define UUID_STR_LEN 37 /* 36 characters and a NUL */

/* True when @s is exactly 8-4-4-4-12 hex digits (either case). */
bool uuid_valid(const char *s);
/* Copy @s lower-cased (the kernel's form) into @out. */
void uuid_lower(const char *s, char out[UUID_STR_LEN]);

#endif
