/*
 * The simulated group of sim.h. Kept deliberately simple: fixed-size
 * queues, node i is CPG node i+1 with pid 100+i.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "sim.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define QUEUE_LEN 8192

struct msg {
	int from;
	size_t len;
	unsigned char *buf;
};

static struct msg queues[SIM_MAX_NODES][QUEUE_LEN];
static size_t queue_len[SIM_MAX_NODES];

struct sim *S;
static struct sim_hooks hooks;

void sim_set_hooks(const struct sim_hooks *h)
{
	hooks = h ? *h : (struct sim_hooks){0};
}

static void sim_state_changed(void *userdata)
{
	if (hooks.state_changed)
		hooks.state_changed((int)(intptr_t)userdata);
}

static void enqueue(int i, const void *buf, size_t len)
{
	int p = S->nodes[i].partition;
	struct msg *m;

	assert_true(queue_len[p] < QUEUE_LEN);
	m = &queues[p][queue_len[p]++];
	m->from = i;
	m->len = len;
	m->buf = malloc(len ? len : 1);
	memcpy(m->buf, buf, len);
	S->sent++;
}

static int sim_send(void *userdata, const void *buf, size_t len)
{
	int i = (int)(intptr_t)userdata;

	if (!S->nodes[i].muted)
		enqueue(i, buf, len);
	return 0;
}

/* Injection bypasses muting: a muted node's replica is silent, but the
 * test may speak for it. */
void sim_send_raw(int i, const void *buf, size_t len)
{
	enqueue(i, buf, len);
}

static void sim_done(void *userdata, uint64_t id, int err, uint64_t version)
{
	struct sim_node *node = &S->nodes[(intptr_t)userdata];

	node->last_err = err;
	node->last_done_id = id;
	node->done_count++;
}

static void sim_rejoin(void *userdata)
{
	S->nodes[(intptr_t)userdata].rejoins++;
}

void sim_drain(void)
{
	for (int p = 0; p < SIM_MAX_NODES; p++) {
		for (size_t k = 0; k < queue_len[p]; k++) {
			struct msg *m = &queues[p][k];

			for (int i = 0; i < S->n; i++) {
				if (S->nodes[i].partition != p)
					continue;
				replica_deliver(S->nodes[i].replica,
						m->from + 1, 100 + m->from,
						m->buf, m->len);
				if (hooks.delivered)
					hooks.delivered(i);
			}
			free(m->buf);
			if (S->after_delivery)
				S->after_delivery(S);
		}
		queue_len[p] = 0;
	}
}

void sim_views(void)
{
	sim_drain();
	for (int i = 0; i < S->n; i++) {
		struct replica_member members[SIM_MAX_NODES];
		size_t count = 0;

		for (int j = 0; j < S->n; j++)
			if (S->nodes[j].partition == S->nodes[i].partition)
				members[count++] =
				    (struct replica_member){j + 1, 100 + j};
		replica_view(S->nodes[i].replica, members, count);
		if (hooks.delivered)
			hooks.delivered(i);
	}
	sim_drain();
}

void sim_start(int n)
{
	static const struct replica_ops ops = {
	    .send = sim_send,
	    .write_done = sim_done,
	    .rejoin = sim_rejoin,
	    .state_changed = sim_state_changed,
	};
	uint32_t ids[SIM_MAX_NODES], votes[SIM_MAX_NODES];
	struct tree_limits limits;

	S = calloc(1, sizeof(*S));
	S->n = n;
	tree_limits_default(&limits);
	for (int i = 0; i < n; i++) {
		ids[i] = i + 1;
		votes[i] = 1;
	}
	for (int i = 0; i < n; i++) {
		struct sim_node *node = &S->nodes[i];

		assert_int_equal(tree_new(&limits, &node->tree), 0);
		assert_int_equal(replica_new(node->tree, i + 1, 100 + i, &ops,
					     (void *)(intptr_t)i,
					     &node->replica),
				 0);
		replica_set_votes(node->replica, n, ids, votes, n);
		if (hooks.node_init)
			hooks.node_init(i);
	}
	sim_views();
}

void sim_stop(void)
{
	sim_drain();
	for (int i = 0; i < S->n; i++) {
		if (hooks.node_free)
			hooks.node_free(i);
		replica_free(S->nodes[i].replica);
		tree_free(S->nodes[i].tree);
	}
	free(S);
	S = NULL;
}

int sim_put(int i, const char *path, const char *value)
{
	struct replica_write w = {
	    .type = REPLICA_PUT,
	    .path = path,
	    .data = value,
	    .size = strlen(value),
	    .mtime_ms = 1000,
	};
	uint64_t id;
	unsigned before = S->nodes[i].done_count;
	int r = replica_submit(S->nodes[i].replica, &w, &id);

	if (r < 0)
		return r;
	sim_drain();
	if (S->nodes[i].muted)
		return -ETIMEDOUT; /* its message was lost */
	assert_int_equal(S->nodes[i].done_count, before + 1);
	assert_int_equal(S->nodes[i].last_done_id, id);
	return S->nodes[i].last_err;
}

bool sim_has(int i, const char *path)
{
	return tree_lookup(S->nodes[i].tree, path) != NULL;
}
