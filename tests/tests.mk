# SPDX-License-Identifier: GPL-2.0-or-later
# make check: cmocka unit tests and fixture tests (the real binary on fake
# sysfs trees: early/gpupass, static by default, and the dynamic variant),
# then both again built with ASan+UBSan, then a short run of
# each fuzz target (tests/fuzz/fuzz.mk); one summary line.
# make bench: the performance figures of docs/PERFORMANCE.md.

B          = tests/.build
UNITS      = selector config cmdline late log configfiles jsonread bootrec
LIB_SRCS   = $(filter-out early/verbs/main.c,$(SRCS))
SAN_FLAGS  = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
TEST_FLAGS = -std=gnu11 $(WARN) -D_GNU_SOURCE -DVERSION='"$(VERSION)"' -Iearly \
             $(shell $(PKG_CONFIG) --cflags $(LIBS_PC) cmocka) -g -O1
TEST_LIBS  = $(shell $(PKG_CONFIG) --libs libpci cmocka) -ldl

# test_late plays the kernel behind sysfs writes: it wraps root_write().
$(B)/test_late $(B)/asan/test_late: TEST_LIBS += -Wl,--wrap=root_write
# test_log plays /dev/kmsg's ratelimit (10 records per open file): it wraps open/write/close.
$(B)/test_log $(B)/asan/test_log: TEST_LIBS += -Wl,--wrap=open,--wrap=write,--wrap=close
# test_jsonread makes allocations fail in turn: it wraps malloc/realloc/calloc.
$(B)/test_jsonread $(B)/asan/test_jsonread: TEST_LIBS += -Wl,--wrap=malloc,--wrap=realloc,--wrap=calloc
# test_configfiles runs each case with openat2() and as on a kernel without it: it wraps syscall().
$(B)/test_configfiles $(B)/asan/test_configfiles: TEST_LIBS += -Wl,--wrap=syscall

$(B)/mkfakesys: tests/mkfakesys.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(WARN) -O2 -o $@ $<

$(B)/test_%: tests/unit/test_%.c tests/unit/testlog.h $(LIB_SRCS) $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(TEST_FLAGS) -o $@ $< $(LIB_SRCS) $(TEST_LIBS)

$(B)/asan/test_%: tests/unit/test_%.c tests/unit/testlog.h $(LIB_SRCS) $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(TEST_FLAGS) $(SAN_FLAGS) -o $@ $< $(LIB_SRCS) $(TEST_LIBS)

$(B)/asan/gpupass: $(SRCS) $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(TEST_FLAGS) $(SAN_FLAGS) -o $@ $(SRCS) $(TEST_LIBS)

# The dynamic variant (what make STATIC=0 builds: system compiler, libpci
# linked, the rest dlopen()ed), so that make check runs the fixtures with it
# too and it cannot rot while early/gpupass is the static one.
$(B)/dynamic/gpupass: $(SRCS) $(HDRS)
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(WARN) -DVERSION='"$(VERSION)"' -D_GNU_SOURCE $(DYN_CFLAGS) \
		$(DYN_SIZE_CFLAGS) $(DYN_DEFAULT_CFLAGS) -Iearly -o $@ $(SRCS) $(DYN_SIZE_LDFLAGS) $(DYN_LIBS)

check-build: early/gpupass $(B)/mkfakesys $(UNITS:%=$(B)/test_%) \
	     $(UNITS:%=$(B)/asan/test_%) $(B)/asan/gpupass $(B)/dynamic/gpupass fuzz-build

# tests/run-all.sh (make test) runs the same units.
print-units:
	@echo $(UNITS)

check: check-build
	@tests/run-checks.sh $(UNITS)

# README's test command: installs what it needs, then runs everything.
test:
	tests/deps.sh all
	$(MAKE) check-build
	tests/run-all.sh

lint:
	@tests/lint.sh

# The Ansible role's plays on the full-system suite's Debian roots, without
# the boots (tests/system/ansible.sh; make system-test runs them and the
# boots that check what they did).  As root.
test-ansible:
	tests/deps.sh all
	tests/system/run.sh -b install

# The dynamic variant as Debian builds a package too (dpkg-buildflags with
# hardening=+all: -O2, -fstack-protector-strong, _FORTIFY_SOURCE=2, relro,
# now; gcc's default PIE), for its size.
DEB_FLAGS = DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get
$(B)/dynamic-deb/gpupass: $(SRCS) $(HDRS)
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(WARN) -DVERSION='"$(VERSION)"' -D_GNU_SOURCE $(DYN_CFLAGS) \
		$(DYN_SIZE_CFLAGS) $(shell $(DEB_FLAGS) CPPFLAGS) $(shell $(DEB_FLAGS) CFLAGS) \
		-Iearly -o $@ $(SRCS) $(DYN_SIZE_LDFLAGS) $(shell $(DEB_FLAGS) LDFLAGS) $(DYN_LIBS)

# Three parts: plan/lspci, sizes and RSS (bench.sh); the bytes gpupass adds to
# each initramfs flavour (images.sh); the early run at boot against a shell
# loop, in QEMU under the machine's QEMU lock (boot.sh; BENCH_BOOTS=N boots of
# each, 0 skips it).
bench: early/gpupass $(B)/mkfakesys $(B)/dynamic/gpupass $(B)/dynamic-deb/gpupass
	@DYNAMIC=$(B)/dynamic/gpupass DYNAMIC_DEB=$(B)/dynamic-deb/gpupass \
		tests/bench/bench.sh early/gpupass $(B)/mkfakesys
	@tests/bench/images.sh
	@tests/bench/boot.sh

.PHONY: check check-build print-units bench test lint test-ansible

include tests/fuzz/fuzz.mk
