/*
 * Guest migration between nodes, run by the source node's agent.
 *
 * Live (QEMU, --online): the target's agent starts a paused receiver on a
 * free port (MIGRATE_PREPARE); the source backend sends the state and
 * returns with the source paused; the configuration moves to the target's
 * directory with ONE replicated rename; the target resumes
 * (MIGRATE_FINISH resume) and the source QEMU is stopped. Until the
 * rename is applied, any failure (target gone, network cut, QEMU error)
 * resumes the source and has the target clean up (MIGRATE_FINISH without
 * resume), so the guest keeps running where its configuration is. A
 * target that cannot resume after the rename has it renamed back.
 *
 * Restart (LXC, or a QEMU guest without --online is refused while it
 * runs): shutdown, rename, start on the target. A stopped guest just has
 * its configuration renamed.
 */
#include "lrm.h"
#include "log.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define NODE_CALL_MS	60000
#define LXC_SHUTDOWN_MS 30000

struct mig {
	struct lrm *l;
	struct ipc_client *ops;
	const Clusterd__GuestRequest *req;
	struct lrm_result *res;
	struct lrm_guest g;
	char target_path[256];
};

/* Ask the target's agent for OP; its port goes to *PORT (may be NULL). */
static int on_target(struct mig *m, Clusterd__GuestOp op, bool resume,
		     uint32_t *port, char *msg)
{
	Clusterd__GuestRequest req = CLUSTERD__GUEST_REQUEST__INIT;
	Clusterd__GuestReply *reply = NULL;
	int r;

	req.op = op;
	req.type = m->req->type;
	req.id = m->req->id;
	req.source = (char *)lrm_node(m->l);
	req.resume = resume;
	r = cdcall_node(m->ops, m->req->target, &req, NODE_CALL_MS, &reply,
			msg);
	if (r == 0 && port)
		*port = reply ? reply->port : 0;
	if (reply)
		clusterd__guest_reply__free_unpacked(reply, NULL);
	return r;
}

static void on_progress(void *userdata, uint64_t done, uint64_t total,
			const char *state)
{
	struct mig *m = userdata;

	lrm_progress(m->res, "%s: %.1f of %.1f MiB sent", state,
		     done / 1048576.0, total / 1048576.0);
}

/* Undo a live migration that did not switch over. */
static void abort_live(struct mig *m)
{
	const struct backend_ops *o = m->g.backend->ops;
	struct backend_error err = {};
	struct guest_status st;
	char msg[CDCALL_MSG];

	if (o->status(m->g.backend->state, &m->g.conf, &st, &err) == 0 &&
	    st.state == GUEST_PAUSED &&
	    o->resume(m->g.backend->state, &m->g.conf, &err) < 0)
		lrm_progress(m->res, "cannot resume on %s: %s", lrm_node(m->l),
			     err.msg);
	if (on_target(m, CLUSTERD__GUEST_OP__GUEST_OP_MIGRATE_FINISH, false,
		      NULL, msg) < 0)
		lrm_progress(m->res, "target cleanup: %s", msg);
	else
		lrm_progress(m->res, "target %s cleaned up", m->req->target);
}

static int send_state(struct mig *m, char *addr)
{
	struct backend_error err = {};
	char msg[CDCALL_MSG];
	uint32_t port = 0;
	int r;

	r = on_target(m, CLUSTERD__GUEST_OP__GUEST_OP_MIGRATE_PREPARE, false,
		      &port, msg);
	if (r < 0) {
		abort_live(m);
		return lrm_fail(m->res, r, "target %s: %s", m->req->target,
				msg);
	}
	lrm_progress(m->res, "target %s listens on %s:%u", m->req->target, addr,
		     port);
	r = m->g.backend->ops->migrate_out(m->g.backend->state, &m->g.conf,
					   addr, (uint16_t)port, on_progress, m,
					   &err);
	if (r < 0) {
		abort_live(m);
		return lrm_fail(m->res, r, "%s; guest %u keeps running on %s",
				err.msg, m->g.conf.id, lrm_node(m->l));
	}
	return 0;
}

static int switch_over(struct mig *m)
{
	struct backend_error err = {};
	char msg[CDCALL_MSG];
	long long t0 = backend_mono_ms();
	int r = cdcall_rename(m->ops, m->g.path, m->target_path, msg);

	if (r < 0) {
		abort_live(m);
		return lrm_fail(m->res, r,
				"moving the configuration failed (%s); guest "
				"%u keeps running on %s",
				msg, m->g.conf.id, lrm_node(m->l));
	}
	r = on_target(m, CLUSTERD__GUEST_OP__GUEST_OP_MIGRATE_FINISH, true,
		      NULL, msg);
	if (r < 0) {
		char back[CDCALL_MSG];

		if (cdcall_rename(m->ops, m->target_path, m->g.path, back) < 0)
			lrm_progress(m->res, "cannot move it back: %s", back);
		abort_live(m);
		return lrm_fail(m->res, r, "target %s did not resume: %s",
				m->req->target, msg);
	}
	lrm_progress(m->res,
		     "switchover: configuration moved and target "
		     "resumed in %lld ms",
		     backend_mono_ms() - t0);
	if (m->g.backend->ops->stop(m->g.backend->state, &m->g.conf, &err) < 0)
		lrm_progress(m->res, "source QEMU: %s", err.msg);
	return 0;
}

static int migrate_live(struct mig *m)
{
	char addr[64], msg[CDCALL_MSG];
	long long t0 = backend_mono_ms();
	int r = cdcall_node_address(m->ops, m->req->target, addr, sizeof(addr),
				    msg);

	if (r < 0)
		return lrm_fail(m->res, r, "%s", msg);
	r = send_state(m, addr);
	if (r == 0)
		r = switch_over(m);
	if (r == 0)
		lrm_progress(m->res, "guest %u migrated live to %s in %lld ms",
			     m->g.conf.id, m->req->target,
			     backend_mono_ms() - t0);
	return r;
}

static int move_config(struct mig *m)
{
	char msg[CDCALL_MSG];
	int r = cdcall_rename(m->ops, m->g.path, m->target_path, msg);

	if (r < 0)
		return lrm_fail(m->res, r, "moving %s: %s", m->g.path, msg);
	lrm_progress(m->res, "configuration moved to %s", m->target_path);
	return 0;
}

static int migrate_restart(struct mig *m)
{
	Clusterd__GuestRequest start = CLUSTERD__GUEST_REQUEST__INIT;
	struct backend_error err = {};
	char msg[CDCALL_MSG];
	int r = m->g.backend->ops->shutdown(m->g.backend->state, &m->g.conf,
					    LXC_SHUTDOWN_MS, &err);

	if (r < 0)
		return lrm_fail(m->res, r, "shutdown: %s", err.msg);
	lrm_progress(m->res, "guest %u stopped on %s", m->g.conf.id,
		     lrm_node(m->l));
	r = move_config(m);
	if (r < 0)
		return r;
	start.op = CLUSTERD__GUEST_OP__GUEST_OP_START;
	start.type = m->req->type;
	start.id = m->req->id;
	r = cdcall_node(m->ops, m->req->target, &start, NODE_CALL_MS, NULL,
			msg);
	if (r < 0)
		return lrm_fail(m->res, r,
				"guest %u is now on %s but did not start "
				"there: %s",
				m->g.conf.id, m->req->target, msg);
	lrm_progress(m->res, "guest %u started on %s", m->g.conf.id,
		     m->req->target);
	return 0;
}

int lrm_migrate(struct lrm *l, struct ipc_client *ops,
		const Clusterd__GuestRequest *req, struct lrm_result *res)
{
	struct mig m = {.l = l, .ops = ops, .req = req, .res = res};
	struct backend_error err = {};
	char msg[CDCALL_MSG];
	struct guest_status st;
	int r;

	if (!req->target || !req->target[0] ||
	    strcmp(req->target, lrm_node(l)) == 0)
		return lrm_fail(res, EINVAL, "migrate needs another node");
	r = lrm_load(l, ops, lrm_node(l), req->type, req->id, &m.g, res);
	if (r < 0)
		return r;
	r = guest_conf_path(m.target_path, sizeof(m.target_path), req->target,
			    m.g.conf.type, req->id);
	if (r < 0)
		return lrm_fail(res, r, "invalid node name '%s'", req->target);
	r = cdcall_mkdir_parents(ops, m.target_path, msg);
	if (r < 0)
		return lrm_fail(res, r, "%s: %s", m.target_path, msg);
	r = m.g.backend->ops->status(m.g.backend->state, &m.g.conf, &st, &err);
	if (r < 0)
		return lrm_fail(res, r, "%s", err.msg);
	if (st.state == GUEST_STOPPED)
		return move_config(&m);
	if (!m.g.backend->ops->migrate_out)
		return migrate_restart(&m);
	if (!req->online)
		return lrm_fail(res, EBUSY,
				"guest %u is running: use --online for a live "
				"migration, or stop it first",
				req->id);
	return migrate_live(&m);
}

/* A free TCP port, as the kernel picks an ephemeral one. */
static int free_port(uint16_t *port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), r = 0;

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
		r = -errno;
	close(fd);
	*port = ntohs(sa.sin_port);
	return r;
}

int lrm_migrate_prepare(struct lrm *l, struct ipc_client *ops,
			const Clusterd__GuestRequest *req,
			struct lrm_result *res)
{
	struct backend_error err = {};
	struct lrm_guest g = {};
	uint16_t port = 0;
	int r = lrm_load(l, ops, req->source ? req->source : "", req->type,
			 req->id, &g, res);

	if (r < 0)
		return r;
	if (!g.backend->ops->migrate_in_prepare)
		return lrm_fail(res, EOPNOTSUPP,
				"%s guests cannot migrate live", req->type);
	r = free_port(&port);
	if (r < 0)
		return lrm_fail(res, r, "no free port: %s", strerror(-r));
	r = g.backend->ops->migrate_in_prepare(g.backend->state, &g.conf, port,
					       &err);
	if (r < 0)
		return lrm_fail(res, r, "%s", err.msg);
	res->reply.port = port;
	return 0;
}

int lrm_migrate_finish(struct lrm *l, struct ipc_client *ops,
		       const Clusterd__GuestRequest *req,
		       struct lrm_result *res)
{
	struct backend_error err = {};
	struct lrm_guest g = {};
	int r;

	/* After the switchover the configuration is already ours. */
	r = lrm_load(l, ops, lrm_node(l), req->type, req->id, &g, res);
	if (r == -ENOENT)
		r = lrm_load(l, ops, req->source ? req->source : "", req->type,
			     req->id, &g, res);
	if (r < 0)
		return r;
	if (!g.backend->ops->migrate_in_finish)
		return lrm_fail(res, EOPNOTSUPP,
				"%s guests cannot migrate live", req->type);
	r = g.backend->ops->migrate_in_finish(g.backend->state, &g.conf,
					      req->resume, &err);
	return r < 0 ? lrm_fail(res, r, "%s", err.msg) : 0;
}
