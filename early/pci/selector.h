/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device selectors in the syntax admins already type for lspci:
 *   vendor:device[:class[:prog-if]]   IDs, each field hex, empty or '*' for any;
 *                                     a class of 2 digits is a base class ("::03",
 *                                     lspci's "::03xx": every display controller)
 *   [[domain:]bus:]slot.func          an address; '*' or an empty field for any
 * A selector with a '.' is an address, anything else is an ID pair.  Both are
 * parsed by libpci's own filter parser (pci_filter_parse_slot/_id).
 */
#ifndef GPUPASS_SELECTOR_H
#define GPUPASS_SELECTOR_H

#include <pci/pci.h>
#include <stdbool.h>

#include "pci/pciaddr.h"

#define SELECTOR_TEXT_MAX 48

struct selector {
	struct pci_filter filter;
	bool by_address;
	char text[SELECTOR_TEXT_MAX];
};

/* Returns 0, or -EINVAL with *why set to a static explanation. */
int selector_parse(const char *text, struct selector *out, const char **why);
bool selector_match(struct selector *s, struct pci_dev *d);
/*
 * NULL when @s names one kind of device: it gives a device ID, a base class,
 * or a bus and slot (one card's functions).  Otherwise (a vendor alone, a
 * whole bus, every device) a static phrase saying what it selects, such as
 * "selects all of one vendor's devices, of every class".
 */
const char *selector_breadth(const struct selector *s);
/*
 * True when @s names devices themselves (an address, or a device ID), false
 * when it selects them only by class or vendor ("::03", "10de::0300"): the
 * boot display guard quietly leaves the boot display to the host for those.
 */
bool selector_names_device(const struct selector *s);
/* True and *addr set when @s names exactly one function (all four address fields). */
bool selector_exact_addr(const struct selector *s, struct pci_addr *addr);

#endif
