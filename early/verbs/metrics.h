/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * status --format=prometheus: what 'gpupass status' found, in the Prometheus
 * text exposition format (0.0.4), for node_exporter's textfile collector.
 * Fed by status.c with the facts it printed; the names are in gpupass(8).
 */
#ifndef GPUPASS_METRICS_H
#define GPUPASS_METRICS_H

#include <stdbool.h>
#include <stdio.h>

struct config;
struct plan;
struct boot_record;
struct rule;

struct status_facts {
	const struct config *c;
	const struct plan *p;
	const struct boot_record *b;
	bool stale;	/* the initramfs holds another config */
	bool satisfied; /* what 'gpupass status' exits 0 for */
	/* Whether claim rule @r is satisfied now, from status.c. */
	bool (*rule_satisfied)(const void *arg, const struct rule *r);
	const void *arg;
};

void metrics_print(FILE *f, const struct status_facts *s);

#endif
