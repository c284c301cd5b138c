/*
 * LRM reports <-> JSON with json-c (format in ha_report.h). Strict like
 * ha_status.c: a report with an unknown mode or a malformed result is
 * rejected whole, so the CRM never acts on half of one.
 */
#include "ha_report.h"

#include <errno.h>
#include <json-c/json.h>
#include <string.h>

static const char *const modes[] = {"active", "shutdown", "done"};

char *ha_report_to_json(const struct ha_lrm_report *rep)
{
	json_object *root = json_object_new_object();
	json_object *res = json_object_new_array();
	char *out;

	json_object_object_add(root, "node", json_object_new_string(rep->node));
	json_object_object_add(root, "mode",
			       json_object_new_string(modes[rep->mode]));
	json_object_object_add(root, "reboot",
			       json_object_new_boolean(rep->reboot));
	for (size_t i = 0; i < rep->n_res; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "sid",
				       json_object_new_string(rep->res[i].sid));
		json_object_object_add(
		    o, "req", json_object_new_int64((int64_t)rep->res[i].req));
		json_object_object_add(o, "rc",
				       json_object_new_int(rep->res[i].rc));
		json_object_array_add(res, o);
	}
	json_object_object_add(root, "results", res);
	out = strdup(
	    json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
	json_object_put(root);
	return out;
}

static int result_from(json_object *o, struct ha_lrm_result *r)
{
	json_object *sid, *req, *rc;

	if (!json_object_object_get_ex(o, "sid", &sid) ||
	    !json_object_object_get_ex(o, "req", &req) ||
	    !json_object_object_get_ex(o, "rc", &rc) ||
	    !json_object_is_type(sid, json_type_string) ||
	    !json_object_is_type(req, json_type_int) ||
	    !json_object_is_type(rc, json_type_int) ||
	    !ha_name_copy(r->sid, json_object_get_string(sid)))
		return -EINVAL;
	r->req = (uint64_t)json_object_get_int64(req);
	r->rc = json_object_get_int(rc);
	return 0;
}

static int parse_root(json_object *root, struct ha_lrm_report *rep)
{
	json_object *node, *mode, *reboot, *res;
	size_t n;

	if (!json_object_object_get_ex(root, "node", &node) ||
	    !json_object_object_get_ex(root, "mode", &mode) ||
	    !json_object_object_get_ex(root, "reboot", &reboot) ||
	    !json_object_object_get_ex(root, "results", &res) ||
	    !json_object_is_type(node, json_type_string) ||
	    !json_object_is_type(mode, json_type_string) ||
	    !json_object_is_type(res, json_type_array) ||
	    !ha_name_copy(rep->node, json_object_get_string(node)))
		return -EINVAL;
	rep->mode = (enum ha_lrm_mode)3;
	for (unsigned i = 0; i < 3; i++)
		if (strcmp(json_object_get_string(mode), modes[i]) == 0)
			rep->mode = (enum ha_lrm_mode)i;
	if ((unsigned)rep->mode >= 3)
		return -EINVAL;
	rep->reboot = json_object_get_boolean(reboot);
	n = json_object_array_length(res);
	if (n > HA_MAX_SVCS)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (result_from(json_object_array_get_idx(res, i),
				&rep->res[i]) < 0)
			return -EINVAL;
	rep->n_res = n;
	return 0;
}

int ha_report_from_json(const char *text, struct ha_lrm_report *rep)
{
	json_object *root;
	int r;

	memset(rep, 0, sizeof(*rep));
	root = text ? json_tokener_parse(text) : NULL;
	if (!root)
		return -EINVAL;
	r = json_object_is_type(root, json_type_object) ? parse_root(root, rep)
							: -EINVAL;
	json_object_put(root);
	if (r < 0)
		memset(rep, 0, sizeof(*rep));
	return r;
}
