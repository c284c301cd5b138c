/*
 * "clusterctl ha ...": the HA commands (docs/ha.md).
 *
 *   add SID [KEY=VALUE...]       a line in ha/resources.cfg
 *   set SID KEY=VALUE...         change keys of that line
 *   remove SID                   drop it (the guest is no longer managed)
 *   status, rules                ha_status_cmd.c
 *   migrate|relocate SID NODE    queued for the active CRM (ha/commands/)
 *   maintenance enable|disable NODE
 *   simulate FILE                ha_simulate_cmd.c
 *
 * Edits of resources.cfg are validated with the same line parser haagent
 * uses (haagent/ha_config.c), then written with compare-and-swap: a
 * concurrent edit is re-read and the change applied again.
 */
#include "config.h"

#include "ha_cli.h"
#include "ha_config.h"
#include "macro.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORDS_MAX 32
#define RETRIES	  5

enum edit { EDIT_ADD, EDIT_SET, EDIT_REMOVE };

/* The SID of a resources.cfg line, or "" (comment, blank). */
static void line_sid(const char *line, char *sid, size_t len)
{
	size_t n;

	line += strspn(line, " \t");
	n = strcspn(line, " \t\n");
	if (*line == '#' || n >= len)
		n = 0;
	memcpy(sid, line, n);
	sid[n] = '\0';
}

/* KEY=VALUE words of OLD (after the SID) with NEWW's keys replaced. */
static int merge(const char *sid, const char *old, char **neww, int n,
		 char *out, size_t len)
{
	char buf[1024], *w[WORDS_MAX];
	int k = old ? ha_split_words(old, buf, sizeof(buf), w, WORDS_MAX) : 0;
	size_t used = (size_t)snprintf(out, len, "%s", sid);

	if (k < 0)
		return k;
	for (int i = 1; i < k; i++) {
		size_t kl = strcspn(w[i], "=");
		bool replaced = false;

		for (int j = 0; j < n; j++)
			replaced |= strncmp(neww[j], w[i], kl + 1) == 0;
		if (!replaced)
			used += (size_t)snprintf(out + used, len - used, " %s",
						 w[i]);
	}
	for (int j = 0; j < n && used < len; j++)
		used +=
		    (size_t)snprintf(out + used, len - used, " %s", neww[j]);
	return used < len ? 0 : -E2BIG;
}

/* TEXT with SID's line added, replaced or removed into *OUT. */
static int edit_text(struct cli_ctx *ctx, const char *text, enum edit e,
		     const char *sid, char **words, int n, char **out)
{
	size_t cap = strlen(text) + 1100, used = 0;
	char *res = malloc(cap), line[1024], newl[1100], reason[256];
	const char *p = text, *found = NULL;
	struct ha_config *scratch;
	int r = 0;

	if (!res)
		return -ENOMEM;
	while (*p) {
		size_t l = strcspn(p, "\n");
		char s[128];

		snprintf(line, sizeof(line), "%.*s", (int)l, p);
		line_sid(line, s, sizeof(s));
		if (strcmp(s, sid) == 0) {
			found = p;
			snprintf(newl, sizeof(newl), "%s", line);
		} else
			used += (size_t)sprintf(res + used, "%s\n", line);
		p += l + (p[l] == '\n');
	}
	if (e == EDIT_ADD && found)
		r = cli_fail(ctx, "ha add", EEXIST, "already managed", sid);
	else if (e != EDIT_ADD && !found)
		r = cli_fail(ctx, sid, ENOENT, "not HA-managed",
			     "no line in " HA_RESOURCES);
	if (r || e == EDIT_REMOVE) {
		*out = res;
		return r;
	}
	r = merge(sid, found ? newl : NULL, words, n, line, sizeof(line));
	scratch = calloc(1, sizeof(*scratch));
	if (r == 0 && scratch &&
	    ha_config_resource_line(scratch, line, reason, sizeof(reason)) < 0)
		r = cli_fail(ctx, sid, EINVAL, "invalid resource", reason);
	free(scratch);
	sprintf(res + used, "%s\n", line);
	*out = res;
	return r;
}

static int edit(struct cli_ctx *ctx, enum edit e, const char *sid, char **words,
		int n)
{
	for (int i = 0; i < RETRIES; i++) {
		_cleanup_free_ char *text = NULL, *out = NULL;
		uint64_t version;
		bool stale;
		int r = ha_tree_read(ctx, HA_RESOURCES, &text, &version);

		if (r == 0)
			r = edit_text(ctx, text, e, sid, words, n, &out);
		if (r == 0)
			r = ha_tree_write(ctx, HA_RESOURCES, out, version,
					  &stale);
		if (r || !stale)
			return r ? r : CLI_EXIT_OK;
	}
	return cli_fail(ctx, HA_RESOURCES, ESTALE, "changed concurrently",
			"try again");
}

static int done_json(struct cli_ctx *ctx, const char *what, const char *arg)
{
	json_object *o;

	if (ctx->output != CLI_OUTPUT_JSON)
		return CLI_EXIT_OK;
	o = json_object_new_object();
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	json_object_object_add(o, what, json_object_new_string(arg));
	return cli_json_print(ctx, o);
}

/* Parse COMMAND's options and positionals (MIN..MAX). */
static int args(struct cli_ctx *ctx, int argc, char **argv, const char *help,
		const char *const *names, int min, int max, char **pos,
		int *npos)
{
	const struct cli_optspec spec = {.help = help};
	char cmd[64];
	int e = cli_parse_all(ctx, argc, argv, &spec, pos, npos);

	if (e == CLI_HANDLED)
		return CLI_HANDLED;
	snprintf(cmd, sizeof(cmd), "ha %s", argv[0]);
	if (e < 0 ||
	    cli_check_args(ctx, cmd, pos, *npos, names, min, max) != CLI_PARSED)
		return -EINVAL;
	return CLI_PARSED;
}

static int resource_cmd(struct cli_ctx *ctx, int argc, char **argv, enum edit e)
{
	static const char *const names[] = {"SID", "KEY=VALUE"};
	static const char *const helps[] = {ha_help_add, ha_help_set,
					    ha_help_remove};
	_cleanup_free_ char **pos = calloc(argc + 1, sizeof(*pos));
	int npos, r;

	if (!pos)
		return CLI_EXIT_FAILED;
	r = args(ctx, argc, argv, helps[e], names, e == EDIT_SET ? 2 : 1,
		 e == EDIT_REMOVE ? 1 : argc, pos, &npos);
	if (r != CLI_PARSED)
		return r == CLI_HANDLED ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	if (ha_guest_kind(pos[0]) < 0 || strncmp(pos[0], "fa:", 3) == 0) {
		cli_usage_error(ctx, "ha %s: '%s' is not vm:ID or ct:ID",
				argv[0], pos[0]);
		return CLI_EXIT_USAGE;
	}
	for (int i = 1; i < npos; i++)
		if (!strchr(pos[i], '=')) {
			cli_usage_error(ctx, "ha %s: '%s' is not KEY=VALUE",
					argv[0], pos[i]);
			return CLI_EXIT_USAGE;
		}
	r = edit(ctx, e, pos[0], pos + 1, npos - 1);
	return r ? r : done_json(ctx, argv[0], pos[0]);
}

/* migrate|relocate SID NODE, maintenance enable|disable NODE. */
static int crm_cmd(struct cli_ctx *ctx, int argc, char **argv, const char *help)
{
	static const char *const move[] = {"SID", "NODE"};
	static const char *const maint[] = {"enable|disable", "NODE"};
	bool m = strcmp(argv[0], "maintenance") == 0;
	_cleanup_free_ char **pos = calloc(argc + 1, sizeof(*pos));
	char line[300];
	int npos, r;

	if (!pos)
		return CLI_EXIT_FAILED;
	r = args(ctx, argc, argv, help, m ? maint : move, 2, 2, pos, &npos);
	if (r != CLI_PARSED)
		return r == CLI_HANDLED ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	if (m && strcmp(pos[0], "enable") && strcmp(pos[0], "disable")) {
		cli_usage_error(ctx,
				"ha maintenance: enable or disable, not "
				"'%s'",
				pos[0]);
		return CLI_EXIT_USAGE;
	}
	snprintf(line, sizeof(line), "%s %s %s", argv[0], pos[0], pos[1]);
	r = ha_tree_command(ctx, line);
	return r ? r : done_json(ctx, "queued", line);
}

int ha_main(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct {
		const char *name;
		const char *help;
	} crm[] = {{"migrate", ha_help_migrate},
		   {"relocate", ha_help_relocate},
		   {"maintenance", ha_help_maintenance}};
	const char *c;
	int first, e;

	if (!cli_group_begin(ctx, argc, argv, "ha", ha_help_main, &first, &e))
		return e;
	argc -= first;
	argv += first;
	c = argv[0];
	if (strcmp(c, "simulate") == 0)
		return ha_simulate_cmd(ctx, argc, argv);
	if (strcmp(c, "status") == 0)
		return ha_status_cmd(ctx, argc, argv);
	if (strcmp(c, "rules") == 0)
		return ha_rules_cmd(ctx, argc, argv);
	if (strcmp(c, "add") == 0)
		return resource_cmd(ctx, argc, argv, EDIT_ADD);
	if (strcmp(c, "set") == 0)
		return resource_cmd(ctx, argc, argv, EDIT_SET);
	if (strcmp(c, "remove") == 0)
		return resource_cmd(ctx, argc, argv, EDIT_REMOVE);
	for (size_t i = 0; i < ELEMENTSOF(crm); i++)
		if (strcmp(c, crm[i].name) == 0)
			return crm_cmd(ctx, argc, argv, crm[i].help);
	cli_usage_error(ctx, "ha: unknown command '%s'", c);
	return CLI_EXIT_USAGE;
}
