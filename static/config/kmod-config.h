/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What kmod 30's configure would write into config.h for the static libkmod
 * of gpupass (static/build.sh compiles libkmod's C files with it, no
 * autotools): musl on Linux, xz and zstd compressed modules, no zlib, no
 * OpenSSL (signatures are only printed by modinfo), logging on so that
 * libkmod's errors reach gpupass's log, no debug messages.
 */
#define PACKAGE "kmod"
#define VERSION "30"
#define KMOD_FEATURES "+ZSTD +XZ -ZLIB -LIBCRYPTO -EXPERIMENTAL"
#define ENABLE_LOGGING 1
#ifndef GPUPASS_KMOD_NO_XZ
#define ENABLE_XZ 1
#endif
#ifndef GPUPASS_KMOD_NO_ZSTD
#define ENABLE_ZSTD 1
#endif
/* musl has secure_getenv, struct stat's st_mtim and be32toh, not strndupa
 * nor a finit_module() wrapper (shared/missing.h supplies both). */
#define HAVE_SECURE_GETENV 1
#define HAVE_STRUCT_STAT_ST_MTIM 1
#define HAVE_DECL_STRNDUPA 0
#define HAVE_DECL_BE32TOH 1
#define HAVE_STATIC_ASSERT 1
#define HAVE_NORETURN 1
#define HAVE___BUILTIN_UADDL_OVERFLOW 1
#define HAVE___BUILTIN_UADDLL_OVERFLOW 1
