/*
 * The cluster resource manager (CRM): every HA decision, as a pure state
 * machine.
 *
 * The CRM runs on every node but decides only while its node holds the
 * ephemeral ha/manager lock and is quorate; a CRM that loses the lock
 * stops deciding at once. Inputs are events (the membership view, the
 * lock, the configuration, LRM reports, fence results, user commands, and
 * a round with the current time); outputs are the callbacks of struct
 * ha_crm_io (log lines, fence requests, the new manager_status to store at
 * ha/manager_status). It reads no clock and does no I/O, so the simulator
 * (ha_sim.c) and the real haagent run the same code.
 *
 * A round: node states (membership, shutdown, fencing), then the services
 * (configuration, commands, LRM results, placement), then publish.
 */
#pragma once

#include "ha_types.h"

struct ha_crm_io {
	void *userdata;
	void (*log)(void *userdata, const char *line);
	/* Run AGENT against its node; answer with ha_crm_fence_result(). */
	void (*fence)(void *userdata, const struct ha_fence_agent *agent);
	/* Store the new manager_status (JSON) at ha/manager_status. */
	void (*publish)(void *userdata, const char *status_json);
};

/* The membership as this node sees it: every cluster node, which of them
 * are in this node's partition, and whether that partition is quorate. */
struct ha_view {
	char nodes[HA_MAX_NODES][HA_NAME_MAX];
	bool member[HA_MAX_NODES];
	size_t n_nodes;
	bool quorate;
};

struct ha_crm;

struct ha_crm *ha_crm_new(const char *self, const struct ha_crm_io *io);
void ha_crm_free(struct ha_crm *crm);

void ha_crm_set_config(struct ha_crm *crm, const struct ha_config *cfg);
void ha_crm_set_view(struct ha_crm *crm, const struct ha_view *view);
/* The lock was taken (STATUS_JSON: the stored manager_status, or NULL) or
 * lost. */
void ha_crm_set_lock(struct ha_crm *crm, bool held, const char *status_json,
		     uint64_t now_ms);
void ha_crm_lrm_report(struct ha_crm *crm, const struct ha_lrm_report *rep);
/* NODE's LRM report is gone: its status entries left with it when it left
 * the membership. The CRM forgets the report once it handled the
 * departure (a clean shutdown told from a loss), so that a stale report
 * never stands for a running LRM when the node returns. REMOVED: NODE
 * left the cluster for good (not in the nodelist any more); its entry in
 * manager_status goes too, once nothing of it is left to fence or
 * recover. Ignored while NODE is a member. */
void ha_crm_forget(struct ha_crm *crm, const char *node, bool removed);
void ha_crm_fence_result(struct ha_crm *crm, const char *node, bool ok);
/* A user command: "migrate SID NODE", "relocate SID NODE",
 * "stop SID SECONDS", "maintenance enable|disable NODE". -EINVAL (logged)
 * when it is malformed; refused commands are logged too. */
int ha_crm_command(struct ha_crm *crm, const char *line);
/* One round at NOW_MS. Does nothing unless active. */
void ha_crm_round(struct ha_crm *crm, uint64_t now_ms);

bool ha_crm_active(const struct ha_crm *crm);
const struct ha_status *ha_crm_status(const struct ha_crm *crm);
/* Explain where SID would be placed now ("why is vm:101 on n2"). */
int ha_crm_explain(const struct ha_crm *crm, const char *sid, char *buf,
		   size_t len);
