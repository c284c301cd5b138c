/*
 * The replica against the simulated group of sim.h (real trees, total
 * order per partition, virtual synchrony). This pins down invariants 1, 2 and 4 of
 * ARCHITECTURE.md without corosync, deterministically, from a seed.
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

static void assert_converged(int a, int b)
{
	assert_int_equal(tree_version(S->nodes[a].tree),
			 tree_version(S->nodes[b].tree));
	assert_int_equal(tree_checksum(S->nodes[a].tree),
			 tree_checksum(S->nodes[b].tree));
}


static void write_applies_everywhere(void **state)
{
	sim_start(3);
	for (int i = 0; i < 3; i++) {
		assert_true(replica_quorate(S->nodes[i].replica));
		assert_true(replica_synced(S->nodes[i].replica));
	}
	assert_int_equal(sim_put(1, "a", "1"), 0);
	assert_int_equal(sim_put(2, "a", "2"), 0);
	assert_int_equal(sim_put(0, "missing/x", "1"), -ENOENT);
	for (int i = 0; i < 3; i++) {
		const struct tree_entry *e = tree_lookup(S->nodes[i].tree, "a");

		assert_non_null(e);
		assert_memory_equal(e->data, "2", 1);
		assert_int_equal(e->writer, 3);
		assert_converged(0, i);
	}
	sim_stop();
}

static void minority_never_applies(void **state)
{
	sim_start(3);
	S->nodes[2].partition = 1;
	sim_views();
	assert_false(replica_quorate(S->nodes[2].replica));
	assert_true(replica_quorate(S->nodes[0].replica));
	assert_int_equal(sim_put(2, "m", "x"), -EROFS);
	assert_int_equal(sim_put(0, "k", "v"), 0);
	assert_true(sim_has(1, "k"));
	assert_false(sim_has(2, "k"));
	assert_false(sim_has(2, "m"));

	S->nodes[2].partition = 0; /* heal: the laggard catches up */
	sim_views();
	assert_true(sim_has(2, "k"));
	for (int i = 0; i < 3; i++)
		assert_true(replica_synced(S->nodes[i].replica));
	assert_converged(0, 2);
	sim_stop();
}

static void divergence_is_repaired_by_snapshot(void **state)
{
	struct tree_op_ctx ctx = {.writer = 9, .mtime_ms = 1};

	sim_start(3);
	assert_int_equal(sim_put(0, "a", "1"), 0);
	/* Corrupt node 3 behind the replica's back: same version, other tree.
	 */
	assert_int_equal(
	    tree_put(S->nodes[2].tree, "a", "evil", 4, false, 0, &ctx), 0);
	tree_set_version(S->nodes[2].tree, tree_version(S->nodes[0].tree));
	sim_views();
	assert_converged(0, 2);
	assert_memory_equal(tree_lookup(S->nodes[2].tree, "a")->data, "1", 1);
	assert_true(replica_get_stats(S->nodes[2].replica)->syncs_completed >=
		    2);
	sim_stop();
}

static void garbage_message_is_dropped(void **state)
{
	static const unsigned char junk[] = {0x0a, 0xff, 0x01, 0x02};

	sim_start(3);
	sim_send_raw(1, junk, sizeof(junk));
	sim_drain();
	for (int i = 0; i < 3; i++)
		assert_int_equal(
		    replica_get_stats(S->nodes[i].replica)->messages_dropped,
		    1);
	assert_int_equal(sim_put(0, "still", "works"), 0);
	sim_stop();
}

/* Random partitions, heals and writes of unique keys from random nodes.
 * Invariants checked: a node in a minority never changes its tree; at the
 * end, after healing, all trees are identical and every acknowledged key
 * is present on every node. */
static void random_partitions_lose_nothing(void **state)
{
	unsigned seed = 12345, acked = 0, refused = 0;
	char(*keys)[16] = calloc(4000, sizeof(*keys));

	srand(seed);
	sim_start(5);
	for (int step = 0; step < 4000; step++) {
		int who = rand() % 5, r;
		uint64_t before = tree_version(S->nodes[who].tree);
		bool quorate = replica_quorate(S->nodes[who].replica);

		if (rand() % 50 == 0) {
			for (int i = 0; i < 5; i++)
				S->nodes[i].partition = rand() % 3;
			sim_views();
			continue;
		}
		snprintf(keys[step], sizeof(keys[step]), "k%d", step);
		r = sim_put(who, keys[step], "v");
		if (r == 0) {
			acked++;
		} else {
			keys[step][0] = '\0';
			refused++;
			if (!quorate)
				assert_int_equal(
				    tree_version(S->nodes[who].tree), before);
		}
	}
	for (int i = 0; i < 5; i++)
		S->nodes[i].partition = 0;
	sim_views();
	for (int i = 0; i < 5; i++) {
		assert_true(replica_synced(S->nodes[i].replica));
		assert_converged(0, i);
	}
	for (int step = 0; step < 4000; step++)
		if (keys[step][0])
			for (int i = 0; i < 5; i++)
				assert_true(sim_has(i, keys[step]));
	printf("# %u writes acknowledged, %u refused, all present on 5 nodes\n",
	       acked, refused);
	assert_true(acked > 100 && refused > 100);
	free(keys);
	sim_stop();
}

static void stalled_member_is_excluded_by_the_deadline(void **state)
{
	sim_start(3);
	S->nodes[2].muted = true;
	sim_views(); /* node 3 never sends its SyncState: the view stalls */
	for (int i = 0; i < 3; i++)
		assert_false(replica_synced(S->nodes[i].replica));
	assert_int_equal(sim_put(0, "a", "1"), -EAGAIN);

	replica_sync_timeout(S->nodes[1].replica);
	sim_drain();
	assert_true(replica_synced(S->nodes[0].replica));
	assert_true(replica_synced(S->nodes[1].replica));
	assert_true(replica_quorate(S->nodes[0].replica)); /* 2 of 3 votes */
	assert_int_equal(replica_view_votes(S->nodes[0].replica), 2);
	assert_false(replica_synced(S->nodes[2].replica));
	assert_int_equal(S->nodes[2].rejoins, 1);
	assert_int_equal(S->nodes[0].rejoins, 0);

	assert_int_equal(sim_put(0, "a", "1"), 0);
	assert_true(sim_has(1, "a"));
	assert_false(sim_has(2, "a")); /* excluded: applies nothing */

	S->nodes[2].muted = false; /* it rejoined: a new view syncs it */
	sim_views();
	assert_true(sim_has(2, "a"));
	assert_converged(0, 2);
	sim_stop();
}

static void sync_prefers_the_majority_checksum(void **state)
{
	struct tree_op_ctx ctx = {.writer = 9, .mtime_ms = 1};

	sim_start(3);
	assert_int_equal(sim_put(1, "a", "good"), 0);
	/* Node 1 (lowest ID) diverges at the same version. */
	assert_int_equal(
	    tree_put(S->nodes[0].tree, "a", "evil", 4, false, 0, &ctx), 0);
	tree_set_version(S->nodes[0].tree, tree_version(S->nodes[1].tree));
	sim_views();
	assert_memory_equal(tree_lookup(S->nodes[0].tree, "a")->data, "good", 4);
	assert_converged(0, 1);
	assert_converged(1, 2);
	sim_stop();
}

static void audit_finds_divergence_and_the_diverged_rejoins(void **state)
{
	struct tree_op_ctx ctx = {.writer = 9, .mtime_ms = 1};

	sim_start(3);
	assert_int_equal(sim_put(0, "a", "good"), 0);
	replica_audit_start(S->nodes[0].replica);
	sim_drain();
	for (int i = 0; i < 3; i++) {
		assert_int_equal(S->nodes[i].rejoins, 0);
		assert_int_equal(replica_get_stats(S->nodes[i].replica)->audits, 1);
	}
	assert_int_equal(
	    tree_put(S->nodes[1].tree, "a", "evil", 4, false, 0, &ctx), 0);
	tree_set_version(S->nodes[1].tree, tree_version(S->nodes[0].tree));
	replica_audit_start(S->nodes[2].replica);
	sim_drain();
	assert_int_equal(S->nodes[1].rejoins, 1);
	assert_int_equal(S->nodes[0].rejoins, 0);
	assert_int_equal(S->nodes[2].rejoins, 0);
	sim_views(); /* the rejoin's new view repairs it */
	assert_memory_equal(tree_lookup(S->nodes[1].tree, "a")->data, "good", 4);
	assert_converged(0, 1);
	sim_stop();
}

static void send_as(int node, Clusterd__CpgMessage *msg)
{
	Clusterd__Header header = CLUSTERD__HEADER__INIT;
	uint8_t buf[4096];
	size_t len;

	header.protocol_version = 1;
	msg->header = &header;
	len = clusterd__cpg_message__pack(msg, buf);
	sim_send_raw(node, buf, len);
}

/* A peer claims to be far ahead and ships a snapshot that does not match
 * its own announcement: nobody installs it, nothing is lost, and once the
 * peer is gone the others sync and write again. */
static void garbage_sync_source_installs_nothing(void **state)
{
	Clusterd__CpgMessage msg = CLUSTERD__CPG_MESSAGE__INIT;
	Clusterd__SyncState st = CLUSTERD__SYNC_STATE__INIT;
	Clusterd__SyncData data = CLUSTERD__SYNC_DATA__INIT;
	Clusterd__TreeEntry junk = CLUSTERD__TREE_ENTRY__INIT;
	Clusterd__TreeEntry *entries[] = {&junk};
	uint64_t before;

	sim_start(3);
	assert_int_equal(sim_put(0, "keep", "me"), 0);
	before = tree_checksum(S->nodes[0].tree);
	S->nodes[2].muted = true; /* node 3's real replica says nothing */
	sim_views();
	st.tree_version = 1ULL << 60;
	st.checksum = 0x1234;
	msg.body_case = CLUSTERD__CPG_MESSAGE__BODY_SYNC_STATE;
	msg.sync_state = &st;
	send_as(2, &msg);
	junk.path = "junk";
	junk.type = CLUSTERD__ENTRY_TYPE__ENTRY_FILE;
	junk.version = 7;
	data.snapshot = true;
	data.last = true;
	data.to_version = 1ULL << 60;
	data.entries = entries;
	data.n_entries = 1;
	msg.body_case = CLUSTERD__CPG_MESSAGE__BODY_SYNC_DATA;
	msg.sync_data = &data;
	send_as(2, &msg);
	sim_drain();
	for (int i = 0; i < 2; i++) {
		assert_true(sim_has(i, "keep"));
		assert_false(sim_has(i, "junk"));
		assert_int_equal(tree_checksum(S->nodes[i].tree), before);
		assert_false(replica_synced(S->nodes[i].replica));
	}
	S->nodes[2].partition = 1; /* the peer leaves */
	sim_views();
	assert_true(replica_synced(S->nodes[0].replica));
	assert_int_equal(sim_put(1, "after", "ok"), 0);
	assert_true(sim_has(0, "keep"));
	sim_stop();
}

static void big_write_travels_in_chunks(void **state)
{
	size_t size = 1 << 20;
	char *value = malloc(size + 1);
	unsigned long before;

	memset(value, 'v', size);
	value[size] = '\0';
	sim_start(3);
	before = S->sent;
	assert_int_equal(sim_put(1, "big", value), 0);
	assert_true(S->sent - before >= 4); /* 1 MiB in 256 KiB chunks */
	for (int i = 0; i < 3; i++) {
		const struct tree_entry *e = tree_lookup(S->nodes[i].tree, "big");

		assert_non_null(e);
		assert_int_equal(e->size, size);
		assert_converged(0, i);
	}
	free(value);
	sim_stop();
}

/* Send chunks FROM_CHUNK..TO_CHUNK of a 600 KiB put by node 3. */
static void send_chunks(uint64_t write_id, int from_chunk, int to_chunk)
{
	static char data[600 * 1024];
	Clusterd__WriteOp op = CLUSTERD__WRITE_OP__INIT;
	Clusterd__PutRequest put = CLUSTERD__PUT_REQUEST__INIT;
	Clusterd__CpgMessage msg = CLUSTERD__CPG_MESSAGE__INIT;
	Clusterd__WriteChunk c = CLUSTERD__WRITE_CHUNK__INIT;
	Clusterd__Header header = CLUSTERD__HEADER__INIT;
	size_t len, step = 256 * 1024;
	uint8_t *packed, *frame;

	put.path = "chunked";
	put.data.data = (uint8_t *)data;
	put.data.len = sizeof(data);
	op.origin_nodeid = 3;
	op.origin_pid = 102;
	op.write_id = write_id;
	op.op_case = CLUSTERD__WRITE_OP__OP_PUT;
	op.put = &put;
	len = clusterd__write_op__get_packed_size(&op);
	packed = malloc(len);
	clusterd__write_op__pack(&op, packed);
	header.protocol_version = 1;
	msg.header = &header;
	msg.body_case = CLUSTERD__CPG_MESSAGE__BODY_WRITE_CHUNK;
	msg.write_chunk = &c;
	frame = malloc(step + 1024);
	for (int i = from_chunk; i <= to_chunk; i++) {
		size_t off = i * step;

		c.write_id = write_id;
		c.index = i;
		c.total = len;
		c.data.data = packed + off;
		c.data.len = len - off < step ? len - off : step;
		c.last = off + c.data.len == len;
		sim_send_raw(2, frame, clusterd__cpg_message__pack(&msg, frame));
	}
	free(frame);
	free(packed);
}

static void chunked_write_cut_by_a_view_change_is_dropped(void **state)
{
	uint64_t version;

	sim_start(3);
	S->nodes[2].muted = true; /* the test speaks for node 3 */
	send_chunks(1, 0, 2);     /* control: complete, it applies */
	sim_drain();
	assert_true(sim_has(0, "chunked"));
	assert_true(sim_has(1, "chunked"));
	version = tree_lookup(S->nodes[0].tree, "chunked")->version;

	send_chunks(2, 0, 0); /* a second write, cut after chunk 0 */
	sim_drain();
	S->nodes[2].muted = false;
	sim_views(); /* the view change drops the assembly everywhere */
	S->nodes[2].muted = true;
	send_chunks(2, 1, 2);
	sim_drain();
	for (int i = 0; i < 2; i++) {
		assert_int_equal(tree_lookup(S->nodes[i].tree, "chunked")->version,
				 version);
		assert_true(replica_get_stats(S->nodes[i].replica)->messages_dropped >= 1);
	}
	assert_converged(0, 1);
	sim_stop();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(write_applies_everywhere),
	    cmocka_unit_test(minority_never_applies),
	    cmocka_unit_test(divergence_is_repaired_by_snapshot),
	    cmocka_unit_test(garbage_message_is_dropped),
	    cmocka_unit_test(random_partitions_lose_nothing),
	    cmocka_unit_test(stalled_member_is_excluded_by_the_deadline),
	    cmocka_unit_test(sync_prefers_the_majority_checksum),
	    cmocka_unit_test(audit_finds_divergence_and_the_diverged_rejoins),
	    cmocka_unit_test(garbage_sync_source_installs_nothing),
	    cmocka_unit_test(big_write_travels_in_chunks),
	    cmocka_unit_test(chunked_write_cut_by_a_view_change_is_dropped),
	};

	return cmocka_run_group_tests_name("replica", tests, NULL, NULL);
}
