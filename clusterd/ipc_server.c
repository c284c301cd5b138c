/*
 * IPC endpoint: libqb server on the daemon's qb loop.
 *
 * libqb's poll hooks carry no user pointer, so the loop they use is a file
 * static: there is one server per process. Each connection gets an
 * ipc_conn with a reference count, because a write outlives the request
 * call that started it (it is answered after delivery and commit) and the
 * client may disconnect in between; a closed connection's replies are
 * dropped.
 */
#include "config.h"
#include "ipc_server.h"
#include "ipc_proto.h"
#include "log.h"
#include "macro.h"

#include <errno.h>
#include <grp.h>
#include <string.h>

static qb_loop_t *ipc_loop;

static int32_t job_add(enum qb_loop_priority p, void *data,
		       qb_loop_job_dispatch_fn fn)
{
	return qb_loop_job_add(ipc_loop, p, data, fn);
}

static int32_t dispatch_add(enum qb_loop_priority p, int32_t fd, int32_t events,
			    void *data, qb_ipcs_dispatch_fn_t fn)
{
	return qb_loop_poll_add(ipc_loop, p, fd, events, data, fn);
}

static int32_t dispatch_mod(enum qb_loop_priority p, int32_t fd, int32_t events,
			    void *data, qb_ipcs_dispatch_fn_t fn)
{
	return qb_loop_poll_mod(ipc_loop, p, fd, events, data, fn);
}

static int32_t dispatch_del(int32_t fd)
{
	return qb_loop_poll_del(ipc_loop, fd);
}

static gid_t clusterd_gid(bool *exists)
{
	struct group *g = getgrnam("clusterd");

	*exists = g != NULL;
	return g ? g->gr_gid : 0;
}

/* libqb tells the credentials only here, so the connection's state is
 * created at accept time. */
static int32_t on_accept(qb_ipcs_connection_t *c, uid_t uid, gid_t gid)
{
	bool group_exists;
	gid_t readers = clusterd_gid(&group_exists);
	struct ipc_conn *conn;

	if (uid != 0 && !(group_exists && gid == readers)) {
		log_info("Refused an IPC connection from uid %u gid %u (not "
			 "root or group clusterd)",
			 (unsigned)uid, (unsigned)gid);
		return -EACCES;
	}
	conn = calloc(1, sizeof(*conn));
	if (!conn)
		return -ENOMEM;
	conn->c = c;
	conn->server = qb_ipcs_connection_service_context_get(c);
	conn->can_write = uid == 0;
	conn->can_read_priv = uid == 0;
	conn->refs = 1;
	conn->id = ++conn->server->next_conn_id;
	qb_ipcs_context_set(c, conn);
	return 0;
}

static void on_destroyed(qb_ipcs_connection_t *c)
{
	struct ipc_conn *conn = qb_ipcs_context_get(c);

	if (!conn)
		return;
	qb_ipcs_context_set(c, NULL);
	conn->closed = true;
	conn->c = NULL;
	for (size_t i = 0; i < conn->server->n_handlers; i++)
		if (conn->server->handlers[i].closed)
			conn->server->handlers[i].closed(
			    conn->server->handlers[i].userdata, conn);
	ipc_conn_unref(conn);
}

static int32_t on_closed(qb_ipcs_connection_t *c)
{
	return 0;
}

void ipc_conn_ref(struct ipc_conn *conn)
{
	conn->refs++;
}

void ipc_conn_unref(struct ipc_conn *conn)
{
	if (conn && --conn->refs == 0)
		free(conn);
}

int ipc_send_reply(struct ipc_conn *conn, Clusterd__Reply *reply,
		   uint64_t request_id)
{
	Clusterd__Header header = CLUSTERD__HEADER__INIT;
	struct qb_ipc_response_header rh = {.id = IPC_MSG_REPLY};
	_cleanup_free_ uint8_t *buf = NULL;
	struct iovec iov[2];
	size_t len;
	ssize_t sent;

	if (conn->closed)
		return -ENOTCONN;
	header.protocol_version =
	    CLUSTERD__PROTOCOL_VERSION__PROTOCOL_VERSION_CURRENT;
	header.request_id = request_id;
	reply->header = &header;
	len = clusterd__reply__get_packed_size(reply);
	buf = malloc(len ? len : 1);
	if (!buf)
		return -ENOMEM;
	clusterd__reply__pack(reply, buf);
	reply->header = NULL;
	if (sizeof(rh) + len + 1024 > (size_t)qb_ipcs_connection_get_buffer_size(conn->c)) {
		/* The client connected with small rings: tell it to come back
		 * with large ones (lib/ipc_client.c does, once). */
		Clusterd__Reply too_big = CLUSTERD__REPLY__INIT;

		too_big.errno_code = EMSGSIZE;
		too_big.error_message = (char *)"reply too large for this connection";
		return ipc_send_reply(conn, &too_big, request_id);
	}
	rh.size = sizeof(rh) + len;
	iov[0] = (struct iovec){&rh, sizeof(rh)};
	iov[1] = (struct iovec){buf, len};
	sent = qb_ipcs_response_sendv(conn->c, iov, 2);
	if (sent < 0)
		return log_warning_errno(
		    sent, "Cannot send an IPC reply of %zu bytes", len);
	return 0;
}

static void reply_error(struct ipc_conn *conn, int err, const char *why,
			uint64_t request_id)
{
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;

	reply.errno_code = err;
	reply.error_message = (char *)why;
	ipc_send_reply(conn, &reply, request_id);
}

static int32_t on_message(qb_ipcs_connection_t *c, void *data, size_t size)
{
	struct ipc_conn *conn = qb_ipcs_context_get(c);
	struct qb_ipc_request_header rh;
	Clusterd__Request *req;

	if (!conn)
		return 0;
	/* libqb's buffer is only 4-byte aligned: copy the header out. */
	if (size >= sizeof(rh))
		memcpy(&rh, data, sizeof(rh));
	/* SIZE is the header's size field as the client wrote it, not what
	 * it sent: never read past the connection's buffer. Bytes between
	 * the two are stale; at worst they make a garbled request, which is
	 * answered like any other. */
	if (size < sizeof(rh) || rh.id != IPC_MSG_REQUEST ||
	    (size_t)rh.size != size ||
	    size > (size_t)qb_ipcs_connection_get_buffer_size(c)) {
		reply_error(conn, EPROTO, "malformed request frame", 0);
		return 0;
	}
	req = clusterd__request__unpack(NULL, size - sizeof(rh),
					(const uint8_t *)data + sizeof(rh));
	if (!req || !req->header) {
		reply_error(conn, EPROTO, "request does not decode", 0);
	} else if (req->header->protocol_version !=
		   CLUSTERD__PROTOCOL_VERSION__PROTOCOL_VERSION_CURRENT) {
		reply_error(conn, EPROTONOSUPPORT,
			    "unsupported protocol version",
			    req->header->request_id);
	} else if (ipc_handle_request(conn->server, conn, req) > 0) {
		return 0; /* kept for a write in flight */
	}
	if (req)
		clusterd__request__free_unpacked(req, NULL);
	return 0;
}

int ipc_server_add_handler(struct ipc_server *s, const struct ipc_handler *h)
{
	if (s->n_handlers == ELEMENTSOF(s->handlers))
		return -ENOSPC;
	s->handlers[s->n_handlers++] = *h;
	return 0;
}

int ipc_handlers_request(struct ipc_server *s, struct ipc_conn *conn,
			 Clusterd__Request *req)
{
	int r;

	for (size_t i = 0; i < s->n_handlers; i++) {
		r = s->handlers[i].request(s->handlers[i].userdata, conn, req);
		if (r != -EOPNOTSUPP)
			return r;
	}
	reply_error(conn, EOPNOTSUPP, "operation not supported",
		    req->header->request_id);
	return 0;
}

int ipc_server_new(struct clusterd *cd, struct ipc_server **out)
{
	static struct qb_ipcs_service_handlers handlers = {
	    .connection_accept = on_accept,
	    .msg_process = on_message,
	    .connection_closed = on_closed,
	    .connection_destroyed = on_destroyed,
	};
	static struct qb_ipcs_poll_handlers poll = {
	    .job_add = job_add,
	    .dispatch_add = dispatch_add,
	    .dispatch_mod = dispatch_mod,
	    .dispatch_del = dispatch_del,
	};
	struct ipc_server *s;
	int r;

	r = ipc_requests_new(cd, &s);
	if (r < 0)
		return r;
	ipc_loop = cd->loop;
	s->service = qb_ipcs_create(IPC_SERVICE_NAME, 0, QB_IPC_SHM, &handlers);
	if (!s->service) {
		ipc_requests_free(s);
		return log_error_errno(ENOMEM, "Cannot create the IPC service");
	}
	qb_ipcs_service_context_set(s->service, s);
	qb_ipcs_poll_handlers_set(s->service, &poll);
	r = qb_ipcs_run(s->service);
	if (r < 0) {
		qb_ipcs_destroy(s->service);
		ipc_requests_free(s);
		return log_error_errno(r, "Cannot start the IPC service");
	}
	*out = s;
	return 0;
}

void ipc_server_free(struct ipc_server *s)
{
	if (!s)
		return;
	/* Stopping: connections close without their handlers, whose
	 * cleanup (releasing locks) the group does when we leave it. */
	s->n_handlers = 0;
	qb_ipcs_destroy(s->service);
	ipc_requests_free(s);
}
