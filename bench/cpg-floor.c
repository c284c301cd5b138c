/*
 * cpg-floor: the raw Corosync CPG round trip, the floor under every
 * clusterd write.
 *
 *   cpg-floor [-s SIZE] [-n COUNT] [-W WARMUP] [-c WINDOW] [-i PAUSE_MS]
 *             [-m MEMBERS] [-g GROUP]
 *   cpg-floor -l [-g GROUP]
 *
 * Design
 * ------
 * A clusterd write is, at its core, one cpg_mcast_joined(CPG_TYPE_AGREED)
 * of the write and its delivery back to the sender in total order; whatever
 * clusterd adds (IPC, encoding, SQLite) comes on top. This program measures
 * that core alone: it joins a CPG group of its own (default "cdbench", not
 * clusterd's), multicasts messages of SIZE bytes and times each one from
 * the first cpg_mcast_joined() attempt to its delivery to this process.
 * Totem carries every message around the whole ring whether or not other
 * nodes have members in the group, so the figure holds with corosync alone
 * on the other nodes; -l runs a passive member there (join, deliver, drop)
 * and -m waits until the group has that many members before measuring.
 *
 * WINDOW messages are kept in flight (1: pure latency; more: the pipelined
 * floor to compare with N concurrent clusterd writers). PAUSE_MS sleeps
 * before each message, for the floor of writes that arrive one at a time on
 * an otherwise idle ring (a busy ring delivers sooner). Each message starts
 * with a header (magic, sequence number); only this process's own messages
 * are timed, others' are ignored. WARMUP messages go first and are not
 * counted. CS_ERR_TRY_AGAIN (corosync's flow control) is handled by
 * dispatching and retrying the same message; the latency then includes the
 * wait, as a client's would, and the number of refusals is reported.
 *
 * Output, one line:
 *   size=N count=N window=N members=N elapsed_ms=N rate=N p50_us=N
 *   p90_us=N p99_us=N max_us=N try_again=N
 *
 * Exit status: 0 on success, 1 on a CPG error or when no message came
 * back for 30 s, 2 on usage.
 */
#include <corosync/cpg.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FLOOR_MAGIC 0x63646266UL /* "cdbf" */
/* No own message delivered for this long: give up (corosync stalled). */
#define STALL_NS (30 * 1000000000ULL)

struct msg_header {
	uint64_t magic;
	uint64_t seq;
};

struct floor {
	cpg_handle_t cpg;
	int fd;
	uint32_t nodeid, pid;
	const char *group;
	size_t size;
	unsigned count, warmup, window, want_members, pause_ms;
	bool listen;
	size_t members;
	uint8_t *buf;
	uint64_t *sent_ns; /* first send attempt, one per sequence number */
	uint64_t *lat_ns;  /* measured latencies (after warm-up) */
	uint64_t next_seq, delivered, others, try_again;
};

static volatile sig_atomic_t stop;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cs_to_errno(cs_error_t err)
{
	switch (err) {
	case CS_OK: return 0;
	case CS_ERR_TRY_AGAIN: return -EAGAIN;
	case CS_ERR_NO_MEMORY: return -ENOMEM;
	case CS_ERR_TOO_BIG: return -EMSGSIZE;
	case CS_ERR_LIBRARY: return -ECONNREFUSED;
	case CS_ERR_ACCESS: return -EACCES;
	default: return -EIO;
	}
}

static void on_deliver(cpg_handle_t handle, const struct cpg_name *group,
		       uint32_t nodeid, uint32_t pid, void *data, size_t len)
{
	struct floor *f;
	struct msg_header h;
	uint64_t t = now_ns();

	if (cpg_context_get(handle, (void **)&f) != CS_OK)
		return;
	if (f->listen || nodeid != f->nodeid || pid != f->pid ||
	    len < sizeof(h)) {
		f->others++;
		return;
	}
	memcpy(&h, data, sizeof(h));
	if (h.magic != FLOOR_MAGIC || h.seq >= f->next_seq) {
		f->others++;
		return;
	}
	if (h.seq >= f->warmup)
		f->lat_ns[h.seq - f->warmup] = t - f->sent_ns[h.seq];
	f->delivered++;
}

static void on_confchg(cpg_handle_t handle, const struct cpg_name *group,
		       const struct cpg_address *members, size_t count,
		       const struct cpg_address *left, size_t left_count,
		       const struct cpg_address *joined, size_t joined_count)
{
	struct floor *f;

	if (cpg_context_get(handle, (void **)&f) != CS_OK)
		return;
	f->members = count;
}

/* Connect, join GROUP (retrying while corosync says TRY_AGAIN). */
static int floor_join(struct floor *f)
{
	static cpg_callbacks_t callbacks = {
	    .cpg_deliver_fn = on_deliver,
	    .cpg_confchg_fn = on_confchg,
	};
	struct cpg_name name;
	cs_error_t err;

	if (strlen(f->group) >= sizeof(name.value))
		return -ENAMETOOLONG;
	err = cpg_initialize(&f->cpg, &callbacks);
	if (err != CS_OK)
		return cs_to_errno(err);
	cpg_context_set(f->cpg, f);
	f->pid = getpid();
	err = cpg_local_get(f->cpg, &f->nodeid);
	strcpy(name.value, f->group);
	name.length = strlen(f->group);
	for (int i = 0; err == CS_OK && i < 500; i++) {
		err = cpg_join(f->cpg, &name);
		if (err != CS_ERR_TRY_AGAIN)
			break;
		usleep(10000);
	}
	if (err == CS_OK)
		err = cpg_fd_get(f->cpg, &f->fd);
	return cs_to_errno(err);
}

/* Wait up to TIMEOUT_MS for the fd, then deliver everything pending. */
static int floor_dispatch(struct floor *f, int timeout_ms)
{
	struct pollfd p = {.fd = f->fd, .events = POLLIN};
	cs_error_t err;
	int n = poll(&p, 1, timeout_ms);

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	if (n == 0)
		return 0;
	err = cpg_dispatch(f->cpg, CS_DISPATCH_ALL);
	if (err == CS_ERR_TRY_AGAIN)
		return 0;
	return cs_to_errno(err);
}

/* Until the group has want_members members (we are one of them). */
static int floor_wait_members(struct floor *f, unsigned timeout_s)
{
	uint64_t deadline = now_ns() + timeout_s * 1000000000ULL;
	int r;

	while (f->members < f->want_members || f->members == 0) {
		if (now_ns() > deadline)
			return -ETIMEDOUT;
		r = floor_dispatch(f, 100);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Multicast the next message; -EAGAIN when corosync asks to retry. */
static int floor_send(struct floor *f)
{
	struct msg_header h = {.magic = FLOOR_MAGIC, .seq = f->next_seq};
	struct iovec iov = {.iov_base = f->buf, .iov_len = f->size};
	cs_error_t err;

	memcpy(f->buf, &h, sizeof(h));
	if (!f->sent_ns[h.seq]) {
		if (f->pause_ms)
			usleep(f->pause_ms * 1000);
		f->sent_ns[h.seq] = now_ns();
	}
	err = cpg_mcast_joined(f->cpg, CPG_TYPE_AGREED, &iov, 1);
	if (err == CS_ERR_TRY_AGAIN) {
		f->try_again++;
		return -EAGAIN;
	}
	if (err != CS_OK)
		return cs_to_errno(err);
	f->next_seq++;
	return 0;
}

/* Keep WINDOW messages in flight until TOTAL were delivered. */
static int floor_run(struct floor *f, uint64_t total)
{
	uint64_t seen = f->delivered, progress_ns = now_ns();
	int r;

	while (f->delivered < total) {
		bool blocked = false;

		if (f->delivered != seen) {
			seen = f->delivered;
			progress_ns = now_ns();
		} else if (now_ns() - progress_ns > STALL_NS) {
			return -ETIMEDOUT;
		}

		while (f->next_seq < total &&
		       f->next_seq - f->delivered < f->window) {
			r = floor_send(f);
			if (r == -EAGAIN) {
				blocked = true;
				break;
			}
			if (r < 0)
				return r;
		}
		r = floor_dispatch(f, blocked ? 1 : 5000);
		if (r < 0)
			return r;
		if (stop)
			return -EINTR;
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void floor_report(struct floor *f, uint64_t elapsed_ns)
{
	size_t n = f->count;
	uint64_t *l = f->lat_ns;

	qsort(l, n, sizeof(*l), cmp_u64);
#define PCT(p) (unsigned long long)(l[(size_t)((n - 1) * (p))] / 1000)
	printf("size=%zu count=%u window=%u members=%zu elapsed_ms=%llu "
	       "rate=%.0f p50_us=%llu p90_us=%llu p99_us=%llu max_us=%llu "
	       "try_again=%llu\n",
	       f->size, f->count, f->window, f->members,
	       (unsigned long long)(elapsed_ns / 1000000),
	       elapsed_ns ? (double)n * 1e9 / elapsed_ns : 0.0, PCT(0.50),
	       PCT(0.90), PCT(0.99), PCT(1.0),
	       (unsigned long long)f->try_again);
#undef PCT
}

static void on_signal(int sig)
{
	stop = 1;
}

/* -l: a passive member, so that other nodes' runs see a full group. */
static int floor_listen(struct floor *f)
{
	int r = 0;

	while (!stop && r >= 0)
		r = floor_dispatch(f, 200);
	fprintf(stderr, "cpg-floor: listened, %llu messages delivered\n",
		(unsigned long long)f->others);
	return r;
}

static int usage(void)
{
	fputs("usage: cpg-floor [-s SIZE] [-n COUNT] [-W WARMUP] [-c WINDOW] "
	      "[-i PAUSE_MS] [-m MEMBERS] [-g GROUP]\n"
	      "       cpg-floor -l [-g GROUP]\n",
	      stderr);
	return 2;
}

static int parse_args(struct floor *f, int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "s:n:W:c:i:m:g:l")) != -1) {
		switch (opt) {
		case 's': f->size = strtoul(optarg, NULL, 10); break;
		case 'n': f->count = strtoul(optarg, NULL, 10); break;
		case 'W': f->warmup = strtoul(optarg, NULL, 10); break;
		case 'c': f->window = strtoul(optarg, NULL, 10); break;
		case 'i': f->pause_ms = strtoul(optarg, NULL, 10); break;
		case 'm': f->want_members = strtoul(optarg, NULL, 10); break;
		case 'g': f->group = optarg; break;
		case 'l': f->listen = true; break;
		default: return -EINVAL;
		}
	}
	if (optind < argc || !f->count || !f->window ||
	    f->size < sizeof(struct msg_header))
		return -EINVAL;
	return 0;
}

static int floor_alloc(struct floor *f)
{
	size_t total = (size_t)f->count + f->warmup;

	f->buf = calloc(1, f->size);
	f->sent_ns = calloc(total, sizeof(uint64_t));
	f->lat_ns = calloc(f->count, sizeof(uint64_t));
	if (!f->buf || !f->sent_ns || !f->lat_ns)
		return -ENOMEM;
	memset(f->buf, 'x', f->size);
	return 0;
}

/* Warm up, then measure COUNT messages. */
static int floor_measure(struct floor *f)
{
	uint64_t t0;
	int r = floor_wait_members(f, 30);

	if (r < 0) {
		fprintf(stderr, "cpg-floor: group has %zu of %u members\n",
			f->members, f->want_members);
		return r;
	}
	r = floor_run(f, f->warmup);
	if (r < 0)
		return r;
	t0 = now_ns();
	r = floor_run(f, (uint64_t)f->warmup + f->count);
	if (r < 0)
		return r;
	floor_report(f, now_ns() - t0);
	return 0;
}

int main(int argc, char **argv)
{
	struct floor f = {.group = "cdbench",
			  .size = 200,
			  .count = 1000,
			  .warmup = 100,
			  .window = 1};
	struct sigaction sa = {.sa_handler = on_signal};
	int r;

	if (parse_args(&f, argc, argv) < 0)
		return usage();
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	r = floor_alloc(&f);
	if (r == 0)
		r = floor_join(&f);
	if (r == 0)
		r = f.listen ? floor_listen(&f) : floor_measure(&f);
	if (r < 0 && r != -EINTR)
		fprintf(stderr, "cpg-floor: %s\n", strerror(-r));
	if (f.cpg)
		cpg_finalize(f.cpg);
	free(f.buf);
	free(f.sent_ns);
	free(f.lat_ns);
	return r < 0 && r != -EINTR ? 1 : 0;
}
