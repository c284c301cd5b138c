/*
 * Sync deadline and audit timers (see watchdog.h).
 *
 * The sync deadline is about progress, not duration: shipping a large
 * snapshot may take long, but a whole period without a single sync message
 * (or a new view) while unsynced means a member stalls the view. Only the
 * lowest node ID of a view starts audits, so a view sees one audit per
 * period rather than one per member.
 *
 * The sync tick also retries a failed store commit (a full disk): commits
 * are otherwise only tried when a change arrives, and a quiet cluster
 * would leave this node's database behind until the next one.
 */
#include "watchdog.h"
#include "log.h"

#include <errno.h>
#include <stdlib.h>

struct watchdog {
	struct clusterd *cd;
	uint64_t sync_timeout_ms, audit_interval_ms;
	qb_loop_timer_handle sync_timer, audit_timer;
	uint64_t last_progress;
};

static void sync_tick(void *data)
{
	struct watchdog *w = data;
	struct replica *r = w->cd->replica;
	uint64_t progress = replica_sync_progress(r);
	size_t members;

	replica_members(r, &members);
	if (!replica_synced(r) && members > 0 && progress == w->last_progress)
		replica_sync_timeout(r);
	w->last_progress = progress;
	if (store_dirty(w->cd->store))
		store_commit(w->cd->store);
	qb_loop_timer_add(w->cd->loop, QB_LOOP_MED,
			  w->sync_timeout_ms * QB_TIME_NS_IN_MSEC, w, sync_tick,
			  &w->sync_timer);
}

static bool lowest_in_view(struct replica *r, uint32_t self)
{
	size_t n;
	const struct replica_member *m = replica_members(r, &n);

	for (size_t i = 0; i < n; i++)
		if (m[i].nodeid < self)
			return false;
	return n > 0;
}

static void audit_tick(void *data)
{
	struct watchdog *w = data;
	struct replica *r = w->cd->replica;

	if (replica_synced(r) &&
	    lowest_in_view(r, transport_local_nodeid(w->cd->transport)))
		replica_audit_start(r);
	qb_loop_timer_add(w->cd->loop, QB_LOOP_LOW,
			  w->audit_interval_ms * QB_TIME_NS_IN_MSEC, w,
			  audit_tick, &w->audit_timer);
}

int watchdog_start(struct clusterd *cd, uint64_t sync_timeout_ms,
		   uint64_t audit_interval_ms, struct watchdog **out)
{
	struct watchdog *w = calloc(1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	w->cd = cd;
	w->sync_timeout_ms = sync_timeout_ms;
	w->audit_interval_ms = audit_interval_ms;
	sync_tick(w);
	if (audit_interval_ms)
		qb_loop_timer_add(cd->loop, QB_LOOP_LOW,
				  audit_interval_ms * QB_TIME_NS_IN_MSEC, w,
				  audit_tick, &w->audit_timer);
	*out = w;
	return 0;
}

void watchdog_stop(struct watchdog *w)
{
	if (!w)
		return;
	qb_loop_timer_del(w->cd->loop, w->sync_timer);
	if (w->audit_interval_ms)
		qb_loop_timer_del(w->cd->loop, w->audit_timer);
	free(w);
}
