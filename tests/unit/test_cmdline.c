// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/path.h"
#include "policy/cmdline.h"
#include "testlog.h"

static struct config c;

static int setup(void **state)
{
	config_init(&c);
	return testlog_setup(state);
}

static int teardown(void **state)
{
	config_free(&c);
	return testlog_teardown(state);
}

static void reset(void)
{
	config_free(&c);
	config_init(&c);
	testlog_start();
}

static void test_off(void **state)
{
	static const char *const offs[] = { "gpupass=off",   "gpupass=0",	 "rd.gpupass=0",
					    "rd.gpupass=no", "gpupass=Off",	 "gpupass=OFF",
					    "gpupass=NO",    "rd.gpupass=False", "gpupass=false" };
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		reset();
		assert_int_equal(cmdline_parse(&c, offs[i]), 0);
		assert_true(c.disabled);
		assert_string_equal(c.disabled_by, offs[i]);
		assert_string_equal(testlog_text(), "");
	}
	reset();
	assert_int_equal(cmdline_parse(&c, "BOOT_IMAGE=/vmlinuz gpupass=on gpupass=1 gpupass=Yes "
					   "rd.gpupass=TRUE gpupassive=0 quiet"),
			 0);
	assert_false(c.disabled);
	assert_string_equal(testlog_text(), "");
}

/* A kill switch with a typo is warned about, and turns gpupass off all the same. */
static void test_off_typo(void **state)
{
	(void)state;
	assert_int_equal(cmdline_parse(&c, "quiet gpupass=of rd.gpupass=disable"), 0);
	assert_true(c.disabled);
	assert_string_equal(c.disabled_by, "gpupass=of");
	assert_int_equal(c.errors, 0);
	assert_string_equal(
	    testlog_text(),
	    "gpupass: kernel command line: gpupass=of: unknown value (off, 0, no or false disable gpupass; on, 1, yes or true keep it on), disabling gpupass for this boot to be safe\n"
	    "gpupass: kernel command line: rd.gpupass=disable: unknown value (off, 0, no or false disable gpupass; on, 1, yes or true keep it on), disabling gpupass for this boot to be safe\n");
	reset();
	assert_int_equal(cmdline_parse(&c, "gpupass="), 0);
	assert_true(c.disabled);
	assert_string_equal(c.disabled_by, "gpupass=");
}

static void test_no_value(void **state)
{
	(void)state;
	assert_int_equal(cmdline_parse(&c, "gpupass rd.gpupass"), 0);
	assert_false(c.disabled);
	assert_string_equal(
	    testlog_text(),
	    "gpupass: kernel command line: 'gpupass' without a value does nothing, ignoring it; gpupass=off disables gpupass for this boot\n"
	    "gpupass: kernel command line: 'rd.gpupass' without a value does nothing, ignoring it; rd.gpupass=off disables gpupass for this boot\n");
}

static void test_empty_lists(void **state)
{
	(void)state;
	assert_int_equal(
	    cmdline_parse(&c, "gpupass.claim= rd.gpupass.skip= gpupass.claim gpupass.skip=,,"), 0);
	assert_int_equal(c.nrules, 0);
	assert_int_equal(c.nskip, 0);
	assert_int_equal(c.errors, 0);
	assert_string_equal(
	    testlog_text(),
	    "gpupass: kernel command line: gpupass.claim= names no selector, ignoring it; write gpupass.claim=SEL[,SEL...]\n"
	    "gpupass: kernel command line: rd.gpupass.skip= names no selector, ignoring it; write rd.gpupass.skip=SEL[,SEL...]\n"
	    "gpupass: kernel command line: gpupass.claim names no selector, ignoring it; write gpupass.claim=SEL[,SEL...]\n"
	    "gpupass: kernel command line: gpupass.skip= names no selector, ignoring it; write gpupass.skip=SEL[,SEL...]\n");
}

static void test_debug_values(void **state)
{
	(void)state;
	assert_int_equal(cmdline_parse(&c, "gpupass.debug=1 gpupass.debug=maybe"), 0);
	assert_true(c.debug);
	assert_int_equal(cmdline_parse(&c, "rd.gpupass.debug=Off"), 0);
	assert_false(c.debug);
	assert_string_equal(
	    testlog_text(),
	    "gpupass: kernel command line: gpupass.debug=maybe: unknown value (none, on, 1, yes or true show debug records; off, 0, no or false hide them), ignoring it\n");
}

/* The kernel's quotes: they group blanks into a word and are dropped. */
static void test_quotes(void **state)
{
	(void)state;
	assert_int_equal(cmdline_parse(&c, "acpi_osi=\"Windows 2020\" \"gpupass=off\""), 0);
	assert_true(c.disabled);
	assert_string_equal(c.disabled_by, "gpupass=off");
	assert_string_equal(testlog_text(), "");
}

/* Longer than the 4096 bytes the parser once copied into: the switch at the end counts. */
static void test_long(void **state)
{
	char *line = malloc(20000);
	unsigned int i;

	(void)state;
	strcpy(line, "BOOT_IMAGE=/vmlinuz");
	for (i = 0; i < 1000; i++)
		strcat(line, " console=ttyS0");
	strcat(line, "\trd.gpupass=0\r\n");
	assert_int_equal(cmdline_parse(&c, line), 0);
	assert_true(c.disabled);
	assert_string_equal(c.disabled_by, "rd.gpupass=0");
	assert_string_equal(testlog_text(), "");
	free(line);
}

static char root_dir_name[64];

/* A fake root whose /proc/cmdline holds @len bytes of @text. */
static struct root *fake_root(const char *text, size_t len)
{
	char path[128];
	struct root *r;
	FILE *f;

	strcpy(root_dir_name, "/tmp/gpupass-test-cmdline.XXXXXX");
	assert_non_null(mkdtemp(root_dir_name));
	snprintf(path, sizeof(path), "%s/proc", root_dir_name);
	assert_int_equal(mkdir(path, 0755), 0);
	strcat(path, "/cmdline");
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
	assert_int_equal(root_open(&r, root_dir_name), 0);
	return r;
}

static void drop_root(struct root *r)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/proc/cmdline", root_dir_name);
	unlink(path);
	snprintf(path, sizeof(path), "%s/proc", root_dir_name);
	rmdir(path);
	rmdir(root_dir_name);
	root_close(r);
}

static void test_load_whole(void **state)
{
	size_t n = 6000;
	char *text = malloc(n + 32);
	struct root *r;

	(void)state;
	memset(text, 'x', n);
	text[0] = 'a', text[1] = '=';
	strcpy(text + n, " gpupass=off\n");
	r = fake_root(text, strlen(text));
	assert_int_equal(cmdline_load(&c, r), 0);
	assert_true(c.disabled);
	assert_string_equal(testlog_text(), "");
	drop_root(r);
	free(text);
}

static void test_load_nul(void **state)
{
	static const char text[] = "quiet\0gpupass=off\n";
	struct root *r;

	(void)state;
	r = fake_root(text, sizeof(text) - 1);
	assert_int_equal(cmdline_load(&c, r), 0);
	assert_true(c.disabled);
	drop_root(r);
}

static void test_load_too_large(void **state)
{
	size_t n = 64 * 1024 + 1;
	char *text = malloc(n);
	struct root *r;

	(void)state;
	memset(text, ' ', n);
	memcpy(text, "gpupass=off", 11);
	r = fake_root(text, n);
	assert_int_equal(cmdline_load(&c, r), 0);
	assert_false(c.disabled);
	assert_string_equal(
	    testlog_text(),
	    "gpupass: /proc/cmdline: larger than 65536 bytes, ignoring the whole kernel command line: a gpupass=off, gpupass.claim= or gpupass.skip= there is not seen\n");
	drop_root(r);
	free(text);
}

static void test_claim_skip_debug(void **state)
{
	(void)state;
	assert_int_equal(cmdline_parse(&c, "root=/dev/vda1 gpupass.claim=1002:6608,0000:03:00.0 "
					   "rd.gpupass.skip=\"0000:03:00.1\" gpupass.debug\n"),
			 0);
	assert_int_equal(c.nrules, 1);
	assert_null(c.rules[0].file);
	assert_int_equal(c.rules[0].nsel, 2);
	assert_string_equal(c.rules[0].sel[1].text, "0000:03:00.0");
	assert_string_equal(c.rules[0].driver, "vfio-pci");
	assert_int_equal(c.nskip, 1);
	assert_string_equal(c.skip[0].text, "0000:03:00.1");
	assert_true(c.debug);
	assert_int_equal(c.errors, 0);
}

static void test_bad(void **state)
{
	(void)state;
	assert_int_equal(cmdline_parse(&c, "gpupass.claim=1002:6608,xyz gpupass.colour=1 "
					   "rd.gpupass.clam=1002:6608"),
			 0);
	assert_int_equal(c.nrules, 1);
	assert_int_equal(c.rules[0].nsel, 1);
	assert_int_equal(c.errors, 1);
	assert_string_equal(
	    testlog_text(),
	    "gpupass: kernel command line: bad selector 'xyz' in gpupass.claim=: only hex digits, ':', '.' and '*' are allowed, skipping it\n"
	    "gpupass: kernel command line: unknown parameter 'gpupass.colour', ignoring it (gpupass knows gpupass=, gpupass.claim=, gpupass.skip= and gpupass.debug)\n"
	    "gpupass: kernel command line: unknown parameter 'rd.gpupass.clam', ignoring it (gpupass knows gpupass=, gpupass.claim=, gpupass.skip= and gpupass.debug)\n");
}

/* A cap is reported once, naming the first selector left out and how many follow. */
static void test_caps(void **state)
{
	char line[1024] = "gpupass.claim=", skip[1024] = " rd.gpupass.skip=";
	unsigned int i;

	(void)state;
	for (i = 0; i < 40; i++) {
		sprintf(line + strlen(line), "%s1002:%04x", i ? "," : "", i);
		sprintf(skip + strlen(skip), "%s0000:%02x:00.0", i ? "," : "", i);
	}
	strcat(line, skip);
	assert_int_equal(cmdline_parse(&c, line), 0);
	assert_int_equal(c.nrules, 1);
	assert_int_equal(c.rules[0].nsel, 32);
	assert_int_equal(c.nskip, 32);
	assert_int_equal(c.errors, 2);
	assert_string_equal(
	    testlog_text(),
	    "gpupass: kernel command line: more than 32 selectors in gpupass.claim=, ignoring '1002:0020' and the 7 after it\n"
	    "gpupass: kernel command line: more than 32 selectors in rd.gpupass.skip=, ignoring '0000:20:00.0' and the 7 after it\n");
	reset();
	for (i = 0; i < CONFIG_RULES_MAX; i++)
		assert_non_null(config_add_rule(&c, RULE_CLAIM, "/etc/gpupass.conf", i + 1));
	assert_int_equal(cmdline_parse(&c, "gpupass.claim=1002:6608,1002:aab0,10de:1b80"), 0);
	assert_int_equal(c.nrules, CONFIG_RULES_MAX);
	assert_int_equal(c.errors, 1);
	assert_string_equal(
	    testlog_text(),
	    "gpupass: kernel command line: more than 256 rules in all, ignoring '1002:6608' and the 2 selectors after it in gpupass.claim=\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_off_typo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_value, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_lists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_debug_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quotes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_nul, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_too_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_claim_skip_debug, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad, setup, teardown),
		cmocka_unit_test_setup_teardown(test_caps, setup, teardown),
	};

	return cmocka_run_group_tests_name("cmdline", tests, NULL, NULL);
}
