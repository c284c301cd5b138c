/*
 * The simulator's main loop, the invariant check and the final state.
 *
 * Invariants 6 and 7 are checked after every tick, i.e. at every simulated
 * instant at which anything can change: a guest running on two nodes, or
 * on a node that lost quorum longer than its self-fence deadline ago, ends
 * the run with -EPROTO and a message naming the guest and the nodes.
 */
#include "ha_sim_int.h"
#include "ha_status.h"

#include <errno.h>
#include <json-c/json.h>
#include <string.h>

static void run_agents(struct ha_sim *sim)
{
	for (size_t i = 0; i < sim->n_node; i++) {
		struct sim_node *n = &sim->node[i];

		if (!n->lrm)
			continue;
		if (n->view.quorate)
			ha_lrm_set_status(n->lrm, sim->status);
		ha_lrm_tick(n->lrm, sim->now);
	}
	for (size_t i = 0; i < sim->n_node; i++) {
		struct sim_node *n = &sim->node[i];

		if (!n->crm || !n->lock)
			continue;
		ha_crm_set_config(n->crm, &sim->cfg);
		/* As in clusterd's status store: the reports of the
		 * members, none of the others. */
		for (size_t j = 0; j < sim->n_node; j++)
			if (!n->view.member[j])
				ha_crm_forget(n->crm, sim->node[j].name, false);
			else if (sim->node[j].has_store)
				ha_crm_lrm_report(n->crm, &sim->node[j].store);
		ha_crm_round(n->crm, sim->now);
	}
}

static void broken(struct ha_sim *sim, int inv, const char *sid,
		   const char *where)
{
	sim->broken = true;
	sim_log(sim, "INVARIANT %d BROKEN: %s runs on%s", inv, sid, where);
	if (sim->err)
		fprintf(sim->err,
			"ha simulate: invariant %d broken at %.1fs: %s runs "
			"on%s\n",
			inv, sim->now / 1000.0, sid, where);
}

static void check_running(struct ha_sim *sim)
{
	for (size_t s = 0; s < sim->n_svc; s++) {
		uint64_t mask = 0;
		unsigned count = 0;
		char where[256] = "";

		for (size_t i = 0; i < sim->n_node; i++)
			if (sim->node[i].running[s]) {
				mask |= 1ULL << i;
				count++;
				strncat(where, " ",
					sizeof(where) - strlen(where) - 1);
				strncat(where, sim->node[i].name,
					sizeof(where) - strlen(where) - 1);
			}
		if (mask != sim->run_mask[s])
			sim_log(sim, "%s running on:%s", sim->svc[s].sid,
				count ? where : " nowhere");
		sim->run_mask[s] = mask;
		if (count > 1 && !sim->broken)
			broken(sim, 6, sim->svc[s].sid, where);
	}
}

/* Invariant 7: a node that lost quorum runs no HA guest after its
 * self-fence deadline. */
static void check_quorum_loss(struct ha_sim *sim)
{
	const struct ha_settings *set = &sim->cfg.settings;

	for (size_t i = 0; i < sim->n_node && !sim->broken; i++) {
		const struct sim_node *n = &sim->node[i];
		char where[HA_NAME_MAX + 32];

		if (!n->power || !n->lost_quorum_at ||
		    sim->now <= n->lost_quorum_at + set->watchdog_timeout_ms +
				    set->safety_margin_ms)
			continue;
		snprintf(where, sizeof(where), " %s without quorum", n->name);
		for (size_t s = 0; s < sim->n_svc && !sim->broken; s++) {
			const struct ha_resource *r =
			    ha_config_resource(&sim->cfg, sim->svc[s].sid);

			if (n->running[s] && r && r->request != HA_REQ_IGNORED)
				broken(sim, 7, sim->svc[s].sid, where);
		}
	}
}

static void tick(struct ha_sim *sim)
{
	sim->now += SIM_TICK_MS;
	sim_deliver_views(sim);
	sim_ops_progress(sim);
	sim_fence_progress(sim);
	run_agents(sim);
	sim_watchdogs(sim);
	check_running(sim);
	check_quorum_loss(sim);
}

static bool busy(const struct ha_sim *sim)
{
	if (sim->view_pending)
		return true;
	for (size_t i = 0; i < sim->n_node; i++)
		if (sim->node[i].n_ops || sim->fence[i].busy ||
		    sim->node[i].boot_at || sim->node[i].halt_at)
			return true;
	return false;
}

static void settle(struct ha_sim *sim)
{
	uint64_t start = sim->now;

	while (!sim->broken && sim->now - start < SIM_STEP_MAX_MS &&
	       (busy(sim) || sim->now - sim->last_event < SIM_QUIET_MS))
		tick(sim);
}

int ha_sim_run(struct ha_sim *sim, FILE *log, FILE *err)
{
	sim->log = log;
	sim->err = err;
	for (size_t i = 0; i < sim->n_steps && !sim->broken; i++) {
		const char *step = sim->steps[i];

		if (strncmp(step, "delay ", 6) == 0) {
			uint64_t end =
			    sim->now + strtoull(step + 6, NULL, 10) * 1000;

			sim_log(sim, "step: %s", step);
			while (!sim->broken && sim->now < end)
				tick(sim);
			continue;
		}
		sim_step_run(sim, step);
		/* A following delay says how long to run instead. */
		if (i + 1 == sim->n_steps ||
		    strncmp(sim->steps[i + 1], "delay ", 6) != 0)
			settle(sim);
	}
	if (!sim->broken)
		settle(sim);
	sim_log(sim, "end");
	return sim->broken ? -EPROTO : 0;
}

static json_object *services_json(const struct ha_status *st)
{
	json_object *o = json_object_new_object();

	for (size_t i = 0; i < st->n_svc; i++) {
		json_object *s = json_object_new_object();

		json_object_object_add(
		    s, "state",
		    json_object_new_string(ha_svc_state_str(st->svc[i].state)));
		json_object_object_add(s, "node",
				       json_object_new_string(st->svc[i].node));
		json_object_object_add(o, st->svc[i].sid, s);
	}
	return o;
}

static const char *node_state(struct ha_status *st, const char *name)
{
	const struct ha_node_status *n = ha_status_node(st, name);

	if (!n)
		return "unknown";
	if (n->state == HA_NODE_ONLINE && n->maint)
		return "maintenance";
	return ha_node_state_str(n->state);
}

static json_object *nodes_json(const struct ha_sim *sim, struct ha_status *st)
{
	json_object *nodes = json_object_new_object();

	for (size_t i = 0; i < sim->n_node; i++) {
		json_object *n = json_object_new_object();

		json_object_object_add(
		    n, "power",
		    json_object_new_string(sim->node[i].power ? "on" : "off"));
		json_object_object_add(
		    n, "state",
		    json_object_new_string(node_state(st, sim->node[i].name)));
		json_object_object_add(nodes, sim->node[i].name, n);
	}
	return nodes;
}

char *ha_sim_result_json(const struct ha_sim *sim)
{
	json_object *root = json_object_new_object();
	json_object *run = json_object_new_object();
	struct ha_status *st = calloc(1, sizeof(*st));
	char *out;

	if (!st)
		return NULL;
	/* No stored status (no CRM ever ran): empty services, "unknown". */
	if (sim->status)
		(void)ha_status_from_json(sim->status, st);
	json_object_object_add(root, "services", services_json(st));
	for (size_t s = 0; s < sim->n_svc; s++) {
		json_object *a = json_object_new_array();

		for (size_t i = 0; i < sim->n_node; i++)
			if (sim->node[i].running[s])
				json_object_array_add(
				    a,
				    json_object_new_string(sim->node[i].name));
		json_object_object_add(run, sim->svc[s].sid, a);
	}
	json_object_object_add(root, "running", run);
	json_object_object_add(root, "nodes", nodes_json(sim, st));
	out = strdup(json_object_to_json_string_ext(
	    root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
	json_object_put(root);
	free(st);
	return out;
}

int ha_sim_text(const char *text, const char *file, bool json, FILE *out,
		FILE *err)
{
	struct ha_sim *sim = NULL;
	char *doc;
	int r = ha_sim_load(text, file, err, &sim);

	if (r < 0)
		return r;
	r = ha_sim_run(sim, json ? NULL : out, err);
	if (json) {
		doc = ha_sim_result_json(sim);
		if (doc)
			fprintf(out, "%s\n", doc);
		else
			r = -ENOMEM;
		free(doc);
	}
	ha_sim_free(sim);
	return r;
}
