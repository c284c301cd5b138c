/*
 * The configuration tree: directories and files addressed by path, held in
 * memory, changed only by deterministic operations.
 *
 * Determinism is the replication contract (ARCHITECTURE.md invariant 1):
 * given the same tree and the same operation with the same context (writer
 * node, mtime), every member reaches the same tree, the same version and
 * the same checksum, and an operation that fails changes nothing on any
 * member. Every successful change increments the tree version by exactly
 * one and stamps the entries it touched with that version; removals leave a
 * tombstone (path, version) so that sync can ship a diff.
 *
 * Paths are relative and normalised: "a/b/c"; the root directory is "".
 * Components are 1..255 bytes, not "." or "..", contain no '/' or NUL.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tree_entry_type {
	TREE_FILE = 1,
	TREE_DIR = 2,
};

struct tree_entry {
	const char *path;
	enum tree_entry_type type;
	const uint8_t *data; /* files only; NULL when size is 0 */
	size_t size;
	uint64_t version;
	uint32_t writer;
	int64_t mtime_ms;
};

struct tree_limits {
	uint64_t max_file_size; /* default 8 MiB */
	uint64_t max_tree_size; /* sum of file sizes, default 1 GiB */
	uint64_t max_entries;   /* files + directories, default 1,000,000 */
};

/* Who made a change and when (the writer's clock, carried in the message
 * so that every member stamps the same mtime). */
struct tree_op_ctx {
	uint32_t writer;
	int64_t mtime_ms;
};

/* Told of every change, in order, for persistence and watches. For a
 * removal, ENTRY is NULL and TOMBSTONE_VERSION is set. tree_clear() is
 * told once, as PATH "" with ENTRY NULL: forget every entry and tombstone.
 * Pruning is not told: every tombstone at or below the horizon is gone. */
typedef void (*tree_observer_fn)(const char *path,
				 const struct tree_entry *entry,
				 uint64_t tombstone_version, void *userdata);

struct tree;

void tree_limits_default(struct tree_limits *limits);

/* A new tree holding only the root directory, version 0. */
int tree_new(const struct tree_limits *limits, struct tree **out);
void tree_free(struct tree *tree);
/* Observers are called in registration order. -ENOSPC past the maximum. */
#define TREE_MAX_OBSERVERS 4
int tree_add_observer(struct tree *tree, tree_observer_fn fn, void *userdata);
void tree_remove_observer(struct tree *tree, tree_observer_fn fn,
			  void *userdata);

uint64_t tree_version(const struct tree *tree);
/* Order-independent checksum of every entry (path, type, data, version,
 * writer, mtime); equal trees have equal checksums. Kept incrementally. */
uint64_t tree_checksum(const struct tree *tree);
uint64_t tree_entry_count(const struct tree *tree); /* root excluded */
uint64_t tree_total_size(const struct tree *tree);
const struct tree_limits *tree_get_limits(const struct tree *tree);

/* 0, -EINVAL (empty component, ".", "..", leading/trailing/double '/'),
 * -ENAMETOOLONG (a component over 255 bytes or the path over 4096). */
int tree_path_check(const char *path);

/* NULL if absent. The pointer is valid until the next change. */
const struct tree_entry *tree_lookup(const struct tree *tree, const char *path);

/* Call FN for each child of directory DIR, sorted by name (strcmp). A
 * negative return from FN stops and is returned. -ENOENT, -ENOTDIR. */
typedef int (*tree_entry_fn)(const struct tree_entry *entry, void *userdata);
int tree_list(const struct tree *tree, const char *dir, tree_entry_fn fn,
	      void *userdata);

/*
 * Operations. 0 on success, else -errno and nothing changed:
 *  put:    create or replace a file. -EISDIR, -ENOENT (parent missing),
 *          -ENOTDIR (parent is a file), -EFBIG (over max_file_size),
 *          -ENOSPC (tree size), -EMFILE (entry count), CAS: -EEXIST when
 *          expected_version is 0 and the entry exists, -ESTALE otherwise.
 *  mkdir:  -EEXIST, -ENOENT, -ENOTDIR, -EMFILE.
 *  remove: a file or an empty directory. -ENOENT, -ENOTEMPTY, -EBUSY
 *          (the root).
 *  rename: atomic; FROM moves to TO, replacing a file at TO (or an empty
 *          directory, when FROM is a directory). -ENOENT, -EISDIR,
 *          -ENOTDIR, -ENOTEMPTY, -EINVAL (TO inside FROM, or the root).
 *          Renaming a directory moves its whole subtree.
 */
int tree_put(struct tree *tree, const char *path, const void *data,
	     size_t size, bool check_version, uint64_t expected_version,
	     const struct tree_op_ctx *ctx);
int tree_mkdir(struct tree *tree, const char *path,
	       const struct tree_op_ctx *ctx);
int tree_remove(struct tree *tree, const char *path,
		const struct tree_op_ctx *ctx);
int tree_rename(struct tree *tree, const char *from, const char *to,
		const struct tree_op_ctx *ctx);

/*
 * Sync: a member that is behind installs entries and tombstones exactly as
 * the sync source sent them, then takes the source's version. Parents
 * arrive before children (entries are shipped sorted by path). Installing
 * does not bump the version.
 */
int tree_install_entry(struct tree *tree, const struct tree_entry *entry);
/* Remove PATH (and, for a directory, its subtree) and record a tombstone. */
int tree_install_tombstone(struct tree *tree, const char *path,
			   uint64_t version);
void tree_set_version(struct tree *tree, uint64_t version);
/* Empty the tree (root stays) and forget tombstones, for a snapshot. The
 * version and horizon become 0; the next tree_set_version() also raises
 * the horizon to that version, since a snapshot carries no history. */
void tree_clear(struct tree *tree);

/* Entries (root excluded) with version > SINCE, sorted by path. */
int tree_foreach_since(const struct tree *tree, uint64_t since,
		       tree_entry_fn fn, void *userdata);
typedef int (*tree_tombstone_fn)(const char *path, uint64_t version,
				 void *userdata);
/* Tombstones with version > SINCE, sorted by path. */
int tree_foreach_tombstone_since(const struct tree *tree, uint64_t since,
				 tree_tombstone_fn fn, void *userdata);
/* Tombstones at or below this version were pruned: a diff from an older
 * version is impossible and sync must send a snapshot. */
uint64_t tree_tombstone_horizon(const struct tree *tree);
/* Keep at most MAX tombstones (oldest pruned first; the horizon rises).
 * Whole versions go: every tombstone at or below the new horizon. */
void tree_prune_tombstones(struct tree *tree, size_t max);
/* For loading a persisted tree (store_load). */
void tree_set_tombstone_horizon(struct tree *tree, uint64_t horizon);
