/*
 * Scenario files (docs/ha.md, "Scenarios"), one item per line:
 *
 *   nodes n1 n2 n3                 first; all start powered off
 *   setting KEY=VALUE...           ha/settings.cfg keys
 *   service SID key=value...       an ha/resources.cfg line (+ fail-*=N)
 *   rule KIND NAME key=value...    an ha/rules.cfg line
 *   fence NODE agent=NAME [fail=N] an ha/fence.cfg line
 *   test-hook skip-fencing         breaks the fencing gate (tests only)
 *   test-hook broken-watchdog      watchdogs never fire (tests only)
 *   step CMD [; CMD...]            run in order, see ha_sim_step.c
 *
 * '#' starts a comment (at the start of a line or after a blank). The
 * configuration lines go through the same parsers as the files in the
 * tree. Every error names the file and line; a scenario with errors is
 * not run.
 */
#include "ha_sim_int.h"
#include "ha_config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCN_LINE_MAX 2048

struct loader {
	struct ha_sim *sim;
	const char *file;
	FILE *err;
	unsigned line, errors;
};

_printf_(2, 3) static void bad(struct loader *l, const char *fmt, ...)
{
	va_list ap;

	l->errors++;
	if (!l->err)
		return;
	fprintf(l->err, "%s:%u: ", l->file, l->line);
	va_start(ap, fmt);
	vfprintf(l->err, fmt, ap);
	va_end(ap);
	fputc('\n', l->err);
}

static char *strip(char *s)
{
	char *end;

	for (char *p = s; *p; p++)
		if (*p == '#' && (p == s || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			break;
		}
	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static void load_nodes(struct loader *l, char *rest)
{
	char buf[SCN_LINE_MAX], *w[HA_MAX_NODES + 1];
	int n = ha_split_words(rest, buf, sizeof(buf), w, ELEMENTSOF(w));
	struct ha_sim *sim = l->sim;

	if (sim->n_node)
		return bad(l, "'nodes' given twice");
	if (n < 1 || n > HA_MAX_NODES)
		return bad(l, "'nodes' needs 1 to %d names", HA_MAX_NODES);
	for (int i = 0; i < n; i++) {
		struct sim_node *node = &sim->node[sim->n_node];

		if (sim_node_index(sim, w[i]) >= 0 ||
		    !ha_name_copy(node->name, w[i]))
			return bad(l, "bad or duplicate node name '%s'", w[i]);
		node->net = true;
		node->ctx = (struct sim_ctx){sim, sim->n_node++};
	}
}

static void load_settings(struct loader *l, char *rest)
{
	char buf[SCN_LINE_MAX], *w[16], reason[200];
	int n = ha_split_words(rest, buf, sizeof(buf), w, ELEMENTSOF(w));

	if (n < 1)
		return bad(l, "'setting' needs KEY=VALUE");
	for (int i = 0; i < n; i++) {
		char *eq = strchr(w[i], '=');

		if (!eq)
			return bad(l, "expected KEY=VALUE, got '%s'", w[i]);
		*eq = '\0';
		if (ha_config_setting(&l->sim->cfg.settings, w[i], eq + 1,
				      reason, sizeof(reason)) < 0)
			return bad(l, "%s", reason);
	}
}

static void load_service(struct loader *l, char *rest)
{
	struct ha_config *c = &l->sim->cfg;
	char reason[200], sid[HA_NAME_MAX] = "";
	const struct ha_resource *r;

	sscanf(rest, "%63s", sid);
	if (ha_config_resource(c, sid))
		return bad(l, "service %s given twice", sid);
	if (ha_config_resource_line(c, rest, reason, sizeof(reason)) < 0)
		return bad(l, "%s", reason);
	r = ha_config_resource(c, sid);
	if (r->node[0] && sim_node_index(l->sim, r->node) < 0)
		return bad(l, "service %s: unknown node %s", sid, r->node);
	if (sim_svc_add(l->sim, r) < 0)
		bad(l, "too many services");
}

static void load_step(struct loader *l, char *rest)
{
	char reason[200], buf[SCN_LINE_MAX], *save = NULL, *cmd;
	struct ha_sim *sim = l->sim;

	if (sim->n_steps == SIM_MAX_STEPS)
		return bad(l, "too many steps (max %d)", SIM_MAX_STEPS);
	snprintf(buf, sizeof(buf), "%s", rest);
	for (cmd = strtok_r(buf, ";", &save); cmd;
	     cmd = strtok_r(NULL, ";", &save))
		if (sim_step_check(sim, cmd, reason, sizeof(reason)) < 0)
			return bad(l, "%s", reason);
	if (strncmp(strip(rest), "delay", 5) == 0 && strchr(rest, ';'))
		return bad(l, "'delay' must be a step of its own");
	sim->step_line[sim->n_steps] = l->line;
	sim->steps[sim->n_steps] = strdup(rest);
	if (!sim->steps[sim->n_steps++])
		abort();
}

static void load_line(struct loader *l, char *s)
{
	char reason[200], *rest = s + strcspn(s, " \t");
	size_t klen = (size_t)(rest - s);

	rest = strip(rest);
	if (klen == 5 && strncmp(s, "nodes", 5) == 0)
		return load_nodes(l, rest);
	if (!l->sim->n_node)
		return bad(l, "the first line must be 'nodes ...'");
	if (klen == 7 && strncmp(s, "setting", 7) == 0)
		load_settings(l, rest);
	else if (klen == 7 && strncmp(s, "service", 7) == 0)
		load_service(l, rest);
	else if (klen == 4 && strncmp(s, "rule", 4) == 0) {
		if (ha_config_rule_line(&l->sim->cfg, rest, reason,
					sizeof(reason)) < 0)
			bad(l, "%s", reason);
	} else if (klen == 5 && strncmp(s, "fence", 5) == 0) {
		if (ha_config_fence_line(&l->sim->cfg, rest, reason,
					 sizeof(reason)) < 0)
			bad(l, "%s", reason);
	} else if (klen == 9 && strncmp(s, "test-hook", 9) == 0) {
		if (strcmp(rest, "skip-fencing") == 0)
			l->sim->cfg.settings.test_skip_fencing = true;
		else if (strcmp(rest, "broken-watchdog") == 0)
			l->sim->broken_watchdogs = true;
		else
			return bad(l, "unknown test hook '%s'", rest);
	} else if (klen == 4 && strncmp(s, "step", 4) == 0)
		load_step(l, rest);
	else
		bad(l,
		    "unknown item '%.*s' (want nodes, setting, service, "
		    "rule, fence or step)",
		    (int)klen, s);
}

int ha_sim_load(const char *text, const char *file, FILE *err,
		struct ha_sim **out)
{
	struct loader l = {.file = file, .err = err};
	char buf[SCN_LINE_MAX];
	const char *p = text;

	l.sim = calloc(1, sizeof(*l.sim));
	if (!l.sim)
		return -ENOMEM;
	ha_config_init(&l.sim->cfg);
	while (*p) {
		size_t n = strcspn(p, "\n");
		char *s;

		l.line++;
		if (n >= sizeof(buf)) {
			bad(&l, "line too long");
		} else {
			memcpy(buf, p, n);
			buf[n] = '\0';
			s = strip(buf);
			if (*s)
				load_line(&l, s);
		}
		p += n + (p[n] == '\n');
	}
	if (!l.sim->n_node && !l.errors) {
		l.line = 0;
		bad(&l, "no 'nodes' line");
	}
	if (l.errors) {
		ha_sim_free(l.sim);
		return -EINVAL;
	}
	*out = l.sim;
	return 0;
}

void ha_sim_free(struct ha_sim *sim)
{
	if (!sim)
		return;
	for (size_t i = 0; i < sim->n_node; i++) {
		ha_crm_free(sim->node[i].crm);
		ha_lrm_free(sim->node[i].lrm);
	}
	for (size_t i = 0; i < sim->n_steps; i++)
		free(sim->steps[i]);
	free(sim->status);
	free(sim);
}
