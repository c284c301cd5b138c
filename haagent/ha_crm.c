/*
 * CRM events, rounds and user commands (see ha_crm.h).
 *
 * Every event only records its input; decisions are made in
 * ha_crm_round(), in a fixed order, so the outcome depends on the inputs
 * and not on the order the events arrived within a round.
 */
#include "ha_crm_int.h"
#include "ha_place.h"
#include "ha_status.h"
#include "ha_config.h"
#include "macro.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void crm_log(struct ha_crm *crm, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ha_vlog(crm->io.log, crm->io.userdata, "crm", crm->self, fmt, ap);
	va_end(ap);
}

void crm_new_req(struct ha_crm *crm, struct ha_svc_status *s)
{
	s->req = ++crm->st.next_req;
}

const struct ha_lrm_report *crm_lrm(const struct ha_crm *crm, const char *node)
{
	for (size_t i = 0; i < crm->n_lrm; i++)
		if (strcmp(crm->lrm[i].node, node) == 0)
			return &crm->lrm[i];
	return NULL;
}

bool crm_member(const struct ha_crm *crm, const char *node)
{
	for (size_t i = 0; i < crm->view.n_nodes; i++)
		if (strcmp(crm->view.nodes[i], node) == 0)
			return crm->view.member[i];
	return false;
}

struct ha_node_status *crm_node(struct ha_crm *crm, const char *node)
{
	return ha_status_node(&crm->st, node);
}

struct ha_crm *ha_crm_new(const char *self, const struct ha_crm_io *io)
{
	struct ha_crm *crm = calloc(1, sizeof(*crm));

	if (!crm || !ha_name_copy(crm->self, self)) {
		free(crm);
		return NULL;
	}
	crm->io = *io;
	ha_config_init(&crm->cfg);
	return crm;
}

void ha_crm_free(struct ha_crm *crm)
{
	if (!crm)
		return;
	free(crm->published);
	free(crm);
}

void ha_crm_set_config(struct ha_crm *crm, const struct ha_config *cfg)
{
	crm->cfg = *cfg;
}

void ha_crm_set_view(struct ha_crm *crm, const struct ha_view *view)
{
	crm->view = *view;
}

void ha_crm_set_lock(struct ha_crm *crm, bool held, const char *status_json,
		     uint64_t now_ms)
{
	if (held == crm->active)
		return;
	crm->active = held;
	crm->now = now_ms;
	free(crm->published);
	crm->published = NULL;
	if (!held) {
		crm_log(crm, "lost the ha/manager lock: no more decisions");
		return;
	}
	if (status_json && ha_status_from_json(status_json, &crm->st) < 0)
		crm_log(crm, "stored manager_status is invalid: starting "
			     "from an empty one");
	else if (!status_json)
		memset(&crm->st, 0, sizeof(crm->st));
	/* Fencing waits restart from this CRM's clock: never shorter. */
	for (size_t i = 0; i < crm->st.n_node; i++)
		crm->st.node[i].left_ms = now_ms;
	crm_log(crm, "took the ha/manager lock: now the CRM");
}

void ha_crm_lrm_report(struct ha_crm *crm, const struct ha_lrm_report *rep)
{
	for (size_t i = 0; i < crm->n_lrm; i++)
		if (strcmp(crm->lrm[i].node, rep->node) == 0) {
			crm->lrm[i] = *rep;
			return;
		}
	if (crm->n_lrm < HA_MAX_NODES)
		crm->lrm[crm->n_lrm++] = *rep;
}

void ha_crm_forget(struct ha_crm *crm, const char *node, bool removed)
{
	size_t i;

	for (i = 0; i < crm->n_forget; i++)
		if (strcmp(crm->forget[i].node, node) == 0)
			break;
	if (i == crm->n_forget) {
		if (i == HA_MAX_NODES ||
		    !ha_name_copy(crm->forget[i].node, node))
			return;
		crm->forget[i].removed = false;
		crm->n_forget++;
	}
	crm->forget[i].removed |= removed;
}

void ha_crm_fence_result(struct ha_crm *crm, const char *node, bool ok)
{
	struct ha_node_status *n = crm_node(crm, node);

	if (!crm->active || !n || n->state != HA_NODE_FENCE ||
	    !n->fence_pending)
		return;
	n->fence_pending = false;
	if (!ok) {
		n->fence_next_ms = crm->now + crm->cfg.settings.fence_retry_ms;
		crm_log(crm,
			"fence %s: agent failed (attempt %u), retry in %gs",
			node, n->fence_tries,
			crm->cfg.settings.fence_retry_ms / 1000.0);
		return;
	}
	crm_log(crm, "fence %s: agent confirmed the node is off", node);
	n->state = HA_NODE_OFFLINE;
}

bool ha_crm_active(const struct ha_crm *crm)
{
	return crm->active;
}

const struct ha_status *ha_crm_status(const struct ha_crm *crm)
{
	return &crm->st;
}

int ha_crm_explain(const struct ha_crm *crm, const char *sid, char *buf,
		   size_t len)
{
	char node[HA_NAME_MAX];

	return ha_place(&crm->cfg, &crm->st, sid, NULL, node, buf, len);
}

int ha_crm_command(struct ha_crm *crm, const char *line)
{
	if (strlen(line) >= sizeof(crm->cmds[0]) ||
	    crm->n_cmds == HA_CRM_MAX_CMDS) {
		crm_log(crm, "command refused: too long or too many queued");
		return -EINVAL;
	}
	strcpy(crm->cmds[crm->n_cmds++], line);
	return 0;
}

static void publish(struct ha_crm *crm)
{
	char *json = ha_status_to_json(&crm->st);

	if (!json)
		return;
	if (crm->published && strcmp(json, crm->published) == 0) {
		free(json);
		return;
	}
	free(crm->published);
	crm->published = json;
	if (crm->io.publish)
		crm->io.publish(crm->io.userdata, json);
}

void ha_crm_round(struct ha_crm *crm, uint64_t now_ms)
{
	crm->now = now_ms;
	if (!crm->active)
		return;
	if (!crm->view.quorate) {
		crm_log(crm, "not quorate: giving up the CRM role");
		crm->active = false;
		return;
	}
	crm_nodes_round(crm);
	crm_services_round(crm);
	publish(crm);
}
