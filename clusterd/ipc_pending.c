/*
 * Deferred IPC answers (see ipc_pending.h). One low-priority timer per
 * list ticks while entries with a deadline exist; a tick of 100 ms is
 * precise enough for lock timeouts given in milliseconds by people and
 * keeps an idle daemon free of timers.
 */
#include "ipc_pending.h"
#include "log.h"

#include <errno.h>
#include <string.h>
#include <qb/qbutil.h>

#define TICK_MS 100

static void tick(void *data);

static void arm(struct ipc_pending_list *l)
{
	bool needed = false;

	for (struct ipc_pending *p = l->head; p && !needed; p = p->next)
		needed = p->deadline_ns != 0;
	if (l->armed || !needed || !l->loop)
		return;
	l->armed = qb_loop_timer_add(l->loop, QB_LOOP_LOW,
				     TICK_MS * QB_TIME_NS_IN_MSEC, l, tick,
				     &l->timer) == 0;
}

static void tick(void *data)
{
	struct ipc_pending_list *l = data;
	uint64_t now = qb_util_nano_current_get();
	struct ipc_pending *p, *next;

	l->armed = false;
	for (p = l->head; p; p = next) {
		next = p->next;
		if (p->deadline_ns && now >= p->deadline_ns) {
			p->deadline_ns = 0;
			l->expired(l->userdata, p); /* may remove P */
		}
	}
	arm(l);
}

void ipc_pending_init(struct ipc_pending_list *l, qb_loop_t *loop,
		      void (*expired)(void *userdata, struct ipc_pending *p),
		      void *userdata)
{
	*l = (struct ipc_pending_list){
	    .loop = loop, .expired = expired, .userdata = userdata};
}

void ipc_pending_destroy(struct ipc_pending_list *l)
{
	while (l->head)
		ipc_pending_remove(l, l->head);
	if (l->armed)
		qb_loop_timer_del(l->loop, l->timer);
	l->armed = false;
}

void ipc_pending_set_deadline(struct ipc_pending_list *l, struct ipc_pending *p,
			      uint64_t timeout_ms)
{
	p->deadline_ns = timeout_ms ? qb_util_nano_current_get() +
					  timeout_ms * QB_TIME_NS_IN_MSEC
				    : 0;
	arm(l);
}

struct ipc_pending *ipc_pending_add(struct ipc_pending_list *l, size_t size,
				    struct ipc_conn *conn, uint64_t request_id,
				    uint64_t timeout_ms)
{
	struct ipc_pending *p = calloc(1, size);

	if (!p)
		return NULL;
	p->conn = conn;
	ipc_conn_ref(conn);
	p->request_id = request_id;
	p->prev = l->tail;
	if (l->tail)
		l->tail->next = p;
	else
		l->head = p;
	l->tail = p;
	ipc_pending_set_deadline(l, p, timeout_ms);
	return p;
}

void ipc_pending_remove(struct ipc_pending_list *l, struct ipc_pending *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		l->head = p->next;
	if (p->next)
		p->next->prev = p->prev;
	else
		l->tail = p->prev;
	ipc_conn_unref(p->conn);
	free(p);
}

struct ipc_pending *ipc_pending_find(const struct ipc_pending_list *l,
				     uint64_t op_id)
{
	for (struct ipc_pending *p = l->head; p && op_id; p = p->next)
		if (p->op_id == op_id)
			return p;
	return NULL;
}

void ipc_pending_drop_conn(struct ipc_pending_list *l, struct ipc_conn *conn)
{
	struct ipc_pending *p, *next;

	for (p = l->head; p; p = next) {
		next = p->next;
		if (p->conn == conn)
			ipc_pending_remove(l, p);
	}
}

void ipc_reply_errno(struct ipc_conn *conn, int err, const char *message,
		     uint64_t request_id)
{
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;

	reply.errno_code = err;
	reply.error_message =
	    (char *)(message && *message ? message : strerror(err));
	ipc_send_reply(conn, &reply, request_id);
}
