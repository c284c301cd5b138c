/*
 * The agent's link to its local clusterd: a thread that registers as the
 * node's agent, takes the guest operations clusterd relays to this node
 * (AgentTask events), runs each with the LRM and answers it. It
 * reconnects whenever clusterd goes away, so haagent may start first.
 */
#pragma once

#include "lrm.h"

struct agent;

int agent_start(struct lrm *lrm, struct agent **out);
/* Stop the thread (after the operation in progress) and free. */
void agent_stop(struct agent *a);
