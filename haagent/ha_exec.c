/*
 * The HA operations executor (see ha_exec.h): a queue, a worker thread
 * and a "running" cache, all under one mutex. The worker owns its own
 * clusterd connection; its calls block for as long as the operation takes
 * (a live migration), never the HA loop.
 */
#include "ha_exec.h"
#include "cdcall.h"
#include "log.h"
#include "macro.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define OP_MAX	     (HA_MAX_SVCS * 2)
#define OP_CALL_MS   300000
#define LIST_EVERY_S 1

enum op_kind { OP_START, OP_STOP, OP_MIGRATE };

struct op {
	enum op_kind kind;
	char sid[HA_NAME_MAX];
	char target[HA_NAME_MAX];
	bool live;
	uint64_t timeout_ms, id;
	int rc;
};

struct ha_exec {
	char self[HA_NAME_MAX];
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	bool stop, blocked;
	struct op queue[OP_MAX], done[OP_MAX];
	size_t n_queue, n_done;
	char running[HA_MAX_SVCS][HA_NAME_MAX];
	size_t n_running;
	struct ipc_client *c;
	void (*notify)(void *);
	void *notify_data;
};

/* "vm:101" -> qemu 101, "ct:102" -> lxc 102. */
static int sid_parse(const char *sid, const char **type, uint32_t *id)
{
	char *end;
	unsigned long v;

	if (strncmp(sid, "vm:", 3) == 0)
		*type = "qemu";
	else if (strncmp(sid, "ct:", 3) == 0)
		*type = "lxc";
	else
		return -EINVAL;
	errno = 0;
	v = strtoul(sid + 3, &end, 10);
	if (errno || *end || end == sid + 3 || v > UINT32_MAX)
		return -EINVAL;
	*id = (uint32_t)v;
	return 0;
}

static int guest_call(struct ha_exec *x, Clusterd__GuestRequest *req,
		      Clusterd__GuestReply **reply, char *msg)
{
	if (!x->c && ipc_client_connect(&x->c) < 0) {
		snprintf(msg, CDCALL_MSG, "clusterd is not running");
		return -ENOTCONN;
	}
	int r = cdcall_node(x->c, x->self, req, OP_CALL_MS, reply, msg);

	if (r == -ENOTCONN || r == -ETIMEDOUT) {
		ipc_client_free(x->c);
		x->c = NULL;
	}
	return r;
}

/* Take the configuration over from another node's directory (after the
 * CRM placed the guest here: its old node is fenced or it moved). */
static int take_config(struct ha_exec *x, const char *type, uint32_t id,
		       char *msg)
{
	char mine[256], theirs[256], **nodes = NULL;
	size_t n = 0;
	int r;

	snprintf(mine, sizeof(mine), "nodes/%s/%s/%u.conf", x->self, type, id);
	_cleanup_free_ char *text = NULL;
	if (cdcall_get(x->c, mine, &text, msg) == 0)
		return 0;
	r = cdcall_list(x->c, "nodes", &nodes, &n, msg);
	if (r < 0)
		return r;
	r = -ENOENT;
	for (size_t i = 0; i < n && r == -ENOENT; i++) {
		_cleanup_free_ char *t = NULL;

		snprintf(theirs, sizeof(theirs), "nodes/%s/%s/%u.conf",
			 nodes[i], type, id);
		if (strcmp(nodes[i], x->self) == 0 ||
		    cdcall_get(x->c, theirs, &t, msg) < 0)
			continue;
		r = cdcall_mkdir_parents(x->c, mine, msg);
		if (r == 0)
			r = cdcall_rename(x->c, theirs, mine, msg);
		if (r == 0)
			log_notice("HA: took %s over from %s", mine, theirs);
	}
	cdcall_names_free(nodes, n);
	if (r == -ENOENT)
		snprintf(msg, CDCALL_MSG, "no configuration of %s %u", type,
			 id);
	return r;
}

/* The guest of REQ (type, id) runs here: a start is done already. */
static bool is_running(struct ha_exec *x, Clusterd__GuestRequest *req,
		       char *msg)
{
	Clusterd__GuestReply *reply = NULL;
	bool r;

	req->op = CLUSTERD__GUEST_OP__GUEST_OP_STATUS;
	if (guest_call(x, req, &reply, msg) < 0 || !reply)
		return false;
	r = reply->n_guests == 1 &&
	    strcmp(reply->guests[0]->state, "running") == 0;
	clusterd__guest_reply__free_unpacked(reply, NULL);
	return r;
}

static int run_op(struct ha_exec *x, const struct op *o, char *msg)
{
	Clusterd__GuestRequest req = CLUSTERD__GUEST_REQUEST__INIT;
	const char *type;
	uint32_t id;
	int r = sid_parse(o->sid, &type, &id);

	if (r < 0)
		return r;
	req.type = (char *)type;
	req.id = id;
	if (o->kind == OP_START) {
		if (!x->c && ipc_client_connect(&x->c) < 0)
			return -ENOTCONN;
		r = take_config(x, type, id, msg);
		if (r < 0 || is_running(x, &req, msg))
			return r;
		req.op = CLUSTERD__GUEST_OP__GUEST_OP_START;
		return guest_call(x, &req, NULL, msg);
	}
	if (o->kind == OP_STOP || !o->live) {
		req.op = CLUSTERD__GUEST_OP__GUEST_OP_SHUTDOWN;
		req.timeout_ms = (uint32_t)o->timeout_ms;
		r = guest_call(x, &req, NULL, msg);
		if (r < 0 || o->kind == OP_STOP)
			return r;
	}
	req.op = CLUSTERD__GUEST_OP__GUEST_OP_MIGRATE;
	req.target = (char *)o->target;
	req.online = o->live;
	req.timeout_ms = 0;
	return guest_call(x, &req, NULL, msg);
}

/* Refresh the cache of guests running here (GUEST_OP_LIST). */
static void refresh(struct ha_exec *x)
{
	Clusterd__GuestRequest req = CLUSTERD__GUEST_REQUEST__INIT;
	Clusterd__GuestReply *reply = NULL;
	char msg[CDCALL_MSG];

	req.op = CLUSTERD__GUEST_OP__GUEST_OP_LIST;
	if (guest_call(x, &req, &reply, msg) < 0 || !reply)
		return;
	pthread_mutex_lock(&x->mu);
	x->n_running = 0;
	for (size_t i = 0; i < reply->n_guests && x->n_running < HA_MAX_SVCS;
	     i++) {
		Clusterd__GuestInfo *g = reply->guests[i];

		if (strcmp(g->state, "running") && strcmp(g->state, "paused"))
			continue;
		snprintf(x->running[x->n_running++], HA_NAME_MAX, "%s:%u",
			 strcmp(g->type, "qemu") == 0 ? "vm" : "ct", g->id);
	}
	pthread_mutex_unlock(&x->mu);
	clusterd__guest_reply__free_unpacked(reply, NULL);
}

static void *worker(void *data)
{
	struct ha_exec *x = data;

	pthread_mutex_lock(&x->mu);
	while (!x->stop) {
		struct timespec ts;

		if (x->n_queue == 0) {
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += LIST_EVERY_S;
			if (pthread_cond_timedwait(&x->cond, &x->mu, &ts) ==
			    ETIMEDOUT) {
				pthread_mutex_unlock(&x->mu);
				refresh(x);
				pthread_mutex_lock(&x->mu);
			}
			continue;
		}
		struct op o = x->queue[0];
		char msg[CDCALL_MSG] = "";

		memmove(x->queue, x->queue + 1, --x->n_queue * sizeof(o));
		pthread_mutex_unlock(&x->mu);
		o.rc = run_op(x, &o, msg);
		if (o.rc < 0)
			log_warning("HA: %s %s failed: %s",
				    o.kind == OP_START	? "start"
				    : o.kind == OP_STOP ? "stop"
							: "migrate",
				    o.sid, msg[0] ? msg : strerror(-o.rc));
		refresh(x);
		pthread_mutex_lock(&x->mu);
		if (x->n_done < OP_MAX)
			x->done[x->n_done++] = o;
		if (x->notify)
			x->notify(x->notify_data);
	}
	pthread_mutex_unlock(&x->mu);
	return NULL;
}

int ha_exec_new(const char *self, struct ha_exec **out)
{
	struct ha_exec *x = calloc(1, sizeof(*x));
	sigset_t all, old;
	int r;

	if (!x)
		return -ENOMEM;
	snprintf(x->self, sizeof(x->self), "%s", self);
	pthread_mutex_init(&x->mu, NULL);
	pthread_cond_init(&x->cond, NULL);
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = -pthread_create(&x->thread, NULL, worker, x);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r < 0) {
		free(x);
		return r;
	}
	*out = x;
	return 0;
}

void ha_exec_free(struct ha_exec *x)
{
	if (!x)
		return;
	pthread_mutex_lock(&x->mu);
	x->stop = true;
	pthread_cond_signal(&x->cond);
	pthread_mutex_unlock(&x->mu);
	pthread_join(x->thread, NULL);
	ipc_client_free(x->c);
	free(x);
}

static int enqueue(struct ha_exec *x, const struct op *o)
{
	const char *type;
	uint32_t id;
	int r = sid_parse(o->sid, &type, &id);

	if (r < 0)
		return r;
	pthread_mutex_lock(&x->mu);
	if (o->kind == OP_START && x->blocked)
		r = -ENODEV;
	else if (x->n_queue == OP_MAX)
		r = -EAGAIN;
	else {
		x->queue[x->n_queue++] = *o;
		pthread_cond_signal(&x->cond);
	}
	pthread_mutex_unlock(&x->mu);
	if (r == -ENODEV)
		log_error("HA: not starting %s: no working watchdog", o->sid);
	return r;
}

static int op_start(void *ud, const char *sid, uint64_t id)
{
	struct op o = {.kind = OP_START, .id = id};

	snprintf(o.sid, sizeof(o.sid), "%s", sid);
	return enqueue(*(struct ha_exec **)ud, &o);
}

static int op_stop(void *ud, const char *sid, uint64_t timeout_ms, uint64_t id)
{
	struct op o = {.kind = OP_STOP, .id = id, .timeout_ms = timeout_ms};

	snprintf(o.sid, sizeof(o.sid), "%s", sid);
	return enqueue(*(struct ha_exec **)ud, &o);
}

static int op_migrate(void *ud, const char *sid, const char *target, bool live,
		      uint64_t id)
{
	struct op o = {.kind = OP_MIGRATE,
		       .id = id,
		       .live = live,
		       .timeout_ms = HA_DEFAULT_STOP_MS};

	snprintf(o.sid, sizeof(o.sid), "%s", sid);
	snprintf(o.target, sizeof(o.target), "%s", target);
	return enqueue(*(struct ha_exec **)ud, &o);
}

static bool op_running(void *ud, const char *sid)
{
	struct ha_exec *x = *(struct ha_exec **)ud;
	bool r = false;

	pthread_mutex_lock(&x->mu);
	for (size_t i = 0; i < x->n_running && !r; i++)
		r = strcmp(x->running[i], sid) == 0;
	pthread_mutex_unlock(&x->mu);
	return r;
}

const struct ha_lrm_ops ha_exec_ops = {
    .start = op_start,
    .stop = op_stop,
    .migrate = op_migrate,
    .running = op_running,
};

void ha_exec_block_starts(struct ha_exec *x, bool blocked)
{
	pthread_mutex_lock(&x->mu);
	x->blocked = blocked;
	pthread_mutex_unlock(&x->mu);
}

void ha_exec_set_notify(struct ha_exec *x, void (*fn)(void *), void *userdata)
{
	pthread_mutex_lock(&x->mu);
	x->notify = fn;
	x->notify_data = userdata;
	pthread_mutex_unlock(&x->mu);
}

void ha_exec_poll(struct ha_exec *x, struct ha_lrm *lrm)
{
	struct op done[OP_MAX];
	size_t n;

	pthread_mutex_lock(&x->mu);
	n = x->n_done;
	memcpy(done, x->done, n * sizeof(done[0]));
	x->n_done = 0;
	pthread_mutex_unlock(&x->mu);
	for (size_t i = 0; i < n; i++)
		ha_lrm_op_done(lrm, done[i].id, done[i].rc);
}
