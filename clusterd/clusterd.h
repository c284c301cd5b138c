/*
 * The daemon's parts, wired together by main.c. Each module gets this
 * context rather than globals so that tests can assemble a daemon in
 * process.
 */
#pragma once

#include "replica.h"
#include "store.h"
#include "transport.h"
#include "tree.h"

#include <qb/qbloop.h>

struct ipc_server;
struct status;
struct write_queue;

struct clusterd {
	qb_loop_t *loop;
	struct tree *tree;
	struct store *store;
	struct replica *replica;
	struct transport *transport;
	struct ipc_server *ipc;
	struct write_queue *writes; /* client writes awaiting commit */
	struct status *status;	    /* the node status store (ipc_status.c) */
	uint64_t call_timeout_ms; /* deadline of a client's write */
};
