// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/uuid.h"
#include "policy/config.h"

#define WORDS_MAX 64
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Where a line came from, and how many errors its file has had. */
struct line_ctx {
	struct config *c;
	const char *file;
	unsigned int line;
	unsigned int *file_errors;
};

static void line_error(struct line_ctx *lc, const char *fmt, ...) GP_PRINTF(2, 3);

static void line_error(struct line_ctx *lc, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ERR("%s:%u: %s, skipping line", lc->file, lc->line, msg);
	lc->c->errors++;
	(*lc->file_errors)++;
}

void config_init(struct config *c)
{
	memset(c, 0, sizeof(*c));
	sha256_init(&c->hash);
}

void config_free(struct config *c)
{
	unsigned int i;

	for (i = 0; i < c->nrules; i++)
		free(c->rules[i].sel);
	for (i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->rules);
	free(c->skip);
	free(c->files);
	config_files_free(c);
	memset(c, 0, sizeof(*c));
}

struct rule *config_add_rule(struct config *c, enum rule_kind kind, const char *file,
			     unsigned int line)
{
	struct rule *r;

	if (c->nrules >= CONFIG_RULES_MAX)
		return NULL;
	if (c->nrules % 16 == 0) {
		struct rule *n = realloc(c->rules, (c->nrules + 16) * sizeof(*n));

		if (!n)
			return NULL;
		c->rules = n;
	}
	r = &c->rules[c->nrules++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->file = file;
	r->line = line;
	strcpy(r->driver, DEFAULT_DRIVER);
	return r;
}

int rule_add_selector(struct rule *r, const struct selector *s)
{
	struct selector *n;

	if (r->nsel >= CONFIG_SELECTORS_MAX)
		return -E2BIG;
	n = realloc(r->sel, (r->nsel + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	r->sel = n;
	r->sel[r->nsel++] = *s;
	return 0;
}

/* Exactly four hex digits, a colon, four hex digits. */
static int parse_id_pair(const char *s, uint16_t *vendor, uint16_t *device)
{
	unsigned int v, d;
	char tail;

	if (strlen(s) != 9 || s[4] != ':' || strspn(s, "0123456789abcdefABCDEF:") != 9 ||
	    sscanf(s, "%4x:%4x%c", &v, &d, &tail) != 2)
		return -EINVAL;
	*vendor = v;
	*device = d;
	return 0;
}

static int parse_driver(struct line_ctx *lc, struct rule *r, const char *val)
{
	if (!driver_name_valid(val)) {
		line_error(lc, "bad driver name '%s' (letters, digits, '_' and '-' only)", val);
		return -EINVAL;
	}
	strcpy(r->driver, val);
	return 0;
}

static int parse_with(struct line_ctx *lc, struct rule *r, const char *val)
{
	enum with_mode w;

	for (w = WITH_NONE; w <= WITH_GROUP; w++)
		if (!strcmp(val, with_mode_name(w))) {
			r->with = w;
			return 0;
		}
	line_error(lc, "bad value '%s' for with= (expected none, functions or group)", val);
	return -EINVAL;
}

/* A claim option: a flag, or a key ending in '=' that takes a value. */
static const char *const claim_keys[] = {
	"driver=",	   "with=",	    "expect=",
	"allow-boot-vga",  "allow-storage", "allow-unresolved-storage",
	"allow-any-class", "optional",
};
enum {
	OPT_DRIVER,
	OPT_WITH,
	OPT_EXPECT,
	OPT_BOOT_VGA,
	OPT_STORAGE,
	OPT_UNRESOLVED_STORAGE,
	OPT_ANY_CLASS,
	OPT_OPTIONAL
};

static int option_index(const char *const *keys, int n, const char *word)
{
	int k;

	for (k = 0; k < n; k++) {
		size_t len = strlen(keys[k]);

		if (keys[k][len - 1] == '=' ? !strncmp(word, keys[k], len) : !strcmp(word, keys[k]))
			return k;
	}
	return -1;
}

/* Each option once a line: the second would silently override the first. */
static int once(struct line_ctx *lc, const char **first, const char *key, const char *word)
{
	if (*first && strcmp(*first, word)) {
		line_error(lc, "option '%s' given twice ('%s', then '%s'); give it once", key,
			   *first, word);
		return -EINVAL;
	}
	if (*first) {
		line_error(lc, "option '%s' given twice; give it once", word);
		return -EINVAL;
	}
	*first = word;
	return 0;
}

/* VVVV:DDDD, or VVVV:DDDD:SSSS:ssss with the subsystem IDs (as Proxmox's PCI mappings pin them). */
static int parse_expect(struct line_ctx *lc, struct rule *r, const char *val)
{
	char pair[10];
	size_t len = strlen(val);

	snprintf(pair, sizeof(pair), "%s", val);
	if (parse_id_pair(pair, &r->expect_vendor, &r->expect_device) < 0 ||
	    (len != 9 &&
	     (len != 19 || val[9] != ':' ||
	      parse_id_pair(val + 10, &r->expect_subvendor, &r->expect_subdevice) < 0))) {
		line_error(
		    lc,
		    "bad value '%s' for expect= (expected VVVV:DDDD, or VVVV:DDDD:SSSS:ssss with the subsystem IDs; see lspci -nnv)",
		    val);
		return -EINVAL;
	}
	r->expect_subsys = len == 19;
	r->has_expect = true;
	return 0;
}

static int claim_option(struct line_ctx *lc, struct rule *r, const char *word, const char **seen)
{
	int k = option_index(claim_keys, ARRAY_SIZE(claim_keys), word);
	const char *val = strchr(word, '=') ? strchr(word, '=') + 1 : NULL;

	if (k < 0) {
		line_error(
		    lc,
		    "unknown option '%s' for claim (options: driver= with= expect= allow-boot-vga allow-storage allow-unresolved-storage allow-any-class optional)",
		    word);
		return -EINVAL;
	}
	if (once(lc, &seen[k], claim_keys[k], word) < 0)
		return -EINVAL;
	switch (k) {
	case OPT_DRIVER:
		return parse_driver(lc, r, val);
	case OPT_WITH:
		return parse_with(lc, r, val);
	case OPT_EXPECT:
		return parse_expect(lc, r, val);
	case OPT_BOOT_VGA:
		r->allow_boot_vga = true;
		break;
	case OPT_STORAGE:
		r->allow_storage = true;
		break;
	case OPT_UNRESOLVED_STORAGE:
		r->allow_unresolved_storage = r->allow_storage = true;
		break;
	case OPT_ANY_CLASS:
		r->allow_any_class = true;
		break;
	default:
		r->optional = true;
	}
	return 0;
}

static int claim_selector(struct line_ctx *lc, struct rule *r, const char *word)
{
	struct selector s;
	const char *why = NULL;
	int err;

	if (selector_parse(word, &s, &why) < 0) {
		line_error(lc, "bad selector '%s': %s", word, why);
		return -EINVAL;
	}
	err = rule_add_selector(r, &s);
	if (err == -E2BIG)
		line_error(lc, "more than %d selectors in one rule", CONFIG_SELECTORS_MAX);
	return err;
}

/*
 * A selector that names no kind of device (a vendor alone, a whole bus, every
 * device) would take whatever else it matches, the host's network, USB and
 * storage controllers among them: only with allow-any-class.
 */
static int check_breadth(struct line_ctx *lc, const struct rule *r)
{
	unsigned int i;

	for (i = 0; i < r->nsel && !r->allow_any_class; i++) {
		const char *what = selector_breadth(&r->sel[i]);

		if (!what)
			continue;
		line_error(
		    lc,
		    "selector '%s' %s: it would take the host's network, USB and storage controllers too; name the devices (vendor:device, vendor::class or bus:slot.func), or add allow-any-class to claim them all",
		    r->sel[i].text, what);
		return -EINVAL;
	}
	return 0;
}

static int parse_claim(struct line_ctx *lc, struct rule *r, char **w, int n)
{
	const char *seen[ARRAY_SIZE(claim_keys)] = { NULL };
	int i, err;

	for (i = 1; i < n; i++) {
		/* Options are words or key=value; selectors always hold ':' or '.'. */
		bool option = strchr(w[i], '=') || !strpbrk(w[i], ":.");

		err = option ? claim_option(lc, r, w[i], seen) : claim_selector(lc, r, w[i]);
		if (err < 0)
			return err;
	}
	if (r->nsel == 0) {
		line_error(lc,
			   "claim needs at least one selector (vendor:device or bus:slot.func)");
		return -EINVAL;
	}
	return check_breadth(lc, r);
}

static int parse_addr_word(struct line_ctx *lc, const char *what, const char *word,
			   struct pci_addr *out)
{
	if (pci_addr_parse(word, out) < 0) {
		line_error(
		    lc, "bad %s address '%s' (expected [domain:]bus:slot.func, e.g. 0000:00:02.0)",
		    what, word);
		return -EINVAL;
	}
	return 0;
}

static bool mdev_type_valid(const char *s)
{
	size_t n = strlen(s);

	/* A type is one directory name under mdev_supported_types/. */
	return n > 0 && n < MDEV_TYPE_MAX && strcmp(s, ".") && strcmp(s, "..") &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:") == n;
}

static int parse_mdev(struct line_ctx *lc, struct rule *r, char **w, int n)
{
	const char *start = NULL;
	int i;

	if (n < 4) {
		line_error(lc, "mdev needs PARENT TYPE UUID");
		return -EINVAL;
	}
	if (parse_addr_word(lc, "parent", w[1], &r->parent) < 0)
		return -EINVAL;
	if (!mdev_type_valid(w[2])) {
		line_error(
		    lc,
		    "bad mdev type '%s' (a name from mdev_supported_types, e.g. i915-GVTg_V5_4)",
		    w[2]);
		return -EINVAL;
	}
	if (!uuid_valid(w[3])) {
		line_error(lc, "bad UUID '%s' (expected 8-4-4-4-12 hex digits, see uuidgen)", w[3]);
		return -EINVAL;
	}
	strcpy(r->mdev_type, w[2]);
	for (i = 0; i < 36; i++)
		r->uuid[i] = w[3][i] >= 'A' && w[3][i] <= 'F' ? w[3][i] + 32 : w[3][i];
	for (i = 4; i < n; i++) {
		if (!strcmp(w[i], "start=auto") || !strcmp(w[i], "start=manual")) {
			if (once(lc, &start, "start=", w[i]) < 0)
				return -EINVAL;
			r->start_manual = !strcmp(w[i], "start=manual");
			continue;
		}
		line_error(lc, "unknown option '%s' for mdev (expected start=auto or start=manual)",
			   w[i]);
		return -EINVAL;
	}
	return 0;
}

static int parse_vfs(struct line_ctx *lc, struct rule *r, const char *val)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(val, &end, 10);
	if (errno || !*val || *end || val[0] == '-' || v > CONFIG_VFS_MAX) {
		line_error(lc, "bad value '%s' for vfs= (expected 0..%d)", val, CONFIG_VFS_MAX);
		return -EINVAL;
	}
	r->vfs = v;
	return 0;
}

static int parse_sriov(struct line_ctx *lc, struct rule *r, char **w, int n)
{
	const char *vfs = NULL, *driver = NULL;
	int i;

	if (n < 2 || parse_addr_word(lc, "physical function", w[1], &r->parent) < 0) {
		if (n < 2)
			line_error(lc, "sriov needs PF vfs=N");
		return -EINVAL;
	}
	for (i = 2; i < n; i++) {
		int err;

		if (!strncmp(w[i], "vfs=", 4)) {
			err = once(lc, &vfs, "vfs=", w[i]);
			if (err >= 0)
				err = parse_vfs(lc, r, w[i] + 4);
		} else if (!strncmp(w[i], "driver=", 7)) {
			err = once(lc, &driver, "driver=", w[i]);
			if (err >= 0)
				err = parse_driver(lc, r, w[i] + 7);
		} else {
			line_error(lc, "unknown option '%s' for sriov", w[i]);
			err = -EINVAL;
		}
		if (err < 0)
			return err;
	}
	if (!vfs) {
		line_error(lc, "sriov needs vfs=N");
		return -EINVAL;
	}
	return 0;
}

/* Split at blanks; '#' at the start of a word ends the line.  Returns word count or -E2BIG. */
static int split_words(char *s, char **w)
{
	int n = 0;

	for (;;) {
		s += strspn(s, " \t");
		if (!*s || *s == '#')
			return n;
		if (n == WORDS_MAX)
			return -E2BIG;
		w[n++] = s;
		s += strcspn(s, " \t");
		if (*s)
			*s++ = '\0';
	}
}

static int parse_line(struct line_ctx *lc, char *text)
{
	static const char *const kinds[] = { "claim", "mdev", "sriov" };
	char *w[WORDS_MAX];
	struct rule *r;
	int n, k, err;

	n = split_words(text, w);
	if (n == 0)
		return 0;
	if (n < 0) {
		line_error(lc, "more than %d words", WORDS_MAX);
		return 0;
	}
	for (k = 0; k < 3 && strcmp(w[0], kinds[k]); k++)
		;
	if (k == 3) {
		line_error(lc, "unknown directive '%s' (expected claim, mdev or sriov)", w[0]);
		return 0;
	}
	r = config_add_rule(lc->c, k, lc->file, lc->line);
	if (!r)
		return lc->c->nrules >= CONFIG_RULES_MAX ? -E2BIG : -ENOMEM;
	err = k == RULE_CLAIM  ? parse_claim(lc, r, w, n)
	      : k == RULE_MDEV ? parse_mdev(lc, r, w, n)
			       : parse_sriov(lc, r, w, n);
	if (err < 0) {
		free(r->sel);
		lc->c->nrules--;
	}
	return err == -ENOMEM ? err : 0;
}

/* A config line is text: tabs are the only control bytes allowed. */
static int first_binary_byte(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char ch = s[i];

		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return ch;
	}
	return -1;
}

static int check_and_parse_line(struct line_ctx *lc, const char *s, size_t len)
{
	char text[CONFIG_LINE_MAX + 1];
	int bad;

	if (len > 0 && s[len - 1] == '\r') /* CRLF files from other systems */
		len--;
	if (len > CONFIG_LINE_MAX) {
		line_error(lc, "line longer than %d bytes", CONFIG_LINE_MAX);
		return 0;
	}
	bad = first_binary_byte(s, len);
	if (bad >= 0) {
		line_error(lc, "binary byte 0x%02x in a text line", bad);
		return 0;
	}
	memcpy(text, s, len);
	text[len] = '\0';
	return parse_line(lc, text);
}

static const char *remember_file(struct config *c, const char *file)
{
	char **n, *dup;

	if (c->nfiles && !strcmp(c->files[c->nfiles - 1], file))
		return c->files[c->nfiles - 1];
	dup = strdup(file);
	n = realloc(c->files, (c->nfiles + 1) * sizeof(*n));
	if (!dup || !n) {
		free(dup);
		if (n)
			c->files = n;
		return NULL;
	}
	c->files = n;
	c->files[c->nfiles++] = dup;
	return dup;
}

int config_parse_buffer(struct config *c, const char *file, const char *buf, size_t len)
{
	unsigned int file_errors = 0;
	struct line_ctx lc = { c, NULL, 0, &file_errors };
	const char *p = buf, *end = buf + len;

	lc.file = remember_file(c, file);
	if (!lc.file)
		return -ENOMEM;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		int err;

		lc.line++;
		err = check_and_parse_line(&lc, p, n);
		if (err == -E2BIG) {
			ERR("%s:%u: more than %d rules, ignoring this line and the rest", file,
			    lc.line, CONFIG_RULES_MAX);
			c->errors++;
			return 0;
		}
		if (err < 0)
			return err;
		if (file_errors >= CONFIG_ERRORS_PER_FILE && nl && nl + 1 < end) {
			ERR("%s: too many errors, ignoring the rest of the file (is it a config file?)",
			    file);
			return 0;
		}
		p = n == (size_t)(end - p) ? end : nl + 1;
	}
	return 0;
}

static void drop_rule(struct config *c, unsigned int i)
{
	free(c->rules[i].sel);
	memmove(&c->rules[i], &c->rules[i + 1], (c->nrules - i - 1) * sizeof(*c->rules));
	c->nrules--;
}

/* The earlier line @r repeats, or NULL: one mdev per UUID, one sriov line per PF. */
static const struct rule *repeats(const struct config *c, const struct rule *r)
{
	const struct rule *o;

	for (o = c->rules; o < r; o++) {
		if (o->kind != r->kind)
			continue;
		if (r->kind == RULE_MDEV && !strcmp(o->uuid, r->uuid))
			return o;
		if (r->kind == RULE_SRIOV && pci_addr_eq(&o->parent, &r->parent))
			return o;
	}
	return NULL;
}

static void report_repeat(const struct rule *r, const struct rule *first)
{
	char where[300], other[300], addr[PCI_ADDR_LEN];

	rule_origin(r, where, sizeof(where));
	rule_origin(first, other, sizeof(other));
	if (r->kind == RULE_MDEV)
		ERR("%s: mdev UUID %s is already used by the mdev line at %s; ignoring this line, the first applies (give each mdev its own UUID, see uuidgen)",
		    where, r->uuid, other);
	else
		ERR("%s: a second sriov line for %s (the first, at %s, says vfs=%u); ignoring this line, the first applies (keep one sriov line per physical function)",
		    where, pci_addr_str(&r->parent, addr), other, first->vfs);
}

/* gpupass.claim= has no options: a selector that names no kind of device is dropped. */
static void check_cmdline_breadth(struct config *c, unsigned int i)
{
	struct rule *r = &c->rules[i];
	unsigned int k = 0;

	while (k < r->nsel) {
		const char *what = selector_breadth(&r->sel[k]);

		if (!what) {
			k++;
			continue;
		}
		ERR("kernel command line: gpupass.claim= selector '%s' %s; ignoring it (name the devices, or claim them in /etc/gpupass.conf with allow-any-class)",
		    r->sel[k].text, what);
		c->errors++;
		memmove(&r->sel[k], &r->sel[k + 1], (r->nsel - k - 1) * sizeof(*r->sel));
		r->nsel--;
	}
}

void config_validate(struct config *c)
{
	unsigned int i = 0;

	while (i < c->nrules) {
		struct rule *r = &c->rules[i];
		const struct rule *first;

		if (r->kind == RULE_CLAIM && !r->file)
			check_cmdline_breadth(c, i);
		first = r->kind == RULE_CLAIM ? NULL : repeats(c, r);
		if (first) {
			report_repeat(r, first);
			c->errors++;
		}
		if (first || (r->kind == RULE_CLAIM && r->nsel == 0))
			drop_rule(c, i);
		else
			i++;
	}
}
