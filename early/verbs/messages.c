// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Where a message points is read back from its text, which every gpupass
 * message already starts or ends with (STYLE: "file:line", "device address"):
 * "FILE:LINE: ..." from the config parser, "(the) rule(s) at FILE:LINE" from
 * the guards, and the first PCI address it names.  Parsing our own words is
 * cheaper and safer than threading a location through every ERR() call, and
 * the fixtures pin the words.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "base/json.h"
#include "base/log.h"
#include "pci/pciaddr.h"
#include "policy/config.h"
#include "verbs/messages.h"

struct message {
	int prio;
	char *text;
};

static struct message *msgs;
static unsigned int nmsgs, dropped;

static void keep(int prio, const char *msg, void *arg)
{
	if (!msgs)
		msgs = calloc(MESSAGES_MAX, sizeof(*msgs));
	if (!msgs || nmsgs >= MESSAGES_MAX) {
		dropped++;
		return;
	}
	msgs[nmsgs].prio = prio;
	msgs[nmsgs].text = strdup(msg);
	nmsgs += msgs[nmsgs].text != NULL;
}

static void messages_free(void)
{
	while (nmsgs)
		free(msgs[--nmsgs].text);
	free(msgs);
	msgs = NULL;
	dropped = 0;
}

void messages_collect(void)
{
	static bool registered;

	/* A verb that fails before its document still frees what it kept. */
	if (!registered)
		registered = atexit(messages_free) == 0;
	log_set_sink(keep, NULL);
}

static const char *severity(int prio)
{
	if (prio <= LOG_ERR)
		return "error";
	if (prio == LOG_WARNING)
		return "warning";
	if (prio == LOG_NOTICE)
		return "notice";
	return prio == LOG_INFO ? "info" : "debug";
}

/* "FILE:LINE" at @s (FILE absolute): its length into *@flen, LINE into *@line; false if not. */
static bool file_line(const char *s, size_t *flen, unsigned long *line)
{
	const char *colon = s;
	char *end;

	if (*s != '/')
		return false;
	while ((colon = strchr(colon + 1, ':'))) {
		if (!isdigit((unsigned char)colon[1]) || memchr(s, ' ', colon - s))
			continue;
		*line = strtoul(colon + 1, &end, 10);
		if (*end == ':' || *end == ' ' || *end == ')' || *end == ',' || *end == ';' ||
		    !*end) {
			*flen = colon - s;
			return true;
		}
	}
	return false;
}

/* The config line a message is about: its own prefix, or the rule it names. */
static void json_location(struct json *j, const char *text)
{
	static const char *const marks[] = { "rule at ", "rules at " };
	const char *at = text;
	unsigned long line = 0;
	size_t flen = 0, i;
	char file[4096];

	if (!file_line(text, &flen, &line)) {
		at = NULL;
		for (i = 0; i < sizeof(marks) / sizeof(marks[0]) && !at; i++) {
			at = strstr(text, marks[i]);
			at = at ? at + strlen(marks[i]) : NULL;
			if (at && !file_line(at, &flen, &line))
				at = NULL;
		}
	}
	/* "FILE: ..." about a whole file (cannot read, too many errors): no line. */
	if (!at && text[0] == '/' && (at = strstr(text, ": ")) && !memchr(text, ' ', at - text)) {
		flen = at - text;
		at = text;
		line = 0;
	}
	if (!at || flen >= sizeof(file)) {
		json_string(j, "file", NULL);
		json_string(j, "line", NULL);
		return;
	}
	memcpy(file, at, flen);
	file[flen] = '\0';
	json_string(j, "file", file);
	if (line)
		json_int(j, "line", line);
	else
		json_string(j, "line", NULL);
}

/* The first word of @text that is a PCI address, canonical, or NULL. */
static const char *first_address(const char *text, char *buf)
{
	struct pci_addr a;
	char word[32];
	size_t i, n;

	for (i = 0; text[i]; i++) {
		if (!isxdigit((unsigned char)text[i]) || (i && isalnum((unsigned char)text[i - 1])))
			continue;
		n = strspn(text + i, "0123456789abcdefABCDEF:.");
		if (n < 7 || n >= sizeof(word))
			continue;
		memcpy(word, text + i, n);
		while (n && (word[n - 1] == '.' || word[n - 1] == ':'))
			n--;
		word[n] = '\0';
		if (strchr(word, ':') != strrchr(word, ':') && pci_addr_parse(word, &a) == 0)
			return pci_addr_str(&a, buf);
	}
	return NULL;
}

void messages_json(struct json *j)
{
	char addr[PCI_ADDR_LEN];
	unsigned int i;

	log_set_sink(NULL, NULL);
	json_array_begin(j, "messages");
	for (i = 0; i < nmsgs; i++) {
		json_object_begin(j, NULL);
		json_string(j, "severity", severity(msgs[i].prio));
		json_string(j, "message", msgs[i].text);
		json_location(j, msgs[i].text);
		json_string(j, "address", first_address(msgs[i].text, addr));
		json_object_end(j);
	}
	json_array_end(j);
	if (dropped)
		json_int(j, "messages_dropped", dropped);
	messages_free();
}

void messages_json_rule(struct json *j, const struct rule *r)
{
	char origin[300];

	json_string(j, "rule", rule_origin(r, origin, sizeof(origin)));
	json_string(j, "file", r->file);
	if (r->file)
		json_int(j, "line", r->line);
	else
		json_string(j, "line", NULL);
}
