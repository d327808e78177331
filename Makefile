# SPDX-License-Identifier: GPL-2.0-or-later
# gpupass: claim GPUs for VFIO before host drivers bind them.

VERSION    ?= 0.1.0
CC         ?= cc
PKG_CONFIG ?= pkg-config
PREFIX     ?= /usr
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
DRACUTDIR  ?= $(PREFIX)/lib/dracut/modules.d
ITDIR      ?= $(PREFIX)/share/initramfs-tools
UDEVDIR    ?= $(PREFIX)/lib/udev/rules.d
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= /etc
DESTDIR    ?=
STATIC     ?=

CFLAGS   ?= -O2 -g
WARN      = -Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes \
            -Wno-unused-parameter
# libkmod is dlopen()ed at run time (see early/modload.c); a static build links it.
LIBS_PC   = libkmod libpci
ifeq ($(STATIC),1)
# Debian ships no libpci.a or libkmod.a: say so instead of failing in the linker.
ifeq ($(shell $(CC) -print-file-name=libpci.a),libpci.a)
$(error STATIC=1: no libpci.a for $(CC); this distribution ships libpci only as a shared library (build without STATIC=1))
endif
ifeq ($(shell $(CC) -print-file-name=libkmod.a),libkmod.a)
$(error STATIC=1: no libkmod.a for $(CC); this distribution ships libkmod only as a shared library (build without STATIC=1))
endif
PC_STATIC = --static
LDSTATIC  = -static
LINK_PC   = libkmod libpci
KMOD_DEF  = -DKMOD_LINKED
else
LINK_PC   = libpci
endif
ALL_CFLAGS  = -std=gnu11 $(WARN) -DVERSION='"$(VERSION)"' -D_GNU_SOURCE $(KMOD_DEF) \
              $(shell $(PKG_CONFIG) --cflags $(LIBS_PC)) $(CFLAGS)
ALL_LDFLAGS = $(LDSTATIC) $(LDFLAGS)
LDLIBS     += $(shell $(PKG_CONFIG) $(PC_STATIC) --libs $(LINK_PC)) -ldl

# early/ by layer, each including only the ones before it (tests/lint.sh checks):
# base (no gpupass policy), pci (the PCI model), policy (config, plan, guards,
# records), boot (what the initramfs runs), late (mdevs, SR-IOV), verbs.
LAYERS = base pci policy boot late verbs
SRCS = $(foreach l,$(LAYERS),$(wildcard early/$(l)/*.c))
HDRS = $(foreach l,$(LAYERS),$(wildcard early/$(l)/*.h))
OBJS = $(SRCS:.c=.o)

all: early/gpupass

early/gpupass: $(OBJS)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

early/%.o: early/%.c $(HDRS)
	$(CC) $(ALL_CFLAGS) -Iearly -c -o $@ $<

include tests/tests.mk

# README's main job: a QEMU boot showing gpupass claim an emulated GPU.
demo:
	tests/deps.sh all
	$(MAKE) early/gpupass
	tests/boot/demo.sh

install: early/gpupass
	install -D -m 0755 early/gpupass $(DESTDIR)$(SBINDIR)/gpupass
	install -d $(DESTDIR)$(DRACUTDIR)/90gpupass
	install -m 0755 modules.d/90gpupass/*.sh $(DESTDIR)$(DRACUTDIR)/90gpupass/
	install -D -m 0755 initramfs-tools/hooks/gpupass $(DESTDIR)$(ITDIR)/hooks/gpupass
	install -D -m 0755 initramfs-tools/scripts/init-top/gpupass \
		$(DESTDIR)$(ITDIR)/scripts/init-top/gpupass
	install -d $(DESTDIR)$(UDEVDIR) $(DESTDIR)$(SYSTEMDUNITDIR)
	sed 's|/usr/sbin/gpupass|$(SBINDIR)/gpupass|g' udev/90-gpupass.rules \
		> $(DESTDIR)$(UDEVDIR)/90-gpupass.rules
	sed 's|/usr/sbin/gpupass|$(SBINDIR)/gpupass|g' systemd/gpupass-late.service \
		> $(DESTDIR)$(SYSTEMDUNITDIR)/gpupass-late.service
	chmod 0644 $(DESTDIR)$(UDEVDIR)/90-gpupass.rules \
		$(DESTDIR)$(SYSTEMDUNITDIR)/gpupass-late.service
	install -d $(DESTDIR)$(SYSCONFDIR)/gpupass.d
	test -e $(DESTDIR)$(SYSCONFDIR)/gpupass.conf || \
		install -m 0644 conf/gpupass.conf $(DESTDIR)$(SYSCONFDIR)/gpupass.conf
	for m in docs/*.[0-9]; do [ -e "$$m" ] || continue; \
		s=$${m##*.}; install -D -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; done

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/gpupass
	rm -rf $(DESTDIR)$(DRACUTDIR)/90gpupass
	rm -f $(DESTDIR)$(ITDIR)/hooks/gpupass $(DESTDIR)$(ITDIR)/scripts/init-top/gpupass
	rm -f $(DESTDIR)$(UDEVDIR)/90-gpupass.rules $(DESTDIR)$(SYSTEMDUNITDIR)/gpupass-late.service
	for m in docs/*.[0-9]; do [ -e "$$m" ] || continue; \
		s=$${m##*.}; rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; done

format:
	clang-format -i $(SRCS) $(HDRS) tests/unit/*.[ch] tests/*.c tests/fuzz/*.[ch]

clean:
	rm -f $(OBJS) early/gpupass
	rm -rf tests/.build

.PHONY: all demo install uninstall format clean
