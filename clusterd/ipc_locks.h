/*
 * The IPC side of the cluster locks (ipc_locks.c) and of the node status
 * store (ipc_status.c): each creates its state machine as an extension of
 * the daemon's replica and serves its requests as an ipc_handler. Create
 * them after the replica and the IPC server, before the loop runs (the
 * extensions must see the first view); free them after the IPC server.
 */
#pragma once

#include "clusterd.h"

struct ipc_locks;
struct ipc_status;

int ipc_locks_new(struct clusterd *cd, struct ipc_locks **out);
void ipc_locks_free(struct ipc_locks *il);

int ipc_status_new(struct clusterd *cd, struct ipc_status **out);
void ipc_status_free(struct ipc_status *is);
