/*
 * Where each HA guest's configuration lives (nodes/N/qemu|lxc/ID.conf):
 * its node, for the CRM. A lookup lists "nodes" and every node's qemu and
 * lxc directories, 1 + 2 x nodes calls whatever the number of guests, and
 * is kept for as long as the tree version stays the one it was made at
 * (any change of the tree bumps the version; the daemon reads it with the
 * membership every round anyway), so an idle round costs no call at all.
 */
#pragma once

#include "cdcall.h"
#include "ha_types.h"

struct ha_locate {
	uint64_t version; /* of the tree the lookup was made at */
	bool valid;
	size_t n;
	struct {
		char sid[HA_NAME_MAX];
		char node[HA_NAME_MAX];
	} at[HA_MAX_SVCS];
};

/* Set the node of every resource of CFG whose configuration a node holds
 * (the others keep theirs from resources.cfg) at tree VERSION. 1: looked up, 0:
 * from LOC, -errno (LOC is then invalid). */
int ha_locate(struct ipc_client *c, struct ha_locate *loc, uint64_t version,
	      struct ha_config *cfg);
