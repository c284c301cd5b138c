/*
 * The HA configuration parsers (see ha_config.h for the formats).
 *
 * Each file is cut into lines here; each line is parsed alone, so a bad
 * line costs only itself. Settings lines go through lib/kvconf.c one at a
 * time for the same reason. Values are checked completely: an unknown key,
 * a bad number, an unknown node reference format or a duplicate name is an
 * error with a reason a person can act on.
 */
#include "ha_config.h"
#include "kvconf.h"
#include "macro.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN 2048
#define WORDS_MAX    32

#define fail ha_fail

int ha_split_words(const char *line, char *buf, size_t buf_len, char **words,
		   size_t max)
{
	size_t n = 0;
	char *save = NULL, *w;

	if (strlen(line) >= buf_len)
		return -E2BIG;
	strcpy(buf, line);
	for (w = strtok_r(buf, " \t\r\n", &save); w;
	     w = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == max)
			return -E2BIG;
		words[n++] = w;
	}
	return (int)n;
}

static int parse_uint(const char *v, unsigned max, unsigned *out)
{
	uint64_t u;

	if (parse_uint64(v, &u) < 0 || u > max)
		return -EINVAL;
	*out = (unsigned)u;
	return 0;
}

static int parse_flag(const char *v, bool *out)
{
	return parse_bool(v, out);
}

/* "a,b,c" into NAMES; -EINVAL on an empty or too long item. */
static int parse_list(const char *v, char names[][HA_NAME_MAX], size_t max,
		      size_t *n)
{
	char buf[LINE_MAX_LEN], *save = NULL, *w;

	if (strlen(v) >= sizeof(buf) || !*v)
		return -EINVAL;
	strcpy(buf, v);
	*n = 0;
	for (w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (*n == max || !ha_name_copy(names[*n], w))
			return -EINVAL;
		(*n)++;
	}
	return *n ? 0 : -EINVAL;
}

static int resource_key(struct ha_resource *r, const char *k, const char *v)
{
	int e;

	if (strcmp(k, "node") == 0)
		return ha_name_copy(r->node, v) ? 0 : -EINVAL;
	if (strcmp(k, "state") == 0) {
		e = ha_request_from_str(v);
		if (e >= 0)
			r->request = e;
		return e < 0 ? e : 0;
	}
	if (strcmp(k, "max_restart") == 0)
		return parse_uint(v, 100, &r->max_restart);
	if (strcmp(k, "max_relocate") == 0)
		return parse_uint(v, 100, &r->max_relocate);
	if (strcmp(k, "failback") == 0)
		return parse_flag(v, &r->failback);
	if (strcmp(k, "fail-start") == 0)
		return parse_uint(v, 1000, &r->fail_start);
	if (strcmp(k, "fail-migrate") == 0)
		return parse_uint(v, 1000, &r->fail_migrate);
	if (strcmp(k, "fail-stop") == 0)
		return parse_uint(v, 1000, &r->fail_stop);
	return -ENOENT;
}

/* Apply "key=value" words W[FIRST..N) with SET; names the bad word. */
static int apply_pairs(char **w, int first, int n,
		       int (*set)(void *obj, const char *k, const char *v),
		       void *obj, char *reason, size_t len)
{
	for (int i = first; i < n; i++) {
		char *eq = strchr(w[i], '=');
		int e;

		if (!eq || eq == w[i])
			return fail(reason, len, "expected key=value, got '%s'",
				    w[i]);
		*eq = '\0';
		e = set(obj, w[i], eq + 1);
		if (e == -ENOENT)
			return fail(reason, len, "unknown key '%s'", w[i]);
		if (e < 0)
			return fail(reason, len, "bad value '%s' for %s",
				    eq + 1, w[i]);
	}
	return 0;
}

static int resource_set(void *obj, const char *k, const char *v)
{
	return resource_key(obj, k, v);
}

int ha_config_resource_line(struct ha_config *c, const char *line, char *reason,
			    size_t len)
{
	char buf[LINE_MAX_LEN], *w[WORDS_MAX];
	struct ha_resource r = {.request = HA_REQ_STARTED,
				.max_restart = 1,
				.max_relocate = 1,
				.failback = true};
	struct ha_resource *old;
	int n, e;

	n = ha_split_words(line, buf, sizeof(buf), w, WORDS_MAX);
	if (n < 1)
		return fail(reason, len, n < 0 ? "line too long" : "empty");
	if (ha_guest_kind(w[0]) < 0 || !ha_name_copy(r.sid, w[0]))
		return fail(reason, len,
			    "bad service id '%s' (want vm:ID, ct:ID or fa:ID)",
			    w[0]);
	e = apply_pairs(w, 1, n, resource_set, &r, reason, len);
	if (e < 0)
		return e;
	old = ha_config_resource(c, r.sid);
	if (old) {
		*old = r;
		return 0;
	}
	if (c->n_res == HA_MAX_SVCS)
		return fail(reason, len, "too many services (max %d)",
			    HA_MAX_SVCS);
	c->res[c->n_res++] = r;
	return 0;
}

static int node_prio_list(struct ha_rule *r, const char *v)
{
	char names[HA_RULE_MAX][HA_NAME_MAX];
	size_t n;

	if (parse_list(v, names, HA_RULE_MAX, &n) < 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		char *colon = strchr(names[i], ':');
		unsigned p = 0;

		if (colon) {
			*colon = '\0';
			if (parse_uint(colon + 1, 1000, &p) < 0 || !names[i][0])
				return -EINVAL;
		}
		strcpy(r->nodes[i], names[i]);
		r->prio[i] = (int)p;
	}
	r->n_nodes = n;
	return 0;
}

static int rule_set(void *obj, const char *k, const char *v)
{
	struct ha_rule *r = obj;

	if (strcmp(k, "resources") == 0)
		return parse_list(v, r->resources, HA_RULE_MAX,
				  &r->n_resources);
	if (r->kind == HA_RULE_NODE_AFFINITY && strcmp(k, "nodes") == 0)
		return node_prio_list(r, v);
	if (r->kind == HA_RULE_NODE_AFFINITY && strcmp(k, "strict") == 0)
		return parse_flag(v, &r->strict);
	if (r->kind == HA_RULE_RESOURCE_AFFINITY &&
	    strcmp(k, "affinity") == 0) {
		if (strcmp(v, "positive") && strcmp(v, "negative"))
			return -EINVAL;
		r->together = strcmp(v, "positive") == 0;
		return 0;
	}
	return -ENOENT;
}

static int rule_check(const struct ha_config *c, const struct ha_rule *r,
		      char *reason, size_t len)
{
	for (size_t i = 0; i < c->n_rules; i++)
		if (strcmp(c->rules[i].name, r->name) == 0)
			return fail(reason, len, "duplicate rule '%s'",
				    r->name);
	if (r->n_resources == 0)
		return fail(reason, len,
			    "rule '%s' has no resources=", r->name);
	for (size_t i = 0; i < r->n_resources; i++)
		if (ha_guest_kind(r->resources[i]) < 0)
			return fail(reason, len, "bad service id '%s'",
				    r->resources[i]);
	if (r->kind == HA_RULE_NODE_AFFINITY && r->n_nodes == 0)
		return fail(reason, len, "rule '%s' has no nodes=", r->name);
	if (r->kind == HA_RULE_RESOURCE_AFFINITY && r->n_resources < 2)
		return fail(reason, len, "rule '%s' needs two resources",
			    r->name);
	return 0;
}

int ha_config_rule_line(struct ha_config *c, const char *line, char *reason,
			size_t len)
{
	char buf[LINE_MAX_LEN], *w[WORDS_MAX];
	struct ha_rule r = {0};
	int n, e;

	n = ha_split_words(line, buf, sizeof(buf), w, WORDS_MAX);
	if (n < 2)
		return fail(reason, len, "expected 'KIND NAME key=value...'");
	if (strcmp(w[0], "node-affinity") == 0)
		r.kind = HA_RULE_NODE_AFFINITY;
	else if (strcmp(w[0], "resource-affinity") == 0)
		r.kind = HA_RULE_RESOURCE_AFFINITY;
	else
		return fail(reason, len,
			    "unknown rule kind '%s' (want node-affinity or "
			    "resource-affinity)",
			    w[0]);
	if (!ha_name_copy(r.name, w[1]) || strchr(w[1], '='))
		return fail(reason, len, "bad rule name '%s'", w[1]);
	e = apply_pairs(w, 2, n, rule_set, &r, reason, len);
	if (e < 0 || (e = rule_check(c, &r, reason, len)) < 0)
		return e;
	if (c->n_rules == HA_MAX_RULES)
		return fail(reason, len, "too many rules");
	c->rules[c->n_rules++] = r;
	return 0;
}

static int fence_set(void *obj, const char *k, const char *v)
{
	struct ha_fence_agent *f = obj;
	size_t used = strlen(f->args);

	if (strcmp(k, "agent") == 0)
		return ha_name_copy(f->agent, v) ? 0 : -EINVAL;
	if (strcmp(k, "fail") == 0)
		return parse_uint(v, 1000, &f->sim_fail);
	if (used + strlen(k) + strlen(v) + 3 > sizeof(f->args))
		return -EINVAL;
	snprintf(f->args + used, sizeof(f->args) - used, "%s%s=%s",
		 used ? " " : "", k, v);
	return 0;
}

int ha_config_fence_line(struct ha_config *c, const char *line, char *reason,
			 size_t len)
{
	char buf[LINE_MAX_LEN], *w[WORDS_MAX];
	struct ha_fence_agent f = {0};
	int n, e;

	n = ha_split_words(line, buf, sizeof(buf), w, WORDS_MAX);
	if (n < 2)
		return fail(reason, len, "expected 'NODE agent=NAME ...'");
	if (!ha_name_copy(f.node, w[0]) || strchr(w[0], '='))
		return fail(reason, len, "bad node name '%s'", w[0]);
	e = apply_pairs(w, 1, n, fence_set, &f, reason, len);
	if (e < 0)
		return e;
	if (!f.agent[0])
		return fail(reason, len, "no agent= for node %s", f.node);
	for (size_t i = 0; i < c->n_fence; i++)
		if (strcmp(c->fence[i].node, f.node) == 0)
			return fail(reason, len, "node %s has an agent already",
				    f.node);
	if (c->n_fence == HA_MAX_NODES)
		return fail(reason, len, "too many fence agents");
	c->fence[c->n_fence++] = f;
	return 0;
}

static int ms_value(const char *v, uint64_t *ms)
{
	double s;
	char *end;

	errno = 0;
	s = strtod(v, &end);
	if (errno || end == v || *end || s < 0 || s > 86400)
		return -EINVAL;
	*ms = (uint64_t)(s * 1000 + 0.5);
	return 0;
}

int ha_config_setting(struct ha_settings *s, const char *k, const char *v,
		      char *reason, size_t len)
{
	int e = -ENOENT;

	if (strcmp(k, "shutdown_policy") == 0) {
		e = ha_shutdown_policy_from_str(v);
		if (e >= 0)
			s->shutdown_policy = e;
	} else if (strcmp(k, "fencing") == 0) {
		e = ha_fencing_from_str(v);
		if (e >= 0)
			s->fencing = e;
	} else if (strcmp(k, "watchdog_timeout") == 0)
		e = ms_value(v, &s->watchdog_timeout_ms);
	else if (strcmp(k, "safety_margin") == 0)
		e = ms_value(v, &s->safety_margin_ms);
	else if (strcmp(k, "fence_retry") == 0)
		e = ms_value(v, &s->fence_retry_ms);
	else if (strcmp(k, "stop_timeout") == 0)
		e = ms_value(v, &s->stop_timeout_ms);
	if (e == -ENOENT)
		return fail(reason, len, "unknown setting '%s'", k);
	if (e < 0)
		return fail(reason, len, "bad value '%s' for %s", v, k);
	if (s->watchdog_timeout_ms < 1000)
		s->watchdog_timeout_ms = 1000;
	return 0;
}
