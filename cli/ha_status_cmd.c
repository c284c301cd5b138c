/*
 * "clusterctl ha status" and "clusterctl ha rules": what the CRM decided
 * (ha/manager_status, parsed with haagent/ha_status.c) and the rules in
 * force (ha/rules.cfg, parsed with haagent/ha_config.c, bad lines named).
 */
#include "config.h"

#include "ha_cli.h"
#include "ha_config.h"
#include "ha_status.h"
#include "macro.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int no_args(struct cli_ctx *ctx, int argc, char **argv, const char *help)
{
	const struct cli_optspec spec = {.help = help};
	_cleanup_free_ char **pos = calloc(argc + 1, sizeof(*pos));
	char cmd[32];
	int npos, e;

	if (!pos)
		return CLI_EXIT_FAILED;
	e = cli_parse_all(ctx, argc, argv, &spec, pos, &npos);
	if (e == CLI_HANDLED)
		return CLI_HANDLED;
	snprintf(cmd, sizeof(cmd), "ha %s", argv[0]);
	if (e < 0 ||
	    cli_check_args(ctx, cmd, pos, npos, NULL, 0, 0) != CLI_PARSED)
		return CLI_EXIT_USAGE;
	return CLI_PARSED;
}

static void status_text(struct cli_ctx *ctx, const struct ha_status *st)
{
	fprintf(ctx->out, "%-10s %-12s %-8s %-8s %s\n", "SID", "STATE", "NODE",
		"TARGET", "REQ");
	for (size_t i = 0; i < st->n_svc; i++) {
		const struct ha_svc_status *s = &st->svc[i];

		fprintf(ctx->out, "%-10s %-12s %-8s %-8s %llu\n", s->sid,
			ha_svc_state_str(s->state), s->node,
			s->target[0] ? s->target : "-",
			(unsigned long long)s->req);
	}
	fprintf(ctx->out, "\n%-8s %-12s %s\n", "NODE", "STATE", "MAINTENANCE");
	for (size_t i = 0; i < st->n_node; i++)
		fprintf(ctx->out, "%-8s %-12s %s\n", st->node[i].name,
			ha_node_state_str(st->node[i].state),
			st->node[i].maint ? "yes" : "no");
}

int ha_status_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ struct ha_status *st = calloc(1, sizeof(*st));
	uint64_t version;
	int r = no_args(ctx, argc, argv, ha_help_status);

	if (r != CLI_PARSED)
		return r == CLI_HANDLED ? CLI_EXIT_OK : r;
	if (!st)
		return CLI_EXIT_FAILED;
	r = ha_tree_read(ctx, HA_STATUS, &text, &version);
	if (r)
		return r;
	if (!version)
		return cli_fail(ctx, "ha status", ENOENT, "no HA status yet",
				"no CRM has run: is haagent running?");
	if (ha_status_from_json(text, st) < 0)
		return cli_fail(ctx, HA_STATUS, EINVAL, "invalid", NULL);
	if (ctx->output == CLI_OUTPUT_JSON) {
		json_object *o = json_tokener_parse(text);

		return o ? cli_json_print(ctx, o) : CLI_EXIT_FAILED;
	}
	status_text(ctx, st);
	return CLI_EXIT_OK;
}

static void report(void *userdata, const char *file, unsigned line,
		   const char *reason)
{
	fprintf(((struct cli_ctx *)userdata)->err, "%s:%u: %s\n", file, line,
		reason);
}

static json_object *rule_json(const struct ha_rule *r)
{
	json_object *o = json_object_new_object(), *res, *nodes;

	json_object_object_add(o, "name", json_object_new_string(r->name));
	json_object_object_add(
	    o, "kind",
	    json_object_new_string(r->kind == HA_RULE_NODE_AFFINITY
				       ? "node-affinity"
				       : "resource-affinity"));
	res = json_object_new_array();
	for (size_t i = 0; i < r->n_resources; i++)
		json_object_array_add(res,
				      json_object_new_string(r->resources[i]));
	json_object_object_add(o, "resources", res);
	if (r->kind == HA_RULE_NODE_AFFINITY) {
		nodes = json_object_new_object();
		for (size_t i = 0; i < r->n_nodes; i++)
			json_object_object_add(nodes, r->nodes[i],
					       json_object_new_int(r->prio[i]));
		json_object_object_add(o, "nodes", nodes);
		json_object_object_add(o, "strict",
				       json_object_new_boolean(r->strict));
	} else
		json_object_object_add(
		    o, "affinity",
		    json_object_new_string(r->together ? "positive"
						       : "negative"));
	return o;
}

int ha_rules_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ struct ha_config *cfg = calloc(1, sizeof(*cfg));
	struct ha_cfg_src src = {
	    .file = HA_RULES, .report = report, .userdata = ctx};
	json_object *arr;
	uint64_t version;
	int r = no_args(ctx, argc, argv, ha_help_rules);

	if (r != CLI_PARSED)
		return r == CLI_HANDLED ? CLI_EXIT_OK : r;
	if (!cfg)
		return CLI_EXIT_FAILED;
	r = ha_tree_read(ctx, HA_RULES, &text, &version);
	if (r)
		return r;
	ha_config_init(cfg);
	ha_config_parse_rules(cfg, text, &src);
	if (ctx->output != CLI_OUTPUT_JSON) {
		fputs(text, ctx->out);
		return CLI_EXIT_OK;
	}
	arr = json_object_new_array();
	for (size_t i = 0; i < cfg->n_rules; i++)
		json_object_array_add(arr, rule_json(&cfg->rules[i]));
	return cli_json_print(ctx, arr);
}
