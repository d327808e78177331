/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small pull reader for well-formed XML, such as the domain XML libvirt
 * gives its hooks on stdin: the start of each element, in document order,
 * with its depth and attributes.  Text, comments, processing instructions,
 * CDATA sections and a DOCTYPE are passed over; end tags are checked against
 * their start tags.  No entity decoding and no namespaces (a prefixed name is
 * just another name): what libvirt writes needs neither for the attributes
 * read here.  libxml2 would do all of it, but is over 1.5 MiB against a
 * static binary of under 300 KiB, for one verb that reads four attributes.
 */
#ifndef GPUPASS_XMLREAD_H
#define GPUPASS_XMLREAD_H

#include <stdbool.h>
#include <stddef.h>

#define XML_DEPTH_MAX 64
#define XML_ATTRS_MAX 32

struct xml_attr {
	const char *name, *value; /* into the buffer, not NUL-terminated */
	size_t name_len, value_len;
};

struct xml_elem {
	const char *name;
	size_t name_len;
	unsigned int depth; /* 1: the root element */
	struct xml_attr attrs[XML_ATTRS_MAX];
	unsigned int nattrs;
};

struct xml_reader {
	const char *buf, *p, *end;
	const char *open[XML_DEPTH_MAX]; /* names of the elements open, outermost first */
	size_t open_len[XML_DEPTH_MAX];
	unsigned int depth;
	bool close_pending; /* the last start tag was <name/> */
	bool seen_root;
	char err[160];
};

void xml_init(struct xml_reader *r, const char *buf, size_t len);
/*
 * The next start tag into @e: returns 1, 0 at the end of a well-formed
 * document, or -EINVAL with r->err saying where and what ("line 3: ...").
 */
int xml_next(struct xml_reader *r, struct xml_elem *e);
bool xml_is(const struct xml_elem *e, const char *name);
/* The value of attribute @name, NUL-terminated into @buf (-E2BIG if longer), or -ENOENT. */
int xml_attr(const struct xml_elem *e, const char *name, char *buf, size_t size);

#endif
