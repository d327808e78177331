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
# udev and systemd say where they read rules and units (bookworm: /lib/...,
# where its debhelper looks); the fallbacks are for systems without their .pc.
# Bash completion: bash-completion's own directory.
pc_var      = $(shell $(PKG_CONFIG) --variable=$(2) $(1) 2> /dev/null)
UDEVDIR    ?= $(or $(call pc_var,udev,udevdir),$(PREFIX)/lib/udev)/rules.d
SYSTEMDUNITDIR ?= $(or $(call pc_var,systemd,systemdsystemunitdir),$(PREFIX)/lib/systemd/system)
BASHCOMPDIR ?= $(or $(call pc_var,bash-completion,completionsdir),$(PREFIX)/share/bash-completion/completions)
# Where dracut and initramfs-tools look for modules and hooks, whatever PREFIX
# is: make install refuses other places (they would never run), warns when
# DESTDIR stages them; ALLOW_ANY_HOOKDIR=1 skips the check.
DRACUT_SYSDIR ?= $(or $(call pc_var,dracut,dracutmodulesdir),/usr/lib/dracut/modules.d)
IT_SYSDIR  ?= /usr/share/initramfs-tools
LIBEXECDIR ?= $(PREFIX)/libexec
SYSCONFDIR ?= /etc
DESTDIR    ?=
STATIC     ?= 1
MUSL_CC    ?= musl-gcc
LIBVIRTHOOKDIR ?= $(SYSCONFDIR)/libvirt/hooks/qemu.d

WARN      = -Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes \
            -Wno-unused-parameter
# The dynamic variant (STATIC=0, for distributions): libpci linked, libkmod,
# libblkid dlopen()ed when a verb needs them (early/base/dynlib.h).
LIBS_PC   = libkmod libpci
DYN_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(LIBS_PC))
DYN_LIBS   = $(shell $(PKG_CONFIG) --libs libpci) -ldl
# Its size flags (docs/PERFORMANCE.md), as the static build's: each function
# in its own section and the unreached ones dropped, no .eh_frame (C, no
# exceptions; -g keeps .debug_frame, which debug packages carry).  PIE and a
# distribution's hardening flags (CFLAGS, LDFLAGS) stay as given; they come
# after these, so -fasynchronous-unwind-tables in CFLAGS brings .eh_frame back.
DYN_SIZE_CFLAGS  = -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables
DYN_SIZE_LDFLAGS = -Wl,--gc-sections
DYN_DEFAULT_CFLAGS = -Os -g

ifeq ($(STATIC),1)
# The default: one static binary, musl, with the archives static/build.sh
# makes from Debian's sources (libpci, libkmod with xz and zstd) in
# static/.cache/prefix; it runs static/fetch.sh and rebuilds them only when
# static/sources.pin, the scripts or static/config/ change.  No libblkid:
# UUID=/LABEL= without /dev/disk links stay unresolved (the guard fails closed).
VARIANT    = static
STATIC_PREFIX = static/.cache/prefix
STATIC_STAMP  = $(STATIC_PREFIX)/.stamp
GP_CC      = $(MUSL_CC)
CFLAGS    ?= -Os -g
MULTIARCH := $(shell gcc -print-multiarch 2> /dev/null)
# For size (docs/PERFORMANCE.md): each function in its own section and the
# unreached ones dropped, no .eh_frame (C, no exceptions; -g keeps
# .debug_frame for debuggers), no PIE.  musl has no kernel or libblkid
# headers: the system's, after musl's own.
GP_CFLAGS  = -DDYNLIB_STATIC -DKMOD_LINKED -ffunction-sections -fdata-sections \
             -fno-asynchronous-unwind-tables -fno-pie -I$(STATIC_PREFIX)/include \
             -idirafter /usr/include/$(MULTIARCH) -idirafter /usr/include
GP_LDFLAGS = -static -no-pie -Wl,--gc-sections
GP_LIBS    = -L$(STATIC_PREFIX)/lib -lkmod -lpci -llzma -lzstd
else
VARIANT    = dynamic
GP_CC      = $(CC)
CFLAGS    ?= $(DYN_DEFAULT_CFLAGS)
GP_CFLAGS  = $(DYN_CFLAGS) $(DYN_SIZE_CFLAGS)
GP_LDFLAGS = $(DYN_SIZE_LDFLAGS)
GP_LIBS    = $(DYN_LIBS)
# The libraries it dlopen()s, declared in an ELF .note.dlopen (systemd's
# format, packaging/dlopen-note.c) for packaging tools to read.
EXTRA_OBJS = $(OBJDIR)/dlopen-note.o
endif
ALL_CFLAGS  = -std=gnu11 $(WARN) -DVERSION='"$(VERSION)"' -D_GNU_SOURCE $(GP_CFLAGS) $(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(GP_LDFLAGS) $(LDFLAGS)

# early/ by layer, each including only the ones before it (tests/lint.sh checks):
# base (no gpupass policy), pci (the PCI model), policy (config, plan, guards,
# records), boot (what the initramfs runs), late (mdevs, SR-IOV), verbs.
LAYERS = base pci policy boot late verbs
SRCS = $(foreach l,$(LAYERS),$(wildcard early/$(l)/*.c))
HDRS = $(foreach l,$(LAYERS),$(wildcard early/$(l)/*.h))
# Objects of each variant apart; early/gpupass is relinked when the variant changes.
OBJDIR = .build/$(VARIANT)
OBJS = $(SRCS:early/%.c=$(OBJDIR)/%.o)
$(shell mkdir -p .build; [ "$$(cat .build/variant 2>/dev/null)" = $(VARIANT) ] || \
	echo $(VARIANT) > .build/variant)

all: early/gpupass

early/gpupass: $(OBJS) $(EXTRA_OBJS) .build/variant
	$(GP_CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(OBJS) $(EXTRA_OBJS) $(GP_LIBS) $(LDLIBS)

$(OBJDIR)/dlopen-note.o: packaging/dlopen-note.c
	@mkdir -p $(@D)
	$(GP_CC) $(ALL_CFLAGS) -c -o $@ $<

$(OBJDIR)/%.o: early/%.c $(HDRS)
	@mkdir -p $(@D)
	$(GP_CC) $(ALL_CFLAGS) -Iearly -c -o $@ $<

ifeq ($(STATIC),1)
# static/build.sh does nothing (in ~20 ms) when the archives are up to date.
$(OBJS): $(STATIC_STAMP)
$(STATIC_STAMP): FORCE
	@static/build.sh
endif

include tests/tests.mk

# README's main job: a QEMU boot showing gpupass claim an emulated GPU.
demo:
	tests/deps.sh all
	$(MAKE) early/gpupass
	tests/boot/demo.sh

# Refuse (warn when staging into DESTDIR) a hook directory the generators never read.
check-hookdirs:
	@bad=; \
	[ "$(DRACUTDIR)" = "$(DRACUT_SYSDIR)" ] || bad="$$bad DRACUTDIR=$(DRACUTDIR) (dracut reads $(DRACUT_SYSDIR))"; \
	[ "$(ITDIR)" = "$(IT_SYSDIR)" ] || bad="$$bad ITDIR=$(ITDIR) (initramfs-tools reads $(IT_SYSDIR))"; \
	[ -z "$$bad" ] || [ "$(ALLOW_ANY_HOOKDIR)" = 1 ] || { \
	  echo "make install: the generators would never run gpupass's hooks:$$bad." >&2; \
	  echo "  Give PREFIX=/usr, or DRACUTDIR=$(DRACUT_SYSDIR) ITDIR=$(IT_SYSDIR) with your PREFIX, or ALLOW_ANY_HOOKDIR=1." >&2; \
	  if [ -z "$(DESTDIR)" ]; then exit 1; fi; \
	  echo "  (DESTDIR is set: installing anyway, as a staging tree)" >&2; }

install: early/gpupass check-hookdirs
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
	for u in gpupass-rules.path gpupass-rules.service; do \
		sed 's|/usr/sbin/gpupass|$(SBINDIR)/gpupass|g' systemd/$$u > $(DESTDIR)$(SYSTEMDUNITDIR)/$$u; done
	chmod 0644 $(DESTDIR)$(UDEVDIR)/90-gpupass.rules \
		$(DESTDIR)$(SYSTEMDUNITDIR)/gpupass-late.service \
		$(DESTDIR)$(SYSTEMDUNITDIR)/gpupass-rules.path $(DESTDIR)$(SYSTEMDUNITDIR)/gpupass-rules.service
	install -D -m 0644 completions/gpupass $(DESTDIR)$(BASHCOMPDIR)/gpupass
	install -d $(DESTDIR)$(PREFIX)/share/gpupass
	sed 's|/usr/sbin/gpupass|$(SBINDIR)/gpupass|g' libvirt/qemu-hook.sh \
		> $(DESTDIR)$(PREFIX)/share/gpupass/libvirt-qemu-hook
	chmod 0755 $(DESTDIR)$(PREFIX)/share/gpupass/libvirt-qemu-hook
	install -d $(DESTDIR)$(LIBEXECDIR)/gpupass
	sed 's|/usr/sbin/gpupass|$(SBINDIR)/gpupass|g' systemd/gpupass-verify.sh \
		> $(DESTDIR)$(LIBEXECDIR)/gpupass/gpupass-verify
	sed 's|/usr/libexec/gpupass/|$(LIBEXECDIR)/gpupass/|g' systemd/gpupass-verify.service \
		> $(DESTDIR)$(SYSTEMDUNITDIR)/gpupass-verify.service
	chmod 0755 $(DESTDIR)$(LIBEXECDIR)/gpupass/gpupass-verify
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/gpupass-verify.service
	install -d $(DESTDIR)$(SYSCONFDIR)/gpupass.d
	test -e $(DESTDIR)$(SYSCONFDIR)/default/gpupass || \
		install -D -m 0644 conf/gpupass.default $(DESTDIR)$(SYSCONFDIR)/default/gpupass
	test -e $(DESTDIR)$(SYSCONFDIR)/gpupass.conf || \
		install -m 0644 conf/gpupass.conf $(DESTDIR)$(SYSCONFDIR)/gpupass.conf
	for m in docs/*.[0-9]; do [ -e "$$m" ] || continue; \
		s=$${m##*.}; install -D -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; done

# Optional, not part of install: the libvirt qemu hook (gpupass(8), "hook").
# libvirtd reads its hooks when it starts: restart it after installing.
install-libvirt-hook:
	install -d $(DESTDIR)$(LIBVIRTHOOKDIR)
	sed 's|/usr/sbin/gpupass|$(SBINDIR)/gpupass|g' libvirt/qemu-hook.sh \
		> $(DESTDIR)$(LIBVIRTHOOKDIR)/gpupass
	chmod 0755 $(DESTDIR)$(LIBVIRTHOOKDIR)/gpupass

uninstall:
	rm -f $(DESTDIR)$(LIBVIRTHOOKDIR)/gpupass
	rm -rf $(DESTDIR)$(PREFIX)/share/gpupass
	rm -f $(DESTDIR)$(SBINDIR)/gpupass
	rm -rf $(DESTDIR)$(DRACUTDIR)/90gpupass
	rm -f $(DESTDIR)$(ITDIR)/hooks/gpupass $(DESTDIR)$(ITDIR)/scripts/init-top/gpupass
	rm -f $(DESTDIR)$(UDEVDIR)/90-gpupass.rules $(DESTDIR)$(SYSTEMDUNITDIR)/gpupass-late.service
	rm -f $(DESTDIR)$(BASHCOMPDIR)/gpupass
	rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/gpupass-verify.service
	rm -rf $(DESTDIR)$(LIBEXECDIR)/gpupass
	rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/gpupass-rules.path $(DESTDIR)$(SYSTEMDUNITDIR)/gpupass-rules.service
	for m in docs/*.[0-9]; do [ -e "$$m" ] || continue; \
		s=$${m##*.}; rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; done

# Packages, built from a copy of the tracked (and new, not ignored) files in
# .build/pkg (git-ignored): the work tree is never touched, the outputs land
# in .build/pkg/.  The static sources already fetched (static/.cache) are
# copied in unless PKG_FRESH=1.  DEB_BUILD_PROFILES=pkg.gpupass.shared makes
# the offline, shared variant; DEB_BUILD_OPTIONS=nocheck skips make check.
PKGDIR = .build/pkg
pkg-tree:
	rm -rf $(PKGDIR)/src
	mkdir -p $(PKGDIR)/src
	git ls-files -z --cached --others --exclude-standard | \
		tar --null -T - --ignore-failed-read -cf - 2> /dev/null | tar -C $(PKGDIR)/src -xf -
	if [ -d static/.cache/dl ] && [ "$(PKG_FRESH)" != 1 ]; then \
		mkdir -p $(PKGDIR)/src/static/.cache && cp -a static/.cache/. $(PKGDIR)/src/static/.cache/; fi

deb: pkg-tree
	rm -f $(PKGDIR)/gpupass_*
	cd $(PKGDIR)/src && dpkg-buildpackage -us -uc -b
	lintian --fail-on error,warning $(PKGDIR)/gpupass_*.changes
	@ls -1 $(PKGDIR)/gpupass_*.deb

# The RPM (packaging/rpm/gpupass.spec, the shared variant): rpmbuild in
# .build/pkg/rpm.  --nodeps: this Debian system has no rpm database of the
# BuildRequires; they are Debian packages here (tests/deps.sh).
# RPMBUILD_FLAGS=--nocheck skips %check (make check).
rpm: pkg-tree
	rm -rf $(PKGDIR)/rpm
	mkdir -p $(PKGDIR)/rpm/SOURCES
	tar -C $(PKGDIR) --transform 's|^src|gpupass-$(VERSION)|' --exclude=src/static/.cache \
		-czf $(PKGDIR)/rpm/SOURCES/gpupass-$(VERSION).tar.gz src
	rpmbuild -bb --nodeps $(RPMBUILD_FLAGS) --define '_topdir $(CURDIR)/$(PKGDIR)/rpm' \
		--define 'version_override $(VERSION)' packaging/rpm/gpupass.spec
	@find $(PKGDIR)/rpm/RPMS -name '*.rpm'

# Full-system boots of the .deb on Debian 12 (tests/system/README.md).
system-test:
	tests/system/run.sh

format:
	clang-format -i $(SRCS) $(HDRS) tests/unit/*.[ch] tests/*.c tests/fuzz/*.[ch]

clean:
	rm -f early/gpupass
	rm -rf .build tests/.build

# The fetched sources and built archives too (static/.cache).
distclean: clean
	rm -rf static/.cache

FORCE:

.PHONY: all demo install install-libvirt-hook uninstall check-hookdirs pkg-tree deb rpm system-test format clean distclean FORCE
