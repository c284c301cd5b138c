/*
 * clusterd's IPC client on libqb: framing, request ids and deadlines.
 *
 * A call packs the Request behind a qb_ipc_request_header, sends it with
 * qb_ipcc_sendv() and then waits for the reply with qb_ipcc_recv() in
 * slices of at most RECV_SLICE_MS, checking between slices that the server
 * is still connected, until the caller's deadline (CLOCK_MONOTONIC)
 * passes. qb_ipcc_sendv_recv() would do the same wait but cannot tell a
 * late reply to an earlier, abandoned request from the one awaited; our
 * own loop can, and drops it.
 *
 * The receive buffer is allocated once per connection at the largest size
 * a message may have (IPC_MAX_MSG_SIZE, or more if libqb negotiated more).
 */
#include "ipc_client.h"

#include "ipc_proto.h"
#include "log.h"
#include "macro.h"

#include <errno.h>
#include <inttypes.h>
#include <qb/qbipc_common.h>
#include <qb/qbipcc.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>

/* Longest single wait, so that a server that went away is noticed. */
#define RECV_SLICE_MS 1000
/* With an event hook: how often a call looks for events. */
#define HOOK_SLICE_MS 50
/* Pause before resending when libqb's flow control says "not now". */
#define SEND_RETRY_MS 10

struct ipc_client {
	qb_ipcc_connection_t *conn;
	char service[64];
	size_t ring_size; /* what we asked libqb for */
	uint64_t next_id;
	/* Replies still owed for calls that timed out. */
	unsigned abandoned;
	uint8_t *buf;
	size_t buf_size;
	ipc_client_event_hook hook;
	void *hook_data;
};

/* Deadlines are in microseconds of CLOCK_MONOTONIC, so that a wait never
 * ends early by rounding. */
static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Milliseconds left until DEADLINE (-1: none), rounded up, capped at CAP. */
static int wait_slice(int64_t deadline, int cap)
{
	int64_t left;

	if (deadline < 0)
		return cap;
	left = (deadline - now_us() + 999) / 1000;
	if (left < 0)
		return 0;
	return left < cap ? (int)left : cap;
}

static bool deadline_passed(int64_t deadline)
{
	return deadline >= 0 && now_us() >= deadline;
}

/* (Re)connect C with rings of RING_SIZE bytes. */
static int open_connection(struct ipc_client *c, size_t ring_size)
{
	int32_t negotiated;
	void *buf;
	int r;

	errno = 0;
	c->conn = qb_ipcc_connect(c->service, ring_size);
	if (!c->conn) {
		r = errno > 0 ? -errno : -ECONNREFUSED;
		return log_debug_errno(r, "Cannot connect to IPC service %s",
				       c->service);
	}
	c->ring_size = ring_size;
	negotiated = qb_ipcc_get_buffer_size(c->conn);
	c->buf_size =
	    negotiated > (int32_t)ring_size ? (size_t)negotiated : ring_size;
	buf = realloc(c->buf, c->buf_size);
	if (!buf) {
		qb_ipcc_disconnect(c->conn);
		c->conn = NULL;
		return -ENOMEM;
	}
	c->buf = buf;
	c->abandoned = 0;
	return 0;
}

int ipc_client_connect_service(const char *service, struct ipc_client **out)
{
	_cleanup_free_ struct ipc_client *c = NULL;
	int r;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	snprintf(c->service, sizeof(c->service), "%s", service);
	r = open_connection(c, IPC_DEFAULT_MSG_SIZE);
	if (r < 0) {
		free(c->buf);
		return r;
	}
	c->next_id = 1;
	*out = TAKE_PTR(c);
	return 0;
}

/* Replace a default-size connection by one of the maximum size. */
static int grow_connection(struct ipc_client *c)
{
	if (c->ring_size >= IPC_MAX_MSG_SIZE)
		return -EMSGSIZE;
	qb_ipcc_disconnect(c->conn);
	c->conn = NULL;
	return open_connection(c, IPC_MAX_MSG_SIZE);
}

int ipc_client_connect(struct ipc_client **out)
{
	return ipc_client_connect_service(IPC_SERVICE_NAME, out);
}

void ipc_client_free(struct ipc_client *c)
{
	if (!c)
		return;
	qb_ipcc_disconnect(c->conn);
	free(c->buf);
	free(c);
}

void ipc_client_reply_free(Clusterd__Reply *reply)
{
	if (reply)
		clusterd__reply__free_unpacked(reply, NULL);
}

static int send_request(struct ipc_client *c, const uint8_t *payload,
			size_t len, int64_t deadline)
{
	struct qb_ipc_request_header hdr = {
	    .id = IPC_MSG_REQUEST,
	    .size = (int32_t)(sizeof(hdr) + len),
	};
	struct iovec iov[2] = {
	    {.iov_base = &hdr, .iov_len = sizeof(hdr)},
	    {.iov_base = (void *)payload, .iov_len = len},
	};
	const struct timespec pause = {.tv_nsec = SEND_RETRY_MS * 1000000L};
	ssize_t n;

	for (;;) {
		n = qb_ipcc_sendv(c->conn, iov, ELEMENTSOF(iov));
		if (n >= 0)
			return 0;
		if (n != -EAGAIN)
			return (int)n;
		if (deadline_passed(deadline))
			return -ETIMEDOUT;
		nanosleep(&pause, NULL);
	}
}

/* Wait for the next message on the response channel. Its size, or -errno. */
/* Hand the events that arrived to the hook, if there is one. */
static void deliver_events(struct ipc_client *c)
{
	Clusterd__Event *ev;

	while (c->hook && ipc_client_next_event(c, 0, &ev) == 0) {
		c->hook(c->hook_data, ev);
		ipc_client_event_free(ev);
	}
}

static ssize_t receive_one(struct ipc_client *c, int64_t deadline)
{
	ssize_t n;

	for (;;) {
		deliver_events(c);
		n = qb_ipcc_recv(c->conn, c->buf, c->buf_size,
				 wait_slice(deadline, c->hook ? HOOK_SLICE_MS
							      : RECV_SLICE_MS));
		if (n >= 0)
			return n;
		if (n != -EAGAIN && n != -ETIMEDOUT)
			return n;
		if (!qb_ipcc_is_connected(c->conn))
			return -ENOTCONN;
		if (deadline_passed(deadline))
			return -ETIMEDOUT;
	}
}

/* Check the framing and protocol version of a received message and decode
 * it. The header's size field is only logged when it disagrees: the
 * length libqb delivered is authoritative. */
static int decode_reply(const uint8_t *buf, size_t n, Clusterd__Reply **out)
{
	struct qb_ipc_response_header hdr;
	Clusterd__Reply *reply;

	if (n < sizeof(hdr))
		return log_debug_errno(EPROTO, "IPC reply of %zu bytes", n);
	memcpy(&hdr, buf, sizeof(hdr));
	if (hdr.id != IPC_MSG_REPLY || hdr.error != 0)
		return log_debug_errno(EPROTO, "IPC reply with id %d error %d",
				       hdr.id, hdr.error);
	if (hdr.size != (int32_t)n)
		log_debug("IPC reply header says %d bytes, got %zu", hdr.size,
			  n);
	reply =
	    clusterd__reply__unpack(NULL, n - sizeof(hdr), buf + sizeof(hdr));
	if (!reply)
		return log_debug_errno(EPROTO, "Undecodable IPC reply");
	if (!reply->header ||
	    reply->header->protocol_version !=
		CLUSTERD__PROTOCOL_VERSION__PROTOCOL_VERSION_CURRENT) {
		ipc_client_reply_free(reply);
		return log_debug_errno(EPROTO, "IPC reply of another protocol");
	}
	*out = reply;
	return 0;
}

static int receive_reply(struct ipc_client *c, uint64_t id, int64_t deadline,
			 Clusterd__Reply **out)
{
	Clusterd__Reply *reply;
	ssize_t n;
	int r;

	for (;;) {
		n = receive_one(c, deadline);
		if (n == -ETIMEDOUT)
			c->abandoned++;
		if (n < 0)
			return (int)n;
		r = decode_reply(c->buf, (size_t)n, &reply);
		if (r < 0)
			return r;
		if (reply->header->request_id == id) {
			*out = reply;
			return 0;
		}
		if (c->abandoned > 0 && reply->header->request_id != 0 &&
		    reply->header->request_id < id) {
			/* The late reply to a call that timed out. */
			c->abandoned--;
			ipc_client_reply_free(reply);
			continue;
		}
		log_debug("IPC reply to request %" PRIu64 ", expected %" PRIu64,
			  reply->header->request_id, id);
		ipc_client_reply_free(reply);
		return -EPROTO;
	}
}

int ipc_client_call(struct ipc_client *c, Clusterd__Request *req,
		    int timeout_ms, Clusterd__Reply **reply)
{
	Clusterd__Header header = CLUSTERD__HEADER__INIT;
	Clusterd__Header *callers_header = req->header;
	_cleanup_free_ uint8_t *payload = NULL;
	int64_t deadline =
	    timeout_ms < 0 ? -1 : now_us() + (int64_t)timeout_ms * 1000;
	size_t len;
	int r;

	*reply = NULL;
	header.protocol_version =
	    CLUSTERD__PROTOCOL_VERSION__PROTOCOL_VERSION_CURRENT;
	header.request_id = c->next_id++;
	req->header = &header;
	len = clusterd__request__get_packed_size(req);
	if (len > IPC_MAX_MSG_SIZE - sizeof(struct qb_ipc_request_header)) {
		req->header = callers_header;
		return -EMSGSIZE;
	}
	payload = malloc(len > 0 ? len : 1);
	if (!payload) {
		req->header = callers_header;
		return -ENOMEM;
	}
	clusterd__request__pack(req, payload);
	req->header = callers_header;

	/* A request too large for this connection's rings, or a reply the
	 * server could not fit in them: grow once and send it again. */
	if (len + sizeof(struct qb_ipc_request_header) > c->ring_size - 1024 &&
	    (r = grow_connection(c)) < 0)
		return r;
	r = send_request(c, payload, len, deadline);
	if (r < 0)
		return r;
	r = receive_reply(c, header.request_id, deadline, reply);
	if (r == 0 && (*reply)->errno_code == EMSGSIZE &&
	    c->ring_size < IPC_MAX_MSG_SIZE) {
		ipc_client_reply_free(*reply);
		*reply = NULL;
		r = grow_connection(c);
		if (r == 0)
			r = send_request(c, payload, len, deadline);
		if (r == 0)
			r = receive_reply(c, header.request_id, deadline,
					  reply);
	}
	return r;
}

const char *ipc_client_strerror(int err)
{
	switch (abs(err)) {
	case ECONNREFUSED:
	case ENOENT:
		return "clusterd is not running (cannot connect to its IPC "
		       "service)";
	case EACCES:
	case EPERM: return "permission denied by clusterd";
	case ETIMEDOUT: return "timed out";
	case EPROTO: return "protocol error (unexpected reply from clusterd)";
	case ENOTCONN:
	case ECONNRESET:
	case EPIPE:
	case ESHUTDOWN: return "connection to clusterd lost";
	case EMSGSIZE: return "request too large for IPC";
	case ENOMEM: return "out of memory";
	default: return strerror(abs(err));
	}
}

int ipc_client_next_event(struct ipc_client *c, int timeout_ms,
			  Clusterd__Event **out)
{
	int64_t deadline =
	    timeout_ms < 0 ? -1 : now_us() + (int64_t)timeout_ms * 1000;
	struct qb_ipc_response_header hdr;
	Clusterd__Event *ev;
	ssize_t n;

	for (;;) {
		n = qb_ipcc_event_recv(c->conn, c->buf, c->buf_size,
				       wait_slice(deadline, RECV_SLICE_MS));
		if (n >= 0)
			break;
		if (n != -EAGAIN && n != -ETIMEDOUT)
			return (int)n;
		if (!qb_ipcc_is_connected(c->conn))
			return -ENOTCONN;
		if (deadline_passed(deadline))
			return -ETIMEDOUT;
	}
	if ((size_t)n < sizeof(hdr))
		return -EPROTO;
	memcpy(&hdr, c->buf, sizeof(hdr));
	if (hdr.id != IPC_MSG_EVENT)
		return -EPROTO;
	ev = clusterd__event__unpack(NULL, n - sizeof(hdr),
				     c->buf + sizeof(hdr));
	if (!ev)
		return -EPROTO;
	if (!ev->header ||
	    ev->header->protocol_version !=
		CLUSTERD__PROTOCOL_VERSION__PROTOCOL_VERSION_CURRENT) {
		clusterd__event__free_unpacked(ev, NULL);
		return -EPROTO;
	}
	*out = ev;
	return 0;
}

int ipc_client_event_fd(struct ipc_client *c)
{
	int32_t fd = -1;
	int32_t r = qb_ipcc_fd_get(c->conn, &fd);

	return r < 0 ? r : fd;
}

void ipc_client_set_event_hook(struct ipc_client *c, ipc_client_event_hook fn,
			       void *userdata)
{
	c->hook = fn;
	c->hook_data = userdata;
}

void ipc_client_event_free(Clusterd__Event *ev)
{
	if (ev)
		clusterd__event__free_unpacked(ev, NULL);
}
