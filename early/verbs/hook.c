// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hook libvirt DOMAIN OPERATION SUB-OPERATION [EXTRA]: what the libvirt qemu
 * hook (libvirt/qemu-hook.sh, installed in /etc/libvirt/hooks/qemu.d/) runs, with
 * libvirt's arguments and the domain XML on stdin (libvirt.org/hooks.html).
 *
 * prepare begin: the domain's PCI hostdevs that a claim rule selects are
 * claimed, as 'apply' claims them (guards included), with the functions or
 * group members their rule takes along.  Exit 1 when one is not ready: libvirt
 * then does not start the domain, which could not use the device anyway.
 * release end: the same devices are given back to their host drivers, as
 * 'release' does; the domain is gone, so the exit status is always 0.
 * Other operations, and hostdevs no rule selects, are left alone.
 *
 * stdout is libvirt's: a qemu.d script's output replaces the domain XML
 * (empty leaves it), so everything this verb says goes to stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/path.h"
#include "base/xmlread.h"
#include "pci/devices.h"
#include "policy/plan.h"
#include "policy/storage.h"
#include "verbs/cli.h"

#define DOMAIN_XML_MAX (8 << 20)
#define HOSTDEVS_MAX 64

struct hook {
	struct ctx *x;
	const char *domain;
	bool prepare;
	struct pci_addr dev[HOSTDEVS_MAX];
	unsigned int n;
	struct devices *ds;
	struct plan p; /* of the whole config */
};

/* A number of <address>, as libvirt reads it (base 0: 0x.. hex, else decimal). */
static int number(const struct xml_elem *e, const char *name, unsigned long max, bool need,
		  unsigned int *out, char *why, size_t size)
{
	char buf[32], *end;
	unsigned long v;
	int err = xml_attr(e, name, buf, sizeof(buf));

	if (err == -ENOENT && !need) {
		*out = 0;
		return 0;
	}
	errno = 0;
	v = err < 0 ? 0 : strtoul(buf, &end, 0);
	if (err < 0 || errno || end == buf || *end || v > max || buf[0] == '-') {
		snprintf(why, size, "hostdev source <address> with %s %s%s%s",
			 err < 0 ? "no" : "bad", name, err < 0 ? "" : "=", err < 0 ? "" : buf);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int source_address(struct hook *h, const struct xml_elem *e, char *why, size_t size)
{
	unsigned int dom, bus, slot, fn;
	struct pci_addr *a = &h->dev[h->n];

	if (number(e, "domain", 0xffffffff, false, &dom, why, size) < 0 ||
	    number(e, "bus", 0xff, true, &bus, why, size) < 0 ||
	    number(e, "slot", 0x1f, true, &slot, why, size) < 0 ||
	    number(e, "function", 7, true, &fn, why, size) < 0)
		return -EINVAL;
	if (h->n == HOSTDEVS_MAX) {
		snprintf(why, size, "more than %d PCI hostdevs", HOSTDEVS_MAX);
		return -E2BIG;
	}
	a->domain = dom;
	a->bus = bus;
	a->dev = slot;
	a->func = fn;
	h->n++;
	return 0;
}

static bool attr_is(const struct xml_elem *e, const char *name, const char *want)
{
	char buf[32];

	return xml_attr(e, name, buf, sizeof(buf)) == 0 && !strcmp(buf, want);
}

/*
 * /domain/devices/hostdev[@mode='subsystem'][@type='pci']/source/address: the
 * host's address.  The hostdev's own <address> (outside <source>) is the
 * guest's, and is not read.
 */
static int parse_xml(struct hook *h, const char *buf, size_t len, char *why, size_t size)
{
	static const char *const path[] = { "domain", "devices", "hostdev", "source", "address" };
	struct xml_reader r;
	struct xml_elem e;
	unsigned int on = 0; /* how many elements of path[] are open around here */
	int err;

	xml_init(&r, buf, len);
	while ((err = xml_next(&r, &e)) > 0) {
		if (e.depth <= on)
			on = e.depth - 1; /* left the elements deeper than this one */
		if (e.depth != on + 1 || !xml_is(&e, path[on]))
			continue;
		if (on == 2 && !(attr_is(&e, "mode", "subsystem") && attr_is(&e, "type", "pci")))
			continue;
		if (++on < 5)
			continue;
		err = source_address(h, &e, why, size);
		if (err < 0)
			return err;
		on--;
	}
	if (err < 0)
		snprintf(why, size, "%s", r.err);
	return err;
}

/* The device whose rule took @a along (with=functions or group), or @a itself. */
static const struct action *primary(const struct plan *p, const struct action *a)
{
	unsigned int i;

	for (i = 0; a->companion && i < p->n; i++) {
		const struct action *m = &p->acts[i];
		bool near = a->rule->with == WITH_GROUP
				? m->dev.group == a->dev.group
				: m->dev.addr.domain == a->dev.addr.domain &&
				      m->dev.addr.bus == a->dev.addr.bus &&
				      m->dev.addr.dev == a->dev.addr.dev;

		if (m->rule == a->rule && !m->companion && near)
			return m;
	}
	return a;
}

/* Is @b one of the devices the rule of primary @a takes along with it? */
static bool goes_with(const struct plan *p, const struct action *a, const struct action *b)
{
	return b == a || (b->companion && primary(p, b) == a);
}

/* The managed hostdevs' primaries, each once, in @out.  Logs the others. */
static unsigned int managed(struct hook *h, const struct action **out)
{
	char name[PCI_ADDR_LEN];
	unsigned int i, k, n = 0;

	for (i = 0; i < h->n; i++) {
		const struct action *a = plan_find(&h->p, &h->dev[i]);

		if (!a || a->kind == ACT_SKIP) {
			INF("domain %s: %s: %s; left to libvirt", h->domain,
			    pci_addr_str(&h->dev[i], name),
			    a ? "gpupass.skip= on the kernel command line"
			      : "no gpupass rule selects it");
			continue;
		}
		a = primary(&h->p, a);
		for (k = 0; k < n && out[k] != a; k++)
			;
		if (k == n)
			out[n++] = a;
	}
	return n;
}

/* A rule like @r that selects only the device at @a. */
static int add_exact(struct config *c, const struct rule *r, const struct gp_device *d)
{
	struct rule *n = config_add_rule(c, RULE_CLAIM, r->file, r->line);
	struct selector s;
	const char *why;

	if (!n)
		return -ENOMEM;
	*n = *r;
	n->sel = NULL;
	n->nsel = 0;
	if (selector_parse(d->name, &s, &why) < 0)
		return -EINVAL;
	return rule_add_selector(n, &s);
}

static int claim(struct hook *h, const struct action **m, unsigned int n)
{
	struct config mine, all = h->x->c;
	unsigned int i;
	int problems, err = 0;

	config_init(&mine);
	mine.skip = all.skip; /* borrowed: gpupass.skip= holds for the functions taken along */
	mine.nskip = all.nskip;
	for (i = 0; i < n && err >= 0; i++) {
		NOTICE("domain %s: claiming %s [%04x:%04x] for it (rule at %s:%u)", h->domain,
		       m[i]->dev.name, m[i]->dev.vendor, m[i]->dev.device,
		       m[i]->rule->file ? m[i]->rule->file : "kernel command line",
		       m[i]->rule->line);
		err = add_exact(&mine, m[i]->rule, &m[i]->dev);
	}
	h->x->c = mine;
	problems = err < 0 ? 1 : apply_now(h->x);
	mine = h->x->c;
	h->x->c = all;
	mine.skip = NULL;
	config_free(&mine);
	if (problems)
		ERR("domain %s: its PCI devices are not all ready for it (see above); libvirt will not start it",
		    h->domain);
	return problems ? 1 : 0;
}

static void give_back(struct hook *h, const struct action **m, unsigned int n)
{
	char *argv[PLAN_ACTIONS_MAX];
	unsigned int i, k, c = 0;

	for (i = 0; i < h->p.n; i++)
		for (k = 0; k < n; k++)
			if (goes_with(&h->p, m[k], &h->p.acts[i])) {
				argv[c++] = h->p.acts[i].dev.name;
				break;
			}
	NOTICE("domain %s stopped: giving %u PCI device%s back to the host", h->domain, c,
	       c == 1 ? "" : "s");
	h->x->argc = c;
	h->x->argv = argv;
	cmd_release(h->x);
}

static int build(struct hook *h)
{
	struct storage st;
	int err;

	if (cli_open_roots(h->x, true) < 0 || cli_load_config(h->x, true) < 0)
		return -EIO;
	err = devices_open(&h->ds, h->x->sys);
	if (err < 0)
		return err;
	storage_protected(h->x->root, h->x->sys, &st);
	storage_to_plan(&st, &h->p);
	log_mute(1);
	err = plan_build(&h->p, &h->x->c, h->ds);
	log_mute(0);
	if (err < 0)
		ERR_ERRNO(err, "cannot enumerate PCI devices under %s: %m", root_dir(h->x->sys));
	return err;
}

static int run(struct hook *h)
{
	const struct action *m[HOSTDEVS_MAX];
	char why[200], *xml = NULL;
	size_t len;
	unsigned int n;
	int err, rc = 0;

	err = fd_read_all(STDIN_FILENO, DOMAIN_XML_MAX, &xml, &len);
	if (err < 0)
		snprintf(why, sizeof(why), "%s",
			 err == -EFBIG ? "larger than 8 MiB" : strerror(-err));
	else
		err = parse_xml(h, xml, len, why, sizeof(why));
	free(xml);
	if (err < 0) {
		ERR("domain %s: cannot read the domain XML on stdin: %s; %s", h->domain, why,
		    h->prepare ? "not starting it, as its PCI devices may not be ready"
			       : "its devices are not given back");
		return h->prepare ? 1 : 0;
	}
	if (!h->n)
		return 0; /* no PCI hostdev: nothing of gpupass's */
	if (build(h) < 0)
		return h->prepare ? 1 : 0;
	n = managed(h, m);
	if (n && h->prepare)
		rc = claim(h, m, n);
	else if (n)
		give_back(h, m, n);
	return rc;
}

int cmd_hook(struct ctx *x)
{
	struct hook h = { .x = x };
	int rc;

	if (x->argc < 4 || strcmp(x->argv[0], "libvirt")) {
		ERR("usage: gpupass hook libvirt DOMAIN OPERATION SUB-OPERATION [EXTRA] (what libvirt's qemu hook passes)");
		return 2;
	}
	/* Everything we say, release's report included, to stderr: stdout is libvirt's. */
	fflush(stdout);
	if (dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
		return 1;
	h.domain = x->argv[1];
	h.prepare = !strcmp(x->argv[2], "prepare") && !strcmp(x->argv[3], "begin");
	if (!h.prepare && !(!strcmp(x->argv[2], "release") && !strcmp(x->argv[3], "end")))
		return 0;
	rc = run(&h);
	plan_free(&h.p);
	devices_close(h.ds);
	return rc;
}
