/*
 * The node status store: a replica extension holding, for every node of
 * the view, a small key/value map that only that node writes (its health,
 * its running guests, ...). Nothing here is persisted.
 *
 * The owner of an entry is the node that multicast it, as CPG reports the
 * sender; no node ID inside a message is trusted. Writes need no quorum
 * (a node in a minority still publishes its own state). Each member keeps
 * its own entries apart from the replicated copy, and after every view
 * change it multicasts them all as a snapshot that replaces what the
 * others hold for it, while the entries of nodes that left the view are
 * dropped: every member of a view converges to the same store.
 */
#pragma once

#include "replica.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STATUS_KEY_MAX	 255
#define STATUS_VALUE_MAX (64 * 1024)
/* Per node: keys, and bytes of keys plus values. */
#define STATUS_MAX_KEYS	 1024
#define STATUS_MAX_BYTES (4 * 1024 * 1024)

struct status_ops {
	/* A status_set() of this member was delivered and applied. */
	void (*set_done)(void *userdata, uint64_t op_id, int err);
};

struct status;

/* NODEID's KEY was set or deleted (KEY NULL: all its entries replaced),
 * right after it was applied. */
typedef void (*status_observer_fn)(uint32_t nodeid, const char *key,
				   void *userdata);

/* Registers itself as an extension of R. */
int status_new(struct replica *r, const struct status_ops *ops, void *userdata,
	       struct status **out);
void status_free(struct status *s);

/* At most STATUS_MAX_OBSERVERS; -ENOSPC beyond. */
#define STATUS_MAX_OBSERVERS 4
int status_add_observer(struct status *s, status_observer_fn fn,
			void *userdata);

/* 0, -EINVAL (empty) or -ENAMETOOLONG. */
int status_check_key(const char *key);

/* Set this node's KEY to VALUE (LEN 0 deletes it) and multicast it. 0 and
 * *OP_ID (reported to set_done), -EINVAL/-ENAMETOOLONG (key), -EFBIG
 * (value over 64 KiB), -ENOSPC (this node's limits), or a send error. */
int status_set(struct status *s, const char *key, const void *value, size_t len,
	       uint64_t *op_id);

/* The replicated value of NODEID's KEY: 0, or -ENOENT. */
int status_get(const struct status *s, uint32_t nodeid, const char *key,
	       const void **value, size_t *len);

/* Entries of NODEID (0: of every node), by node ID then key. Stops at and
 * returns the first non-zero return of FN. */
typedef int (*status_fn)(uint32_t nodeid, const char *key, const void *value,
			 size_t len, void *userdata);
int status_foreach(const struct status *s, uint32_t nodeid, status_fn fn,
		   void *userdata);

struct status_stats {
	uint64_t ops_dropped;	  /* malformed, or from outside the view */
	uint64_t entries_refused; /* over a node's limits */
	uint64_t snapshots_sent;
};
const struct status_stats *status_get_stats(const struct status *s);
