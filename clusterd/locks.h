/*
 * Ephemeral cluster locks: a replica extension (ARCHITECTURE.md, invariant
 * 5).
 *
 * A lock belongs to a client of one clusterd, named by (node ID, clusterd
 * pid, client ID), and lives only as long as that clusterd stays in the
 * CPG view and the view keeps quorum. There is no lease and no clock:
 * every decision (grant, queue, refuse, release, hand over) is taken when
 * a LockOp or a view is delivered, from state that is equal on every
 * member, so all members decide alike at the same stream position.
 *
 *  - A lock is granted only while the view is quorate and synced (the
 *    tree's rule). Blocking waiters queue in delivery order.
 *  - A view without quorum drops the whole table on every member of it:
 *    a minority never keeps a lock.
 *  - A view that loses members releases their locks and waits at once,
 *    in name order; the next waiters get the locks once the view synced.
 *  - After every view change the members exchange their tables in
 *    SyncState and all adopt the same one (locks_sync.c explains which,
 *    and why that is safe).
 *
 * The IPC side (ipc_locks.c) learns outcomes through locks_ops.result,
 * called for this member's own clients only.
 */
#pragma once

#include "replica.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOCK_NAME_MAX 255
/* Holders plus waiters in the whole table; bounds the SyncState size. */
#define LOCKS_MAX_ENTRIES 1024

struct lock_holder {
	uint32_t nodeid;
	uint32_t pid;
	uint64_t client_id;
	uint64_t op_id; /* the ACQUIRE that queued or got the lock */
};

/* Results passed to locks_ops.result besides 0 and -errno. */
enum {
	LOCK_QUEUED = 1, /* an ACQUIRE waits in the queue */
};

struct locks_ops {
	/*
	 * An operation of one of this member's clients was decided, at its
	 * delivery (or later, for a waiter):
	 *   ACQUIRE op_id: 0 granted, LOCK_QUEUED, -EBUSY (try, held),
	 *     -EROFS (no quorum), -EAGAIN (synchronising; also when a merge
	 *     lost the wait), -EDEADLK (the client holds or waits already),
	 *     -ENOSPC (table full), -ECANCELED (CANCEL delivered),
	 *     -ENOLCK (a granted lock was lost: quorum or merge).
	 *   RELEASE op_id: 0, -ENOENT (not held), -EPERM (held by another).
	 * Return false when nobody wants a grant or a wait any more (the
	 * client went away): the lock is then released or cancelled.
	 */
	bool (*result)(void *userdata, uint64_t client_id, uint64_t op_id,
		       const char *name, int result);
};

struct locks;

/* Registers itself as an extension of R. */
int locks_new(struct replica *r, const struct locks_ops *ops, void *userdata,
	      struct locks **out);
void locks_free(struct locks *l);

/* 0 or -EINVAL / -ENAMETOOLONG. */
int locks_check_name(const char *name);

/* Multicast an operation for CLIENT_ID; *OP_ID identifies it in results.
 * Acquire refuses early with -EROFS (no quorum) or -EAGAIN (not synced);
 * the decision that counts is still the one at delivery. */
int locks_acquire(struct locks *l, uint64_t client_id, const char *name,
		  bool try_lock, uint64_t *op_id);
int locks_release(struct locks *l, uint64_t client_id, const char *name,
		  uint64_t *op_id);
/* Give up waiting: results in -ECANCELED for ACQUIRE_OP_ID unless the
 * client got the lock first. */
int locks_cancel(struct locks *l, uint64_t client_id, const char *name,
		 uint64_t acquire_op_id);
int locks_release_client(struct locks *l, uint64_t client_id);

/* Quorum or sync changed: free locks with waiters are handed over at the
 * next delivered LockOp, which this sends when needed. */
void locks_state_changed(struct locks *l);

/* Every lock, sorted by name. HOLDER is NULL for a free lock. Stops at
 * and returns the first non-zero return of FN. */
typedef int (*locks_fn)(const char *name, const struct lock_holder *holder,
			const struct lock_holder *waiters, size_t n_waiters,
			void *userdata);
int locks_foreach(const struct locks *l, locks_fn fn, void *userdata);
/* The holder of NAME, or NULL. */
const struct lock_holder *locks_holder(const struct locks *l, const char *name);

struct locks_stats {
	uint64_t ops_dropped; /* malformed, or from outside the view */
	uint64_t states_rejected;
	uint64_t merges;
	uint64_t epoch, seq; /* see locks_sync.c */
	bool valid;
	size_t entries;
};
const struct locks_stats *locks_get_stats(struct locks *l);
