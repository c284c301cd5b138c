/*
 * Placement: which node a service should run on, and why.
 *
 * The rule, in order (docs/ha.md, "Placement"):
 *   1. candidates are the nodes the CRM sees online (not in maintenance,
 *      not shutting down, not lost); EXCLUDE is never a candidate;
 *   2. node affinity: a strict rule allows only its nodes; a non-strict
 *      rule prefers them (other nodes get priority -1);
 *   3. resource affinity: keep-together narrows the candidates to the
 *      nodes of the rule's other active services, keep-apart removes them;
 *   4. of the rest, the highest priority;
 *   5. then the fewest HA services placed there, then the node name.
 * The explanation lists each step's survivors, so "why is vm:101 on n2"
 * has an answer in the log.
 */
#pragma once

#include "ha_types.h"

/* 0 and the node in OUT, or -ENOENT when no node qualifies. WHY (if not
 * NULL) receives the explanation either way. */
int ha_place(const struct ha_config *cfg, const struct ha_status *st,
	     const char *sid, const char *exclude, char out[HA_NAME_MAX],
	     char *why, size_t why_len);

/* Priority of NODE for SID under its node-affinity rule: the listed
 * priority, -1 for an unlisted node of a non-strict rule, INT_MIN when a
 * strict rule forbids it. *HAS_RULE says whether a rule applies. */
int ha_node_prio(const struct ha_config *cfg, const char *sid, const char *node,
		 bool *has_rule);

/* The services placed on NODE (started, migrating, ...), SKIP not counted. */
unsigned ha_node_load(const struct ha_status *st, const char *node,
		      const char *skip);

/* The node a service occupies: its migration target while it moves. */
const char *ha_svc_where(const struct ha_svc_status *s);
