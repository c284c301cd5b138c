/*
 * The cluster log ring (see clusterlog.h). Fixed-size array indexed by
 * sequence number modulo its size: adding is O(1) and never allocates, so
 * it is safe to call from any callback.
 */
#include "clusterlog.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

static struct clusterlog_event ring[CLUSTERLOG_SIZE];
static uint64_t next_seq = 1;

/* Previous view and quorum, to log only what changed. */
static uint32_t view_nodes[64];
static size_t view_count;
static int last_quorate = -1;

void clusterlog_add(const char *fmt, ...)
{
	struct clusterlog_event *ev = &ring[next_seq % CLUSTERLOG_SIZE];
	struct timeval tv;
	va_list ap;

	gettimeofday(&tv, NULL);
	ev->seq = next_seq++;
	ev->time_ms = tv.tv_sec * 1000LL + tv.tv_usec / 1000;
	va_start(ap, fmt);
	vsnprintf(ev->msg, sizeof(ev->msg), fmt, ap);
	va_end(ap);
}

int clusterlog_foreach(clusterlog_fn fn, void *userdata)
{
	uint64_t first =
	    next_seq > CLUSTERLOG_SIZE ? next_seq - CLUSTERLOG_SIZE : 1;

	for (uint64_t s = first; s < next_seq; s++) {
		int r = fn(&ring[s % CLUSTERLOG_SIZE], userdata);
		if (r < 0)
			return r;
	}
	return 0;
}

static bool has_node(const uint32_t *ids, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

void clusterlog_view(const struct replica_member *members, size_t count)
{
	uint32_t ids[ELEMENTSOF(view_nodes)];
	size_t n = 0;

	for (size_t i = 0; i < count && n < ELEMENTSOF(ids); i++)
		if (!has_node(ids, n, members[i].nodeid))
			ids[n++] = members[i].nodeid;
	for (size_t i = 0; i < n; i++)
		if (!has_node(view_nodes, view_count, ids[i]))
			clusterlog_add("node %u joined", ids[i]);
	for (size_t i = 0; i < view_count; i++)
		if (!has_node(ids, n, view_nodes[i]))
			clusterlog_add("node %u left", view_nodes[i]);
	memcpy(view_nodes, ids, n * sizeof(ids[0]));
	view_count = n;
}

void clusterlog_quorum(bool quorate)
{
	if (last_quorate == (int)quorate)
		return;
	if (last_quorate >= 0 || quorate)
		clusterlog_add(quorate ? "quorum gained" : "quorum lost");
	last_quorate = quorate;
}

void clusterlog_reset(void)
{
	memset(ring, 0, sizeof(ring));
	next_seq = 1;
	view_count = 0;
	last_quorate = -1;
}
