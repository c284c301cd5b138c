/*
 * What tree.c, tree_sync.c and tree_index.c share: the node layout and the
 * few primitives that change the structure.
 *
 * Every change is made in two phases so that a failing operation changes
 * nothing: first check and allocate everything that can fail (nodes,
 * tombstone records, index and child-array capacity), then apply with the
 * primitives below, none of which can fail. Accounting (entry count, total
 * size, checksum) lives in those primitives only, so it cannot drift.
 */
#pragma once

#include "tree.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TREE_NAME_MAX 255
#define TREE_PATH_MAX 4096

/* A chained hash table keyed by path; items embed a struct hlink. */
struct hlink {
	struct hlink *next;
	uint64_t key;
	const char *path;
	size_t len;
};

struct htable {
	struct hlink **buckets;
	size_t nbuckets; /* a power of two, at least the item count */
	size_t count;
};

struct node {
	struct hlink link; /* first: a node is its link */
	struct tree_entry e;
	uint64_t sum;  /* this entry's checksum term */
	uint8_t *data; /* owned; e.data points here */
	struct node *parent;
	struct node **kids; /* sorted by name */
	size_t n_kids, cap_kids;
	const char *name; /* last component, inside path */
	char path[];
};

struct tomb {
	struct hlink link; /* first */
	uint64_t version;
	char path[];
};

struct stamp {
	uint64_t version;
	uint32_t writer;
	int64_t mtime_ms;
};

struct tree {
	struct tree_limits limits;
	struct htable nodes, tombs;
	struct node *root;
	uint64_t version, horizon, checksum, count, total_size;
	bool cleared; /* the next tree_set_version() raises the horizon */
	struct {
		tree_observer_fn fn;
		void *userdata;
	} observers[TREE_MAX_OBSERVERS];
};

/* A subtree listed breadth-first (parents before children), with room for
 * what an operation prepares per entry. */
struct sub {
	struct node *old, *fresh;
	struct tomb *tomb;
	size_t parent; /* index of the parent in the list; SIZE_MAX for top */
};
struct subtree {
	struct sub *v;
	size_t n;
};

uint64_t hash_path(const char *path, size_t len);
uint64_t hash_entry(const struct tree_entry *e);

int htable_init(struct htable *t);
void htable_done(struct htable *t);
int htable_reserve(struct htable *t, size_t extra);
struct hlink *htable_get(const struct htable *t, const char *path, size_t len);
void htable_add(struct htable *t, struct hlink *l); /* reserved before */
void htable_del(struct htable *t, struct hlink *l);
/* All items, in bucket order; *OUT is NULL when there are none. */
int htable_items(const struct htable *t, struct hlink ***out);

struct node *node_new(const char *path, size_t len, enum tree_entry_type type);
void node_free(struct node *n);
/* A new node for PATH with a copy of DATA, and room for it in T's index
 * and among PARENT's children: 0 and *OUT (free it with node_free() until
 * it is installed), or -errno with nothing changed. */
int node_prepare(struct tree *t, struct node *parent, const char *path,
		 enum tree_entry_type type, const void *data, size_t size,
		 struct node **out);
/* Attach N of node_prepare() under PARENT with stamp ST, drop the
 * tombstone of its path and tell the observers. */
void node_install(struct tree *t, struct node *n, struct node *parent,
		  const struct stamp *st);
int kids_reserve(struct node *dir, size_t extra);
int data_dup(const void *data, size_t size, uint8_t **out);

struct tomb *tomb_new(const char *path, size_t len);
int tombs_prepare(struct tree *t, struct subtree *s);
void tomb_set(struct tree *t, struct tomb *pre, uint64_t version);
void tomb_drop(struct tree *t, const char *path, size_t len);

struct node *tree_find(const struct tree *t, const char *path, size_t len);
int tree_find_parent(const struct tree *t, const char *path, struct node **out);

void tree_attach(struct tree *t, struct node *n, struct node *parent);
void tree_detach(struct tree *t, struct node *n);
void tree_restamp(struct tree *t, struct node *n, const struct stamp *st);
/* Give N (attached) new content, owned DATA, and stamps. */
void tree_recontent(struct tree *t, struct node *n, enum tree_entry_type type,
		    uint8_t *data, size_t size, const struct stamp *st);
/* Detach, tombstone (with the prepared record) and free S->v[FIRST..]
 * deepest first, telling the observer. */
void tree_drop_subtree(struct tree *t, struct subtree *s, size_t first,
		       uint64_t version);

int subtree_collect(struct node *top, struct subtree *out);
void subtree_done(struct subtree *s);

void tree_notify(struct tree *t, const struct node *n);
void tree_notify_gone(struct tree *t, const char *path, uint64_t version);

static inline void node_freep(struct node **n)
{
	node_free(*n);
}
