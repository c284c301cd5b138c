/*
 * The simulated world under the agents.
 *
 * Membership: the powered nodes with network form one partition, every
 * powered node without network is alone; a partition is quorate with a
 * majority of all nodes. A change becomes visible to every node at once,
 * SIM_MEMBERSHIP_MS after the last physical change (corosync's token
 * timeout and consensus). The ha/manager lock is ephemeral: its holder
 * keeps it while it stays in the quorate partition with its agent
 * running; otherwise it goes to the first such node in "nodes" order.
 *
 * Watchdogs fire SIM watchdog_timeout after the last pet and power the
 * node off, like the harness's test watchdog device. The backend runs
 * guest operations with fixed durations and the scenario's fault
 * counters; fence agents power their node off after SIM_FENCE_MS unless
 * told to fail.
 */
#include "ha_sim_int.h"

#include <errno.h>
#include <string.h>

static bool in_partition(const struct sim_node *a, const struct sim_node *b)
{
	if (!a->power || !b->power)
		return false;
	return a == b || (a->net && b->net);
}

void sim_topology_changed(struct ha_sim *sim)
{
	sim->view_pending = true;
	sim->view_at = sim->now + SIM_MEMBERSHIP_MS;
}

static void lock_update(struct ha_sim *sim)
{
	int holder = -1;

	for (size_t i = 0; i < sim->n_node; i++)
		if (sim->node[i].lock) {
			struct sim_node *n = &sim->node[i];

			if (n->power && n->crm && n->view.quorate)
				holder = (int)i;
			else
				n->lock = false;
		}
	for (size_t i = 0; holder < 0 && i < sim->n_node; i++) {
		struct sim_node *n = &sim->node[i];

		if (n->power && n->crm && n->view.quorate &&
		    n->view.member[i]) {
			holder = (int)i;
			n->lock = true;
			sim_log(sim, "lock ha/manager taken by %s", n->name);
		}
	}
	for (size_t i = 0; i < sim->n_node; i++)
		if (sim->node[i].crm)
			ha_crm_set_lock(sim->node[i].crm, sim->node[i].lock,
					sim->status, sim->now);
}

static void view_of(struct ha_sim *sim, size_t n, struct ha_view *v)
{
	size_t members = 0;

	memset(v, 0, sizeof(*v));
	v->n_nodes = sim->n_node;
	for (size_t i = 0; i < sim->n_node; i++) {
		strcpy(v->nodes[i], sim->node[i].name);
		v->member[i] = in_partition(&sim->node[n], &sim->node[i]);
		members += v->member[i];
	}
	v->quorate = sim->node[n].power && members * 2 > sim->n_node;
}

void sim_deliver_views(struct ha_sim *sim)
{
	char line[512];
	size_t len;

	if (!sim->view_pending || sim->now < sim->view_at)
		return;
	sim->view_pending = false;
	for (size_t i = 0; i < sim->n_node; i++) {
		struct sim_node *n = &sim->node[i];

		if (n->view.quorate && !n->lost_quorum_at)
			n->lost_quorum_at = sim->now;
		view_of(sim, i, &n->view);
		if (n->view.quorate || !n->power)
			n->lost_quorum_at = 0;
		if (!n->power)
			continue;
		len = 0;
		for (size_t j = 0; j < sim->n_node; j++)
			if (n->view.member[j])
				len += (size_t)snprintf(
				    line + len, sizeof(line) - len, " %s",
				    sim->node[j].name);
		sim_log(sim, "membership of %s:%s (%s)", n->name, line,
			n->view.quorate ? "quorate" : "not quorate");
		if (n->crm)
			ha_crm_set_view(n->crm, &n->view);
		if (n->lrm)
			ha_lrm_set_quorate(n->lrm, n->view.quorate);
	}
	lock_update(sim);
}

void sim_agent_start(struct ha_sim *sim, size_t n)
{
	struct sim_node *node = &sim->node[n];
	struct ha_crm_io cio = sim_crm_io;
	struct ha_lrm_io lio = sim_lrm_io;

	cio.userdata = lio.userdata = &node->ctx;
	node->crm = ha_crm_new(node->name, &cio);
	node->lrm =
	    ha_lrm_new(node->name, &lio, node->has_store ? &node->store : NULL);
	if (!node->crm || !node->lrm)
		abort();
	ha_crm_set_view(node->crm, &node->view);
	ha_lrm_set_quorate(node->lrm, node->view.quorate);
}

void sim_agent_stop(struct ha_sim *sim, size_t n)
{
	struct sim_node *node = &sim->node[n];

	ha_crm_free(node->crm);
	ha_lrm_free(node->lrm);
	node->crm = NULL;
	node->lrm = NULL;
	/* The lock goes with the agent's connection; a powered-off node's
	 * lock goes when the membership notices (sim_deliver_views). */
	if (node->lock && node->power) {
		node->lock = false;
		lock_update(sim);
	}
}

void sim_power_off(struct ha_sim *sim, size_t n, const char *why)
{
	struct sim_node *node = &sim->node[n];

	if (!node->power)
		return;
	sim_log(sim, "%s powered off (%s)", node->name, why);
	node->power = false;
	node->lock = false;
	node->wd_armed = false;
	node->n_ops = 0;
	node->down_requested = false;
	node->halt_at = 0;
	node->lost_quorum_at = 0;
	node->has_store = false; /* the node status store is not persisted */
	memset(node->running, 0, sizeof(node->running));
	memset(&node->view, 0, sizeof(node->view));
	sim_agent_stop(sim, n);
	sim_topology_changed(sim);
}

void sim_power_on(struct ha_sim *sim, size_t n)
{
	struct sim_node *node = &sim->node[n];

	if (node->power)
		return;
	sim_log(sim, "%s powered on", node->name);
	node->power = true;
	node->boot_at = 0;
	memset(&node->view, 0, sizeof(node->view));
	sim_agent_start(sim, n);
	sim_topology_changed(sim);
}

static int complete(struct ha_sim *sim, struct sim_node *node,
		    const struct sim_op *o)
{
	struct sim_svc *s = &sim->svc[o->svc];
	struct sim_node *to = &sim->node[o->target];

	switch (o->kind) {
	case SIM_OP_START:
		if (!node->running[o->svc] && s->fail_start) {
			s->fail_start--;
			return -EIO;
		}
		node->running[o->svc] = true;
		return 0;
	case SIM_OP_STOP:
		if (node->running[o->svc] && s->fail_stop) {
			s->fail_stop--;
			return -EIO;
		}
		node->running[o->svc] = false;
		return 0;
	default:
		if (!node->running[o->svc])
			return 0; /* nothing runs: only the config moves */
		if (s->fail_migrate) {
			s->fail_migrate--;
			return -EIO;
		}
		if (o->kind == SIM_OP_RELOCATE) {
			node->running[o->svc] = false;
			return 0;
		}
		if (!in_partition(node, to) || node == to)
			return -EHOSTUNREACH;
		node->running[o->svc] = false;
		to->running[o->svc] = true;
		return 0;
	}
}

void sim_ops_progress(struct ha_sim *sim)
{
	for (size_t i = 0; i < sim->n_node; i++) {
		struct sim_node *node = &sim->node[i];

		for (size_t k = 0; k < node->n_ops;) {
			struct sim_op o = node->ops[k];
			int rc;

			if (o.done_at > sim->now) {
				k++;
				continue;
			}
			node->ops[k] = node->ops[--node->n_ops];
			rc = complete(sim, node, &o);
			if (node->lrm)
				ha_lrm_op_done(node->lrm, o.op, rc);
		}
	}
}

void sim_fence_progress(struct ha_sim *sim)
{
	for (size_t i = 0; i < sim->n_node; i++) {
		struct sim_fence *f = &sim->fence[i];
		struct ha_fence_agent *a = NULL;
		struct sim_node *by;
		bool ok;

		if (!f->busy || f->done_at > sim->now)
			continue;
		f->busy = false;
		for (size_t k = 0; k < sim->cfg.n_fence; k++)
			if (strcmp(sim->cfg.fence[k].node, sim->node[i].name) ==
			    0)
				a = &sim->cfg.fence[k];
		ok = a && a->sim_fail == 0;
		if (a && a->sim_fail)
			a->sim_fail--;
		sim_log(sim, "fence agent for %s: %s", sim->node[i].name,
			ok ? "success" : "failure");
		if (ok)
			sim_power_off(sim, i, "fence agent");
		by = &sim->node[f->by];
		if (by->crm && by->lock)
			ha_crm_fence_result(by->crm, sim->node[i].name, ok);
	}
}

void sim_watchdogs(struct ha_sim *sim)
{
	for (size_t i = 0; i < sim->n_node; i++) {
		struct sim_node *n = &sim->node[i];

		if (n->power && n->halt_at && sim->now >= n->halt_at) {
			bool reboot = n->reboot;

			sim_power_off(sim, i, reboot ? "reboot" : "shutdown");
			if (reboot)
				n->boot_at = sim->now + SIM_BOOT_MS;
		}
		if (n->power && n->wd_armed && sim->now >= n->wd_deadline &&
		    !sim->broken_watchdogs)
			sim_power_off(sim, i, "watchdog expired: reset");
		if (!n->power && n->boot_at && sim->now >= n->boot_at)
			sim_power_on(sim, i);
	}
}
