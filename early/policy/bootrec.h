/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What happened at boot: /run/gpupass/status.json as the early run wrote it,
 * and /run/gpupass/late.json from the later stage; and what the latest
 * run-time 'gpupass apply' did (/run/gpupass/apply.json).  Read back with the
 * small JSON reader of base/jsonread.h.
 */
#ifndef GPUPASS_BOOTREC_H
#define GPUPASS_BOOTREC_H

#include <stdbool.h>

#include "pci/pciaddr.h"
#include "policy/config.h"

#define LATE_PATH "/run/gpupass/late.json"

struct boot_device {
	struct pci_addr addr;
	char result[16]; /* bound, failed, kept, refused, skipped */
	char reason[256];
	char before[DRIVER_NAME_MAX], after[DRIVER_NAME_MAX];
};

struct boot_record {
	bool present;
	char mode[16];
	char config_sha256[65];
	long long started_ms;
	long long total_us; /* the run's timings_us.total; -1: not recorded */
	bool disabled;
	char disabled_by[32];
	struct boot_device *devs;
	unsigned int ndevs;
	/* The later stage, one line per mdev or SR-IOV rule ("mdev UUID: created"). */
	char **late;
	unsigned int nlate;
};

struct root;
/*
 * Read the records under @root.  A missing status.json gives present=false
 * and returns 0; an unreadable or malformed one returns -errno (logged).
 */
int bootrec_load(struct root *root, struct boot_record *b);
/* The same for the latest run-time apply's record, APPLY_PATH (no late.json). */
int bootrec_load_apply(struct root *root, struct boot_record *b);
/* The same for the hotplug record of device @name (HOTPLUG_DIR/NAME.json). */
int bootrec_load_hotplug(struct root *root, const char *name, struct boot_record *b);
/*
 * What bootrec_load() does with each file's text (NUL-terminated), named
 * @path in messages: status.json fills @b (zeroed, as bootrec_free() leaves
 * it), late.json adds b->late.  Return 0 or -errno (logged); the fuzz
 * harness (tests/fuzz/) calls them directly.
 */
int bootrec_parse_status(struct boot_record *b, const char *path, const char *text);
int bootrec_parse_late(struct boot_record *b, const char *path, const char *text);
void bootrec_free(struct boot_record *b);
const struct boot_device *bootrec_find(const struct boot_record *b, const struct pci_addr *a);

#endif
