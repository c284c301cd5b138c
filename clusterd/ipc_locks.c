/*
 * IPC of the cluster locks: "lock", "unlock" and "locks".
 *
 * A client is its IPC connection (ipc_conn.id). A lock request is answered
 * when its ACQUIRE is decided at delivery: granted at once, refused, or
 * later when the lock is handed over. Its timeout does not answer by
 * itself: it multicasts CANCEL and the answer is whatever the stream
 * decides first, so a client is never told "timed out" for a lock the
 * group granted it. An ACQUIRE refused because the view synchronises is
 * parked and sent again when quorum and sync are back (like the tree's
 * writes), except for --try requests, which fail with EAGAIN.
 *
 * When a connection closes, RELEASE_CLIENT gives back everything it held
 * or waited for; a grant that reaches a client that is gone is released
 * by locks.c (the result callback says nobody wants it).
 */
#include "ipc_locks.h"
#include "ipc_pending.h"
#include "locks.h"
#include "log.h"
#include "macro.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

enum req_kind { REQ_LOCK, REQ_UNLOCK };
enum req_state { REQ_PARKED, REQ_SENT, REQ_QUEUED, REQ_CANCELLING };

struct lock_req {
	struct ipc_pending base;
	enum req_kind kind;
	enum req_state state;
	bool try_lock;
	char name[LOCK_NAME_MAX + 1];
};

struct ipc_locks {
	struct clusterd *cd;
	struct locks *locks;
	struct ipc_pending_list pending;
	/* Connections that used locks, and closed ones whose
	 * RELEASE_CLIENT could not be sent yet. */
	uint64_t *clients, *orphans;
	size_t n_clients, n_orphans;
};

static int id_add(uint64_t **v, size_t *n, uint64_t id)
{
	uint64_t *grown;

	for (size_t i = 0; i < *n; i++)
		if ((*v)[i] == id)
			return 0;
	grown = realloc(*v, (*n + 1) * sizeof(**v));
	if (!grown)
		return -ENOMEM;
	*v = grown;
	(*v)[(*n)++] = id;
	return 0;
}

static bool id_remove(uint64_t *v, size_t *n, uint64_t id)
{
	for (size_t i = 0; i < *n; i++)
		if (v[i] == id) {
			v[i] = v[--*n];
			return true;
		}
	return false;
}

static void holder_to_wire(Clusterd__LockHolder *w, const struct lock_holder *h)
{
	clusterd__lock_holder__init(w);
	w->nodeid = h->nodeid;
	w->pid = h->pid;
	w->client_id = h->client_id;
	w->op_id = h->op_id;
}

static const char *error_text(struct ipc_locks *il, int err, const char *name,
			      char *buf, size_t size)
{
	const struct lock_holder *h = locks_holder(il->locks, name);

	switch (err) {
	case EBUSY:
		if (!h)
			return "the lock is held";
		snprintf(buf, size,
			 "held by node %u, clusterd pid %u, client %llu",
			 h->nodeid, h->pid, (unsigned long long)h->client_id);
		return buf;
	case EROFS: return "no quorum";
	case EAGAIN: return "node is synchronising";
	case ETIMEDOUT: return "timed out waiting for the lock";
	case EDEADLK: return "this client holds or waits for the lock already";
	case ENOSPC: return "too many locks and waiters";
	case ENOENT: return "this client does not hold the lock";
	case EPERM: return "the lock is held by another client";
	case ENAMETOOLONG: return "lock name longer than 255 bytes";
	case EINVAL: return "empty lock name";
	case EACCES: return "locks need root";
	default: return "";
	}
}

/* Answer Q (ERR 0: the lock as held or released) and forget it. */
static void finish(struct ipc_locks *il, struct lock_req *q, int err)
{
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;
	Clusterd__LockReply lr = CLUSTERD__LOCK_REPLY__INIT;
	Clusterd__LockHolder holder;
	struct replica_member self = replica_self(il->cd->replica);
	struct lock_holder me = {self.nodeid, self.pid, q->base.conn->id,
				 q->base.op_id};
	char buf[128];

	if (err) {
		ipc_reply_errno(q->base.conn, err,
				error_text(il, err, q->name, buf, sizeof(buf)),
				q->base.request_id);
	} else {
		holder_to_wire(&holder, &me);
		lr.name = q->name;
		lr.holder = &holder;
		reply.result_case = CLUSTERD__REPLY__RESULT_LOCK;
		reply.lock = &lr;
		ipc_send_reply(q->base.conn, &reply, q->base.request_id);
	}
	ipc_pending_remove(&il->pending, &q->base);
}

static void submit(struct ipc_locks *il, struct lock_req *q)
{
	int r;

	q->base.op_id = 0; /* a result for an older attempt must not match */
	r = locks_acquire(il->locks, q->base.conn->id, q->name, q->try_lock,
			  &q->base.op_id);
	if (r == 0)
		q->state = REQ_SENT;
	else if (r == -EAGAIN && !q->try_lock)
		q->state = REQ_PARKED;
	else
		finish(il, q, -r);
}

static bool on_result(void *userdata, uint64_t client_id, uint64_t op_id,
		      const char *name, int result)
{
	struct ipc_locks *il = userdata;
	struct lock_req *q =
	    (struct lock_req *)ipc_pending_find(&il->pending, op_id);

	if (result == -ENOLCK)
		log_warning("Client %llu lost lock '%s' (quorum or membership "
			    "change)",
			    (unsigned long long)client_id, name);
	if (!q || q->base.conn->id != client_id)
		return false;
	if (q->kind == REQ_UNLOCK || result == 0) {
		finish(il, q, -result);
	} else if (result == LOCK_QUEUED) {
		if (q->state != REQ_CANCELLING)
			q->state = REQ_QUEUED;
	} else if (result == -EAGAIN && !q->try_lock &&
		   q->state != REQ_CANCELLING) {
		q->state = REQ_PARKED; /* resubmitted when synced */
		q->base.op_id = 0;
	} else {
		finish(il, q,
		       result == -ECANCELED || q->state == REQ_CANCELLING
			   ? ETIMEDOUT
			   : -result);
	}
	return true;
}

static void on_expired(void *userdata, struct ipc_pending *p)
{
	struct ipc_locks *il = userdata;
	struct lock_req *q = (struct lock_req *)p;
	int r;

	if (q->kind == REQ_UNLOCK || q->state == REQ_PARKED ||
	    q->state == REQ_CANCELLING)
		return finish(il, q, ETIMEDOUT);
	/* In flight or queued: the group decides between grant and cancel.
	 * If even the CANCEL cannot go out, a late grant finds no request
	 * and is released by locks.c. */
	r = locks_cancel(il->locks, p->conn->id, q->name, p->op_id);
	if (r < 0)
		return finish(il, q, ETIMEDOUT);
	q->state = REQ_CANCELLING;
	ipc_pending_set_deadline(&il->pending, p, il->cd->call_timeout_ms);
}

static struct lock_req *new_req(struct ipc_locks *il, struct ipc_conn *conn,
				const char *name, uint64_t id, int *err)
{
	struct lock_req *q;

	*err = locks_check_name(name);
	if (*err == 0 && !conn->can_write)
		*err = -EACCES;
	if (*err == 0)
		*err = id_add(&il->clients, &il->n_clients, conn->id);
	if (*err < 0)
		return NULL;
	q = (struct lock_req *)ipc_pending_add(&il->pending, sizeof(*q), conn,
					       id, 0);
	if (!q) {
		*err = -ENOMEM;
		return NULL;
	}
	snprintf(q->name, sizeof(q->name), "%s", name);
	return q;
}

static void handle_lock(struct ipc_locks *il, struct ipc_conn *conn,
			const Clusterd__LockRequest *lr, uint64_t id)
{
	char buf[128];
	int err;
	struct lock_req *q = new_req(il, conn, lr->name, id, &err);

	if (!q)
		return ipc_reply_errno(
		    conn, -err, error_text(il, -err, "", buf, sizeof(buf)), id);
	q->kind = REQ_LOCK;
	q->try_lock = lr->try_lock;
	ipc_pending_set_deadline(&il->pending, &q->base,
				 lr->try_lock ? il->cd->call_timeout_ms
					      : lr->timeout_ms);
	submit(il, q);
}

static void handle_unlock(struct ipc_locks *il, struct ipc_conn *conn,
			  const Clusterd__UnlockRequest *ur, uint64_t id)
{
	char buf[128];
	int err;
	struct lock_req *q = new_req(il, conn, ur->name, id, &err);

	if (!q)
		return ipc_reply_errno(
		    conn, -err, error_text(il, -err, "", buf, sizeof(buf)), id);
	q->kind = REQ_UNLOCK;
	ipc_pending_set_deadline(&il->pending, &q->base,
				 il->cd->call_timeout_ms);
	err = locks_release(il->locks, conn->id, q->name, &q->base.op_id);
	if (err < 0)
		finish(il, q, -err);
	else
		q->state = REQ_SENT;
}

/* ---------------------------------------------------------- listing */

struct listing {
	Clusterd__LockInfo *infos;
	Clusterd__LockInfo **info_ptrs;
	Clusterd__LockHolder *holders;
	Clusterd__LockHolder **holder_ptrs;
	size_t n_locks, n_holders;
	bool counting;
};

static int list_one(const char *name, const struct lock_holder *holder,
		    const struct lock_holder *waiters, size_t n_waiters,
		    void *userdata)
{
	struct listing *ls = userdata;
	Clusterd__LockInfo *info = &ls->infos[ls->n_locks];

	if (ls->counting) {
		ls->n_locks++;
		ls->n_holders += (holder ? 1 : 0) + n_waiters;
		return 0;
	}
	clusterd__lock_info__init(info);
	info->name = (char *)name;
	if (holder) {
		info->holder = &ls->holders[ls->n_holders];
		holder_to_wire(info->holder, holder);
		ls->holder_ptrs[ls->n_holders++] = info->holder;
	}
	info->waiters = &ls->holder_ptrs[ls->n_holders];
	info->n_waiters = n_waiters;
	for (size_t i = 0; i < n_waiters; i++) {
		holder_to_wire(&ls->holders[ls->n_holders], &waiters[i]);
		ls->holder_ptrs[ls->n_holders] = &ls->holders[ls->n_holders];
		ls->n_holders++;
	}
	ls->info_ptrs[ls->n_locks++] = info;
	return 0;
}

static void handle_locks(struct ipc_locks *il, struct ipc_conn *conn,
			 uint64_t id)
{
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;
	Clusterd__LocksReply lr = CLUSTERD__LOCKS_REPLY__INIT;
	struct listing ls = {.counting = true};
	int r = locks_foreach(il->locks, list_one, &ls);

	ls.infos = calloc(ls.n_locks + 1, sizeof(*ls.infos));
	ls.info_ptrs = calloc(ls.n_locks + 1, sizeof(*ls.info_ptrs));
	ls.holders = calloc(ls.n_holders + 1, sizeof(*ls.holders));
	ls.holder_ptrs = calloc(ls.n_holders + 1, sizeof(*ls.holder_ptrs));
	if (r == 0 &&
	    (!ls.infos || !ls.info_ptrs || !ls.holders || !ls.holder_ptrs))
		r = -ENOMEM;
	ls.counting = false;
	ls.n_locks = ls.n_holders = 0;
	if (r == 0)
		r = locks_foreach(il->locks, list_one, &ls);
	if (r < 0) {
		ipc_reply_errno(conn, -r, "", id);
	} else {
		lr.locks = ls.info_ptrs;
		lr.n_locks = ls.n_locks;
		lr.quorate = replica_quorate(il->cd->replica);
		lr.synced = replica_synced(il->cd->replica);
		reply.result_case = CLUSTERD__REPLY__RESULT_LOCKS;
		reply.locks = &lr;
		ipc_send_reply(conn, &reply, id);
	}
	free(ls.infos);
	free(ls.info_ptrs);
	free(ls.holders);
	free(ls.holder_ptrs);
}

/* ------------------------------------------------------ ipc_handler */

static int on_request(void *userdata, struct ipc_conn *conn,
		      Clusterd__Request *req)
{
	struct ipc_locks *il = userdata;
	uint64_t id = req->header->request_id;

	switch (req->op_case) {
	case CLUSTERD__REQUEST__OP_LOCK:
		handle_lock(il, conn, req->lock, id);
		return 0;
	case CLUSTERD__REQUEST__OP_UNLOCK:
		handle_unlock(il, conn, req->unlock, id);
		return 0;
	case CLUSTERD__REQUEST__OP_LOCKS: handle_locks(il, conn, id); return 0;
	default: return -EOPNOTSUPP;
	}
}

static void release_orphans(struct ipc_locks *il)
{
	while (il->n_orphans > 0 &&
	       locks_release_client(il->locks,
				    il->orphans[il->n_orphans - 1]) == 0)
		il->n_orphans--;
}

static void on_closed(void *userdata, struct ipc_conn *conn)
{
	struct ipc_locks *il = userdata;

	ipc_pending_drop_conn(&il->pending, conn);
	if (!id_remove(il->clients, &il->n_clients, conn->id))
		return;
	if (locks_release_client(il->locks, conn->id) < 0 &&
	    id_add(&il->orphans, &il->n_orphans, conn->id) < 0)
		log_error("Cannot release the locks of client %llu; they go "
			  "when this node leaves the group",
			  (unsigned long long)conn->id);
}

static void on_state_changed(void *userdata)
{
	struct ipc_locks *il = userdata;
	struct ipc_pending *p, *next;

	release_orphans(il);
	for (p = il->pending.head; p; p = next) {
		struct lock_req *q = (struct lock_req *)p;

		next = p->next;
		if (q->kind == REQ_LOCK && q->state == REQ_PARKED)
			submit(il, q);
	}
	locks_state_changed(il->locks);
}

int ipc_locks_new(struct clusterd *cd, struct ipc_locks **out)
{
	static const struct locks_ops ops = {.result = on_result};
	struct ipc_locks *il = calloc(1, sizeof(*il));
	struct ipc_handler h = {
	    .request = on_request,
	    .closed = on_closed,
	    .state_changed = on_state_changed,
	    .userdata = il,
	};
	int r;

	if (!il)
		return -ENOMEM;
	il->cd = cd;
	ipc_pending_init(&il->pending, cd->loop, on_expired, il);
	r = locks_new(cd->replica, &ops, il, &il->locks);
	if (r == 0)
		r = ipc_server_add_handler(cd->ipc, &h);
	if (r < 0) {
		ipc_locks_free(il);
		return log_error_errno(r, "Cannot set up the cluster locks");
	}
	*out = il;
	return 0;
}

void ipc_locks_free(struct ipc_locks *il)
{
	if (!il)
		return;
	ipc_pending_destroy(&il->pending);
	locks_free(il->locks);
	free(il->clients);
	free(il->orphans);
	free(il);
}
