/*
 * A client of clusterd's IPC service, for clusterctl and the other
 * programs that talk to the local clusterd.
 *
 * One connection carries one request at a time: ipc_client_call() stamps
 * the request's header (protocol version, a fresh request id), sends it
 * framed as lib/ipc_proto.h describes and waits for the reply carrying
 * that id. A reply that does not decode, speaks another protocol version
 * or answers another request is -EPROTO. A request that timed out is
 * abandoned; its late reply, when it arrives during a later call, is
 * recognised by its older id and dropped, so the connection stays usable.
 *
 * Errors returned here are about reaching clusterd (connection, framing,
 * timeout). The outcome of the operation itself is in the reply's
 * errno_code, which the caller interprets.
 *
 * Open for events: libqb delivers server-sent events on a channel of their
 * own (qb_ipcc_event_recv), apart from replies, so a watch stream can be
 * added beside ipc_client_call() (a pollable fd and a "next event" call)
 * without changing how calls work.
 */
#pragma once

#include <stdint.h>

#include "clusterd.pb-c.h"

struct ipc_client;

/* Connect to clusterd's IPC service (IPC_SERVICE_NAME) on this node.
 * 0, or -errno: -ECONNREFUSED or -ENOENT when clusterd is not running,
 * -EACCES/-EPERM when it refuses this user. ipc_client_strerror() turns
 * the error into a message for humans. */
int ipc_client_connect(struct ipc_client **out);

/* The same for a named service; for tests and tools that run a service of
 * the same protocol under another name. */
int ipc_client_connect_service(const char *service, struct ipc_client **out);

/*
 * Send REQ and wait up to TIMEOUT_MS (negative: forever) for its reply.
 * REQ's header is filled in here (any header the caller set is ignored and
 * left untouched). On success returns 0 and *REPLY holds the decoded reply,
 * to be freed with ipc_client_reply_free(); the reply's errno_code may
 * still report that the operation failed.
 *
 * -ETIMEDOUT: no reply in time; -EPROTO: a reply that does not decode, has
 * another request id or protocol version, or bad framing; -EMSGSIZE: the
 * request is too large for IPC; -ENOTCONN: clusterd went away; -ENOMEM;
 * other -errno from libqb.
 */
int ipc_client_call(struct ipc_client *c, Clusterd__Request *req,
		    int timeout_ms, Clusterd__Reply **reply);
/*
 * Connections start with IPC_DEFAULT_MSG_SIZE rings (lib/ipc_proto.h). A
 * call whose request or reply needs more reconnects once with the maximum
 * and is sent again; a reconnect ends what is bound to the connection
 * (locks, a watch), so clients holding those make only small calls.
 */

void ipc_client_reply_free(Clusterd__Reply *reply);

/* After a successful "watch" call: wait up to TIMEOUT_MS (negative:
 * forever) for the next event. 0 and *EVENT (free with
 * ipc_client_event_free), -ETIMEDOUT, -ENOTCONN (clusterd went away, or
 * disconnected this client because it fell behind), -EPROTO. */
int ipc_client_next_event(struct ipc_client *c, int timeout_ms,
			  Clusterd__Event **event);
void ipc_client_event_free(Clusterd__Event *event);
/* A descriptor that polls readable when an event is waiting (then
 * ipc_client_next_event with timeout 0 takes it), or -errno. Valid until
 * the connection is freed. */
int ipc_client_event_fd(struct ipc_client *c);

/* While a call waits for its reply, pass every event that arrives to FN
 * (the event is freed after FN returns); NULL stops it. For events that
 * belong to a call, such as a guest operation's progress. */
typedef void (*ipc_client_event_hook)(void *userdata,
				      const Clusterd__Event *event);
void ipc_client_set_event_hook(struct ipc_client *c, ipc_client_event_hook fn,
			       void *userdata);

/* Close the connection. NULL is fine. */
void ipc_client_free(struct ipc_client *c);

/* A short lowercase message for an error of ipc_client_connect() or
 * ipc_client_call() (either sign): "clusterd is not running", "timed
 * out", ... Falls back to strerror(). */
const char *ipc_client_strerror(int err);
