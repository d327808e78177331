// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <libkmod.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "base/dynlib.h"
#include "base/log.h"
#include "base/path.h"
#include "pci/modload.h"
#include "pci/pcidev.h"

/*
 * libkmod is opened with dlopen() when a module must really be loaded (see
 * dynlib.h): Debian's pulls in libcrypto, libzstd and liblzma.  The static
 * build (make STATIC=1, the default) links it and defines KMOD_LINKED.
 */
#define KMOD_SYMS(X)                                                                               \
	X(kmod_new)                                                                                \
	X(kmod_unref)                                                                              \
	X(kmod_set_log_fn)                                                                         \
	X(kmod_list_next)                                                                          \
	X(kmod_module_new_from_lookup)                                                             \
	X(kmod_module_get_module)                                                                  \
	X(kmod_module_unref)                                                                       \
	X(kmod_module_unref_list)                                                                  \
	X(kmod_module_get_name)                                                                    \
	X(kmod_module_get_initstate)                                                               \
	X(kmod_module_probe_insert_module)

static struct {
	KMOD_SYMS(DYNLIB_FIELD)
} k;

static int syms_load(void)
{
	if (k.kmod_new)
		return 0;
#ifdef KMOD_LINKED
	return DYNLIB_LINKED(k, KMOD_SYMS);
#else
	return DYNLIB_LOAD("libkmod.so.2", k, KMOD_SYMS,
			   "no modules can be loaded (is libkmod in the initramfs?)");
#endif
}

struct modload {
	struct root *root, *sys;
	struct kmod_ctx *ctx;
	char moddir[4096];
	char confdir[4096];
	char kver[128]; /* "" : the running kernel */
	bool other;	/* @kver is not the running kernel */
};

int modload_new(struct modload **out, struct root *root, struct root *sys)
{
	struct modload *m = calloc(1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	m->root = root;
	m->sys = sys;
	*out = m;
	return 0;
}

void modload_set_kver(struct modload *m, const char *kver)
{
	struct utsname u;

	snprintf(m->kver, sizeof(m->kver), "%s", kver);
	m->other = uname(&u) == 0 && strcmp(u.release, kver);
}

void modload_free(struct modload *m)
{
	if (!m)
		return;
	if (m->ctx)
		k.kmod_unref(m->ctx);
	free(m);
}

/* libkmod's own messages, routed into our log (it logs only errors by default). */
static void kmod_log(void *data, int prio, const char *file, int line, const char *fn,
		     const char *fmt, va_list args)
{
	char buf[512];
	size_t n;

	(void)data, (void)file, (void)line, (void)fn;
	vsnprintf(buf, sizeof(buf), fmt, args);
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	log_printf(prio < LOG_WARNING ? LOG_WARNING : prio, "libkmod: %s", buf);
}

/* The kernel's modules (the running one's unless set), under the root we were given. */
static int ctx_get(struct modload *m)
{
	const char *confs[2] = { m->confdir, NULL };
	bool real_root = !strcmp(root_dir(m->root), "/");
	struct utsname u;

	if (m->ctx)
		return 0;
	if (syms_load() < 0)
		return -ENOENT;
	uname(&u);
	snprintf(m->moddir, sizeof(m->moddir), "%s/lib/modules/%s",
		 real_root ? "" : root_dir(m->root), *m->kver ? m->kver : u.release);
	snprintf(m->confdir, sizeof(m->confdir), "%s/etc/modprobe.d", root_dir(m->root));
	m->ctx = k.kmod_new(real_root && !m->other ? NULL : m->moddir, real_root ? NULL : confs);
	if (!m->ctx)
		return -ENOMEM;
	k.kmod_set_log_fn(m->ctx, kmod_log, NULL);
	return 0;
}

static int insert(struct modload *m, struct kmod_module *mod, const char *driver)
{
	const char *name = k.kmod_module_get_name(mod);
	int state = k.kmod_module_get_initstate(mod);
	int err;

	if (state == KMOD_MODULE_BUILTIN || state == KMOD_MODULE_LIVE)
		return 0;
	err = k.kmod_module_probe_insert_module(mod, KMOD_PROBE_APPLY_BLACKLIST, NULL, NULL, NULL,
						NULL);
	if (err == KMOD_PROBE_APPLY_BLACKLIST) {
		ERR("module %s is blacklisted in modprobe.d; not loading it, so devices for %s stay unbound (remove the blacklist line to use it)",
		    name, driver);
		return -EPERM;
	}
	if (err < 0) {
		ERR_ERRNO(err, "cannot load module %s for driver %s: %m", name, driver);
		return err;
	}
	INF("loaded module %s", name);
	(void)m;
	return 0;
}

int modload_driver(struct modload *m, const char *driver)
{
	struct kmod_list *list = NULL, *l;
	int err;

	if (pci_driver_present(m->sys, driver))
		return 0;
	err = ctx_get(m);
	if (err < 0)
		return err;
	err = k.kmod_module_new_from_lookup(m->ctx, driver, &list);
	if (err < 0 || !list) {
		ERR("driver %s: no module of that name in %s (if it exists, rebuild the initramfs so it is included)",
		    driver, m->moddir[0] ? m->moddir : "/lib/modules");
		return err < 0 ? err : -ENOENT;
	}
	for (l = list; l; l = k.kmod_list_next(list, l)) {
		struct kmod_module *mod = k.kmod_module_get_module(l);

		err = insert(m, mod, driver);
		k.kmod_module_unref(mod);
		if (err < 0)
			break;
	}
	k.kmod_module_unref_list(list);
	if (err < 0)
		return err;
	if (!pci_driver_present(m->sys, driver)) {
		ERR("driver %s did not appear in /sys/bus/pci/drivers after loading its module",
		    driver);
		return -ENOENT;
	}
	return 0;
}

int modload_available(struct modload *m, const char *driver)
{
	struct kmod_list *list = NULL;
	int err;

	if (!m->other && pci_driver_present(m->sys, driver))
		return 1;
	err = ctx_get(m);
	if (err < 0)
		return err;
	err = k.kmod_module_new_from_lookup(m->ctx, driver, &list);
	if (err < 0 || !list)
		return -ENOENT;
	k.kmod_module_unref_list(list);
	return 0;
}
