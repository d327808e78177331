/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /etc/gpupass.conf and the gpupass.d drop-ins (configfiles.c): one directive per line,
 *   claim SELECTOR... [driver=NAME] [with=none|functions|group]
 *         [expect=VVVV:DDDD[:SSSS:ssss]]
 *         [allow-boot-vga] [allow-storage] [allow-unresolved-storage]
 *         [allow-any-class] [optional]
 *   mdev  PARENT TYPE UUID [start=auto|manual]
 *   sriov PF vfs=N [driver=NAME]
 * '#' starts a comment.  A bad line is reported as "FILE:LINE: what is wrong"
 * and skipped; the rest of the file still applies.  Each option at most once
 * a line; a claim selector that names no kind of device needs allow-any-class.
 */
#ifndef GPUPASS_CONFIG_H
#define GPUPASS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/sha256.h"
#include "base/uuid.h"
#include "pci/pciaddr.h"
#include "pci/pcidev.h"
#include "pci/selector.h"

#define CONFIG_LINE_MAX 1024
#define CONFIG_FILE_MAX (64 * 1024)
#define CONFIG_RULES_MAX 256
#define CONFIG_SELECTORS_MAX 32
#define CONFIG_FILES_MAX 64
#define CONFIG_ERRORS_PER_FILE 20
#define CONFIG_VFS_MAX 2048
#define MDEV_TYPE_MAX 64
#define DEFAULT_DRIVER "vfio-pci"

enum rule_kind { RULE_CLAIM, RULE_MDEV, RULE_SRIOV };
enum with_mode { WITH_NONE, WITH_FUNCTIONS, WITH_GROUP };

struct rule {
	enum rule_kind kind;
	const char *file; /* NULL: the kernel command line */
	unsigned int line;
	char driver[DRIVER_NAME_MAX];
	/* claim */
	struct selector *sel;
	unsigned int nsel;
	enum with_mode with;
	bool has_expect, allow_boot_vga, allow_storage, allow_unresolved_storage, allow_any_class,
	    optional;
	uint16_t expect_vendor, expect_device;
	bool expect_subsys; /* expect= gave the subsystem IDs too */
	uint16_t expect_subvendor, expect_subdevice;
	/* mdev: parent; sriov: the physical function */
	struct pci_addr parent;
	char mdev_type[MDEV_TYPE_MAX];
	char uuid[UUID_STR_LEN];
	bool start_manual;
	unsigned int vfs;
};

struct config {
	struct rule *rules;
	unsigned int nrules;
	struct selector *skip; /* gpupass.skip= */
	unsigned int nskip;
	char **files; /* names rules point into */
	unsigned int nfiles;
	unsigned int errors;
	bool disabled;
	char disabled_by[32];
	bool debug;
	struct sha256 hash; /* of the files loaded: see config_fingerprint() */
	char **read;	    /* the files whose bytes it covers, in order */
	unsigned int nread;
};

void config_init(struct config *c);
void config_free(struct config *c);

/*
 * Parse @len bytes of @buf as the contents of @file.  Bad lines are logged
 * and counted in c->errors.  Returns 0 or -ENOMEM.
 */
int config_parse_buffer(struct config *c, const char *file, const char *buf, size_t len);

/*
 * What only the whole config shows, once every file and the kernel command
 * line are loaded: a second mdev line with one UUID, a second sriov line for
 * one PF (each reported with both lines and dropped: the first applies), and
 * gpupass.claim= selectors that name no kind of device (dropped).  Counted in
 * c->errors.
 */
void config_validate(struct config *c);

struct root;
/* configfiles.c: */
/*
 * Load @file if given, else under @root /etc/gpupass.conf, then the *.conf
 * drop-ins of /usr/lib/gpupass.d, /etc/gpupass.d and /run/gpupass.d in name
 * order across the three, a name in a later directory replacing the same
 * name in an earlier one (a link to /dev/null masks it).  A missing default
 * file is not an error; a missing explicit @file is.  Each file read is
 * added to c->read.  Returns 0 or -errno for a failure that stopped loading.
 */
int config_load(struct config *c, struct root *root, const char *file);

/*
 * Every file config_load() (no @file) decides from, under @root: the main
 * file, then each layer's *.conf entries in name order, masking links and
 * names another layer overrides included (the count past CONFIG_FILES_MAX
 * is theirs too), to @fn with its path ("/etc/gpupass.d/10-x.conf"), whether
 * it exists or not.  What 'gpupass capture' carries.  Stops at and returns a
 * negative value from @fn; else 0, or -ENOMEM.
 */
int config_each_input(struct root *root, int (*fn)(void *arg, const char *path), void *arg);
/* The SHA-256 of the bytes of every file loaded (c->read), in order, as 64 hex digits. */
void config_fingerprint(const struct config *c, char hex[65]);
/* Free c->read (config_free() calls it). */
void config_files_free(struct config *c);

/* rule.c: */
/* "FILE:LINE" or "kernel command line" into @buf. */
const char *rule_origin(const struct rule *r, char *buf, size_t size);
/* The rule as a config line would say it ("claim 1002:6608 with=functions"), into @buf. */
const char *rule_format(const struct rule *r, char *buf, size_t size);
const char *rule_kind_name(enum rule_kind k);
struct gp_device;
/* True unless @r has an expect= that @d does not meet (IDs, and subsystem IDs if given). */
bool rule_expect_met(const struct rule *r, const struct gp_device *d);
/* "10de:1e84", or "10de:1e84 (subsystem 1043:8754)" with @subsys, into @buf. */
const char *ids_str(uint16_t vendor, uint16_t device, bool subsys, uint16_t sv, uint16_t sd,
		    char *buf, size_t size);
const char *with_mode_name(enum with_mode w);

/* Shared with the command-line parser: append a claim rule for @sel with defaults. */
struct rule *config_add_rule(struct config *c, enum rule_kind kind, const char *file,
			     unsigned int line);
int rule_add_selector(struct rule *r, const struct selector *s);

#endif
