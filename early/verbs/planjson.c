// SPDX-License-Identifier: GPL-2.0-or-later
#include "base/json.h"
#include "policy/plan.h"
#include "policy/status.h"
#include "verbs/messages.h"
#include "verbs/planjson.h"

void planjson_rules(struct json *j, const struct config *c, const struct plan *p)
{
	unsigned int i;

	json_array_begin(j, "rules");
	for (i = 0; i < c->nrules; i++) {
		const struct rule *r = &c->rules[i];

		json_object_begin(j, NULL);
		messages_json_rule(j, r);
		json_string(j, "kind", rule_kind_name(r->kind));
		json_string(j, "target", r->kind == RULE_MDEV ? NULL : r->driver);
		if (p && r->kind == RULE_CLAIM)
			json_int(j, "matched", p->matches[i]);
		json_object_end(j);
	}
	json_array_end(j);
}

static void action_json(struct json *j, const struct action *a)
{
	json_object_begin(j, NULL);
	json_string(j, "action", action_kind_name(a->kind));
	status_json_ids(j, &a->dev);
	json_int(j, "iommu_group", a->dev.group);
	json_bool(j, "boot_display", a->dev.boot_vga);
	json_string(j, "driver", *a->dev.driver ? a->dev.driver : NULL);
	json_string(j, "target",
		    a->kind == ACT_CLAIM || a->kind == ACT_KEEP ? a->rule->driver : NULL);
	messages_json_rule(j, a->rule);
	json_bool(j, "companion", a->companion);
	json_string(j, "reason", a->reason);
	json_object_end(j);
}

static void issues_json(struct json *j, const struct plan *p)
{
	unsigned int i;

	json_array_begin(j, "group_issues");
	for (i = 0; p && i < p->nissues; i++) {
		const struct group_issue *g = &p->issues[i];

		json_object_begin(j, NULL);
		json_int(j, "iommu_group", g->group);
		json_string(j, "address", g->member.name);
		json_string(j, "driver", *g->member.driver ? g->member.driver : NULL);
		messages_json_rule(j, g->rule);
		json_object_end(j);
	}
	json_array_end(j);
}

void planjson_print(FILE *f, const struct config *c, const struct plan *p)
{
	struct json j;
	unsigned int i;

	json_init(&j, f);
	json_object_begin(&j, NULL);
	json_int(&j, "format", 1);
	json_bool(&j, "disabled", c->disabled);
	json_string(&j, "disabled_by", c->disabled ? c->disabled_by : NULL);
	json_int(&j, "config_errors", c->errors);
	json_bool(&j, "iommu", p ? p->iommu : false);
	planjson_rules(&j, c, p);
	json_array_begin(&j, "actions");
	for (i = 0; p && i < p->n; i++)
		action_json(&j, &p->acts[i]);
	json_array_end(&j);
	issues_json(&j, p);
	json_int(&j, "problems", p ? p->problems : 0);
	messages_json(&j);
	json_object_end(&j);
}
