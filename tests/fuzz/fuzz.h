/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the libFuzzer targets share (fuzz.c): each fuzz_TARGET.c defines
 * LLVMFuzzerTestOneInput() over one parser of early/; see tests/fuzz/run.sh.
 */
#ifndef GPUPASS_FUZZ_H
#define GPUPASS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * @data as a C string in a buffer of exactly @size + 1 bytes, so that ASan
 * sees any read past its NUL; the parsers that take text stop at an embedded
 * NUL as they would at the end.  NULL when out of memory.
 */
char *fuzz_string(const uint8_t *data, size_t size);

/* A property of the parser's result does not hold: abort, which libFuzzer reports as a crash. */
void fuzz_fail(const char *what);

#endif
