/*
 * Lock tables across view changes: release of departed members, the drop
 * of a minority, and the merge of the members' tables after sync.
 *
 * Each member puts its table into its SyncState as it stood when the view
 * was installed (after this view released the locks of departed members),
 * with three numbers:
 *   valid  the table descends from a merge in a quorate view. A member that
 *          went through a view without quorum dropped everything and
 *          offers an empty, invalid table.
 *   epoch  a merge in a quorate view sets every member's epoch to one more
 *          than the highest epoch among the view's SyncStates; a member
 *          never lowers it, not even when it drops its table.
 *   seq    the changes applied to the table since that merge.
 * Once every SyncState is delivered, every member of a quorate view adopts
 * the valid table with the highest (epoch, seq), the lowest (node ID, pid)
 * on a tie; removes entries of members outside the view; then applies the
 * releases and cancels delivered since the view was installed, which were
 * held back for this. A view without quorum adopts the empty table. The
 * SyncStates are delivered in the same order to every member and the
 * choice is a pure function of them, so all members hold the same table.
 *
 * Why it is the latest table: two quorate views that follow each other
 * share a member (each holds a majority of the votes), which carries the
 * earlier epoch into the later view, so the later merge gets a higher
 * epoch; epochs order quorate merges as time does. Tables change only in
 * quorate views, so the highest valid epoch is the latest lineage, and
 * within it the highest seq has applied most of its stream (members of
 * one view apply the same stream: they tie and offer equal tables).
 * Members coming from a minority offer nothing, so a minority can neither
 * keep nor revive a lock.
 *
 * Why it is safe: the adopted table is one member's whole table, never a
 * union, so a lock has one holder and one queue. Then each member compares
 * its own clients' entries before and after the merge: an entry it did not
 * have (a stale table won, or it lost its table in a minority) is given
 * back with RELEASE or CANCEL; a lock its client held that the adopted
 * table lacks is reported lost (-ENOLCK), a lost wait as -EAGAIN, which
 * the IPC layer retries. Grants wait until the view is synced, so no lock
 * moves before every member adopted the same table. What no protocol
 * without clocks can avoid: a member cut off from the group believes its
 * locks held until its own view changes; fencing (haagent) covers that.
 */
#include "locks_internal.h"
#include "log.h"
#include "macro.h"

#include <errno.h>
#include <string.h>

struct view_arg {
	const struct replica_member *members;
	size_t count;
};

static bool in_members(const struct lock_holder *h, const void *arg)
{
	const struct view_arg *va = arg;

	for (size_t i = 0; i < va->count; i++)
		if (holder_is(h, va->members[i].nodeid, va->members[i].pid))
			return true;
	return false;
}

static void apply_deferred(struct locks *l)
{
	struct deferred_op *d;

	while ((d = l->deferred)) {
		Clusterd__LockOp op = CLUSTERD__LOCK_OP__INIT;

		l->deferred = d->next;
		op.type = d->type;
		op.name = d->name;
		op.client_id = d->client_id;
		op.op_id = d->op_id;
		locks_apply(l, &d->from, &op);
		free(d);
	}
	l->deferred_tail = NULL;
}

void locks_defer(struct locks *l, const struct replica_member *from,
		 const Clusterd__LockOp *op)
{
	size_t len = strlen(op->name);
	struct deferred_op *d = calloc(1, sizeof(*d) + len + 1);

	if (!d) {
		log_error("Out of memory deferring a lock operation; the "
			  "next membership change repairs the table");
		return;
	}
	d->from = *from;
	d->type = op->type;
	d->client_id = op->client_id;
	d->op_id = op->op_id;
	memcpy(d->name, op->name, len + 1);
	if (l->deferred_tail)
		l->deferred_tail->next = d;
	else
		l->deferred = d;
	l->deferred_tail = d;
}

static void cand_reset(struct locks *l)
{
	locks_table_free(l->cand.table);
	l->cand = (struct merge_candidate){0};
	l->max_epoch = 0;
}

/* Tell our clients what a minority takes from them; the table empties. */
static void drop_all(struct locks *l)
{
	struct replica_member self = replica_self(l->replica);
	qb_map_t *old = l->table, *fresh = locks_table_new();
	qb_map_iter_t *it;
	struct lock *lk;

	if (!fresh) {
		log_error("Out of memory dropping the lock table");
		return;
	}
	l->table = fresh;
	l->entries = 0;
	l->seq = 0;
	l->valid = false;
	l->need_pass = false;
	it = qb_map_iter_create(old);
	while (it && qb_map_iter_next(it, (void **)&lk)) {
		if (lk->held && holder_is(&lk->holder, self.nodeid, self.pid))
			locks_notify(l, &lk->holder, lk->name, -ENOLCK);
		for (size_t i = 0; i < lk->n_waiters; i++)
			locks_notify(l, &lk->waiters[i], lk->name, -EROFS);
	}
	if (it)
		qb_map_iter_free(it);
	locks_table_free(old);
}

void locks_view(void *userdata, const struct replica_member *members,
		size_t count, bool quorate)
{
	struct locks *l = userdata;
	struct view_arg va = {members, count};

	/* Operations of the last view that never merged still apply, to
	 * this member's table at least; the next merge evens tables out. */
	l->merged = false;
	apply_deferred(l);
	cand_reset(l);
	if (!quorate) {
		if (l->entries > 0)
			log_notice("No quorum: dropping %zu lock entries",
				   l->entries);
		drop_all(l);
		return;
	}
	locks_filter(l, l->table, &l->entries, in_members, &va);
}

static void free_sync_buffers(struct locks *l)
{
	free(l->sync_infos);
	free(l->sync_info_ptrs);
	free(l->sync_holders);
	free(l->sync_holder_ptrs);
	l->sync_infos = NULL;
	l->sync_info_ptrs = NULL;
	l->sync_holders = NULL;
	l->sync_holder_ptrs = NULL;
}

static Clusterd__LockHolder *put_holder(struct locks *l, size_t *k,
					const struct lock_holder *h)
{
	Clusterd__LockHolder *p = &l->sync_holders[*k];

	clusterd__lock_holder__init(p);
	p->nodeid = h->nodeid;
	p->pid = h->pid;
	p->client_id = h->client_id;
	p->op_id = h->op_id;
	l->sync_holder_ptrs[(*k)++] = p;
	return p;
}

void locks_fill_sync_state(void *userdata, Clusterd__SyncState *st)
{
	struct locks *l = userdata;
	size_t n = qb_map_count_get(l->table), i = 0, k = 0;
	qb_map_iter_t *it;
	struct lock *lk;

	free_sync_buffers(l);
	st->lock_epoch = l->epoch;
	l->sync_infos = calloc(n + 1, sizeof(*l->sync_infos));
	l->sync_info_ptrs = calloc(n + 1, sizeof(*l->sync_info_ptrs));
	l->sync_holders = calloc(l->entries + 1, sizeof(*l->sync_holders));
	l->sync_holder_ptrs =
	    calloc(l->entries + 1, sizeof(*l->sync_holder_ptrs));
	it = qb_map_iter_create(l->table);
	if (!l->sync_infos || !l->sync_info_ptrs || !l->sync_holders ||
	    !l->sync_holder_ptrs || !it) {
		/* Offer nothing: the others decide without this table. */
		log_error("Out of memory filling the lock sync state");
		if (it)
			qb_map_iter_free(it);
		return;
	}
	while (qb_map_iter_next(it, (void **)&lk) && i < n) {
		Clusterd__LockInfo *info = &l->sync_infos[i];

		clusterd__lock_info__init(info);
		info->name = lk->name;
		if (lk->held)
			info->holder = put_holder(l, &k, &lk->holder);
		info->waiters = &l->sync_holder_ptrs[k];
		info->n_waiters = lk->n_waiters;
		for (size_t w = 0; w < lk->n_waiters; w++)
			put_holder(l, &k, &lk->waiters[w]);
		l->sync_info_ptrs[i++] = info;
	}
	qb_map_iter_free(it);
	st->locks = l->sync_info_ptrs;
	st->n_locks = i;
	st->lock_seq = l->seq;
	st->lock_valid = l->valid;
}

static struct lock_holder from_wire(const Clusterd__LockHolder *h)
{
	return (struct lock_holder){h->nodeid, h->pid, h->client_id, h->op_id};
}

/* A peer's table, checked: names valid and unique, within the limit. */
static int add_info(qb_map_t *t, size_t *entries, const Clusterd__LockInfo *in)
{
	struct lock *lk;

	if (!in || locks_check_name(in->name) < 0 || qb_map_get(t, in->name))
		return -EINVAL;
	if (!in->holder && in->n_waiters == 0)
		return 0;
	*entries += (in->holder ? 1 : 0) + in->n_waiters;
	if (*entries > LOCKS_MAX_ENTRIES)
		return -E2BIG;
	lk = locks_get(t, in->name, true);
	if (!lk)
		return -ENOMEM;
	lk->waiters = calloc(in->n_waiters + 1, sizeof(*lk->waiters));
	if (!lk->waiters)
		return -ENOMEM;
	lk->cap_waiters = in->n_waiters + 1;
	for (size_t w = 0; w < in->n_waiters; w++) {
		if (!in->waiters[w])
			return -EINVAL;
		lk->waiters[lk->n_waiters++] = from_wire(in->waiters[w]);
	}
	lk->held = in->holder != NULL;
	if (lk->held)
		lk->holder = from_wire(in->holder);
	return 0;
}

static qb_map_t *table_from_state(const Clusterd__SyncState *st,
				  size_t *entries)
{
	qb_map_t *t = locks_table_new();
	int r = t ? 0 : -ENOMEM;

	*entries = 0;
	for (size_t i = 0; r == 0 && i < st->n_locks; i++)
		r = add_info(t, entries, st->locks[i]);
	if (r < 0) {
		locks_table_free(t);
		return NULL;
	}
	return t;
}

static bool better(const struct merge_candidate *c,
		   const struct replica_member *from,
		   const Clusterd__SyncState *st)
{
	if (!c->present || st->lock_epoch != c->epoch)
		return !c->present || st->lock_epoch > c->epoch;
	if (st->lock_seq != c->seq)
		return st->lock_seq > c->seq;
	if (from->nodeid != c->from.nodeid)
		return from->nodeid < c->from.nodeid;
	return from->pid < c->from.pid;
}

void locks_sync_state(void *userdata, const struct replica_member *from,
		      const Clusterd__SyncState *st)
{
	struct locks *l = userdata;
	qb_map_t *t;
	size_t entries;

	if (st->lock_epoch > l->max_epoch)
		l->max_epoch = st->lock_epoch;
	if (!st->lock_valid || !better(&l->cand, from, st))
		return;
	t = table_from_state(st, &entries);
	if (!t) {
		l->stats.states_rejected++;
		log_warning(
		    "Ignored the malformed lock table of node %u pid %u",
		    from->nodeid, from->pid);
		return;
	}
	locks_table_free(l->cand.table);
	l->cand = (struct merge_candidate){.present = true,
					   .epoch = st->lock_epoch,
					   .seq = st->lock_seq,
					   .from = *from,
					   .table = t,
					   .entries = entries};
}

/* Give back what the adopted table gives our clients that they did not
 * have; report what it takes away. */
static void reconcile_new(struct locks *l, qb_map_t *old,
			  const struct replica_member *self)
{
	qb_map_iter_t *it = qb_map_iter_create(l->table);
	struct lock *lk, *was;
	int e = 0;

	while (it && qb_map_iter_next(it, (void **)&lk)) {
		was = qb_map_get(old, lk->name);
		if (lk->held &&
		    holder_is(&lk->holder, self->nodeid, self->pid) &&
		    !(was && was->held &&
		      same_client(&was->holder, &lk->holder)))
			e |= locks_send(l, CLUSTERD__LOCK_OP__TYPE__RELEASE,
					lk->holder.client_id, lk->name, false,
					l->next_op_id++);
		for (size_t i = 0; i < lk->n_waiters; i++) {
			const struct lock_holder *w = &lk->waiters[i];
			bool known = false;

			if (!holder_is(w, self->nodeid, self->pid))
				continue;
			for (size_t j = 0; was && j < was->n_waiters; j++)
				known |= same_client(&was->waiters[j], w);
			if (!known)
				e |= locks_send(
				    l, CLUSTERD__LOCK_OP__TYPE__CANCEL,
				    w->client_id, lk->name, false, w->op_id);
		}
	}
	if (it)
		qb_map_iter_free(it);
	if (e < 0)
		log_error("Cannot give back stale lock entries; the next "
			  "membership change retries");
}

static void reconcile_old(struct locks *l, qb_map_t *old,
			  const struct replica_member *self)
{
	qb_map_iter_t *it = qb_map_iter_create(old);
	struct lock *lk, *now;

	while (it && qb_map_iter_next(it, (void **)&lk)) {
		now = qb_map_get(l->table, lk->name);
		if (lk->held &&
		    holder_is(&lk->holder, self->nodeid, self->pid) &&
		    !(now && now->held &&
		      same_client(&now->holder, &lk->holder)))
			locks_notify(l, &lk->holder, lk->name, -ENOLCK);
		for (size_t i = 0; i < lk->n_waiters; i++) {
			const struct lock_holder *w = &lk->waiters[i];
			bool kept = false;

			for (size_t j = 0; now && j < now->n_waiters; j++)
				kept |= same_client(&now->waiters[j], w);
			if (!kept)
				locks_notify(l, w, lk->name, -EAGAIN);
		}
	}
	if (it)
		qb_map_iter_free(it);
}

void locks_sync_states_complete(void *userdata)
{
	struct locks *l = userdata;
	struct replica_member self = replica_self(l->replica);
	bool quorate = replica_quorate(l->replica);
	qb_map_t *old = l->table, *adopted;
	struct view_arg va;

	if (l->merged)
		return; /* a repair round of the tree's sync: merged already */
	va.members = replica_members(l->replica, &va.count);
	adopted = quorate && l->cand.present ? TAKE_PTR(l->cand.table)
					     : locks_table_new();
	if (!adopted) {
		log_error("Out of memory merging lock tables: keeping ours "
			  "until the next membership change");
		return;
	}
	l->table = adopted;
	l->entries = quorate && l->cand.present ? l->cand.entries : 0;
	l->seq = quorate && l->cand.present ? l->cand.seq : 0;
	if (l->max_epoch > l->epoch)
		l->epoch = l->max_epoch;
	l->epoch += quorate ? 1 : 0;
	l->valid = quorate;
	l->need_pass = false;
	cand_reset(l);
	locks_filter(l, l->table, &l->entries, in_members, &va);
	reconcile_new(l, old, &self);
	reconcile_old(l, old, &self);
	locks_table_free(old);
	l->merged = true;
	l->stats.merges++;
	apply_deferred(l);
}

void locks_sync_free(struct locks *l)
{
	struct deferred_op *d;

	while ((d = l->deferred)) {
		l->deferred = d->next;
		free(d);
	}
	cand_reset(l);
	free_sync_buffers(l);
}
