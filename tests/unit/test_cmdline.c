// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

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

static void test_off(void **state)
{
	static const char *const offs[] = { "gpupass=off", "gpupass=0", "rd.gpupass=0",
					    "rd.gpupass=no", "gpupass=false" };
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		config_free(&c);
		config_init(&c);
		assert_int_equal(cmdline_parse(&c, offs[i]), 0);
		assert_true(c.disabled);
	}
	assert_string_equal(c.disabled_by, "gpupass=false");
	config_free(&c);
	config_init(&c);
	assert_int_equal(cmdline_parse(&c, "BOOT_IMAGE=/vmlinuz gpupass=on gpupassive=0 quiet"), 0);
	assert_false(c.disabled);
	assert_string_equal(testlog_text(), "");
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
	assert_int_equal(cmdline_parse(&c, "gpupass.claim=1002:6608,xyz gpupass.colour=1"), 0);
	assert_int_equal(c.nrules, 1);
	assert_int_equal(c.rules[0].nsel, 1);
	assert_int_equal(c.errors, 1);
	assert_string_equal(
	    testlog_text(),
	    "gpupass: kernel command line: bad selector 'xyz' in gpupass.claim=: only hex digits, ':', '.' and '*' are allowed, skipping it\n"
	    "gpupass: kernel command line: unknown parameter 'gpupass.colour', ignoring it\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_claim_skip_debug, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad, setup, teardown),
	};

	return cmocka_run_group_tests_name("cmdline", tests, NULL, NULL);
}
