/*
 * The CRM's service state machine (docs/ha.md, "Service states").
 *
 * Each service moves only on an input: its requested state, its node's
 * state, the LRM's result for the service's current request id, or a user
 * command. Every order to an LRM is a new request id in manager_status;
 * the LRM executes each id once and reports its result under that id.
 *
 * A failed start is restarted on the same node up to max_restart times,
 * then relocated to another node up to max_relocate times, then the
 * service is in error. Started services follow maintenance (drain and come
 * back) and failback to a node of higher node-affinity priority.
 */
#include "ha_crm_int.h"
#include "ha_place.h"
#include "macro.h"

#include <limits.h>
#include <string.h>

#define WHY_LEN 512

static bool usable(const struct ha_node_status *n)
{
	return n && n->state == HA_NODE_ONLINE && !n->maint;
}

void crm_move(struct ha_crm *crm, struct ha_svc_status *s, const char *to,
	      bool relocate, const char *why)
{
	bool live = ha_guest_kind(s->sid) != HA_GUEST_CT && !relocate;

	if (s->state == HA_SVC_STOPPED) {
		crm_log(crm, "move stopped %s %s -> %s (%s)", s->sid, s->node,
			to, why);
		strcpy(s->node, to);
		return;
	}
	s->state = live ? HA_SVC_MIGRATE : HA_SVC_RELOCATE;
	strcpy(s->target, to);
	crm_new_req(crm, s);
	crm_log(crm, "%s %s %s -> %s (%s)", live ? "migrate" : "relocate",
		s->sid, s->node, to, why);
}

/* Place S anew (recovery, relocation after failures). */
static bool replace(struct ha_crm *crm, struct ha_svc_status *s,
		    const char *exclude, const char *what, bool quiet)
{
	char node[HA_NAME_MAX], why[WHY_LEN];

	if (ha_place(&crm->cfg, &crm->st, s->sid, exclude, node, why,
		     sizeof(why)) < 0) {
		if (!quiet)
			crm_log(crm, "%s %s: no node: %s", what, s->sid, why);
		return false;
	}
	crm_log(crm, "%s %s on %s: %s", what, s->sid, node, why);
	strcpy(s->node, node);
	s->target[0] = '\0';
	return true;
}

static void set_running(struct ha_crm *crm, struct ha_svc_status *s,
			const struct ha_resource *r)
{
	s->state =
	    r->request == HA_REQ_STARTED ? HA_SVC_STARTED : HA_SVC_STOPPED;
	s->target[0] = '\0';
	crm_new_req(crm, s);
}

static void recover(struct ha_crm *crm, struct ha_svc_status *s,
		    const struct ha_resource *r, bool quiet)
{
	s->state = HA_SVC_RECOVERY;
	if (!replace(crm, s, NULL, "recover", quiet))
		return;
	s->restarts = 0;
	set_running(crm, s, r);
}

static void start_failed(struct ha_crm *crm, struct ha_svc_status *s,
			 const struct ha_resource *r)
{
	char from[HA_NAME_MAX];

	s->restarts++;
	if (s->restarts <= r->max_restart) {
		crm_log(crm, "start of %s on %s failed: restart %u of %u",
			s->sid, s->node, s->restarts, r->max_restart);
		crm_new_req(crm, s);
		return;
	}
	strcpy(from, s->node);
	if (s->relocates < r->max_relocate &&
	    replace(crm, s, from, "relocate after failed starts", false)) {
		s->relocates++;
		s->restarts = 0;
		crm_new_req(crm, s);
		return;
	}
	crm_log(crm,
		"%s failed on %s, restarts and relocations used up: "
		"error",
		s->sid, from);
	s->state = HA_SVC_ERROR;
}

/* A running service that should be elsewhere: maintenance, back from
 * maintenance, failback. */
static void rebalance(struct ha_crm *crm, struct ha_svc_status *s,
		      const struct ha_resource *r, struct ha_node_status *n)
{
	char to[HA_NAME_MAX], why[WHY_LEN];
	struct ha_node_status *home;

	if (n->maint) {
		if (ha_place(&crm->cfg, &crm->st, s->sid, s->node, to, why,
			     sizeof(why)) < 0)
			return;
		if (!s->maint_node[0])
			strcpy(s->maint_node, s->node);
		crm_move(crm, s, to, false, "maintenance");
		return;
	}
	home = s->maint_node[0] ? crm_node(crm, s->maint_node) : NULL;
	if (home && usable(home) && strcmp(home->name, s->node) &&
	    ha_node_prio(&crm->cfg, s->sid, home->name, NULL) != INT_MIN) {
		crm_move(crm, s, home->name, false, "back from maintenance");
		return;
	}
	if (!r->failback || ha_place(&crm->cfg, &crm->st, s->sid, NULL, to, why,
				     sizeof(why)) < 0)
		return;
	if (strcmp(to, s->node) &&
	    ha_node_prio(&crm->cfg, s->sid, to, NULL) >
		ha_node_prio(&crm->cfg, s->sid, s->node, NULL))
		crm_move(crm, s, to, false, "failback");
}

static void step_started(struct ha_crm *crm, struct ha_svc_status *s,
			 const struct ha_resource *r, struct ha_node_status *n)
{
	const struct ha_lrm_result *res;

	if (!n || n->state == HA_NODE_OFFLINE) {
		recover(crm, s, r, false);
		return;
	}
	if (n->state == HA_NODE_FENCE) {
		crm_log(crm, "%s waits for the fencing of %s", s->sid, n->name);
		s->state = HA_SVC_FENCE;
		return;
	}
	if (r->request != HA_REQ_STARTED) {
		s->state = HA_SVC_REQUEST_STOP;
		s->stop_timeout_ms = crm->cfg.settings.stop_timeout_ms;
		crm_new_req(crm, s);
		crm_log(crm, "stop %s on %s", s->sid, s->node);
		return;
	}
	res = ha_lrm_report_find(crm_lrm(crm, s->node), s->sid, s->req);
	if (!res || n->state != HA_NODE_ONLINE)
		return;
	if (res->rc < 0)
		start_failed(crm, s, r);
	else
		rebalance(crm, s, r, n);
}

static void step_moving(struct ha_crm *crm, struct ha_svc_status *s,
			const struct ha_resource *r, struct ha_node_status *n)
{
	const struct ha_lrm_result *res;

	if (!n || n->state == HA_NODE_OFFLINE || n->state == HA_NODE_FENCE) {
		/* The source is gone: the guest may have reached the target
		 * already, so the target is where it is recovered. */
		crm_log(crm, "%s: source %s lost while moving to %s", s->sid,
			s->node, s->target);
		if (n && n->state == HA_NODE_FENCE) {
			s->state = HA_SVC_FENCE;
			return;
		}
		strcpy(s->node, s->target);
		set_running(crm, s, r);
		return;
	}
	res = ha_lrm_report_find(crm_lrm(crm, s->node), s->sid, s->req);
	if (!res)
		return;
	if (res->rc < 0) {
		crm_log(crm, "moving %s to %s failed: stays on %s", s->sid,
			s->target, s->node);
	} else {
		crm_log(crm, "%s moved %s -> %s", s->sid, s->node, s->target);
		strcpy(s->node, s->target);
		if (strcmp(s->maint_node, s->node) == 0)
			s->maint_node[0] = '\0';
	}
	set_running(crm, s, r);
}

static void step_stopping(struct ha_crm *crm, struct ha_svc_status *s,
			  struct ha_node_status *n)
{
	const struct ha_lrm_result *res;

	if (n && n->state == HA_NODE_FENCE) {
		s->state = HA_SVC_FENCE;
		return;
	}
	if (!n || n->state == HA_NODE_OFFLINE) {
		s->state = HA_SVC_STOPPED;
		return;
	}
	res = ha_lrm_report_find(crm_lrm(crm, s->node), s->sid, s->req);
	if (!res)
		return;
	s->state = res->rc < 0 ? HA_SVC_ERROR : HA_SVC_STOPPED;
	crm_log(crm, "%s %s on %s", s->sid,
		res->rc < 0 ? "failed to stop: error" : "stopped", s->node);
}

static void step_waiting(struct ha_crm *crm, struct ha_svc_status *s,
			 const struct ha_resource *r, struct ha_node_status *n)
{
	switch (s->state) {
	case HA_SVC_FENCE:
		if (n && n->state == HA_NODE_ONLINE)
			set_running(crm, s, r);
		else if (!n || n->state == HA_NODE_OFFLINE)
			recover(crm, s, r, false);
		break;
	case HA_SVC_RECOVERY: recover(crm, s, r, true); break;
	case HA_SVC_FREEZE:
		if (n && n->state == HA_NODE_FENCE)
			s->state = HA_SVC_FENCE;
		else if (n && n->state == HA_NODE_ONLINE) {
			crm_log(crm, "%s unfrozen on %s", s->sid, n->name);
			set_running(crm, s, r);
		}
		break;
	case HA_SVC_ERROR:
		/* Only "disabled" clears an error: the guest is stopped. */
		if (r->request == HA_REQ_DISABLED) {
			crm_log(crm, "%s disabled: stop it", s->sid);
			s->state = HA_SVC_REQUEST_STOP;
			crm_new_req(crm, s);
		}
		break;
	default: break;
	}
}

static void step_stopped(struct ha_crm *crm, struct ha_svc_status *s,
			 const struct ha_resource *r, struct ha_node_status *n)
{
	if (r->request != HA_REQ_STARTED)
		return;
	if (!usable(n) && !replace(crm, s, NULL, "start", false))
		return;
	crm_log(crm, "start %s on %s", s->sid, s->node);
	s->restarts = 0;
	set_running(crm, s, r);
}

static void svc_step(struct ha_crm *crm, struct ha_svc_status *s,
		     const struct ha_resource *r)
{
	struct ha_node_status *n = crm_node(crm, s->node);

	if (r->request == HA_REQ_IGNORED || s->state == HA_SVC_IGNORED) {
		if (r->request == HA_REQ_IGNORED)
			s->state = HA_SVC_IGNORED;
		else
			set_running(crm, s, r);
		return;
	}
	switch (s->state) {
	case HA_SVC_STARTED: step_started(crm, s, r, n); break;
	case HA_SVC_STOPPED: step_stopped(crm, s, r, n); break;
	case HA_SVC_MIGRATE:
	case HA_SVC_RELOCATE: step_moving(crm, s, r, n); break;
	case HA_SVC_REQUEST_STOP: step_stopping(crm, s, n); break;
	default: step_waiting(crm, s, r, n); break;
	}
}

void crm_services_round(struct ha_crm *crm)
{
	crm_sync_config(crm);
	crm_run_commands(crm);
	for (size_t i = 0; i < crm->st.n_svc; i++) {
		struct ha_svc_status *s = &crm->st.svc[i];
		const struct ha_resource *r =
		    ha_config_resource(&crm->cfg, s->sid);

		if (r)
			svc_step(crm, s, r);
	}
}
