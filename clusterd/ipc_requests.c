/*
 * IPC requests: reads are answered from the in-memory tree at once; writes
 * become replicated WriteOps and are answered only after their own node
 * applied them in delivery order AND the store committed them (invariant
 * 3), in one group commit per delivery batch.
 *
 * A write submitted while the view synchronises is parked and resubmitted
 * when sync completes; every write carries a deadline, so a client never
 * waits forever on a stalled member: it gets ETIMEDOUT (outcome unknown).
 */
#include "ipc_server.h"
#include "array.h"
#include "log.h"
#include "macro.h"

#include <errno.h>
#include <string.h>
#include <sys/time.h>
#include <qb/qbutil.h>

#define DEADLINE_TICK_MS 100

enum pending_state { PW_PARKED, PW_SENT, PW_DECIDED };

struct pending_write {
	struct pending_write *prev, *next;
	struct ipc_conn *conn;
	Clusterd__Request *req;
	uint64_t write_id;
	enum pending_state state;
	int err;
	uint64_t version;
	uint64_t deadline_ns;
};

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

static uint64_t now_ns(void)
{
	return qb_util_nano_current_get();
}

static void pending_unlink(struct ipc_server *s, struct pending_write *pw)
{
	if (pw->prev)
		pw->prev->next = pw->next;
	else
		s->pending = pw->next;
	if (pw->next)
		pw->next->prev = pw->prev;
	else
		s->pending_tail = pw->prev;
}

/* Answer the client (if still connected) and forget the write. */
static void pending_finish(struct ipc_server *s, struct pending_write *pw,
			   int err, uint64_t version)
{
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;
	Clusterd__WriteReply wr = CLUSTERD__WRITE_REPLY__INIT;

	if (err) {
		reply_status(pw->conn, err, pw->req->header->request_id);
	} else {
		wr.tree_version = version;
		reply.result_case = CLUSTERD__REPLY__RESULT_WRITE;
		reply.write = &wr;
		ipc_send_reply(pw->conn, &reply, pw->req->header->request_id);
	}
	pending_unlink(s, pw);
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

/* Submit (or resubmit) PW; returns 0 while it is still in flight. */
static int pending_submit(struct ipc_server *s, struct pending_write *pw)
{
	struct replica_write w;
	int r = to_replica_write(pw->req, &w);

	if (r == 0)
		r = replica_submit(s->cd->replica, &w, &pw->write_id);
	if (r == 0)
		pw->state = PW_SENT;
	else if (r == -EAGAIN)
		pw->state = PW_PARKED;
	else
		pending_finish(s, pw, -r, 0);
	return r == 0 || r == -EAGAIN ? 0 : r;
}

static void deadline_tick(void *data);

static void arm_deadlines(struct ipc_server *s)
{
	if (s->deadline_armed || !s->pending)
		return;
	s->deadline_armed =
	    qb_loop_timer_add(s->cd->loop, QB_LOOP_LOW,
			      DEADLINE_TICK_MS * QB_TIME_NS_IN_MSEC, s,
			      deadline_tick, &s->deadline_timer) == 0;
}

static void deadline_tick(void *data)
{
	struct ipc_server *s = data;
	uint64_t now = now_ns();
	struct pending_write *pw, *next;

	s->deadline_armed = false;
	for (pw = s->pending; pw; pw = next) {
		next = pw->next;
		if (pw->state != PW_DECIDED && now >= pw->deadline_ns)
			pending_finish(s, pw, ETIMEDOUT, 0);
	}
	arm_deadlines(s);
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
	pw->deadline_ns =
	    now_ns() + s->cd->call_timeout_ms * QB_TIME_NS_IN_MSEC;
	pw->prev = s->pending_tail;
	if (s->pending_tail)
		s->pending_tail->next = pw;
	else
		s->pending = pw;
	s->pending_tail = pw;
	arm_deadlines(s);
	pending_submit(s, pw);
	return 1; /* REQ now belongs to PW (pending_finish frees both) */
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

void ipc_server_write_done(struct ipc_server *s, uint64_t write_id, int err,
			   uint64_t version)
{
	for (struct pending_write *pw = s->pending; pw; pw = pw->next) {
		if (pw->state == PW_SENT && pw->write_id == write_id) {
			pw->state = PW_DECIDED;
			pw->err = -err;
			pw->version = version;
			return;
		}
	}
	/* Its client timed out or went away: nothing to answer. */
}

void ipc_server_commit_done(struct ipc_server *s, int err)
{
	struct pending_write *pw, *next;

	for (pw = s->pending; pw; pw = next) {
		next = pw->next;
		if (pw->state != PW_DECIDED)
			continue;
		if (pw->err == EAGAIN) {
			/* Delivered during a sync: try again in the new view.
			 */
			pending_submit(s, pw);
			continue;
		}
		/* Applied but not durable here: the outcome is unknown to
		 * the client, never "done". */
		pending_finish(s, pw, pw->err ? pw->err : (err < 0 ? EIO : 0),
			       pw->version);
	}
}

void ipc_server_state_changed(struct ipc_server *s)
{
	struct pending_write *pw, *next;

	for (pw = s->pending; pw; pw = next) {
		next = pw->next;
		if (pw->state == PW_PARKED)
			pending_submit(s, pw);
	}
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
	while (s->pending)
		pending_finish(s, s->pending, ESHUTDOWN, 0);
	if (s->deadline_armed)
		qb_loop_timer_del(s->cd->loop, s->deadline_timer);
	free(s);
}
