/*
 * "clusterctl expected N": a temporary override of the expected votes.
 *
 * clusterd decides quorum for writes itself (replica.h), so the override
 * must reach clusterd as well as corosync's votequorum. The node asked
 * checks the request, sets votequorum's expected votes
 * (votequorum_setexpected) and multicasts an ExpectedOp on the replica's
 * stream; every member of the view applies it where it is delivered
 * (replica_override_expected), so all decide alike (invariant 2). The
 * override lasts until the next view change or configuration change,
 * whichever comes first, and does not survive a restart.
 *
 * The rule against two quorate partitions: the request is refused
 * (EBUSY) while any configured node outside the current view is reachable
 * over a knet link (corosync's stats map, stats.knet.nodeN.linkL.connected)
 * - that node could be part of another partition that would count itself
 * quorate too - unless forced. It is also refused (EINVAL) below the
 * votes of the current view, which would mean nothing.
 */
#pragma once

#include "clusterd.h"

struct expected;

int expected_new(struct clusterd *cd, struct expected **out);
void expected_free(struct expected *e);
