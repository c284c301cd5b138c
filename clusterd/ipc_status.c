/*
 * IPC of the node status store: "status_set", "status_get" and
 * "status_list".
 *
 * A set is answered once this node's own StatusOp was delivered back to
 * it, so that a client that was told "done" can read the value on any
 * member that delivered the same stream. Reads are answered from the local
 * copy at once. Nodes are named by ID or by their name in the corosync
 * nodelist; the answer carries both.
 */
#include "ipc_locks.h"
#include "ipc_pending.h"
#include "array.h"
#include "log.h"
#include "status.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct status_req {
	struct ipc_pending base;
	char key[STATUS_KEY_MAX + 1];
};

struct ipc_status {
	struct clusterd *cd;
	struct status *status;
	struct ipc_pending_list pending;
};

static const char *node_name(const struct ipc_status *is, uint32_t nodeid)
{
	size_t n;
	const struct transport_node *nodes =
	    is->cd->transport ? transport_nodes(is->cd->transport, &n) : NULL;

	for (size_t i = 0; nodes && i < n; i++)
		if (nodes[i].nodeid == nodeid)
			return nodes[i].name;
	return "";
}

/* NODE as a node ID; "" is DEFAULT_ID. 0 or a positive errno. */
static int resolve_node(const struct ipc_status *is, const char *node,
			uint32_t default_id, uint32_t *out)
{
	size_t n;
	const struct transport_node *nodes =
	    is->cd->transport ? transport_nodes(is->cd->transport, &n) : NULL;
	char *end;
	unsigned long v;

	if (!node || !*node) {
		*out = default_id;
		return 0;
	}
	for (size_t i = 0; nodes && i < n; i++)
		if (strcmp(nodes[i].name, node) == 0) {
			*out = nodes[i].nodeid;
			return 0;
		}
	errno = 0;
	v = strtoul(node, &end, 10);
	if (*node < '0' || *node > '9' || *end || errno || v == 0 ||
	    v > UINT32_MAX)
		return ENOENT;
	*out = (uint32_t)v;
	return 0;
}

static void fill_entry(const struct ipc_status *is, Clusterd__StatusEntry *e,
		       uint32_t nodeid, const char *key, const void *value,
		       size_t len)
{
	clusterd__status_entry__init(e);
	e->nodeid = nodeid;
	e->key = (char *)key;
	e->value.data = (uint8_t *)value;
	e->value.len = len;
	e->node_name = (char *)node_name(is, nodeid);
}

static void reply_entry(const struct ipc_status *is, struct ipc_conn *conn,
			uint64_t id, uint32_t nodeid, const char *key,
			const void *value, size_t len)
{
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;
	Clusterd__StatusEntry e;

	fill_entry(is, &e, nodeid, key, value, len);
	reply.result_case = CLUSTERD__REPLY__RESULT_STATUS_ENTRY;
	reply.status_entry = &e;
	ipc_send_reply(conn, &reply, id);
}

static const char *set_error(int err)
{
	switch (err) {
	case EINVAL: return "empty key";
	case ENAMETOOLONG: return "key longer than 255 bytes";
	case EFBIG: return "value larger than 64 KiB";
	case ENOSPC: return "this node's status store is full";
	case EACCES: return "setting status needs root";
	default: return "";
	}
}

static void handle_set(struct ipc_status *is, struct ipc_conn *conn,
		       const Clusterd__StatusSetRequest *sr, uint64_t id)
{
	struct status_req *q;
	int r = status_check_key(sr->key);

	if (r == 0 && !conn->can_write)
		r = -EACCES;
	if (r == 0 && sr->value.len > STATUS_VALUE_MAX)
		r = -EFBIG;
	if (r < 0)
		return ipc_reply_errno(conn, -r, set_error(-r), id);
	q = (struct status_req *)ipc_pending_add(&is->pending, sizeof(*q), conn,
						 id, is->cd->call_timeout_ms);
	if (!q)
		return ipc_reply_errno(conn, ENOMEM, "", id);
	snprintf(q->key, sizeof(q->key), "%s", sr->key);
	r = status_set(is->status, sr->key, sr->value.data, sr->value.len,
		       &q->base.op_id);
	if (r < 0) {
		ipc_reply_errno(conn, -r, set_error(-r), id);
		ipc_pending_remove(&is->pending, &q->base);
	}
}

static void handle_get(struct ipc_status *is, struct ipc_conn *conn,
		       const Clusterd__StatusGetRequest *gr, uint64_t id)
{
	uint32_t self = replica_self(is->cd->replica).nodeid, nodeid;
	const void *value;
	size_t len;
	int err = resolve_node(is, gr->node, self, &nodeid);

	if (err)
		return ipc_reply_errno(conn, err, "no such node", id);
	if (status_check_key(gr->key) < 0 ||
	    status_get(is->status, nodeid, gr->key, &value, &len) < 0)
		return ipc_reply_errno(conn, ENOENT, "no such key", id);
	reply_entry(is, conn, id, nodeid, gr->key, value, len);
}

struct listing {
	const struct ipc_status *is;
	Clusterd__StatusEntry *entries;
	Clusterd__StatusEntry **ptrs;
	size_t count, cap;
};

static int list_one(uint32_t nodeid, const char *key, const void *value,
		    size_t len, void *userdata)
{
	struct listing *ls = userdata;

	if (ARRAY_RESERVE(ls->entries, ls->cap, ls->count, 32) < 0)
		return -ENOMEM;
	fill_entry(ls->is, &ls->entries[ls->count++], nodeid, key, value, len);
	return 0;
}

static void handle_list(struct ipc_status *is, struct ipc_conn *conn,
			const Clusterd__StatusListRequest *lr, uint64_t id)
{
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;
	Clusterd__StatusListReply list = CLUSTERD__STATUS_LIST_REPLY__INIT;
	struct listing ls = {.is = is};
	uint32_t nodeid;
	int err = resolve_node(is, lr->node, 0, &nodeid);

	if (err)
		return ipc_reply_errno(conn, err, "no such node", id);
	err = -status_foreach(is->status, nodeid, list_one, &ls);
	if (!err && !(ls.ptrs = calloc(ls.count + 1, sizeof(*ls.ptrs))))
		err = ENOMEM;
	if (err) {
		ipc_reply_errno(conn, err, "", id);
	} else {
		for (size_t i = 0; i < ls.count; i++)
			ls.ptrs[i] = &ls.entries[i];
		list.entries = ls.ptrs;
		list.n_entries = ls.count;
		reply.result_case = CLUSTERD__REPLY__RESULT_STATUS_LIST;
		reply.status_list = &list;
		ipc_send_reply(conn, &reply, id);
	}
	free(ls.ptrs);
	free(ls.entries);
}

static int on_request(void *userdata, struct ipc_conn *conn,
		      Clusterd__Request *req)
{
	struct ipc_status *is = userdata;
	uint64_t id = req->header->request_id;

	switch (req->op_case) {
	case CLUSTERD__REQUEST__OP_STATUS_SET:
		handle_set(is, conn, req->status_set, id);
		return 0;
	case CLUSTERD__REQUEST__OP_STATUS_GET:
		handle_get(is, conn, req->status_get, id);
		return 0;
	case CLUSTERD__REQUEST__OP_STATUS_LIST:
		handle_list(is, conn, req->status_list, id);
		return 0;
	default: return -EOPNOTSUPP;
	}
}

static void on_set_done(void *userdata, uint64_t op_id, int err)
{
	struct ipc_status *is = userdata;
	struct status_req *q =
	    (struct status_req *)ipc_pending_find(&is->pending, op_id);
	uint32_t self = replica_self(is->cd->replica).nodeid;

	if (!q)
		return; /* timed out, or its client went away */
	if (err)
		ipc_reply_errno(q->base.conn, -err, set_error(-err),
				q->base.request_id);
	else
		reply_entry(is, q->base.conn, q->base.request_id, self, q->key,
			    NULL, 0);
	ipc_pending_remove(&is->pending, &q->base);
}

static void on_expired(void *userdata, struct ipc_pending *p)
{
	struct ipc_status *is = userdata;

	ipc_reply_errno(p->conn, ETIMEDOUT, "timed out", p->request_id);
	ipc_pending_remove(&is->pending, p);
}

static void on_closed(void *userdata, struct ipc_conn *conn)
{
	struct ipc_status *is = userdata;

	ipc_pending_drop_conn(&is->pending, conn);
}

int ipc_status_new(struct clusterd *cd, struct ipc_status **out)
{
	static const struct status_ops ops = {.set_done = on_set_done};
	struct ipc_status *is = calloc(1, sizeof(*is));
	struct ipc_handler h = {
	    .request = on_request,
	    .closed = on_closed,
	    .userdata = is,
	};
	int r;

	if (!is)
		return -ENOMEM;
	is->cd = cd;
	ipc_pending_init(&is->pending, cd->loop, on_expired, is);
	r = status_new(cd->replica, &ops, is, &is->status);
	if (r == 0)
		r = ipc_server_add_handler(cd->ipc, &h);
	if (r == 0)
		cd->status = is->status;
	if (r < 0) {
		ipc_status_free(is);
		return log_error_errno(r,
				       "Cannot set up the node status store");
	}
	*out = is;
	return 0;
}

void ipc_status_free(struct ipc_status *is)
{
	if (!is)
		return;
	ipc_pending_destroy(&is->pending);
	if (is->cd->status == is->status)
		is->cd->status = NULL;
	status_free(is->status);
	free(is);
}
