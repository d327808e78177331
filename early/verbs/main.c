// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gpupass: claim PCI devices (GPUs, their audio functions) for vfio-pci or
 * pci-stub before any host driver binds them.  Verbs and options only; the
 * work lives in the modules named by the includes.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/path.h"
#include "pci/devices.h"
#include "verbs/cli.h"

#ifndef VERSION
#define VERSION "0"
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The options only some verbs take; the others (OPT_GLOBAL) every verb takes. */
enum {
	OPT_GLOBAL = 0,
	O_EARLY = 1 << 0,
	O_LATE = 1 << 1,
	O_DRY_RUN = 1 << 2,
	O_JSON = 1 << 3,
	O_ALL = 1 << 4,
	O_KVER = 1 << 5,
	O_FORMAT = 1 << 6,
	O_NOW = 1 << 7,
	O_NO_INITRAMFS = 1 << 8,
	O_FORCE = 1 << 9,
	O_HOTPLUG = 1 << 10,
};

/*
 * One line per verb, and nothing else to touch to add one: its name, the
 * function that runs it, the options it takes besides the global ones, its
 * synopsis and what it does, as --help prints them.  Several synopsis lines
 * are separated by '\n', each with its line of help; help lines past the
 * synopsis lines continue the last one.
 */
static const struct verb {
	const char *name;
	int (*run)(struct ctx *x);
	unsigned int opts;
	const char *synopsis, *help;
} verbs[] = {
	/* clang-format off */
	{ "apply", cmd_apply, O_EARLY | O_LATE | O_DRY_RUN | O_FORCE | O_HOTPLUG, "apply [--early] [--dry-run] [--force]\napply --late [PARENT...]\napply --hotplug ADDR", "claim the devices the config selects\nmake the config's mdevs and SR-IOV VFs (of PARENT only)\nclaim ADDR if the config selects it (the udev rule)" },
	{ "plan", cmd_plan, O_JSON, "plan [--json]", "print what apply would do (apply --dry-run)" },
	{ "status", cmd_status, O_JSON | O_FORMAT, "status [--json|--format=FMT]", "each rule, its devices now and at boot; exit 1 unless\nevery rule is satisfied and the initramfs is current" },
	{ "list", cmd_list, O_JSON, "list [--json]", "PCI devices by IOMMU group, GPUs and claims marked" },
	{ "release", cmd_release, O_ALL | O_DRY_RUN | O_FORCE, "release [--force] SEL...|--all", "give devices back to their normal drivers" },
	{ "xml", cmd_xml, 0, "xml SEL|UUID", "libvirt <hostdev> element for a claimed device or mdev" },
	{ "check", cmd_check, O_JSON | O_KVER, "check [--json] [--kver VER] [FILE]", "validate the config and the system; exit 1 on errors" },
	{ "modules", cmd_modules, O_JSON, "modules [--json]", "print the kernel modules the config needs" },
	{ "protected", cmd_protected, 0, "protected", "the PCI functions holding the host's disks (for the hooks)" },
	{ "fingerprint", cmd_fingerprint, 0, "fingerprint [files]", "the config's SHA-256, or the files it covers (for the hooks)" },
	{ "mdev", cmd_mdev, O_JSON, "mdev list [--json]\nmdev start|remove UUID...", "configured and existing mdevs, and the types on offer\nmake a configured mdev now, or remove an mdev" },
	{ "udev-rules", cmd_udev_rules, O_DRY_RUN, "udev-rules [--dry-run]", "write (print) the udev rule apply writes for hotplug" },
	{ "capture", cmd_capture, 0, "capture FILE", "what gpupass reads from this host, as a tar archive\n(unpack it, then --root DIR; FILE - for stdout)" },
	{ "claim", cmd_claim, O_NOW | O_NO_INITRAMFS | O_DRY_RUN, "claim [--now] [--no-initramfs] SEL...", "write /etc/gpupass.d/50-claim-ADDR.conf for each device,\nafter the guards of check; rebuild the initramfs" },
	{ "unclaim", cmd_unclaim, O_NOW | O_NO_INITRAMFS | O_DRY_RUN, "unclaim [--now] [--no-initramfs] SEL...", "remove those files (--now: release the devices too)" },
	{ "hook", cmd_hook, 0, "hook libvirt DOMAIN OP SUBOP [EXTRA]", "the libvirt qemu hook: domain XML on stdin" },
	/* clang-format on */
};

/* Every option: its getopt entry, the O_* bit (OPT_GLOBAL: every verb takes it) and its help. */
static const struct opt {
	struct option lo;
	unsigned int bit;
	const char *arg, *help;
} opts[] = {
	/* clang-format off */
	{ { "root", required_argument, NULL, 'r' }, OPT_GLOBAL, " DIR", "read /etc, /proc and /run under DIR (default /)" },
	{ { "sysfs", required_argument, NULL, 's' }, OPT_GLOBAL, " DIR", "read and write sysfs under DIR (default ROOT/sys)" },
	{ { "config", required_argument, NULL, 'c' }, OPT_GLOBAL, " FILE", "read only FILE instead of /etc/gpupass.conf and /etc/gpupass.d" },
	{ { "early", no_argument, NULL, 'e' }, O_EARLY, "", "log to /dev/kmsg and always exit 0, for the boot hooks" },
	{ { "late", no_argument, NULL, 'l' }, O_LATE, "", "the mdev and sriov rules, once their parent driver is up" },
	{ { "now", no_argument, NULL, 'N' }, O_NOW, "", "also claim or release the devices now" },
	{ { "no-initramfs", no_argument, NULL, 'I' }, O_NO_INITRAMFS, "", "print the command that rebuilds the initramfs" },
	{ { "dry-run", no_argument, NULL, 'n' }, O_DRY_RUN, "", "print what would be done, change nothing" },
	{ { "json", no_argument, NULL, 'j' }, O_JSON, "", "JSON output" },
	{ { "format", required_argument, NULL, 'f' }, O_FORMAT, "=FMT", "text, json or prometheus: metrics for node_exporter" },
	{ { "force", no_argument, NULL, 'F' }, O_FORCE, "", "go on while a device is in use (fbcon, DRM, open files)" },
	{ { "hotplug", no_argument, NULL, 'H' }, O_HOTPLUG, "", "the udev rule's entry: claim one device, log to /dev/kmsg" },
	{ { "all", no_argument, NULL, 'a' }, O_ALL, "", "every device held by a driver_override" },
	{ { "kver", required_argument, NULL, 'k' }, O_KVER, " VER", "the kernel an initramfs is built for (default: running)" },
	{ { "debug", no_argument, NULL, 'd' }, OPT_GLOBAL, "", "log debug messages too" },
	{ { "modules", no_argument, NULL, 'm' }, OPT_GLOBAL, "", "same as the modules verb" },
	{ { "help", no_argument, NULL, 'h' }, OPT_GLOBAL, "", "show this help (gpupass VERB --help: that verb's)" },
	{ { "version", no_argument, NULL, 'V' }, OPT_GLOBAL, "", "show the version" },
	/* clang-format on */
};

/* Line @i of the '\n'-separated @text into @buf ("" past its end). */
static const char *nth_line(const char *text, unsigned int i, char *buf, size_t size)
{
	size_t len;

	for (; i > 0 && text; i--)
		text = strchr(text, '\n') ? strchr(text, '\n') + 1 : NULL;
	if (!text)
		return "";
	len = strcspn(text, "\n");
	snprintf(buf, size, "%.*s", (int)(len < size ? len : size - 1), text);
	return buf;
}

static void print_verb_lines(FILE *f, const struct verb *v)
{
	char syn[128], help[128];
	unsigned int i;

	for (i = 0; *nth_line(v->synopsis, i, syn, sizeof(syn)) ||
		    *nth_line(v->help, i, help, sizeof(help));
	     i++) {
		const char *sl = nth_line(v->synopsis, i, syn, sizeof(syn));
		const char *hl = nth_line(v->help, i, help, sizeof(help));

		if (strlen(sl) > 28) /* too long for the column: its help on the next line */
			fprintf(f, "  %s\n  %-28s %s\n", sl, "", hl);
		else
			fprintf(f, "  %-28s %s\n", sl, hl);
	}
}

/* The verbs that take option bit @bit, as " (status, list)". */
static const char *takers(unsigned int bit, char *buf, size_t size)
{
	size_t len = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(verbs) && bit; i++)
		if (verbs[i].opts & bit)
			len += snprintf(buf + len, len < size ? size - len : 0, "%s%s",
					len ? ", " : " (", verbs[i].name);
	if (len && len + 2 < size)
		strcat(buf, ")");
	return buf;
}

/* The options verb @v takes (all of them when @v is NULL), in the order of opts[]. */
static void print_options(FILE *f, const struct verb *v)
{
	char name[32], who[160];
	unsigned int i;

	fputs("\nOptions:\n", f);
	for (i = 0; i < ARRAY_SIZE(opts); i++) {
		if (v && ((opts[i].bit && !(v->opts & opts[i].bit)) || opts[i].lo.val == 'm'))
			continue; /* not this verb's, or another verb's alias */
		snprintf(name, sizeof(name), "--%s%s", opts[i].lo.name, opts[i].arg);
		if (opts[i].lo.val == 'h' || opts[i].lo.val == 'V')
			snprintf(name, sizeof(name), "-%c, --%s", opts[i].lo.val, opts[i].lo.name);
		fprintf(f, "  %-14s %s%s\n", name, opts[i].help,
			v ? "" : takers(opts[i].bit, who, sizeof(who)));
	}
}

static void usage(FILE *f)
{
	unsigned int i;

	fputs("Usage: gpupass [OPTIONS] VERB [ARGS]\n"
	      "Claim PCI devices for vfio-pci (or another driver) before host drivers bind them.\n"
	      "\n"
	      "Verbs:\n",
	      f);
	for (i = 0; i < ARRAY_SIZE(verbs); i++)
		print_verb_lines(f, &verbs[i]);
	print_options(f, NULL);
	fputs("\n"
	      "SEL is lspci's syntax: vendor:device[:class] or [[domain:]bus:]slot.func.\n"
	      "Config: /etc/gpupass.conf, then {/usr/lib,/etc,/run}/gpupass.d/*.conf by name;\n"
	      "see gpupass.conf(5) and gpupass(8).  gpupass VERB --help shows one verb's usage.\n",
	      f);
}

static void verb_usage(FILE *f, const struct verb *v)
{
	char syn[128];
	unsigned int i;

	for (i = 0; *nth_line(v->synopsis, i, syn, sizeof(syn)); i++)
		fprintf(f, "%s gpupass [OPTIONS] %s\n", i ? "      " : "Usage:", syn);
	for (i = 0; *nth_line(v->help, i, syn, sizeof(syn)); i++)
		fprintf(f, "%s%s\n", i ? "" : "\n", syn);
	print_options(f, v);
	fprintf(f, "\nSee gpupass(8) for %s in full.\n", v->name);
}

static const struct verb *find_verb(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(verbs); i++)
		if (!strcmp(name, verbs[i].name))
			return &verbs[i];
	return NULL;
}

struct parsed {
	unsigned int given; /* O_* bits of the options given */
	bool modules, help;
};

static void set_opt(struct opts *o, struct parsed *p, int ch)
{
	switch (ch) {
	case 'r':
		o->root = optarg;
		break;
	case 's':
		o->sysfs = optarg;
		break;
	case 'c':
		o->config = optarg;
		break;
	case 'e':
		o->early = true;
		break;
	case 'l':
		o->late = true;
		break;
	case 'n':
		o->dry_run = true;
		break;
	case 'j':
		o->json = true;
		break;
	case 'a':
		o->all = true;
		break;
	case 'N':
		o->now = true;
		break;
	case 'F':
		o->force = true;
		break;
	case 'H':
		o->hotplug = true;
		break;
	case 'I':
		o->no_initramfs = true;
		break;
	case 'd':
		log_set_debug(1);
		break;
	case 'm':
		p->modules = true;
		break;
	case 'k':
		o->kver = optarg;
		break;
	case 'h':
		p->help = true;
		break;
	}
}

static int parse_opts(int argc, char **argv, struct opts *o, struct parsed *p)
{
	struct option longopts[ARRAY_SIZE(opts) + 1] = { { NULL, 0, NULL, 0 } };
	unsigned int i;
	int ch;

	for (i = 0; i < ARRAY_SIZE(opts); i++)
		longopts[i] = opts[i].lo;
	/* GNU getopt permutes: options may follow the verb ("apply --early"). */
	while ((ch = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		if (ch == 'V') {
			puts("gpupass " VERSION);
			exit(EXIT_SUCCESS);
		}
		for (i = 0; i < ARRAY_SIZE(opts) && opts[i].lo.val != ch; i++)
			;
		if (i == ARRAY_SIZE(opts) || (ch == 'f' && cli_format(o, optarg) < 0))
			return -EINVAL;
		p->given |= opts[i].bit;
		set_opt(o, p, ch);
	}
	return 0;
}

/* An option the verb does not take is a usage error, named, not silently ignored. */
static int check_opts(const struct verb *v, unsigned int given)
{
	unsigned int i, bad = 0;

	for (i = 0; i < ARRAY_SIZE(opts); i++) {
		if (!(given & opts[i].bit & ~v->opts))
			continue;
		ERR("%s does not take --%s; see gpupass %s --help", v->name, opts[i].lo.name,
		    v->name);
		bad++;
	}
	return bad ? -EINVAL : 0;
}

static int dispatch(struct ctx *x, int argc, char **argv, const struct parsed *p)
{
	const char *name = optind < argc ? argv[optind++] : NULL;
	const struct verb *v;

	if (p->modules)
		name = "modules";
	if (!name) {
		usage(p->help ? stdout : stderr);
		return p->help ? 0 : 2;
	}
	v = find_verb(name);
	if (!v) {
		ERR("unknown verb '%s'; see gpupass --help", name);
		return 2;
	}
	if (p->help) {
		verb_usage(stdout, v);
		return 0;
	}
	if (check_opts(v, p->given) < 0)
		return 2;
	x->argc = argc - optind;
	x->argv = argv + optind;
	return v->run(x);
}

int main(int argc, char **argv)
{
	struct ctx x = { .o = { .root = "/" } };
	struct parsed p = { 0 };
	char kmsg[4096];
	int rc;

	if (parse_opts(argc, argv, &x.o, &p) < 0) {
		usage(stderr);
		return 2;
	}
	if (x.o.early || x.o.hotplug) {
		devices_set_fatal_exit(EXIT_SUCCESS); /* never break a boot */
		snprintf(kmsg, sizeof(kmsg), "%s/dev/kmsg", strcmp(x.o.root, "/") ? x.o.root : "");
		log_use_kmsg(kmsg);
	}
	rc = dispatch(&x, argc, argv, &p);
	config_free(&x.c);
	root_close(x.sys);
	root_close(x.root);
	log_close();
	if (x.o.early || x.o.hotplug)
		return EXIT_SUCCESS; /* never break a boot */
	return rc;
}
