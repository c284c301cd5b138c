/*
 * The agent thread (see agent.h). Two IPC connections: one registered as
 * the agent, which receives tasks as events and carries the answers, and
 * one for the LRM's own calls (tree reads, the rename of a migration,
 * requests to other nodes' agents), so that a long call never blocks the
 * registration. Tasks run one at a time, in the order they arrive.
 *
 * A task whose caller asked for progress (GuestRequest.progress) has its
 * progress lines sent while it runs (AgentProgressRequest), batched: at
 * most one batch per PROGRESS_MIN_MS; the rest go with the answer.
 */
#include "agent.h"
#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#define EVENT_WAIT_MS	500
#define PROGRESS_MIN_MS 250

struct agent {
	pthread_t thread;
	atomic_bool stop;
	struct lrm *lrm;
};

static int register_agent(struct ipc_client *c)
{
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__AgentRegisterRequest ar =
	    CLUSTERD__AGENT_REGISTER_REQUEST__INIT;
	Clusterd__Reply *reply = NULL;
	int r;

	req.op_case = CLUSTERD__REQUEST__OP_AGENT_REGISTER;
	req.agent_register = &ar;
	r = ipc_client_call(c, &req, CDCALL_TIMEOUT_MS, &reply);
	if (r == 0 && reply->errno_code)
		r = log_error_errno(reply->errno_code,
				    "clusterd refused the agent: %s",
				    reply->error_message);
	ipc_client_reply_free(reply);
	return r;
}

static int answer(struct ipc_client *c, uint64_t token, int r,
		  struct lrm_result *res)
{
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__AgentReplyRequest ar = CLUSTERD__AGENT_REPLY_REQUEST__INIT;
	Clusterd__Reply *reply = NULL;

	ar.token = token;
	ar.errno_code = r < 0 ? -r : 0;
	ar.error_message = res->msg;
	ar.reply = &res->reply;
	req.op_case = CLUSTERD__REQUEST__OP_AGENT_REPLY;
	req.agent_reply = &ar;
	r = ipc_client_call(c, &req, CDCALL_TIMEOUT_MS, &reply);
	ipc_client_reply_free(reply);
	return r;
}

struct progress {
	struct ipc_client *c;
	uint64_t token;
	size_t sent;
	long long sent_ms;
};

/* Lines not sent yet of RES, unless a batch went out just now. */
static void send_progress(void *userdata, const struct lrm_result *res)
{
	struct progress *p = userdata;
	const Clusterd__GuestReply *gr = &res->reply;
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__AgentProgressRequest ap =
	    CLUSTERD__AGENT_PROGRESS_REQUEST__INIT;
	Clusterd__GuestProgress gp = CLUSTERD__GUEST_PROGRESS__INIT;
	Clusterd__Reply *reply = NULL;
	long long now = backend_mono_ms();

	if (now - p->sent_ms < PROGRESS_MIN_MS || p->sent >= gr->n_progress)
		return;
	gp.first = p->sent;
	gp.n_lines = gr->n_progress - p->sent;
	gp.lines = gr->progress + p->sent;
	ap.token = p->token;
	ap.progress = &gp;
	req.op_case = CLUSTERD__REQUEST__OP_AGENT_PROGRESS;
	req.agent_progress = &ap;
	if (ipc_client_call(p->c, &req, CDCALL_TIMEOUT_MS, &reply) == 0)
		p->sent = gr->n_progress;
	p->sent_ms = now;
	ipc_client_reply_free(reply);
}

static int run_task(struct agent *a, struct ipc_client *c,
		    struct ipc_client *ops, const Clusterd__AgentTask *t)
{
	struct progress prog = {.c = c, .token = t->token};
	struct lrm_result res;
	int r;

	lrm_result_init(&res);
	if (t->request && t->request->progress) {
		res.sink = send_progress;
		res.sink_data = &prog;
	}
	if (!t->request)
		r = lrm_fail(&res, EINVAL, "empty task");
	else
		r = lrm_run(a->lrm, ops, t->request, &res);
	if (r < 0)
		log_warning("Guest operation %d of %u from node %u failed: %s",
			    t->request ? (int)t->request->op : 0,
			    t->request ? t->request->id : 0, t->origin_nodeid,
			    res.msg);
	r = answer(c, t->token, r, &res);
	lrm_result_done(&res);
	return r;
}

/* Serve tasks until clusterd goes away or the agent stops. */
static void serve(struct agent *a, struct ipc_client *c, struct ipc_client *ops)
{
	while (!atomic_load(&a->stop)) {
		Clusterd__Event *ev = NULL;
		int r = ipc_client_next_event(c, EVENT_WAIT_MS, &ev);

		if (r == -ETIMEDOUT)
			continue;
		if (r < 0) {
			log_warning_errno(r, "Lost clusterd");
			return;
		}
		if (ev->kind_case == CLUSTERD__EVENT__KIND_AGENT_TASK)
			r = run_task(a, c, ops, ev->agent_task);
		ipc_client_event_free(ev);
		if (r < 0) {
			log_warning_errno(r, "Cannot answer clusterd");
			return;
		}
	}
}

static void *agent_main(void *data)
{
	struct agent *a = data;
	bool said = false;

	while (!atomic_load(&a->stop)) {
		struct ipc_client *c = NULL, *ops = NULL;

		if (ipc_client_connect(&c) == 0 &&
		    ipc_client_connect(&ops) == 0 && register_agent(c) == 0) {
			log_notice("Registered with clusterd as this node's "
				   "agent");
			said = false;
			serve(a, c, ops);
		} else if (!said) {
			log_notice("Waiting for clusterd");
			said = true;
		}
		ipc_client_free(ops);
		ipc_client_free(c);
		if (!atomic_load(&a->stop))
			nanosleep(&(struct timespec){0, 500000000}, NULL);
	}
	return NULL;
}

int agent_start(struct lrm *lrm, struct agent **out)
{
	struct agent *a = calloc(1, sizeof(*a));
	sigset_t all, old;
	int r;

	if (!a)
		return -ENOMEM;
	a->lrm = lrm;
	/* Signals are the main loop's (lib/daemon.c): the thread blocks
	 * them all, and inherits that mask. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = -pthread_create(&a->thread, NULL, agent_main, a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r < 0) {
		free(a);
		return log_error_errno(r, "Cannot start the agent thread");
	}
	*out = a;
	return 0;
}

void agent_stop(struct agent *a)
{
	if (!a)
		return;
	atomic_store(&a->stop, true);
	pthread_join(a->thread, NULL);
	free(a);
}
