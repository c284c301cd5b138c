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
#include "ipc_client.h"
#include "macro.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* REPLY's failure (ALLOWED is not one) as an exit code; 0 on success. */
static int check_reply(struct cli_ctx *ctx, int r, const char *what,
		       Clusterd__Reply **reply, int allowed)
{
	if (r == 0 && allowed && (*reply)->errno_code == allowed) {
		clusterd__reply__free_unpacked(*reply, NULL);
		*reply = NULL;
		return 0;
	}
	if (r < 0)
		return cli_fail(ctx, what, r, ipc_client_strerror(r), NULL);
	if ((*reply)->errno_code) {
		r = cli_fail(ctx, what, (*reply)->errno_code,
			     cli_errno_reason((*reply)->errno_code),
			     (*reply)->error_message);
		clusterd__reply__free_unpacked(*reply, NULL);
		*reply = NULL;
		return r;
	}
	return 0;
}

int guest_tree_check(struct cli_ctx *ctx, int r, const char *what,
		     Clusterd__Reply **reply)
{
	return check_reply(ctx, r, what, reply, 0);
}

int guest_tree_call(struct cli_ctx *ctx, Clusterd__Request *req,
		    const char *what, Clusterd__Reply **reply)
{
	int r = ctx->call(ctx->call_data, req, ctx->timeout_ms, reply);

	return check_reply(ctx, r, what, reply, 0);
}

/* The names in directory PATH; ENOENT is an empty listing (NULL). */
static int list_dir(struct cli_ctx *ctx, const char *path,
		    Clusterd__Reply **reply)
{
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__ListRequest list = CLUSTERD__LIST_REQUEST__INIT;
	int r;

	list.path = (char *)path;
	req.op_case = CLUSTERD__REQUEST__OP_LIST;
	req.list = &list;
	r = ctx->call(ctx->call_data, &req, ctx->timeout_ms, reply);
	return check_reply(ctx, r, path, reply, ENOENT);
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
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__MembersRequest m = CLUSTERD__MEMBERS_REQUEST__INIT;
	Clusterd__Reply *reply = NULL;
	int r;

	req.op_case = CLUSTERD__REQUEST__OP_MEMBERS;
	req.members = &m;
	r = guest_tree_call(ctx, &req, "members", &reply);
	if (r)
		return r;
	r = cli_fail(ctx, "members", ENOENT, "this node has no name", NULL);
	for (size_t i = 0; i < reply->members->n_members; i++)
		if (reply->members->members[i]->nodeid ==
		    reply->members->local_nodeid) {
			snprintf(name, size, "%s",
				 reply->members->members[i]->name);
			r = 0;
		}
	clusterd__reply__free_unpacked(reply, NULL);
	return r;
}

int guest_tree_get(struct cli_ctx *ctx, const struct guest_ref *ref,
		   char **text)
{
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__GetRequest get = CLUSTERD__GET_REQUEST__INIT;
	Clusterd__Reply *reply = NULL;
	char path[256];
	int r;

	guest_conf_path(path, sizeof(path), ref->node, ref->type, ref->id);
	get.path = path;
	req.op_case = CLUSTERD__REQUEST__OP_GET;
	req.get = &get;
	r = guest_tree_call(ctx, &req, path, &reply);
	if (r)
		return r;
	*text = strndup((char *)reply->get->data.data, reply->get->data.len);
	clusterd__reply__free_unpacked(reply, NULL);
	return *text ? 0 : cli_fail(ctx, path, ENOMEM, "out of memory", NULL);
}

int guest_node_call(struct cli_ctx *ctx, const char *node,
		    Clusterd__GuestRequest *greq, int timeout_ms,
		    const char *what, Clusterd__Reply **reply)
{
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__NodeRequest nr = CLUSTERD__NODE_REQUEST__INIT;
	int r;

	nr.node = (char *)node;
	nr.guest = greq;
	nr.timeout_ms = timeout_ms;
	req.op_case = CLUSTERD__REQUEST__OP_NODE_REQUEST;
	req.node_request = &nr;
	/* clusterd answers ETIMEDOUT itself; leave it time to say so. */
	r = ctx->call(ctx->call_data, &req, timeout_ms + 5000, reply);
	return check_reply(ctx, r, what, reply, 0);
}
