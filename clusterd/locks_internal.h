/*
 * State shared by locks.c (the table and the operations decided at
 * delivery) and locks_sync.c (views, SyncState and the merge).
 */
#pragma once

#include "locks.h"
#include "clusterd.pb-c.h"

#include <qb/qbmap.h>

struct lock {
	char *name; /* also the table's key */
	bool held;
	struct lock_holder holder;
	struct lock_holder *waiters; /* grant order */
	size_t n_waiters, cap_waiters;
};

/* A LockOp delivered before this view's tables were merged. */
struct deferred_op {
	struct deferred_op *next;
	struct replica_member from;
	Clusterd__LockOp__Type type;
	uint64_t client_id, op_id;
	char name[]; /* the op's name, copied */
};

/* The best table offered in this view's SyncStates so far. */
struct merge_candidate {
	bool present;
	uint64_t epoch, seq;
	struct replica_member from;
	qb_map_t *table;
	size_t entries;
};

struct locks {
	struct replica *replica;
	struct locks_ops ops;
	void *userdata;

	qb_map_t *table; /* name -> struct lock, sorted by name */
	size_t entries;	 /* holders + waiters */
	uint64_t epoch;	 /* quorate merges seen (monotonic) */
	uint64_t seq;	 /* table changes since the last merge */
	bool valid;	 /* the table descends from a quorate merge */
	bool merged;	 /* this view's SyncStates were merged */
	bool need_pass;	 /* free locks with waiters await a grant pass */
	uint64_t next_op_id;

	struct merge_candidate cand;
	uint64_t max_epoch; /* over this view's SyncStates */
	struct deferred_op *deferred, *deferred_tail;

	/* What our last SyncState's lock fields point to. */
	Clusterd__LockInfo *sync_infos, **sync_info_ptrs;
	Clusterd__LockHolder *sync_holders, **sync_holder_ptrs;

	struct locks_stats stats;
};

/* locks.c */
qb_map_t *locks_table_new(void);
void locks_table_free(qb_map_t *t);
struct lock *locks_get(qb_map_t *t, const char *name, bool create);
bool holder_is(const struct lock_holder *h, uint32_t nodeid, uint32_t pid);
bool same_client(const struct lock_holder *a, const struct lock_holder *b);
bool locks_grantable(const struct locks *l);
/* Report R for WHO if it is one of our clients; a grant or a wait nobody
 * wants any more is undone with a RELEASE or CANCEL. */
void locks_notify(struct locks *l, const struct lock_holder *who,
		  const char *name, int r);
void locks_grant_pass(struct locks *l);
void locks_apply(struct locks *l, const struct replica_member *from,
		 const Clusterd__LockOp *op);
int locks_send(struct locks *l, Clusterd__LockOp__Type type, uint64_t client,
	       const char *name, bool try_lock, uint64_t op_id);
/* Remove every holder and waiter FILTER rejects, in name order; free
 * locks with waiters are marked for the next grant pass. */
typedef bool (*locks_keep_fn)(const struct lock_holder *h, const void *arg);
void locks_filter(struct locks *l, qb_map_t *t, size_t *entries,
		  locks_keep_fn keep, const void *arg);

/* locks_sync.c */
void locks_view(void *userdata, const struct replica_member *members,
		size_t count, bool quorate);
void locks_fill_sync_state(void *userdata, Clusterd__SyncState *st);
void locks_sync_state(void *userdata, const struct replica_member *from,
		      const Clusterd__SyncState *st);
void locks_sync_states_complete(void *userdata);
void locks_defer(struct locks *l, const struct replica_member *from,
		 const Clusterd__LockOp *op);
void locks_sync_free(struct locks *l);
