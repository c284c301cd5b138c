/*
 * The placement rule (see ha_place.h) over a candidate set that each step
 * narrows, writing what it did into the explanation as it goes.
 */
#include "ha_place.h"
#include "macro.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct cand {
	const char *name[HA_MAX_NODES];
	int prio[HA_MAX_NODES];
	size_t n;
};

struct why {
	char *buf;
	size_t len, used;
};

_printf_(2, 3) static void say(struct why *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!w->buf || w->used + 1 >= w->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(w->buf + w->used, w->len - w->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		w->used += (size_t)n < w->len - w->used ? (size_t)n
							: w->len - w->used - 1;
}

static void say_cands(struct why *w, const char *label, const struct cand *c)
{
	say(w, "%s", label);
	for (size_t i = 0; i < c->n; i++)
		say(w, "%s%s", i ? "," : " ", c->name[i]);
	if (c->n == 0)
		say(w, " none");
}

static const struct ha_rule *node_rule(const struct ha_config *cfg,
				       const char *sid)
{
	for (size_t i = 0; i < cfg->n_rules; i++) {
		const struct ha_rule *r = &cfg->rules[i];

		if (r->kind != HA_RULE_NODE_AFFINITY)
			continue;
		for (size_t j = 0; j < r->n_resources; j++)
			if (strcmp(r->resources[j], sid) == 0)
				return r;
	}
	return NULL;
}

int ha_node_prio(const struct ha_config *cfg, const char *sid, const char *node,
		 bool *has_rule)
{
	const struct ha_rule *r = node_rule(cfg, sid);

	if (has_rule)
		*has_rule = r != NULL;
	if (!r)
		return 0;
	for (size_t i = 0; i < r->n_nodes; i++)
		if (strcmp(r->nodes[i], node) == 0)
			return r->prio[i];
	return r->strict ? INT_MIN : -1;
}

const char *ha_svc_where(const struct ha_svc_status *s)
{
	if ((s->state == HA_SVC_MIGRATE || s->state == HA_SVC_RELOCATE) &&
	    s->target[0])
		return s->target;
	return s->node;
}

static bool placed(const struct ha_svc_status *s)
{
	return s->state == HA_SVC_STARTED || s->state == HA_SVC_MIGRATE ||
	       s->state == HA_SVC_RELOCATE || s->state == HA_SVC_REQUEST_STOP;
}

unsigned ha_node_load(const struct ha_status *st, const char *node,
		      const char *skip)
{
	unsigned n = 0;

	for (size_t i = 0; i < st->n_svc; i++) {
		const struct ha_svc_status *s = &st->svc[i];

		if (placed(s) && strcmp(s->sid, skip ? skip : "") != 0 &&
		    strcmp(ha_svc_where(s), node) == 0)
			n++;
	}
	return n;
}

static void keep_if(struct cand *c, bool (*keep)(const char *, const void *),
		    const void *arg)
{
	size_t k = 0;

	for (size_t i = 0; i < c->n; i++)
		if (keep(c->name[i], arg)) {
			c->name[k] = c->name[i];
			c->prio[k++] = c->prio[i];
		}
	c->n = k;
}

struct affinity {
	const struct ha_status *st;
	const struct ha_rule *rule;
	const char *sid;
};

/* Is a service of the rule other than SID placed on NODE? */
static bool peer_on(const char *node, const void *arg)
{
	const struct affinity *a = arg;

	for (size_t i = 0; i < a->rule->n_resources; i++) {
		const char *peer = a->rule->resources[i];
		const struct ha_svc_status *s;

		if (strcmp(peer, a->sid) == 0)
			continue;
		s = ha_status_svc((struct ha_status *)a->st, peer);
		if (s && placed(s) && strcmp(ha_svc_where(s), node) == 0)
			return true;
	}
	return false;
}

static bool peer_off(const char *node, const void *arg)
{
	return !peer_on(node, arg);
}

static bool any_peer_placed(const struct affinity *a)
{
	for (size_t i = 0; i < a->st->n_node; i++)
		if (peer_on(a->st->node[i].name, a))
			return true;
	return false;
}

static void resource_affinity(const struct ha_config *cfg,
			      const struct ha_status *st, const char *sid,
			      struct cand *c, struct why *w)
{
	for (size_t i = 0; i < cfg->n_rules; i++) {
		struct affinity a = {st, &cfg->rules[i], sid};
		bool member = false;

		if (a.rule->kind != HA_RULE_RESOURCE_AFFINITY)
			continue;
		for (size_t j = 0; j < a.rule->n_resources; j++)
			member |= strcmp(a.rule->resources[j], sid) == 0;
		if (!member)
			continue;
		if (a.rule->together && !any_peer_placed(&a))
			continue;
		keep_if(c, a.rule->together ? peer_on : peer_off, &a);
		say(w, "; %s %s:",
		    a.rule->together ? "keep-together" : "keep-apart",
		    a.rule->name);
		say_cands(w, "", c);
	}
}

static void gather(const struct ha_config *cfg, const struct ha_status *st,
		   const char *sid, const char *exclude, struct cand *c,
		   struct why *w)
{
	bool has_rule;

	c->n = 0;
	for (size_t i = 0; i < st->n_node; i++) {
		const struct ha_node_status *n = &st->node[i];
		int p;

		if (n->state != HA_NODE_ONLINE || n->maint ||
		    (exclude && strcmp(n->name, exclude) == 0))
			continue;
		p = ha_node_prio(cfg, sid, n->name, &has_rule);
		if (p == INT_MIN)
			continue;
		c->name[c->n] = n->name;
		c->prio[c->n++] = p;
	}
	say_cands(w, has_rule ? "online and allowed:" : "online:", c);
	if (exclude)
		say(w, " (not %s)", exclude);
}

static size_t best(const struct ha_status *st, const char *sid,
		   const struct cand *c, struct why *w)
{
	size_t b = 0;
	int top = INT_MIN;
	unsigned lb = 0;

	for (size_t i = 0; i < c->n; i++)
		if (c->prio[i] > top)
			top = c->prio[i];
	say(w, "; priority %d:", top);
	for (size_t i = 0, first = 1; i < c->n; i++) {
		unsigned l;

		if (c->prio[i] != top)
			continue;
		l = ha_node_load(st, c->name[i], sid);
		say(w, " %s(%u)", c->name[i], l);
		if (first || l < lb ||
		    (l == lb && strcmp(c->name[i], c->name[b]) < 0)) {
			b = i;
			lb = l;
			first = 0;
		}
	}
	return b;
}

int ha_place(const struct ha_config *cfg, const struct ha_status *st,
	     const char *sid, const char *exclude, char out[HA_NAME_MAX],
	     char *why, size_t why_len)
{
	struct why w = {why, why_len, 0};
	struct cand c;
	size_t b;

	if (why && why_len)
		why[0] = '\0';
	gather(cfg, st, sid, exclude, &c, &w);
	resource_affinity(cfg, st, sid, &c, &w);
	if (c.n == 0) {
		say(&w, "; no node fits");
		return -ENOENT;
	}
	b = best(st, sid, &c, &w);
	say(&w, "; chosen %s (highest priority, fewest services, name)",
	    c.name[b]);
	strcpy(out, c.name[b]);
	return 0;
}
