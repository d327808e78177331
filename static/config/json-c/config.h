/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What json-c 0.16's CMake would write into config.h for the static json-c
 * of gpupass (static/build.sh compiles its C files with it): musl on
 * Linux, no threads, no RDRAND; getrandom() seeds the hash tables.
 */
#define HAVE_ENDIAN_H 1
#define HAVE_FCNTL_H 1
#define HAVE_INTTYPES_H 1
#define HAVE_LIMITS_H 1
#define HAVE_LOCALE_H 1
#define HAVE_STDARG_H 1
#define HAVE_STDINT_H 1
#define HAVE_STDLIB_H 1
#define HAVE_STRINGS_H 1
#define HAVE_STRING_H 1
#define HAVE_SYS_PARAM_H 1
#define HAVE_SYS_RANDOM_H 1
#define HAVE_SYS_STAT_H 1
#define HAVE_SYS_TYPES_H 1
#define HAVE_UNISTD_H 1
#define HAVE_DECL_INFINITY 1
#define HAVE_DECL_ISINF 1
#define HAVE_DECL_ISNAN 1
#define HAVE_DECL_NAN 1
#define HAVE_OPEN 1
#define HAVE_REALLOC 1
#define HAVE_SETLOCALE 1
#define HAVE_USELOCALE 1
#define HAVE_SNPRINTF 1
#define HAVE_STRCASECMP 1
#define HAVE_STRDUP 1
#define HAVE_STRERROR 1
#define HAVE_STRNCASECMP 1
#define HAVE_VASPRINTF 1
#define HAVE_VPRINTF 1
#define HAVE_VSNPRINTF 1
#define HAVE_GETRANDOM 1
#define HAVE_STRTOLL 1
#define HAVE_STRTOULL 1
#define JSON_C_HAVE_INTTYPES_H 1
#define PACKAGE "json-c"
#define PACKAGE_VERSION "0.16.0"
#define VERSION "0.16.0"
#define SIZEOF_INT __SIZEOF_INT__
#define SIZEOF_INT64_T 8
#define SIZEOF_LONG __SIZEOF_LONG__
#define SIZEOF_LONG_LONG __SIZEOF_LONG_LONG__
#define SIZEOF_SIZE_T __SIZEOF_SIZE_T__
#define SIZEOF_SSIZE_T __SIZEOF_SIZE_T__
#define STDC_HEADERS 1
