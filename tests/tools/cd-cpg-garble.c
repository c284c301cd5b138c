/*
 * cd-cpg-garble: a rogue member of clusterd's CPG group.
 *
 *   cd-cpg-garble [-m junk|stall|takeover] [-s SEED] [-t MS] [-n MAX]
 *                 [-d DIR]
 *
 * Joins the group "clusterd" like a clusterd would (run it on a node whose
 * corosync is up), multicasts bad messages for MS milliseconds (1500) or
 * MAX messages (5000), leaves, and prints what it sent.
 *
 * Why a separate process and not a unit test: only then does the stream a
 * real clusterd sees hold a member with its own (nodeid, pid) that every
 * sync round must count, messages corosync fragments and reassembles, and
 * a real leave at the end.
 *
 * A member that never sends its SyncState stalls the view's sync, so what
 * the rogue says first decides which part of the daemons it reaches:
 *
 *  junk      Echoes the highest SyncState the others sent, so the view
 *            syncs with the rogue in it; then random bytes, truncated and
 *            bit-flipped messages, wrong protocol versions, no header,
 *            WriteOps with odd paths, sync, timeout and audit messages with
 *            nonsense values, huge repeated fields. Its well-formed
 *            WriteOps are legitimate writes and name only DIR or DIR/... .
 *  stall     Claims tree version 0, so a real member ships data, then sends
 *            SyncChecks with nonsense checksums (divergence, repair rounds)
 *            amid the junk above.
 *  takeover  Claims the highest possible tree version, so every daemon
 *            waits for its data, then sends SyncData with nonsense values
 *            (inconsistent with its SyncState), amid the junk.
 *
 * Outside takeover mode the rogue never claims a version above what the
 * daemons announced (it never becomes the sync source), and every message
 * is decoded before it is sent: one that a daemon would take as a write
 * outside DIR/, or as a lock or status operation, is skipped. So a test
 * may require that after the rogue left nothing outside DIR/ changed; in
 * takeover mode the same promise holds a sync source to account.
 *
 * Exit status: 0 when it joined, sent and left; 1 otherwise; 2 on usage.
 *
 * Files: this one is the CPG member, its bursts and main();
 * cd-cpg-garble-msg.c makes the messages, cd-cpg-garble-filter.c decides
 * which may be sent, cd-cpg-garble.h declares what they share.
 */
#include "cd-cpg-garble.h"
#include "test-path.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define GROUP "clusterd"

static const char *const kind_names[] = {
    "random",	 "truncated",	"flipped", "wrong-version",
    "no-header", "well-formed", "empty",   "huge"};

/* libcpg keeps the reassembly buffer of a fragmented message still
 * arriving when we leave; LeakSanitizer (sanitizer builds) would blame us. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libcpg.so\n";
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------- CPG side */

static void on_deliver(cpg_handle_t h, const struct cpg_name *group,
		       uint32_t nodeid, uint32_t pid, void *msg, size_t len)
{
	struct garble *g;
	Clusterd__CpgMessage *m;

	if (cpg_context_get(h, (void **)&g) != CS_OK ||
	    (nodeid == g->nodeid && pid == g->pid))
		return;
	m = clusterd__cpg_message__unpack(NULL, len, msg);
	if (m && m->body_case == CLUSTERD__CPG_MESSAGE__BODY_SYNC_STATE) {
		const Clusterd__SyncState *st = m->sync_state;

		if (!g->states++ || st->tree_version > g->top_version) {
			g->top_version = st->tree_version;
			g->top_checksum = st->checksum;
			g->top_horizon = st->tombstone_horizon;
		}
	}
	if (m)
		clusterd__cpg_message__free_unpacked(m, NULL);
}

static void on_confchg(cpg_handle_t h, const struct cpg_name *group,
		       const struct cpg_address *members, size_t count,
		       const struct cpg_address *left, size_t left_count,
		       const struct cpg_address *joined, size_t joined_count)
{
	struct garble *g;
	bool in = false;

	if (cpg_context_get(h, (void **)&g) != CS_OK)
		return;
	for (size_t i = 0; i < count; i++)
		in |=
		    members[i].nodeid == g->nodeid && members[i].pid == g->pid;
	g->view_size = in ? count : 0;
	g->joined |= in;
	g->left = g->joined && !in;
	g->states = 0; /* a new view: a new sync round */
}

/* Dispatch what corosync has for us, waiting up to MS for it. */
static int pump(struct garble *g, int ms)
{
	struct pollfd p = {.events = POLLIN};
	cs_error_t err;

	if (cpg_fd_get(g->cpg, &p.fd) != CS_OK)
		return -1;
	if (poll(&p, 1, ms) < 0)
		return -1;
	err = cpg_dispatch(g->cpg, CS_DISPATCH_ALL);
	return err == CS_OK || err == CS_ERR_TRY_AGAIN ? 0 : -1;
}

static int join(struct garble *g)
{
	static cpg_callbacks_t callbacks = {.cpg_deliver_fn = on_deliver,
					    .cpg_confchg_fn = on_confchg};
	struct cpg_name name = {.length = strlen(GROUP)};
	cs_error_t err;
	int64_t deadline = now_ms() + 10000;

	memcpy(name.value, GROUP, name.length);
	if (cpg_initialize(&g->cpg, &callbacks) != CS_OK ||
	    cpg_context_set(g->cpg, g) != CS_OK ||
	    cpg_local_get(g->cpg, &g->nodeid) != CS_OK)
		return fputs("cd-cpg-garble: corosync is not reachable\n",
			     stderr),
		       -1;
	g->pid = getpid();
	while ((err = cpg_join(g->cpg, &name)) == CS_ERR_TRY_AGAIN &&
	       now_ms() < deadline)
		usleep(10000);
	while (err == CS_OK && !g->joined && now_ms() < deadline)
		if (pump(g, 100) < 0)
			err = CS_ERR_LIBRARY;
	if (err != CS_OK || !g->joined)
		return fprintf(stderr, "cd-cpg-garble: cannot join %s (%d)\n",
			       GROUP, err),
		       -1;
	return 0;
}

static int leave(struct garble *g)
{
	struct cpg_name name = {.length = strlen(GROUP)};
	int64_t deadline = now_ms() + 5000;

	memcpy(name.value, GROUP, name.length);
	while (cpg_leave(g->cpg, &name) == CS_ERR_TRY_AGAIN &&
	       now_ms() < deadline)
		pump(g, 10);
	while (!g->left && now_ms() < deadline)
		if (pump(g, 100) < 0)
			break;
	cpg_finalize(g->cpg);
	return g->left ? 0 : -1;
}

/* Multicast LEN bytes in agreed order, waiting out flow control. */
static int send_raw(struct garble *g, const void *buf, size_t len, int kind)
{
	struct iovec iov = {(void *)buf, len};
	cs_error_t err;

	while ((err = cpg_mcast_joined(g->cpg, CPG_TYPE_AGREED, &iov, 1)) ==
	       CS_ERR_TRY_AGAIN) {
		g->try_again++;
		if (pump(g, 5) < 0)
			return -1;
	}
	if (err == CS_ERR_INTERRUPT) /* a view change cut a fragmented one */
		return g->interrupted++, 0;
	if (err != CS_OK)
		return fprintf(stderr,
			       "cd-cpg-garble: mcast of %zu bytes: %d\n", len,
			       err),
		       -1;
	g->sent++;
	g->bytes += len;
	g->kinds[kind]++;
	return 0;
}

/* -------------------------------------------------------------- burst */

enum kind {
	K_RANDOM,
	K_TRUNC,
	K_FLIP,
	K_VERSION,
	K_NOHDR,
	K_OK,
	K_EMPTY,
	K_HUGE
};

/* One bad message (or a well-formed one), filtered and sent. */
static int garble_one(struct garble *g)
{
	static const uint32_t versions[] = {0, 2, 3, UINT32_MAX};
	unsigned roll = below(g, 100);
	enum kind k = roll < 12	  ? K_RANDOM
		      : roll < 24 ? K_TRUNC
		      : roll < 44 ? K_FLIP
		      : roll < 56 ? K_VERSION
		      : roll < 62 ? K_NOHDR
		      : roll < 98 ? K_OK
		      : roll < 99 ? K_EMPTY
				  : K_HUGE;
	struct tmpl t;
	uint8_t *buf;
	size_t len;
	int r = 0;

	if (k == K_HUGE && g->kinds[K_HUGE] >= 3)
		k = K_OK;
	tmpl_init(g, &t);
	gen_body(g, &t, k == K_HUGE);
	buf = pack(&t, k == K_VERSION ? versions[below(g, 4)] : 1, k != K_NOHDR,
		   &len);
	if (!buf)
		return tmpl_done(&t), -1;
	if (k == K_RANDOM)
		for (size_t i = 0; i < len; i++)
			buf[i] = (uint8_t)rnd(g);
	if (k == K_TRUNC || k == K_EMPTY)
		len = k == K_EMPTY ? 0 : below(g, len + 1);
	for (unsigned i = k == K_FLIP ? 1 + below(g, 8) : 0; i && len; i--)
		buf[below(g, len)] ^= 1u << below(g, 8);
	if (harmless(g, buf, len))
		r = send_raw(g, buf, len, k);
	else
		g->skipped++;
	free(buf);
	tmpl_done(&t);
	return r;
}

/* Send T well-formed, and release it. */
static int send_tmpl(struct garble *g, struct tmpl *t)
{
	size_t len;
	uint8_t *buf = pack(t, 1, true, &len);
	int r = buf ? send_raw(g, buf, len, K_OK) : -1;

	free(buf);
	tmpl_done(t);
	return r;
}

/* The rogue's first SyncState of the view, which decides what it reaches
 * (see the modes above); in takeover mode, its nonsense data follows. */
static int pin(struct garble *g)
{
	int64_t deadline = now_ms() + 3000;
	struct tmpl t;
	int r;

	while (g->states + 1 < g->view_size && now_ms() < deadline)
		if (pump(g, 50) < 0)
			return -1;
	tmpl_init(g, &t);
	gen_state(g, &t, 0);
	t.st.tree_version = g->mode == JUNK    ? g->top_version
			    : g->mode == STALL ? 0
					       : UINT64_MAX;
	t.st.checksum = g->mode == JUNK ? g->top_checksum : rnd(g);
	t.st.tombstone_horizon = g->mode == JUNK ? g->top_horizon : 0;
	t.st.lock_valid = false;
	r = send_tmpl(g, &t);
	if (r < 0 || g->mode != TAKEOVER)
		return r;
	tmpl_init(g, &t); /* a snapshot of DIR only, at a random version */
	gen_data(g, &t, 2);
	t.sd.snapshot = t.sd.last = true;
	t.sd.n_tombstones = 0;
	t.ent[0].path = strcpy(t.path[0], g->dir);
	t.ent[0].type = CLUSTERD__ENTRY_TYPE__ENTRY_DIR;
	t.ent[0].data.len = 0;
	t.ent[0].version = 1;
	t.ent[1].path = t.path[1];
	sprintf(t.path[1], "%s/takeover", g->dir);
	t.ent[1].type = CLUSTERD__ENTRY_TYPE__ENTRY_FILE;
	t.ent[1].version = 2;
	return send_tmpl(g, &t);
}

static int burst(struct garble *g, int ms, unsigned long max)
{
	int64_t until = now_ms() + ms, next_check = 0;
	struct tmpl t;
	int r = 0;

	while (r == 0 && now_ms() < until && g->sent < max) {
		if (g->mode == STALL && now_ms() >= next_check) {
			/* A nonsense check each 100 ms: a repair round. */
			tmpl_init(g, &t);
			t.ck.tree_version = g->top_version;
			t.ck.checksum = rnd(g);
			t.msg.body_case =
			    CLUSTERD__CPG_MESSAGE__BODY_SYNC_CHECK;
			t.msg.sync_check = &t.ck;
			r = send_tmpl(g, &t);
			next_check = now_ms() + 100;
		}
		if (r == 0)
			r = garble_one(g);
		if (r == 0)
			r = pump(g, 0);
	}
	return r;
}

int main(int argc, char **argv)
{
	struct garble g = {.rng = 1, .dir = "garble"};
	const char *mode = "junk";
	unsigned long max = 5000;
	int opt, ms = 1500, r;
	uint64_t seed = 1;

	while ((opt = getopt(argc, argv, "m:s:t:d:n:")) != -1) {
		switch (opt) {
		case 'm': mode = optarg; break;
		case 's': g.rng = seed = strtoull(optarg, NULL, 10); break;
		case 't': ms = atoi(optarg); break;
		case 'd': g.dir = optarg; break;
		case 'n': max = strtoul(optarg, NULL, 10); break;
		default: goto usage;
		}
	}
	g.mode = !strcmp(mode, "junk")	     ? JUNK
		 : !strcmp(mode, "stall")    ? STALL
		 : !strcmp(mode, "takeover") ? TAKEOVER
					     : (enum mode) - 1;
	if ((int)g.mode < 0 || optind < argc || test_path_errno(g.dir) ||
	    !*g.dir || strchr(g.dir, '/')) {
	usage:
		fputs("usage: cd-cpg-garble [-m junk|stall|takeover] [-s SEED] "
		      "[-t MS] [-d DIR] [-n MAX]\n",
		      stderr);
		return 2;
	}
	if (join(&g) < 0)
		return 1;
	r = pin(&g);
	if (r == 0)
		r = burst(&g, ms, max);
	printf("cd-cpg-garble: mode=%s seed=%llu node=%u pid=%u view=%zu "
	       "states_seen=%zu top_version=%llu sent=%lu bytes=%lu "
	       "skipped=%lu try_again=%lu interrupted=%lu:",
	       mode, (unsigned long long)seed, g.nodeid, g.pid, g.view_size,
	       g.states, (unsigned long long)g.top_version, g.sent, g.bytes,
	       g.skipped, g.try_again, g.interrupted);
	for (int k = 0; k < 8; k++)
		printf(" %s=%lu", kind_names[k], g.kinds[k]);
	printf("\n");
	if (leave(&g) < 0)
		r = -1, fputs("cd-cpg-garble: leaving failed\n", stderr);
	return r < 0 ? 1 : 0;
}
