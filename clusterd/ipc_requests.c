/*
 * IPC requests: reads are answered from the in-memory tree at once; writes
 * become replicated WriteOps and are answered only after their own node
 * applied them in delivery order AND the store committed them (invariant
 * 3), in one group commit per delivery batch.
 *
 * Waiting, parking during a sync, deadlines (ETIMEDOUT: outcome unknown)
 * and the answer after commit are the shared write queue's
 * (write_queue.h); the FUSE filesystem uses the same queue.
 */
#include "ipc_server.h"
#include "array.h"
#include "log.h"
#include "macro.h"
#include "write_queue.h"

#include <errno.h>
#include <string.h>
#include <sys/time.h>

static const char *errno_reason(int err)
{
	switch (err) {
	case EROFS: return "no quorum";
	case EAGAIN: return "node is synchronising";
	case ETIMEDOUT: return "timed out";
	case ESTALE: return "version mismatch";
	case EACCES: return "permission denied";
	default: return strerror(err);
	}
}

static void reply_status(struct ipc_conn *conn, int err, uint64_t request_id)
{
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;

	reply.errno_code = err;
	reply.error_message = err ? (char *)errno_reason(err) : (char *)"";
	ipc_send_reply(conn, &reply, request_id);
}

static bool is_priv(const char *path)
{
	return strncmp(path, "priv", 4) == 0 &&
	       (path[4] == '\0' || path[4] == '/');
}

static const char *strip_slash(const char *path)
{
	return path && *path == '/' ? path + 1 : (path ? path : "");
}

static void fill_stat(Clusterd__Stat *st, const struct tree_entry *e)
{
	clusterd__stat__init(st);
	st->path = (char *)e->path;
	st->type = e->type == TREE_DIR ? CLUSTERD__ENTRY_TYPE__ENTRY_DIR
				       : CLUSTERD__ENTRY_TYPE__ENTRY_FILE;
	st->version = e->version;
	st->writer = e->writer;
	st->mtime_ms = e->mtime_ms;
	st->size = e->size;
}

/* Look PATH up for reading; 0 or a positive errno. */
static int lookup_readable(struct ipc_server *s, struct ipc_conn *conn,
			   const char *path, const struct tree_entry **e)
{
	int r = tree_path_check(path);

	if (*path && r < 0)
		return -r;
	if (is_priv(path) && !conn->can_read_priv)
		return EACCES;
	*e = tree_lookup(s->cd->tree, path);
	return *e ? 0 : ENOENT;
}

static void handle_get(struct ipc_server *s, struct ipc_conn *conn,
		       const char *path, uint64_t id)
{
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;
	Clusterd__GetReply get = CLUSTERD__GET_REPLY__INIT;
	Clusterd__Stat st;
	const struct tree_entry *e;
	int err = lookup_readable(s, conn, path, &e);

	if (!err && e->type == TREE_DIR)
		err = EISDIR;
	if (err)
		return reply_status(conn, err, id);
	fill_stat(&st, e);
	get.stat = &st;
	get.data.data = (uint8_t *)e->data;
	get.data.len = e->size;
	reply.result_case = CLUSTERD__REPLY__RESULT_GET;
	reply.get = &get;
	ipc_send_reply(conn, &reply, id);
}

static void handle_stat(struct ipc_server *s, struct ipc_conn *conn,
			const char *path, uint64_t id)
{
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;
	Clusterd__Stat st;
	const struct tree_entry *e;
	int err = lookup_readable(s, conn, path, &e);

	if (err)
		return reply_status(conn, err, id);
	fill_stat(&st, e);
	reply.result_case = CLUSTERD__REPLY__RESULT_STAT;
	reply.stat = &st;
	ipc_send_reply(conn, &reply, id);
}

struct list_acc {
	Clusterd__Stat *stats;
	Clusterd__Stat **ptrs;
	size_t count, cap;
};

static int list_one(const struct tree_entry *e, void *userdata)
{
	struct list_acc *acc = userdata;

	if (ARRAY_RESERVE(acc->stats, acc->cap, acc->count, 32) < 0)
		return -ENOMEM;
	fill_stat(&acc->stats[acc->count++], e);
	return 0;
}

static void handle_list(struct ipc_server *s, struct ipc_conn *conn,
			const char *path, uint64_t id)
{
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;
	Clusterd__ListReply list = CLUSTERD__LIST_REPLY__INIT;
	struct list_acc acc = {};
	const struct tree_entry *e;
	int err = lookup_readable(s, conn, path, &e);

	if (!err && e->type != TREE_DIR)
		err = ENOTDIR;
	if (!err)
		err = -tree_list(s->cd->tree, path, list_one, &acc);
	if (!err && !(acc.ptrs = calloc(acc.count + 1, sizeof(*acc.ptrs))))
		err = ENOMEM;
	if (err) {
		free(acc.stats);
		return reply_status(conn, err, id);
	}
	for (size_t i = 0; i < acc.count; i++)
		acc.ptrs[i] = &acc.stats[i];
	list.entries = acc.ptrs;
	list.n_entries = acc.count;
	reply.result_case = CLUSTERD__REPLY__RESULT_LIST;
	reply.list = &list;
	ipc_send_reply(conn, &reply, id);
	free(acc.ptrs);
	free(acc.stats);
}

/* ------------------------------------------------------------- writes */

/* A client's write in the shared write queue (write_queue.h). */
struct pending_write {
	struct ipc_conn *conn;
	Clusterd__Request *req;
};

/* Answer the client (if still connected) and forget the write. */
static void write_done(void *userdata, int err, const char *why,
		       uint64_t version)
{
	struct pending_write *pw = userdata;
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;
	Clusterd__WriteReply wr = CLUSTERD__WRITE_REPLY__INIT;

	if (err) {
		reply.errno_code = err;
		reply.error_message = (char *)(why ? why : errno_reason(err));
		ipc_send_reply(pw->conn, &reply, pw->req->header->request_id);
	} else {
		wr.tree_version = version;
		reply.result_case = CLUSTERD__REPLY__RESULT_WRITE;
		reply.write = &wr;
		ipc_send_reply(pw->conn, &reply, pw->req->header->request_id);
	}
	ipc_conn_unref(pw->conn);
	clusterd__request__free_unpacked(pw->req, NULL);
	free(pw);
}

static int to_replica_write(const Clusterd__Request *req,
			    struct replica_write *w)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	*w = (struct replica_write){.mtime_ms =
					tv.tv_sec * 1000LL + tv.tv_usec / 1000};
	switch (req->op_case) {
	case CLUSTERD__REQUEST__OP_PUT:
		w->type = REPLICA_PUT;
		w->path = strip_slash(req->put->path);
		w->data = req->put->data.data;
		w->size = req->put->data.len;
		w->check_version = req->put->check_version;
		w->expected_version = req->put->expected_version;
		return 0;
	case CLUSTERD__REQUEST__OP_REMOVE:
		w->type = REPLICA_REMOVE;
		w->path = strip_slash(req->remove->path);
		return 0;
	case CLUSTERD__REQUEST__OP_MKDIR:
		w->type = REPLICA_MKDIR;
		w->path = strip_slash(req->mkdir->path);
		return 0;
	case CLUSTERD__REQUEST__OP_RENAME:
		w->type = REPLICA_RENAME;
		w->path = strip_slash(req->rename->from);
		w->to = strip_slash(req->rename->to);
		return 0;
	default: return -EINVAL;
	}
}

static int handle_write(struct ipc_server *s, struct ipc_conn *conn,
			Clusterd__Request *req)
{
	struct pending_write *pw;
	struct replica_write w;

	if (to_replica_write(req, &w) < 0)
		return reply_status(conn, EINVAL, req->header->request_id), 0;
	if (!conn->can_write)
		return reply_status(conn, EACCES, req->header->request_id), 0;
	pw = calloc(1, sizeof(*pw));
	if (!pw)
		return reply_status(conn, ENOMEM, req->header->request_id), 0;
	pw->conn = conn;
	ipc_conn_ref(conn);
	pw->req = req;
	if (write_queue_submit(s->cd->writes, &w, write_done, pw) < 0) {
		ipc_conn_unref(conn);
		free(pw);
		return reply_status(conn, ENOMEM, req->header->request_id), 0;
	}
	return 1; /* REQ now belongs to PW (write_done frees both) */
}

int ipc_handle_request(struct ipc_server *s, struct ipc_conn *conn,
		       Clusterd__Request *req)
{
	uint64_t id = req->header->request_id;

	switch (req->op_case) {
	case CLUSTERD__REQUEST__OP_GET:
		handle_get(s, conn, strip_slash(req->get->path), id);
		return 0;
	case CLUSTERD__REQUEST__OP_STAT:
		handle_stat(s, conn, strip_slash(req->stat->path), id);
		return 0;
	case CLUSTERD__REQUEST__OP_LIST:
		handle_list(s, conn, strip_slash(req->list->path), id);
		return 0;
	case CLUSTERD__REQUEST__OP_MEMBERS:
		ipc_handle_members(s, conn, id);
		return 0;
	case CLUSTERD__REQUEST__OP_PUT:
	case CLUSTERD__REQUEST__OP_REMOVE:
	case CLUSTERD__REQUEST__OP_MKDIR:
	case CLUSTERD__REQUEST__OP_RENAME: return handle_write(s, conn, req);
	default: return ipc_handlers_request(s, conn, req);
	}
}

void ipc_server_state_changed(struct ipc_server *s)
{
	for (size_t i = 0; i < s->n_handlers; i++)
		if (s->handlers[i].state_changed)
			s->handlers[i].state_changed(s->handlers[i].userdata);
}

int ipc_requests_new(struct clusterd *cd, struct ipc_server **out)
{
	struct ipc_server *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->cd = cd;
	*out = s;
	return 0;
}

void ipc_requests_free(struct ipc_server *s)
{
	free(s);
}
