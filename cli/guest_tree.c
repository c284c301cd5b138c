/*
 * Guests as the config tree holds them: nodes/<node>/{qemu,lxc}/<id>.conf
 * (see lib/guest_conf.h). clusterctl finds a guest's owning node here
 * before it asks that node's agent, and checks a new ID against every
 * node's directories (clusterd enforces uniqueness itself when it applies
 * the write; this check gives the clear message).
 */
#include "config.h"

#include "guest.h"
#include "array.h"
#include "cd_requests.h"
#include "macro.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The names in directory PATH; ENOENT is an empty listing (NULL). */
static int list_dir(struct cli_ctx *ctx, const char *path,
		    Clusterd__Reply **reply)
{
	struct cd_conn c;
	int r;

	cli_conn(ctx, &c);
	r = cd_list(&c, path, reply);
	if (r == -ENOENT && c.server_error)
		return 0;
	return cli_conn_fail(ctx, &c, r, path);
}

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static int scan_node(struct cli_ctx *ctx, const char *node,
		     struct guest_refs *out)
{
	for (unsigned t = 0; t < _GUEST_TYPE_MAX; t++) {
		Clusterd__Reply *reply = NULL;
		char dir[128];
		int r;

		snprintf(dir, sizeof(dir), "nodes/%s/%s", node,
			 guest_type_to_string(t));
		r = list_dir(ctx, dir, &reply);
		if (r)
			return r;
		for (size_t i = 0; reply && i < reply->list->n_entries; i++) {
			struct guest_ref ref = {.type = t};
			char nb[64];

			if (guest_conf_path_parse(reply->list->entries[i]->path,
						  nb, sizeof(nb), &ref.type,
						  &ref.id) < 0 ||
			    ARRAY_RESERVE(out->v, out->cap, out->n, 16) < 0)
				continue;
			snprintf(ref.node, sizeof(ref.node), "%s", nb);
			out->v[out->n++] = ref;
		}
		if (reply)
			clusterd__reply__free_unpacked(reply, NULL);
	}
	return 0;
}

int guest_tree_scan(struct cli_ctx *ctx, struct guest_refs *out)
{
	Clusterd__Reply *reply = NULL;
	int r = list_dir(ctx, "nodes", &reply);

	*out = (struct guest_refs){};
	for (size_t i = 0; r == 0 && reply && i < reply->list->n_entries; i++)
		if (reply->list->entries[i]->type ==
		    CLUSTERD__ENTRY_TYPE__ENTRY_DIR)
			r = scan_node(ctx, base(reply->list->entries[i]->path),
				      out);
	if (reply)
		clusterd__reply__free_unpacked(reply, NULL);
	if (r)
		guest_refs_done(out);
	return r;
}

void guest_refs_done(struct guest_refs *refs)
{
	free(refs->v);
	*refs = (struct guest_refs){};
}

int guest_tree_find(struct cli_ctx *ctx, uint32_t id, struct guest_ref *ref)
{
	struct guest_refs refs;
	char what[32];
	int r = guest_tree_scan(ctx, &refs);

	if (r)
		return r;
	r = -1;
	for (size_t i = 0; i < refs.n; i++)
		if (refs.v[i].id == id) {
			*ref = refs.v[i];
			r = 0;
		}
	guest_refs_done(&refs);
	snprintf(what, sizeof(what), "guest %u", id);
	return r == 0 ? 0
		      : cli_fail(ctx, what, ENOENT, "no such guest",
				 "no configuration under nodes/*/qemu or lxc");
}

int guest_local_node(struct cli_ctx *ctx, char *name, size_t size)
{
	struct cd_conn c;
	uint32_t nodeid;
	int r;

	cli_conn(ctx, &c);
	r = cd_local_node(&c, &nodeid, name, size);
	if (r == -ENOENT && !c.server_error)
		return cli_fail(ctx, "members", ENOENT, "this node has no name",
				NULL);
	return cli_conn_fail(ctx, &c, r, "members");
}

int guest_tree_get(struct cli_ctx *ctx, const struct guest_ref *ref,
		   char **text)
{
	struct cd_conn c;
	char path[256];

	guest_conf_path(path, sizeof(path), ref->node, ref->type, ref->id);
	cli_conn(ctx, &c);
	return cli_conn_fail(ctx, &c, cd_get(&c, path, text, NULL), path);
}

int guest_node_call(struct cli_ctx *ctx, const char *node,
		    Clusterd__GuestRequest *greq, int timeout_ms,
		    const char *what, Clusterd__Reply **reply)
{
	struct cd_conn c;

	cli_conn(ctx, &c);
	return cli_conn_fail(
	    ctx, &c, cd_node_request(&c, node, greq, timeout_ms, reply), what);
}
