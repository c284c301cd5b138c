/*
 * The deterministic HA simulator: the CRM and LRM code of haagent run
 * unchanged against simulated nodes, time, membership and quorum,
 * watchdogs, the ha/manager lock, fence agents and a guest backend with
 * fault injection. A scenario (docs/ha.md, "Scenarios") lists nodes,
 * settings, services, rules, fence agents and steps; the simulator prints
 * a timestamped event log and checks invariants 6 (a guest never runs on
 * two nodes at once) and 7 (a node without quorum runs no HA guest past its
 * self-fence deadline) at every simulated instant.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

struct ha_sim;

/* Parse scenario TEXT (named FILE in messages). Errors go to ERR as
 * "FILE:LINE: reason"; returns 0 or -EINVAL (nothing allocated). */
int ha_sim_load(const char *text, const char *file, FILE *err,
		struct ha_sim **out);
void ha_sim_free(struct ha_sim *sim);

/* Run every step and then until nothing changes; the event log goes to
 * LOG (may be NULL). 0, or -EPROTO when an invariant broke (the message
 * is in the log and on ERR). */
int ha_sim_run(struct ha_sim *sim, FILE *log, FILE *err);

/* Load TEXT (named FILE), run it, print the log to OUT, or with JSON the
 * final state instead. 0, -EINVAL (errors in TEXT, on ERR), -EPROTO (an
 * invariant broke), -ENOMEM. Used by "clusterctl ha simulate" and
 * "haagent --simulate". */
int ha_sim_text(const char *text, const char *file, bool json, FILE *out,
		FILE *err);

/* The final state as JSON text (free() it):
 * {"services": {SID: {"state", "node"}}, "running": {SID: [NODE...]},
 *  "nodes": {NODE: {"power": "on|off", "state"}}} */
char *ha_sim_result_json(const struct ha_sim *sim);
