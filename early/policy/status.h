/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a run did, per device, with the config's fingerprint and timings.
 * The early run writes /run/gpupass/status.json in the initramfs and it
 * survives the switch to the real root (/run is carried over): it is the
 * boot's record, and its fingerprint is the config the initramfs holds.  A
 * run-time 'gpupass apply' writes /run/gpupass/apply.json instead, so that
 * it never hides what the boot did.
 */
#ifndef GPUPASS_STATUS_H
#define GPUPASS_STATUS_H

#include <stdint.h>

#include "policy/config.h"
#include "policy/plan.h"

#define STATUS_PATH "/run/gpupass/status.json"
#define APPLY_PATH "/run/gpupass/apply.json"
/* apply --hotplug ADDR: one record per device added again, HOTPLUG_DIR/ADDR.json. */
#define HOTPLUG_DIR "/run/gpupass/hotplug"
#define STATUS_FORMAT 1

struct timings {
	uint64_t boottime_ms; /* when the run started, since boot */
	uint64_t config_us, enumerate_us, modules_us, bind_us, total_us;
};

struct report {
	const char *mode; /* "early" or "apply" */
	const struct config *config;
	const struct plan *plan; /* NULL when disabled */
	char config_sha256[65];
	struct timings t;
};

struct json;
struct gp_device;
/* The identity members every device object in our JSON starts with:
 * address, vendor, device, class (4 lower-case hex digits each). */
void status_json_ids(struct json *j, const struct gp_device *d);

/* Write @r as JSON to @f. */
void status_print(const struct report *r, FILE *f);
struct root;
/* Write what @print prints to @path (under /run/gpupass) under @root, atomically. */
int status_write_json(struct root *root, const char *path, void (*print)(const void *arg, FILE *f),
		      const void *arg);
/*
 * Write @r under @root: to STATUS_PATH for the early run (mode "early"), to
 * APPLY_PATH for any other.  Returns 0 or -errno (not logged).
 */
int status_write(struct root *root, const struct report *r);
/* The file status_write() writes @r to. */
const char *status_path(const struct report *r);

#endif
