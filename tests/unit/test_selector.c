// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "pci/pciaddr.h"
#include "pci/selector.h"

static void test_ids(void **state)
{
	struct selector s;
	const char *why = NULL;

	(void)state;
	assert_int_equal(selector_parse("1002:6608", &s, &why), 0);
	assert_false(s.by_address);
	assert_int_equal(s.filter.vendor, 0x1002);
	assert_int_equal(s.filter.device, 0x6608);
	assert_int_equal(s.filter.device_class, -1);

	assert_int_equal(selector_parse("10de::0300", &s, &why), 0);
	assert_int_equal(s.filter.vendor, 0x10de);
	assert_int_equal(s.filter.device, -1);
	assert_int_equal(s.filter.device_class, 0x0300);

	/* Two digits are a base class, any subclass: lspci's "03xx". */
	assert_int_equal(selector_parse("::03", &s, &why), 0);
	assert_int_equal(s.filter.vendor, -1);
	assert_int_equal(s.filter.device_class, 0x0300);
	assert_int_equal(s.filter.device_class_mask & 0xffff, 0xff00);
	assert_string_equal(s.text, "::03");
	assert_false(selector_names_device(&s));
	assert_int_equal(selector_parse("10de::03:00", &s, &why), 0);
	assert_int_equal(s.filter.vendor, 0x10de);
	assert_int_equal(s.filter.device_class, 0x0300);
	assert_int_equal(s.filter.device_class_mask & 0xffff, 0xff00);
	assert_int_equal(s.filter.prog_if, 0);
	assert_int_equal(selector_parse("::03xx", &s, &why), 0);
	assert_int_equal(s.filter.device_class_mask & 0xffff, 0xff00);
	/* Four digits stay one class, three or one stay libpci's number. */
	assert_int_equal(selector_parse("::0302", &s, &why), 0);
	assert_int_equal(s.filter.device_class, 0x0302);
	assert_int_equal(s.filter.device_class_mask & 0xffff, 0xffff);
	assert_int_equal(selector_parse("::300", &s, &why), 0);
	assert_int_equal(s.filter.device_class, 0x0300);
	assert_int_equal(s.filter.device_class_mask & 0xffff, 0xffff);
	assert_int_equal(selector_parse("1002::0300", &s, &why), 0);
	assert_false(selector_names_device(&s));
	assert_int_equal(selector_parse("1002:6608", &s, &why), 0);
	assert_true(selector_names_device(&s));
	assert_int_equal(selector_parse("00:02.0", &s, &why), 0);
	assert_true(selector_names_device(&s));

	assert_int_equal(selector_parse("*:1111", &s, &why), 0);
	assert_int_equal(s.filter.vendor, -1);
	assert_int_equal(s.filter.device, 0x1111);
}

static void test_addresses(void **state)
{
	struct selector s;
	struct pci_addr a;
	const char *why = NULL;

	(void)state;
	assert_int_equal(selector_parse("0000:02:00.0", &s, &why), 0);
	assert_true(s.by_address);
	assert_true(selector_exact_addr(&s, &a));
	assert_int_equal(a.bus, 2);
	assert_int_equal(a.dev, 0);
	assert_int_equal(a.func, 0);

	assert_int_equal(selector_parse("02:00.1", &s, &why), 0);
	assert_true(selector_exact_addr(&s, &a));
	assert_int_equal(a.domain, 0);
	assert_int_equal(a.func, 1);

	/* A whole slot is a valid selector but not one exact function. */
	assert_int_equal(selector_parse("02:00.*", &s, &why), 0);
	assert_false(selector_exact_addr(&s, &a));
}

static void expect_bad(const char *text, const char *reason)
{
	struct selector s;
	const char *why = NULL;

	assert_int_equal(selector_parse(text, &s, &why), -EINVAL);
	assert_non_null(why);
	assert_string_equal(why, reason);
}

static void test_bad(void **state)
{
	(void)state;
	expect_bad("02:00",
		   "vendor and device IDs are 4 hex digits each (an address needs bus:slot.func)");
	expect_bad("1002:66080",
		   "vendor and device IDs are 4 hex digits each (an address needs bus:slot.func)");
	expect_bad("10de:zzzz", "only hex digits, ':', '.' and '*' are allowed");
	expect_bad("0000:02:00.0/../x", "only hex digits, ':', '.' and '*' are allowed");
	expect_bad("1002", "expected vendor:device[:class] or [domain:]bus:slot.func");
	expect_bad("02:00.8", "Invalid function number");
	expect_bad("02:20.0", "Invalid slot number");
	expect_bad("0000:0000:0000:0000:0000:0000:00.0", "Too many fields");
	expect_bad("00000000000000000000000000000000000000000000000000:00.0", "selector too long");
}

static void test_addr_strict(void **state)
{
	struct pci_addr a;
	char buf[PCI_ADDR_LEN];

	(void)state;
	assert_int_equal(pci_addr_parse("0000:00:02.0", &a), 0);
	assert_string_equal(pci_addr_str(&a, buf), "0000:00:02.0");
	assert_int_equal(pci_addr_parse("00:1F.7", &a), 0);
	assert_string_equal(pci_addr_str(&a, buf), "0000:00:1f.7");
	assert_int_equal(pci_addr_parse("0000:00:20.0", &a), -EINVAL);
	assert_int_equal(pci_addr_parse("0000:00:02.8", &a), -EINVAL);
	assert_int_equal(pci_addr_parse("0:00:02.0", &a), -EINVAL);
	assert_int_equal(pci_addr_parse("0000:00:02.0 ", &a), -EINVAL);
	assert_int_equal(pci_addr_parse("0000:00:02.0/..", &a), -EINVAL);
	assert_int_equal(pci_addr_parse("../../00:02.0", &a), -EINVAL);
	assert_int_equal(pci_addr_parse("", &a), -EINVAL);
	assert_int_equal(pci_addr_parse(NULL, &a), -EINVAL);
}

/* Intel VMD domains: the kernel writes them with "%04x", so 10000 and up have 5+ digits. */
static void test_addr_domains(void **state)
{
	struct selector s;
	struct pci_addr a;
	char buf[PCI_ADDR_LEN];
	const char *why = NULL;

	(void)state;
	assert_int_equal(pci_addr_parse("10000:e1:00.0", &a), 0);
	assert_int_equal(a.domain, 0x10000);
	assert_string_equal(pci_addr_str(&a, buf), "10000:e1:00.0");
	assert_int_equal(pci_addr_parse("ABCDE:00:1f.7", &a), 0);
	assert_string_equal(pci_addr_str(&a, buf), "abcde:00:1f.7");
	assert_int_equal(pci_addr_parse("7fffffff:ff:1f.7", &a), 0);
	assert_string_equal(pci_addr_str(&a, buf), "7fffffff:ff:1f.7");
	assert_int_equal(pci_addr_parse("ffff:00:02.0", &a), 0);
	assert_string_equal(pci_addr_str(&a, buf), "ffff:00:02.0");
	/* Past what Linux and libpci number, more than 8 digits, or a zero the kernel never writes. */
	assert_int_equal(pci_addr_parse("80000000:00:02.0", &a), -EINVAL);
	assert_int_equal(pci_addr_parse("100000000:00:02.0", &a), -EINVAL);
	assert_int_equal(pci_addr_parse("010000:e1:00.0", &a), -EINVAL);
	assert_int_equal(pci_addr_parse("00000:00:02.0", &a), -EINVAL);
	assert_int_equal(pci_addr_parse("000:00:02.0", &a), -EINVAL);
	assert_int_equal(pci_addr_parse("10000:e1:00.0.0", &a), -EINVAL);
	assert_int_equal(pci_addr_parse("10000:e1:0.0", &a), -EINVAL);

	/* libpci's slot selectors take the domain as an int. */
	assert_int_equal(selector_parse("10000:e1:00.0", &s, &why), 0);
	assert_true(selector_exact_addr(&s, &a));
	assert_int_equal(a.domain, 0x10000);
	assert_int_equal(a.bus, 0xe1);
}

static void test_breadth(void **state)
{
	static const char *const broad[] = { ":",      ":*",	    "::",     "*:*",   "*:*:*",
					     ".",      "*.*",	    "00:*.*", "00:.",  "0000::.",
					     "8086:",  "8086:*",    "8086::", ":::30", "::0xxx",
					     "::xxxx", "8086::xx03" };
	static const char *const narrow[] = { "1002:6608",     "*:2668",  "::0300",
					      "::03xx",	       "::0003",  "10de::0300",
					      "8086::0c03",    "::03",	  "10de::03",
					      "02:00.*",       "02:00.1", "*:02:00.0",
					      "10000:e1:00.0", "02:00." };
	struct selector s;
	const char *why = NULL;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(broad) / sizeof(*broad); i++) {
		assert_int_equal(selector_parse(broad[i], &s, &why), 0);
		if (!selector_breadth(&s))
			fail_msg("'%s' should be broad", broad[i]);
	}
	for (i = 0; i < sizeof(narrow) / sizeof(*narrow); i++) {
		assert_int_equal(selector_parse(narrow[i], &s, &why), 0);
		if (selector_breadth(&s))
			fail_msg("'%s' should name a kind of device", narrow[i]);
	}
	assert_int_equal(selector_parse("10de:", &s, &why), 0);
	assert_string_equal(selector_breadth(&s),
			    "selects all of one vendor's devices, of every class");
	assert_int_equal(selector_parse("*:*", &s, &why), 0);
	assert_string_equal(selector_breadth(&s), "selects devices of every vendor and class");
	assert_int_equal(selector_parse("00:*.*", &s, &why), 0);
	assert_string_equal(selector_breadth(&s),
			    "selects a whole bus or more, devices of every class");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids),	     cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_bad),	     cmocka_unit_test(test_addr_strict),
		cmocka_unit_test(test_addr_domains), cmocka_unit_test(test_breadth),
	};

	return cmocka_run_group_tests_name("selector", tests, NULL, NULL);
}
