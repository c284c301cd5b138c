/*
 * Client writes waiting for their answer: submitted to the replica,
 * decided at delivery, answered only after the store committed the batch
 * they were delivered in (ARCHITECTURE.md invariant 3, group commit).
 *
 * Shared by every front end that writes the tree (IPC requests, the FUSE
 * filesystem): each gives a replica_write and a completion callback, and
 * the queue handles parking while the view synchronises, resubmission,
 * the call deadline (ETIMEDOUT: outcome unknown) and the answer after
 * commit. The daemon feeds it the replica's and the transport's events.
 */
#pragma once

#include "replica.h"

#include <qb/qbloop.h>
#include <stdint.h>

/* The write's outcome: ERR is 0 (applied and committed at tree VERSION) or
 * a positive errno; WHY, when not NULL, words an error better than its
 * errno alone (valid during the call only). Called exactly once per
 * queued write. */
typedef void (*write_done_fn)(void *userdata, int err, const char *why,
			      uint64_t version);

struct write_queue;

int write_queue_new(qb_loop_t *loop, struct replica *replica,
		    uint64_t timeout_ms, struct write_queue **out);
/* Answers every waiting write with ESHUTDOWN. */
void write_queue_free(struct write_queue *q);

/* Queue W (its strings and data are borrowed until DONE is called). DONE
 * may run before this returns (e.g. EROFS). Returns 0 or -ENOMEM (then
 * DONE is not called). */
int write_queue_submit(struct write_queue *q, const struct replica_write *w,
		       write_done_fn done, void *userdata);

/* Events, from the daemon's replica and transport callbacks. */
void write_queue_decided(struct write_queue *q, uint64_t write_id, int err,
			 uint64_t version);
void write_queue_committed(struct write_queue *q, int err);
void write_queue_state_changed(struct write_queue *q);
