/*
 * Replication of the tree over a totally ordered group channel (CPG).
 *
 * The replica is a state machine fed with what the group delivers, in
 * delivery order: views (membership changes) and messages. It never looks
 * at a clock or at corosync's own quorum: every decision is a function of
 * the delivery stream and of the vote configuration, so all members of a
 * view decide alike (ARCHITECTURE.md invariants 1, 2, 4).
 *
 *  - A write is applied when it is delivered while the current view holds
 *    a majority of the configured votes AND the view has finished its
 *    sync; otherwise every member rejects it (EROFS / EAGAIN).
 *  - After every view change the members exchange SyncState; the member
 *    with the highest version (lowest node ID on a tie) ships what the
 *    others miss (a diff of entries and tombstones, or a snapshot), then
 *    every member multicasts SyncCheck and the view is synced when all
 *    checksums agree. A disagreement is logged and repaired by a snapshot.
 *
 * The transport is abstract (replica_ops.send) so that unit tests can run
 * several replicas against a simulated group.
 */
#pragma once

#include "tree.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct replica_member {
	uint32_t nodeid;
	uint32_t pid;
};

struct replica_ops {
	/* Multicast BUF to the group in agreed order; 0 or -errno. The
	 * transport queues when the channel is congested. */
	int (*send)(void *userdata, const void *buf, size_t len);
	/* A write this member submitted was decided: ERR is 0 (applied at
	 * tree VERSION) or -errno. Not yet durable: see store_commit(). */
	void (*write_done)(void *userdata, uint64_t write_id, int err,
			   uint64_t version);
	/* Quorate or synced changed. */
	void (*state_changed)(void *userdata);
	/* This member was excluded from its view's sync (it stalled): leave
	 * and rejoin the group, to be synced in a fresh view. Called from
	 * inside replica_deliver: the transport must defer the actual work. */
	void (*rejoin)(void *userdata);
};

/*
 * Extensions: state machines that ride on the same delivery stream (locks,
 * the node status store) without the replica knowing them. Every callback
 * runs at a stream position, so extensions decide alike on all members.
 */
struct replica;
struct Clusterd__CpgMessage;
struct Clusterd__SyncState;

struct replica_extension {
	/* A CpgMessage whose body the replica does not handle. FROM is the
	 * sender as the group reported it (never trust ids in the payload). */
	void (*deliver)(void *userdata, const struct replica_member *from,
			const struct Clusterd__CpgMessage *msg);
	/* A new view was installed (quorum already recomputed), before sync. */
	void (*view)(void *userdata, const struct replica_member *members,
		     size_t count, bool quorate);
	/* Add extension fields to this member's SyncState. It is packed and
	 * sent right after this returns; what the fields point to must stay
	 * valid until then (e.g. owned by the extension). */
	void (*fill_sync_state)(void *userdata, struct Clusterd__SyncState *st);
	/* A member's SyncState was delivered in the current view. */
	void (*sync_state)(void *userdata, const struct replica_member *from,
			   const struct Clusterd__SyncState *st);
	/* Every member's SyncState has been delivered (before tree data). */
	void (*sync_states_complete)(void *userdata);
	void *userdata;
};

/* Register one extension (at most 4). */
int replica_add_extension(struct replica *r, const struct replica_extension *ext);
/* Multicast an extension's message (the header is filled in). */
int replica_send_message(struct replica *r, struct Clusterd__CpgMessage *msg);

/* One change, as a client asked for it. Strings and data are borrowed. */
enum replica_op_type {
	REPLICA_PUT = 1,
	REPLICA_REMOVE,
	REPLICA_MKDIR,
	REPLICA_RENAME,
};

struct replica_write {
	enum replica_op_type type;
	const char *path;
	const char *to; /* rename */
	const void *data;
	size_t size;
	bool check_version;
	uint64_t expected_version;
	int64_t mtime_ms;
};

struct replica;

int replica_new(struct tree *tree, uint32_t local_nodeid, uint32_t local_pid,
		const struct replica_ops *ops, void *userdata,
		struct replica **out);
void replica_free(struct replica *r);

/* This member's identity in the group (known once the transport joined). */
void replica_set_local(struct replica *r, uint32_t nodeid, uint32_t pid);

/* Votes per node and the expected total (from the corosync nodelist). A
 * node not listed has one vote. */
void replica_set_votes(struct replica *r, uint32_t expected_votes,
		       const uint32_t *nodeids, const uint32_t *votes,
		       size_t count);

/* Delivery stream. */
void replica_view(struct replica *r, const struct replica_member *members,
		  size_t count);
void replica_deliver(struct replica *r, uint32_t nodeid, uint32_t pid,
		     const void *buf, size_t len);

/* Multicast a write. 0 and *WRITE_ID set, or -EROFS (no quorum), -EAGAIN
 * (synchronising), -EINVAL (bad path), -ENOMEM. */
int replica_submit(struct replica *r, const struct replica_write *w,
		   uint64_t *write_id);

/* This member's identity, as replica_set_local() set it. */
struct replica_member replica_self(const struct replica *r);
/* Sync deadline. The daemon calls replica_sync_progress() from a timer;
 * when it did not change over a whole period while the view is not synced,
 * it calls replica_sync_timeout(), which multicasts SyncTimeout. Where that
 * message is delivered, every member excludes the members that have not
 * sent what the current sync step waits for: they stop counting for
 * quorum, their writes are refused, and they rejoin (ops.rejoin). */
uint64_t replica_sync_progress(const struct replica *r);
void replica_sync_timeout(struct replica *r);

/* Start a divergence audit (see replica_audit.c); the daemon calls it
 * periodically on one member. A member found diverged rejoins. */
void replica_audit_start(struct replica *r);

/* Expected votes as "clusterctl expected" set them (clusterd/expected.c),
 * 0 to clear. Call at a stream position (a delivered message) so every
 * member decides alike; the override ends at the next view or
 * replica_set_votes(). */
void replica_override_expected(struct replica *r, uint32_t expected_votes);

bool replica_quorate(const struct replica *r);
bool replica_synced(const struct replica *r);
uint32_t replica_view_votes(const struct replica *r);
uint32_t replica_expected_votes(const struct replica *r);
/* Is M (node and pid) a member of the current view? */
bool replica_is_member(const struct replica *r, const struct replica_member *m);
/* Members of the current view; valid until the next view. */
const struct replica_member *replica_members(const struct replica *r,
					     size_t *count);

/* Counters for logs and tests. */
struct replica_stats {
	uint64_t writes_applied;
	uint64_t writes_rejected;
	uint64_t messages_dropped; /* undecodable or wrong version */
	uint64_t syncs_completed;
	uint64_t sync_repairs; /* checksum mismatches healed */
	uint64_t sync_exclusions; /* members excluded by a sync deadline */
	uint64_t audits;          /* audits completed */
};
const struct replica_stats *replica_get_stats(const struct replica *r);
