/*
 * clusterd's libqb IPC endpoint (service "clusterd"): connections, access
 * control and framing (lib/ipc_proto.h). Requests are handled in
 * ipc_requests.c.
 *
 * Access: root may read and write everything; members of group "clusterd"
 * may read everything except priv/; anyone else is refused at connect.
 */
#pragma once

#include "clusterd.h"
#include "clusterd.pb-c.h"

#include <qb/qbipcs.h>
#include <stdbool.h>

struct ipc_server;

int ipc_server_new(struct clusterd *cd, struct ipc_server **out);
void ipc_server_free(struct ipc_server *s);

/* Quorum or sync changed: tell the request handlers. */
void ipc_server_state_changed(struct ipc_server *s);

/* Request handlers beside the tree's (locks, node status). */
struct ipc_conn;
struct ipc_handler {
	/* An op ipc_requests.c does not know: 1 when REQ was kept (the
	 * handler frees it), 0 when handled, -EOPNOTSUPP when not its op. */
	int (*request)(void *userdata, struct ipc_conn *conn,
		       Clusterd__Request *req);
	/* CONN was closed by its client; it can no longer be answered. */
	void (*closed)(void *userdata, struct ipc_conn *conn);
	/* Quorum or sync changed. */
	void (*state_changed)(void *userdata);
	void *userdata;
};
/* At most 8. */
int ipc_server_add_handler(struct ipc_server *s, const struct ipc_handler *h);

/* Internal to the IPC files. */
struct ipc_conn {
	struct ipc_server *server;
	qb_ipcs_connection_t *c;
	uint64_t id;	/* unique in this clusterd's life: a lock's client */
	bool can_write; /* root */
	bool can_read_priv;
	bool closed;
	int refs;
};

/* The server state proper, defined in ipc_requests.c. */
struct ipc_server {
	struct clusterd *cd;
	qb_ipcs_service_t *service;
	struct ipc_handler handlers[8];
	size_t n_handlers;
	uint64_t next_conn_id;
};

int ipc_requests_new(struct clusterd *cd, struct ipc_server **out);
void ipc_requests_free(struct ipc_server *s);
int ipc_send_reply(struct ipc_conn *conn, Clusterd__Reply *reply,
		   uint64_t request_id);
/* Returns 1 when REQ was kept (a write in flight; freed later), else 0. */
int ipc_handle_request(struct ipc_server *s, struct ipc_conn *conn,
		       Clusterd__Request *req);
/* Offer REQ to the handlers; EOPNOTSUPP when none takes it. */
int ipc_handlers_request(struct ipc_server *s, struct ipc_conn *conn,
			 Clusterd__Request *req);
void ipc_handle_members(struct ipc_server *s, struct ipc_conn *conn,
			uint64_t id);
void ipc_conn_ref(struct ipc_conn *conn);
void ipc_conn_unref(struct ipc_conn *conn);
