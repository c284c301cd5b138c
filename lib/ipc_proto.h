/*
 * How clusterd's IPC frames its protobuf messages on libqb IPC.
 *
 * A request is a struct qb_ipc_request_header (id = IPC_MSG_REQUEST, size =
 * header + payload) followed by a packed clusterd.Request; the reply is a
 * struct qb_ipc_response_header (id = IPC_MSG_REPLY, error = 0) followed by
 * a packed clusterd.Reply. Errors travel inside the Reply (errno_code), so
 * the header's error field is always 0.
 */
#pragma once

#define IPC_SERVICE_NAME "clusterd"
/* Largest message either way: an 8 MiB file plus framing. */
#define IPC_MAX_MSG_SIZE (8 * 1024 * 1024 + 64 * 1024)
/* What a client asks for by default. libqb allocates three rings of the
 * requested size per connection, and their pages count in clusterd's
 * resident memory (measured: 3 MiB per idle connection with 1 MiB rings;
 * haagent alone keeps five connections), so asking for the maximum costs
 * ~25 MB and ~20 ms per connection; most calls are small. A request that
 * does not fit reconnects first, a reply that does not fit is answered
 * with EMSGSIZE, and the client reconnects with the maximum
 * (lib/ipc_client.c). */
#define IPC_DEFAULT_MSG_SIZE (128 * 1024)

enum ipc_msg_id {
	IPC_MSG_REQUEST = 1,
	IPC_MSG_REPLY = 2,
	IPC_MSG_EVENT = 3, /* on the event channel: a packed clusterd.Event */
};
