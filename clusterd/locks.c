/*
 * Locks: the table and the operations, decided at delivery.
 *
 * Every function here runs at a stream position and reads only the table,
 * the view and the replica's quorum and sync flags, which are equal on all
 * members of the view; so every member grants, queues and refuses alike.
 * Only this member's own clients are told (locks_ops.result). Anything a
 * peer sends that does not parse is dropped and counted.
 *
 * Grants happen only while the view is quorate and synced and the table
 * was adopted by this view's merge (locks_grantable). When a lock becomes free
 * while grants are not allowed, need_pass remembers it, and the first LockOp
 * delivered once they are allowed again hands every such lock to its first
 * waiter, in name order; locks_state_changed() sends a KICK so that such a
 * LockOp exists. The table is a libqb skiplist, so "name order" is strcmp order
 * on every member.
 */
#include "locks_internal.h"
#include "log.h"
#include "macro.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static void lock_free(struct lock *lk)
{
	if (!lk)
		return;
	free(lk->waiters);
	free(lk->name);
	free(lk);
}

static void on_table_free(uint32_t event, char *key, void *old_value,
			  void *value, void *user_data)
{
	lock_free(old_value);
}

qb_map_t *locks_table_new(void)
{
	qb_map_t *t = qb_skiplist_create();

	if (t && qb_map_notify_add(t, NULL, on_table_free, QB_MAP_NOTIFY_FREE,
				   NULL) != 0) {
		qb_map_destroy(t);
		return NULL;
	}
	return t;
}

void locks_table_free(qb_map_t *t)
{
	if (t)
		qb_map_destroy(t);
}

struct lock *locks_get(qb_map_t *t, const char *name, bool create)
{
	struct lock *lk = qb_map_get(t, name);

	if (lk || !create)
		return lk;
	lk = calloc(1, sizeof(*lk));
	if (!lk || !(lk->name = strdup(name))) {
		free(lk);
		return NULL;
	}
	qb_map_put(t, lk->name, lk);
	return lk;
}

static void drop_if_unused(qb_map_t *t, struct lock *lk)
{
	char name[LOCK_NAME_MAX + 1];

	/* The key given to qb_map_rm must outlive the entry it frees. */
	if (!lk->held && lk->n_waiters == 0) {
		snprintf(name, sizeof(name), "%s", lk->name);
		qb_map_rm(t, name); /* frees LK */
	}
}

bool holder_is(const struct lock_holder *h, uint32_t nodeid, uint32_t pid)
{
	return h->nodeid == nodeid && h->pid == pid;
}

bool same_client(const struct lock_holder *a, const struct lock_holder *b)
{
	return holder_is(a, b->nodeid, b->pid) && a->client_id == b->client_id;
}

int locks_check_name(const char *name)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0)
		return -EINVAL;
	return len > LOCK_NAME_MAX ? -ENAMETOOLONG : 0;
}

/* Quorum that came from a vote change rather than a view does not count
 * until the next view merges tables: VALID says a quorate merge made
 * this table. */
bool locks_grantable(const struct locks *l)
{
	return l->merged && l->valid && replica_quorate(l->replica) &&
	       replica_synced(l->replica);
}

int locks_send(struct locks *l, Clusterd__LockOp__Type type, uint64_t client,
	       const char *name, bool try_lock, uint64_t op_id)
{
	Clusterd__CpgMessage msg = CLUSTERD__CPG_MESSAGE__INIT;
	Clusterd__LockOp op = CLUSTERD__LOCK_OP__INIT;

	op.type = type;
	op.name = (char *)(name ? name : "");
	op.client_id = client;
	op.op_id = op_id;
	op.try_lock = try_lock;
	msg.body_case = CLUSTERD__CPG_MESSAGE__BODY_LOCK;
	msg.lock = &op;
	return replica_send_message(l->replica, &msg);
}

void locks_notify(struct locks *l, const struct lock_holder *who,
		  const char *name, int r)
{
	struct replica_member self = replica_self(l->replica);
	bool wanted;
	int e = 0;

	if (!holder_is(who, self.nodeid, self.pid) || !l->ops.result)
		return;
	wanted =
	    l->ops.result(l->userdata, who->client_id, who->op_id, name, r);
	if (wanted || (r != 0 && r != LOCK_QUEUED))
		return;
	/* Its client went away before the decision: undo it in order. */
	if (r == 0)
		e = locks_send(l, CLUSTERD__LOCK_OP__TYPE__RELEASE,
			       who->client_id, name, false, l->next_op_id++);
	else
		e = locks_send(l, CLUSTERD__LOCK_OP__TYPE__CANCEL,
			       who->client_id, name, false, who->op_id);
	if (e < 0)
		log_error_errno(e,
				"Cannot give back lock '%s' of a departed "
				"client",
				name);
}

static void grant_next(struct locks *l, struct lock *lk)
{
	lk->held = true;
	lk->holder = lk->waiters[0];
	memmove(lk->waiters, lk->waiters + 1,
		--lk->n_waiters * sizeof(*lk->waiters));
	l->seq++;
	locks_notify(l, &lk->holder, lk->name, 0);
}

void locks_grant_pass(struct locks *l)
{
	qb_map_iter_t *it = qb_map_iter_create(l->table);
	struct lock *lk;

	l->need_pass = false;
	while (it && qb_map_iter_next(it, (void **)&lk))
		if (!lk->held && lk->n_waiters > 0)
			grant_next(l, lk);
	if (it)
		qb_map_iter_free(it);
}

/* The holder let go (or left): the next waiter gets the lock, now or at
 * the next grant pass. The caller drops the lock if nobody waits. */
static void unhold(struct locks *l, struct lock *lk)
{
	lk->held = false;
	l->entries--;
	l->seq++;
	if (lk->n_waiters == 0)
		return;
	if (locks_grantable(l))
		grant_next(l, lk);
	else
		l->need_pass = true;
}

/* Remove unused locks after an iteration (libqb's skiplist must not lose
 * entries under an iterator). */
static void sweep(qb_map_t *t)
{
	_cleanup_free_ struct lock **unused =
	    calloc(qb_map_count_get(t) + 1, sizeof(*unused));
	qb_map_iter_t *it = unused ? qb_map_iter_create(t) : NULL;
	struct lock *lk;
	size_t n = 0;

	while (it && qb_map_iter_next(it, (void **)&lk))
		if (!lk->held && lk->n_waiters == 0)
			unused[n++] = lk;
	if (it)
		qb_map_iter_free(it);
	/* Without memory they stay: empty entries are harmless. */
	for (size_t i = 0; i < n; i++)
		drop_if_unused(t, unused[i]);
}

static int find_waiter(const struct lock *lk, const struct lock_holder *who)
{
	for (size_t i = 0; i < lk->n_waiters; i++)
		if (same_client(&lk->waiters[i], who))
			return (int)i;
	return -1;
}

static void remove_waiter(struct locks *l, struct lock *lk, size_t i)
{
	memmove(lk->waiters + i, lk->waiters + i + 1,
		(lk->n_waiters - i - 1) * sizeof(*lk->waiters));
	lk->n_waiters--;
	l->entries--;
	l->seq++;
}

static int add_waiter(struct locks *l, struct lock *lk,
		      const struct lock_holder *who)
{
	if (lk->n_waiters == lk->cap_waiters) {
		size_t cap = lk->cap_waiters ? lk->cap_waiters * 2 : 4;
		void *p = realloc(lk->waiters, cap * sizeof(*lk->waiters));

		if (!p)
			return -ENOMEM;
		lk->waiters = p;
		lk->cap_waiters = cap;
	}
	lk->waiters[lk->n_waiters++] = *who;
	l->entries++;
	l->seq++;
	return LOCK_QUEUED;
}

static int grant_or_queue(struct locks *l, struct lock *lk,
			  const struct lock_holder *who, bool try_lock)
{
	if ((lk->held && same_client(&lk->holder, who)) ||
	    find_waiter(lk, who) >= 0)
		return -EDEADLK;
	if (lk->held && try_lock)
		return -EBUSY;
	if (l->entries >= LOCKS_MAX_ENTRIES)
		return -ENOSPC;
	if (lk->held)
		return add_waiter(l, lk, who);
	lk->held = true;
	lk->holder = *who;
	l->entries++;
	l->seq++;
	return 0;
}

static void op_acquire(struct locks *l, const struct lock_holder *who,
		       const Clusterd__LockOp *op)
{
	struct lock *lk = NULL;
	int r;

	if (!replica_quorate(l->replica))
		r = -EROFS;
	else if (!locks_grantable(l))
		r = -EAGAIN;
	else if (!(lk = locks_get(l->table, op->name, true)))
		r = -ENOMEM;
	else
		r = grant_or_queue(l, lk, who, op->try_lock);
	if (lk)
		drop_if_unused(l->table, lk);
	locks_notify(l, who, op->name, r);
}

static void op_release(struct locks *l, const struct lock_holder *who,
		       const Clusterd__LockOp *op)
{
	struct lock *lk = locks_get(l->table, op->name, false);
	int r = 0;

	if (!lk || !lk->held)
		r = -ENOENT;
	else if (!same_client(&lk->holder, who))
		r = -EPERM;
	else
		unhold(l, lk);
	if (lk)
		drop_if_unused(l->table, lk);
	locks_notify(l, who, op->name, r);
}

static void op_cancel(struct locks *l, const struct lock_holder *who,
		      const Clusterd__LockOp *op)
{
	struct lock *lk = locks_get(l->table, op->name, false);
	int i = lk ? find_waiter(lk, who) : -1;

	if (lk && lk->held && same_client(&lk->holder, who))
		return; /* granted before the CANCEL: the client was told */
	if (i >= 0) {
		remove_waiter(l, lk, (size_t)i);
		drop_if_unused(l->table, lk);
	}
	locks_notify(l, who, op->name, -ECANCELED);
}

static bool not_client(const struct lock_holder *h, const void *arg)
{
	return !same_client(h, arg);
}

void locks_apply(struct locks *l, const struct replica_member *from,
		 const Clusterd__LockOp *op)
{
	struct lock_holder who = {from->nodeid, from->pid, op->client_id,
				  op->op_id};

	if (l->need_pass && locks_grantable(l))
		locks_grant_pass(l);
	switch (op->type) {
	case CLUSTERD__LOCK_OP__TYPE__ACQUIRE: op_acquire(l, &who, op); break;
	case CLUSTERD__LOCK_OP__TYPE__RELEASE: op_release(l, &who, op); break;
	case CLUSTERD__LOCK_OP__TYPE__CANCEL: op_cancel(l, &who, op); break;
	case CLUSTERD__LOCK_OP__TYPE__RELEASE_CLIENT:
		locks_filter(l, l->table, &l->entries, not_client, &who);
		break;
	default: break; /* KICK: the pass above was its purpose */
	}
	if (l->need_pass && locks_grantable(l))
		locks_grant_pass(l);
}

/* Removes waiters first, then a holder, so that a client never inherits
 * a lock from itself. */
static void filter_lock(struct locks *l, qb_map_t *t, size_t *entries,
			struct lock *lk, locks_keep_fn keep, const void *arg)
{
	size_t kept = 0;

	for (size_t i = 0; i < lk->n_waiters; i++)
		if (keep(&lk->waiters[i], arg))
			lk->waiters[kept++] = lk->waiters[i];
	*entries -= lk->n_waiters - kept;
	if (kept != lk->n_waiters)
		l->seq++;
	lk->n_waiters = kept;
	if (lk->held && !keep(&lk->holder, arg)) {
		if (t == l->table) {
			unhold(l, lk);
			return;
		}
		lk->held = false;
		(*entries)--;
	}
	if (!lk->held && lk->n_waiters > 0)
		l->need_pass = true;
}

void locks_filter(struct locks *l, qb_map_t *t, size_t *entries,
		  locks_keep_fn keep, const void *arg)
{
	qb_map_iter_t *it = qb_map_iter_create(t);
	struct lock *lk;

	while (it && qb_map_iter_next(it, (void **)&lk))
		filter_lock(l, t, entries, lk, keep, arg);
	if (it)
		qb_map_iter_free(it);
	sweep(t);
}

static bool op_valid(const Clusterd__LockOp *op)
{
	switch (op->type) {
	case CLUSTERD__LOCK_OP__TYPE__ACQUIRE:
	case CLUSTERD__LOCK_OP__TYPE__RELEASE:
	case CLUSTERD__LOCK_OP__TYPE__CANCEL:
		return locks_check_name(op->name) == 0;
	case CLUSTERD__LOCK_OP__TYPE__RELEASE_CLIENT:
	case CLUSTERD__LOCK_OP__TYPE__KICK: return true;
	default: return false;
	}
}

static void deliver(void *userdata, const struct replica_member *from,
		    const Clusterd__CpgMessage *msg)
{
	struct locks *l = userdata;
	const Clusterd__LockOp *op = msg->lock;

	if (msg->body_case != CLUSTERD__CPG_MESSAGE__BODY_LOCK)
		return;
	if (!op_valid(op) || !replica_is_member(l->replica, from)) {
		l->stats.ops_dropped++;
		log_warning("Dropped a malformed or out-of-view lock operation "
			    "from node %u pid %u",
			    from->nodeid, from->pid);
		return;
	}
	/* A sync that completed without the replica's sync_states_complete
	 * hook (a sync deadline excluded a member) merges here, at the first
	 * LockOp after it, which is the same position for every member. */
	if (!l->merged && replica_synced(l->replica))
		locks_sync_states_complete(l);
	/* Acquires are decided now (refused until merged); the others must
	 * apply to the merged table, so they wait for it. */
	if (!l->merged && op->type != CLUSTERD__LOCK_OP__TYPE__ACQUIRE)
		locks_defer(l, from, op);
	else
		locks_apply(l, from, op);
}

int locks_acquire(struct locks *l, uint64_t client_id, const char *name,
		  bool try_lock, uint64_t *op_id)
{
	int r = locks_check_name(name);

	if (r < 0)
		return r;
	if (!replica_quorate(l->replica))
		return -EROFS;
	if (!locks_grantable(l))
		return -EAGAIN;
	r = locks_send(l, CLUSTERD__LOCK_OP__TYPE__ACQUIRE, client_id, name,
		       try_lock, l->next_op_id);
	if (r == 0)
		*op_id = l->next_op_id++;
	return r;
}

int locks_release(struct locks *l, uint64_t client_id, const char *name,
		  uint64_t *op_id)
{
	int r = locks_check_name(name);

	if (r == 0)
		r = locks_send(l, CLUSTERD__LOCK_OP__TYPE__RELEASE, client_id,
			       name, false, l->next_op_id);
	if (r == 0)
		*op_id = l->next_op_id++;
	return r;
}

int locks_cancel(struct locks *l, uint64_t client_id, const char *name,
		 uint64_t acquire_op_id)
{
	int r = locks_check_name(name);

	return r < 0 ? r
		     : locks_send(l, CLUSTERD__LOCK_OP__TYPE__CANCEL, client_id,
				  name, false, acquire_op_id);
}

int locks_release_client(struct locks *l, uint64_t client_id)
{
	return locks_send(l, CLUSTERD__LOCK_OP__TYPE__RELEASE_CLIENT, client_id,
			  NULL, false, 0);
}

void locks_state_changed(struct locks *l)
{
	bool late_merge = !l->merged && replica_synced(l->replica);
	int r;

	if (!late_merge && (!l->need_pass || !locks_grantable(l)))
		return;
	r = locks_send(l, CLUSTERD__LOCK_OP__TYPE__KICK, 0, NULL, false, 0);
	if (r < 0)
		log_warning_errno(r, "Cannot send a lock hand-over kick");
}

int locks_foreach(const struct locks *l, locks_fn fn, void *userdata)
{
	qb_map_iter_t *it = qb_map_iter_create(l->table);
	struct lock *lk;
	int r = 0;

	if (!it)
		return -ENOMEM;
	while (r == 0 && qb_map_iter_next(it, (void **)&lk))
		r = fn(lk->name, lk->held ? &lk->holder : NULL, lk->waiters,
		       lk->n_waiters, userdata);
	qb_map_iter_free(it);
	return r;
}

const struct lock_holder *locks_holder(const struct locks *l, const char *name)
{
	struct lock *lk = qb_map_get(l->table, name);

	return lk && lk->held ? &lk->holder : NULL;
}

const struct locks_stats *locks_get_stats(struct locks *l)
{
	l->stats.epoch = l->epoch;
	l->stats.seq = l->seq;
	l->stats.valid = l->valid;
	l->stats.entries = l->entries;
	return &l->stats;
}

int locks_new(struct replica *r, const struct locks_ops *ops, void *userdata,
	      struct locks **out)
{
	struct replica_extension ext = {
	    .deliver = deliver,
	    .view = locks_view,
	    .fill_sync_state = locks_fill_sync_state,
	    .sync_state = locks_sync_state,
	    .sync_states_complete = locks_sync_states_complete,
	};
	struct locks *l = calloc(1, sizeof(*l));
	int e;

	if (!l || !(l->table = locks_table_new())) {
		free(l);
		return -ENOMEM;
	}
	l->replica = r;
	l->ops = *ops;
	l->userdata = userdata;
	l->next_op_id = 1;
	ext.userdata = l;
	e = replica_add_extension(r, &ext);
	if (e < 0) {
		locks_free(l);
		return e;
	}
	*out = l;
	return 0;
}

void locks_free(struct locks *l)
{
	if (!l)
		return;
	locks_sync_free(l);
	locks_table_free(l->table);
	free(l);
}
