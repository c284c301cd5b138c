/*
 * Sync after a view change (ARCHITECTURE.md invariant 4).
 *
 *   1. Every member multicasts SyncState (version, checksum, horizon).
 *   2. Once all are delivered, every member computes the same source: the
 *      highest version, lowest node ID on a tie. If all states are equal
 *      the view is synced at once. Otherwise the source multicasts
 *      SyncData: entries and tombstones newer than the lowest version
 *      behind it, or the whole tree (snapshot) when that version is below
 *      its tombstone horizon or a member diverged (same version, other
 *      checksum). Members behind install what they miss.
 *   3. After the last SyncData every member multicasts SyncCheck; the view
 *      is synced when all agree. Disagreement is logged loudly and
 *      repaired by a snapshot round; a second failure leaves the view
 *      refusing writes rather than serving diverged trees.
 *
 * Every step is triggered by a delivery, so all members walk the same
 * steps at the same stream positions. A new view restarts from step 1.
 */
#include "replica_internal.h"
#include "array.h"
#include "log.h"

#include <errno.h>
#include <string.h>

#define SYNC_CHUNK_BYTES (256 * 1024)
#define SYNC_MAX_REPAIRS 2

static void send_state(struct replica *r)
{
	Clusterd__CpgMessage msg = CLUSTERD__CPG_MESSAGE__INIT;
	Clusterd__SyncState st = CLUSTERD__SYNC_STATE__INIT;
	int err;

	st.tree_version = tree_version(r->tree);
	st.checksum = tree_checksum(r->tree);
	st.tombstone_horizon = tree_tombstone_horizon(r->tree);
	st.view_id = r->view_seq;
	REPLICA_EXT_CALL(r, fill_sync_state, &st);
	msg.body_case = CLUSTERD__CPG_MESSAGE__BODY_SYNC_STATE;
	msg.sync_state = &st;
	err = replica_send(r, &msg);
	if (err < 0)
		log_error_errno(
		    err, "Cannot send the sync state; the view "
			 "stays unsynced until the next membership change");
}

static void send_check(struct replica *r)
{
	Clusterd__CpgMessage msg = CLUSTERD__CPG_MESSAGE__INIT;
	Clusterd__SyncCheck ck = CLUSTERD__SYNC_CHECK__INIT;
	int err;

	ck.view_id = r->view_seq;
	ck.tree_version = tree_version(r->tree);
	ck.checksum = tree_checksum(r->tree);
	msg.body_case = CLUSTERD__CPG_MESSAGE__BODY_SYNC_CHECK;
	msg.sync_check = &ck;
	err = replica_send(r, &msg);
	if (err < 0)
		log_error_errno(err, "Cannot send the sync check");
}

static void set_synced(struct replica *r, bool synced, enum sync_phase phase)
{
	bool was = r->synced;

	r->phase = phase;
	r->synced = synced;
	if (synced && !was) {
		r->stats.syncs_completed++;
		log_info("Synced at tree version %llu",
			 (unsigned long long)tree_version(r->tree));
	}
	if (was != synced)
		replica_notify(r);
}

void replica_sync_start(struct replica *r)
{
	struct sync_peer *peers =
	    calloc(r->member_count ? r->member_count : 1, sizeof(*peers));

	free(r->peers);
	r->peers = peers;
	r->repair_rounds = 0;
	r->audit_active = false;
	replica_stage_reset(r);
	r->stage_failed = false;
	r->snapshot_round = false;
	set_synced(r, false, SYNC_STATES);
	if (!peers) {
		log_error("Out of memory starting sync");
		r->phase = SYNC_FAILED;
		return;
	}
	for (size_t i = 0; i < r->member_count; i++)
		peers[i].member = r->members[i];
	send_state(r);
}

static struct sync_peer *find_peer(struct replica *r,
				   const struct replica_member *m)
{
	for (size_t i = 0; i < r->member_count; i++)
		if (r->peers[i].member.nodeid == m->nodeid &&
		    r->peers[i].member.pid == m->pid)
			return &r->peers[i];
	return NULL;
}

static bool same_member(const struct replica_member *a,
			const struct replica_member *b)
{
	return a->nodeid == b->nodeid && a->pid == b->pid;
}

static size_t holders(const struct replica *r, const struct sync_peer *p)
{
	size_t n = 0;

	for (size_t i = 0; i < r->member_count; i++)
		n += !r->peers[i].excluded &&
		     r->peers[i].version == p->version &&
		     r->peers[i].checksum == p->checksum;
	return n;
}

/* Highest version wins. Among members at that version, the checksum most
 * of them hold wins (so one diverged member cannot impose its tree), then
 * the lowest node ID. */
static const struct sync_peer *choose_source(const struct replica *r)
{
	const struct sync_peer *best = NULL;
	size_t best_holders = 0;

	for (size_t i = 0; i < r->member_count; i++) {
		const struct sync_peer *p = &r->peers[i];
		size_t n;

		if (p->excluded)
			continue;
		n = holders(r, p);
		if (!best || p->version > best->version ||
		    (p->version == best->version &&
		     (n > best_holders ||
		      (n == best_holders &&
		       p->member.nodeid < best->member.nodeid)))) {
			best = p;
			best_holders = n;
		}
	}
	return best;
}

/* The version the source must ship from, or UINT64_MAX for a snapshot. */
static uint64_t diff_base(const struct replica *r, const struct sync_peer *src)
{
	uint64_t from = src->version;

	for (size_t i = 0; i < r->member_count; i++) {
		const struct sync_peer *p = &r->peers[i];

		if (p->excluded)
			continue;
		if (p->version == src->version && p->checksum != src->checksum)
			return UINT64_MAX; /* diverged at the same version */
		if (p->version < from)
			from = p->version;
	}
	if (r->snapshot_round || from < src->horizon)
		return UINT64_MAX;
	return from;
}

struct shipper {
	struct replica *r;
	Clusterd__SyncData data;
	Clusterd__TreeEntry *entries;
	Clusterd__Tombstone *tombstones;
	size_t n_entries, n_tombstones, cap_entries, cap_tombstones;
	size_t bytes;
	int err;
};

static int ship_flush(struct shipper *s, bool last)
{
	Clusterd__CpgMessage msg = CLUSTERD__CPG_MESSAGE__INIT;
	Clusterd__TreeEntry *ep[s->n_entries ? s->n_entries : 1];
	Clusterd__Tombstone *tp[s->n_tombstones ? s->n_tombstones : 1];
	int err;

	for (size_t i = 0; i < s->n_entries; i++)
		ep[i] = &s->entries[i];
	for (size_t i = 0; i < s->n_tombstones; i++)
		tp[i] = &s->tombstones[i];
	s->data.entries = ep;
	s->data.n_entries = s->n_entries;
	s->data.tombstones = tp;
	s->data.n_tombstones = s->n_tombstones;
	s->data.last = last;
	msg.body_case = CLUSTERD__CPG_MESSAGE__BODY_SYNC_DATA;
	msg.sync_data = &s->data;
	err = replica_send(s->r, &msg);
	s->n_entries = s->n_tombstones = 0;
	s->bytes = 0;
	return err;
}

static int ship_tombstone(const char *path, uint64_t version, void *userdata)
{
	struct shipper *s = userdata;
	Clusterd__Tombstone *t;

	if (ARRAY_RESERVE(s->tombstones, s->cap_tombstones, s->n_tombstones,
			  64) < 0)
		return -ENOMEM;
	t = &s->tombstones[s->n_tombstones++];
	clusterd__tombstone__init(t);
	t->path = (char *)path;
	t->version = version;
	s->bytes += strlen(path) + 16;
	return s->bytes >= SYNC_CHUNK_BYTES ? ship_flush(s, false) : 0;
}

static int ship_entry(const struct tree_entry *e, void *userdata)
{
	struct shipper *s = userdata;
	Clusterd__TreeEntry *t;

	if (ARRAY_RESERVE(s->entries, s->cap_entries, s->n_entries, 64) < 0)
		return -ENOMEM;
	t = &s->entries[s->n_entries++];
	clusterd__tree_entry__init(t);
	t->path = (char *)e->path;
	t->type = e->type == TREE_DIR ? CLUSTERD__ENTRY_TYPE__ENTRY_DIR
				      : CLUSTERD__ENTRY_TYPE__ENTRY_FILE;
	t->data.data = (uint8_t *)e->data;
	t->data.len = e->size;
	t->version = e->version;
	t->writer = e->writer;
	t->mtime_ms = e->mtime_ms;
	s->bytes += strlen(e->path) + e->size + 32;
	return s->bytes >= SYNC_CHUNK_BYTES ? ship_flush(s, false) : 0;
}

/* Runs on the source only. Tombstones go first so that stale entries are
 * gone before new ones are installed. */
static void ship(struct replica *r, uint64_t from)
{
	struct shipper s = {.r = r};
	bool snapshot = from == UINT64_MAX;
	int err;

	clusterd__sync_data__init(&s.data);
	s.data.view_id = r->view_seq;
	s.data.from_version = snapshot ? 0 : from;
	s.data.to_version = tree_version(r->tree);
	s.data.snapshot = snapshot;
	log_info("Shipping %s from version %llu to %llu",
		 snapshot ? "a snapshot" : "a diff",
		 (unsigned long long)s.data.from_version,
		 (unsigned long long)s.data.to_version);
	err = snapshot ? 0
		       : tree_foreach_tombstone_since(r->tree, from,
						      ship_tombstone, &s);
	if (err >= 0)
		err = tree_foreach_since(r->tree, snapshot ? 0 : from,
					 ship_entry, &s);
	if (err >= 0)
		err = ship_flush(&s, true);
	if (err < 0)
		log_error_errno(err,
				"Sync shipping failed; members wait for the "
				"next membership change");
	free(s.entries);
	free(s.tombstones);
}

static bool all_have(const struct replica *r, bool check)
{
	for (size_t i = 0; i < r->member_count; i++)
		if (!r->peers[i].excluded &&
		    !(check ? r->peers[i].have_check : r->peers[i].have_state))
			return false;
	return true;
}

static void states_complete(struct replica *r)
{
	const struct sync_peer *src = choose_source(r);
	const struct sync_peer *me = find_peer(r, &r->self);
	uint64_t from = diff_base(r, src);

	replica_stage_reset(r);
	r->stage_failed = false;
	r->source = src->member;
	r->target_version = src->version;
	r->base_version = tree_version(r->tree);
	/* UINT64_MAX is also diff_base()'s "snapshot": a source at that
	 * version must not pass for "everyone equal". */
	if (from == src->version && from != UINT64_MAX) {
		set_synced(r, true, SYNC_DONE); /* everyone already equal */
		return;
	}
	/* Every member computes the same plan; only those missing something
	 * install the data. */
	r->receiving = !same_member(&src->member, &r->self) && me &&
		       (r->snapshot_round || me->version != src->version ||
			me->checksum != src->checksum);
	r->phase = SYNC_DATA;
	if (same_member(&src->member, &r->self))
		ship(r, from);
}

static void on_state(struct replica *r, struct sync_peer *p,
		     const Clusterd__SyncState *st)
{
	if (r->phase != SYNC_STATES || p->have_state || p->excluded)
		return;
	p->have_state = true;
	p->version = st->tree_version;
	p->checksum = st->checksum;
	p->horizon = st->tombstone_horizon;
	REPLICA_EXT_CALL(r, sync_state, &p->member, st);
	if (all_have(r, false)) {
		REPLICA_EXT_CALL(r, sync_states_complete);
		states_complete(r);
	}
}

static void on_data(struct replica *r, const struct replica_member *from,
		    const Clusterd__SyncData *d)
{
	const struct sync_peer *src;
	int err;

	if (r->phase != SYNC_DATA || !same_member(from, &r->source))
		return;
	if (r->receiving && replica_stage_add(r, d) < 0)
		r->stage_failed = true;
	if (!d->last)
		return;
	src = find_peer(r, &r->source);
	if (r->receiving) {
		err = r->stage_failed ? -ENOMEM
				      : replica_stage_commit(r, src->version,
							     src->checksum);
		if (err < 0)
			log_error_errno(err,
					"Sync data from node %u does not "
					"give the tree it announced (version "
					"%llu); not installed",
					src->member.nodeid,
					(unsigned long long)src->version);
	}
	replica_stage_reset(r);
	r->stage_failed = false;
	r->phase = SYNC_CHECKS;
	send_check(r);
}

static void checks_complete(struct replica *r)
{
	const struct sync_peer *src = find_peer(r, &r->source);
	bool agree = true;

	for (size_t i = 0; i < r->member_count; i++)
		agree &= r->peers[i].excluded ||
			 (r->peers[i].version == src->version &&
			  r->peers[i].checksum == src->checksum);
	if (agree) {
		set_synced(r, true, SYNC_DONE);
		return;
	}
	r->stats.sync_repairs++;
	for (size_t i = 0; i < r->member_count; i++)
		if (!r->peers[i].excluded &&
		    r->peers[i].checksum != src->checksum)
			log_error(
			    "DIVERGENCE: node %u has tree version %llu "
			    "checksum %016llx, source node %u has %llu %016llx",
			    r->peers[i].member.nodeid,
			    (unsigned long long)r->peers[i].version,
			    (unsigned long long)r->peers[i].checksum,
			    src->member.nodeid,
			    (unsigned long long)src->version,
			    (unsigned long long)src->checksum);
	if (++r->repair_rounds > SYNC_MAX_REPAIRS) {
		log_error("Trees still differ after %d snapshot repairs: "
			  "refusing writes until the next membership change",
			  SYNC_MAX_REPAIRS);
		set_synced(r, false, SYNC_FAILED);
		return;
	}
	r->snapshot_round = true;
	for (size_t i = 0; i < r->member_count; i++)
		r->peers[i].have_check = false;
	states_complete(r);
}

static void on_check(struct replica *r, struct sync_peer *p,
		     const Clusterd__SyncCheck *ck)
{
	if (r->phase != SYNC_CHECKS || p->have_check || p->excluded)
		return;
	p->have_check = true;
	/* From here on the peer is known by its post-sync tree. */
	p->version = ck->tree_version;
	p->checksum = ck->checksum;
	if (all_have(r, true))
		checks_complete(r);
}

uint64_t replica_sync_progress(const struct replica *r)
{
	return r->sync_progress;
}

bool replica_excluded(const struct replica *r, const struct replica_member *m)
{
	for (size_t i = 0; r->peers && i < r->member_count; i++)
		if (same_member(&r->peers[i].member, m))
			return r->peers[i].excluded;
	return false;
}

void replica_sync_timeout(struct replica *r)
{
	Clusterd__CpgMessage msg = CLUSTERD__CPG_MESSAGE__INIT;
	Clusterd__SyncTimeout t = CLUSTERD__SYNC_TIMEOUT__INIT;

	if (r->synced || r->phase == SYNC_FAILED || !r->peers)
		return;
	log_warning("Sync of view %llu made no progress: proposing to exclude "
		    "the members that stall it",
		    (unsigned long long)r->view_seq);
	t.view_id = r->view_seq;
	msg.body_case = CLUSTERD__CPG_MESSAGE__BODY_SYNC_TIMEOUT;
	msg.sync_timeout = &t;
	replica_send(r, &msg);
}

/* Exclude the peers the current step still waits for. */
static void exclude_stalled(struct replica *r)
{
	for (size_t i = 0; i < r->member_count; i++) {
		struct sync_peer *p = &r->peers[i];
		bool stalled = r->phase == SYNC_STATES ? !p->have_state
			       : r->phase == SYNC_CHECKS
				   ? !p->have_check
				   : same_member(&p->member, &r->source);

		if (p->excluded || !stalled)
			continue;
		p->excluded = true;
		r->stats.sync_exclusions++;
		log_warning(
		    "Excluding node %u pid %u from this view: it stalled "
		    "the sync",
		    p->member.nodeid, p->member.pid);
	}
}

static void on_timeout(struct replica *r)
{
	enum sync_phase phase = r->phase;

	if (phase != SYNC_STATES && phase != SYNC_DATA && phase != SYNC_CHECKS)
		return;
	exclude_stalled(r);
	if (replica_excluded(r, &r->self)) {
		log_error("This node stalled its view's sync and was excluded; "
			  "rejoining the group");
		set_synced(r, false, SYNC_FAILED);
		if (r->ops.rejoin)
			r->ops.rejoin(r->userdata);
		return;
	}
	replica_update_quorum(r);
	if (phase == SYNC_DATA) {
		/* Members may hold part of the stalled source's data: start
		 * over from a snapshot of the best remaining member. */
		r->snapshot_round = true;
		states_complete(r);
	} else if (all_have(r, phase == SYNC_CHECKS)) {
		if (phase == SYNC_STATES) {
			REPLICA_EXT_CALL(r, sync_states_complete);
			states_complete(r);
		} else
			checks_complete(r);
	}
}

void replica_sync_deliver(struct replica *r, const struct replica_member *from,
			  const Clusterd__CpgMessage *msg)
{
	struct sync_peer *p = find_peer(r, from);

	if (!p || !r->peers) {
		log_debug("Sync message from node %u pid %u outside the view",
			  from->nodeid, from->pid);
		return;
	}
	switch (msg->body_case) {
	case CLUSTERD__CPG_MESSAGE__BODY_SYNC_TIMEOUT: on_timeout(r); break;
	case CLUSTERD__CPG_MESSAGE__BODY_AUDIT_REQUEST:
	case CLUSTERD__CPG_MESSAGE__BODY_AUDIT_REPORT:
		replica_audit_deliver(r, p, msg);
		break;
	case CLUSTERD__CPG_MESSAGE__BODY_SYNC_STATE:
		r->sync_progress++;
		on_state(r, p, msg->sync_state);
		break;
	case CLUSTERD__CPG_MESSAGE__BODY_SYNC_DATA:
		r->sync_progress++;
		on_data(r, from, msg->sync_data);
		break;
	case CLUSTERD__CPG_MESSAGE__BODY_SYNC_CHECK:
		r->sync_progress++;
		on_check(r, p, msg->sync_check);
		break;
	default:
		if (r->ext_count) {
			REPLICA_EXT_CALL(r, deliver, from, msg);
			break;
		}
		r->stats.messages_dropped++;
		log_warning("Dropped a message of unknown kind %d from node %u",
			    msg->body_case, from->nodeid);
	}
}
