/*
 * Unit tests for clusterd/tree*.c: path rules, every operation's success
 * and documented errno, stamping, "a failure changes nothing", checksums,
 * limits at their exact boundaries, diffs, pruning, and a replay property:
 * a tree rebuilt from another's entries and tombstones (whole, or as a
 * diff from an earlier version) ends identical to it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tree-sig.h"
#include "tree.h"

static const struct tree_op_ctx CTX = {.writer = 7, .mtime_ms = 1000};

/* Every observer call, as "+path@version;" or "-path@tombstone;". */
static char obs_log[65536];
static unsigned obs_calls;

static void observe(const char *path, const struct tree_entry *e, uint64_t tomb,
		    void *userdata)
{
	size_t used = strlen(obs_log);

	obs_calls++;
	if (used + 300 < sizeof(obs_log))
		snprintf(obs_log + used, sizeof(obs_log) - used,
			 "%c%s@%" PRIu64 ";", e ? '+' : '-', path,
			 e ? e->version : tomb);
}

static void obs_reset(void)
{
	obs_log[0] = '\0';
	obs_calls = 0;
}

static struct tree *tree_with(const struct tree_limits *limits)
{
	struct tree *t = NULL;

	assert_int_equal(tree_new(limits, &t), 0);
	assert_int_equal(tree_add_observer(t, observe, NULL), 0);
	obs_reset();
	return t;
}

static struct tree *new_tree(void)
{
	return tree_with(NULL);
}

/* EXPR must fail with ERR and change nothing, observer included. */
#define assert_fails(t, expr, err)                                             \
	do {                                                                   \
		char *before_ = tree_signature(t, true);                            \
		unsigned calls_ = obs_calls;                                   \
		char *after_;                                                  \
		assert_int_equal((expr), (err));                               \
		after_ = tree_signature(t, true);                                   \
		assert_string_equal(before_, after_);                          \
		assert_int_equal(obs_calls, calls_);                           \
		free(before_);                                                 \
		free(after_);                                                  \
	} while (0)

static int put_str(struct tree *t, const char *path, const char *s)
{
	return tree_put(t, path, s, strlen(s), false, 0, &CTX);
}

static struct tree_op_ctx ctx_at(uint32_t writer, int64_t mtime)
{
	return (struct tree_op_ctx){.writer = writer, .mtime_ms = mtime};
}

static void path_check_accepts_valid(void **state)
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

static void path_check_rejects_every_bad_form(void **state)
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

static void new_tree_holds_only_root(void **state)
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

static void put_creates_file_and_stamps_parent(void **state)
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

static void put_replaces_without_touching_parent(void **state)
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

static void put_accepts_null_data_of_size_zero(void **state)
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

static void put_errors_change_nothing(void **state)
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

static void put_compare_and_swap(void **state)
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

static void mkdir_creates_and_reports_errors(void **state)
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

static void remove_leaves_tombstone_and_stamps_parent(void **state)
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

static void remove_reports_errors(void **state)
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

static void rename_moves_file(void **state)
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

static void rename_file_replaces_file(void **state)
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

static void rename_moves_directory_subtree(void **state)
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

static void rename_directory_onto_empty_directory(void **state)
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

static void rename_reports_errors(void **state)
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

static void rename_result_too_long(void **state)
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

static void file_size_limit_boundary(void **state)
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

static void tree_size_limit_boundary(void **state)
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

static void entry_count_limit_boundary(void **state)
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

struct names {
	char text[256];
	int stop_after;
};

static int collect_name(const struct tree_entry *e, void *userdata)
{
	struct names *n = userdata;

	strcat(n->text, e->path);
	strcat(n->text, ";");
	return --n->stop_after == 0 ? -ECANCELED : 0;
}

static void list_is_sorted_by_name(void **state)
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

static void build_sample(struct tree *t)
{
	assert_int_equal(tree_mkdir(t, "etc", &CTX), 0);
	assert_int_equal(put_str(t, "etc/a", "alpha"), 0);
	assert_int_equal(put_str(t, "etc/b", "beta"), 0);
	assert_int_equal(tree_mkdir(t, "etc/sub", &CTX), 0);
	assert_int_equal(put_str(t, "etc/sub/c", "gamma"), 0);
	assert_int_equal(tree_rename(t, "etc/b", "etc/sub/b", &CTX), 0);
	assert_int_equal(tree_remove(t, "etc/a", &CTX), 0);
}

static uint64_t sample_plus(const char *path, const char *data, uint32_t writer,
			    int64_t mtime)
{
	struct tree *t = new_tree();
	struct tree_op_ctx c = ctx_at(writer, mtime);
	uint64_t sum;

	build_sample(t);
	assert_int_equal(tree_put(t, path, data, strlen(data), false, 0, &c),
			 0);
	sum = tree_checksum(t);
	tree_free(t);
	return sum;
}

static uint64_t sum_of(const struct tree_entry *e)
{
	struct tree *t = new_tree();
	uint64_t sum;

	assert_int_equal(tree_install_entry(t, e), 0);
	sum = tree_checksum(t);
	tree_free(t);
	return sum;
}

static void checksum_equal_for_equal_trees_only(void **state)
{
	const struct tree_entry f = {
	    "f", TREE_FILE, (const uint8_t *)"ab", 2, 5, 1, 10};
	struct tree_entry g;
	uint64_t base = sample_plus("etc/x", "1", 7, 1000);

	assert_true(base != 0);
	assert_int_equal(sample_plus("etc/x", "1", 7, 1000), base);
	assert_true(sample_plus("etc/x", "2", 7, 1000) != base);
	assert_true(sample_plus("etc/x", "11", 7, 1000) != base);
	assert_true(sample_plus("etc/y", "1", 7, 1000) != base);
	assert_true(sample_plus("etc/x", "1", 8, 1000) != base);
	assert_true(sample_plus("etc/x", "1", 7, 1001) != base);
	/* one field at a time */
	assert_int_equal(sum_of(&f), sum_of(&f));
	g = f, g.path = "g";
	assert_true(sum_of(&g) != sum_of(&f));
	g = f, g.data = (const uint8_t *)"ac";
	assert_true(sum_of(&g) != sum_of(&f));
	g = f, g.size = 1;
	assert_true(sum_of(&g) != sum_of(&f));
	g = f, g.version = 6;
	assert_true(sum_of(&g) != sum_of(&f));
	g = f, g.writer = 2;
	assert_true(sum_of(&g) != sum_of(&f));
	g = f, g.mtime_ms = 11;
	assert_true(sum_of(&g) != sum_of(&f));
	g = f, g.size = 0, g.data = NULL;
	assert_true(sum_of(&g) != sum_of(&f));
	g.type = TREE_DIR;
	assert_true(sum_of(&g) != sum_of(&f));
	g.type = TREE_FILE;
	/* the root is outside the checksum */
	g = (struct tree_entry){"", TREE_DIR, NULL, 0, 9, 9, 9};
	assert_int_equal(sum_of(&g), 0);
}

static void checksum_independent_of_install_order(void **state)
{
	static const struct tree_entry es[] = {
	    {"d", TREE_DIR, NULL, 0, 3, 1, 10},
	    {"d/x", TREE_FILE, (const uint8_t *)"xx", 2, 4, 2, 20},
	    {"d/y", TREE_FILE, (const uint8_t *)"y", 1, 5, 1, 30},
	    {"e", TREE_DIR, NULL, 0, 6, 3, 40},
	    {"e/z", TREE_FILE, NULL, 0, 7, 1, 50},
	};
	static const int orders[][5] = {
	    {0, 1, 2, 3, 4}, {3, 4, 0, 2, 1}, {0, 3, 2, 4, 1}};
	uint64_t sums[3];

	for (int o = 0; o < 3; o++) {
		struct tree *t = new_tree();

		for (int i = 0; i < 5; i++)
			assert_int_equal(
			    tree_install_entry(t, &es[orders[o][i]]), 0);
		assert_int_equal(tree_version(t), 0);
		assert_int_equal(tree_entry_count(t), 5);
		sums[o] = tree_checksum(t);
		tree_free(t);
	}
	assert_int_equal(sums[0], sums[1]);
	assert_int_equal(sums[0], sums[2]);
}

struct collected {
	char text[1024];
};

static int collect_entry(const struct tree_entry *e, void *userdata)
{
	struct collected *c = userdata;
	size_t used = strlen(c->text);

	snprintf(c->text + used, sizeof(c->text) - used, "%s@%" PRIu64 ";",
		 e->path, e->version);
	return 0;
}

static int collect_tomb(const char *path, uint64_t version, void *userdata)
{
	struct collected *c = userdata;
	size_t used = strlen(c->text);

	snprintf(c->text + used, sizeof(c->text) - used, "%s@%" PRIu64 ";",
		 path, version);
	return strcmp(path, "stop") == 0 ? -EINTR : 0;
}

static void foreach_since_is_sorted_and_filtered(void **state)
{
	struct tree *t = new_tree();
	struct collected c = {};

	assert_int_equal(tree_mkdir(t, "a", &CTX), 0);	 /* 1 */
	assert_int_equal(put_str(t, "a/b", "1"), 0);	 /* 2 */
	assert_int_equal(put_str(t, "a-b", "1"), 0);	 /* 3 */
	assert_int_equal(tree_mkdir(t, "a/c", &CTX), 0); /* 4 */
	assert_int_equal(put_str(t, "a/c/d", "1"), 0);	 /* 5 */
	assert_int_equal(put_str(t, "0", "1"), 0);	 /* 6 */
	assert_int_equal(tree_foreach_since(t, 0, collect_entry, &c), 0);
	assert_string_equal(c.text, "0@6;a@4;a-b@3;a/b@2;a/c@5;a/c/d@5;");
	memset(&c, 0, sizeof(c));
	assert_int_equal(tree_foreach_since(t, 4, collect_entry, &c), 0);
	assert_string_equal(c.text, "0@6;a/c@5;a/c/d@5;");
	memset(&c, 0, sizeof(c));
	assert_int_equal(tree_foreach_since(t, 6, collect_entry, &c), 0);
	assert_string_equal(c.text, "");
	tree_free(t);
}

static void tombstones_since_sorted_and_dropped_on_create(void **state)
{
	struct tree *t = new_tree();
	struct collected c = {};

	assert_int_equal(put_str(t, "z", "1"), 0);	   /* 1 */
	assert_int_equal(put_str(t, "stop", "1"), 0);	   /* 2 */
	assert_int_equal(put_str(t, "b", "1"), 0);	   /* 3 */
	assert_int_equal(put_str(t, "a", "1"), 0);	   /* 4 */
	assert_int_equal(tree_remove(t, "z", &CTX), 0);	   /* 5 */
	assert_int_equal(tree_remove(t, "a", &CTX), 0);	   /* 6 */
	assert_int_equal(tree_remove(t, "b", &CTX), 0);	   /* 7 */
	assert_int_equal(tree_remove(t, "stop", &CTX), 0); /* 8 */
	assert_int_equal(tree_foreach_tombstone_since(t, 0, collect_tomb, &c),
			 -EINTR);
	assert_string_equal(c.text, "a@6;b@7;stop@8;");
	memset(&c, 0, sizeof(c));
	assert_int_equal(tree_foreach_tombstone_since(t, 6, collect_tomb, &c),
			 -EINTR);
	assert_string_equal(c.text, "b@7;stop@8;");
	assert_int_equal(tree_mkdir(t, "b", &CTX), 0);
	assert_int_equal(put_str(t, "stop", "again"), 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(tree_foreach_tombstone_since(t, 0, collect_tomb, &c),
			 0);
	assert_string_equal(c.text, "a@6;z@5;");
	tree_free(t);
}

static void prune_drops_oldest_and_raises_horizon(void **state)
{
	struct tree *t = new_tree();
	struct collected c = {};

	assert_int_equal(tree_mkdir(t, "d", &CTX), 0);
	assert_int_equal(put_str(t, "d/1", "1"), 0);
	assert_int_equal(put_str(t, "d/2", "1"), 0);
	assert_int_equal(put_str(t, "f", "1"), 0);
	assert_int_equal(put_str(t, "g", "1"), 0);
	assert_int_equal(tree_rename(t, "d", "e", &CTX), 0); /* 6: 3 tombs */
	assert_int_equal(tree_remove(t, "f", &CTX), 0);	     /* 7 */
	assert_int_equal(tree_remove(t, "g", &CTX), 0);	     /* 8 */
	tree_prune_tombstones(t, 5);
	assert_int_equal(tree_tombstone_horizon(t), 0);
	tree_prune_tombstones(t, 2);
	assert_int_equal(tree_tombstone_horizon(t), 6);
	assert_int_equal(tree_foreach_tombstone_since(t, 0, collect_tomb, &c),
			 0);
	assert_string_equal(c.text, "f@7;g@8;");
	/* a whole version goes even if fewer than MAX remain */
	assert_int_equal(tree_rename(t, "e", "d", &CTX), 0); /* 9: 3 tombs */
	tree_prune_tombstones(t, 2);
	assert_int_equal(tree_tombstone_horizon(t), 9);
	memset(&c, 0, sizeof(c));
	assert_int_equal(tree_foreach_tombstone_since(t, 0, collect_tomb, &c),
			 0);
	assert_string_equal(c.text, "");
	assert_int_equal(tree_version(t), 9);
	tree_prune_tombstones(t, 0);
	assert_int_equal(tree_tombstone_horizon(t), 9);
	tree_free(t);
}

static void install_entry_replaces_exactly(void **state)
{
	struct tree *t = new_tree();
	struct tree_entry dir = {"d", TREE_DIR, NULL, 0, 10, 2, 99};
	struct tree_entry file = {"d", TREE_FILE, (const uint8_t *)"f", 1, 12,
				  3,   100};
	struct tree_entry kid = {"d/k", TREE_FILE, (const uint8_t *)"k", 1, 11,
				 2,	98};
	struct tree_entry bad = kid;
	struct collected c = {};

	assert_int_equal(tree_install_tombstone(t, "d", 5), 0);
	assert_int_equal(tree_install_entry(t, &dir), 0);
	assert_int_equal(tree_install_entry(t, &kid), 0);
	assert_int_equal(tree_version(t), 0);
	assert_int_equal(tree_lookup(t, "d")->writer, 2);
	assert_int_equal(tree_lookup(t, "d")->mtime_ms, 99);
	assert_int_equal(tree_lookup(t, "")->version, 0);
	assert_int_equal(tree_foreach_tombstone_since(t, 0, collect_tomb, &c),
			 0);
	assert_string_equal(c.text, "");
	bad.path = "x/k";
	assert_fails(t, tree_install_entry(t, &bad), -ENOENT);
	bad.path = "d/k/x";
	assert_fails(t, tree_install_entry(t, &bad), -ENOTDIR);
	bad.path = "d//x";
	assert_fails(t, tree_install_entry(t, &bad), -EINVAL);
	bad = kid;
	bad.type = 3;
	assert_fails(t, tree_install_entry(t, &bad), -EINVAL);
	bad = kid;
	bad.data = NULL;
	assert_fails(t, tree_install_entry(t, &bad), -EINVAL);
	bad = dir;
	bad.data = (const uint8_t *)"x";
	bad.size = 1;
	assert_fails(t, tree_install_entry(t, &bad), -EINVAL);
	bad = kid;
	bad.version = 0;
	assert_fails(t, tree_install_entry(t, &bad), -EINVAL);
	bad = file;
	bad.path = "";
	assert_fails(t, tree_install_entry(t, &bad), -EINVAL);
	assert_fails(t, tree_install_entry(t, NULL), -EINVAL);
	obs_reset();
	assert_int_equal(tree_install_entry(t, &file), 0);
	assert_string_equal(obs_log, "-d/k@12;+d@12;");
	assert_int_equal(tree_lookup(t, "d")->type, TREE_FILE);
	assert_null(tree_lookup(t, "d/k"));
	assert_int_equal(tree_entry_count(t), 1);
	assert_int_equal(tree_total_size(t), 1);
	assert_int_equal(tree_install_entry(t, &dir), 0);
	assert_int_equal(tree_lookup(t, "d")->type, TREE_DIR);
	assert_int_equal(tree_total_size(t), 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(tree_foreach_tombstone_since(t, 0, collect_tomb, &c),
			 0);
	assert_string_equal(c.text, "d/k@12;");
	tree_free(t);
}

static void install_tombstone_removes_subtree(void **state)
{
	struct tree *t = new_tree();
	struct collected c = {};

	assert_int_equal(tree_mkdir(t, "d", &CTX), 0);
	assert_int_equal(tree_mkdir(t, "d/e", &CTX), 0);
	assert_int_equal(put_str(t, "d/e/f", "1"), 0);
	assert_int_equal(put_str(t, "g", "1"), 0);
	obs_reset();
	assert_int_equal(tree_install_tombstone(t, "d", 9), 0);
	assert_string_equal(obs_log, "-d/e/f@9;-d/e@9;-d@9;");
	assert_int_equal(tree_version(t), 4);
	assert_int_equal(tree_entry_count(t), 1);
	assert_int_equal(tree_install_tombstone(t, "never", 3), 0);
	assert_int_equal(tree_foreach_tombstone_since(t, 0, collect_tomb, &c),
			 0);
	assert_string_equal(c.text, "d@9;d/e@9;d/e/f@9;never@3;");
	assert_fails(t, tree_install_tombstone(t, "", 3), -EBUSY);
	assert_fails(t, tree_install_tombstone(t, "x", 0), -EINVAL);
	assert_fails(t, tree_install_tombstone(t, "/x", 3), -EINVAL);
	tree_free(t);
}

static void clear_keeps_root_and_forgets_history(void **state)
{
	struct tree *t = new_tree();
	struct collected c = {};
	struct tree_entry e = {"x", TREE_FILE, (const uint8_t *)"1", 1, 40,
			       1,   5};

	build_sample(t);
	obs_reset();
	tree_clear(t);
	assert_string_equal(obs_log, "-@0;");
	assert_int_equal(tree_entry_count(t), 0);
	assert_int_equal(tree_total_size(t), 0);
	assert_int_equal(tree_checksum(t), 0);
	assert_int_equal(tree_version(t), 0);
	assert_non_null(tree_lookup(t, ""));
	assert_null(tree_lookup(t, "etc"));
	assert_int_equal(tree_foreach_tombstone_since(t, 0, collect_tomb, &c),
			 0);
	assert_string_equal(c.text, "");
	assert_int_equal(tree_install_entry(t, &e), 0);
	assert_int_equal(tree_install_tombstone(t, "old", 30), 0);
	tree_set_version(t, 42);
	assert_int_equal(tree_version(t), 42);
	assert_int_equal(tree_tombstone_horizon(t), 42);
	assert_int_equal(tree_foreach_tombstone_since(t, 0, collect_tomb, &c),
			 0);
	assert_string_equal(c.text, "");
	/* only the first set_version after a clear moves the horizon */
	tree_set_version(t, 50);
	assert_int_equal(tree_tombstone_horizon(t), 42);
	tree_set_tombstone_horizon(t, 7);
	assert_int_equal(tree_tombstone_horizon(t), 7);
	tree_free(t);
}

/* xorshift64*: the same sequence on every run. */
static uint64_t rnd_state;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 0x2545f4914f6cdd1dULL;
}

static void random_path(char *buf)
{
	static const char *const names[] = {"a", "b", "c", "a-b", "a.b"};
	int depth = 1 + (int)(rnd() % 3);

	buf[0] = '\0';
	for (int i = 0; i < depth; i++) {
		if (i)
			strcat(buf, "/");
		strcat(buf, names[rnd() % 5]);
	}
}

/* Successful put, mkdir, remove, rename. */
static unsigned op_successes[4];

/* One random operation; checks that a failure changed nothing. */
static void random_op(struct tree *t)
{
	char p[64], q[64];
	uint8_t data[48];
	size_t size = rnd() % sizeof(data);
	struct tree_op_ctx c = ctx_at((uint32_t)(rnd() % 4), (int64_t)rnd());
	uint64_t v = tree_version(t), sum = tree_checksum(t);
	int r, op = (int)(rnd() % 10);

	random_path(p);
	random_path(q);
	for (size_t i = 0; i < size; i++)
		data[i] = (uint8_t)rnd();
	if (op < 4)
		r = tree_put(t, p, data, size, false, 0, &c);
	else if (op < 6)
		r = tree_mkdir(t, p, &c);
	else if (op < 8)
		r = tree_remove(t, p, &c);
	else
		r = tree_rename(t, p, q, &c);
	assert_int_equal(tree_version(t), r == 0 ? v + 1 : v);
	if (r < 0)
		assert_int_equal(tree_checksum(t), sum);
	else
		op_successes[op < 4 ? 0 : op < 6 ? 1 : op < 8 ? 2 : 3]++;
}

static int install_entry_cb(const struct tree_entry *e, void *userdata)
{
	return tree_install_entry(userdata, e);
}

static int install_tomb_cb(const char *path, uint64_t version, void *userdata)
{
	return tree_install_tombstone(userdata, path, version);
}

/* Bring TO up to FROM with a diff since TO's version, like sync does. */
static void apply_diff(struct tree *to, const struct tree *from,
		       bool tombstones_first)
{
	uint64_t since = tree_version(to);

	if (tombstones_first)
		assert_int_equal(tree_foreach_tombstone_since(
				     from, since, install_tomb_cb, to),
				 0);
	assert_int_equal(tree_foreach_since(from, since, install_entry_cb, to),
			 0);
	if (!tombstones_first)
		assert_int_equal(tree_foreach_tombstone_since(
				     from, since, install_tomb_cb, to),
				 0);
	tree_set_version(to, tree_version(from));
}

static void assert_same_tree(const struct tree *a, const struct tree *b)
{
	char *sa = tree_signature(a, false), *sb = tree_signature(b, false);

	assert_string_equal(sa, sb);
	free(sa);
	free(sb);
}

static void replay_rebuilds_identical_trees(void **state)
{
	struct tree *a = tree_with(NULL), *twin = tree_with(NULL);
	struct tree *lag1 = tree_with(NULL), *lag2 = tree_with(NULL);
	struct tree *full = tree_with(NULL);

	rnd_state = 0x9e3779b97f4a7c15ULL;
	for (int i = 0; i < 3000; i++) {
		uint64_t saved = rnd_state;

		random_op(a);
		rnd_state = saved;
		random_op(twin);
		rnd_state = saved;
		random_op(lag1);
		rnd_state = saved;
		random_op(lag2);
	}
	assert_same_tree(a, twin);
	assert_same_tree(a, lag1);
	for (int i = 0; i < 3000; i++) {
		uint64_t saved = rnd_state;

		random_op(a);
		rnd_state = saved;
		random_op(twin);
	}
	assert_true(tree_version(a) > tree_version(lag1));
	assert_true(tree_entry_count(a) > 10);
	for (int i = 0; i < 4; i++) /* summed over the trees */
		assert_true(op_successes[i] > 200);
	assert_same_tree(a, twin);
	apply_diff(lag1, a, true);
	assert_same_tree(a, lag1);
	apply_diff(lag2, a, false);
	assert_same_tree(a, lag2);
	apply_diff(full, a, true);
	assert_int_equal(tree_checksum(full), tree_checksum(a));
	assert_same_tree(a, full);
	tree_free(a);
	tree_free(twin);
	tree_free(lag1);
	tree_free(lag2);
	tree_free(full);
}

static void survives_hostile_input(void **state)
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
