// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which files the config is read from: symlinks resolved inside the root,
 * dangling ones reported, too many drop-ins cut in name order and reported.
 * Linked with -Wl,--wrap=syscall: each case runs twice, with openat2() and
 * as on a kernel without it (ENOSYS), where path.c resolves links by hand.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/path.h"
#include "policy/config.h"
#include "testlog.h"

long __real_syscall(long n, ...);
long __wrap_syscall(long n, ...);

static bool no_openat2;
static unsigned int openat2_calls;

long __wrap_syscall(long n, ...)
{
	long a[4];
	va_list ap;
	int i;

	va_start(ap, n);
	for (i = 0; i < 4; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (n == SYS_openat2) {
		openat2_calls++;
		if (no_openat2) {
			errno = ENOSYS;
			return -1;
		}
	}
	return __real_syscall(n, a[0], a[1], a[2], a[3]);
}

static char top[64];
static struct config c;
static struct root *root;

static void put(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void link_to(const char *target, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	assert_int_equal(symlink(target, path), 0);
}

static void dir(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static int setup(void **state)
{
	strcpy(top, "/tmp/gpupass-test-files.XXXXXX");
	assert_non_null(mkdtemp(top));
	dir("etc");
	dir("srv");
	config_init(&c);
	openat2_calls = 0;
	return testlog_setup(state);
}

static int teardown(void **state)
{
	char cmd[128];

	config_free(&c);
	root_close(root);
	root = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	assert_int_equal(system(cmd), 0);
	return testlog_teardown(state);
}

static const char *origin(unsigned int i)
{
	static char buf[256];

	assert_true(i < c.nrules);
	return rule_origin(&c.rules[i], buf, sizeof(buf));
}

/*
 * Under a root, every link resolves there: absolute, relative, through a
 * linked directory, or with more ".." than the tree is deep.
 */
static void links_resolve_inside_the_root(bool by_hand)
{
	char want[2048];

	no_openat2 = by_hand;
	put("srv/main.conf", "claim 1002:6608\n");
	link_to("/srv/main.conf", "etc/gpupass.conf");
	dir("srv/d");
	link_to("/srv/d", "etc/gpupass.d");
	put("srv/10.conf", "claim 1002:aab0\n");
	link_to("/srv/10.conf", "srv/d/10-abs.conf");
	put("srv/d/20-real.conf", "claim 10de:1b80\n");
	link_to("../../../../../../../../srv/10.conf", "srv/d/30-escape.conf");
	link_to("20-real.conf", "srv/d/40-rel.conf");
	/* The host has it: a captured tree must not echo the host's lines. */
	link_to("/etc/os-release", "srv/d/50-host.conf");
	link_to("60-loop.conf", "srv/d/60-loop.conf");
	assert_int_equal(root_open(&root, top), 0);
	assert_int_equal(config_load(&c, root, NULL), 0);
	assert_int_equal(c.nrules, 5);
	assert_string_equal(origin(0), "/etc/gpupass.conf:1");
	assert_string_equal(origin(1), "/etc/gpupass.d/10-abs.conf:1");
	assert_string_equal(c.rules[1].sel[0].text, "1002:aab0");
	assert_string_equal(origin(2), "/etc/gpupass.d/20-real.conf:1");
	assert_string_equal(origin(3), "/etc/gpupass.d/30-escape.conf:1");
	assert_string_equal(c.rules[3].sel[0].text, "1002:aab0");
	assert_string_equal(origin(4), "/etc/gpupass.d/40-rel.conf:1");
	assert_string_equal(c.rules[4].sel[0].text, "10de:1b80");
	assert_int_equal(c.errors, 2);
	snprintf(
	    want, sizeof(want),
	    "gpupass: /etc/gpupass.d/50-host.conf: dangling symlink to '/etc/os-release', resolved inside %s; fix or remove the link, ignoring it\n"
	    "gpupass: /etc/gpupass.d/60-loop.conf: cannot read: more than 40 symlinks to follow (a loop?), ignoring it\n",
	    top);
	assert_string_equal(testlog_text(), want);
	assert_true(openat2_calls > 0);
}

static void test_links_openat2(void **state)
{
	(void)state;
	links_resolve_inside_the_root(false);
}

static void test_links_by_hand(void **state)
{
	(void)state;
	links_resolve_inside_the_root(true);
}

/* The main file as a dangling link is an error; a missing one is not. */
static void test_dangling_main_file(void **state)
{
	char want[512];

	(void)state;
	link_to("gpupass.conf.dpkg-new", "etc/gpupass.conf");
	assert_int_equal(root_open(&root, top), 0);
	assert_int_equal(config_load(&c, root, NULL), 0);
	assert_int_equal(c.nrules, 0);
	assert_int_equal(c.errors, 1);
	snprintf(
	    want, sizeof(want),
	    "gpupass: /etc/gpupass.conf: dangling symlink to 'gpupass.conf.dpkg-new', resolved inside %s; fix or remove the link, ignoring it\n",
	    top);
	assert_string_equal(testlog_text(), want);
}

/* 70 drop-ins: the first 64 in name order are read, whatever the directory order. */
static void test_too_many_dropins(void **state)
{
	char name[64], text[64];
	int i;

	(void)state;
	dir("etc/gpupass.d");
	for (i = 70; i > 0; i--) { /* created last name first */
		snprintf(name, sizeof(name), "etc/gpupass.d/%02d-card.conf", i);
		snprintf(text, sizeof(text), "claim 1234:%04x optional\n", i);
		put(name, text);
	}
	put("etc/gpupass.d/99-broken.conf", "broken line\n");
	assert_int_equal(root_open(&root, top), 0);
	assert_int_equal(config_load(&c, root, NULL), 0);
	assert_int_equal(c.nrules, 64);
	for (i = 0; i < 64; i++) {
		snprintf(name, sizeof(name), "/etc/gpupass.d/%02d-card.conf:1", i + 1);
		assert_string_equal(origin(i), name);
	}
	assert_int_equal(c.errors, 1);
	assert_string_equal(
	    testlog_text(),
	    "gpupass: /etc/gpupass.d: 71 .conf files, more than the limit of 64: reading the first 64 in name order and ignoring 7, from '65-card.conf' on; merge some of them\n");
}

/*
 * The layers merged by name: 40 vendor drop-ins and 40 of the admin's, 20 of
 * them replacing vendor ones, are 60 names, under the cap; each name is read
 * once, from its last layer, in name order across the layers.
 */
static void test_layers_merged(void **state)
{
	char name[64], text[64];
	int i;

	(void)state;
	dir("usr");
	dir("usr/lib");
	dir("usr/lib/gpupass.d");
	dir("etc/gpupass.d");
	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "usr/lib/gpupass.d/%02d.conf", i * 2);
		snprintf(text, sizeof(text), "claim 1234:%04x optional\n", i * 2);
		put(name, text);
		snprintf(name, sizeof(name), "etc/gpupass.d/%02d.conf", i < 20 ? i * 2 : i * 2 + 1);
		snprintf(text, sizeof(text), "claim 5678:%04x optional\n", i);
		put(name, text);
	}
	assert_int_equal(root_open(&root, top), 0);
	assert_int_equal(config_load(&c, root, NULL), 0);
	assert_int_equal(c.errors, 0);
	assert_int_equal(c.nrules, 60);
	assert_int_equal(c.nread, 60);
	assert_string_equal(origin(0), "/etc/gpupass.d/00.conf:1");
	assert_string_equal(c.rules[0].sel[0].text, "5678:0000");
	assert_string_equal(origin(20), "/usr/lib/gpupass.d/40.conf:1");
	assert_string_equal(origin(21), "/etc/gpupass.d/41.conf:1");
	assert_string_equal(c.read[59], "/etc/gpupass.d/79.conf");
	assert_string_equal(testlog_text(), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_links_openat2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_links_by_hand, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dangling_main_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many_dropins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_layers_merged, setup, teardown),
	};

	return cmocka_run_group_tests_name("configfiles", tests, NULL, NULL);
}
