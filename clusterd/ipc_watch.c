/*
 * Watches (see proto WatchRequest/Event).
 *
 * Tree events come from a tree observer, so they are produced while a
 * delivered write is applied: in apply order, the same order on every
 * node. They go out on libqb's event channel at once. A client whose event
 * queue is full would otherwise miss events silently; instead it is
 * disconnected (from a loop job, not from inside the observer), so a gap
 * is always visible as a closed connection.
 *
 * Status events (StatusEvent) come from an observer of the node status
 * store, the same way: when a node's entry set or deletion is applied.
 */
#include "ipc_watch.h"
#include "ipc_proto.h"
#include "log.h"
#include "status.h"
#include "macro.h"

#include <errno.h>
#include <string.h>

struct watcher {
	struct watcher *next;
	struct ipc_conn *conn;
	char *prefix;
	size_t prefix_len;
	char *status_key; /* NULL: no status events; "": every key */
	bool tree, membership, dead;
	uint64_t seq;
};

struct ipc_watch {
	struct clusterd *cd;
	struct watcher *watchers;
	bool reaper_queued;
};

static bool is_priv(const char *path)
{
	return strncmp(path, "priv", 4) == 0 &&
	       (path[4] == '\0' || path[4] == '/');
}

static bool matches(const struct watcher *w, const char *path)
{
	if (!w->tree || (!w->conn->can_read_priv && is_priv(path)))
		return false;
	if (w->prefix_len == 0)
		return true;
	return strncmp(path, w->prefix, w->prefix_len) == 0 &&
	       (path[w->prefix_len] == '\0' || path[w->prefix_len] == '/');
}

static void reap(void *data)
{
	struct ipc_watch *iw = data;

	iw->reaper_queued = false;
	/* A disconnect may run on_closed at once, which frees W. */
	for (struct watcher *w = iw->watchers, *next; w; w = next) {
		next = w->next;
		if (w->dead && !w->conn->closed)
			qb_ipcs_disconnect(w->conn->c);
	}
}

static void send_event(struct ipc_watch *iw, struct watcher *w,
		       Clusterd__Event *ev)
{
	Clusterd__Header header = CLUSTERD__HEADER__INIT;
	struct qb_ipc_response_header rh = {.id = IPC_MSG_EVENT};
	_cleanup_free_ uint8_t *buf = NULL;
	struct iovec iov[2];
	size_t len;
	ssize_t r;

	if (w->dead || w->conn->closed)
		return;
	header.protocol_version =
	    CLUSTERD__PROTOCOL_VERSION__PROTOCOL_VERSION_CURRENT;
	ev->header = &header;
	ev->seq = ++w->seq;
	len = clusterd__event__get_packed_size(ev);
	buf = malloc(len ? len : 1);
	if (buf) {
		clusterd__event__pack(ev, buf);
		rh.size = sizeof(rh) + len;
		iov[0] = (struct iovec){&rh, sizeof(rh)};
		iov[1] = (struct iovec){buf, len};
		r = qb_ipcs_event_sendv(w->conn->c, iov, 2);
	} else {
		r = -ENOMEM;
	}
	ev->header = NULL;
	if (r >= 0)
		return;
	log_warning_errno(r,
			  "A watcher cannot take event %llu; disconnecting it",
			  (unsigned long long)w->seq);
	w->dead = true;
	if (!iw->reaper_queued)
		iw->reaper_queued =
		    qb_loop_job_add(iw->cd->loop, QB_LOOP_HIGH, iw, reap) == 0;
}

static void observe(const char *path, const struct tree_entry *entry,
		    uint64_t tombstone_version, void *userdata)
{
	struct ipc_watch *iw = userdata;
	Clusterd__Event ev = CLUSTERD__EVENT__INIT;
	Clusterd__TreeEvent te = CLUSTERD__TREE_EVENT__INIT;

	te.path = (char *)path;
	if (entry) {
		te.op = CLUSTERD__TREE_EVENT__OP__CHANGED;
		te.version = entry->version;
		te.type = entry->type == TREE_DIR
			      ? CLUSTERD__ENTRY_TYPE__ENTRY_DIR
			      : CLUSTERD__ENTRY_TYPE__ENTRY_FILE;
		te.writer = entry->writer;
		te.size = entry->size;
	} else {
		/* tree_clear() reports "" as removed: the whole tree. */
		te.op = *path ? CLUSTERD__TREE_EVENT__OP__REMOVED
			      : CLUSTERD__TREE_EVENT__OP__RESET;
		te.version = tombstone_version;
	}
	ev.kind_case = CLUSTERD__EVENT__KIND_TREE;
	ev.tree = &te;
	for (struct watcher *w = iw->watchers; w; w = w->next)
		if (te.op == CLUSTERD__TREE_EVENT__OP__RESET ? w->tree
							     : matches(w, path))
			send_event(iw, w, &ev);
}

static void membership_event(void *userdata)
{
	struct ipc_watch *iw = userdata;
	struct replica *r = iw->cd->replica;
	Clusterd__Event ev = CLUSTERD__EVENT__INIT;
	Clusterd__MembershipEvent me = CLUSTERD__MEMBERSHIP_EVENT__INIT;
	size_t n;
	const struct replica_member *m = replica_members(r, &n);
	uint32_t view[n ? n : 1];

	for (size_t i = 0; i < n; i++)
		view[i] = m[i].nodeid;
	me.quorate = replica_quorate(r);
	me.synced = replica_synced(r);
	me.tree_version = tree_version(iw->cd->tree);
	me.view = view;
	me.n_view = n;
	ev.kind_case = CLUSTERD__EVENT__KIND_MEMBERSHIP;
	ev.membership = &me;
	for (struct watcher *w = iw->watchers; w; w = w->next)
		if (w->membership)
			send_event(iw, w, &ev);
}

static void status_changed(uint32_t nodeid, const char *key, void *userdata)
{
	struct ipc_watch *iw = userdata;
	Clusterd__Event ev = CLUSTERD__EVENT__INIT;
	Clusterd__StatusEvent se = CLUSTERD__STATUS_EVENT__INIT;

	se.node = nodeid;
	se.key = (char *)(key ? key : "");
	ev.kind_case = CLUSTERD__EVENT__KIND_STATUS;
	ev.status = &se;
	for (struct watcher *w = iw->watchers; w; w = w->next)
		if (w->status_key && (!key || !w->status_key[0] ||
				      strcmp(w->status_key, key) == 0))
			send_event(iw, w, &ev);
}

static void drop(struct ipc_watch *iw, struct ipc_conn *conn)
{
	for (struct watcher **p = &iw->watchers; *p; p = &(*p)->next) {
		struct watcher *w = *p;

		if (w->conn == conn) {
			*p = w->next;
			ipc_conn_unref(w->conn);
			free(w->prefix);
			free(w->status_key);
			free(w);
			return;
		}
	}
}

static int on_request(void *userdata, struct ipc_conn *conn,
		      Clusterd__Request *req)
{
	struct ipc_watch *iw = userdata;
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;
	const Clusterd__WatchRequest *wr = req->watch;
	const char *prefix;
	struct watcher *w;

	if (req->op_case != CLUSTERD__REQUEST__OP_WATCH)
		return -EOPNOTSUPP;
	prefix = wr->prefix[0] == '/' ? wr->prefix + 1 : wr->prefix;
	if (*prefix && tree_path_check(prefix) < 0)
		reply.errno_code = EINVAL;
	else if (!conn->can_read_priv && is_priv(prefix))
		reply.errno_code = EACCES; /* under "" priv/ is filtered out */
	if (reply.errno_code == 0 && !(w = calloc(1, sizeof(*w))))
		reply.errno_code = ENOMEM;
	if (reply.errno_code == 0 &&
	    (!(w->prefix = strdup(prefix)) ||
	     (wr->status && !(w->status_key = strdup(wr->status_key))))) {
		free(w->prefix);
		free(w);
		reply.errno_code = ENOMEM;
	}
	if (reply.errno_code) {
		reply.error_message = (char *)strerror(reply.errno_code);
		ipc_send_reply(conn, &reply, req->header->request_id);
		return 0;
	}
	drop(iw, conn); /* one watch per connection: a new one replaces it */
	w->prefix_len = strlen(w->prefix);
	w->tree = wr->tree;
	w->membership = wr->membership;
	w->conn = conn;
	ipc_conn_ref(conn);
	w->next = iw->watchers;
	iw->watchers = w;
	ipc_send_reply(conn, &reply, req->header->request_id);
	return 0;
}

static void on_closed(void *userdata, struct ipc_conn *conn)
{
	drop(userdata, conn);
}

int ipc_watch_new(struct clusterd *cd, struct ipc_watch **out)
{
	struct ipc_watch *iw = calloc(1, sizeof(*iw));
	struct ipc_handler h = {
	    .request = on_request,
	    .closed = on_closed,
	    .state_changed = membership_event,
	};
	int r;

	if (!iw)
		return -ENOMEM;
	iw->cd = cd;
	h.userdata = iw;
	r = ipc_server_add_handler(cd->ipc, &h);
	if (r == 0)
		r = tree_add_observer(cd->tree, observe, iw);
	if (r == 0 && cd->status)
		r = status_add_observer(cd->status, status_changed, iw);
	if (r < 0) {
		free(iw);
		return r;
	}
	*out = iw;
	return 0;
}

void ipc_watch_free(struct ipc_watch *iw)
{
	if (!iw)
		return;
	tree_remove_observer(iw->cd->tree, observe, iw);
	while (iw->watchers)
		drop(iw, iw->watchers->conn);
	if (iw->reaper_queued)
		qb_loop_job_del(iw->cd->loop, QB_LOOP_HIGH, iw, reap);
	free(iw);
}
