/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plan --json and check --json: the documents CI annotates (gpupass(8), JSON). */
#ifndef GPUPASS_PLANJSON_H
#define GPUPASS_PLANJSON_H

#include <stdio.h>

struct json;
struct config;
struct plan;

/* The config's rules: [{rule, file, line, kind, target[, matched]}]; @p may be NULL. */
void planjson_rules(struct json *j, const struct config *c, const struct plan *p);
/* The whole plan --json document to @f; @p is NULL when nothing was planned. */
void planjson_print(FILE *f, const struct config *c, const struct plan *p);

#endif
