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

/* Exactly @digits hex digits then @end; advances *s past @end. */
static int hex_field(const char **s, int digits, char end, unsigned int *out)
{
	unsigned int v = 0;
	int i;

	for (i = 0; i < digits; i++) {
		int d = hexval((*s)[i]);

		if (d < 0)
			return -EINVAL;
		v = v << 4 | d;
	}
	if ((*s)[digits] != end)
		return -EINVAL;
	*s += digits + (end ? 1 : 0);
	*out = v;
	return 0;
}

int pci_addr_parse(const char *s, struct pci_addr *out)
{
	struct pci_addr a = { 0 };

	if (!s)
		return -EINVAL;
	/* With a domain the string is 12 chars and has its first ':' at offset 4. */
	if (strlen(s) == 12 && hex_field(&s, 4, ':', &a.domain) < 0)
		return -EINVAL;
	if (hex_field(&s, 2, ':', &a.bus) < 0 || hex_field(&s, 2, '.', &a.dev) < 0 ||
	    hex_field(&s, 1, '\0', &a.func) < 0)
		return -EINVAL;
	if (a.dev > 0x1f || a.func > 7)
		return -EINVAL;
	*out = a;
	return 0;
}

char *pci_addr_str(const struct pci_addr *a, char *buf)
{
	snprintf(buf, PCI_ADDR_LEN, "%04x:%02x:%02x.%x", a->domain & 0xffff, a->bus & 0xff,
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
