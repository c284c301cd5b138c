/*
 * Guest configuration locations (see ha_locate.h). The lookup keeps, per
 * resource of the configuration, the node whose qemu/ (vm:) or lxc/ (ct:)
 * directory lists "ID.conf"; a later call at the same tree version copies
 * them back without asking clusterd.
 */
#include "ha_locate.h"
#include "macro.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *type_of(const char *sid)
{
	if (strncmp(sid, "vm:", 3) == 0)
		return "qemu";
	if (strncmp(sid, "ct:", 3) == 0)
		return "lxc";
	return NULL;
}

/* Resources of CFG whose configuration node N's TYPE directory holds. */
static int scan(struct ipc_client *c, const char *node, const char *type,
		struct ha_config *cfg)
{
	char path[300], msg[CDCALL_MSG], **names = NULL;
	size_t n = 0;
	int r;

	snprintf(path, sizeof(path), "nodes/%s/%s", node, type);
	r = cdcall_list(c, path, &names, &n, msg);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	for (size_t i = 0; i < cfg->n_res; i++) {
		struct ha_resource *res = &cfg->res[i];
		const char *t = type_of(res->sid);
		char conf[HA_NAME_MAX + 8];

		if (!t || strcmp(t, type) != 0)
			continue;
		snprintf(conf, sizeof(conf), "%s.conf", res->sid + 3);
		for (size_t k = 0; k < n; k++)
			if (strcmp(names[k], conf) == 0)
				ha_name_copy(res->node, node);
	}
	cdcall_names_free(names, n);
	return 0;
}

static int lookup(struct ipc_client *c, struct ha_config *cfg)
{
	char **nodes = NULL, msg[CDCALL_MSG];
	size_t n = 0;
	int r = cdcall_list(c, "nodes", &nodes, &n, msg);

	if (r == -ENOENT)
		r = 0;
	for (size_t k = 0; k < n && r == 0; k++) {
		r = scan(c, nodes[k], "qemu", cfg);
		if (r == 0)
			r = scan(c, nodes[k], "lxc", cfg);
	}
	cdcall_names_free(nodes, n);
	return r;
}

static void save(struct ha_locate *loc, uint64_t version,
		 const struct ha_config *cfg)
{
	loc->n = 0;
	for (size_t i = 0; i < cfg->n_res && loc->n < HA_MAX_SVCS; i++) {
		strcpy(loc->at[loc->n].sid, cfg->res[i].sid);
		strcpy(loc->at[loc->n++].node, cfg->res[i].node);
	}
	loc->version = version;
	loc->valid = true;
}

/* Copy the saved nodes back; false when a resource was not saved. */
static bool restore(const struct ha_locate *loc, struct ha_config *cfg)
{
	for (size_t i = 0; i < cfg->n_res; i++) {
		size_t k = 0;

		while (k < loc->n && strcmp(loc->at[k].sid, cfg->res[i].sid))
			k++;
		if (k == loc->n)
			return false;
		strcpy(cfg->res[i].node, loc->at[k].node);
	}
	return true;
}

int ha_locate(struct ipc_client *c, struct ha_locate *loc, uint64_t version,
	      struct ha_config *cfg)
{
	int r;

	if (loc->valid && loc->version == version && restore(loc, cfg))
		return 0;
	r = lookup(c, cfg);
	loc->valid = false;
	if (r < 0)
		return r;
	save(loc, version, cfg);
	return 1;
}
