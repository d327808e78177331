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

static void usage(FILE *f)
{
	fputs(
	    "Usage: gpupass [OPTIONS] VERB [ARGS]\n"
	    "Claim PCI devices for vfio-pci (or another driver) before host drivers bind them.\n"
	    "\n"
	    "Verbs:\n"
	    "  apply [--early] [--dry-run]  claim the devices the config selects\n"
	    "  plan                         print what apply would do (apply --dry-run)\n"
	    "  status [--json]              each rule, its devices now and at boot; exit 1 unless\n"
	    "                               every rule is satisfied and the initramfs is current\n"
	    "  list [--json]                PCI devices by IOMMU group, GPUs and claims marked\n"
	    "  release SEL...|--all         give devices back to their normal drivers\n"
	    "  apply --hotplug ADDR         claim ADDR if the config selects it (the udev rule)\n"
	    "  udev-rules [--dry-run]       write (print) the udev rule apply writes for hotplug\n"
	    "  xml SEL|UUID                 libvirt <hostdev> element for a claimed device or mdev\n"
	    "  check [FILE]                 validate the config and the system; exit 1 on errors\n"
	    "  modules                      print the kernel modules the config needs\n"
	    "  protected                    the PCI functions holding the host's disks (for the hooks)\n"
	    "  apply --late [PARENT...]     make the config's mdevs and SR-IOV VFs (of PARENT only)\n"
	    "  mdev list [--json]           configured and existing mdevs, and the types on offer\n"
	    "  mdev start|remove UUID...    make a configured mdev now, or remove an mdev\n"
	    "\n"
	    "Options:\n"
	    "  --root DIR     read /etc, /proc and /run under DIR (default /)\n"
	    "  --sysfs DIR    read and write sysfs under DIR (default ROOT/sys)\n"
	    "  --config FILE  read only FILE instead of /etc/gpupass.conf and /etc/gpupass.d\n"
	    "  --early        log to /dev/kmsg and always exit 0 (initramfs hooks)\n"
	    "  --late         apply: the mdev and sriov rules, once their parent driver is up\n"
	    "  --dry-run      print what would be done, change nothing\n"
	    "  --json         machine-readable output (status, list)\n"
	    "  --all          release: every device held by a driver_override\n"
	    "  --force        apply, release: go on while a device is in use (fbcon, DRM, open files)\n"
	    "  --debug        log debug messages too\n"
	    "  --modules      same as the modules verb\n"
	    "  -h, --help     show this help\n"
	    "  -V, --version  show the version\n"
	    "\n"
	    "SEL is lspci's syntax: vendor:device[:class] or [[domain:]bus:]slot.func.\n"
	    "Config: /etc/gpupass.conf, /etc/gpupass.d/*.conf; see gpupass.conf(5) and gpupass(8).\n",
	    f);
}

static int parse_opts(int argc, char **argv, struct opts *o, bool *modules)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "sysfs", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ "early", no_argument, NULL, 'e' },
		{ "late", no_argument, NULL, 'l' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "all", no_argument, NULL, 'a' },
		{ "debug", no_argument, NULL, 'd' },
		{ "modules", no_argument, NULL, 'm' },
		{ "force", no_argument, NULL, 'f' },
		{ "hotplug", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	/* GNU getopt permutes: options may follow the verb ("apply --early"). */
	while ((ch = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
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
		case 'd':
			log_set_debug(1);
			break;
		case 'm':
			*modules = true;
			break;
		case 'f':
			o->force = true;
			break;
		case 'H':
			o->hotplug = true;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_SUCCESS);
		case 'V':
			puts("gpupass " VERSION);
			exit(EXIT_SUCCESS);
		default:
			return -EINVAL;
		}
	}
	return 0;
}

/* One line per verb: add a verb here and in usage(), and nowhere else. */
static const struct verb {
	const char *name;
	int (*run)(struct ctx *x);
} verbs[] = {
	/* clang-format off */
	{ "apply", cmd_apply },
	{ "plan", cmd_plan },
	{ "check", cmd_check },
	{ "modules", cmd_modules },
	{ "status", cmd_status },
	{ "list", cmd_list },
	{ "release", cmd_release },
	{ "xml", cmd_xml },
	{ "protected", cmd_protected },
	{ "udev-rules", cmd_udev_rules },
	{ "mdev", cmd_mdev },
	/* clang-format on */
};

static int dispatch(struct ctx *x, int argc, char **argv, bool modules)
{
	const char *verb = optind < argc ? argv[optind++] : NULL;
	size_t i;

	if (modules)
		verb = "modules";
	if (!verb) {
		usage(stderr);
		return 2;
	}
	x->argc = argc - optind;
	x->argv = argv + optind;
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(verb, verbs[i].name))
			return verbs[i].run(x);
	ERR("unknown verb '%s'; see gpupass --help", verb);
	return 2;
}

int main(int argc, char **argv)
{
	struct ctx x = { .o = { .root = "/" } };
	bool modules = false;
	char kmsg[4096];
	int rc;

	if (parse_opts(argc, argv, &x.o, &modules) < 0) {
		usage(stderr);
		return 2;
	}
	if (x.o.early || x.o.hotplug) {
		devices_set_fatal_exit(EXIT_SUCCESS); /* never break a boot */
		snprintf(kmsg, sizeof(kmsg), "%s/dev/kmsg", strcmp(x.o.root, "/") ? x.o.root : "");
		log_use_kmsg(kmsg);
	}
	rc = dispatch(&x, argc, argv, modules);
	config_free(&x.c);
	root_close(x.sys);
	root_close(x.root);
	log_close();
	if (x.o.early || x.o.hotplug)
		return EXIT_SUCCESS; /* never break a boot */
	return rc;
}
