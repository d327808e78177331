// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>

#include "pci/selector.h"

/* An ID field must be empty, '*', or exactly four hex digits: "02:00" is a typo'd address. */
static bool id_field_ok(const char *f, size_t len)
{
	size_t i;

	if (len == 0 || (len == 1 && f[0] == '*'))
		return true;
	if (len != 4)
		return false;
	for (i = 0; i < len; i++)
		if (!strchr("0123456789abcdefABCDEF", f[i]))
			return false;
	return true;
}

static int check_id_shape(const char *text, const char **why)
{
	const char *colon = strchr(text, ':');
	const char *end;

	if (!colon) {
		*why = "expected vendor:device[:class] or [domain:]bus:slot.func";
		return -EINVAL;
	}
	end = strchr(colon + 1, ':');
	if (!end)
		end = colon + 1 + strlen(colon + 1);
	if (!id_field_ok(text, colon - text) || !id_field_ok(colon + 1, end - colon - 1)) {
		*why =
		    "vendor and device IDs are 4 hex digits each (an address needs bus:slot.func)";
		return -EINVAL;
	}
	return 0;
}

/*
 * A class of two hex digits is a base class, any subclass: "::03" is every
 * display controller (VGA 0300, 3D 0302, other 0380), what lspci spells
 * "::03xx" (libpci alone would read "03" as class 0003, which no device has).
 */
static void widen_base_class(char *buf, size_t size)
{
	char *c = strchr(buf, ':');

	c = c ? strchr(c + 1, ':') : NULL;
	if (!c || strcspn(c + 1, ":") != 2 || strspn(c + 1, "0123456789abcdefABCDEF") < 2 ||
	    strlen(buf) + 3 > size)
		return;
	memmove(c + 5, c + 3, strlen(c + 3) + 1);
	c[3] = c[4] = 'x';
}

int selector_parse(const char *text, struct selector *out, const char **why)
{
	char buf[SELECTOR_TEXT_MAX + 2];
	const char *err;

	if (strlen(text) >= sizeof(buf)) {
		*why = "selector too long";
		return -EINVAL;
	}
	if (strspn(text, "0123456789abcdefABCDEF:.*xX") != strlen(text)) {
		*why = "only hex digits, ':', '.' and '*' are allowed";
		return -EINVAL;
	}
	memset(out, 0, sizeof(*out));
	pci_filter_init(NULL, &out->filter);
	strcpy(out->text, text);
	strcpy(buf, text); /* libpci's parser writes into its argument */
	out->by_address = strchr(text, '.') != NULL;
	if (out->by_address) {
		err = pci_filter_parse_slot(&out->filter, buf);
	} else {
		if (check_id_shape(text, why) < 0)
			return -EINVAL;
		widen_base_class(buf, sizeof(buf));
		err = pci_filter_parse_id(&out->filter, buf);
	}
	if (err) {
		*why = err;
		return -EINVAL;
	}
	return 0;
}

bool selector_match(struct selector *s, struct pci_dev *d)
{
	return pci_filter_match(&s->filter, d);
}

bool selector_names_device(const struct selector *s)
{
	return s->by_address || s->filter.device >= 0;
}

bool selector_exact_addr(const struct selector *s, struct pci_addr *addr)
{
	const struct pci_filter *f = &s->filter;

	if (!s->by_address || f->bus < 0 || f->slot < 0 || f->func < 0)
		return false;
	addr->domain = f->domain < 0 ? 0 : f->domain;
	addr->bus = f->bus;
	addr->dev = f->slot;
	addr->func = f->func;
	return true;
}

const char *selector_breadth(const struct selector *s)
{
	const struct pci_filter *f = &s->filter;
	/* A class narrows only with its base class given ("0300", "03xx"; not "0xxx"). */
	bool base_class = f->device_class >= 0 && (f->device_class_mask & 0xff00) == 0xff00;

	if (s->by_address)
		return f->bus >= 0 && f->slot >= 0
			   ? NULL
			   : "selects a whole bus or more, devices of every class";
	if (f->device >= 0 || base_class)
		return NULL;
	if (f->vendor >= 0)
		return "selects all of one vendor's devices, of every class";
	return "selects devices of every vendor and class";
}
