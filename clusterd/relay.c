/*
 * Node requests: a client on any node asks the agent (haagent) of a named
 * node to run a guest operation, without SSH.
 *
 *   client --NodeRequest--> clusterd (origin) --RelayMessage (CPG)-->
 *   clusterd (target) --AgentTask event--> agent --AgentReplyRequest-->
 *   clusterd (target) --RelayMessage reply (CPG)--> origin --> client
 *
 * A request to this very node skips CPG. The origin keeps the client's
 * request pending (clusterd/ipc_pending.h) under a relay id with the
 * client's deadline; the target keeps a task per request handed to its
 * agent. Replies are addressed to the origin's node and clusterd pid, so
 * a restarted clusterd never takes an answer meant for its predecessor.
 *
 * Failures are answers, never silence: an unknown node (ENOENT), a node
 * outside the view (EHOSTDOWN), no agent registered on the target
 * (ENOTCONN "haagent is not running on nX"), the agent going away with
 * tasks (ENOTCONN), the target leaving the view (EHOSTDOWN), the deadline
 * (ETIMEDOUT). Operations that change guests need quorum on the origin
 * (EROFS); status and list do not. Relayed messages ride on the replica's
 * stream as an extension but are not decided by it: only the addressed
 * node acts on one.
 *
 * Progress: for a request with GuestRequest.progress, the agent sends
 * batches of progress lines while it works (AgentProgressRequest); they
 * travel like an answer but leave the request pending, and reach the
 * client as a GuestProgress event on its connection. The agent sends at
 * most a few a second; this side drops batches that come faster than
 * PROGRESS_MIN_MS apart, so progress cannot flood CPG. Nothing is lost:
 * the final answer carries every line.
 */
#include "relay.h"
#include "ipc_pending.h"
#include "ipc_proto.h"
#include "log.h"
#include "macro.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define RELAY_DEFAULT_TIMEOUT_MS 60000
#define PROGRESS_MIN_MS		 200

struct task {
	struct task *next;
	uint64_t token;
	struct replica_member origin;
	uint64_t relay_id;
	bool progress;	       /* the caller wants progress events */
	long long progress_ms; /* when the last batch went out */
};

struct relay_req {
	struct ipc_pending base;
	uint32_t target;
};

struct relay {
	struct clusterd *cd;
	struct ipc_pending_list pending;
	uint64_t next_relay_id;
	struct ipc_conn *agent;
	struct task *tasks;
	uint64_t next_token;
};

static bool is_read_only(Clusterd__GuestOp op)
{
	return op == CLUSTERD__GUEST_OP__GUEST_OP_STATUS ||
	       op == CLUSTERD__GUEST_OP__GUEST_OP_LIST;
}

static const char *self_name(const struct relay *rl)
{
	uint32_t self = replica_self(rl->cd->replica).nodeid;
	size_t n;
	const struct transport_node *nodes =
	    rl->cd->transport ? transport_nodes(rl->cd->transport, &n) : NULL;

	for (size_t i = 0; nodes && i < n; i++)
		if (nodes[i].nodeid == self)
			return nodes[i].name;
	return "this node";
}

/* NAME (a node name or ID) as a node ID; 0 when unknown. */
static uint32_t resolve(const struct relay *rl, const char *name)
{
	size_t n;
	const struct transport_node *nodes =
	    rl->cd->transport ? transport_nodes(rl->cd->transport, &n) : NULL;
	char *end;
	unsigned long v;

	for (size_t i = 0; nodes && i < n; i++)
		if (strcmp(nodes[i].name, name) == 0)
			return nodes[i].nodeid;
	v = strtoul(name, &end, 10);
	if (*name < '1' || *name > '9' || *end || v > UINT32_MAX)
		return 0;
	return (uint32_t)v;
}

static bool in_view(const struct relay *rl, uint32_t nodeid)
{
	size_t n;
	const struct replica_member *m = replica_members(rl->cd->replica, &n);

	for (size_t i = 0; i < n; i++)
		if (m[i].nodeid == nodeid)
			return true;
	return false;
}

/* ------------------------------------------------- origin side --- */

static void complete(struct relay *rl, uint64_t relay_id, int err,
		     const char *message, Clusterd__GuestReply *gr)
{
	struct ipc_pending *p = ipc_pending_find(&rl->pending, relay_id);
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;

	if (!p)
		return; /* timed out, or the client went away */
	reply.errno_code = err;
	reply.error_message = (char *)(message ? message : "");
	if (gr) {
		reply.result_case = CLUSTERD__REPLY__RESULT_GUEST;
		reply.guest = gr;
	}
	ipc_send_reply(p->conn, &reply, p->request_id);
	ipc_pending_remove(&rl->pending, p);
}

/* Send EV on CONN's event channel. */
static int send_event(struct ipc_conn *conn, Clusterd__Event *ev)
{
	Clusterd__Header header = CLUSTERD__HEADER__INIT;
	struct qb_ipc_response_header rh = {.id = IPC_MSG_EVENT};
	_cleanup_free_ uint8_t *buf = NULL;
	struct iovec iov[2];
	size_t len;

	header.protocol_version =
	    CLUSTERD__PROTOCOL_VERSION__PROTOCOL_VERSION_CURRENT;
	ev->header = &header;
	len = clusterd__event__get_packed_size(ev);
	buf = malloc(len ? len : 1);
	if (!buf)
		return -ENOMEM;
	clusterd__event__pack(ev, buf);
	ev->header = NULL;
	rh.size = sizeof(rh) + len;
	iov[0] = (struct iovec){&rh, sizeof(rh)};
	iov[1] = (struct iovec){buf, len};
	return (int)qb_ipcs_event_sendv(conn->c, iov, 2) < 0 ? -EIO : 0;
}

/* Hand progress GP of request RELAY_ID to its client, if still waiting. A
 * client too slow to take it misses the batch (the answer has it all). */
static void client_progress(struct relay *rl, uint64_t relay_id,
			    Clusterd__GuestProgress *gp)
{
	struct ipc_pending *p = ipc_pending_find(&rl->pending, relay_id);
	Clusterd__Event ev = CLUSTERD__EVENT__INIT;

	if (!p || p->conn->closed || !gp)
		return;
	ev.kind_case = CLUSTERD__EVENT__KIND_GUEST_PROGRESS;
	ev.guest_progress = gp;
	send_event(p->conn, &ev);
}

static void on_expired(void *userdata, struct ipc_pending *p)
{
	struct relay *rl = userdata;

	complete(rl, p->op_id, ETIMEDOUT,
		 "the node did not answer in time (the operation may still "
		 "complete there)",
		 NULL);
}

/* ------------------------------------------------- target side --- */

/* Send the answer to ORIGIN: locally, or over CPG. */
static void answer(struct relay *rl, const struct replica_member *origin,
		   uint64_t relay_id, int err, const char *message,
		   Clusterd__GuestReply *gr)
{
	struct replica_member self = replica_self(rl->cd->replica);
	Clusterd__CpgMessage msg = CLUSTERD__CPG_MESSAGE__INIT;
	Clusterd__RelayMessage rm = CLUSTERD__RELAY_MESSAGE__INIT;
	int r;

	if (origin->nodeid == self.nodeid && origin->pid == self.pid)
		return complete(rl, relay_id, err, message, gr);
	rm.target_nodeid = origin->nodeid;
	rm.target_pid = origin->pid;
	rm.relay_id = relay_id;
	rm.is_reply = true;
	rm.errno_code = err;
	rm.error_message = (char *)(message ? message : "");
	rm.reply = gr;
	msg.body_case = CLUSTERD__CPG_MESSAGE__BODY_RELAY;
	msg.relay = &rm;
	r = replica_send_message(rl->cd->replica, &msg);
	if (r < 0)
		log_warning_errno(r, "Cannot send a node request's answer");
}

/* Send progress GP of task T to its origin: locally, or over CPG. */
static void forward_progress(struct relay *rl, struct task *t,
			     Clusterd__GuestProgress *gp)
{
	struct replica_member self = replica_self(rl->cd->replica);
	Clusterd__CpgMessage msg = CLUSTERD__CPG_MESSAGE__INIT;
	Clusterd__RelayMessage rm = CLUSTERD__RELAY_MESSAGE__INIT;
	struct timespec ts;
	long long now;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (!t->progress || !gp || now - t->progress_ms < PROGRESS_MIN_MS)
		return;
	t->progress_ms = now;
	if (t->origin.nodeid == self.nodeid && t->origin.pid == self.pid)
		return client_progress(rl, t->relay_id, gp);
	rm.target_nodeid = t->origin.nodeid;
	rm.target_pid = t->origin.pid;
	rm.relay_id = t->relay_id;
	rm.progress = gp;
	msg.body_case = CLUSTERD__CPG_MESSAGE__BODY_RELAY;
	msg.relay = &rm;
	if (replica_send_message(rl->cd->replica, &msg) < 0)
		log_debug("Cannot send a node request's progress");
}

static int send_task(struct relay *rl, uint64_t token,
		     Clusterd__GuestRequest *req, uint32_t origin)
{
	Clusterd__Event ev = CLUSTERD__EVENT__INIT;
	Clusterd__AgentTask task = CLUSTERD__AGENT_TASK__INIT;

	task.token = token;
	task.request = req;
	task.origin_nodeid = origin;
	ev.seq = token;
	ev.kind_case = CLUSTERD__EVENT__KIND_AGENT_TASK;
	ev.agent_task = &task;
	return send_event(rl->agent, &ev);
}

static void dispatch(struct relay *rl, const struct replica_member *origin,
		     uint64_t relay_id, Clusterd__GuestRequest *req)
{
	char msg[128];
	struct task *t;

	if (!req)
		return answer(rl, origin, relay_id, EINVAL, "empty request",
			      NULL);
	if (!rl->agent || rl->agent->closed) {
		snprintf(msg, sizeof(msg), "haagent is not running on %s",
			 self_name(rl));
		return answer(rl, origin, relay_id, ENOTCONN, msg, NULL);
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return answer(rl, origin, relay_id, ENOMEM, "", NULL);
	*t = (struct task){.next = rl->tasks,
			   .token = ++rl->next_token,
			   .origin = *origin,
			   .relay_id = relay_id,
			   .progress = req->progress};
	if (send_task(rl, t->token, req, origin->nodeid) < 0) {
		free(t);
		snprintf(msg, sizeof(msg), "haagent on %s cannot take it",
			 self_name(rl));
		return answer(rl, origin, relay_id, EIO, msg, NULL);
	}
	rl->tasks = t;
}

static struct task *take_task(struct relay *rl, uint64_t token)
{
	for (struct task **pp = &rl->tasks; *pp; pp = &(*pp)->next)
		if ((*pp)->token == token) {
			struct task *t = *pp;

			*pp = t->next;
			return t;
		}
	return NULL;
}

static void fail_tasks(struct relay *rl, const char *why)
{
	while (rl->tasks) {
		struct task *t = take_task(rl, rl->tasks->token);

		answer(rl, &t->origin, t->relay_id, ENOTCONN, why, NULL);
		free(t);
	}
}

/* ----------------------------------------------------------- IPC --- */

static int check_request(struct relay *rl, struct ipc_conn *conn,
			 const Clusterd__NodeRequest *nr, uint32_t *target,
			 char *msg, size_t size)
{
	if (!nr->guest || !nr->node)
		return snprintf(msg, size, "empty request"), EINVAL;
	*target = resolve(rl, nr->node);
	if (!*target)
		return snprintf(msg, size, "no such node '%.64s'", nr->node),
		       ENOENT;
	if (!is_read_only(nr->guest->op) && !conn->can_write)
		return snprintf(msg, size, "guest operations need root"),
		       EACCES;
	if (!is_read_only(nr->guest->op) && !replica_quorate(rl->cd->replica))
		return snprintf(msg, size, "no quorum"), EROFS;
	if (!in_view(rl, *target))
		return snprintf(msg, size, "node %.64s is not online",
				nr->node),
		       EHOSTDOWN;
	return 0;
}

static void handle_node_request(struct relay *rl, struct ipc_conn *conn,
				Clusterd__NodeRequest *nr, uint64_t id)
{
	struct replica_member self = replica_self(rl->cd->replica);
	Clusterd__CpgMessage msg = CLUSTERD__CPG_MESSAGE__INIT;
	Clusterd__RelayMessage rm = CLUSTERD__RELAY_MESSAGE__INIT;
	struct relay_req *q;
	char why[128] = "";
	uint32_t target = 0;
	int err = check_request(rl, conn, nr, &target, why, sizeof(why));

	if (err)
		return ipc_reply_errno(conn, err, why, id);
	q = (struct relay_req *)ipc_pending_add(
	    &rl->pending, sizeof(*q), conn, id,
	    nr->timeout_ms ? nr->timeout_ms : RELAY_DEFAULT_TIMEOUT_MS);
	if (!q)
		return ipc_reply_errno(conn, ENOMEM, "", id);
	q->base.op_id = ++rl->next_relay_id;
	q->target = target;
	if (target == self.nodeid)
		return dispatch(rl, &self, q->base.op_id, nr->guest);
	rm.target_nodeid = target;
	rm.relay_id = q->base.op_id;
	rm.request = nr->guest;
	msg.body_case = CLUSTERD__CPG_MESSAGE__BODY_RELAY;
	msg.relay = &rm;
	err = replica_send_message(rl->cd->replica, &msg);
	if (err < 0)
		complete(rl, q->base.op_id, -err, "cannot send to the cluster",
			 NULL);
}

static void reply_ok(struct ipc_conn *conn, uint64_t id)
{
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;

	ipc_send_reply(conn, &reply, id);
}

static void handle_register(struct relay *rl, struct ipc_conn *conn,
			    uint64_t id)
{
	if (!conn->can_write)
		return ipc_reply_errno(conn, EACCES, "agents need root", id);
	if (rl->agent && !rl->agent->closed && rl->agent != conn)
		return ipc_reply_errno(conn, EBUSY,
				       "another agent is registered", id);
	if (rl->agent != conn) {
		if (rl->agent)
			ipc_conn_unref(rl->agent);
		ipc_conn_ref(conn);
		rl->agent = conn;
		log_info("The local agent registered");
	}
	reply_ok(conn, id);
}

static void handle_agent_reply(struct relay *rl, struct ipc_conn *conn,
			       Clusterd__AgentReplyRequest *ar, uint64_t id)
{
	struct task *t;

	if (conn != rl->agent)
		return ipc_reply_errno(conn, EPERM, "not the agent", id);
	t = take_task(rl, ar->token);
	if (t) {
		answer(rl, &t->origin, t->relay_id, ar->errno_code,
		       ar->error_message, ar->reply);
		free(t);
	}
	reply_ok(conn, id);
}

static void handle_agent_progress(struct relay *rl, struct ipc_conn *conn,
				  Clusterd__AgentProgressRequest *ap,
				  uint64_t id)
{
	if (conn != rl->agent)
		return ipc_reply_errno(conn, EPERM, "not the agent", id);
	for (struct task *t = rl->tasks; t; t = t->next)
		if (t->token == ap->token) {
			forward_progress(rl, t, ap->progress);
			break;
		}
	reply_ok(conn, id);
}

static int on_request(void *userdata, struct ipc_conn *conn,
		      Clusterd__Request *req)
{
	struct relay *rl = userdata;
	uint64_t id = req->header->request_id;

	switch (req->op_case) {
	case CLUSTERD__REQUEST__OP_NODE_REQUEST:
		handle_node_request(rl, conn, req->node_request, id);
		return 0;
	case CLUSTERD__REQUEST__OP_AGENT_REGISTER:
		handle_register(rl, conn, id);
		return 0;
	case CLUSTERD__REQUEST__OP_AGENT_REPLY:
		handle_agent_reply(rl, conn, req->agent_reply, id);
		return 0;
	case CLUSTERD__REQUEST__OP_AGENT_PROGRESS:
		handle_agent_progress(rl, conn, req->agent_progress, id);
		return 0;
	default: return -EOPNOTSUPP;
	}
}

static void on_closed(void *userdata, struct ipc_conn *conn)
{
	struct relay *rl = userdata;

	ipc_pending_drop_conn(&rl->pending, conn);
	if (conn != rl->agent)
		return;
	log_warning("The local agent went away");
	rl->agent = NULL;
	ipc_conn_unref(conn);
	fail_tasks(rl, "haagent went away while running the operation");
}

/* ----------------------------------------------------------- CPG --- */

static void on_deliver(void *userdata, const struct replica_member *from,
		       const Clusterd__CpgMessage *msg)
{
	struct relay *rl = userdata;
	struct replica_member self = replica_self(rl->cd->replica);
	const Clusterd__RelayMessage *rm = msg->relay;
	struct relay_req *q;

	if (msg->body_case != CLUSTERD__CPG_MESSAGE__BODY_RELAY || !rm ||
	    rm->target_nodeid != self.nodeid)
		return;
	if (rm->progress) {
		q = (struct relay_req *)ipc_pending_find(&rl->pending,
							 rm->relay_id);
		if (rm->target_pid == self.pid && q &&
		    q->target == from->nodeid)
			client_progress(rl, rm->relay_id, rm->progress);
		return;
	}
	if (!rm->is_reply) {
		if (from->nodeid != self.nodeid || from->pid != self.pid)
			dispatch(rl, from, rm->relay_id, rm->request);
		return;
	}
	q = (struct relay_req *)ipc_pending_find(&rl->pending, rm->relay_id);
	if (rm->target_pid != self.pid || !q || q->target != from->nodeid)
		return; /* not ours, or already answered */
	complete(rl, rm->relay_id, rm->errno_code, rm->error_message,
		 rm->reply);
}

static void on_view(void *userdata, const struct replica_member *members,
		    size_t count, bool quorate)
{
	struct relay *rl = userdata;
	struct ipc_pending *p, *next;

	for (p = rl->pending.head; p; p = next) {
		struct relay_req *q = (struct relay_req *)p;
		bool present = false;

		next = p->next;
		for (size_t i = 0; i < count; i++)
			present |= members[i].nodeid == q->target;
		if (!present)
			complete(rl, p->op_id, EHOSTDOWN,
				 "the node left the cluster before answering",
				 NULL);
	}
}

int relay_new(struct clusterd *cd, struct relay **out)
{
	struct relay *rl = calloc(1, sizeof(*rl));
	struct ipc_handler h = {
	    .request = on_request,
	    .closed = on_closed,
	};
	struct replica_extension ext = {
	    .deliver = on_deliver,
	    .view = on_view,
	};
	int r;

	if (!rl)
		return -ENOMEM;
	rl->cd = cd;
	h.userdata = ext.userdata = rl;
	ipc_pending_init(&rl->pending, cd->loop, on_expired, rl);
	r = replica_add_extension(cd->replica, &ext);
	if (r == 0)
		r = ipc_server_add_handler(cd->ipc, &h);
	if (r < 0) {
		relay_free(rl);
		return log_error_errno(r, "Cannot set up node requests");
	}
	*out = rl;
	return 0;
}

void relay_free(struct relay *rl)
{
	struct task *t;

	if (!rl)
		return;
	ipc_pending_destroy(&rl->pending);
	while ((t = rl->tasks)) {
		rl->tasks = t->next;
		free(t);
	}
	if (rl->agent)
		ipc_conn_unref(rl->agent);
	free(rl);
}
