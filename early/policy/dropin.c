// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/path.h"
#include "policy/dropin.h"

const char *dropin_path(const struct pci_addr *a, char *buf, size_t size)
{
	char addr[PCI_ADDR_LEN];

	snprintf(buf, size, DROPIN_PREFIX "%s.conf", pci_addr_str(a, addr));
	return buf;
}

const char *dropin_text(const struct gp_device *dev, char *buf, size_t size)
{
	bool gpu = dev->class >> 8 == PCI_CLASS_BASE_DISPLAY;

	snprintf(buf, size,
		 DROPIN_MARK ": %s [%04x:%04x], class %04x%s.\n"
			     "# 'gpupass unclaim %s' removes this file; see gpupass(8).\n"
			     "claim %s expect=%04x:%04x%s\n",
		 dev->name, dev->vendor, dev->device, dev->class,
		 gpu ? ", with its other functions" : "", dev->name, dev->name, dev->vendor,
		 dev->device, gpu ? " with=functions" : "");
	return buf;
}

int dropin_read(struct root *root, const char *path, char **text)
{
	char link[8];
	size_t len;
	int err;

	*text = NULL;
	if (root_readlink(root, path, link, sizeof(link)) >= 0)
		return -EEXIST;
	/* As the config is read: links resolve inside the root. */
	err = root_read_all_in_root(root, path, 4096, text, &len);
	if (err == -ENOENT)
		return 0;
	if (err == -EFBIG || err == -EINVAL || err == -EISDIR)
		return -EEXIST; /* not a file this verb wrote */
	if (err < 0)
		return err;
	if (strncmp(*text, DROPIN_MARK, strlen(DROPIN_MARK))) {
		free(*text);
		*text = NULL;
		return -EEXIST;
	}
	return 1;
}

/* /etc or /etc/gpupass.d a symlink: refused, as root_mkdirs() refuses it, so that a
 * captured tree's link never leads a write or an unlink out of it. */
static int through_link(struct root *root)
{
	char link[8];

	return root_readlink(root, "/etc", link, sizeof(link)) >= 0 ||
	       root_readlink(root, DROPIN_DIR, link, sizeof(link)) >= 0;
}

int dropin_remove(struct root *root, const char *path)
{
	return through_link(root) ? -ELOOP : root_unlink(root, path);
}

int dropin_write(struct root *root, const char *path, const char *text)
{
	int err = root_mkdirs(root, DROPIN_DIR);

	return err < 0 ? err : root_write_file(root, path, text, strlen(text));
}
