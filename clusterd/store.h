/*
 * The durable copy of the tree: one SQLite database in WAL mode.
 *
 * The store observes the tree (tree_add_observer) and writes every change
 * into an open transaction; store_commit() makes all of them durable at
 * once (group commit). clusterd answers a client only after the commit that
 * holds its write returned.
 */
#pragma once

#include "tree.h"

#include <stdbool.h>

enum store_sync_mode {
	STORE_SYNC_FULL,   /* fsync at every commit (default) */
	STORE_SYNC_NORMAL, /* survives a process crash, not power loss */
};

struct store;

/* Open or create PATH and run PRAGMA integrity_check. A database that fails the check, or is not ours, gives -EUCLEAN
 * and a logged message that says how to recover. */
int store_open(const char *path, enum store_sync_mode mode, struct store **out);
/* Uncommitted changes are dropped. Detaches from the tree given to
 * store_load(): close the store before freeing that tree. */
void store_close(struct store *store);

/* Fill an empty TREE from the database (entries, tombstones, version) and
 * attach the store as TREE's observer. */
int store_load(struct store *store, struct tree *tree);

/* Make every change observed since the last commit durable. 0, -ENOSPC
 * (disk full) or -EIO (the error is logged). Cheap when nothing changed.
 * After a failure, the next commit rewrites the whole tree. */
int store_commit(struct store *store);
bool store_dirty(const struct store *store);
