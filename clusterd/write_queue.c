/*
 * Waiting client writes (see write_queue.h). A write is PARKED while the
 * view synchronises (replica_submit said EAGAIN), SENT once multicast,
 * DECIDED when its own delivery came back; after the batch's store commit
 * its callback runs. A write decided EAGAIN (delivered during a sync) is
 * resubmitted in the next view. One low-priority timer ticks while writes
 * wait, so a client never waits past its deadline on a stalled member.
 */
#include "write_queue.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <qb/qbutil.h>

#define DEADLINE_TICK_MS 100

enum wq_state { WQ_PARKED, WQ_SENT, WQ_DECIDED };

struct wq_entry {
	struct wq_entry *prev, *next;
	struct replica_write w;
	write_done_fn done;
	void *userdata;
	uint64_t write_id;
	enum wq_state state;
	int err;
	uint64_t version;
	uint64_t deadline_ns;
};

struct write_queue {
	qb_loop_t *loop;
	struct replica *replica;
	uint64_t timeout_ms;
	struct wq_entry *head, *tail;
	qb_loop_timer_handle timer;
	bool armed;
};

static void finish_why(struct write_queue *q, struct wq_entry *e, int err,
		       const char *why, uint64_t version)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		q->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		q->tail = e->prev;
	e->done(e->userdata, err, why, version);
	free(e);
}

static void finish(struct write_queue *q, struct wq_entry *e, int err,
		   uint64_t version)
{
	finish_why(q, e, err, NULL, version);
}

static void submit(struct write_queue *q, struct wq_entry *e)
{
	int r = replica_submit(q->replica, &e->w, &e->write_id);

	if (r == 0)
		e->state = WQ_SENT;
	else if (r == -EAGAIN)
		e->state = WQ_PARKED;
	else
		finish(q, e, -r, 0);
}

static void tick(void *data);

static void arm(struct write_queue *q)
{
	if (q->armed || !q->head)
		return;
	q->armed = qb_loop_timer_add(q->loop, QB_LOOP_LOW,
				     DEADLINE_TICK_MS * QB_TIME_NS_IN_MSEC, q,
				     tick, &q->timer) == 0;
}

static void tick(void *data)
{
	struct write_queue *q = data;
	uint64_t now = qb_util_nano_current_get();
	struct wq_entry *e, *next;

	q->armed = false;
	for (e = q->head; e; e = next) {
		next = e->next;
		if (e->state != WQ_DECIDED && now >= e->deadline_ns)
			finish(q, e, ETIMEDOUT, 0);
	}
	arm(q);
}

int write_queue_new(qb_loop_t *loop, struct replica *replica,
		    uint64_t timeout_ms, struct write_queue **out)
{
	struct write_queue *q = calloc(1, sizeof(*q));

	if (!q)
		return -ENOMEM;
	q->loop = loop;
	q->replica = replica;
	q->timeout_ms = timeout_ms;
	*out = q;
	return 0;
}

void write_queue_free(struct write_queue *q)
{
	if (!q)
		return;
	while (q->head)
		finish(q, q->head, ESHUTDOWN, 0);
	if (q->armed)
		qb_loop_timer_del(q->loop, q->timer);
	free(q);
}

int write_queue_submit(struct write_queue *q, const struct replica_write *w,
		       write_done_fn done, void *userdata)
{
	struct wq_entry *e = calloc(1, sizeof(*e));

	if (!e)
		return -ENOMEM;
	e->w = *w;
	e->done = done;
	e->userdata = userdata;
	e->deadline_ns =
	    qb_util_nano_current_get() + q->timeout_ms * QB_TIME_NS_IN_MSEC;
	e->prev = q->tail;
	if (q->tail)
		q->tail->next = e;
	else
		q->head = e;
	q->tail = e;
	arm(q);
	submit(q, e);
	return 0;
}

void write_queue_decided(struct write_queue *q, uint64_t write_id, int err,
			 uint64_t version)
{
	if (!q)
		return;
	for (struct wq_entry *e = q->head; e; e = e->next) {
		if (e->state == WQ_SENT && e->write_id == write_id) {
			e->state = WQ_DECIDED;
			e->err = -err;
			e->version = version;
			return;
		}
	}
	/* Its client timed out: nothing to answer. */
}

void write_queue_committed(struct write_queue *q, int err)
{
	struct wq_entry *e, *next;
	char why[200] = "";

	/* EIO, not the store's errno: ENOSPC would read as "refused" (the
	 * tree's size limit) while this write did take effect. Worded only
	 * on failure: this runs after every batch. */
	if (err < 0)
		snprintf(why, sizeof(why),
			 "applied in the cluster, but this node could not "
			 "store it on disk (%s); it is kept in memory and "
			 "stored once possible",
			 strerror(-err));

	for (e = q ? q->head : NULL; e; e = next) {
		next = e->next;
		if (e->state != WQ_DECIDED)
			continue;
		if (e->err == EAGAIN) {
			/* Delivered during a sync: try again in the new view.
			 */
			submit(q, e);
			continue;
		}
		/* Applied but not durable here: the outcome is unknown to
		 * the client, never "done". */
		if (!e->err && err < 0)
			finish_why(q, e, EIO, why, e->version);
		else
			finish(q, e, e->err, e->version);
	}
}

void write_queue_state_changed(struct write_queue *q)
{
	struct wq_entry *e, *next;

	for (e = q ? q->head : NULL; e; e = next) {
		next = e->next;
		if (e->state == WQ_PARKED)
			submit(q, e);
	}
}
