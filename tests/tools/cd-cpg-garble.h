/*
 * What the files of cd-cpg-garble share (tests/local.mk builds them into
 * one program): the rogue's state, the storage of one message, and the
 * functions each file offers the others. cd-cpg-garble.c is the CPG member
 * and its bursts, cd-cpg-garble-msg.c makes the messages,
 * cd-cpg-garble-filter.c decides which of them may be sent; see
 * cd-cpg-garble.c for the whole design.
 */
#pragma once

#include "clusterd.pb-c.h"

#include <corosync/cpg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mode { JUNK, STALL, TAKEOVER };

struct garble {
	uint64_t rng;
	enum mode mode;
	const char *dir;
	cpg_handle_t cpg;
	uint32_t nodeid, pid;
	size_t view_size; /* 0 until our join was seen */
	bool joined, left;
	/* The SyncStates the others sent in this view. */
	size_t states;
	uint64_t top_version, top_checksum, top_horizon;
	unsigned long sent, skipped, bytes, try_again, interrupted, kinds[8];
};

/* Storage for one message of any body. */
struct tmpl {
	Clusterd__CpgMessage msg;
	Clusterd__Header hdr;
	Clusterd__WriteOp w;
	Clusterd__PutRequest put;
	Clusterd__RemoveRequest rm;
	Clusterd__MkdirRequest mk;
	Clusterd__RenameRequest mv;
	Clusterd__SyncState st;
	Clusterd__SyncData sd;
	Clusterd__SyncCheck ck;
	Clusterd__SyncTimeout to;
	Clusterd__AuditRequest aq;
	Clusterd__AuditReport ar;
	Clusterd__TreeEntry ent[2], **entp;
	Clusterd__Tombstone tomb, **tombp;
	Clusterd__LockInfo lock, **lockp;
	char path[2][5200];
	uint8_t data[256];
};

/* ------------------------------------- cd-cpg-garble-msg.c: messages */

/* The seeded random source: 64 bits, or below N. */
uint64_t rnd(struct garble *g);
uint32_t below(struct garble *g, uint32_t n);

/* Fresh storage, its random data drawn; what gen_data() and gen_state()
 * allocated, released. */
void tmpl_init(struct garble *g, struct tmpl *t);
void tmpl_done(struct tmpl *t);

/* SyncData with N entries and N tombstones (all alike but the values). */
void gen_data(struct garble *g, struct tmpl *t, size_t n);
/* SyncState with N lock entries. */
void gen_state(struct garble *g, struct tmpl *t, size_t n);
/* Any body the replica itself reads (locks and status are not ours). */
void gen_body(struct garble *g, struct tmpl *t, bool huge);

/* Pack T with protocol VERSION, or without a header. */
uint8_t *pack(struct tmpl *t, uint32_t version, bool header, size_t *len);

/* --------------------------- cd-cpg-garble-filter.c: what may be sent */

/* True when BUF may be sent: a daemon would not take it as anything this
 * mode must not send. */
bool harmless(struct garble *g, const uint8_t *buf, size_t len);
