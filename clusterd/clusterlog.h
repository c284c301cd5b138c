/*
 * The cluster log: an in-memory ring of recent cluster events (membership
 * changes, quorum gained or lost, configuration changes), shown as
 * /etc/cluster/.clusterlog. Any component may add a line.
 *
 * It is this node's own view, not replicated: every node records what it
 * saw, and the ring forgets the oldest events past CLUSTERLOG_SIZE. It is
 * a process-wide ring (like the log), so callers need no context.
 */
#pragma once

#include "macro.h"
#include "replica.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CLUSTERLOG_SIZE	   256
#define CLUSTERLOG_MSG_MAX 240

struct clusterlog_event {
	uint64_t seq;	 /* 1, 2, ... in this daemon's life */
	int64_t time_ms; /* wall clock */
	char msg[CLUSTERLOG_MSG_MAX];
};

void clusterlog_add(const char *fmt, ...) _printf_(1, 2);

/* Oldest first. A negative return from FN stops and is returned. */
typedef int (*clusterlog_fn)(const struct clusterlog_event *ev, void *userdata);
int clusterlog_foreach(clusterlog_fn fn, void *userdata);

/* Record what changed since the previous call: nodes that joined or left
 * the view, quorum gained or lost. */
void clusterlog_view(const struct replica_member *members, size_t count);
void clusterlog_quorum(bool quorate);

/* Forget everything (tests). */
void clusterlog_reset(void);
