/*
 * What the files of the test-tree program share (tests/unit/core.mk builds
 * them into one program, so the one group and its order are as before the
 * split): a tree with an observer that logs every call, the assert_fails()
 * check that a failure changes nothing, small helpers, the collectors of
 * list and tombstone walks, and the cases each test-tree-*.c file defines,
 * which test-tree.c's main() runs. Declared here and defined once in
 * tree-fixture.c, rather than copied into each file.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "tree-sig.h"
#include "tree.h"

/* Writer 7 at mtime 1000. */
extern const struct tree_op_ctx CTX;

/* Every observer call, as "+path@version;" or "-path@tombstone;". */
extern char obs_log[65536];
extern unsigned obs_calls;

void obs_reset(void);

/* A new tree with LIMITS (NULL: the defaults) and the observer, log empty. */
struct tree *tree_with(const struct tree_limits *limits);
struct tree *new_tree(void);

/* EXPR must fail with ERR and change nothing, observer included. */
#define assert_fails(t, expr, err)                                             \
	do {                                                                   \
		char *before_ = tree_signature(t, true);                       \
		unsigned calls_ = obs_calls;                                   \
		char *after_;                                                  \
		assert_int_equal((expr), (err));                               \
		after_ = tree_signature(t, true);                              \
		assert_string_equal(before_, after_);                          \
		assert_int_equal(obs_calls, calls_);                           \
		free(before_);                                                 \
		free(after_);                                                  \
	} while (0)

int put_str(struct tree *t, const char *path, const char *s);
struct tree_op_ctx ctx_at(uint32_t writer, int64_t mtime);

/* tree_list() callback: appends "path;" to a struct names, and cancels
 * after stop_after names (never, if it is negative). */
struct names {
	char text[256];
	int stop_after;
};

int collect_name(const struct tree_entry *e, void *userdata);

/* Tombstone walk callback: appends "path@version;" to a struct collected,
 * and stops with -EINTR after a path named "stop". */
struct collected {
	char text[1024];
};

int collect_tomb(const char *path, uint64_t version, void *userdata);

/* ------------------------------------------- the cases, by file --- */

/* test-tree.c: paths, the empty tree, limits, listing, hostile input. */
void path_check_accepts_valid(void **state);
void path_check_rejects_every_bad_form(void **state);
void new_tree_holds_only_root(void **state);
void file_size_limit_boundary(void **state);
void tree_size_limit_boundary(void **state);
void entry_count_limit_boundary(void **state);
void list_is_sorted_by_name(void **state);
void survives_hostile_input(void **state);

/* test-tree-ops.c: put, mkdir, remove, rename. */
void put_creates_file_and_stamps_parent(void **state);
void put_replaces_without_touching_parent(void **state);
void put_accepts_null_data_of_size_zero(void **state);
void put_errors_change_nothing(void **state);
void put_compare_and_swap(void **state);
void mkdir_creates_and_reports_errors(void **state);
void remove_leaves_tombstone_and_stamps_parent(void **state);
void remove_reports_errors(void **state);
void rename_moves_file(void **state);
void rename_file_replaces_file(void **state);
void rename_moves_directory_subtree(void **state);
void rename_directory_onto_empty_directory(void **state);
void rename_reports_errors(void **state);
void rename_result_too_long(void **state);

/* test-tree-sync.c: what sync relies on: checksums, walks since a
 * version, tombstones and their pruning, installing, clearing. */
void checksum_equal_for_equal_trees_only(void **state);
void checksum_independent_of_install_order(void **state);
void foreach_since_is_sorted_and_filtered(void **state);
void tombstones_since_sorted_and_dropped_on_create(void **state);
void prune_drops_oldest_and_raises_horizon(void **state);
void install_entry_replaces_exactly(void **state);
void install_tombstone_removes_subtree(void **state);
void clear_keeps_root_and_forgets_history(void **state);

/* test-tree-replay.c: random operations replayed into other trees. */
void replay_rebuilds_identical_trees(void **state);
