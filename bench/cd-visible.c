/*
 * cd-visible: how long until a write on one node is readable on another.
 *
 *   cd-visible watch -p PATH [-n COUNT] [-T TIMEOUT_S] [-P PAUSE_US]
 *                                                        (on the reader)
 *   cd-visible put -p PATH [-n COUNT] [-i INTERVAL_MS]   (on the writer)
 *
 * Design
 * ------
 * The writer puts COUNT values into PATH, one every INTERVAL_MS, each
 * carrying a sequence number and the writer's CLOCK_MONOTONIC time taken
 * just before the put was sent. The watcher, a single connection to the
 * reader node's clusterd, reads PATH in a tight loop and, for each new
 * sequence number it sees, records "now - that time". Both programs run on
 * one machine (the harness's nodes are namespaces of one kernel; no time
 * namespace is involved), so both clocks are the same clock and no
 * handshake between them is needed. The result is the time from the
 * writer's call to the first read on the reader that returns the value; it
 * is late by at most one read round trip (reported as poll_us) plus
 * PAUSE_US, an optional sleep between reads (default 0: a tight loop,
 * which keeps one CPU busy; on a small machine that CPU is taken from the
 * cluster being measured, and a pause shows how much that costs).
 * INTERVAL_MS must stay well above the result, or values are overwritten
 * before the watcher sees them: those are counted as "missed", not hidden.
 *
 * PATH should be new for each run (a stale value would be seen at once);
 * its parent directory is created by the writer.
 *
 * The watcher prints "ready" once connected (the caller starts the writer
 * after that), then one line:
 *   seen=N missed=N polls=N poll_us=N p50_us=N p90_us=N p99_us=N max_us=N
 * The writer prints: acked=N failed=N ack_p50_us=N ack_max_us=N
 *
 * Exit status: 0 when it ran (failures are counted), 1 when it could not
 * connect or timed out, 2 on usage.
 */
#include "ipc_client.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CALL_TIMEOUT_MS 10000

struct visible {
	const char *path;
	unsigned count, interval_ms, timeout_s, pause_us;
	uint64_t *lat_ns;
	unsigned seen, missed, failed;
	uint64_t polls, poll_ns;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Run REQ; 0, -errno of the call, or -errno_code of the reply. On success
 * the reply is handed to the caller in *OUT when OUT is not NULL. */
static int call(struct ipc_client *c, Clusterd__Request *req,
		Clusterd__Reply **out)
{
	Clusterd__Reply *reply;
	int r = ipc_client_call(c, req, CALL_TIMEOUT_MS, &reply);

	if (r < 0)
		return r;
	r = -reply->errno_code;
	if (r == 0 && out)
		*out = reply;
	else
		ipc_client_reply_free(reply);
	return r;
}

static int mkdir_parent(struct ipc_client *c, const char *path)
{
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__MkdirRequest mk = CLUSTERD__MKDIR_REQUEST__INIT;
	char dir[512];
	char *slash;
	int r;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		return 0;
	*slash = '\0';
	mk.path = dir;
	req.op_case = CLUSTERD__REQUEST__OP_MKDIR;
	req.mkdir = &mk;
	r = call(c, &req, NULL);
	return r == -EEXIST ? 0 : r;
}

static int put_value(struct ipc_client *c, const char *path, const char *value)
{
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__PutRequest put = CLUSTERD__PUT_REQUEST__INIT;

	put.path = (char *)path;
	put.data.data = (uint8_t *)value;
	put.data.len = strlen(value);
	req.op_case = CLUSTERD__REQUEST__OP_PUT;
	req.put = &put;
	return call(c, &req, NULL);
}

/* Read PATH's value "SEQ T0"; -ENOENT before the first put. */
static int get_value(struct ipc_client *c, const char *path, unsigned *seq,
		     uint64_t *t0)
{
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__GetRequest get = CLUSTERD__GET_REQUEST__INIT;
	Clusterd__Reply *reply = NULL;
	char text[64];
	size_t len;
	int r;

	get.path = (char *)path;
	req.op_case = CLUSTERD__REQUEST__OP_GET;
	req.get = &get;
	r = call(c, &req, &reply);
	if (r < 0)
		return r;
	r = -EBADMSG;
	if (reply->get) {
		len = reply->get->data.len < sizeof(text) - 1
			  ? reply->get->data.len
			  : sizeof(text) - 1;
		memcpy(text, reply->get->data.data, len);
		text[len] = '\0';
		if (sscanf(text, "%u %" SCNu64, seq, t0) == 2)
			r = 0;
	}
	ipc_client_reply_free(reply);
	return r;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sort the first N latencies; the P-th fraction, in microseconds. */
static unsigned long long pct(uint64_t *lat, size_t n, double p)
{
	return n ? lat[(size_t)((n - 1) * p)] / 1000 : 0;
}

static int do_put(struct visible *v, struct ipc_client *c)
{
	unsigned acked = 0;
	char value[64];
	int r = mkdir_parent(c, v->path);

	if (r < 0)
		fprintf(stderr, "cd-visible: mkdir for %s: %s\n", v->path,
			ipc_client_strerror(r));
	for (unsigned i = 1; i <= v->count; i++) {
		uint64_t t0 = now_ns();

		snprintf(value, sizeof(value), "%u %" PRIu64, i, t0);
		r = put_value(c, v->path, value);
		v->lat_ns[i - 1] = now_ns() - t0;
		if (r < 0) {
			v->failed++;
			fprintf(stderr, "cd-visible: put %u: %s\n", i,
				ipc_client_strerror(r));
		} else {
			acked++;
		}
		usleep(v->interval_ms * 1000);
	}
	qsort(v->lat_ns, v->count, sizeof(uint64_t), cmp_u64);
	printf("acked=%u failed=%u ack_p50_us=%llu ack_max_us=%llu\n", acked,
	       v->failed, pct(v->lat_ns, v->count, 0.5),
	       pct(v->lat_ns, v->count, 1.0));
	return 0;
}

/* One read; records the latency of a sequence number not seen before. */
static int watch_once(struct visible *v, struct ipc_client *c, unsigned *last)
{
	unsigned seq;
	uint64_t t0, start = now_ns(), seen_at;
	int r = get_value(c, v->path, &seq, &t0);

	seen_at = now_ns();
	v->polls++;
	v->poll_ns += seen_at - start;
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if (seq <= *last || seq > v->count)
		return 0;
	v->missed += seq - *last - 1;
	v->lat_ns[v->seen++] = seen_at - t0;
	*last = seq;
	return 0;
}

static int do_watch(struct visible *v, struct ipc_client *c)
{
	uint64_t deadline = now_ns() + v->timeout_s * 1000000000ULL;
	unsigned last = 0;
	int r = 0;

	printf("ready\n");
	fflush(stdout);
	while (last < v->count && r == 0) {
		if (now_ns() > deadline) {
			r = -ETIMEDOUT;
			break;
		}
		r = watch_once(v, c, &last);
		if (v->pause_us)
			usleep(v->pause_us);
	}
	if (r < 0)
		fprintf(stderr, "cd-visible: watch: %s\n",
			ipc_client_strerror(r));
	qsort(v->lat_ns, v->seen, sizeof(uint64_t), cmp_u64);
	printf("seen=%u missed=%u polls=%" PRIu64 " poll_us=%" PRIu64
	       " p50_us=%llu p90_us=%llu p99_us=%llu max_us=%llu\n",
	       v->seen, v->missed, v->polls,
	       v->polls ? v->poll_ns / v->polls / 1000 : 0,
	       pct(v->lat_ns, v->seen, 0.5), pct(v->lat_ns, v->seen, 0.9),
	       pct(v->lat_ns, v->seen, 0.99), pct(v->lat_ns, v->seen, 1.0));
	return r;
}

static int usage(void)
{
	fputs("usage: cd-visible watch -p PATH [-n COUNT] [-T TIMEOUT_S] "
	      "[-P PAUSE_US]\n"
	      "       cd-visible put -p PATH [-n COUNT] [-i INTERVAL_MS]\n",
	      stderr);
	return 2;
}

static int parse_args(struct visible *v, int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "p:n:i:T:P:")) != -1) {
		switch (opt) {
		case 'p': v->path = optarg; break;
		case 'n': v->count = strtoul(optarg, NULL, 10); break;
		case 'i': v->interval_ms = strtoul(optarg, NULL, 10); break;
		case 'T': v->timeout_s = strtoul(optarg, NULL, 10); break;
		case 'P': v->pause_us = strtoul(optarg, NULL, 10); break;
		default: return -EINVAL;
		}
	}
	if (optind != argc || !v->path || !v->count || !v->timeout_s)
		return -EINVAL;
	return 0;
}

int main(int argc, char **argv)
{
	struct visible v = {.count = 50, .interval_ms = 20, .timeout_s = 60};
	struct ipc_client *c;
	const char *mode = argc > 1 ? argv[1] : "";
	bool watch = strcmp(mode, "watch") == 0;
	int r;

	if ((!watch && strcmp(mode, "put") != 0) ||
	    parse_args(&v, argc - 1, argv + 1) < 0)
		return usage();
	v.lat_ns = calloc(v.count, sizeof(uint64_t));
	if (!v.lat_ns)
		return perror("cd-visible"), 1;
	r = ipc_client_connect(&c);
	if (r < 0) {
		fprintf(stderr, "cd-visible: %s\n", ipc_client_strerror(r));
		free(v.lat_ns);
		return 1;
	}
	r = watch ? do_watch(&v, c) : do_put(&v, c);
	ipc_client_free(c);
	free(v.lat_ns);
	return r < 0 ? 1 : 0;
}
