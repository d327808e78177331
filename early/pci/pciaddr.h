/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI function addresses.  Every sysfs path gpupass builds for a device is
 * built from a struct pci_addr, and the only way to get one is the strict
 * parser below: config text can never reach another sysfs file.
 */
#ifndef GPUPASS_PCIADDR_H
#define GPUPASS_PCIADDR_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Linux numbers PCI domains with an int (Intel VMD's start at 0x10000), and
 * libpci's selectors take 0..0x7fffffff: the largest domain gpupass knows.
 */
#define PCI_DOMAIN_MAX 0x7fffffffu
#define PCI_ADDR_LEN 17 /* "dddddddd:bb:dd.f" + NUL */

struct pci_addr {
	unsigned int domain, bus, dev, func;
};

/*
 * Parse "[dddd:]bb:dd.f" (hex; 2, 2 and 1 digits, dev <= 1f, func <= 7; the
 * domain 4 digits, or 5 to 8 without a leading zero as the kernel writes
 * 10000 and up, at most PCI_DOMAIN_MAX).  Nothing may follow.  Returns 0 or
 * -EINVAL.
 */
int pci_addr_parse(const char *s, struct pci_addr *out);
/*
 * Canonical lower-case "dddd:bb:dd.f" (the domain in 4 digits or more) into
 * @buf of PCI_ADDR_LEN bytes; returns @buf.
 */
char *pci_addr_str(const struct pci_addr *a, char *buf);
bool pci_addr_eq(const struct pci_addr *a, const struct pci_addr *b);
/* <0, 0, >0 as @a sorts before, with or after @b (domain, bus, device, function). */
int pci_addr_cmp(const struct pci_addr *a, const struct pci_addr *b);
/* "bus/pci/devices/ADDRESS/ATTR" (ATTR may be empty).  Returns 0 or -ENAMETOOLONG. */
int pci_addr_sysfs(const struct pci_addr *a, const char *attr, char *buf, size_t size);

#endif
