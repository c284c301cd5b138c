/*
 * IPC requests answered later, at a delivery (a lock granted, a status
 * entry applied): a list of them with a deadline each, shared by
 * ipc_locks.c and ipc_status.c.
 *
 * An entry holds a reference on its connection, so a client that goes
 * away in between leaves a closed connection whose replies are dropped
 * (ipc_send_reply refuses them). Modules embed struct ipc_pending at the
 * start of their own entry and give its size to ipc_pending_add().
 */
#pragma once

#include "ipc_server.h"

#include <qb/qbloop.h>
#include <stdint.h>

struct ipc_pending {
	struct ipc_pending *prev, *next;
	struct ipc_conn *conn;
	uint64_t request_id;
	uint64_t op_id;	      /* what the module's results carry */
	uint64_t deadline_ns; /* qb_util_nano_current_get(); 0: none */
};

struct ipc_pending_list {
	struct ipc_pending *head, *tail;
	qb_loop_t *loop;
	qb_loop_timer_handle timer;
	bool armed;
	/* P's deadline passed; the callback answers or re-arms it. */
	void (*expired)(void *userdata, struct ipc_pending *p);
	void *userdata;
};

void ipc_pending_init(struct ipc_pending_list *l, qb_loop_t *loop,
		      void (*expired)(void *userdata, struct ipc_pending *p),
		      void *userdata);
/* Frees every entry without answering; stops the timer. */
void ipc_pending_destroy(struct ipc_pending_list *l);

/* A zeroed entry of SIZE bytes, appended; NULL without memory. */
struct ipc_pending *ipc_pending_add(struct ipc_pending_list *l, size_t size,
				    struct ipc_conn *conn, uint64_t request_id,
				    uint64_t timeout_ms);
void ipc_pending_remove(struct ipc_pending_list *l, struct ipc_pending *p);
/* Set P's deadline TIMEOUT_MS from now (0: none) and arm the timer. */
void ipc_pending_set_deadline(struct ipc_pending_list *l, struct ipc_pending *p,
			      uint64_t timeout_ms);
/* The entry waiting for OP_ID (never 0), or NULL. */
struct ipc_pending *ipc_pending_find(const struct ipc_pending_list *l,
				     uint64_t op_id);
/* Forget every entry of CONN (it was closed). */
void ipc_pending_drop_conn(struct ipc_pending_list *l, struct ipc_conn *conn);

/* Reply with errno ERR (positive) and MESSAGE, or "" for the default. */
void ipc_reply_errno(struct ipc_conn *conn, int err, const char *message,
		     uint64_t request_id);
