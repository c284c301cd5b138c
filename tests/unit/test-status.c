/*
 * The node status store (clusterd/status.c) against the simulated group
 * of sim.h: replication to every member, ownership by the sender as the
 * group reports it, writes without quorum, the snapshot each member sends
 * after a view change, and the drop of departed nodes' entries.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clusterd.pb-c.h"
#include "sim.h"
#include "status.h"

static struct status *ST[SIM_MAX_NODES];
static int done_err[SIM_MAX_NODES];
static unsigned done_count[SIM_MAX_NODES];

static void set_done(void *userdata, uint64_t op_id, int err)
{
	int i = (int)(intptr_t)userdata;

	done_err[i] = err;
	done_count[i]++;
}

static void node_init(int i)
{
	static const struct status_ops ops = {.set_done = set_done};

	assert_int_equal(
	    status_new(S->nodes[i].replica, &ops, (void *)(intptr_t)i, &ST[i]),
	    0);
}

static void node_free(int i)
{
	status_free(ST[i]);
	ST[i] = NULL;
}

static void start(int n)
{
	static const struct sim_hooks hooks = {
	    .node_init = node_init,
	    .node_free = node_free,
	};

	memset(done_count, 0, sizeof(done_count));
	sim_set_hooks(&hooks);
	sim_start(n);
}

static void stop(void)
{
	sim_stop();
	sim_set_hooks(NULL);
}

/* Set on node I and deliver; the error its client would get. */
static int set(int i, const char *key, const char *value)
{
	uint64_t op;
	unsigned before = done_count[i];
	int r = status_set(ST[i], key, value, strlen(value), &op);

	if (r < 0)
		return r;
	sim_drain();
	assert_int_equal(done_count[i], before + 1);
	return done_err[i];
}

/* NODEID's KEY as node I sees it, or NULL. */
static const char *get(int i, uint32_t nodeid, const char *key)
{
	static char buf[STATUS_VALUE_MAX + 1];
	const void *value;
	size_t len;

	if (status_get(ST[i], nodeid, key, &value, &len) < 0)
		return NULL;
	memcpy(buf, value, len);
	buf[len] = '\0';
	return buf;
}

static int count_one(uint32_t nodeid, const char *key, const void *value,
		     size_t len, void *userdata)
{
	(*(unsigned *)userdata)++;
	return 0;
}

static unsigned count(int i, uint32_t nodeid)
{
	unsigned n = 0;

	status_foreach(ST[i], nodeid, count_one, &n);
	return n;
}

static void set_replicates(void **state)
{
	start(3);
	assert_int_equal(set(0, "health", "ok"), 0);
	assert_int_equal(set(2, "health", "degraded"), 0);
	for (int i = 0; i < 3; i++) {
		assert_string_equal(get(i, 1, "health"), "ok");
		assert_string_equal(get(i, 3, "health"), "degraded");
		assert_null(get(i, 2, "health"));
	}
	assert_int_equal(set(0, "health", ""), 0); /* empty deletes */
	for (int i = 0; i < 3; i++) {
		assert_null(get(i, 1, "health"));
		assert_int_equal(count(i, 0), 1);
	}
	stop();
}

/* The owner is the sender CPG reports: node 2 writing "health" changes
 * node 2's entry, never node 1's, whatever it puts in the message. */
static void owner_only(void **state)
{
	Clusterd__Header header = CLUSTERD__HEADER__INIT;
	Clusterd__CpgMessage msg = CLUSTERD__CPG_MESSAGE__INIT;
	Clusterd__StatusOp op = CLUSTERD__STATUS_OP__INIT;
	Clusterd__StatusKV kv = CLUSTERD__STATUS_KV__INIT, *kvp = &kv;
	uint8_t buf[256];
	size_t len;

	start(3);
	assert_int_equal(set(0, "health", "ok"), 0);
	header.protocol_version =
	    CLUSTERD__PROTOCOL_VERSION__PROTOCOL_VERSION_CURRENT;
	kv.key = "health";
	op.entries = &kvp;
	op.n_entries = 1;
	op.replace_all = true; /* even a snapshot only replaces its own */
	msg.header = &header;
	msg.body_case = CLUSTERD__CPG_MESSAGE__BODY_STATUS;
	msg.status = &op;
	len = clusterd__cpg_message__pack(&msg, buf);
	sim_send_raw(1, buf, len);
	sim_drain();
	for (int i = 0; i < 3; i++) {
		assert_string_equal(get(i, 1, "health"), "ok");
		assert_null(get(i, 2, "health"));
	}
	stop();
}

static void works_without_quorum(void **state)
{
	start(3);
	S->nodes[2].partition = 1;
	sim_views();
	assert_false(replica_quorate(S->nodes[2].replica));
	assert_int_equal(set(2, "health", "isolated"), 0);
	assert_string_equal(get(2, 3, "health"), "isolated");
	assert_null(get(0, 3, "health"));
	assert_int_equal(set(0, "health", "ok"), 0);
	assert_null(get(2, 1, "health"));
	stop();
}

static void departed_entries_dropped_and_resent(void **state)
{
	start(3);
	assert_int_equal(set(0, "a", "1"), 0);
	assert_int_equal(set(2, "c", "3"), 0);
	assert_int_equal(set(2, "gone", "x"), 0);
	S->nodes[2].partition = 1;
	sim_views();
	assert_null(get(0, 3, "c"));
	assert_null(get(1, 3, "c"));
	assert_null(get(2, 1, "a"));
	assert_string_equal(get(2, 3, "c"), "3");
	/* Changes on both sides while apart. */
	assert_int_equal(set(0, "a", "2"), 0);
	assert_int_equal(set(2, "c", "4"), 0);
	assert_int_equal(set(2, "gone", ""), 0);
	S->nodes[2].partition = 0;
	sim_views();
	for (int i = 0; i < 3; i++) {
		assert_string_equal(get(i, 1, "a"), "2");
		assert_string_equal(get(i, 3, "c"), "4");
		assert_null(get(i, 3, "gone"));
		assert_int_equal(count(i, 0), 2);
	}
	stop();
}

/* A change multicast before a view change but delivered after it, behind
 * the sender's snapshot's predecessors, is not undone by the snapshot. */
static void in_flight_change_survives_snapshot(void **state)
{
	uint64_t op;

	start(3);
	assert_int_equal(status_set(ST[1], "k", "v", 1, &op), 0);
	for (int i = 0; i < 3; i++) {
		struct replica_member m[3] = {{1, 100}, {2, 101}, {3, 102}};

		replica_view(S->nodes[i].replica, m, 3);
	}
	sim_drain();
	for (int i = 0; i < 3; i++)
		assert_string_equal(get(i, 2, "k"), "v");
	stop();
}

static void large_snapshot_in_parts(void **state)
{
	static char value[STATUS_VALUE_MAX + 1];
	char key[16];
	uint64_t op;

	start(3);
	memset(value, 'v', STATUS_VALUE_MAX);
	S->nodes[2].partition = 1;
	sim_views();
	for (int k = 0; k < 40; k++) {
		snprintf(key, sizeof(key), "k%02d", k);
		assert_int_equal(
		    status_set(ST[2], key, value, STATUS_VALUE_MAX, &op), 0);
	}
	sim_drain();
	S->nodes[2].partition = 0;
	sim_views();
	for (int i = 0; i < 3; i++)
		assert_int_equal(count(i, 3), 40);
	assert_true(status_get_stats(ST[2])->snapshots_sent >= 3);
	stop();
}

/* Observers hear of every applied change, on every member: the key set
 * or deleted, and NULL for a node's snapshot after a view change. */
static char seen[SIM_MAX_NODES][256];

static void observe(uint32_t nodeid, const char *key, void *userdata)
{
	int i = (int)(intptr_t)userdata;
	char one[64];

	snprintf(one, sizeof(one), "%u:%s;", nodeid, key ? key : "*");
	strncat(seen[i], one, sizeof(seen[i]) - strlen(seen[i]) - 1);
}

static void observers_see_changes(void **state)
{
	start(3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(
		    status_add_observer(ST[i], observe, (void *)(intptr_t)i),
		    0);
		seen[i][0] = '\0';
	}
	assert_int_equal(set(0, "ha/lrm", "x"), 0);
	assert_int_equal(set(2, "ha/lrm", ""), 0);
	for (int i = 0; i < 3; i++)
		assert_string_equal(seen[i], "1:ha/lrm;3:ha/lrm;");
	seen[0][0] = '\0';
	S->nodes[2].partition = 1;
	sim_views();
	assert_non_null(strstr(seen[0], "1:*;")); /* n1's own snapshot */
	for (int k = 1; k < STATUS_MAX_OBSERVERS; k++)
		assert_int_equal(status_add_observer(ST[0], observe, NULL), 0);
	assert_int_equal(status_add_observer(ST[0], observe, NULL), -ENOSPC);
	stop();
}

static void limits(void **state)
{
	static char big[STATUS_VALUE_MAX + 2];
	char longkey[300], key[16];
	uint64_t op;

	start(1);
	memset(longkey, 'k', sizeof(longkey) - 1);
	longkey[sizeof(longkey) - 1] = '\0';
	assert_int_equal(status_set(ST[0], "", "v", 1, &op), -EINVAL);
	assert_int_equal(status_set(ST[0], longkey, "v", 1, &op),
			 -ENAMETOOLONG);
	assert_int_equal(status_set(ST[0], "k", big, STATUS_VALUE_MAX + 1, &op),
			 -EFBIG);
	assert_int_equal(status_set(ST[0], "k", big, STATUS_VALUE_MAX, &op), 0);
	for (int k = 0; k < STATUS_MAX_KEYS - 1; k++) {
		snprintf(key, sizeof(key), "n%d", k);
		assert_int_equal(status_set(ST[0], key, "v", 1, &op), 0);
	}
	assert_int_equal(status_set(ST[0], "one-too-many", "v", 1, &op),
			 -ENOSPC);
	sim_drain();
	assert_int_equal(count(0, 1), STATUS_MAX_KEYS);
	stop();
}

static void malformed_update_dropped(void **state)
{
	Clusterd__Header header = CLUSTERD__HEADER__INIT;
	Clusterd__CpgMessage msg = CLUSTERD__CPG_MESSAGE__INIT;
	Clusterd__StatusOp op = CLUSTERD__STATUS_OP__INIT;
	Clusterd__StatusKV kv = CLUSTERD__STATUS_KV__INIT, *kvp = &kv;
	char longkey[300];
	uint8_t buf[1024];

	start(2);
	memset(longkey, 'k', sizeof(longkey) - 1);
	longkey[sizeof(longkey) - 1] = '\0';
	header.protocol_version =
	    CLUSTERD__PROTOCOL_VERSION__PROTOCOL_VERSION_CURRENT;
	kv.key = longkey;
	op.entries = &kvp;
	op.n_entries = 1;
	msg.header = &header;
	msg.body_case = CLUSTERD__CPG_MESSAGE__BODY_STATUS;
	msg.status = &op;
	sim_send_raw(1, buf, clusterd__cpg_message__pack(&msg, buf));
	sim_drain();
	assert_int_equal(status_get_stats(ST[0])->ops_dropped, 1);
	assert_int_equal(count(0, 0), 0);
	assert_int_equal(set(1, "fine", "yes"), 0);
	assert_string_equal(get(0, 2, "fine"), "yes");
	stop();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(set_replicates),
	    cmocka_unit_test(owner_only),
	    cmocka_unit_test(works_without_quorum),
	    cmocka_unit_test(departed_entries_dropped_and_resent),
	    cmocka_unit_test(in_flight_change_survives_snapshot),
	    cmocka_unit_test(large_snapshot_in_parts),
	    cmocka_unit_test(observers_see_changes),
	    cmocka_unit_test(limits),
	    cmocka_unit_test(malformed_update_dropped),
	};

	return cmocka_run_group_tests_name("status", tests, NULL, NULL);
}
