/*
 * Unit tests for clusterd/guest_ids.c (guest IDs unique cluster-wide) and
 * clusterd/clusterlog.c (the ring of cluster events).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "clusterlog.h"
#include "guest_ids.h"
#include "tree.h"

static const struct tree_op_ctx CTX = {.writer = 1, .mtime_ms = 1000};

static struct tree *tree_with_nodes(void)
{
	static const char *const dirs[] = {
	    "nodes",   "nodes/a",      "nodes/a/qemu", "nodes/a/lxc",
	    "nodes/b", "nodes/b/qemu", "nodes/b/lxc",  "nodes/c",
	};
	struct tree *t;

	assert_int_equal(tree_new(NULL, &t), 0);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++)
		assert_int_equal(tree_mkdir(t, dirs[i], &CTX), 0);
	assert_int_equal(
	    tree_put(t, "nodes/a/qemu/100.conf", "x", 1, false, 0, &CTX), 0);
	return t;
}

static void parses_guest_paths(void **state)
{
	uint64_t id;
	const char *type;
	char node[64];

	assert_true(guest_path_parse("nodes/n1/qemu/100.conf", &id, &type, node,
				     sizeof(node)));
	assert_int_equal(id, 100);
	assert_string_equal(type, "qemu");
	assert_string_equal(node, "n1");
	assert_true(
	    guest_path_parse("nodes/x/lxc/7.conf", &id, &type, NULL, 0));
	assert_string_equal(type, "lxc");
	assert_int_equal(id, 7);
	static const char *const not_guests[] = {
	    "nodes/n1/qemu/100.conf.tmp",
	    "nodes/n1/qemu/0100.conf",
	    "nodes/n1/qemu/abc.conf",
	    "nodes/n1/kvm/100.conf",
	    "nodes/n1/qemu/sub/100.conf",
	    "nodes//qemu/100.conf",
	    "qemu/100.conf",
	    "nodes/n1/qemu/.conf",
	    "nodes/n1/qemu/100",
	    "nodes/n1/qemu/-1.conf",
	};
	for (size_t i = 0; i < sizeof(not_guests) / sizeof(*not_guests); i++)
		assert_false(
		    guest_path_parse(not_guests[i], &id, NULL, NULL, 0));
}

static void duplicate_id_refused_anywhere(void **state)
{
	struct tree *t = tree_with_nodes();

	/* Same ID, other node or other type: refused. */
	assert_int_equal(
	    guest_id_check_unique(t, "nodes/b/qemu/100.conf", NULL), -EEXIST);
	assert_int_equal(guest_id_check_unique(t, "nodes/b/lxc/100.conf", NULL),
			 -EEXIST);
	assert_int_equal(guest_id_check_unique(t, "nodes/a/lxc/100.conf", NULL),
			 -EEXIST);
	/* A node directory without qemu/ or lxc/ yet counts too. */
	assert_int_equal(
	    guest_id_check_unique(t, "nodes/c/qemu/100.conf", NULL), -EEXIST);
	/* Rewriting the guest itself, other IDs, other files: fine. */
	assert_int_equal(
	    guest_id_check_unique(t, "nodes/a/qemu/100.conf", NULL), 0);
	assert_int_equal(
	    guest_id_check_unique(t, "nodes/b/qemu/101.conf", NULL), 0);
	assert_int_equal(guest_id_check_unique(t, "nodes/b/qemu/100.cfg", NULL),
			 0);
	assert_int_equal(guest_id_check_unique(t, "other/100.conf", NULL), 0);
	tree_free(t);
}

static void migration_rename_allowed(void **state)
{
	struct tree *t = tree_with_nodes();

	assert_int_equal(guest_id_check_unique(t, "nodes/b/qemu/100.conf",
					       "nodes/a/qemu/100.conf"),
			 0);
	/* ... but not when a third copy exists. */
	assert_int_equal(
	    tree_put(t, "nodes/b/lxc/100.conf", "y", 1, false, 0, &CTX), 0);
	assert_int_equal(guest_id_check_unique(t, "nodes/b/qemu/100.conf",
					       "nodes/a/qemu/100.conf"),
			 -EEXIST);
	/* Renaming another file onto a guest ID in use is refused. */
	assert_int_equal(
	    guest_id_check_unique(t, "nodes/b/qemu/100.conf", "nodes/b/x"),
	    -EEXIST);
	tree_free(t);
}

static void no_nodes_directory(void **state)
{
	struct tree *t;

	assert_int_equal(tree_new(NULL, &t), 0);
	assert_int_equal(guest_id_check_unique(t, "nodes/a/qemu/1.conf", NULL),
			 0);
	assert_int_equal(tree_put(t, "nodes", "f", 1, false, 0, &CTX), 0);
	assert_int_equal(guest_id_check_unique(t, "nodes/a/qemu/1.conf", NULL),
			 0);
	tree_free(t);
}

static int collect(const struct clusterlog_event *ev, void *userdata)
{
	strcat(userdata, ev->msg);
	strcat(userdata, ";");
	return 0;
}

static void clusterlog_records_changes(void **state)
{
	struct replica_member v1[] = {{1, 10}, {2, 20}},
			      v2[] = {{2, 20}, {3, 30}};
	char buf[4096] = "";

	clusterlog_reset();
	clusterlog_view(v1, 2);
	clusterlog_quorum(true);
	clusterlog_quorum(true);
	clusterlog_view(v2, 2);
	clusterlog_quorum(false);
	clusterlog_add("custom %d", 42);
	clusterlog_foreach(collect, buf);
	assert_string_equal(buf, "node 1 joined;node 2 joined;quorum gained;"
				 "node 3 joined;node 1 left;quorum lost;"
				 "custom 42;");
}

static void clusterlog_keeps_the_newest(void **state)
{
	char buf[CLUSTERLOG_SIZE * 16] = "";
	char expect[64];

	clusterlog_reset();
	for (int i = 0; i < CLUSTERLOG_SIZE + 10; i++)
		clusterlog_add("e%d", i);
	clusterlog_foreach(collect, buf);
	assert_true(strncmp(buf, "e10;", 4) == 0);
	snprintf(expect, sizeof(expect), "e%d;", CLUSTERLOG_SIZE + 9);
	assert_non_null(strstr(buf, expect));
	assert_null(strstr(buf, "e9;"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parses_guest_paths),
	    cmocka_unit_test(duplicate_id_refused_anywhere),
	    cmocka_unit_test(migration_rename_allowed),
	    cmocka_unit_test(no_nodes_directory),
	    cmocka_unit_test(clusterlog_records_changes),
	    cmocka_unit_test(clusterlog_keeps_the_newest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
