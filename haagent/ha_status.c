/*
 * manager_status <-> JSON with json-c (format in ha_status.h).
 *
 * Parsing is strict about types and names: an unknown state name or a
 * missing object makes the whole text invalid, so a new CRM never acts on
 * half a status; it starts from an empty one and logs why.
 */
#include "ha_status.h"
#include "macro.h"

#include <errno.h>
#include <json-c/json.h>
#include <string.h>

static void add_str(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static void add_int(json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static json_object *svc_json(const struct ha_svc_status *s)
{
	json_object *o = json_object_new_object();

	add_str(o, "state", ha_svc_state_str(s->state));
	add_str(o, "node", s->node);
	add_str(o, "target", s->target);
	add_str(o, "maint_node", s->maint_node);
	add_int(o, "req", (int64_t)s->req);
	add_int(o, "restarts", s->restarts);
	add_int(o, "relocates", s->relocates);
	add_int(o, "stop_timeout", (int64_t)s->stop_timeout_ms);
	return o;
}

static json_object *node_json(const struct ha_node_status *n)
{
	json_object *o = json_object_new_object();

	add_str(o, "state", ha_node_state_str(n->state));
	json_object_object_add(o, "maint", json_object_new_boolean(n->maint));
	json_object_object_add(o, "maint_auto",
			       json_object_new_boolean(n->maint_auto));
	add_int(o, "fence_tries", n->fence_tries);
	return o;
}

char *ha_status_to_json(const struct ha_status *st)
{
	json_object *root = json_object_new_object();
	json_object *svcs = json_object_new_object();
	json_object *nodes = json_object_new_object();
	char *out;

	add_int(root, "next_req", (int64_t)st->next_req);
	for (size_t i = 0; i < st->n_svc; i++)
		json_object_object_add(svcs, st->svc[i].sid,
				       svc_json(&st->svc[i]));
	for (size_t i = 0; i < st->n_node; i++)
		json_object_object_add(nodes, st->node[i].name,
				       node_json(&st->node[i]));
	json_object_object_add(root, "services", svcs);
	json_object_object_add(root, "nodes", nodes);
	out = strdup(
	    json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
	json_object_put(root);
	return out;
}

static const char *get_str(json_object *o, const char *k)
{
	json_object *v;

	if (!json_object_object_get_ex(o, k, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int get_u64(json_object *o, const char *k, uint64_t *out)
{
	json_object *v;

	if (!json_object_object_get_ex(o, k, &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 0)
		return -EINVAL;
	*out = (uint64_t)json_object_get_int64(v);
	return 0;
}

static bool get_bool(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) &&
	       json_object_get_boolean(v);
}

static int name_field(json_object *o, const char *k, char out[HA_NAME_MAX])
{
	const char *s = get_str(o, k);

	if (!s || strlen(s) >= HA_NAME_MAX)
		return -EINVAL;
	strcpy(out, s);
	return 0;
}

static int svc_from(const char *sid, json_object *o, struct ha_svc_status *s)
{
	uint64_t r = 0, rl = 0;
	int state;

	memset(s, 0, sizeof(*s));
	state = ha_svc_state_from_str(get_str(o, "state") ? get_str(o, "state")
							  : "");
	if (state < 0 || !ha_name_copy(s->sid, sid) ||
	    name_field(o, "node", s->node) < 0 ||
	    name_field(o, "target", s->target) < 0 ||
	    name_field(o, "maint_node", s->maint_node) < 0 ||
	    get_u64(o, "req", &s->req) < 0 || get_u64(o, "restarts", &r) < 0 ||
	    get_u64(o, "relocates", &rl) < 0 ||
	    get_u64(o, "stop_timeout", &s->stop_timeout_ms) < 0)
		return -EINVAL;
	s->state = state;
	s->restarts = (unsigned)r;
	s->relocates = (unsigned)rl;
	return 0;
}

static int node_from(const char *name, json_object *o, struct ha_node_status *n)
{
	uint64_t tries = 0;
	int state;

	memset(n, 0, sizeof(*n));
	state = ha_node_state_from_str(get_str(o, "state") ? get_str(o, "state")
							   : "");
	if (state < 0 || !ha_name_copy(n->name, name) ||
	    get_u64(o, "fence_tries", &tries) < 0)
		return -EINVAL;
	n->state = state;
	n->maint = get_bool(o, "maint");
	n->maint_auto = get_bool(o, "maint_auto");
	n->fence_tries = (unsigned)tries;
	return 0;
}

static int parse_root(json_object *root, struct ha_status *st)
{
	json_object *svcs, *nodes;

	if (!json_object_is_type(root, json_type_object) ||
	    get_u64(root, "next_req", &st->next_req) < 0 ||
	    !json_object_object_get_ex(root, "services", &svcs) ||
	    !json_object_object_get_ex(root, "nodes", &nodes) ||
	    !json_object_is_type(svcs, json_type_object) ||
	    !json_object_is_type(nodes, json_type_object))
		return -EINVAL;
	json_object_object_foreach(svcs, sid, so)
	{
		if (st->n_svc == HA_MAX_SVCS ||
		    svc_from(sid, so, &st->svc[st->n_svc++]) < 0)
			return -EINVAL;
	}
	json_object_object_foreach(nodes, name, no)
	{
		if (st->n_node == HA_MAX_NODES ||
		    node_from(name, no, &st->node[st->n_node++]) < 0)
			return -EINVAL;
	}
	return 0;
}

int ha_status_from_json(const char *text, struct ha_status *st)
{
	json_object *root;
	int r;

	memset(st, 0, sizeof(*st));
	root = text ? json_tokener_parse(text) : NULL;
	if (!root)
		return -EINVAL;
	r = parse_root(root, st);
	json_object_put(root);
	if (r < 0)
		memset(st, 0, sizeof(*st));
	return r;
}
