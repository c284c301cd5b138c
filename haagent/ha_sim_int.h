/*
 * The simulator's world, shared by its parts:
 *   ha_sim_scenario.c  scenario text -> world and steps
 *   ha_sim_world.c     membership, quorum, lock, watchdogs, backend, fencing
 *   ha_sim_step.c      the step commands (power, network, service, crm...)
 *   ha_sim.c           the clock, the agents on each node, invariant 6,
 *                      the final JSON
 */
#pragma once

#include "ha_crm.h"
#include "ha_lrm.h"
#include "ha_sim.h"
#include "ha_types.h"
#include "macro.h"

#define SIM_TICK_MS	  100
#define SIM_MEMBERSHIP_MS 3300 /* corosync token 1000 ms, 3 nodes */
#define SIM_START_MS	  200
#define SIM_STOP_MS	  200
#define SIM_MIGRATE_MS	  1000
#define SIM_FENCE_MS	  200
#define SIM_BOOT_MS	  10000 /* reboot: off for this long */
#define SIM_QUIET_MS	  30000 /* a step ends after this much silence */
#define SIM_STEP_MAX_MS	  3600000
#define SIM_MAX_STEPS	  256

enum sim_op_kind { SIM_OP_START, SIM_OP_STOP, SIM_OP_MIGRATE, SIM_OP_RELOCATE };

struct sim_op {
	enum sim_op_kind kind;
	size_t svc;
	size_t target;
	uint64_t op, done_at;
};

struct ha_sim;
/* The userdata of a node's CRM, LRM and backend callbacks. */
struct sim_ctx {
	struct ha_sim *sim;
	size_t n;
};

struct sim_node {
	char name[HA_NAME_MAX];
	struct sim_ctx ctx;
	bool power, net;
	struct ha_view view; /* as delivered to this node */
	struct ha_crm *crm;
	struct ha_lrm *lrm;
	bool lock;
	bool wd_armed;
	uint64_t wd_deadline;
	bool down_requested, reboot;
	uint64_t boot_at;	 /* power on at (reboot), 0: none */
	uint64_t halt_at;	 /* power off at (clean shutdown), 0: none */
	uint64_t lost_quorum_at; /* its view lost quorum then, 0: quorate */
	struct sim_op ops[HA_MAX_SVCS];
	size_t n_ops;
	bool running[HA_MAX_SVCS];
	struct ha_lrm_report store; /* its entry in the node status store */
	bool has_store;
};

struct sim_svc {
	char sid[HA_NAME_MAX];
	unsigned fail_start, fail_migrate, fail_stop;
};

struct sim_fence {
	bool busy;
	size_t node, by;
	uint64_t done_at;
};

struct ha_sim {
	struct sim_node node[HA_MAX_NODES];
	size_t n_node;
	struct sim_svc svc[HA_MAX_SVCS];
	size_t n_svc;
	struct ha_config cfg; /* the HA files of the tree */
	char *status;	      /* ha/manager_status in the tree */
	char *steps[SIM_MAX_STEPS];
	unsigned step_line[SIM_MAX_STEPS];
	size_t n_steps;
	struct sim_fence fence[HA_MAX_NODES];
	uint64_t now, last_event, view_at;
	bool view_pending;
	FILE *log, *err;
	bool broken;
	bool broken_watchdogs;		/* test hook: watchdogs never fire */
	uint64_t run_mask[HA_MAX_SVCS]; /* nodes running each guest */
};

_printf_(2, 3) void sim_log(struct ha_sim *sim, const char *fmt, ...);
int sim_node_index(const struct ha_sim *sim, const char *name);
int sim_svc_index(const struct ha_sim *sim, const char *sid);
int sim_svc_add(struct ha_sim *sim, const struct ha_resource *r);

/* ha_sim_world.c */
void sim_topology_changed(struct ha_sim *sim);
void sim_deliver_views(struct ha_sim *sim);
void sim_agent_start(struct ha_sim *sim, size_t n);
void sim_agent_stop(struct ha_sim *sim, size_t n);
void sim_power_off(struct ha_sim *sim, size_t n, const char *why);
void sim_power_on(struct ha_sim *sim, size_t n);
void sim_ops_progress(struct ha_sim *sim);
void sim_fence_progress(struct ha_sim *sim);
void sim_watchdogs(struct ha_sim *sim);
extern const struct ha_lrm_ops sim_backend_ops;
extern const struct ha_crm_io sim_crm_io;
extern const struct ha_lrm_io sim_lrm_io;

/* ha_sim_step.c: check a step's syntax at load time (REASON on error) and
 * run it. */
int sim_step_check(const struct ha_sim *sim, const char *step, char *reason,
		   size_t len);
void sim_step_run(struct ha_sim *sim, const char *step);
