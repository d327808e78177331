// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>

#include "base/uuid.h"

bool uuid_valid(const char *s)
{
	int i;

	if (strlen(s) != UUID_STR_LEN - 1)
		return false;
	for (i = 0; i < UUID_STR_LEN - 1; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !strchr("0123456789abcdefABCDEF", s[i]))
			return false;
	}
	return true;
}

void uuid_lower(const char *s, char out[UUID_STR_LEN])
{
	int i;

	for (i = 0; i < UUID_STR_LEN - 1 && s[i]; i++)
		out[i] = s[i] >= 'A' && s[i] <= 'F' ? s[i] + 32 : s[i];
	out[i] = '\0';
}
