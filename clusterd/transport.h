/*
 * The group channel under the replica: corosync CPG on a cluster node, or
 * a loopback for a standalone node (no corosync.conf), which forms a view
 * of itself and delivers its own messages in order.
 *
 * Delivery callbacks run from the qb loop. After each batch of deliveries
 * the transport calls batch_done, where clusterd commits the store once
 * for the whole batch and answers the clients whose writes it held.
 */
#pragma once

#include "replica.h"

#include <qb/qbloop.h>
#include <stdbool.h>
#include <stdint.h>

struct transport_node {
	uint32_t nodeid;
	uint32_t votes;
	char name[64];
	char address[64];
};

struct transport_events {
	void (*view)(void *userdata, const struct replica_member *members,
		     size_t count);
	void (*deliver)(void *userdata, uint32_t nodeid, uint32_t pid,
			const void *buf, size_t len);
	void (*batch_done)(void *userdata);
	/* The nodelist or expected votes changed (corosync reload). */
	void (*config_changed)(void *userdata);
};

struct transport;

/* STANDALONE selects the loopback. Otherwise connect to corosync, join the
 * CPG group "clusterd" and retry every second while corosync is away. */
int transport_new(qb_loop_t *loop, bool standalone,
		  const struct transport_events *events, void *userdata,
		  struct transport **out);
void transport_free(struct transport *t);

int transport_send(struct transport *t, const void *buf, size_t len);

/* Leave the group and join again as a new member (from a loop job, so it
 * is safe to call while delivering). No-op for the loopback. */
void transport_rejoin(struct transport *t);

uint32_t transport_local_nodeid(const struct transport *t);
const char *transport_cluster_name(const struct transport *t);
/* The configured nodes (corosync nodelist), sorted by node ID. */
const struct transport_node *transport_nodes(const struct transport *t,
					     size_t *count);
uint32_t transport_expected_votes(const struct transport *t);
