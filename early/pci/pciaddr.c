// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pci/pciaddr.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* @min..@max hex digits then @end; advances *s past @end. */
static int hex_field(const char **s, int min, int max, char end, unsigned int *out)
{
	unsigned int v = 0;
	int i;

	for (i = 0; i < max; i++) {
		int d = hexval((*s)[i]);

		if (d < 0)
			break;
		v = v << 4 | d;
	}
	if (i < min || (*s)[i] != end)
		return -EINVAL;
	*s += i + (end ? 1 : 0);
	*out = v;
	return 0;
}

/*
 * The domain as the kernel names it ("%04x"): four digits, or five to eight
 * without a leading zero (Intel VMD's 10000 and up), at most PCI_DOMAIN_MAX.
 */
static int domain_field(const char **s, unsigned int *out)
{
	const char *start = *s;

	if (hex_field(s, 4, 8, ':', out) < 0)
		return -EINVAL;
	if ((*s - start > 5 && *start == '0') || *out > PCI_DOMAIN_MAX)
		return -EINVAL;
	return 0;
}

int pci_addr_parse(const char *s, struct pci_addr *out)
{
	struct pci_addr a = { 0 };
	const char *colon;

	if (!s)
		return -EINVAL;
	/* Two colons: the domain is given. */
	colon = strchr(s, ':');
	if (colon && strchr(colon + 1, ':') && domain_field(&s, &a.domain) < 0)
		return -EINVAL;
	if (hex_field(&s, 2, 2, ':', &a.bus) < 0 || hex_field(&s, 2, 2, '.', &a.dev) < 0 ||
	    hex_field(&s, 1, 1, '\0', &a.func) < 0)
		return -EINVAL;
	if (a.dev > 0x1f || a.func > 7)
		return -EINVAL;
	*out = a;
	return 0;
}

char *pci_addr_str(const struct pci_addr *a, char *buf)
{
	snprintf(buf, PCI_ADDR_LEN, "%04x:%02x:%02x.%x", a->domain & PCI_DOMAIN_MAX, a->bus & 0xff,
		 a->dev & 0x1f, a->func & 7);
	return buf;
}

bool pci_addr_eq(const struct pci_addr *a, const struct pci_addr *b)
{
	return a->domain == b->domain && a->bus == b->bus && a->dev == b->dev && a->func == b->func;
}

int pci_addr_cmp(const struct pci_addr *a, const struct pci_addr *b)
{
	if (a->domain != b->domain)
		return a->domain < b->domain ? -1 : 1;
	if (a->bus != b->bus)
		return a->bus < b->bus ? -1 : 1;
	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	return (int)a->func - (int)b->func;
}

int pci_addr_sysfs(const struct pci_addr *a, const char *attr, char *buf, size_t size)
{
	char s[PCI_ADDR_LEN];
	int n = snprintf(buf, size, "bus/pci/devices/%s/%s", pci_addr_str(a, s), attr);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}
