/*
 * manager_status as JSON (json-c): what survives a CRM failover.
 *
 *   {"next_req": N,
 *    "services": {"vm:101": {"state": "started", "node": "n1",
 *                 "target": "", "maint_node": "", "req": 7,
 *                 "restarts": 0, "relocates": 0, "stop_timeout": 60000}},
 *    "nodes": {"n1": {"state": "online", "maint": false,
 *              "maint_auto": false, "fence_tries": 0}}}
 *
 * Times of the writer's clock are not stored: a new CRM restarts any
 * fencing wait from its own first observation, which only makes the wait
 * longer (docs/ha.md, "CRM failover").
 */
#pragma once

#include "ha_types.h"

/* A newly allocated JSON text, or NULL on allocation failure. */
char *ha_status_to_json(const struct ha_status *st);
/* Parse TEXT into ST. 0, or -EINVAL when it is not a manager_status. */
int ha_status_from_json(const char *text, struct ha_status *st);
