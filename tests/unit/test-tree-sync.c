/*
 * test-tree, what sync relies on: checksums (equal for equal trees only,
 * independent of install order), walks of entries and tombstones since a
 * version, tombstone pruning and its horizon, installing entries and
 * tombstones, and clearing. Separate from the operations, which these
 * cases take as given; the fixture is in tree-fixture.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tree-fixture.h"

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

void checksum_equal_for_equal_trees_only(void **state)
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

void checksum_independent_of_install_order(void **state)
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

static int collect_entry(const struct tree_entry *e, void *userdata)
{
	struct collected *c = userdata;
	size_t used = strlen(c->text);

	snprintf(c->text + used, sizeof(c->text) - used, "%s@%" PRIu64 ";",
		 e->path, e->version);
	return 0;
}

void foreach_since_is_sorted_and_filtered(void **state)
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

void tombstones_since_sorted_and_dropped_on_create(void **state)
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

void prune_drops_oldest_and_raises_horizon(void **state)
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

void install_entry_replaces_exactly(void **state)
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

void install_tombstone_removes_subtree(void **state)
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

void clear_keeps_root_and_forgets_history(void **state)
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
