/*
 * The local resource manager (LRM): carries out the CRM's decisions on
 * one node, as a pure state machine.
 *
 * It reads manager_status (published by the CRM in the tree), executes
 * each request addressed to its node once, through struct ha_lrm_ops (the
 * guest backends: start, stop, migrate, running), and publishes its report
 * (mode and the result per request id) in the node status store. A report
 * given back to ha_lrm_new() after an agent restart keeps a finished
 * request from running twice.
 *
 * Watchdog: armed while the LRM holds active services or runs a guest,
 * petted only while its node is in the quorate partition. An LRM that
 * loses quorum stops petting and executes nothing, so its node is reset
 * at its deadline unless quorum comes back first (invariant 7).
 */
#pragma once

#include "ha_types.h"

enum ha_watchdog_action {
	HA_WATCHDOG_ARM,
	HA_WATCHDOG_PET,
	HA_WATCHDOG_DISARM,
};

/* The guest backend as the LRM uses it. Operations are asynchronous:
 * they return 0 once started and the result comes through
 * ha_lrm_op_done(OP, rc), or they return -errno. Each must be idempotent
 * (start of a running guest succeeds), because a request interrupted by
 * an agent restart runs again. */
struct ha_lrm_ops {
	int (*start)(void *userdata, const char *sid, uint64_t op);
	int (*stop)(void *userdata, const char *sid, uint64_t timeout_ms,
		    uint64_t op);
	/* LIVE: keep the guest running (VMs); else stop, move, no start. */
	int (*migrate)(void *userdata, const char *sid, const char *target,
		       bool live, uint64_t op);
	bool (*running)(void *userdata, const char *sid);
};

struct ha_lrm_io {
	void *userdata;
	void (*log)(void *userdata, const char *line);
	void (*watchdog)(void *userdata, enum ha_watchdog_action a);
	void (*publish)(void *userdata, const struct ha_lrm_report *rep);
	/* Everything is stopped after a shutdown request: power off now. */
	void (*shutdown_done)(void *userdata);
	const struct ha_lrm_ops *ops;
};

struct ha_lrm;

/* PREV: this node's report from the status store, or NULL. */
struct ha_lrm *ha_lrm_new(const char *self, const struct ha_lrm_io *io,
			  const struct ha_lrm_report *prev);
void ha_lrm_free(struct ha_lrm *lrm);

void ha_lrm_set_quorate(struct ha_lrm *lrm, bool quorate);
/* The manager_status JSON read from the tree (NULL: none yet). */
void ha_lrm_set_status(struct ha_lrm *lrm, const char *status_json);
void ha_lrm_op_done(struct ha_lrm *lrm, uint64_t op, int rc);
/* The node shuts down (REBOOT: and comes back) under POLICY. */
void ha_lrm_shutdown(struct ha_lrm *lrm, bool reboot,
		     enum ha_shutdown_policy policy);
void ha_lrm_tick(struct ha_lrm *lrm, uint64_t now_ms);

const struct ha_lrm_report *ha_lrm_report(const struct ha_lrm *lrm);
bool ha_lrm_armed(const struct ha_lrm *lrm);
