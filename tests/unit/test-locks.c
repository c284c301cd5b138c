/*
 * Cluster locks (clusterd/locks.c) against the simulated group of sim.h:
 * grant order, try and blocking waits, hand-over, release of departed
 * members, the minority drop, the merge of tables after partitions and
 * the release of a client's locks.
 *
 * After every single delivery to any node the test checks invariant 5's
 * safety half: no two clients (of any members) both believe they hold the
 * same lock. A client believes from the grant it is told about until it
 * asks to release (it stops using the resource before it sends RELEASE)
 * or is told the lock is lost. Node tables may lag behind a holder's
 * RELEASE by a delivery; when the stream is quiet, each member's table
 * must show exactly the locks its clients believe they hold.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "locks.h"
#include "sim.h"

#define NO_RESULT  99
#define MAX_EVENTS 65536

struct event {
	int node;
	uint64_t client, op;
	char name[32];
	int result;
};

static struct locks *L[SIM_MAX_NODES];
#define MAX_CLIENTS 4096
static bool gone[SIM_MAX_NODES][MAX_CLIENTS]; /* clients that went away */
static struct event *events;
static size_t n_events;
static bool check_believers = true;
static unsigned long checks;

#define MAX_OPS	    65536
#define MAX_BELIEFS 256

struct belief {
	int node;
	uint64_t client;
	char name[32];
};
static struct belief beliefs[MAX_BELIEFS];
static size_t n_beliefs;
static bool *is_acquire[SIM_MAX_NODES]; /* by op ID */

static void forget(int node, uint64_t client, const char *name)
{
	for (size_t k = 0; k < n_beliefs;) {
		struct belief *b = &beliefs[k];

		if (b->node == node && b->client == client &&
		    (!name || !strcmp(b->name, name)))
			*b = beliefs[--n_beliefs];
		else
			k++;
	}
}

static bool on_result(void *userdata, uint64_t client, uint64_t op,
		      const char *name, int result)
{
	int i = (int)(intptr_t)userdata;

	bool wanted = client >= MAX_CLIENTS || !gone[i][client];

	assert_true(n_events < MAX_EVENTS);
	events[n_events++] = (struct event){i, client, op, "", result};
	snprintf(events[n_events - 1].name, 32, "%s", name);
	if (result == 0 && op < MAX_OPS && is_acquire[i][op] && wanted) {
		assert_true(n_beliefs < MAX_BELIEFS);
		beliefs[n_beliefs] = (struct belief){i, client, ""};
		snprintf(beliefs[n_beliefs++].name, 32, "%s", name);
	}
	if (result == -ENOLCK)
		forget(i, client, name);
	return wanted;
}

static void node_init(int i)
{
	static const struct locks_ops ops = {.result = on_result};

	assert_int_equal(
	    locks_new(S->nodes[i].replica, &ops, (void *)(intptr_t)i, &L[i]),
	    0);
}

static void node_free(int i)
{
	locks_free(L[i]);
	L[i] = NULL;
}

static void state_changed(int i)
{
	if (L[i])
		locks_state_changed(L[i]);
}

static void delivered(int i)
{
	checks++;
	if (!check_believers)
		return;
	for (size_t a = 0; a < n_beliefs; a++)
		for (size_t b = a + 1; b < n_beliefs; b++)
			if (!strcmp(beliefs[a].name, beliefs[b].name))
				fail_msg("node %d client %llu and node %d "
					 "client %llu both hold '%s'",
					 beliefs[a].node + 1,
					 (unsigned long long)beliefs[a].client,
					 beliefs[b].node + 1,
					 (unsigned long long)beliefs[b].client,
					 beliefs[a].name);
}

static bool believes(int node, uint64_t client, const char *name)
{
	for (size_t k = 0; k < n_beliefs; k++)
		if (beliefs[k].node == node && beliefs[k].client == client &&
		    !strcmp(beliefs[k].name, name))
			return true;
	return false;
}

/* At rest, a member's table holds exactly what its clients believe. */
static int check_own(const char *name, const struct lock_holder *h,
		     const struct lock_holder *w, size_t nw, void *userdata)
{
	int i = *(int *)userdata;

	if (h && h->nodeid == (uint32_t)i + 1 &&
	    !believes(i, h->client_id, name))
		fail_msg("node %d's table has client %llu hold '%s', which "
			 "the client does not know",
			 i + 1, (unsigned long long)h->client_id, name);
	return 0;
}

static void assert_beliefs_match_tables(void)
{
	for (int i = 0; i < S->n; i++)
		locks_foreach(L[i], check_own, &i);
	for (size_t k = 0; k < n_beliefs; k++) {
		const struct lock_holder *h =
		    locks_holder(L[beliefs[k].node], beliefs[k].name);

		assert_non_null(h);
		assert_int_equal(h->nodeid, beliefs[k].node + 1);
		assert_int_equal(h->client_id, beliefs[k].client);
	}
}

static void start(int n)
{
	static const struct sim_hooks hooks = {
	    .node_init = node_init,
	    .node_free = node_free,
	    .state_changed = state_changed,
	    .delivered = delivered,
	};

	events = calloc(MAX_EVENTS, sizeof(*events));
	n_events = 0;
	n_beliefs = 0;
	for (int i = 0; i < SIM_MAX_NODES; i++)
		is_acquire[i] = calloc(MAX_OPS, sizeof(bool));
	memset(gone, 0, sizeof(gone));
	check_believers = true;
	sim_set_hooks(&hooks);
	sim_start(n);
}

static void stop(void)
{
	sim_stop();
	sim_set_hooks(NULL);
	free(events);
	for (int i = 0; i < SIM_MAX_NODES; i++)
		free(is_acquire[i]);
}

static int last_result(int i, uint64_t op)
{
	for (size_t k = n_events; k-- > 0;)
		if (events[k].node == i && events[k].op == op)
			return events[k].result;
	return NO_RESULT;
}

static uint64_t acquire(int i, uint64_t client, const char *name, bool try_lock)
{
	uint64_t op = 0;

	assert_int_equal(locks_acquire(L[i], client, name, try_lock, &op), 0);
	assert_true(op < MAX_OPS);
	is_acquire[i][op] = true;
	return op;
}

/* Acquire and deliver; the first decision. */
static int lock_now(int i, uint64_t client, const char *name, bool try_lock,
		    uint64_t *op_out)
{
	uint64_t op = acquire(i, client, name, try_lock);

	sim_drain();
	if (op_out)
		*op_out = op;
	for (size_t k = 0; k < n_events; k++)
		if (events[k].node == i && events[k].op == op)
			return events[k].result;
	return NO_RESULT;
}

static int unlock_now(int i, uint64_t client, const char *name)
{
	uint64_t op = 0;

	forget(i, client, name);
	assert_int_equal(locks_release(L[i], client, name, &op), 0);
	sim_drain();
	return last_result(i, op);
}

static uint32_t holder_node(int i, const char *name)
{
	const struct lock_holder *h = locks_holder(L[i], name);

	return h ? h->nodeid : 0;
}

/* A text form of node I's table, for comparisons. */
static int dump_one(const char *name, const struct lock_holder *h,
		    const struct lock_holder *w, size_t nw, void *userdata)
{
	char *buf = userdata;
	size_t len = strlen(buf);

	len += snprintf(buf + len, 8192 - len, "%s=", name);
	if (h)
		len += snprintf(buf + len, 8192 - len, "%u/%llu", h->nodeid,
				(unsigned long long)h->client_id);
	for (size_t k = 0; k < nw; k++)
		len += snprintf(buf + len, 8192 - len, ",%u/%llu", w[k].nodeid,
				(unsigned long long)w[k].client_id);
	snprintf(buf + len, 8192 - len, ";");
	return 0;
}

static void dump(int i, char *buf)
{
	buf[0] = '\0';
	locks_foreach(L[i], dump_one, buf);
}

/* Every member of each partition holds the same table. */
static void assert_tables_agree(void)
{
	char a[8192], b[8192];

	for (int i = 0; i < S->n; i++)
		for (int j = i + 1; j < S->n; j++) {
			if (S->nodes[i].partition != S->nodes[j].partition)
				continue;
			dump(i, a);
			dump(j, b);
			assert_string_equal(a, b);
		}
	assert_beliefs_match_tables();
}

static void grant_order(void **state)
{
	uint64_t op1, op2, op3;

	start(3);
	assert_int_equal(lock_now(0, 1, "ha/manager", false, NULL), 0);
	assert_int_equal(lock_now(1, 1, "ha/manager", false, &op1),
			 LOCK_QUEUED);
	assert_int_equal(lock_now(2, 1, "ha/manager", false, &op2),
			 LOCK_QUEUED);
	assert_int_equal(lock_now(0, 2, "ha/manager", false, &op3),
			 LOCK_QUEUED);
	assert_tables_agree();
	assert_int_equal(unlock_now(0, 1, "ha/manager"), 0);
	assert_int_equal(last_result(1, op1), 0);
	assert_int_equal(holder_node(2, "ha/manager"), 2);
	assert_int_equal(unlock_now(1, 1, "ha/manager"), 0);
	assert_int_equal(last_result(2, op2), 0);
	assert_int_equal(unlock_now(2, 1, "ha/manager"), 0);
	assert_int_equal(last_result(0, op3), 0);
	assert_int_equal(locks_holder(L[1], "ha/manager")->client_id, 2);
	assert_int_equal(unlock_now(0, 2, "ha/manager"), 0);
	for (int i = 0; i < 3; i++)
		assert_null(locks_holder(L[i], "ha/manager"));
	stop();
}

static void try_and_blocking(void **state)
{
	uint64_t op;

	start(3);
	assert_int_equal(lock_now(0, 1, "a", true, NULL), 0);
	assert_int_equal(lock_now(1, 1, "a", true, NULL), -EBUSY);
	assert_int_equal(lock_now(0, 1, "a", false, NULL), -EDEADLK);
	assert_int_equal(lock_now(1, 1, "a", false, &op), LOCK_QUEUED);
	assert_int_equal(lock_now(1, 1, "a", true, NULL), -EDEADLK);
	assert_int_equal(unlock_now(2, 1, "a"), -EPERM);
	assert_int_equal(unlock_now(2, 1, "nothing"), -ENOENT);
	/* A waiter that gives up is skipped by the hand-over. */
	assert_int_equal(locks_cancel(L[1], 1, "a", op), 0);
	sim_drain();
	assert_int_equal(last_result(1, op), -ECANCELED);
	assert_int_equal(unlock_now(0, 1, "a"), 0);
	for (int i = 0; i < 3; i++)
		assert_null(locks_holder(L[i], "a"));
	assert_int_equal(locks_acquire(L[0], 1, "", false, &op), -EINVAL);
	stop();
}

static void holder_leaving_releases_in_order(void **state)
{
	uint64_t wa, wb, wx;
	size_t mark;

	start(5);
	assert_int_equal(lock_now(4, 1, "b", false, NULL), 0);
	assert_int_equal(lock_now(4, 1, "a", false, NULL), 0);
	assert_int_equal(lock_now(1, 1, "a", false, &wa), LOCK_QUEUED);
	assert_int_equal(lock_now(2, 1, "a", false, NULL), LOCK_QUEUED);
	assert_int_equal(lock_now(3, 1, "b", false, &wb), LOCK_QUEUED);
	assert_int_equal(lock_now(0, 1, "x", false, NULL), 0);
	assert_int_equal(lock_now(4, 1, "x", false, &wx), LOCK_QUEUED);
	mark = n_events;
	S->nodes[4].partition = 1;
	sim_views();
	assert_int_equal(last_result(1, wa), 0);
	assert_int_equal(last_result(3, wb), 0);
	/* Hand-over in name order: "a" before "b". */
	for (size_t k = mark, seen_a = 0; k < n_events; k++) {
		if (events[k].result != 0)
			continue;
		if (!strcmp(events[k].name, "a"))
			seen_a = 1;
		if (!strcmp(events[k].name, "b"))
			assert_true(seen_a);
	}
	assert_int_equal(holder_node(0, "a"), 2);
	assert_int_equal(holder_node(0, "b"), 4);
	assert_int_equal(holder_node(0, "x"), 1);
	assert_tables_agree();
	/* The departed waiter is gone too: releasing x frees it. */
	assert_int_equal(unlock_now(0, 1, "x"), 0);
	assert_null(locks_holder(L[1], "x"));
	/* The minority of one dropped everything. */
	assert_int_equal(last_result(4, wx), -EROFS);
	assert_null(locks_holder(L[4], "a"));
	stop();
}

static void minority_drops_all(void **state)
{
	uint64_t op, wait;

	start(3);
	assert_int_equal(lock_now(2, 1, "a", false, &op), 0);
	assert_int_equal(lock_now(0, 1, "b", false, NULL), 0);
	assert_int_equal(lock_now(2, 1, "b", false, &wait), LOCK_QUEUED);
	S->nodes[2].partition = 1;
	sim_views();
	assert_int_equal(last_result(2, op), -ENOLCK);
	assert_int_equal(last_result(2, wait), -EROFS);
	assert_null(locks_holder(L[2], "a"));
	assert_null(locks_holder(L[2], "b"));
	assert_int_equal(locks_get_stats(L[2])->entries, 0);
	assert_int_equal(locks_acquire(L[2], 1, "a", false, &op), -EROFS);
	/* The majority lost only what the minority held. */
	assert_null(locks_holder(L[0], "a"));
	assert_int_equal(holder_node(1, "b"), 1);
	assert_int_equal(lock_now(1, 1, "a", false, NULL), 0);
	S->nodes[2].partition = 0;
	sim_views();
	assert_tables_agree();
	assert_int_equal(holder_node(2, "a"), 2);
	assert_int_equal(holder_node(2, "b"), 1);
	stop();
}

static void client_release(void **state)
{
	uint64_t w1, w2;

	start(3);
	assert_int_equal(lock_now(0, 7, "a", false, NULL), 0);
	assert_int_equal(lock_now(1, 1, "b", false, NULL), 0);
	assert_int_equal(lock_now(0, 7, "b", false, NULL), LOCK_QUEUED);
	assert_int_equal(lock_now(2, 1, "a", false, &w1), LOCK_QUEUED);
	assert_int_equal(lock_now(2, 2, "b", false, &w2), LOCK_QUEUED);
	forget(0, 7, NULL);
	assert_int_equal(locks_release_client(L[0], 7), 0);
	sim_drain();
	assert_int_equal(last_result(2, w1), 0);
	assert_int_equal(unlock_now(1, 1, "b"), 0);
	/* Client 7's wait for b was dropped: client 2 of node 3 is next. */
	assert_int_equal(last_result(2, w2), 0);
	assert_tables_agree();
	/* A grant for a client that went away is given back at once. */
	assert_int_equal(lock_now(1, 3, "a", false, NULL), LOCK_QUEUED);
	gone[1][3] = true;
	assert_int_equal(unlock_now(2, 1, "a"), 0);
	sim_drain();
	for (int i = 0; i < 3; i++)
		assert_null(locks_holder(L[i], "a"));
	stop();
}

static void merged_view_is_identical(void **state)
{
	uint64_t op;

	start(5);
	assert_int_equal(lock_now(0, 1, "a", false, NULL), 0);
	assert_int_equal(lock_now(3, 1, "b", false, NULL), 0);
	assert_int_equal(lock_now(4, 1, "a", false, NULL), LOCK_QUEUED);
	/* {1,2,3} keeps quorum, {4,5} does not. */
	S->nodes[3].partition = S->nodes[4].partition = 1;
	sim_views();
	assert_tables_agree();
	assert_int_equal(lock_now(1, 1, "c", false, NULL), 0);
	assert_int_equal(lock_now(2, 1, "b", false, NULL), 0);
	assert_int_equal(locks_acquire(L[3], 1, "d", false, &op), -EROFS);
	/* Other split: {1,4,5} holds the majority, {2,3} not. */
	for (int i = 0; i < 5; i++)
		S->nodes[i].partition = i == 1 || i == 2;
	sim_views();
	assert_tables_agree();
	assert_int_equal(holder_node(3, "a"), 1);
	assert_null(locks_holder(L[3], "b"));
	assert_null(locks_holder(L[3], "c"));
	assert_int_equal(lock_now(4, 1, "e", false, NULL), 0);
	for (int i = 0; i < 5; i++)
		S->nodes[i].partition = 0;
	sim_views();
	assert_tables_agree();
	assert_int_equal(holder_node(1, "e"), 5);
	assert_int_equal(holder_node(2, "a"), 1);
	stop();
}

/* Node I gets the view of its partition; the others keep theirs. */
static void view_for(int i)
{
	struct replica_member m[SIM_MAX_NODES];
	size_t count = 0;

	for (int j = 0; j < S->n; j++)
		if (S->nodes[j].partition == S->nodes[i].partition)
			m[count++] = (struct replica_member){j + 1, 100 + j};
	replica_view(S->nodes[i].replica, m, count);
}

/* A member that never saw its view shrink (it was cut off and came back
 * before noticing) brings an older table: the newer lineage wins, even if
 * the stale member applied more changes meanwhile, and the stale holder
 * is told its locks are lost. */
static void stale_table_loses(void **state)
{
	uint64_t a, b;

	start(3);
	assert_int_equal(lock_now(2, 1, "a", false, &a), 0);
	check_believers = false; /* the window no protocol closes */
	S->nodes[2].partition = 1;
	view_for(0);
	view_for(1);
	sim_drain();
	assert_int_equal(lock_now(0, 1, "a", false, NULL), 0);
	/* Node 3 still believes in the old view and locks on its own. */
	assert_int_equal(lock_now(2, 1, "b", false, &b), 0);
	assert_int_equal(lock_now(2, 1, "c", false, NULL), 0);
	S->nodes[2].partition = 0;
	sim_views();
	check_believers = true;
	delivered(0);
	assert_tables_agree();
	assert_int_equal(holder_node(2, "a"), 1);
	assert_null(locks_holder(L[2], "b"));
	assert_int_equal(last_result(2, a), -ENOLCK);
	assert_int_equal(last_result(2, b), -ENOLCK);
	stop();
}

static void malformed_ops_are_dropped(void **state)
{
	static const unsigned char junk[] = {0x0a, 0xff, 0x01, 0x02};
	char longname[300];
	uint64_t op;

	start(3);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(locks_acquire(L[0], 1, longname, false, &op),
			 -ENAMETOOLONG);
	sim_send_raw(1, junk, sizeof(junk));
	sim_drain();
	assert_int_equal(lock_now(0, 1, "still-works", false, NULL), 0);
	stop();
}

/* A private generator: libqb's skiplist draws from random() too.
 * TEST_SEED picks another sequence. */
static unsigned next_rand(void)
{
	static uint64_t x;

	if (!x)
		x = getenv("TEST_SEED") ? strtoull(getenv("TEST_SEED"), 0, 0)
					: 88172645463325252ULL;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return (unsigned)(x >> 33);
}

/* Client *C of node I goes away (its connection closes): it wants
 * nothing it is granted later, and the next connection is a new client. */
static void client_leaves(int i, uint64_t *c)
{
	forget(i, *c, NULL);
	gone[i][*c] = true;
	locks_release_client(L[i], *c);
	*c += 4;
	assert_true(*c < MAX_CLIENTS);
}

static void random_step(uint64_t clients[5][3], unsigned *granted)
{
	static const char *const names[] = {"a", "b", "c", "d"};
	int i = next_rand() % 5, what = next_rand() % 100;
	uint64_t *cp = &clients[i][next_rand() % 3], c = *cp, op = 0;
	const char *name = names[next_rand() % 4];

	if (what < 4) {
		for (int k = 0; k < 5; k++)
			S->nodes[k].partition = next_rand() % 3;
		sim_views();
		assert_tables_agree();
	} else if (what < 50) {
		if (locks_acquire(L[i], c, name, next_rand() % 4 == 0, &op))
			return;
		is_acquire[i][op] = true;
		sim_drain();
		*granted += last_result(i, op) == 0;
	} else if (what < 85) {
		forget(i, c, name);
		if (locks_release(L[i], c, name, &op) == 0)
			sim_drain();
	} else if (what < 95) {
		locks_cancel(L[i], c, name, 0);
		sim_drain();
	} else {
		client_leaves(i, cp);
		sim_drain();
	}
}

/* Random locks, releases, cancels, departing clients and partitions on 5
 * nodes; the believers check runs after every delivery. At the end all
 * heal, all tables agree and nothing is stuck. */
static void random_partitions_keep_one_holder(void **state)
{
	uint64_t clients[5][3];
	unsigned granted = 0;

	for (int i = 0; i < 5; i++)
		for (int c = 0; c < 3; c++)
			clients[i][c] = c + 1;
	start(5);
	for (int step = 0; step < 3000; step++)
		random_step(clients, &granted);
	for (int k = 0; k < 5; k++)
		S->nodes[k].partition = 0;
	sim_views();
	assert_tables_agree();
	for (int i = 0; i < 5; i++)
		for (int c = 0; c < 3; c++)
			client_leaves(i, &clients[i][c]);
	sim_drain();
	assert_int_equal(locks_get_stats(L[0])->entries, 0);
	assert_int_equal(lock_now(4, 3000, "a", true, NULL), 0);
	printf("# %u grants, %lu believer checks\n", granted, checks);
	assert_true(granted > 50);
	stop();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(grant_order),
	    cmocka_unit_test(try_and_blocking),
	    cmocka_unit_test(holder_leaving_releases_in_order),
	    cmocka_unit_test(minority_drops_all),
	    cmocka_unit_test(client_release),
	    cmocka_unit_test(merged_view_is_identical),
	    cmocka_unit_test(stale_table_loses),
	    cmocka_unit_test(malformed_ops_are_dropped),
	    cmocka_unit_test(random_partitions_keep_one_holder),
	};

	return cmocka_run_group_tests_name("locks", tests, NULL, NULL);
}
