// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/path.h"
#include "pci/pcidev.h"

/* bus/pci/devices/dddd:bb:dd.f/ plus an attribute path of a few components. */
#define PCIDEV_PATH_MAX 256

bool driver_name_valid(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n < DRIVER_NAME_MAX &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

bool pci_driver_present(struct root *sys, const char *driver)
{
	char path[PCIDEV_PATH_MAX];

	if (snprintf(path, sizeof(path), "bus/pci/drivers/%s", driver) >= (int)sizeof(path))
		return false;
	return root_exists(sys, path) == 1;
}

static int attr_path(const struct pci_addr *a, const char *attr, char path[PCIDEV_PATH_MAX])
{
	return pci_addr_sysfs(a, attr, path, PCIDEV_PATH_MAX);
}

int pcidev_exists(struct root *sys, const struct pci_addr *a, const char *attr)
{
	char path[PCIDEV_PATH_MAX];
	int err = attr_path(a, attr, path);

	return err < 0 ? err : root_exists(sys, path);
}

int pcidev_read(struct root *sys, const struct pci_addr *a, const char *attr, char *buf,
		size_t size)
{
	char path[PCIDEV_PATH_MAX];
	int err = attr_path(a, attr, path);

	return err < 0 ? err : root_read(sys, path, buf, size);
}

int pcidev_read_u32(struct root *sys, const struct pci_addr *a, const char *attr, uint32_t *out)
{
	char buf[32], *end;
	unsigned long long v;
	int err;

	err = pcidev_read(sys, a, attr, buf, sizeof(buf));
	if (err < 0)
		return err;
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (errno || end == buf || *end || buf[0] == '-' || buf[0] == '+' || v > UINT32_MAX)
		return -EINVAL;
	*out = v;
	return 0;
}

bool pcidev_read_flag(struct root *sys, const struct pci_addr *a, const char *attr)
{
	char val[8];

	return pcidev_read(sys, a, attr, val, sizeof(val)) > 0 && !strcmp(val, "1");
}

int pcidev_write(struct root *sys, const struct pci_addr *a, const char *attr, const char *val)
{
	char path[PCIDEV_PATH_MAX];
	int err = attr_path(a, attr, path);

	return err < 0 ? err : root_write(sys, path, val);
}

int pcidev_link_name(struct root *sys, const struct pci_addr *a, const char *attr, char *buf,
		     size_t size)
{
	char path[PCIDEV_PATH_MAX];
	int err = attr_path(a, attr, path);

	return err < 0 ? err : root_link_name(sys, path, buf, size);
}

DIR *pcidev_opendir(struct root *sys, const struct pci_addr *a, const char *attr)
{
	char path[PCIDEV_PATH_MAX];
	int err = attr_path(a, attr, path);

	if (err < 0) {
		errno = -err;
		return NULL;
	}
	return root_opendir(sys, path);
}

void pcidev_driver(struct root *sys, const struct pci_addr *a, char *buf, size_t size)
{
	if (pcidev_link_name(sys, a, "driver", buf, size) < 0)
		buf[0] = '\0';
}

/* Unbind @a from the driver its link names now, if any; 0 or -errno. */
static int unbind_now(struct root *sys, const struct pci_addr *a, const char *name,
		      const char *seen)
{
	char held[DRIVER_NAME_MAX];

	pcidev_driver(sys, a, held, sizeof(held));
	if (strcmp(held, seen))
		DBG("%s: driver link now '%s' (was '%s' when enumerated)", name, held, seen);
	return *held ? pcidev_write(sys, a, "driver/unbind", name) : 0;
}

int pcidev_rebind(struct root *sys, const struct pci_addr *a, const char *current,
		  const char *override, char *after, size_t size, enum rebind_step *failed)
{
	char name[PCI_ADDR_LEN];
	int err;

	pci_addr_str(a, name);
	err = pcidev_write(sys, a, "driver_override", override);
	if (err < 0) {
		*failed = REBIND_OVERRIDE;
		return err;
	}
	/* The link read again: a driver may have bound since @current was read
	 * (a device just added is probed without waiting for udev). */
	err = unbind_now(sys, a, name, current);
	if (err < 0) {
		*failed = REBIND_UNBIND;
		return err;
	}
	err = root_write(sys, "bus/pci/drivers_probe", name);
	if (err < 0)
		DBG("%s: drivers_probe: %s", name, strerror(-err));
	pcidev_driver(sys, a, after, size);
	/* Another driver still has it: its probe was running when the link was
	 * read (the link appears when it ends).  With driver_override set, no
	 * driver but @override can take it after one more unbind. */
	if (*override != '\n' && *after && strcmp(after, override)) {
		DBG("%s: %s took it while it was being claimed; unbinding it once more", name,
		    after);
		err = pcidev_write(sys, a, "driver/unbind", name);
		if (err < 0) {
			*failed = REBIND_UNBIND;
			return err;
		}
		root_write(sys, "bus/pci/drivers_probe", name);
		pcidev_driver(sys, a, after, size);
	}
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read each link again; true when one changed (logged at debug level). */
static bool links_changed(struct root *sys, struct pcidev_link *links, unsigned int n,
			  long long since)
{
	char now[DRIVER_NAME_MAX], name[PCI_ADDR_LEN];
	bool changed = false;
	unsigned int i;

	for (i = 0; i < n; i++) {
		pcidev_driver(sys, &links[i].addr, now, sizeof(now));
		if (!strcmp(now, links[i].driver))
			continue;
		DBG("%s: driver link now '%s' (was '%s'), %lld ms after the probe",
		    pci_addr_str(&links[i].addr, name), now, links[i].driver, now_ms() - since);
		snprintf(links[i].driver, sizeof(links[i].driver), "%s", now);
		changed = true;
	}
	return changed;
}

int pcidev_settle(struct root *sys, struct pcidev_link *links, unsigned int n)
{
	static const struct timespec poll = { 0, 20 * 1000000L };
	long long start = now_ms(), changed = start;

	while (n && now_ms() - changed < PCIDEV_SETTLE_QUIET_MS) {
		if (now_ms() - start >= PCIDEV_SETTLE_MAX_MS)
			return -ETIMEDOUT;
		nanosleep(&poll, NULL);
		if (links_changed(sys, links, n, start))
			changed = now_ms();
	}
	return 0;
}
