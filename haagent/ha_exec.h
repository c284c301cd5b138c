/*
 * struct ha_lrm_ops on top of the node's guest executor: every operation
 * becomes a GuestRequest to this node's own agent (agent.c, lrm.c) through
 * clusterd, run by a worker thread one at a time, so HA operations and
 * user commands share the agent's serialisation and backends. Results
 * are collected by the HA loop (ha_exec_poll -> ha_lrm_op_done).
 *
 *   start     takes the configuration over first when it lives in another
 *             node's directory (a recovery after that node was fenced:
 *             one replicated rename), then starts the guest
 *   stop      shutdown with the request's timeout, then a hard stop
 *   migrate   live: GUEST_OP_MIGRATE --online (VMs); else shutdown and
 *             move the configuration (the CRM then starts it there)
 *   running   from a cache of this node's guest list, refreshed by the
 *             worker when idle and after each operation
 */
#pragma once

#include "ha_lrm.h"

#include <stdbool.h>

struct ha_exec;

int ha_exec_new(const char *self, struct ha_exec **out);
void ha_exec_free(struct ha_exec *x);

/* Their userdata points to a struct ha_exec pointer (the LRM's userdata
 * is its owner's, which starts with one). */
extern const struct ha_lrm_ops ha_exec_ops;

/* Starts are refused (-ENODEV) while BLOCKED: no working self-fencing. */
void ha_exec_block_starts(struct ha_exec *x, bool blocked);
/* FN(USERDATA) from the worker thread each time an operation finished. */
void ha_exec_set_notify(struct ha_exec *x, void (*fn)(void *), void *userdata);
/* Hand finished operations to LRM. */
void ha_exec_poll(struct ha_exec *x, struct ha_lrm *lrm);
