/*
 * Node requests relayed to the agent of another node (see relay.c).
 * Create after the replica and the IPC server, before the loop runs; free
 * after the IPC server.
 */
#pragma once

#include "clusterd.h"

struct relay;

int relay_new(struct clusterd *cd, struct relay **out);
void relay_free(struct relay *rl);
