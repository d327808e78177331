/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The messages of one run, kept for verbs that report as JSON (check --json,
 * plan --json): each record written to stderr is also kept, with its
 * severity, and the file:line and PCI address it names, so CI can annotate
 * the line of the config a message is about.
 */
#ifndef GPUPASS_MESSAGES_H
#define GPUPASS_MESSAGES_H

/* Keep at most this many messages; the rest are counted ("messages_dropped"). */
#define MESSAGES_MAX 1024

struct json;
struct rule;

/* Start keeping the messages logged from now on. */
void messages_collect(void);
/*
 * The "messages" array: {severity, message, file, line, address}, and
 * "messages_dropped" when some were not kept.  Stops collecting and frees them.
 */
void messages_json(struct json *j);
/* A rule reference: "rule" (its origin), "file" and "line" (null on the kernel command line). */
void messages_json_rule(struct json *j, const struct rule *r);

#endif
