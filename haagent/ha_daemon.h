/*
 * The HA daemon: the CRM and the LRM of the decision core (ha_crm.h,
 * ha_lrm.h) driven by the real cluster. A thread of haagent, beside the
 * agent thread (agent.c), see ha_daemon.c.
 */
#pragma once

#include "ha_watchdog.h"

#include <stdint.h>

struct ha_daemon_config {
	enum ha_watchdog_kind watchdog;
	const char *watchdog_path; /* device (linux) or deadline file (test) */
	const char *fence_dir;	   /* where fence agents are looked for */
	uint64_t fence_timeout_ms;
};

struct ha_daemon;

int ha_daemon_start(const struct ha_daemon_config *cfg, struct ha_daemon **out);
/* haagent is stopped (the node shuts down or reboots): follow
 * shutdown_policy of ha/settings.cfg until nothing HA runs here any more
 * or TIMEOUT_MS passed. */
void ha_daemon_shutdown(struct ha_daemon *d, uint64_t timeout_ms);
void ha_daemon_stop(struct ha_daemon *d);
