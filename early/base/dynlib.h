/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Libraries opened with dlopen() when a verb really needs them.  libkmod
 * (with libcrypto behind it on Debian) and libblkid would otherwise cost
 * every run, the early boot one included, ~0.5-2 MiB of memory for code most
 * runs never call.  A table of function pointers per library:
 *
 *   #define FOO_SYMS(X) X(foo_open) X(foo_close)
 *   static struct { FOO_SYMS(DYNLIB_FIELD) } foo;
 *   ... DYNLIB_LOAD(lib, foo, FOO_SYMS) ...
 *
 * The static build (make STATIC=1 defines DYNLIB_STATIC) has no dlopen():
 * a library it links is taken with DYNLIB_LINKED(foo, FOO_SYMS) instead (the
 * caller decides, e.g. under KMOD_LINKED), and DYNLIB_LOAD of any other one
 * fails quietly (debug level only): what it serves is absent from that build.
 */
#ifndef GPUPASS_DYNLIB_H
#define GPUPASS_DYNLIB_H

#include <errno.h>

#define DYNLIB_FIELD(name) __typeof__(&name) name;
#define DYNLIB_SYM(name)                                                                           \
	if (!(dynlib_tab->name = (__typeof__(&name))dlsym(dynlib_lib, #name)))                     \
		dynlib_missing = #name;
#define DYNLIB_LINK(name) dynlib_tab->name = name;

/* Fill @tab from the symbols linked in; 0. */
#define DYNLIB_LINKED(tab, SYMS)                                                                   \
	({                                                                                         \
		__typeof__(&(tab)) dynlib_tab = &(tab);                                            \
		SYMS(DYNLIB_LINK)                                                                  \
		0;                                                                                 \
	})

#ifdef DYNLIB_STATIC
/* Returns -ENOENT after a debug message naming @soname and @why. */
#define DYNLIB_LOAD(soname, tab, SYMS, why) dynlib_absent(soname, why)
int dynlib_absent(const char *soname, const char *why);
#else
#include <dlfcn.h>

/*
 * Fill @tab from @soname.
 * Returns 0, or -ENOENT after logging "cannot load SONAME ... (@why)".
 */
#define DYNLIB_LOAD(soname, tab, SYMS, why)                                                        \
	({                                                                                         \
		__typeof__(&(tab)) dynlib_tab = &(tab);                                            \
		const char *dynlib_missing = NULL;                                                 \
		void *dynlib_lib = dynlib_open(soname, why);                                       \
		if (dynlib_lib) {                                                                  \
			SYMS(DYNLIB_SYM)                                                           \
		}                                                                                  \
		dynlib_lib && !dynlib_missing ? 0 : dynlib_failed(soname, dynlib_missing, why);    \
	})

/* dlopen() @soname once (later calls return the same handle); NULL on failure. */
void *dynlib_open(const char *soname, const char *why);
/* Log why @soname is unusable; returns -ENOENT. */
int dynlib_failed(const char *soname, const char *missing_symbol, const char *why);
#endif

#endif
