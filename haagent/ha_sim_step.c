/*
 * The simulator's step commands (docs/ha.md, "Scenarios"):
 *
 *   power N on|off            network N on|off
 *   reboot N                  shutdown N          restart-agent N
 *   service SID started|stopped|disabled|ignored
 *   service SID migrate|relocate N
 *   service SID stop TIMEOUT  service SID add N [STATE]
 *   service SID delete        crm N maintenance enable|disable NODE
 *   delay SECONDS
 *
 * One parser serves the check at load time and the run, so a scenario
 * that loads never fails on a step's syntax. Requested states, additions
 * and deletions change the HA configuration of the tree; migrate,
 * relocate, stop and maintenance are commands queued to the CRM that holds
 * the lock, as clusterctl would queue them.
 */
#include "ha_sim_int.h"
#include "ha_config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum cmd_kind {
	CMD_POWER,
	CMD_NETWORK,
	CMD_REBOOT,
	CMD_SHUTDOWN,
	CMD_RESTART_AGENT,
	CMD_REQUEST,
	CMD_MOVE,
	CMD_STOP,
	CMD_ADD,
	CMD_DELETE,
	CMD_MAINTENANCE,
	CMD_DELAY,
};

struct cmd {
	enum cmd_kind kind;
	int node;
	bool on;
	char *w[6];
	int n;
	char buf[512];
};

#define fail ha_fail

static int node_arg(const struct ha_sim *sim, const char *name, int *out,
		    char *reason, size_t len)
{
	*out = sim_node_index(sim, name);
	return *out < 0 ? fail(reason, len, "unknown node '%s'", name) : 0;
}

static int on_off(const char *s, bool *on, char *reason, size_t len)
{
	if (strcmp(s, "on") && strcmp(s, "off"))
		return fail(reason, len, "want on or off, got '%s'", s);
	*on = strcmp(s, "on") == 0;
	return 0;
}

static int parse_service(const struct ha_sim *sim, struct cmd *c, char *reason,
			 size_t len)
{
	const char *a = c->n > 2 ? c->w[2] : "";
	char *end;

	if (c->n < 3 || ha_guest_kind(c->w[1]) < 0)
		return fail(reason, len, "want 'service SID ACTION ...'");
	if (c->n == 3 && ha_request_from_str(a) >= 0)
		return c->kind = CMD_REQUEST, 0;
	if (c->n == 3 && strcmp(a, "delete") == 0)
		return c->kind = CMD_DELETE, 0;
	if (c->n == 4 && (!strcmp(a, "migrate") || !strcmp(a, "relocate"))) {
		c->kind = CMD_MOVE;
		return node_arg(sim, c->w[3], &c->node, reason, len);
	}
	if (c->n == 4 && strcmp(a, "stop") == 0) {
		c->kind = CMD_STOP;
		if (strtod(c->w[3], &end) < 0 || *end || end == c->w[3])
			return fail(reason, len, "bad timeout '%s'", c->w[3]);
		return 0;
	}
	if ((c->n == 4 || c->n == 5) && strcmp(a, "add") == 0) {
		c->kind = CMD_ADD;
		if (c->n == 5 && ha_request_from_str(c->w[4]) < 0)
			return fail(reason, len, "bad state '%s'", c->w[4]);
		return node_arg(sim, c->w[3], &c->node, reason, len);
	}
	return fail(reason, len, "unknown service action '%s'", a);
}

static int parse_node_cmd(const struct ha_sim *sim, struct cmd *c, char *reason,
			  size_t len)
{
	static const struct {
		const char *name;
		enum cmd_kind kind;
		int words;
	} t[] = {{"power", CMD_POWER, 3},
		 {"network", CMD_NETWORK, 3},
		 {"reboot", CMD_REBOOT, 2},
		 {"shutdown", CMD_SHUTDOWN, 2},
		 {"restart-agent", CMD_RESTART_AGENT, 2},
		 {"crm", CMD_MAINTENANCE, 5}};

	for (size_t i = 0; i < ELEMENTSOF(t); i++) {
		if (strcmp(c->w[0], t[i].name))
			continue;
		if (c->n != t[i].words)
			return fail(reason, len, "'%s' takes %d arguments",
				    t[i].name, t[i].words - 1);
		c->kind = t[i].kind;
		if (node_arg(sim, c->w[1], &c->node, reason, len) < 0)
			return -EINVAL;
		if (t[i].words == 3)
			return on_off(c->w[2], &c->on, reason, len);
		if (c->kind != CMD_MAINTENANCE)
			return 0;
		if (strcmp(c->w[2], "maintenance") ||
		    (strcmp(c->w[3], "enable") && strcmp(c->w[3], "disable")))
			return fail(reason, len,
				    "want 'crm N maintenance "
				    "enable|disable NODE'");
		return sim_node_index(sim, c->w[4]) < 0
			   ? fail(reason, len, "unknown node '%s'", c->w[4])
			   : 0;
	}
	return fail(reason, len, "unknown step command '%s'", c->w[0]);
}

static int parse(const struct ha_sim *sim, const char *text, struct cmd *c,
		 char *reason, size_t len)
{
	char *end;

	memset(c, 0, sizeof(*c));
	c->n = ha_split_words(text, c->buf, sizeof(c->buf), c->w,
			      ELEMENTSOF(c->w));
	if (c->n <= 0)
		return fail(reason, len, "empty or too long step command");
	if (strcmp(c->w[0], "delay") == 0) {
		c->kind = CMD_DELAY;
		if (c->n != 2 || strtoul(c->w[1], &end, 10) > 86400 || *end)
			return fail(reason, len, "want 'delay SECONDS'");
		return 0;
	}
	if (strcmp(c->w[0], "service") == 0)
		return parse_service(sim, c, reason, len);
	return parse_node_cmd(sim, c, reason, len);
}

int sim_step_check(const struct ha_sim *sim, const char *step, char *reason,
		   size_t len)
{
	struct cmd c;

	return parse(sim, step, &c, reason, len);
}

static struct ha_crm *holder(struct ha_sim *sim)
{
	for (size_t i = 0; i < sim->n_node; i++)
		if (sim->node[i].lock && sim->node[i].crm)
			return sim->node[i].crm;
	return NULL;
}

static void to_crm(struct ha_sim *sim, const char *line)
{
	struct ha_crm *crm = holder(sim);

	if (!crm) {
		sim_log(sim, "no CRM holds the lock: '%s' dropped", line);
		return;
	}
	ha_crm_command(crm, line);
}

static void run_service(struct ha_sim *sim, struct cmd *c)
{
	struct ha_resource *r = ha_config_resource(&sim->cfg, c->w[1]);
	char line[256], reason[200];

	if (c->kind == CMD_ADD) {
		snprintf(line, sizeof(line), "%s node=%s state=%s", c->w[1],
			 sim->node[c->node].name,
			 c->n == 5 ? c->w[4] : "started");
		if (r ||
		    ha_config_resource_line(&sim->cfg, line, reason,
					    sizeof(reason)) < 0 ||
		    sim_svc_add(sim, ha_config_resource(&sim->cfg, c->w[1])) <
			0)
			sim_log(sim, "cannot add %s", c->w[1]);
		return;
	}
	if (!r) {
		sim_log(sim, "%s is not an HA service: step ignored", c->w[1]);
		return;
	}
	if (c->kind == CMD_REQUEST) {
		r->request = ha_request_from_str(c->w[2]);
	} else if (c->kind == CMD_DELETE) {
		*r = sim->cfg.res[--sim->cfg.n_res];
	} else if (c->kind == CMD_STOP) {
		r->request = HA_REQ_STOPPED;
		snprintf(line, sizeof(line), "stop %s %s", c->w[1], c->w[3]);
		to_crm(sim, line);
	} else {
		snprintf(line, sizeof(line), "%s %s %s", c->w[2], c->w[1],
			 c->w[3]);
		to_crm(sim, line);
	}
}

static void run_node(struct ha_sim *sim, struct cmd *c)
{
	struct sim_node *n = &sim->node[c->node];
	char line[256];

	switch (c->kind) {
	case CMD_POWER:
		if (c->on)
			sim_power_on(sim, (size_t)c->node);
		else
			sim_power_off(sim, (size_t)c->node, "power off");
		break;
	case CMD_NETWORK:
		n->net = c->on;
		sim_topology_changed(sim);
		break;
	case CMD_REBOOT:
	case CMD_SHUTDOWN:
		if (!n->lrm)
			break;
		n->down_requested = true;
		n->reboot = c->kind == CMD_REBOOT;
		ha_lrm_shutdown(n->lrm, n->reboot,
				sim->cfg.settings.shutdown_policy);
		break;
	case CMD_RESTART_AGENT:
		if (!n->lrm)
			break;
		sim_agent_stop(sim, (size_t)c->node);
		/* A clean stop closes the watchdog (magic close). */
		n->wd_armed = false;
		sim_agent_start(sim, (size_t)c->node);
		break;
	default: /* CMD_MAINTENANCE */
		if (!n->power || !n->view.quorate) {
			sim_log(sim, "%s is not quorate: maintenance refused",
				n->name);
			break;
		}
		snprintf(line, sizeof(line), "maintenance %s %s", c->w[3],
			 c->w[4]);
		to_crm(sim, line);
		break;
	}
}

void sim_step_run(struct ha_sim *sim, const char *step)
{
	char buf[1024], reason[200], *save = NULL, *cmd;
	struct cmd c;

	snprintf(buf, sizeof(buf), "%s", step);
	for (cmd = strtok_r(buf, ";", &save); cmd;
	     cmd = strtok_r(NULL, ";", &save)) {
		if (parse(sim, cmd, &c, reason, sizeof(reason)) < 0)
			continue;
		sim_log(sim, "step: %s",
			c.buf[0] ? cmd + strspn(cmd, " ") : cmd);
		if (c.kind == CMD_DELAY)
			continue;
		if (!strcmp(c.w[0], "service"))
			run_service(sim, &c);
		else
			run_node(sim, &c);
	}
}
