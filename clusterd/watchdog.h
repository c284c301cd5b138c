/*
 * Timers that keep the replica moving and honest: the sync deadline and
 * the periodic divergence audit. Both only propose (multicast a message);
 * what happens is decided where the message is delivered.
 */
#pragma once

#include "clusterd.h"

struct watchdog;

/* AUDIT_INTERVAL_MS 0 disables the audit. */
int watchdog_start(struct clusterd *cd, uint64_t sync_timeout_ms,
		   uint64_t audit_interval_ms, struct watchdog **out);
void watchdog_stop(struct watchdog *w);
