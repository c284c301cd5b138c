/*
 * The CRM's inputs from people: services added to or deleted from
 * ha/resources.cfg, and the queued commands (migrate, relocate, stop,
 * maintenance). A command that cannot be carried out is logged with the
 * reason and dropped; it never half-applies.
 */
#include "ha_crm_int.h"
#include "ha_config.h"
#include "ha_place.h"
#include "macro.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static void add_service(struct ha_crm *crm, const struct ha_resource *r)
{
	struct ha_svc_status *s = &crm->st.svc[crm->st.n_svc++];

	memset(s, 0, sizeof(*s));
	strcpy(s->sid, r->sid);
	strcpy(s->node, r->node);
	s->stop_timeout_ms = crm->cfg.settings.stop_timeout_ms;
	if (r->request == HA_REQ_IGNORED)
		s->state = HA_SVC_IGNORED;
	else
		s->state = r->request == HA_REQ_STARTED ? HA_SVC_STARTED
							: HA_SVC_STOPPED;
	if (!s->node[0] || !crm_node(crm, s->node))
		s->state = HA_SVC_RECOVERY;
	crm_new_req(crm, s);
	crm_log(crm, "%s added on %s (%s)", s->sid, s->node[0] ? s->node : "-",
		ha_request_str(r->request));
}

void crm_sync_config(struct ha_crm *crm)
{
	size_t k = 0;

	for (size_t i = 0; i < crm->st.n_svc; i++) {
		struct ha_svc_status *s = &crm->st.svc[i];

		if (ha_config_resource(&crm->cfg, s->sid))
			crm->st.svc[k++] = *s;
		else
			crm_log(crm,
				"%s deleted from HA; the guest is left "
				"as it is",
				s->sid);
	}
	crm->st.n_svc = k;
	for (size_t i = 0; i < crm->cfg.n_res; i++)
		if (!ha_status_svc(&crm->st, crm->cfg.res[i].sid) &&
		    crm->st.n_svc < HA_MAX_SVCS)
			add_service(crm, &crm->cfg.res[i]);
}

static void cmd_move(struct ha_crm *crm, char **w, bool relocate)
{
	struct ha_svc_status *s = ha_status_svc(&crm->st, w[1]);
	struct ha_node_status *n = crm_node(crm, w[2]);

	if (!s || !n) {
		crm_log(crm, "%s %s %s refused: unknown %s", w[0], w[1], w[2],
			s ? "node" : "service");
	} else if (n->state != HA_NODE_ONLINE || n->maint) {
		crm_log(crm, "%s %s refused: %s is not online", w[0], s->sid,
			n->name);
	} else if (ha_node_prio(&crm->cfg, s->sid, n->name, NULL) == INT_MIN) {
		crm_log(crm, "%s %s refused: a strict rule keeps it off %s",
			w[0], s->sid, n->name);
	} else if (strcmp(s->node, n->name) == 0) {
		crm_log(crm, "%s %s: already on %s", w[0], s->sid, n->name);
	} else if (s->state == HA_SVC_STARTED || s->state == HA_SVC_STOPPED) {
		crm_move(crm, s, n->name, relocate, "command");
	} else {
		crm_log(crm, "%s %s refused: it is in state %s", w[0], s->sid,
			ha_svc_state_str(s->state));
	}
}

static void cmd_stop(struct ha_crm *crm, char **w)
{
	struct ha_svc_status *s = ha_status_svc(&crm->st, w[1]);
	char *end;
	double secs = strtod(w[2], &end);

	if (!s || *end || end == w[2] || secs < 0 || secs > 86400) {
		crm_log(crm, "stop %s %s refused: %s", w[1], w[2],
			s ? "bad timeout" : "unknown service");
		return;
	}
	if (s->state != HA_SVC_STARTED) {
		crm_log(crm, "stop %s: it is %s", s->sid,
			ha_svc_state_str(s->state));
		return;
	}
	s->state = HA_SVC_REQUEST_STOP;
	s->stop_timeout_ms = (uint64_t)(secs * 1000);
	crm_new_req(crm, s);
	crm_log(crm, "stop %s on %s within %gs", s->sid, s->node, secs);
}

static void cmd_maintenance(struct ha_crm *crm, char **w)
{
	struct ha_node_status *n = crm_node(crm, w[2]);
	bool on = strcmp(w[1], "enable") == 0;

	if (!n || (!on && strcmp(w[1], "disable"))) {
		crm_log(crm, "maintenance %s %s refused: unknown %s", w[1],
			w[2], n ? "action" : "node");
		return;
	}
	n->maint = on;
	n->maint_auto = false;
	crm_log(crm, "maintenance %s on %s", on ? "enabled" : "disabled",
		n->name);
}

static void run_command(struct ha_crm *crm, const char *line)
{
	char buf[256], *w[4];
	int n = ha_split_words(line, buf, sizeof(buf), w, ELEMENTSOF(w));

	if (n == 3 && strcmp(w[0], "migrate") == 0)
		cmd_move(crm, w, false);
	else if (n == 3 && strcmp(w[0], "relocate") == 0)
		cmd_move(crm, w, true);
	else if (n == 3 && strcmp(w[0], "stop") == 0)
		cmd_stop(crm, w);
	else if (n == 3 && strcmp(w[0], "maintenance") == 0)
		cmd_maintenance(crm, w);
	else
		crm_log(crm, "unknown command '%s'", line);
}

void crm_run_commands(struct ha_crm *crm)
{
	for (size_t i = 0; i < crm->n_cmds; i++)
		run_command(crm, crm->cmds[i]);
	crm->n_cmds = 0;
}
