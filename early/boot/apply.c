// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "pci/modload.h"
#include "pci/pcidev.h"
#include "boot/apply.h"
#include "boot/bind.h"

#define DRIVERS_MAX 16

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

struct driver_state {
	const char *name;
	bool ok;
};

/* Load each distinct driver the plan needs once; remember which are there. */
static unsigned int load_drivers(struct plan *p, struct modload *m, struct driver_state *ds)
{
	unsigned int i, k, n = 0, told = 0;

	for (i = 0; i < p->n; i++) {
		const char *want = p->acts[i].rule->driver;

		if (p->acts[i].kind != ACT_CLAIM)
			continue;
		for (k = 0; k < n && strcmp(ds[k].name, want); k++)
			;
		if (k < n)
			continue;
		if (n == DRIVERS_MAX) {
			if (!told++)
				ERR("more than %d different drivers in one run: %s (rule at %s:%u) and any after it are used only if already in the kernel; no module is loaded for them",
				    DRIVERS_MAX, want,
				    p->acts[i].rule->file ? p->acts[i].rule->file
							  : "kernel command line",
				    p->acts[i].rule->line);
			continue;
		}
		ds[n].name = want;
		ds[n].ok = m && modload_driver(m, want) == 0;
		n++;
	}
	return n;
}

/* Past DRIVERS_MAX, a driver is there only if the kernel already has it. */
static bool driver_ok(struct root *sys, const struct driver_state *ds, unsigned int n,
		      const char *name)
{
	unsigned int k;

	for (k = 0; k < n; k++)
		if (!strcmp(ds[k].name, name))
			return ds[k].ok;
	return pci_driver_present(sys, name);
}

unsigned int apply_plan(struct plan *p, struct root *root, struct root *sys, struct timings *t)
{
	struct driver_state ds[DRIVERS_MAX];
	struct modload *m = NULL;
	unsigned int i, n, failed = 0;
	uint64_t t0 = now_us();

	if (modload_new(&m, root, sys) < 0)
		ERR("out of memory setting up libkmod; binding to drivers already present only");
	n = load_drivers(p, m, ds);
	modload_free(m);
	t->modules_us = now_us() - t0;

	t0 = now_us();
	for (i = 0; i < p->n; i++) {
		struct action *a = &p->acts[i];

		if (a->kind == ACT_KEEP) {
			strcpy(a->driver_after, a->dev.driver);
			NOTICE("%s [%04x:%04x]: already bound to %s", a->dev.name, a->dev.vendor,
			       a->dev.device, a->dev.driver);
		}
		if (a->kind != ACT_CLAIM)
			continue;
		if (bind_device(sys, a, driver_ok(sys, ds, n, a->rule->driver), p->settle) < 0)
			failed++;
	}
	t->bind_us = now_us() - t0;
	return failed;
}
