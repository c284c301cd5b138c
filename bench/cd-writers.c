/*
 * cd-writers: steady-state write throughput of N concurrent clients.
 *
 *   cd-writers [-c WRITERS] [-D SECONDS] [-s SIZE] [-d DIR]
 *
 * Design
 * ------
 * tests/tools/cd-load starts its clock before its threads connect, so its
 * rate includes opening the IPC connections; with many writers that is a
 * large share of a short run (each connection sets up libqb shared-memory
 * rings sized for the largest message). This tool separates the two: all
 * WRITERS threads connect first and wait on a barrier, the time that took
 * is reported as connect_ms, and only then does the clock start (a line
 * "cd-writers: connected=N, writing" on stderr marks that moment). Each
 * thread then puts files DIR/<thread>-<i> of SIZE bytes, one at a time,
 * until SECONDS have passed; every call's latency is kept (per thread, so
 * the loop takes no lock) and the percentiles are over all of them.
 *
 * Output, one line (cpu_ms: this process's user+system CPU time, so that a
 * caller can tell the client's share of the machine from the daemons'):
 *   writers=N connected=N connect_ms=N acked=N failed=N elapsed_ms=N
 *   rate=N p50_us=N p90_us=N p99_us=N max_us=N cpu_ms=N
 *
 * Exit status: 0 if it ran (failures are counted), 1 if no writer could
 * connect, 2 on usage.
 */
#include "ipc_client.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define MAX_WRITERS	256
#define CALL_TIMEOUT_MS 10000

struct run;

struct writer {
	struct run *run;
	unsigned id;
	struct ipc_client *c;
	uint64_t *lat; /* ns per call */
	size_t n, cap;
	unsigned acked, failed;
};

struct run {
	unsigned writers, seconds, size;
	const char *dir;
	char *payload;
	pthread_barrier_t start;
	_Atomic uint64_t deadline_ns;
	atomic_uint connected;
	struct writer w[MAX_WRITERS];
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* One request; -errno of the call or of the reply. */
static int call(struct ipc_client *c, Clusterd__Request *req)
{
	Clusterd__Reply *reply = NULL;
	int r = ipc_client_call(c, req, CALL_TIMEOUT_MS, &reply);

	if (r < 0)
		return r;
	r = -reply->errno_code;
	ipc_client_reply_free(reply);
	return r;
}

static int put(struct writer *w, const char *path)
{
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__PutRequest p = CLUSTERD__PUT_REQUEST__INIT;

	p.path = (char *)path;
	p.data.data = (uint8_t *)w->run->payload;
	p.data.len = w->run->size;
	req.op_case = CLUSTERD__REQUEST__OP_PUT;
	req.put = &p;
	return call(w->c, &req);
}

/* Create DIR and its parents (existing ones are fine). */
static int mkdir_p(const char *dir)
{
	struct ipc_client *c;
	char path[512];
	int r = ipc_client_connect(&c);

	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "%s/", dir);
	for (char *p = strchr(path, '/'); p && r >= 0; p = strchr(p + 1, '/')) {
		Clusterd__Request req = CLUSTERD__REQUEST__INIT;
		Clusterd__MkdirRequest mk = CLUSTERD__MKDIR_REQUEST__INIT;

		*p = '\0';
		mk.path = path;
		req.op_case = CLUSTERD__REQUEST__OP_MKDIR;
		req.mkdir = &mk;
		r = call(c, &req);
		r = r == -EEXIST ? 0 : r;
		*p = '/';
	}
	ipc_client_free(c);
	return r;
}

static int record(struct writer *w, uint64_t ns)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 4096;
		uint64_t *lat = realloc(w->lat, cap * sizeof(*lat));

		if (!lat)
			return -ENOMEM;
		w->lat = lat;
		w->cap = cap;
	}
	w->lat[w->n++] = ns;
	return 0;
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	struct run *run = w->run;
	char path[512];
	int r = ipc_client_connect(&w->c);

	if (r < 0)
		fprintf(stderr, "cd-writers: writer %u: %s\n", w->id,
			ipc_client_strerror(r));
	else
		run->connected++;
	pthread_barrier_wait(&run->start);
	for (unsigned i = 0; w->c && now_ns() < run->deadline_ns; i++) {
		uint64_t t0 = now_ns();

		snprintf(path, sizeof(path), "%s/%u-%u", run->dir, w->id, i);
		r = put(w, path);
		if (record(w, now_ns() - t0) < 0)
			break;
		if (r < 0)
			w->failed++;
		else
			w->acked++;
	}
	ipc_client_free(w->c);
	return NULL;
}

static unsigned long long cpu_ms(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return 0;
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000ULL +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Merge every writer's latencies, sort, print the summary line. */
static int report(struct run *run, uint64_t connect_ns, uint64_t elapsed_ns)
{
	size_t n = 0, k = 0;
	unsigned acked = 0, failed = 0;
	uint64_t *all;

	for (unsigned i = 0; i < run->writers; i++)
		n += run->w[i].n;
	all = malloc((n ? n : 1) * sizeof(*all));
	if (!all)
		return -ENOMEM;
	for (unsigned i = 0; i < run->writers; i++) {
		memcpy(all + k, run->w[i].lat, run->w[i].n * sizeof(*all));
		k += run->w[i].n;
		acked += run->w[i].acked;
		failed += run->w[i].failed;
	}
	qsort(all, n, sizeof(*all), cmp_u64);
#define PCT(p) (unsigned long long)(n ? all[(size_t)((n - 1) * (p))] / 1000 : 0)
	printf("writers=%u connected=%u connect_ms=%llu acked=%u failed=%u "
	       "elapsed_ms=%llu rate=%.0f p50_us=%llu p90_us=%llu "
	       "p99_us=%llu max_us=%llu cpu_ms=%llu\n",
	       run->writers, (unsigned)run->connected,
	       (unsigned long long)(connect_ns / 1000000), acked, failed,
	       (unsigned long long)(elapsed_ns / 1000000),
	       elapsed_ns ? acked * 1e9 / elapsed_ns : 0.0, PCT(0.5), PCT(0.9),
	       PCT(0.99), PCT(1.0), cpu_ms());
#undef PCT
	free(all);
	return 0;
}

static int usage(void)
{
	fputs("usage: cd-writers [-c WRITERS] [-D SECONDS] [-s SIZE] "
	      "[-d DIR]\n",
	      stderr);
	return 2;
}

static int parse_args(struct run *run, int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "c:D:s:d:")) != -1) {
		switch (opt) {
		case 'c': run->writers = strtoul(optarg, NULL, 10); break;
		case 'D': run->seconds = strtoul(optarg, NULL, 10); break;
		case 's': run->size = strtoul(optarg, NULL, 10); break;
		case 'd': run->dir = optarg; break;
		default: return -EINVAL;
		}
	}
	if (optind != argc || !run->writers || run->writers > MAX_WRITERS ||
	    !run->seconds)
		return -EINVAL;
	return 0;
}

/* Start every writer, release them together, wait for the end. */
static int run_all(struct run *run)
{
	pthread_t th[MAX_WRITERS];
	uint64_t t0 = now_ns(), t1, t2;

	run->deadline_ns = UINT64_MAX;
	pthread_barrier_init(&run->start, NULL, run->writers + 1);
	for (unsigned i = 0; i < run->writers; i++) {
		run->w[i] = (struct writer){.run = run, .id = i};
		pthread_create(&th[i], NULL, writer_main, &run->w[i]);
	}
	/* The writers start as soon as the barrier opens; the deadline
	 * follows within microseconds. */
	pthread_barrier_wait(&run->start);
	t1 = now_ns();
	run->deadline_ns = t1 + run->seconds * 1000000000ULL;
	fprintf(stderr, "cd-writers: connected=%u, writing\n",
		(unsigned)run->connected);
	for (unsigned i = 0; i < run->writers; i++)
		pthread_join(th[i], NULL);
	t2 = now_ns();
	pthread_barrier_destroy(&run->start);
	if (!run->connected)
		return -ECONNREFUSED;
	return report(run, t1 - t0, t2 - t1);
}

int main(int argc, char **argv)
{
	static struct run run = {
	    .writers = 1, .seconds = 3, .size = 200, .dir = "writers"};
	int r;

	if (parse_args(&run, argc, argv) < 0)
		return usage();
	run.payload = malloc(run.size ? run.size : 1);
	if (!run.payload)
		return perror("cd-writers"), 1;
	memset(run.payload, 'x', run.size);
	r = mkdir_p(run.dir);
	if (r < 0)
		fprintf(stderr, "cd-writers: cannot create %s: %s\n", run.dir,
			ipc_client_strerror(r));
	r = run_all(&run);
	if (r < 0)
		fprintf(stderr, "cd-writers: %s\n", strerror(-r));
	for (unsigned i = 0; i < run.writers; i++)
		free(run.w[i].lat);
	free(run.payload);
	return r < 0 ? 1 : 0;
}
