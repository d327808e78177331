// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The records read back (bootrec_parse_status/_late) through base/jsonread:
 * what the fixtures cannot show, the debug detail of a text that is no JSON
 * and the values escapes and repeated keys give.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "policy/bootrec.h"
#include "policy/status.h"
#include "testlog.h"

static struct boot_record b;

static int setup(void **state)
{
	memset(&b, 0, sizeof(b));
	return testlog_setup(state);
}

static int teardown(void **state)
{
	bootrec_free(&b);
	log_set_debug(0);
	return testlog_teardown(state);
}

static void test_not_json(void **state)
{
	(void)state;
	assert_int_equal(bootrec_parse_status(&b, STATUS_PATH, "{\"mode\": \"early\",}"), -EINVAL);
	assert_false(b.present);
	assert_string_equal(testlog_text(), "gpupass: /run/gpupass/status.json: not a JSON object, "
					    "ignoring it (it is rewritten at every boot)\n");
	/* With --debug, where and why. */
	testlog_start();
	log_set_debug(1);
	assert_int_equal(bootrec_parse_late(&b, LATE_PATH, "{\"mdevs\": [],\n \"sriov\": [}"),
			 -EINVAL);
	assert_string_equal(
	    testlog_text(),
	    "gpupass: /run/gpupass/late.json: not a JSON object, ignoring it (it is "
	    "rewritten at every boot)\n"
	    "gpupass: /run/gpupass/late.json:2:12: expected a value\n");
	testlog_start();
	assert_int_equal(bootrec_parse_late(&b, LATE_PATH, " [1, 2]"), -EINVAL);
	assert_string_equal(
	    testlog_text(),
	    "gpupass: /run/gpupass/late.json: not a JSON object, ignoring it (it is "
	    "rewritten at every boot)\n"
	    "gpupass: /run/gpupass/late.json: valid JSON, but its top-level value is "
	    "no object\n");
	assert_int_equal(b.nlate, 0);
}

static void test_values(void **state)
{
	(void)state;
	assert_int_equal(
	    bootrec_parse_status(&b, STATUS_PATH,
				 "{\"mode\": \"apply\", \"mode\": \"\\u0065arly\","
				 " \"started_ms_after_boot\": 9223372036854775807,"
				 " \"disabled\": true, \"disabled_by\": \"gpupass=off\","
				 " \"devices\": [{\"address\": \"0000:00:03.0\","
				 " \"reason\": \"was \\\"radeon\\\"\\n\"}, null, {}]}"),
	    0);
	assert_true(b.present);
	assert_string_equal(b.mode, "early");
	assert_true(b.started_ms == 9223372036854775807LL);
	assert_true(b.disabled);
	assert_string_equal(b.disabled_by, "gpupass=off");
	assert_int_equal(b.ndevs, 1);
	assert_string_equal(b.devs[0].reason, "was \"radeon\"\n");
	assert_string_equal(b.devs[0].result, "");
	assert_string_equal(
	    testlog_text(),
	    "gpupass: /run/gpupass/status.json: \"devices\" item 2 is not an object, "
	    "ignoring it (the file is rewritten at every boot)\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_not_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_values, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
