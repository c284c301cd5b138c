/*
 * What the HA loop waits for (ha_watch.c): one clusterd connection
 * subscribed to membership and quorum events, tree events under "ha"
 * (configuration, manager_status, commands) and status store events of
 * the LRM reports (HA_REPORT_KEY), plus a "kick" any thread may give (a
 * finished operation, haagent stopping). The connection also holds the
 * ha/manager lock (a lock belongs to its connection): ha_watch_reset()
 * drops both.
 */
#pragma once

#include "cdcall.h"

#include <stdbool.h>

struct ha_watch;

int ha_watch_new(struct ha_watch **out);
void ha_watch_free(struct ha_watch *hw);

/* Wake ha_watch_wait() now; from any thread. */
void ha_watch_kick(struct ha_watch *hw);

/* Wait up to TIMEOUT_MS. True when something happened that asks for a
 * round: an event, a kick, the watch (re)established or lost. */
bool ha_watch_wait(struct ha_watch *hw, int timeout_ms);

/* The watch's connection, NULL while clusterd is away. */
struct ipc_client *ha_watch_client(struct ha_watch *hw);
/* Close the connection (releasing the lock); the next wait reopens it. */
void ha_watch_reset(struct ha_watch *hw);
