/*
 * The LRM state machine (see ha_lrm.h).
 *
 * Each tick, while quorate: arm the watchdog if anything is or will be
 * active here (before any start), pet it, then for every service of this
 * node whose current request has no result yet and no operation in flight,
 * start the operation the service's state asks for. Results are recorded
 * under the request id and published. While shutting down, no request is
 * executed; under the freeze, failover and conditional policies the LRM
 * stops its guests itself, under migrate it waits until the CRM moved them
 * away; then it reports "done", disarms and lets the node power off.
 */
#include "ha_lrm.h"
#include "ha_status.h"
#include "macro.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct inflight {
	char sid[HA_NAME_MAX];
	uint64_t req; /* 0: an internal stop while shutting down */
	uint64_t op;
};

struct ha_lrm {
	char self[HA_NAME_MAX];
	struct ha_lrm_io io;
	bool quorate, have_status, armed, lost_logged, dirty, bad_logged;
	bool stop_guests; /* shutdown under freeze/failover */
	struct ha_status st;
	struct ha_lrm_report rep;
	struct inflight fly[HA_MAX_SVCS];
	size_t n_fly;
	uint64_t next_op;
};

_printf_(2, 3) static void lrm_log(struct ha_lrm *lrm, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ha_vlog(lrm->io.log, lrm->io.userdata, "lrm", lrm->self, fmt, ap);
	va_end(ap);
}

struct ha_lrm *ha_lrm_new(const char *self, const struct ha_lrm_io *io,
			  const struct ha_lrm_report *prev)
{
	struct ha_lrm *lrm = calloc(1, sizeof(*lrm));

	if (!lrm || !ha_name_copy(lrm->self, self)) {
		free(lrm);
		return NULL;
	}
	lrm->io = *io;
	if (prev)
		lrm->rep = *prev;
	strcpy(lrm->rep.node, self);
	lrm->rep.mode = HA_LRM_ACTIVE;
	lrm->rep.reboot = false;
	lrm->dirty = true;
	return lrm;
}

void ha_lrm_free(struct ha_lrm *lrm)
{
	free(lrm);
}

void ha_lrm_set_quorate(struct ha_lrm *lrm, bool quorate)
{
	if (quorate == lrm->quorate)
		return;
	lrm->quorate = quorate;
	lrm->lost_logged = false;
	if (quorate)
		lrm_log(lrm, "quorate");
}

void ha_lrm_set_status(struct ha_lrm *lrm, const char *json)
{
	struct ha_status *st;

	if (!json)
		return;
	st = malloc(sizeof(*st));
	if (!st)
		return;
	/* A bad status changes nothing: the LRM keeps the last good one
	 * (and keeps petting), rather than resetting the node over it. */
	if (ha_status_from_json(json, st) == 0) {
		lrm->st = *st;
		lrm->have_status = true;
		lrm->bad_logged = false;
	} else if (!lrm->bad_logged) {
		lrm_log(lrm, "manager_status is invalid: keeping the last one");
		lrm->bad_logged = true;
	}
	free(st);
}

static void record(struct ha_lrm *lrm, const char *sid, uint64_t req, int rc)
{
	struct ha_lrm_result *r = NULL;

	for (size_t i = 0; i < lrm->rep.n_res; i++)
		if (strcmp(lrm->rep.res[i].sid, sid) == 0)
			r = &lrm->rep.res[i];
	if (!r && lrm->rep.n_res < HA_MAX_SVCS)
		r = &lrm->rep.res[lrm->rep.n_res++];
	if (!r)
		return;
	strcpy(r->sid, sid);
	r->req = req;
	r->rc = rc;
	lrm->dirty = true;
}

void ha_lrm_op_done(struct ha_lrm *lrm, uint64_t op, int rc)
{
	for (size_t i = 0; i < lrm->n_fly; i++) {
		struct inflight f = lrm->fly[i];

		if (f.op != op)
			continue;
		lrm->fly[i] = lrm->fly[--lrm->n_fly];
		if (f.req)
			record(lrm, f.sid, f.req, rc);
		lrm_log(lrm, "request %llu for %s: %s",
			(unsigned long long)f.req, f.sid,
			rc < 0 ? "failed" : "done");
		return;
	}
}

void ha_lrm_shutdown(struct ha_lrm *lrm, bool reboot,
		     enum ha_shutdown_policy policy)
{
	if (lrm->rep.mode != HA_LRM_ACTIVE)
		return;
	lrm->rep.mode = HA_LRM_SHUTDOWN;
	lrm->rep.reboot = reboot;
	lrm->stop_guests = policy != HA_SHUTDOWN_MIGRATE;
	lrm->dirty = true;
	lrm_log(lrm, "%s requested (policy %s)", reboot ? "reboot" : "shutdown",
		ha_shutdown_policy_str(policy));
}

static bool busy(const struct ha_lrm *lrm, const char *sid)
{
	for (size_t i = 0; i < lrm->n_fly; i++)
		if (strcmp(lrm->fly[i].sid, sid) == 0)
			return true;
	return false;
}

static bool mine(const struct ha_lrm *lrm, const struct ha_svc_status *s)
{
	return strcmp(s->node, lrm->self) == 0;
}

/* A guest is on its way here: it may run here any moment. */
static bool incoming(const struct ha_lrm *lrm, const struct ha_svc_status *s)
{
	return (s->state == HA_SVC_MIGRATE || s->state == HA_SVC_RELOCATE) &&
	       strcmp(s->target, lrm->self) == 0;
}

/* Anything active here: the watchdog must be armed. */
static bool active(const struct ha_lrm *lrm)
{
	/* Stopping everything itself, the LRM no longer counts on the
	 * CRM's assignments. */
	bool own_only = lrm->rep.mode != HA_LRM_ACTIVE && lrm->stop_guests;

	if (lrm->n_fly)
		return true;
	for (size_t i = 0; i < lrm->st.n_svc; i++) {
		const struct ha_svc_status *s = &lrm->st.svc[i];

		if (s->state == HA_SVC_IGNORED)
			continue;
		if ((!own_only && mine(lrm, s) &&
		     ha_svc_state_active(s->state)) ||
		    (!own_only && incoming(lrm, s)) ||
		    lrm->io.ops->running(lrm->io.userdata, s->sid))
			return true;
	}
	return false;
}

static int launch(struct ha_lrm *lrm, const struct ha_svc_status *s,
		  uint64_t req, uint64_t op)
{
	void *ud = lrm->io.userdata;
	const struct ha_lrm_ops *ops = lrm->io.ops;

	if (!req)
		return ops->stop(ud, s->sid, s->stop_timeout_ms, op);
	switch (s->state) {
	case HA_SVC_STARTED: return ops->start(ud, s->sid, op);
	case HA_SVC_STOPPED:
	case HA_SVC_REQUEST_STOP:
		return ops->stop(ud, s->sid, s->stop_timeout_ms, op);
	case HA_SVC_MIGRATE:
		return ops->migrate(ud, s->sid, s->target, true, op);
	case HA_SVC_RELOCATE:
		return ops->migrate(ud, s->sid, s->target, false, op);
	default: return 1; /* nothing to do */
	}
}

static void execute(struct ha_lrm *lrm, const struct ha_svc_status *s,
		    uint64_t req)
{
	struct inflight *f;
	uint64_t op = ++lrm->next_op;
	int r;

	if (lrm->n_fly == HA_MAX_SVCS)
		return;
	r = launch(lrm, s, req, op);
	if (r == 1)
		return;
	if (r < 0) {
		if (req)
			record(lrm, s->sid, req, r);
		return;
	}
	f = &lrm->fly[lrm->n_fly++];
	strcpy(f->sid, s->sid);
	f->req = req;
	f->op = op;
	lrm_log(lrm, "request %llu: %s %s%s%s", (unsigned long long)req,
		req ? ha_svc_state_str(s->state) : "stop (shutdown)", s->sid,
		req && s->target[0] ? " to " : "", req ? s->target : "");
}

/* The CRM decides: when it applied a stopping policy (freeze, failover)
 * to this node, the guests here stop, whatever policy this LRM read. */
static void follow_crm(struct ha_lrm *lrm)
{
	const struct ha_node_status *n = ha_status_node(&lrm->st, lrm->self);

	if (lrm->rep.mode != HA_LRM_SHUTDOWN || lrm->stop_guests || !n ||
	    n->state != HA_NODE_SHUTDOWN)
		return;
	lrm->stop_guests = true;
	lrm_log(lrm, "the CRM applied a stopping policy: stopping guests");
}

static void run_requests(struct ha_lrm *lrm)
{
	bool down = lrm->rep.mode != HA_LRM_ACTIVE;

	follow_crm(lrm);

	for (size_t i = 0; i < lrm->st.n_svc; i++) {
		const struct ha_svc_status *s = &lrm->st.svc[i];

		if (s->state == HA_SVC_IGNORED || busy(lrm, s->sid))
			continue;
		if (down && lrm->stop_guests) {
			if (lrm->io.ops->running(lrm->io.userdata, s->sid))
				execute(lrm, s, 0);
			continue;
		}
		/* Shutting down under "migrate": moves and stops only. */
		if (down && s->state == HA_SVC_STARTED)
			continue;
		if (mine(lrm, s) &&
		    !ha_lrm_report_find(&lrm->rep, s->sid, s->req))
			execute(lrm, s, s->req);
	}
}

static void watchdog(struct ha_lrm *lrm, enum ha_watchdog_action a)
{
	if (lrm->io.watchdog)
		lrm->io.watchdog(lrm->io.userdata, a);
}

static void finish_shutdown(struct ha_lrm *lrm)
{
	if (lrm->rep.mode != HA_LRM_SHUTDOWN || active(lrm))
		return;
	lrm->rep.mode = HA_LRM_DONE;
	lrm->dirty = true;
	lrm_log(lrm, "nothing runs here any more: shutdown can go on");
}

static void publish(struct ha_lrm *lrm)
{
	if (lrm->dirty && lrm->io.publish)
		lrm->io.publish(lrm->io.userdata, &lrm->rep);
	lrm->dirty = false;
}

void ha_lrm_tick(struct ha_lrm *lrm, uint64_t now_ms)
{
	bool act;

	(void)now_ms;
	if (!lrm->quorate) {
		if (!lrm->lost_logged && lrm->armed)
			lrm_log(lrm, "not quorate: no longer petting the "
				     "watchdog");
		lrm->lost_logged = true;
		return;
	}
	/* Shutting down without any manager_status: no CRM ever gave this
	 * node anything, so nothing holds the shutdown up. */
	if (!lrm->have_status && lrm->rep.mode == HA_LRM_ACTIVE) {
		publish(lrm);
		return;
	}
	act = active(lrm);
	if (act && !lrm->armed) {
		watchdog(lrm, HA_WATCHDOG_ARM);
		lrm->armed = true;
	} else if (!act && lrm->armed) {
		watchdog(lrm, HA_WATCHDOG_DISARM);
		lrm->armed = false;
	}
	if (lrm->armed)
		watchdog(lrm, HA_WATCHDOG_PET);
	if (lrm->rep.mode != HA_LRM_DONE)
		run_requests(lrm);
	finish_shutdown(lrm);
	publish(lrm);
	if (lrm->rep.mode == HA_LRM_DONE && !lrm->armed &&
	    lrm->io.shutdown_done)
		lrm->io.shutdown_done(lrm->io.userdata);
}

const struct ha_lrm_report *ha_lrm_report(const struct ha_lrm *lrm)
{
	return &lrm->rep;
}

bool ha_lrm_armed(const struct ha_lrm *lrm)
{
	return lrm->armed;
}
