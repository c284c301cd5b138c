/*
 * The CRM's node states and the fencing gate.
 *
 *   online ──left, active services──► fence ──confirmed──► offline
 *     │  ▲                              │                    │
 *     │  └────────── back in the quorate view ◄──────────────┘
 *     └──LRM shutdown──► shutdown ──left, LRM done──► offline
 *
 * A lost node that may run guests enters "fence". It leaves it only when
 * fencing is confirmed (a fence agent reported success, or the watchdog
 * self-fence deadline passed: left quorate view + watchdog timeout +
 * safety margin), or when it comes back into the quorate view before that,
 * in which case nothing of it was recovered. A failed agent is retried
 * after fence_retry; nothing is recovered meanwhile.
 *
 * Forgetting (ha_crm_forget): the report of a node that left is dropped
 * after node_lost() read it, the node's entry once it is offline and
 * nothing names it any more.
 */
#include "ha_crm_int.h"
#include "macro.h"

#include <string.h>

static bool node_has_active(const struct ha_crm *crm, const char *node)
{
	for (size_t i = 0; i < crm->st.n_svc; i++) {
		const struct ha_svc_status *s = &crm->st.svc[i];
		bool here = strcmp(s->node, node) == 0 ||
			    ((s->state == HA_SVC_MIGRATE ||
			      s->state == HA_SVC_RELOCATE) &&
			     strcmp(s->target, node) == 0);

		if (here && (ha_svc_state_active(s->state) ||
			     s->state == HA_SVC_FREEZE))
			return true;
	}
	return false;
}

static const struct ha_fence_agent *agent_of(const struct ha_crm *crm,
					     const char *node)
{
	for (size_t i = 0; i < crm->cfg.n_fence; i++)
		if (strcmp(crm->cfg.fence[i].node, node) == 0)
			return &crm->cfg.fence[i];
	return NULL;
}

static void fence_agent_step(struct ha_crm *crm, struct ha_node_status *n)
{
	const struct ha_fence_agent *a = agent_of(crm, n->name);

	if (!a) {
		if (n->fence_tries == 0)
			crm_log(crm,
				"fence %s: no fence agent in ha/fence.cfg; "
				"cannot confirm with an agent",
				n->name);
		n->fence_tries = 1;
		return;
	}
	if (n->fence_pending || crm->now < n->fence_next_ms)
		return;
	n->fence_pending = true;
	n->fence_tries++;
	crm_log(crm, "fence %s: running %s (attempt %u)", n->name, a->agent,
		n->fence_tries);
	if (crm->io.fence)
		crm->io.fence(crm->io.userdata, a);
}

static void fence_step(struct ha_crm *crm, struct ha_node_status *n)
{
	const struct ha_settings *set = &crm->cfg.settings;
	uint64_t deadline =
	    n->left_ms + set->watchdog_timeout_ms + set->safety_margin_ms;

	if (set->test_skip_fencing) {
		crm_log(crm, "fence %s: SKIPPED by the test hook", n->name);
		n->state = HA_NODE_OFFLINE;
		return;
	}
	if (set->fencing != HA_FENCING_AGENT && crm->now >= deadline) {
		crm_log(crm,
			"fence %s: confirmed, watchdog deadline passed "
			"(%gs + %gs margin after it left)",
			n->name, set->watchdog_timeout_ms / 1000.0,
			set->safety_margin_ms / 1000.0);
		n->state = HA_NODE_OFFLINE;
		return;
	}
	if (set->fencing != HA_FENCING_WATCHDOG)
		fence_agent_step(crm, n);
}

static void node_lost(struct ha_crm *crm, struct ha_node_status *n)
{
	const struct ha_lrm_report *rep = crm_lrm(crm, n->name);
	const struct ha_settings *set = &crm->cfg.settings;

	if (rep && rep->mode == HA_LRM_DONE) {
		crm_log(crm, "%s shut down cleanly", n->name);
		n->state = HA_NODE_OFFLINE;
	} else if (node_has_active(crm, n->name)) {
		n->state = HA_NODE_FENCE;
		n->left_ms = crm->now;
		n->fence_tries = 0;
		n->fence_pending = false;
		n->fence_next_ms = crm->now;
		crm_log(crm,
			"%s lost while it may run services: fencing "
			"(%s; watchdog deadline in %gs)",
			n->name, ha_fencing_str(set->fencing),
			(set->watchdog_timeout_ms + set->safety_margin_ms) /
			    1000.0);
		fence_step(crm, n); /* an agent starts at once */
	} else {
		crm_log(crm, "%s left (no active services)", n->name);
		n->state = HA_NODE_OFFLINE;
	}
}

static void shutdown_policy(struct ha_crm *crm, struct ha_node_status *n,
			    const struct ha_lrm_report *rep)
{
	enum ha_shutdown_policy p = crm->cfg.settings.shutdown_policy;

	if (p == HA_SHUTDOWN_CONDITIONAL)
		p = rep->reboot ? HA_SHUTDOWN_FREEZE : HA_SHUTDOWN_FAILOVER;
	crm_log(crm, "%s %s: shutdown policy %s", n->name,
		rep->reboot ? "reboots" : "shuts down",
		ha_shutdown_policy_str(p));
	if (p == HA_SHUTDOWN_MIGRATE) {
		n->maint = n->maint_auto = true;
		return;
	}
	n->state = HA_NODE_SHUTDOWN;
	if (p != HA_SHUTDOWN_FREEZE)
		return;
	for (size_t i = 0; i < crm->st.n_svc; i++) {
		struct ha_svc_status *s = &crm->st.svc[i];

		if (strcmp(s->node, n->name) == 0 &&
		    s->state == HA_SVC_STARTED) {
			s->state = HA_SVC_FREEZE;
			crm_log(crm, "%s frozen on %s", s->sid, n->name);
		}
	}
}

static void node_present(struct ha_crm *crm, struct ha_node_status *n)
{
	const struct ha_lrm_report *rep = crm_lrm(crm, n->name);
	bool lrm_up = rep && rep->mode == HA_LRM_ACTIVE;

	switch (n->state) {
	case HA_NODE_FENCE:
		crm_log(crm,
			"%s is back before its fencing was confirmed; "
			"nothing of it was recovered",
			n->name);
		n->state = HA_NODE_ONLINE;
		n->fence_pending = false;
		break;
	case HA_NODE_OFFLINE:
	case HA_NODE_SHUTDOWN:
		if (!lrm_up)
			break;
		crm_log(crm, "%s is online", n->name);
		n->state = HA_NODE_ONLINE;
		break;
	default:
		/* DONE: the LRM finished before this CRM saw it start */
		if (rep && rep->mode != HA_LRM_ACTIVE && !n->maint)
			shutdown_policy(crm, n, rep);
		break;
	}
	if (n->state == HA_NODE_ONLINE && n->maint_auto && lrm_up) {
		crm_log(crm, "%s is back: leaves maintenance", n->name);
		n->maint = n->maint_auto = false;
	}
}

static void ensure_nodes(struct ha_crm *crm)
{
	for (size_t i = 0; i < crm->view.n_nodes; i++) {
		struct ha_node_status *n;

		if (crm_node(crm, crm->view.nodes[i]) ||
		    crm->st.n_node == HA_MAX_NODES)
			continue;
		n = &crm->st.node[crm->st.n_node++];
		memset(n, 0, sizeof(*n));
		strcpy(n->name, crm->view.nodes[i]);
		n->state = HA_NODE_OFFLINE;
	}
}

static bool node_named(const struct ha_crm *crm, const char *node)
{
	for (size_t i = 0; i < crm->st.n_svc; i++) {
		const struct ha_svc_status *s = &crm->st.svc[i];

		if (!strcmp(s->node, node) || !strcmp(s->target, node) ||
		    !strcmp(s->maint_node, node))
			return true;
	}
	return false;
}

static void drop_report(struct ha_crm *crm, const char *node)
{
	for (size_t i = 0; i < crm->n_lrm; i++)
		if (strcmp(crm->lrm[i].node, node) == 0) {
			crm->lrm[i] = crm->lrm[--crm->n_lrm];
			return;
		}
}

static void drop_node(struct ha_crm *crm, struct ha_node_status *n)
{
	crm_log(crm, "%s left the cluster: forgotten", n->name);
	*n = crm->st.node[--crm->st.n_node];
}

/* One pending forget; true when it is done. */
static bool forget_step(struct ha_crm *crm, const char *node, bool removed)
{
	struct ha_node_status *n = crm_node(crm, node);

	if (crm_member(crm, node))
		return true; /* back: its fresh report counts */
	if (n && n->state != HA_NODE_OFFLINE && n->state != HA_NODE_FENCE)
		return false; /* node_lost() has not read the report yet */
	drop_report(crm, node);
	if (!removed || !n)
		return true;
	if (n->state != HA_NODE_OFFLINE || node_named(crm, node))
		return false;
	drop_node(crm, n);
	return true;
}

static void forget_round(struct ha_crm *crm)
{
	for (size_t i = 0; i < crm->n_forget;) {
		if (forget_step(crm, crm->forget[i].node,
				crm->forget[i].removed))
			crm->forget[i] = crm->forget[--crm->n_forget];
		else
			i++;
	}
}

void crm_nodes_round(struct ha_crm *crm)
{
	ensure_nodes(crm);
	for (size_t i = 0; i < crm->st.n_node; i++) {
		struct ha_node_status *n = &crm->st.node[i];

		if (crm_member(crm, n->name))
			node_present(crm, n);
		else if (n->state == HA_NODE_FENCE)
			fence_step(crm, n);
		else if (n->state != HA_NODE_OFFLINE)
			node_lost(crm, n);
	}
	forget_round(crm);
}
