// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>

#include "base/dynlib.h"
#include "base/log.h"

#ifdef DYNLIB_STATIC
int dynlib_absent(const char *soname, const char *why)
{
	DBG("%s is not part of this static build; %s", soname, why);
	return -ENOENT;
}
#else
#define DYNLIB_MAX 4

static struct {
	const char *soname;
	void *handle;
} opened[DYNLIB_MAX];

void *dynlib_open(const char *soname, const char *why)
{
	int i;

	(void)why;
	for (i = 0; i < DYNLIB_MAX && opened[i].soname; i++)
		if (!strcmp(opened[i].soname, soname))
			return opened[i].handle;
	if (i == DYNLIB_MAX)
		return NULL;
	opened[i].soname = soname;
	opened[i].handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	return opened[i].handle;
}

int dynlib_failed(const char *soname, const char *missing_symbol, const char *why)
{
	if (missing_symbol)
		ERR("%s has no symbol %s; %s", soname, missing_symbol, why);
	else
		ERR("cannot load %s: %s; %s", soname, dlerror(), why);
	return -ENOENT;
}
#endif
