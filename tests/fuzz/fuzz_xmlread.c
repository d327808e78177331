// SPDX-License-Identifier: GPL-2.0-or-later
/* The XML reader of the libvirt hook: every start tag of the input, until the end or an error. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "base/xmlread.h"

static bool inside(const char *p, size_t n, const uint8_t *data, size_t size)
{
	return p >= (const char *)data && p + n <= (const char *)data + size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exactly @size bytes, no NUL after them: the reader must stop at the length. */
	char *buf = malloc(size ? size : 1), val[64];
	struct xml_reader r;
	struct xml_elem e;
	unsigned int i;
	int err;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	xml_init(&r, buf, size);
	while ((err = xml_next(&r, &e)) > 0) {
		if (!e.depth || e.depth > XML_DEPTH_MAX || !e.name_len ||
		    !inside(e.name, e.name_len, (const uint8_t *)buf, size))
			fuzz_fail("start tag outside the input or at a bad depth");
		for (i = 0; i < e.nattrs; i++)
			if (!inside(e.attrs[i].value, e.attrs[i].value_len, (const uint8_t *)buf,
				    size))
				fuzz_fail("attribute value outside the input");
		xml_attr(&e, "bus", val, sizeof(val));
	}
	if (err < 0 && (err != -EINVAL || !r.err[0]))
		fuzz_fail("error without a message");
	free(buf);
	return 0;
}
