/*
 * Fence agents (ClusterLabs fence-agents protocol): the CRM's fence
 * requests run the node's agent from ha/fence.cfg as a child process, with
 * "action=off" and the configured key=value pairs, one per line, on its
 * standard input. Exit status 0 confirms the node is off; anything else,
 * or no answer within the timeout (the agent is killed), is a failure the
 * CRM retries. One agent per node at a time.
 */
#pragma once

#include "ha_types.h"

#include <stdbool.h>
#include <stdint.h>

struct ha_fence;

/* DIR: where agents without a '/' are looked for; TIMEOUT_MS per run. */
int ha_fence_new(const char *dir, uint64_t timeout_ms, struct ha_fence **out);
void ha_fence_free(struct ha_fence *f);

/* Start AGENT (at NOW_MS). -errno when it cannot be started (a failure). */
int ha_fence_run(struct ha_fence *f, const struct ha_fence_agent *agent,
		 uint64_t now_ms);
/* Agents are running: the loop polls for them often. */
bool ha_fence_busy(const struct ha_fence *f);
/* Collect finished (or timed-out) agents: DONE(USERDATA, NODE, OK). */
void ha_fence_poll(struct ha_fence *f, uint64_t now_ms,
		   void (*done)(void *, const char *, bool), void *userdata);
