// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The later stage (mdev.c, sriov.c, late.c, latecheck.c) against a fake
 * sysfs tree with a small fake kernel behind it: root_write() is wrapped
 * (-Wl,--wrap=root_write, see tests.mk) so that every write is recorded in
 * order, and the writes the kernel answers are answered as it does:
 * sriov_numvfs makes or removes VFs (and refuses a new count over another
 * one with EBUSY), drivers_probe binds a device to its driver_override, an
 * mdev type's create makes the mdev and remove destroys it.  A fixture
 * cannot do this: there the files only keep the last value written.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "verbs/cli.h"
#include "pci/devices.h"
#include "late/check.h"
#include "late/late.h"
#include "base/path.h"
#include "testlog.h"

#define PF "0000:03:00.0"
#define GPU "0000:00:02.0"
#define UUID1 "fff6f017-3417-4ad3-b05e-17ae3e1a4615"
#define DIR_MAX 512 /* a device directory: top + sys/devices/pciDDDD:BB/ADDR */

static char top[256];
static struct root *sys;
static struct config c;
static char trace[8192];
static bool create_works; /* does the fake kernel make an mdev on create? */

/* Small file helpers on absolute paths under top/sys. */
static void mkdirs(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void mkdirs(const char *fmt, ...)
{
	char p[PATH_MAX], *s;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p, sizeof(p), fmt, ap);
	va_end(ap);
	for (s = p + 1;; s++) {
		char ch = *s;

		if (ch != '/' && ch)
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			fail_msg("mkdir %s: %s", p, strerror(errno));
		if (!ch)
			return;
		*s = ch;
	}
}

static void put(const char *val, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(const char *val, const char *fmt, ...)
{
	char p[PATH_MAX];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(p, sizeof(p), fmt, ap);
	va_end(ap);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(val, f);
	fclose(f);
}

static void get(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void get(char *buf, size_t size, const char *fmt, ...)
{
	char p[PATH_MAX];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(p, sizeof(p), fmt, ap);
	va_end(ap);
	buf[0] = '\0';
	f = fopen(p, "r");
	if (f) {
		if (!fgets(buf, size, f))
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
}

static void link_to(const char *target, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void link_to(const char *target, const char *fmt, ...)
{
	char p[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p, sizeof(p), fmt, ap);
	va_end(ap);
	unlink(p);
	assert_int_equal(symlink(target, p), 0);
}

static bool exists(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static bool exists(const char *fmt, ...)
{
	char p[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p, sizeof(p), fmt, ap);
	va_end(ap);
	return access(p, F_OK) == 0;
}

static void dev_dir(const char *addr, char *buf)
{
	snprintf(buf, DIR_MAX, "%s/sys/devices/pci%.7s/%s", top, addr, addr);
}

static void fake_driver(const char *drv)
{
	mkdirs("%s/sys/bus/pci/drivers/%s", top, drv);
	put("", "%s/sys/bus/pci/drivers/%s/bind", top, drv);
	put("", "%s/sys/bus/pci/drivers/%s/unbind", top, drv);
}

static void fake_bind(const char *addr, const char *drv)
{
	char d[DIR_MAX], t[PATH_MAX];

	dev_dir(addr, d);
	fake_driver(drv);
	snprintf(t, sizeof(t), "../../../bus/pci/drivers/%s", drv);
	link_to(t, "%s/driver", d);
}

/* A PCI function as mkfakesys makes it (what libpci reads), on @drv or unbound. */
static void fake_dev(const char *addr, unsigned int vendor, unsigned int device, const char *drv)
{
	unsigned char cfg[64] = { 0 };
	char d[DIR_MAX], t[PATH_MAX], v[32];
	FILE *f;

	dev_dir(addr, d);
	mkdirs("%s", d);
	snprintf(v, sizeof(v), "0x%04x\n", vendor);
	put(v, "%s/vendor", d);
	snprintf(v, sizeof(v), "0x%04x\n", device);
	put(v, "%s/device", d);
	put("0x010802\n", "%s/class", d);
	put("0x0000\n", "%s/subsystem_vendor", d);
	put("0x0000\n", "%s/subsystem_device", d);
	put("0x00\n", "%s/revision", d);
	put("0\n", "%s/irq", d);
	put("(null)\n", "%s/driver_override", d);
	put("0x0000000000000000 0x0000000000000000 0x0000000000000000\n", "%s/resource", d);
	cfg[0] = vendor, cfg[1] = vendor >> 8, cfg[2] = device, cfg[3] = device >> 8;
	cfg[9] = 0x02, cfg[10] = 0x08, cfg[11] = 0x01;
	snprintf(t, sizeof(t), "%s/config", d);
	f = fopen(t, "w");
	assert_non_null(f);
	fwrite(cfg, 1, sizeof(cfg), f);
	fclose(f);
	mkdirs("%s/sys/bus/pci/devices", top);
	snprintf(t, sizeof(t), "../../../devices/pci%.7s/%s", addr, addr);
	link_to(t, "%s/sys/bus/pci/devices/%s", top, addr);
	snprintf(t, sizeof(t), "%s/driver", d);
	unlink(t);
	if (drv)
		fake_bind(addr, drv);
}

static void fake_pf(unsigned int total, const char *drv)
{
	char d[DIR_MAX], v[16];

	fake_dev(PF, 0x1b36, 0x0010, drv);
	dev_dir(PF, d);
	snprintf(v, sizeof(v), "%u\n", total);
	put(v, "%s/sriov_totalvfs", d);
	put("0\n", "%s/sriov_numvfs", d);
	put("1\n", "%s/sriov_drivers_autoprobe", d);
}

/* --- the fake kernel --------------------------------------------------------------- */

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);

	return n >= k && !strcmp(s + n - k, tail);
}

static void vf_addr(unsigned int i, char *buf)
{
	snprintf(buf, 16, "0000:03:00.%u", (i + 1) & 7);
}

/* drivers/pci/iov.c: sriov_numvfs_store(). */
static int sim_numvfs(const char *val)
{
	char d[DIR_MAX], buf[32], vf[16];
	unsigned int i, cur, n = atoi(val);
	bool autoprobe;

	dev_dir(PF, d);
	get(buf, sizeof(buf), "%s/sriov_numvfs", d);
	cur = atoi(buf);
	if (n == cur)
		return 0;
	if (!exists("%s/driver", d))
		return -ENOENT;
	if (n && cur)
		return -EBUSY;
	get(buf, sizeof(buf), "%s/sriov_drivers_autoprobe", d);
	autoprobe = !strcmp(buf, "1");
	snprintf(buf, sizeof(buf), "%u\n", n);
	put(buf, "%s/sriov_numvfs", d);
	for (i = 0; i < cur; i++) { /* the VFs go away */
		char p[PATH_MAX];

		vf_addr(i, vf);
		snprintf(p, sizeof(p), "%s/sys/bus/pci/devices/%s", top, vf);
		unlink(p);
		snprintf(p, sizeof(p), "%s/virtfn%u", d, i);
		unlink(p);
	}
	for (i = 0; i < n; i++) {
		char t[64];

		vf_addr(i, vf);
		/* With autoprobe on, the PF driver's VF driver takes the new VF at once. */
		fake_dev(vf, 0x1b36, 0x0010, autoprobe ? "nvme" : NULL);
		snprintf(t, sizeof(t), "../%s", vf);
		link_to(t, "%s/virtfn%u", d, i);
	}
	return 0;
}

static void sim_probe(const char *name)
{
	char d[DIR_MAX], drv[64];

	dev_dir(name, d);
	get(drv, sizeof(drv), "%s/driver_override", d);
	if (strcmp(drv, "(null)") && *drv && !exists("%s/driver", d) &&
	    exists("%s/sys/bus/pci/drivers/%s", top, drv))
		fake_bind(name, drv);
}

static void sim_unbind(const char *name)
{
	char p[DIR_MAX + 8];

	dev_dir(name, p);
	strcat(p, "/driver");
	unlink(p);
}

/* rel: bus/pci/devices/ADDR/mdev_supported_types/TYPE/create */
static void sim_create(const char *rel, const char *uuid)
{
	char addr[16], type[64], d[DIR_MAX], t[PATH_MAX];

	if (!create_works)
		return;
	assert_int_equal(
	    sscanf(rel, "bus/pci/devices/%12[^/]/mdev_supported_types/%63[^/]", addr, type), 2);
	dev_dir(addr, d);
	mkdirs("%s/%s", d, uuid);
	put("", "%s/%s/remove", d, uuid);
	snprintf(t, sizeof(t), "../mdev_supported_types/%s", type);
	link_to(t, "%s/%s/mdev_type", d, uuid);
	mkdirs("%s/sys/bus/mdev/devices", top);
	snprintf(t, sizeof(t), "../../../devices/pci%.7s/%s/%s", addr, addr, uuid);
	link_to(t, "%s/sys/bus/mdev/devices/%s", top, uuid);
}

/* rel: bus/mdev/devices/UUID/remove */
static void sim_remove(const char *rel)
{
	char uuid[40], p[PATH_MAX + 16], real[PATH_MAX];

	assert_int_equal(sscanf(rel, "bus/mdev/devices/%36[^/]", uuid), 1);
	snprintf(p, sizeof(p), "%s/sys/bus/mdev/devices/%s", top, uuid);
	assert_non_null(realpath(p, real));
	unlink(p);
	snprintf(p, sizeof(p), "%s/remove", real);
	unlink(p);
	snprintf(p, sizeof(p), "%s/mdev_type", real);
	unlink(p);
	rmdir(real);
}

int __real_root_write(struct root *r, const char *rel, const char *val);
int __wrap_root_write(struct root *r, const char *rel, const char *val);

int __wrap_root_write(struct root *r, const char *rel, const char *val)
{
	const char *shown = !strncmp(rel, "bus/pci/devices/", 16) ? rel + 16 : rel;
	size_t n = strlen(trace);
	int err;

	snprintf(trace + n, sizeof(trace) - n, "%s=%s\n", shown, val);
	if (ends_with(rel, "/sriov_numvfs"))
		return sim_numvfs(val);
	err = __real_root_write(r, rel, val);
	if (err < 0)
		return err;
	if (!strcmp(rel, "bus/pci/drivers_probe"))
		sim_probe(val);
	else if (ends_with(rel, "/driver/unbind"))
		sim_unbind(val);
	else if (ends_with(rel, "/create"))
		sim_create(rel, val);
	else if (ends_with(rel, "/remove"))
		sim_remove(rel);
	return 0;
}

/* --- fixtures ------------------------------------------------------------------------ */

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(p);
}

static int setup(void **state)
{
	snprintf(top, sizeof(top), "%s/gpupass-late-XXXXXX", P_tmpdir);
	if (!mkdtemp(top))
		return -1;
	mkdirs("%s/sys/bus/pci/drivers", top);
	put("", "%s/sys/bus/pci/drivers_probe", top);
	snprintf(trace, sizeof(trace), "%s/sys", top);
	if (root_open(&sys, trace) < 0)
		return -1;
	trace[0] = '\0';
	create_works = true;
	config_init(&c);
	return testlog_setup(state);
}

static int teardown(void **state)
{
	config_free(&c);
	root_close(sys);
	nftw(top, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return testlog_teardown(state);
}

static const struct rule *rule(const char *line)
{
	assert_int_equal(config_parse_buffer(&c, "t.conf", line, strlen(line)), 0);
	assert_int_equal(c.errors, 0);
	return &c.rules[c.nrules - 1];
}

/* sriov_apply() with libpci over the fake tree, as late.c runs it. */
static int sriov(const struct rule *r, bool dry, struct sriov_outcome *o)
{
	struct devices *ds = NULL;
	int err;

	assert_int_equal(devices_open(&ds, sys), 0);
	err = sriov_apply(sys, ds, NULL, r, dry, o);
	devices_close(ds);
	return err;
}

/* --- SR-IOV -------------------------------------------------------------------------- */

static void test_sriov_makes_vfs(void **state)
{
	const struct rule *r = rule("sriov " PF " vfs=2\n");
	struct sriov_outcome o;

	(void)state;
	fake_pf(4, "nvme");
	fake_driver("vfio-pci");
	assert_int_equal(sriov(r, false, &o), 0);
	assert_int_equal(o.result, SRIOV_OK);
	assert_string_equal(o.reason, "made 2 VFs, on vfio-pci");
	/* Autoprobe off before the VFs exist, each VF overridden before its probe, restored last. */
	assert_string_equal(trace, PF "/sriov_drivers_autoprobe=0\n" PF "/sriov_numvfs=2\n"
				      "0000:03:00.1/driver_override=vfio-pci\n"
				      "bus/pci/drivers_probe=0000:03:00.1\n"
				      "0000:03:00.2/driver_override=vfio-pci\n"
				      "bus/pci/drivers_probe=0000:03:00.2\n" PF
				      "/sriov_drivers_autoprobe=1\n");
	assert_int_equal(o.nvfs, 2);
	assert_int_equal(o.vfs[1].addr.func, 2);
	assert_string_equal(o.vfs[0].driver, "vfio-pci");
	assert_string_equal(o.vfs[1].driver, "vfio-pci");
	sriov_outcome_free(&o);
}

/* The kernel refuses a new count over another one: gpupass must go through 0. */
static void test_sriov_count_change_goes_through_zero(void **state)
{
	const struct rule *r = rule("sriov " PF " vfs=2\n");
	struct sriov_outcome o;

	(void)state;
	fake_pf(4, "nvme");
	fake_driver("vfio-pci");
	assert_int_equal(__wrap_root_write(sys, "bus/pci/devices/" PF "/sriov_numvfs", "1"), 0);
	trace[0] = '\0';
	assert_int_equal(sriov(r, false, &o), 0);
	assert_int_equal(o.result, SRIOV_OK);
	assert_non_null(strstr(trace, PF "/sriov_numvfs=0\n" PF "/sriov_numvfs=2\n"));
	assert_string_equal(o.vfs[0].driver, "vfio-pci");
	sriov_outcome_free(&o);
}

static void test_sriov_idempotent(void **state)
{
	const struct rule *r = rule("sriov " PF " vfs=2\n");
	struct sriov_outcome o;

	(void)state;
	fake_pf(4, "nvme");
	fake_driver("vfio-pci");
	assert_int_equal(sriov(r, false, &o), 0);
	sriov_outcome_free(&o);
	trace[0] = '\0';
	assert_int_equal(sriov(r, false, &o), 0);
	assert_int_equal(o.result, SRIOV_OK);
	assert_string_equal(o.reason, "already there");
	assert_string_equal(trace, "");
	sriov_outcome_free(&o);
}

/* VFs made by hand with autoprobe on sit on the host driver: moved, count untouched. */
static void test_sriov_moves_vfs_off_host_driver(void **state)
{
	const struct rule *r = rule("sriov " PF " vfs=1\n");
	struct sriov_outcome o;

	(void)state;
	fake_pf(4, "nvme");
	fake_driver("vfio-pci");
	assert_int_equal(__wrap_root_write(sys, "bus/pci/devices/" PF "/sriov_numvfs", "1"), 0);
	assert_true(exists("%s/sys/bus/pci/devices/0000:03:00.1/driver", top));
	trace[0] = '\0';
	assert_int_equal(sriov(r, false, &o), 0);
	assert_int_equal(o.result, SRIOV_OK);
	assert_string_equal(o.reason, "the VFs were there; bound 1 to vfio-pci");
	assert_string_equal(trace, "0000:03:00.1/driver_override=vfio-pci\n"
				   "0000:03:00.1/driver/unbind=0000:03:00.1\n"
				   "bus/pci/drivers_probe=0000:03:00.1\n");
	sriov_outcome_free(&o);
}

static void test_sriov_not_ready(void **state)
{
	const struct rule *r = rule("sriov " PF " vfs=2\n");
	struct sriov_outcome o;

	(void)state;
	assert_int_equal(sriov(r, false, &o), -ENODEV);
	assert_int_equal(o.result, SRIOV_SKIPPED);
	sriov_outcome_free(&o);
	fake_pf(4, NULL);
	assert_int_equal(sriov(r, false, &o), -EAGAIN);
	assert_int_equal(o.result, SRIOV_SKIPPED);
	assert_non_null(strstr(o.reason, "has no driver yet"));
	assert_string_equal(trace, "");
	sriov_outcome_free(&o);
}

static void test_sriov_too_many(void **state)
{
	const struct rule *r = rule("sriov " PF " vfs=8\n");
	struct sriov_outcome o;

	(void)state;
	fake_pf(4, "nvme");
	assert_int_equal(sriov(r, false, &o), -ERANGE);
	assert_int_equal(o.result, SRIOV_FAILED);
	assert_string_equal(o.reason,
			    PF " can make at most 4 VFs (sriov_totalvfs); lower vfs= in the rule");
	assert_string_equal(trace, "");
	sriov_outcome_free(&o);
}

static void test_sriov_dry(void **state)
{
	const struct rule *r = rule("sriov " PF " vfs=2\n");
	struct sriov_outcome o;

	(void)state;
	fake_pf(4, "nvme");
	assert_int_equal(sriov(r, true, &o), 0);
	assert_int_equal(o.result, SRIOV_PENDING);
	assert_string_equal(o.reason, "sriov_numvfs is 0, to be set to 2");
	assert_string_equal(trace, "");
	sriov_outcome_free(&o);
}

/* No vfio-pci: the VFs keep their override (no host driver gets them), autoprobe is back. */
static void test_sriov_driver_missing(void **state)
{
	const struct rule *r = rule("sriov " PF " vfs=1\n");
	struct sriov_outcome o;
	char buf[64];

	(void)state;
	fake_pf(4, "nvme");
	assert_int_equal(sriov(r, false, &o), -EIO);
	assert_int_equal(o.result, SRIOV_FAILED);
	assert_string_equal(o.reason, "1 of 1 VFs are not on vfio-pci; the messages above say why");
	get(buf, sizeof(buf), "%s/sys/bus/pci/devices/0000:03:00.1/driver_override", top);
	assert_string_equal(buf, "vfio-pci");
	get(buf, sizeof(buf), "%s/sys/bus/pci/devices/" PF "/sriov_drivers_autoprobe", top);
	assert_string_equal(buf, "1");
	assert_non_null(
	    strstr(testlog_text(),
		   "0000:03:00.1 [1b36:0010]: not bound: driver vfio-pci is not available"));
	sriov_outcome_free(&o);
}

/* --- mdev ---------------------------------------------------------------------------- */

static void fake_gpu(const char *type, int available)
{
	char d[DIR_MAX], v[16];

	fake_dev(GPU, 0x8086, 0x3e92, "i915");
	dev_dir(GPU, d);
	mkdirs("%s/mdev_supported_types/%s/devices", d, type);
	snprintf(v, sizeof(v), "%d\n", available);
	put(v, "%s/mdev_supported_types/%s/available_instances", d, type);
	put("", "%s/mdev_supported_types/%s/create", d, type);
}

static void test_mdev_create(void **state)
{
	const struct rule *r = rule("mdev " GPU " i915-GVTg_V5_4 " UUID1 "\n");
	struct mdev_outcome o;

	(void)state;
	fake_gpu("i915-GVTg_V5_4", 1);
	assert_int_equal(mdev_apply(sys, r, false, &o), 0);
	assert_int_equal(o.result, MDEV_CREATED);
	assert_string_equal(trace, GPU "/mdev_supported_types/i915-GVTg_V5_4/create=" UUID1 "\n");
	/* Idempotent: the second run finds it and writes nothing. */
	trace[0] = '\0';
	assert_int_equal(mdev_apply(sys, r, false, &o), 0);
	assert_int_equal(o.result, MDEV_EXISTS);
	assert_string_equal(trace, "");
}

static void test_mdev_create_not_verified(void **state)
{
	const struct rule *r = rule("mdev " GPU " i915-GVTg_V5_4 " UUID1 "\n");
	struct mdev_outcome o;

	(void)state;
	fake_gpu("i915-GVTg_V5_4", 1);
	create_works = false;
	assert_int_equal(mdev_apply(sys, r, false, &o), -EIO);
	assert_int_equal(o.result, MDEV_FAILED);
}

static void test_mdev_other_type(void **state)
{
	const struct rule *r = rule("mdev " GPU " i915-GVTg_V5_8 " UUID1 "\n");
	struct mdev_outcome o;

	(void)state;
	fake_gpu("i915-GVTg_V5_4", 1);
	fake_gpu("i915-GVTg_V5_8", 1);
	__wrap_root_write(sys, "bus/pci/devices/" GPU "/mdev_supported_types/i915-GVTg_V5_4/create",
			  UUID1);
	trace[0] = '\0';
	assert_int_equal(mdev_apply(sys, r, false, &o), -EEXIST);
	assert_int_equal(o.result, MDEV_FAILED);
	assert_string_equal(
	    o.reason,
	    "it exists with type i915-GVTg_V5_4, not i915-GVTg_V5_8; remove it (gpupass mdev remove " UUID1
	    ") to have it made again");
	assert_string_equal(trace, "");
}

static void test_mdev_not_registered(void **state)
{
	const struct rule *r = rule("mdev " GPU " i915-GVTg_V5_4 " UUID1 "\n");
	struct mdev_outcome o;

	(void)state;
	fake_dev(GPU, 0x8086, 0x3e92, "i915");
	assert_int_equal(mdev_apply(sys, r, false, &o), -EAGAIN);
	assert_int_equal(o.result, MDEV_SKIPPED);
	assert_non_null(strstr(o.reason, "i915.enable_gvt=1"));
	assert_string_equal(trace, "");
}

static void test_mdev_remove(void **state)
{
	const struct rule *r = rule("mdev " GPU " i915-GVTg_V5_4 " UUID1 "\n");
	struct mdev_outcome o;

	(void)state;
	fake_gpu("i915-GVTg_V5_4", 1);
	assert_int_equal(mdev_remove(sys, UUID1), -ENOENT);
	assert_int_equal(mdev_apply(sys, r, false, &o), 0);
	trace[0] = '\0';
	assert_int_equal(mdev_remove(sys, UUID1), 0);
	assert_string_equal(trace, "bus/mdev/devices/" UUID1 "/remove=1\n");
	assert_false(exists("%s/sys/bus/mdev/devices/" UUID1, top));
}

/* --- late.c: a run for one parent acts on its rules only and looks at the others --------- */

static void test_late_only_one_parent(void **state)
{
	struct late_opts opts = { 0 };
	struct pci_addr only;
	struct late l;

	(void)state;
	rule("mdev " GPU " i915-GVTg_V5_4 " UUID1 "\nsriov " PF " vfs=1\n");
	fake_gpu("i915-GVTg_V5_4", 1);
	fake_pf(4, "nvme");
	fake_driver("vfio-pci");
	assert_int_equal(pci_addr_parse(PF, &only), 0);
	opts.only = &only;
	opts.nonly = 1;
	assert_int_equal(late_run(&l, &c, sys, sys, &opts), 0);
	assert_int_equal(l.nmdevs, 1);
	assert_false(l.mdevs[0].acted);
	assert_string_equal(mdev_result_name(l.mdevs[0].o.result), "skipped");
	assert_int_equal(l.nsriov, 1);
	assert_true(l.sriov[0].acted);
	assert_int_equal(l.sriov[0].o.result, SRIOV_OK);
	assert_int_equal(l.problems, 0);
	assert_null(strstr(trace, "create="));
	assert_non_null(strstr(trace, PF "/sriov_numvfs=1\n"));
	late_free(&l);
}

/* --- latecheck.c: 'gpupass check' names the missing GVT-g prerequisite -------------- */

static void test_check_gvt(void **state)
{
	struct ctx x = { 0 };

	(void)state;
	rule("mdev " GPU " i915-GVTg_V5_4 " UUID1 "\n");
	fake_dev(GPU, 0x8086, 0x3e92, "i915");
	mkdirs("%s/sys/module/i915/parameters", top);
	put("N\n", "%s/sys/module/i915/parameters/enable_gvt", top);
	x.sys = sys;
	x.c = c;
	assert_int_equal(late_check(&x.c, x.sys), 3);
	assert_non_null(
	    strstr(testlog_text(), "GVT-g is off in i915 (enable_gvt=N): add i915.enable_gvt=1"));
	assert_non_null(strstr(testlog_text(), "the kvmgt module is not loaded"));
	/* All there: no problem left. */
	put("Y\n", "%s/sys/module/i915/parameters/enable_gvt", top);
	mkdirs("%s/sys/module/kvmgt", top);
	fake_gpu("i915-GVTg_V5_4", 1);
	testlog_start();
	assert_int_equal(late_check(&x.c, x.sys), 0);
	assert_string_equal(testlog_text(), "");
	x.sys = NULL;
	assert_int_equal(late_check(&x.c, x.sys), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sriov_makes_vfs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sriov_count_change_goes_through_zero, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sriov_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sriov_moves_vfs_off_host_driver, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sriov_not_ready, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sriov_too_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sriov_dry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sriov_driver_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mdev_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mdev_create_not_verified, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mdev_other_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mdev_not_registered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mdev_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_late_only_one_parent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_gvt, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
