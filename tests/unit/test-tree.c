/*
 * Unit tests for clusterd/tree*.c: path rules, every operation's success
 * and documented errno, stamping, "a failure changes nothing", checksums,
 * limits at their exact boundaries, diffs, pruning, and a replay property:
 * a tree rebuilt from another's entries and tombstones (whole, or as a
 * diff from an earlier version) ends identical to it.
 *
 * This file holds main() and the cases of paths, the empty tree, limits,
 * listing and hostile input; the others are in test-tree-ops.c,
 * test-tree-sync.c and test-tree-replay.c, the shared fixture in
 * tree-fixture.c, all declared in tree-fixture.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tree-fixture.h"

void path_check_accepts_valid(void **state)
{
	char comp[256], path[4097];

	memset(comp, 'x', 255);
	comp[255] = '\0';
	memset(path, 'p', 4096);
	for (int i = 100; i < 4096; i += 100)
		path[i] = '/';
	path[4096] = '\0';
	assert_int_equal(tree_path_check(""), 0);
	assert_int_equal(tree_path_check("a"), 0);
	assert_int_equal(tree_path_check("a/b/c"), 0);
	assert_int_equal(tree_path_check("..."), 0);
	assert_int_equal(tree_path_check(".hidden/x."), 0);
	assert_int_equal(tree_path_check("a b/\xc3\xa9"), 0);
	assert_int_equal(tree_path_check(comp), 0);
	assert_int_equal(tree_path_check(path), 0);
}

void path_check_rejects_every_bad_form(void **state)
{
	static const char *const bad[] = {
	    "/",   "/a",   "a/",    "a//b",   "//",   ".",    "..",   "./a",
	    "a/.", "a/..", "a/./b", "a/../b", "../a", "a/b/", "/a/b",
	};
	char comp[300], path[4200];

	assert_int_equal(tree_path_check(NULL), -EINVAL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(tree_path_check(bad[i]), -EINVAL);
	memset(comp, 'x', 256);
	comp[256] = '\0';
	assert_int_equal(tree_path_check(comp), -ENAMETOOLONG);
	memset(comp, 'x', 258);
	memcpy(comp, "a/", 2); /* "a/" and 256 bytes */
	comp[258] = '\0';
	assert_int_equal(tree_path_check(comp), -ENAMETOOLONG);
	memset(path, 'p', sizeof(path));
	for (int i = 100; i < 4150; i += 100)
		path[i] = '/';
	path[4097] = '\0';
	assert_int_equal(tree_path_check(path), -ENAMETOOLONG);
}

void new_tree_holds_only_root(void **state)
{
	struct tree_limits l;
	struct tree *t = new_tree();
	const struct tree_entry *root = tree_lookup(t, "");

	tree_limits_default(&l);
	assert_int_equal(l.max_file_size, 8 << 20);
	assert_int_equal(l.max_tree_size, 1ULL << 30);
	assert_int_equal(l.max_entries, 1000000);
	assert_int_equal(tree_get_limits(t)->max_entries, 1000000);
	assert_non_null(root);
	assert_int_equal(root->type, TREE_DIR);
	assert_int_equal(tree_version(t), 0);
	assert_int_equal(tree_entry_count(t), 0);
	assert_int_equal(tree_total_size(t), 0);
	assert_int_equal(tree_checksum(t), 0);
	assert_int_equal(tree_tombstone_horizon(t), 0);
	assert_null(tree_lookup(t, "a"));
	assert_null(tree_lookup(t, "/"));
	assert_null(tree_lookup(t, NULL));
	tree_free(t);
	tree_free(NULL);
}

void file_size_limit_boundary(void **state)
{
	struct tree_limits l = {
	    .max_file_size = 10, .max_tree_size = 100, .max_entries = 10};
	struct tree *t = tree_with(&l);
	char buf[11] = "0123456789";

	assert_int_equal(tree_put(t, "a", buf, 10, false, 0, &CTX), 0);
	assert_fails(t, tree_put(t, "b", "01234567890", 11, false, 0, &CTX),
		     -EFBIG);
	assert_fails(t, tree_put(t, "a", "01234567890", 11, false, 0, &CTX),
		     -EFBIG);
	tree_free(t);
}

void tree_size_limit_boundary(void **state)
{
	struct tree_limits l = {
	    .max_file_size = 10, .max_tree_size = 25, .max_entries = 10};
	struct tree *t = tree_with(&l);
	char buf[10] = {0};

	assert_int_equal(tree_put(t, "a", buf, 10, false, 0, &CTX), 0);
	assert_int_equal(tree_put(t, "b", buf, 10, false, 0, &CTX), 0);
	assert_fails(t, tree_put(t, "c", buf, 6, false, 0, &CTX), -ENOSPC);
	assert_int_equal(tree_put(t, "c", buf, 5, false, 0, &CTX), 0);
	assert_int_equal(tree_total_size(t), 25);
	assert_fails(t, tree_put(t, "d", buf, 1, false, 0, &CTX), -ENOSPC);
	/* replacing counts the old size out */
	assert_int_equal(tree_put(t, "c", buf, 4, false, 0, &CTX), 0);
	assert_int_equal(tree_put(t, "c", buf, 5, false, 0, &CTX), 0);
	assert_fails(t, tree_put(t, "c", buf, 6, false, 0, &CTX), -ENOSPC);
	assert_int_equal(tree_put(t, "d", NULL, 0, false, 0, &CTX), 0);
	tree_free(t);
}

void entry_count_limit_boundary(void **state)
{
	struct tree_limits l = {
	    .max_file_size = 10, .max_tree_size = 100, .max_entries = 3};
	struct tree *t = tree_with(&l);

	assert_int_equal(tree_mkdir(t, "d", &CTX), 0);
	assert_int_equal(put_str(t, "d/a", "1"), 0);
	assert_int_equal(put_str(t, "b", "1"), 0);
	assert_int_equal(tree_entry_count(t), 3);
	assert_fails(t, put_str(t, "c", "1"), -EMFILE);
	assert_fails(t, tree_mkdir(t, "e", &CTX), -EMFILE);
	/* replacing and renaming do not add entries */
	assert_int_equal(put_str(t, "b", "2"), 0);
	assert_int_equal(tree_rename(t, "b", "d/b", &CTX), 0);
	assert_int_equal(tree_remove(t, "d/b", &CTX), 0);
	assert_int_equal(tree_mkdir(t, "e", &CTX), 0);
	tree_free(t);
}

void list_is_sorted_by_name(void **state)
{
	struct tree *t = new_tree();
	struct names n = {.stop_after = -1};

	assert_int_equal(tree_mkdir(t, "d", &CTX), 0);
	assert_int_equal(put_str(t, "d/b", "1"), 0);
	assert_int_equal(put_str(t, "d/a-b", "1"), 0);
	assert_int_equal(tree_mkdir(t, "d/a", &CTX), 0);
	assert_int_equal(put_str(t, "d/a/z", "1"), 0);
	assert_int_equal(put_str(t, "d/C", "1"), 0);
	assert_int_equal(tree_list(t, "d", collect_name, &n), 0);
	assert_string_equal(n.text, "d/C;d/a;d/a-b;d/b;");
	n = (struct names){.stop_after = 2};
	assert_int_equal(tree_list(t, "d", collect_name, &n), -ECANCELED);
	assert_string_equal(n.text, "d/C;d/a;");
	n = (struct names){.stop_after = -1};
	assert_int_equal(tree_list(t, "", collect_name, &n), 0);
	assert_string_equal(n.text, "d;");
	assert_int_equal(tree_list(t, "nope", collect_name, &n), -ENOENT);
	assert_int_equal(tree_list(t, "d/b", collect_name, &n), -ENOTDIR);
	assert_int_equal(tree_list(t, "/d", collect_name, &n), -EINVAL);
	tree_free(t);
}

void survives_hostile_input(void **state)
{
	struct tree *t = new_tree();
	char *huge = malloc(100000);

	memset(huge, 'a', 99999);
	huge[99999] = '\0';
	assert_fails(t, put_str(t, huge, "x"), -ENAMETOOLONG);
	assert_fails(t, tree_mkdir(t, huge, &CTX), -ENAMETOOLONG);
	assert_fails(t, tree_rename(t, huge, "a", &CTX), -ENAMETOOLONG);
	assert_fails(t, tree_remove(t, huge, &CTX), -ENAMETOOLONG);
	assert_null(tree_lookup(t, huge));
	assert_int_equal(tree_list(t, huge, collect_name, NULL), -ENAMETOOLONG);
	assert_int_equal(tree_list(t, "", NULL, NULL), -EINVAL);
	assert_int_equal(tree_foreach_since(t, 0, NULL, NULL), -EINVAL);
	assert_int_equal(
	    tree_foreach_tombstone_since(NULL, 0, collect_tomb, NULL), -EINVAL);
	assert_int_equal(tree_install_tombstone(t, huge, 1), -ENAMETOOLONG);
	tree_prune_tombstones(NULL, 0);
	tree_set_version(NULL, 1);
	free(huge);
	tree_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(path_check_accepts_valid),
	    cmocka_unit_test(path_check_rejects_every_bad_form),
	    cmocka_unit_test(new_tree_holds_only_root),
	    cmocka_unit_test(put_creates_file_and_stamps_parent),
	    cmocka_unit_test(put_replaces_without_touching_parent),
	    cmocka_unit_test(put_accepts_null_data_of_size_zero),
	    cmocka_unit_test(put_errors_change_nothing),
	    cmocka_unit_test(put_compare_and_swap),
	    cmocka_unit_test(mkdir_creates_and_reports_errors),
	    cmocka_unit_test(remove_leaves_tombstone_and_stamps_parent),
	    cmocka_unit_test(remove_reports_errors),
	    cmocka_unit_test(rename_moves_file),
	    cmocka_unit_test(rename_file_replaces_file),
	    cmocka_unit_test(rename_moves_directory_subtree),
	    cmocka_unit_test(rename_directory_onto_empty_directory),
	    cmocka_unit_test(rename_reports_errors),
	    cmocka_unit_test(rename_result_too_long),
	    cmocka_unit_test(file_size_limit_boundary),
	    cmocka_unit_test(tree_size_limit_boundary),
	    cmocka_unit_test(entry_count_limit_boundary),
	    cmocka_unit_test(list_is_sorted_by_name),
	    cmocka_unit_test(checksum_equal_for_equal_trees_only),
	    cmocka_unit_test(checksum_independent_of_install_order),
	    cmocka_unit_test(foreach_since_is_sorted_and_filtered),
	    cmocka_unit_test(tombstones_since_sorted_and_dropped_on_create),
	    cmocka_unit_test(prune_drops_oldest_and_raises_horizon),
	    cmocka_unit_test(install_entry_replaces_exactly),
	    cmocka_unit_test(install_tombstone_removes_subtree),
	    cmocka_unit_test(clear_keeps_root_and_forgets_history),
	    cmocka_unit_test(replay_rebuilds_identical_trees),
	    cmocka_unit_test(survives_hostile_input),
	};

	return cmocka_run_group_tests_name("tree", tests, NULL, NULL);
}
