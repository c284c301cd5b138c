/*
 * What wakes the HA loop (ha_watch.c): one clusterd connection subscribed
 * to membership and quorum events, tree events under "ha" (configuration,
 * manager_status, commands) and status store events of the LRM reports
 * (HA_REPORT_KEY), plus a "kick" any thread may give (a finished
 * operation, haagent stopping), both sources of the HA thread's libqb
 * loop. The connection also holds the ha/manager lock (a lock belongs to
 * its connection): ha_watch_reset() drops both.
 */
#pragma once

#include "cdcall.h"

#include <qb/qbloop.h>
#include <stdbool.h>

struct ha_watch;

int ha_watch_new(struct ha_watch **out);
void ha_watch_free(struct ha_watch *hw);

/* Add the kick and the watch to LOOP: WAKE(USERDATA) runs in the loop
 * whenever something asks for a round (an event, a kick, the watch
 * established or lost). The watch is (re)opened by the loop. */
int ha_watch_attach(struct ha_watch *hw, qb_loop_t *loop, void (*wake)(void *),
		    void *userdata);

/* Remove it from its loop (before the loop is destroyed). */
void ha_watch_detach(struct ha_watch *hw);

/* Wake the loop now; from any thread. */
void ha_watch_kick(struct ha_watch *hw);

/* The watch's connection, NULL while clusterd is away. */
struct ipc_client *ha_watch_client(struct ha_watch *hw);
/* Close the connection (releasing the lock); the loop reopens it. */
void ha_watch_reset(struct ha_watch *hw);
