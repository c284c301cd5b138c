/*
 * An LRM's report (struct ha_lrm_report) as JSON, the value of the "ha/lrm"
 * entry of its node in clusterd's node status store:
 *
 *   {"node": "n1", "mode": "active", "reboot": false,
 *    "results": [{"sid": "vm:101", "req": 7, "rc": 0}]}
 *
 * mode is active, shutdown or done (enum ha_lrm_mode).
 */
#pragma once

#include "ha_types.h"

/* A newly allocated JSON text, or NULL on allocation failure. */
char *ha_report_to_json(const struct ha_lrm_report *rep);
/* 0, or -EINVAL when TEXT is not a report. */
int ha_report_from_json(const char *text, struct ha_lrm_report *rep);
