/*
 * A simulated CPG group for unit tests of the replica and its extensions.
 *
 * Nodes have real trees and replicas. Each partition has one message queue
 * delivered in order to every member of the partition; queues drain before
 * every view change (virtual synchrony, as CPG gives it). A node can be
 * muted: it keeps receiving but its sends are lost, as if it stalled.
 */
#pragma once

#include "replica.h"
#include "tree.h"

#include <stdbool.h>
#include <stddef.h>

#define SIM_MAX_NODES 5

struct sim_node {
	struct tree *tree;
	struct replica *replica;
	int partition;
	bool muted;
	unsigned rejoins; /* times ops.rejoin was called */
	int last_err;	  /* last write_done of this node */
	uint64_t last_done_id;
	unsigned done_count;
};

struct sim {
	int n;
	struct sim_node nodes[SIM_MAX_NODES];
	unsigned long sent;
	/* Called after every delivery to every node (invariant checks). */
	void (*after_delivery)(struct sim *s);
};

extern struct sim *S;

/* Hooks for tests of replica extensions (locks, node status). Set them
 * with sim_set_hooks() before sim_start(); they stay until changed. */
struct sim_hooks {
	/* Node I's replica exists, before its first view: add extensions. */
	void (*node_init)(int i);
	/* Before node I's replica is freed. */
	void (*node_free)(int i);
	/* Node I's replica reported a change of quorum or sync. */
	void (*state_changed)(int i);
	/* Node I was just given a view or a message. */
	void (*delivered)(int i);
};
/* NULL: no hooks. */
void sim_set_hooks(const struct sim_hooks *hooks);

/* N nodes in one partition, one vote each, synced. */
void sim_start(int n);
void sim_stop(void);
/* Deliver everything queued (and what deliveries send in turn). */
void sim_drain(void);
/* Drain, then give every node the view of its partition, then drain. */
void sim_views(void);
/* Put PATH=VALUE through node I: the submission error or the decision. */
int sim_put(int i, const char *path, const char *value);
/* Multicast raw bytes as node I (even when I is muted). */
void sim_send_raw(int i, const void *buf, size_t len);
bool sim_has(int i, const char *path);
