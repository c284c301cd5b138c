/*
 * What the files of cd-ipc-fuzz share (tests/local.mk builds them into one
 * program): the fuzzer's state, the expectation for one frame, the byte
 * buffer frames are built in, and the functions each file offers the
 * others. cd-ipc-fuzz.c drives the traffic and judges the answers,
 * cd-ipc-fuzz-gen.c makes the frames, cd-ipc-fuzz-oracle.c predicts what
 * the daemon must answer to each; see cd-ipc-fuzz.c for the whole design.
 */
#pragma once

#include <qb/qbipc_common.h>
#include <qb/qbipcc.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipc_proto.h"

#define HDR	 sizeof(struct qb_ipc_request_header)
#define RHDR	 sizeof(struct qb_ipc_response_header)
#define MAX_FILE (8u << 20) /* the daemon's default max_file_size */
#define ANY	 (-1)

struct buf {
	uint8_t *p;
	size_t len, cap;
};

/* What the daemon must answer to one frame. */
struct expect {
	bool ipc_invalid; /* libqb may drop the connection instead */
	bool fresh;	  /* send on a new connection (declares > it has) */
	bool skip;	  /* a write that could land outside DIR/ */
	uint64_t id;	  /* request id the reply must carry */
	int err;	  /* errno the reply must carry, or ANY */
	int result;	  /* reply result case on success, or 0 */
};

struct fuzz {
	uint64_t rng;
	const char *dir;
	int timeout_ms;
	int want; /* for the specials: the errno required, or ANY */
	const struct buf *cur; /* the frame in flight */
	qb_ipcc_connection_t *conn;
	size_t bufsize;
	uint8_t *rbuf;
	uint64_t next_id;
	struct buf sweep; /* a request sent cut at every length */
	size_t cut;
	unsigned long sent, skipped, ok, errors, timeouts, reconnects,
	    ipc_level, drops_unexpected, local_refused, bad, mismatches;
	unsigned long by_errno[256];
};

/* ------------------------------------------ cd-ipc-fuzz-gen.c: frames */

/* Append N bytes at P, N copies of C; a varint; a length-delimited
 * FIELD; a Header with VERSION and the next request id. */
void b_put(struct buf *b, const void *p, size_t n);
void b_fill(struct buf *b, int c, size_t n);
void b_varint(struct buf *b, uint64_t v);
void b_ld(struct buf *b, uint32_t field, const void *p, size_t n);
void b_header(struct fuzz *f, struct buf *b, uint64_t version);

/* Wrap PAYLOAD in a qb request header claiming ID and SIZE. */
void frame(struct buf *fr, const struct buf *payload, int32_t id, int32_t size);

/* The next frame into FR; returns its kind, for reports. */
const char *gen_frame(struct fuzz *f, struct buf *fr);

/* ------------------------------------- cd-ipc-fuzz-oracle.c: the oracle */

/* What the daemon must answer to the frame FR. */
void predict(struct fuzz *f, const struct buf *fr, struct expect *e);
