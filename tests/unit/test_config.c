// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/path.h"
#include "policy/config.h"
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

static void parse(const char *text)
{
	assert_int_equal(config_parse_buffer(&c, "t.conf", text, strlen(text)), 0);
}

static void test_claim_full(void **state)
{
	const struct rule *r;

	(void)state;
	parse("# comment\n\nclaim 0000:02:00.0 10de::0300 driver=pci-stub with=functions "
	      "expect=10de:1B80 allow-boot-vga allow-storage optional   # trailing\n");
	assert_string_equal(testlog_text(), "");
	assert_int_equal(c.errors, 0);
	assert_int_equal(c.nrules, 1);
	r = &c.rules[0];
	assert_int_equal(r->kind, RULE_CLAIM);
	assert_int_equal(r->line, 3);
	assert_string_equal(r->file, "t.conf");
	assert_int_equal(r->nsel, 2);
	assert_true(r->sel[0].by_address);
	assert_false(r->sel[1].by_address);
	assert_string_equal(r->driver, "pci-stub");
	assert_int_equal(r->with, WITH_FUNCTIONS);
	assert_true(r->has_expect);
	assert_int_equal(r->expect_vendor, 0x10de);
	assert_int_equal(r->expect_device, 0x1b80);
	assert_true(r->allow_boot_vga && r->allow_storage && r->optional);
}

/* expect= with the subsystem IDs, as Proxmox's PCI mappings pin them; other shapes are errors. */
static void test_expect_subsys(void **state)
{
	(void)state;
	parse("claim 0000:02:00.0 expect=10de:1E84:1043:8754\n"
	      "claim 0000:03:00.0 expect=10de:1e84\n"
	      "claim 0000:04:00.0 expect=10de:1e84:1043\n"
	      "claim 0000:04:00.0 expect=10de:1e84:1043:87540\n"
	      "claim 0000:04:00.0 expect=10de:1e84-1043:8754\n");
	assert_int_equal(c.nrules, 2);
	assert_true(c.rules[0].has_expect && c.rules[0].expect_subsys);
	assert_int_equal(c.rules[0].expect_vendor, 0x10de);
	assert_int_equal(c.rules[0].expect_device, 0x1e84);
	assert_int_equal(c.rules[0].expect_subvendor, 0x1043);
	assert_int_equal(c.rules[0].expect_subdevice, 0x8754);
	assert_true(c.rules[1].has_expect);
	assert_false(c.rules[1].expect_subsys);
	assert_int_equal(c.errors, 3);
	assert_non_null(strstr(testlog_text(), "t.conf:3: bad value '10de:1e84:1043' for expect="));
	assert_non_null(strstr(testlog_text(), "t.conf:4: bad value '10de:1e84:1043:87540'"));
	assert_non_null(strstr(testlog_text(), "t.conf:5: bad value '10de:1e84-1043:8754'"));
}

static void test_defaults(void **state)
{
	(void)state;
	parse("claim 1002:6608 1002:aab0");
	assert_int_equal(c.nrules, 1);
	assert_string_equal(c.rules[0].driver, "vfio-pci");
	assert_int_equal(c.rules[0].with, WITH_NONE);
	assert_false(c.rules[0].has_expect || c.rules[0].allow_boot_vga || c.rules[0].optional);
}

/* Each bad line is reported with file:line and skipped; good lines around it apply. */
static void test_bad_lines(void **state)
{
	(void)state;
	parse("claim 1002:6608\n"
	      "clam 1002:6608\n"
	      "claim 02:00\n"
	      "claim 1002:6608 colour=blue\n"
	      "claim 1002:6608 with=all\n"
	      "claim 1002:6608 expect=10de\n"
	      "claim 1002:6608 driver=../../x\n"
	      "claim optional\n"
	      "claim 1002:aab0\n");
	assert_string_equal(
	    testlog_text(),
	    "gpupass: t.conf:2: unknown directive 'clam' (expected claim, mdev or sriov), skipping line\n"
	    "gpupass: t.conf:3: bad selector '02:00': vendor and device IDs are 4 hex digits each (an address needs bus:slot.func), skipping line\n"
	    "gpupass: t.conf:4: unknown option 'colour=blue' for claim (options: driver= with= expect= allow-boot-vga allow-storage allow-unresolved-storage allow-any-class optional), skipping line\n"
	    "gpupass: t.conf:5: bad value 'all' for with= (expected none, functions or group), skipping line\n"
	    "gpupass: t.conf:6: bad value '10de' for expect= (expected VVVV:DDDD, or VVVV:DDDD:SSSS:ssss with the subsystem IDs; see lspci -nnv), skipping line\n"
	    "gpupass: t.conf:7: bad driver name '../../x' (letters, digits, '_' and '-' only), skipping line\n"
	    "gpupass: t.conf:8: claim needs at least one selector (vendor:device or bus:slot.func), skipping line\n");
	assert_int_equal(c.errors, 7);
	assert_int_equal(c.nrules, 2);
	assert_int_equal(c.rules[0].line, 1);
	assert_int_equal(c.rules[1].line, 9);
}

static void test_crlf_and_empty(void **state)
{
	(void)state;
	parse("");
	assert_int_equal(c.nrules, 0);
	parse("claim 1002:6608 optional\r\nclaim 1002:aab0\r\n");
	assert_int_equal(c.errors, 0);
	assert_int_equal(c.nrules, 2);
	assert_true(c.rules[0].optional);
	assert_int_equal(c.rules[1].sel[0].filter.device, 0xaab0);
}

static void test_long_line(void **state)
{
	char buf[2 * CONFIG_LINE_MAX];

	(void)state;
	memset(buf, ' ', sizeof(buf));
	/* Exactly the limit: accepted. */
	memcpy(buf, "claim 1002:6608", 15);
	buf[CONFIG_LINE_MAX] = '\n';
	assert_int_equal(config_parse_buffer(&c, "t.conf", buf, CONFIG_LINE_MAX + 1), 0);
	assert_int_equal(c.nrules, 1);
	/* One more byte: refused. */
	buf[CONFIG_LINE_MAX] = ' ';
	buf[CONFIG_LINE_MAX + 1] = '\n';
	assert_int_equal(config_parse_buffer(&c, "t.conf", buf, CONFIG_LINE_MAX + 2), 0);
	assert_string_equal(testlog_text(),
			    "gpupass: t.conf:1: line longer than 1024 bytes, skipping line\n");
	assert_int_equal(c.nrules, 1);
}

static void test_binary(void **state)
{
	static const char junk[] = "claim 1002:6608\n\x7f"
				   "ELF\x02\x01\x01\nclaim\0 1002:aab0\n";
	char many[200];
	int i;

	(void)state;
	assert_int_equal(config_parse_buffer(&c, "t.conf", junk, sizeof(junk) - 1), 0);
	assert_string_equal(testlog_text(),
			    "gpupass: t.conf:2: binary byte 0x7f in a text line, skipping line\n"
			    "gpupass: t.conf:3: binary byte 0x00 in a text line, skipping line\n");
	assert_int_equal(c.nrules, 1);
	/* A file of garbage stops after CONFIG_ERRORS_PER_FILE messages. */
	for (i = 0; i < (int)sizeof(many); i += 2)
		many[i] = 1, many[i + 1] = '\n';
	testlog_start();
	assert_int_equal(config_parse_buffer(&c, "g.conf", many, sizeof(many)), 0);
	assert_int_equal(c.errors, 2 + CONFIG_ERRORS_PER_FILE);
	assert_non_null(strstr(
	    testlog_text(),
	    "gpupass: g.conf: too many errors, ignoring the rest of the file (is it a config file?)\n"));
}

static void test_rule_limit(void **state)
{
	char line[] = "claim 1002:6608\n";
	int i;

	(void)state;
	for (i = 0; i < CONFIG_RULES_MAX + 2; i++)
		parse(line);
	assert_int_equal(c.nrules, CONFIG_RULES_MAX);
	assert_non_null(
	    strstr(testlog_text(),
		   "gpupass: t.conf:1: more than 256 rules, ignoring this line and the rest\n"));
}

static void test_mdev_sriov(void **state)
{
	(void)state;
	parse("mdev 0000:00:02.0 i915-GVTg_V5_4 FFF6F017-3417-4ad3-b05e-17ae3e1a4615\n"
	      "mdev 00:02.0 i915-GVTg_V5_4 fff6f017-3417-4ad3-b05e-17ae3e1a4615 start=manual\n"
	      "sriov 0000:03:00.0 vfs=4 driver=vfio-pci\n"
	      "mdev 0000:00:02.0 ../../x fff6f017-3417-4ad3-b05e-17ae3e1a4615\n"
	      "mdev 0000:00:02.0 i915-GVTg_V5_4 not-a-uuid\n"
	      "mdev 0000:00:02 i915-GVTg_V5_4 fff6f017-3417-4ad3-b05e-17ae3e1a4615\n"
	      "sriov 0000:03:00.0\n"
	      "sriov 0000:03:00.0 vfs=-1\n"
	      "sriov 0000:03:00.0 vfs=4 start=auto\n");
	assert_int_equal(c.nrules, 3);
	assert_int_equal(c.rules[0].kind, RULE_MDEV);
	assert_string_equal(c.rules[0].uuid, "fff6f017-3417-4ad3-b05e-17ae3e1a4615");
	assert_string_equal(c.rules[0].mdev_type, "i915-GVTg_V5_4");
	assert_false(c.rules[0].start_manual);
	assert_true(c.rules[1].start_manual);
	assert_int_equal(c.rules[2].kind, RULE_SRIOV);
	assert_int_equal(c.rules[2].vfs, 4);
	assert_int_equal(c.rules[2].parent.bus, 3);
	assert_string_equal(
	    testlog_text(),
	    "gpupass: t.conf:4: bad mdev type '../../x' (a name from mdev_supported_types, e.g. i915-GVTg_V5_4), skipping line\n"
	    "gpupass: t.conf:5: bad UUID 'not-a-uuid' (expected 8-4-4-4-12 hex digits, see uuidgen), skipping line\n"
	    "gpupass: t.conf:6: bad parent address '0000:00:02' (expected [domain:]bus:slot.func, e.g. 0000:00:02.0), skipping line\n"
	    "gpupass: t.conf:7: sriov needs vfs=N, skipping line\n"
	    "gpupass: t.conf:8: bad value '-1' for vfs= (expected 0..2048), skipping line\n"
	    "gpupass: t.conf:9: unknown option 'start=auto' for sriov, skipping line\n");
}

/* A claim selector that names no kind of device needs allow-any-class, written out. */
static void test_catch_all(void **state)
{
	(void)state;
	parse("claim 10de: allow-any-class\n"
	      "claim 10de:\n"
	      "claim 1002:6608 *:* with=group\n"
	      "claim 00:*.* optional\n"
	      "claim 10de::0300 00:02.* *:1b80\n");
	assert_string_equal(
	    testlog_text(),
	    "gpupass: t.conf:2: selector '10de:' selects all of one vendor's devices, of every class: it would take the host's network, USB and storage controllers too; name the devices (vendor:device, vendor::class or bus:slot.func), or add allow-any-class to claim them all, skipping line\n"
	    "gpupass: t.conf:3: selector '*:*' selects devices of every vendor and class: it would take the host's network, USB and storage controllers too; name the devices (vendor:device, vendor::class or bus:slot.func), or add allow-any-class to claim them all, skipping line\n"
	    "gpupass: t.conf:4: selector '00:*.*' selects a whole bus or more, devices of every class: it would take the host's network, USB and storage controllers too; name the devices (vendor:device, vendor::class or bus:slot.func), or add allow-any-class to claim them all, skipping line\n");
	assert_int_equal(c.errors, 3);
	assert_int_equal(c.nrules, 2);
	assert_true(c.rules[0].allow_any_class);
	assert_int_equal(c.rules[1].line, 5);
	assert_int_equal(c.rules[1].nsel, 3);
	assert_false(c.rules[1].allow_any_class);
}

/* An option given twice would silently override the first: the line is refused. */
static void test_option_twice(void **state)
{
	(void)state;
	parse(
	    "claim 1002:6608 driver=vfio-pci driver=pci-stub\n"
	    "claim 1002:6608 expect=1002:6608 with=none expect=1002:6609\n"
	    "claim 1002:6608 allow-storage allow-storage\n"
	    "mdev 0000:00:02.0 i915-GVTg_V5_4 fff6f017-3417-4ad3-b05e-17ae3e1a4615 start=manual start=auto\n"
	    "sriov 0000:03:00.0 vfs=2 vfs=2\n"
	    "sriov 0000:03:00.0 driver=pci-stub vfs=2 driver=vfio-pci\n"
	    "claim 1002:6608 driver=pci-stub with=functions expect=1002:6608 allow-boot-vga allow-storage allow-any-class optional\n");
	assert_string_equal(
	    testlog_text(),
	    "gpupass: t.conf:1: option 'driver=' given twice ('driver=vfio-pci', then 'driver=pci-stub'); give it once, skipping line\n"
	    "gpupass: t.conf:2: option 'expect=' given twice ('expect=1002:6608', then 'expect=1002:6609'); give it once, skipping line\n"
	    "gpupass: t.conf:3: option 'allow-storage' given twice; give it once, skipping line\n"
	    "gpupass: t.conf:4: option 'start=' given twice ('start=manual', then 'start=auto'); give it once, skipping line\n"
	    "gpupass: t.conf:5: option 'vfs=2' given twice; give it once, skipping line\n"
	    "gpupass: t.conf:6: option 'driver=' given twice ('driver=pci-stub', then 'driver=vfio-pci'); give it once, skipping line\n");
	assert_int_equal(c.errors, 6);
	assert_int_equal(c.nrules, 1);
	assert_int_equal(c.rules[0].line, 7);
}

/* After every file: one mdev per UUID, one sriov line per PF, narrow gpupass.claim= selectors. */
static void test_validate(void **state)
{
	static const char first[] =
	    "mdev 0000:00:02.0 i915-GVTg_V5_4 fff6f017-3417-4ad3-b05e-17ae3e1a4615\n"
	    "sriov 10000:e1:00.0 vfs=4\n";
	struct selector s;
	const char *why;
	struct rule *r;

	(void)state;
	assert_int_equal(config_parse_buffer(&c, "a.conf", first, strlen(first)), 0);
	parse("claim 1002:6608\n"
	      "mdev 00:02.0 i915-GVTg_V5_8 FFF6F017-3417-4AD3-B05E-17AE3E1A4615\n"
	      "sriov 10000:e1:00.0 vfs=8\n"
	      "sriov 0000:e1:00.0 vfs=8\n"
	      "mdev 00:02.0 i915-GVTg_V5_8 0b6b1d5e-31a5-4d2a-9b6a-65e1b8b1a0c4\n");
	r = config_add_rule(&c, RULE_CLAIM, NULL, 0);
	assert_int_equal(selector_parse("*:*", &s, &why), 0);
	assert_int_equal(rule_add_selector(r, &s), 0);
	assert_int_equal(selector_parse("1002:aab0", &s, &why), 0);
	assert_int_equal(rule_add_selector(r, &s), 0);
	r = config_add_rule(&c, RULE_CLAIM, NULL, 0);
	assert_int_equal(selector_parse("8086:", &s, &why), 0);
	assert_int_equal(rule_add_selector(r, &s), 0);
	assert_int_equal(c.nrules, 9);
	assert_string_equal(testlog_text(), "");

	config_validate(&c);
	assert_string_equal(
	    testlog_text(),
	    "gpupass: t.conf:2: mdev UUID fff6f017-3417-4ad3-b05e-17ae3e1a4615 is already used by the mdev line at a.conf:1; ignoring this line, the first applies (give each mdev its own UUID, see uuidgen)\n"
	    "gpupass: t.conf:3: a second sriov line for 10000:e1:00.0 (the first, at a.conf:2, says vfs=4); ignoring this line, the first applies (keep one sriov line per physical function)\n"
	    "gpupass: kernel command line: gpupass.claim= selector '*:*' selects devices of every vendor and class; ignoring it (name the devices, or claim them in /etc/gpupass.conf with allow-any-class)\n"
	    "gpupass: kernel command line: gpupass.claim= selector '8086:' selects all of one vendor's devices, of every class; ignoring it (name the devices, or claim them in /etc/gpupass.conf with allow-any-class)\n");
	assert_int_equal(c.errors, 4);
	assert_int_equal(c.nrules, 6);
	assert_string_equal(c.rules[0].file, "a.conf");
	assert_int_equal(c.rules[1].parent.domain, 0x10000);
	assert_int_equal(c.rules[2].kind, RULE_CLAIM);
	assert_int_equal(c.rules[3].line, 4); /* another PF: 0000:e1:00.0 */
	assert_int_equal(c.rules[4].line, 5);
	assert_null(c.rules[5].file);
	assert_int_equal(c.rules[5].nsel, 1);
	assert_string_equal(c.rules[5].sel[0].text, "1002:aab0");
}

/* The fingerprint is plain SHA-256 of the bytes read: FIPS 180-2's "abc" vector. */
static void test_hash(void **state)
{
	char dir[] = "/tmp/gpupass-test-XXXXXX", file[64], hex[65];
	struct root *root;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/t.conf", dir);
	f = fopen(file, "w");
	assert_non_null(f);
	fputs("abc", f);
	fclose(f);
	assert_int_equal(root_open(&root, dir), 0);
	assert_int_equal(config_load(&c, root, "t.conf"), 0);
	root_close(root);
	unlink(file);
	rmdir(dir);
	config_fingerprint(&c, hex);
	assert_string_equal(hex,
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_claim_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expect_subsys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crlf_and_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_binary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rule_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mdev_sriov, setup, teardown),
		cmocka_unit_test_setup_teardown(test_catch_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_option_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_validate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hash, setup, teardown),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
