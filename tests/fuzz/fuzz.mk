# SPDX-License-Identifier: GPL-2.0-or-later
# libFuzzer targets, one per parser of early/ (tests/fuzz/fuzz_TARGET.c, seeds
# in tests/fuzz/corpus/TARGET/), built with clang and ASan+UBSan.
# make fuzz: each target FUZZ_SECONDS, one after the other (tests/fuzz/run.sh;
# FUZZ_TARGETS="config cmdline" runs only those);
# make check: each target a few seconds on its seeds, so the harnesses cannot rot;
# make fuzz-seeds: rebuild the seed corpora from the fixtures (tests/fuzz/seeds.sh).

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TARGETS  = $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
# clang's -Wformat=2 also flags the vsnprintf(fmt, ap) of printf-like helpers, which gcc accepts.
FUZZ_FLAGS    = -std=gnu11 $(WARN) -Wno-format-nonliteral -D_GNU_SOURCE -DVERSION='"$(VERSION)"' \
		-Iearly $(shell $(PKG_CONFIG) --cflags $(LIBS_PC)) -g -O1 $(SAN_FLAGS)
# The code under test carries libFuzzer's coverage counters; the harness links its runtime.
FUZZ_OBJS     = $(LIB_SRCS:early/%.c=$(B)/fuzz/obj/%.o) $(B)/fuzz/obj/fuzz.o

$(filter-out %/fuzz.o,$(FUZZ_OBJS)): $(B)/fuzz/obj/%.o: early/%.c $(HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(B)/fuzz/obj/fuzz.o: tests/fuzz/fuzz.c tests/fuzz/fuzz.h early/base/log.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -c -o $@ $<

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) \
		$(shell $(PKG_CONFIG) --libs libpci) -ldl

fuzz-build: $(FUZZ_TARGETS:%=$(B)/fuzz/fuzz_%)

fuzz: fuzz-build
	@tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-seeds: early/gpupass $(B)/mkfakesys
	tests/fuzz/seeds.sh early/gpupass $(B)/mkfakesys

.PHONY: fuzz fuzz-build fuzz-seeds
