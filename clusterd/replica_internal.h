/*
 * State shared by the replica's files (replica.c: views and votes,
 * replica_write.c: writes, replica_sync.c: the sync protocol).
 */
#pragma once

#include "replica.h"
#include "clusterd.pb-c.h"

struct replica_vote {
	uint32_t nodeid;
	uint32_t votes;
};

enum sync_phase {
	SYNC_STATES, /* waiting for every member's SyncState */
	SYNC_DATA,   /* the source is shipping data */
	SYNC_CHECKS, /* waiting for every member's SyncCheck */
	SYNC_DONE,   /* synced: writes are admitted (when quorate) */
	SYNC_FAILED, /* checksums disagree after repair: writes refused */
};

struct sync_peer {
	struct replica_member member;
	bool have_state, have_check;
	bool excluded; /* stalled past a sync deadline, out until next view */
	bool have_report; /* audit (replica_audit.c) */
	uint64_t report_version, report_checksum;
	uint64_t version, checksum, horizon;
};

struct replica {
	struct tree *tree;
	struct replica_member self;
	struct replica_ops ops;
	void *userdata;

	struct replica_vote *vote_table;
	size_t vote_count;
	uint32_t expected_votes, view_votes;
	uint32_t expected_override; /* clusterctl expected; 0: none */
	bool quorate;

	struct replica_member *members;
	size_t member_count;
	uint64_t view_seq; /* local count of views, for logs only */

	/* sync (replica_sync.c) */
	enum sync_phase phase;
	bool synced;
	struct sync_peer *peers; /* parallel to members */
	struct replica_member source;
	uint64_t base_version; /* our version when the round started */
	uint64_t target_version;
	bool snapshot_round;
	bool receiving; /* this member installs the source's data */
	struct assembly *assemblies; /* replica_chunk.c: one per sender */
	size_t assembly_count;
	Clusterd__SyncData **staged; /* replica_stage.c */
	size_t staged_count;
	bool stage_failed;
	uint64_t sync_progress; /* sync messages delivered, for the deadline */
	bool audit_active;      /* an AuditRequest was delivered, reports due */
	unsigned repair_rounds;

	uint64_t next_write_id;
	struct replica_stats stats;

	struct replica_extension ext[4];
	size_t ext_count;
};

/* Call METHOD(userdata, ...) on every extension that has it. */
#define REPLICA_EXT_CALL(r, method, ...)                                       \
	do {                                                                   \
		for (size_t _i = 0; _i < (r)->ext_count; _i++)                 \
			if ((r)->ext[_i].method)                               \
				(r)->ext[_i].method((r)->ext[_i].userdata,     \
						    ##__VA_ARGS__);            \
	} while (0)

void replica_update_quorum(struct replica *r);
void replica_notify(struct replica *r);
int replica_send(struct replica *r, Clusterd__CpgMessage *msg);
void replica_sync_start(struct replica *r);
void replica_sync_deliver(struct replica *r, const struct replica_member *from,
			  const Clusterd__CpgMessage *msg);
/* True when FROM was excluded from the current view's sync. */
bool replica_excluded(const struct replica *r, const struct replica_member *from);
/* Send a write, in chunks when large (replica_chunk.c). */
int replica_send_write(struct replica *r, Clusterd__CpgMessage *msg);
void replica_chunk_deliver(struct replica *r, const struct replica_member *from,
			   const Clusterd__WriteChunk *c);
/* Drop unfinished assemblies (view change); our own writes hear EAGAIN. */
void replica_chunk_reset(struct replica *r);
void replica_stage_reset(struct replica *r);
int replica_stage_add(struct replica *r, const Clusterd__SyncData *d);
/* Verify the staged data against the announced VERSION and CHECKSUM on a
 * scratch tree, then install it: 0, or -EBADMSG and nothing installed. */
int replica_stage_commit(struct replica *r, uint64_t version, uint64_t checksum);
void replica_audit_deliver(struct replica *r, struct sync_peer *p,
			   const Clusterd__CpgMessage *msg);
void replica_apply_write(struct replica *r, const struct replica_member *from,
			 const Clusterd__WriteOp *op);
