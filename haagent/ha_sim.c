/*
 * The simulator's clock and the agents on each simulated node.
 *
 * Every SIM_TICK_MS: views that are due are delivered, finished backend
 * operations and fence agents report, each powered node's LRM and then
 * the lock holder's CRM run, watchdogs are checked, and invariant 6 is
 * verified: no guest may be running on two nodes. Steps run in order; each
 * step is followed by ticks until SIM_QUIET_MS passed without an event
 * (a "delay" step runs for exactly its time instead).
 *
 * The agents talk only through what the real ones share: manager_status
 * (a JSON text in the tree), the LRM reports (the node status store), the
 * lock, and the membership views.
 */
#include "ha_sim_int.h"
#include "ha_config.h"
#include "ha_status.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <string.h>

void sim_log(struct ha_sim *sim, const char *fmt, ...)
{
	va_list ap;

	sim->last_event = sim->now;
	if (!sim->log)
		return;
	fprintf(sim->log, "[%8.1f] ", sim->now / 1000.0);
	va_start(ap, fmt);
	vfprintf(sim->log, fmt, ap);
	va_end(ap);
	fputc('\n', sim->log);
}

int sim_node_index(const struct ha_sim *sim, const char *name)
{
	for (size_t i = 0; i < sim->n_node; i++)
		if (strcmp(sim->node[i].name, name) == 0)
			return (int)i;
	return -ENOENT;
}

int sim_svc_index(const struct ha_sim *sim, const char *sid)
{
	for (size_t i = 0; i < sim->n_svc; i++)
		if (strcmp(sim->svc[i].sid, sid) == 0)
			return (int)i;
	return -ENOENT;
}

int sim_svc_add(struct ha_sim *sim, const struct ha_resource *r)
{
	struct sim_svc *s;
	int i = sim_svc_index(sim, r->sid);

	if (i < 0 && sim->n_svc == HA_MAX_SVCS)
		return -E2BIG;
	s = &sim->svc[i < 0 ? sim->n_svc++ : (size_t)i];
	strcpy(s->sid, r->sid);
	s->fail_start = r->fail_start;
	s->fail_migrate = r->fail_migrate;
	s->fail_stop = r->fail_stop;
	return 0;
}

/* ---- the agents' callbacks ------------------------------------------ */

static void agent_log(void *ud, const char *line)
{
	struct sim_ctx *c = ud;

	sim_log(c->sim, "%s", line);
}

static void crm_fence(void *ud, const struct ha_fence_agent *a)
{
	struct sim_ctx *c = ud;
	int n = sim_node_index(c->sim, a->node);

	if (n < 0 || c->sim->fence[n].busy)
		return;
	c->sim->fence[n] =
	    (struct sim_fence){.busy = true,
			       .node = (size_t)n,
			       .by = c->n,
			       .done_at = c->sim->now + SIM_FENCE_MS};
}

static void crm_publish(void *ud, const char *json)
{
	struct sim_ctx *c = ud;
	char *copy = strdup(json);

	if (!copy)
		abort();
	free(c->sim->status);
	c->sim->status = copy;
}

const struct ha_crm_io sim_crm_io = {
    .log = agent_log, .fence = crm_fence, .publish = crm_publish};

static void lrm_watchdog(void *ud, enum ha_watchdog_action a)
{
	struct sim_ctx *c = ud;
	struct sim_node *n = &c->sim->node[c->n];
	uint64_t timeout = c->sim->cfg.settings.watchdog_timeout_ms;

	if (a == HA_WATCHDOG_DISARM) {
		n->wd_armed = false;
		sim_log(c->sim, "watchdog of %s disarmed", n->name);
		return;
	}
	if (a == HA_WATCHDOG_ARM && !n->wd_armed)
		sim_log(c->sim, "watchdog of %s armed (%gs)", n->name,
			timeout / 1000.0);
	n->wd_armed = true;
	n->wd_deadline = c->sim->now + timeout;
}

static void lrm_publish(void *ud, const struct ha_lrm_report *rep)
{
	struct sim_ctx *c = ud;

	c->sim->node[c->n].store = *rep;
	c->sim->node[c->n].has_store = true;
}

static void lrm_shutdown_done(void *ud)
{
	struct sim_ctx *c = ud;
	struct sim_node *n = &c->sim->node[c->n];

	/* The node halts one tick later: its last report reaches the
	 * other nodes first, as it would through the status store. */
	if (n->down_requested && !n->halt_at)
		n->halt_at = c->sim->now + SIM_TICK_MS;
}

const struct ha_lrm_io sim_lrm_io = {.log = agent_log,
				     .watchdog = lrm_watchdog,
				     .publish = lrm_publish,
				     .shutdown_done = lrm_shutdown_done,
				     .ops = &sim_backend_ops};

static int queue_op(void *ud, const char *sid, enum sim_op_kind kind,
		    const char *target, uint64_t op, uint64_t ms)
{
	struct sim_ctx *c = ud;
	struct sim_node *n = &c->sim->node[c->n];
	int s = sim_svc_index(c->sim, sid);
	int t = target ? sim_node_index(c->sim, target) : (int)c->n;

	if (s < 0 || t < 0)
		return -ENOENT;
	if (n->n_ops == HA_MAX_SVCS)
		return -EBUSY;
	n->ops[n->n_ops++] =
	    (struct sim_op){kind, (size_t)s, (size_t)t, op, c->sim->now + ms};
	return 0;
}

static int be_start(void *ud, const char *sid, uint64_t op)
{
	return queue_op(ud, sid, SIM_OP_START, NULL, op, SIM_START_MS);
}

static int be_stop(void *ud, const char *sid, uint64_t timeout_ms, uint64_t op)
{
	(void)timeout_ms;
	return queue_op(ud, sid, SIM_OP_STOP, NULL, op, SIM_STOP_MS);
}

static int be_migrate(void *ud, const char *sid, const char *target, bool live,
		      uint64_t op)
{
	return queue_op(ud, sid, live ? SIM_OP_MIGRATE : SIM_OP_RELOCATE,
			target, op, live ? SIM_MIGRATE_MS : SIM_STOP_MS);
}

static bool be_running(void *ud, const char *sid)
{
	struct sim_ctx *c = ud;
	int s = sim_svc_index(c->sim, sid);

	return s >= 0 && c->sim->node[c->n].running[s];
}

const struct ha_lrm_ops sim_backend_ops = {.start = be_start,
					   .stop = be_stop,
					   .migrate = be_migrate,
					   .running = be_running};
