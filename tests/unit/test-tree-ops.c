/*
 * test-tree, the operations: put, mkdir, remove and rename, each one's
 * success (stamps on the entry and its parent, what the observer sees)
 * and its documented errors, each of which changes nothing. Separate from
 * the sync-side and replay cases; the fixture is in tree-fixture.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tree-fixture.h"

void put_creates_file_and_stamps_parent(void **state)
{
	struct tree *t = new_tree();
	struct tree_op_ctx c = ctx_at(3, 5000);
	const struct tree_entry *e, *d;

	assert_int_equal(tree_mkdir(t, "d", &CTX), 0);
	assert_int_equal(tree_put(t, "d/f", "hello", 5, false, 0, &c), 0);
	assert_int_equal(tree_version(t), 2);
	e = tree_lookup(t, "d/f");
	assert_non_null(e);
	assert_string_equal(e->path, "d/f");
	assert_int_equal(e->type, TREE_FILE);
	assert_int_equal(e->size, 5);
	assert_memory_equal(e->data, "hello", 5);
	assert_int_equal(e->version, 2);
	assert_int_equal(e->writer, 3);
	assert_int_equal(e->mtime_ms, 5000);
	d = tree_lookup(t, "d");
	assert_int_equal(d->version, 2);
	assert_int_equal(d->writer, 3);
	assert_int_equal(d->mtime_ms, 5000);
	assert_int_equal(tree_lookup(t, "")->version, 1);
	assert_int_equal(tree_entry_count(t), 2);
	assert_int_equal(tree_total_size(t), 5);
	assert_string_equal(obs_log, "+d@1;+@1;+d/f@2;+d@2;");
	tree_free(t);
}

void put_replaces_without_touching_parent(void **state)
{
	struct tree *t = new_tree();
	struct tree_op_ctx c = ctx_at(9, 42);
	const struct tree_entry *e;

	assert_int_equal(put_str(t, "f", "one"), 0);
	obs_reset();
	assert_int_equal(tree_put(t, "f", "second", 6, false, 0, &c), 0);
	e = tree_lookup(t, "f");
	assert_int_equal(e->version, 2);
	assert_int_equal(e->writer, 9);
	assert_int_equal(e->mtime_ms, 42);
	assert_memory_equal(e->data, "second", 6);
	assert_int_equal(tree_lookup(t, "")->version, 1);
	assert_int_equal(tree_total_size(t), 6);
	assert_int_equal(tree_entry_count(t), 1);
	assert_string_equal(obs_log, "+f@2;");
	tree_free(t);
}

void put_accepts_null_data_of_size_zero(void **state)
{
	struct tree *t = new_tree();
	const struct tree_entry *e;

	assert_int_equal(tree_put(t, "empty", NULL, 0, false, 0, &CTX), 0);
	e = tree_lookup(t, "empty");
	assert_int_equal(e->size, 0);
	assert_null(e->data);
	assert_int_equal(put_str(t, "empty", ""), 0);
	assert_null(tree_lookup(t, "empty")->data);
	assert_fails(t, tree_put(t, "x", NULL, 1, false, 0, &CTX), -EINVAL);
	tree_free(t);
}

void put_errors_change_nothing(void **state)
{
	struct tree *t = new_tree();

	assert_int_equal(tree_mkdir(t, "d", &CTX), 0);
	assert_int_equal(put_str(t, "f", "x"), 0);
	assert_fails(t, put_str(t, "d", "x"), -EISDIR);
	assert_fails(t, put_str(t, "", "x"), -EISDIR);
	assert_fails(t, put_str(t, "nope/f", "x"), -ENOENT);
	assert_fails(t, put_str(t, "f/g", "x"), -ENOTDIR);
	assert_fails(t, put_str(t, "/abs", "x"), -EINVAL);
	assert_fails(t, put_str(t, "a/../b", "x"), -EINVAL);
	assert_fails(t, put_str(t, NULL, "x"), -EINVAL);
	assert_fails(t, tree_put(t, "g", "x", 1, false, 0, NULL), -EINVAL);
	assert_fails(t, tree_put(NULL, "g", "x", 1, false, 0, &CTX), -EINVAL);
	tree_free(t);
}

void put_compare_and_swap(void **state)
{
	struct tree *t = new_tree();

	assert_int_equal(tree_put(t, "f", "a", 1, true, 0, &CTX), 0);
	assert_fails(t, tree_put(t, "f", "b", 1, true, 0, &CTX), -EEXIST);
	assert_fails(t, tree_put(t, "f", "b", 1, true, 7, &CTX), -ESTALE);
	assert_fails(t, tree_put(t, "g", "b", 1, true, 1, &CTX), -ESTALE);
	assert_int_equal(tree_put(t, "f", "b", 1, true, 1, &CTX), 0);
	assert_int_equal(tree_lookup(t, "f")->version, 2);
	assert_fails(t, tree_put(t, "f", "c", 1, true, 1, &CTX), -ESTALE);
	tree_free(t);
}

void mkdir_creates_and_reports_errors(void **state)
{
	struct tree *t = new_tree();
	const struct tree_entry *e;

	assert_int_equal(tree_mkdir(t, "d", &CTX), 0);
	assert_int_equal(tree_mkdir(t, "d/e", &CTX), 0);
	e = tree_lookup(t, "d/e");
	assert_int_equal(e->type, TREE_DIR);
	assert_int_equal(e->size, 0);
	assert_int_equal(e->version, 2);
	assert_int_equal(tree_lookup(t, "d")->version, 2);
	assert_int_equal(put_str(t, "f", "x"), 0);
	assert_fails(t, tree_mkdir(t, "d", &CTX), -EEXIST);
	assert_fails(t, tree_mkdir(t, "f", &CTX), -EEXIST);
	assert_fails(t, tree_mkdir(t, "", &CTX), -EEXIST);
	assert_fails(t, tree_mkdir(t, "x/y", &CTX), -ENOENT);
	assert_fails(t, tree_mkdir(t, "f/y", &CTX), -ENOTDIR);
	assert_fails(t, tree_mkdir(t, "d/", &CTX), -EINVAL);
	tree_free(t);
}

void remove_leaves_tombstone_and_stamps_parent(void **state)
{
	struct tree *t = new_tree();
	struct tree_op_ctx c = ctx_at(4, 77);

	assert_int_equal(tree_mkdir(t, "d", &CTX), 0);
	assert_int_equal(put_str(t, "d/f", "data"), 0);
	obs_reset();
	assert_int_equal(tree_remove(t, "d/f", &c), 0);
	assert_int_equal(tree_version(t), 3);
	assert_null(tree_lookup(t, "d/f"));
	assert_int_equal(tree_lookup(t, "d")->version, 3);
	assert_int_equal(tree_lookup(t, "d")->writer, 4);
	assert_int_equal(tree_lookup(t, "d")->mtime_ms, 77);
	assert_int_equal(tree_total_size(t), 0);
	assert_string_equal(obs_log, "-d/f@3;+d@3;");
	assert_int_equal(tree_remove(t, "d", &CTX), 0);
	assert_int_equal(tree_entry_count(t), 0);
	assert_int_equal(tree_checksum(t), 0);
	tree_free(t);
}

void remove_reports_errors(void **state)
{
	struct tree *t = new_tree();

	assert_int_equal(tree_mkdir(t, "d", &CTX), 0);
	assert_int_equal(put_str(t, "d/f", "x"), 0);
	assert_fails(t, tree_remove(t, "nope", &CTX), -ENOENT);
	assert_fails(t, tree_remove(t, "d/f/g", &CTX), -ENOENT);
	assert_fails(t, tree_remove(t, "d", &CTX), -ENOTEMPTY);
	assert_fails(t, tree_remove(t, "", &CTX), -EBUSY);
	assert_fails(t, tree_remove(t, "d//f", &CTX), -EINVAL);
	tree_free(t);
}

void rename_moves_file(void **state)
{
	struct tree *t = new_tree();
	struct tree_op_ctx c = ctx_at(5, 500);
	const struct tree_entry *e;

	assert_int_equal(tree_mkdir(t, "a", &CTX), 0);
	assert_int_equal(tree_mkdir(t, "b", &CTX), 0);
	assert_int_equal(put_str(t, "a/f", "content"), 0);
	obs_reset();
	assert_int_equal(tree_rename(t, "a/f", "b/g", &c), 0);
	assert_int_equal(tree_version(t), 4);
	assert_null(tree_lookup(t, "a/f"));
	e = tree_lookup(t, "b/g");
	assert_memory_equal(e->data, "content", 7);
	assert_int_equal(e->version, 4);
	assert_int_equal(e->writer, 5);
	assert_int_equal(e->mtime_ms, 500);
	assert_int_equal(tree_lookup(t, "a")->version, 4);
	assert_int_equal(tree_lookup(t, "b")->version, 4);
	assert_int_equal(tree_total_size(t), 7);
	assert_int_equal(tree_entry_count(t), 3);
	assert_string_equal(obs_log, "-a/f@4;+b/g@4;+a@4;+b@4;");
	tree_free(t);
}

void rename_file_replaces_file(void **state)
{
	struct tree *t = new_tree();
	char *sig;

	assert_int_equal(put_str(t, "x", "xx"), 0);
	assert_int_equal(put_str(t, "y", "yyyy"), 0);
	obs_reset();
	assert_int_equal(tree_rename(t, "x", "y", &CTX), 0);
	assert_null(tree_lookup(t, "x"));
	assert_memory_equal(tree_lookup(t, "y")->data, "xx", 2);
	assert_int_equal(tree_entry_count(t), 1);
	assert_int_equal(tree_total_size(t), 2);
	assert_string_equal(obs_log, "-x@3;+y@3;+@3;");
	sig = tree_signature(t, false);
	assert_non_null(strstr(sig, "T x 3\n"));
	assert_null(strstr(sig, "T y"));
	free(sig);
	tree_free(t);
}

void rename_moves_directory_subtree(void **state)
{
	struct tree *t = new_tree();
	char *sig;

	assert_int_equal(tree_mkdir(t, "src", &CTX), 0);
	assert_int_equal(tree_mkdir(t, "src/sub", &CTX), 0);
	assert_int_equal(put_str(t, "src/sub/f", "1"), 0);
	assert_int_equal(put_str(t, "src/g", "22"), 0);
	assert_int_equal(tree_mkdir(t, "dst", &CTX), 0);
	obs_reset();
	assert_int_equal(tree_rename(t, "src", "dst/moved", &CTX), 0);
	assert_int_equal(tree_version(t), 6);
	assert_null(tree_lookup(t, "src"));
	assert_null(tree_lookup(t, "src/sub/f"));
	assert_memory_equal(tree_lookup(t, "dst/moved/sub/f")->data, "1", 1);
	assert_memory_equal(tree_lookup(t, "dst/moved/g")->data, "22", 2);
	assert_int_equal(tree_lookup(t, "dst/moved/sub")->version, 6);
	assert_int_equal(tree_lookup(t, "dst/moved/sub/f")->version, 6);
	assert_int_equal(tree_entry_count(t), 5);
	assert_int_equal(tree_total_size(t), 3);
	assert_string_equal(obs_log, "-src/sub/f@6;-src/sub@6;-src/g@6;-src@6;"
				     "+dst/moved@6;+dst/moved/g@6;"
				     "+dst/moved/sub@6;+dst/moved/sub/f@6;"
				     "+@6;+dst@6;");
	sig = tree_signature(t, false);
	assert_non_null(strstr(sig, "T src 6\nT src/g 6\nT src/sub 6\n"
				    "T src/sub/f 6\n"));
	free(sig);
	/* and back: the tombstones of the new paths go away */
	assert_int_equal(tree_rename(t, "dst/moved", "src", &CTX), 0);
	sig = tree_signature(t, false);
	assert_null(strstr(sig, "T src"));
	assert_non_null(strstr(sig, "T dst/moved/sub/f 7\n"));
	free(sig);
	tree_free(t);
}

void rename_directory_onto_empty_directory(void **state)
{
	struct tree *t = new_tree();

	assert_int_equal(tree_mkdir(t, "a", &CTX), 0);
	assert_int_equal(put_str(t, "a/f", "1"), 0);
	assert_int_equal(tree_mkdir(t, "b", &CTX), 0);
	assert_int_equal(tree_rename(t, "a", "b", &CTX), 0);
	assert_null(tree_lookup(t, "a"));
	assert_non_null(tree_lookup(t, "b/f"));
	assert_int_equal(tree_entry_count(t), 2);
	tree_free(t);
}

void rename_reports_errors(void **state)
{
	struct tree *t = new_tree();

	assert_int_equal(tree_mkdir(t, "d", &CTX), 0);
	assert_int_equal(tree_mkdir(t, "d/sub", &CTX), 0);
	assert_int_equal(tree_mkdir(t, "e", &CTX), 0);
	assert_int_equal(put_str(t, "e/x", "1"), 0);
	assert_int_equal(tree_mkdir(t, "empty", &CTX), 0);
	assert_int_equal(put_str(t, "f", "1"), 0);
	assert_fails(t, tree_rename(t, "nope", "z", &CTX), -ENOENT);
	assert_fails(t, tree_rename(t, "f", "nope/z", &CTX), -ENOENT);
	assert_fails(t, tree_rename(t, "f", "empty", &CTX), -EISDIR);
	assert_fails(t, tree_rename(t, "d", "f", &CTX), -ENOTDIR);
	assert_fails(t, tree_rename(t, "f", "f/z", &CTX), -EINVAL);
	assert_fails(t, tree_rename(t, "d", "f/z", &CTX), -ENOTDIR);
	assert_fails(t, tree_rename(t, "d", "e", &CTX), -ENOTEMPTY);
	assert_fails(t, tree_rename(t, "d/sub", "d", &CTX), -ENOTEMPTY);
	assert_fails(t, tree_rename(t, "d", "d/sub/x", &CTX), -EINVAL);
	assert_fails(t, tree_rename(t, "d", "d", &CTX), -EINVAL);
	assert_fails(t, tree_rename(t, "", "z", &CTX), -EINVAL);
	assert_fails(t, tree_rename(t, "f", "", &CTX), -EINVAL);
	assert_fails(t, tree_rename(t, "f", "a//b", &CTX), -EINVAL);
	assert_fails(t, tree_rename(t, "f", "z", NULL), -EINVAL);
	/* "d-x" is not inside "d" */
	assert_int_equal(tree_rename(t, "d", "d-x", &CTX), 0);
	tree_free(t);
}

void rename_result_too_long(void **state)
{
	struct tree *t = new_tree();
	char path[4200], to[300];
	size_t len = 0;

	/* a path of exactly 4096 bytes under "a" */
	assert_int_equal(tree_mkdir(t, "a", &CTX), 0);
	strcpy(path, "a");
	len = 1;
	while (len + 201 <= 4096) {
		path[len] = '/';
		memset(path + len + 1, 'c', 200);
		len += 201;
		path[len] = '\0';
		assert_int_equal(tree_mkdir(t, path, &CTX), 0);
	}
	path[len] = '/';
	memset(path + len + 1, 'f', 4096 - len - 1);
	path[4096] = '\0';
	assert_int_equal(put_str(t, path, "x"), 0);
	memset(to, 't', 10);
	to[10] = '\0';
	assert_fails(t, tree_rename(t, "a", to, &CTX), -ENAMETOOLONG);
	assert_int_equal(tree_rename(t, "a", "b", &CTX), 0);
	path[0] = 'b';
	assert_non_null(tree_lookup(t, path));
	tree_free(t);
}
