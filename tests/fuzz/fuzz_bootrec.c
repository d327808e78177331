// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The records read back at "gpupass status": each input is parsed both as
 * status.json and as late.json (bootrec_parse_status/_late, what
 * bootrec_load() runs on each file's text), through the JSON reader
 * (base/jsonread.c, instrumented like the rest; fuzz_jsonread.c has it alone).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "policy/bootrec.h"
#include "policy/status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	struct boot_record b;

	if (!text)
		return 0;
	memset(&b, 0, sizeof(b));
	bootrec_parse_status(&b, STATUS_PATH, text);
	bootrec_parse_late(&b, LATE_PATH, text);
	bootrec_free(&b);
	free(text);
	return 0;
}
