/*
 * test-tree, the replay property: thousands of random operations (a
 * failure must change nothing), and trees rebuilt from another's entries
 * and tombstones, whole or as a diff since an earlier version, end
 * identical to it. Separate for its own machinery (a seeded generator,
 * diff application); the fixture is in tree-fixture.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <string.h>

#include "macro.h"
#include "test-rng.h"
#include "tree-fixture.h"

/* The same sequence on every run (tests/lib/test-rng.h). */
static uint64_t rnd_state;

static uint64_t rnd(void)
{
	return test_rng_next(&rnd_state);
}

static void random_path(char *buf)
{
	static const char *const names[] = {"a", "b", "c", "a-b", "a.b"};

	test_rng_path(&rnd_state, names, ELEMENTSOF(names), buf);
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

void replay_rebuilds_identical_trees(void **state)
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
