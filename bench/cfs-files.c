/*
 * cfs-files: files written through a mounted filesystem (configfs), the
 * way a tool or an editor writes them: open(O_CREAT|O_TRUNC), write,
 * close. Each close returns once the file is saved cluster-wide.
 *
 *   cfs-files -d DIR [-s SIZE] [-n COUNT | -D SECONDS] [-c WRITERS] [-r]
 *
 * Design
 * ------
 * WRITERS threads (default 1) each write files DIR/w<thread>/f<i> of SIZE
 * bytes, one after the other: COUNT files each, or for SECONDS. New names
 * by default; with -r each thread rewrites the same 10 files (open with
 * O_TRUNC). On configfs both are one replicated write per file.
 * The latency of every open+write+close is kept per thread and the
 * percentiles are over all of them. The per-thread directories are made
 * before the clock starts.
 *
 * Output, one line:
 *   writers=N files=N failed=N elapsed_ms=N rate=N p50_us=N p90_us=N
 *   p99_us=N max_us=N
 * Exit status: 0 if it ran (failures are counted), 1 on setup errors, 2 on
 * usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_WRITERS 64

struct run {
	const char *dir;
	size_t size;
	unsigned count, seconds, writers;
	int rewrite;
	char *payload;
	uint64_t deadline_ns;
	pthread_barrier_t start;
};

struct writer {
	struct run *run;
	unsigned id;
	uint64_t *lat;
	size_t n, cap;
	unsigned failed;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int write_file(const char *path, const char *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	int r = 0;

	if (fd < 0)
		return -errno;
	for (size_t off = 0; off < size && r == 0;) {
		ssize_t n = write(fd, data + off, size - off);
		if (n < 0)
			r = -errno;
		else
			off += n;
	}
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

static bool more(struct writer *w, unsigned i)
{
	if (w->run->seconds)
		return now_ns() < w->run->deadline_ns;
	return i < w->run->count;
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	char path[4096];

	pthread_barrier_wait(&w->run->start);
	for (unsigned i = 0; more(w, i); i++) {
		uint64_t t0;

		snprintf(path, sizeof(path), "%s/w%u/f%u", w->run->dir, w->id,
			 w->run->rewrite ? i % 10 : i);
		if (w->n == w->cap) {
			w->cap = w->cap ? w->cap * 2 : 1024;
			w->lat = realloc(w->lat, w->cap * sizeof(*w->lat));
			if (!w->lat)
				abort();
		}
		t0 = now_ns();
		if (write_file(path, w->run->payload, w->run->size) < 0)
			w->failed++;
		else
			w->lat[w->n++] = now_ns() - t0;
	}
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void report(struct run *run, struct writer *ws, uint64_t elapsed)
{
	size_t total = 0, k = 0;
	unsigned failed = 0;
	uint64_t *all;

	for (unsigned i = 0; i < run->writers; i++) {
		total += ws[i].n;
		failed += ws[i].failed;
	}
	all = calloc(total ? total : 1, sizeof(*all));
	for (unsigned i = 0; i < run->writers; i++)
		for (size_t j = 0; j < ws[i].n; j++)
			all[k++] = ws[i].lat[j];
	qsort(all, total, sizeof(*all), cmp_u64);
#define PCT(p) (total ? all[(size_t)((total - 1) * (p) / 100)] / 1000 : 0)
	printf("writers=%u files=%zu failed=%u elapsed_ms=%llu rate=%.0f "
	       "p50_us=%llu p90_us=%llu p99_us=%llu max_us=%llu\n",
	       run->writers, total, failed,
	       (unsigned long long)(elapsed / 1000000),
	       elapsed ? total * 1e9 / elapsed : 0.0,
	       (unsigned long long)PCT(50), (unsigned long long)PCT(90),
	       (unsigned long long)PCT(99),
	       (unsigned long long)(total ? all[total - 1] / 1000 : 0));
	free(all);
}

static int usage(void)
{
	fprintf(stderr, "Usage: cfs-files -d DIR [-s SIZE] [-n COUNT | -D "
			"SECONDS] [-c WRITERS] [-r]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct run run = {.size = 200, .count = 1000, .writers = 1};
	struct writer ws[MAX_WRITERS] = {};
	pthread_t th[MAX_WRITERS];
	char path[4096];
	uint64_t t0;
	int c;

	while ((c = getopt(argc, argv, "d:s:n:D:c:r")) != -1) {
		switch (c) {
		case 'd': run.dir = optarg; break;
		case 's': run.size = strtoul(optarg, NULL, 10); break;
		case 'n': run.count = strtoul(optarg, NULL, 10); break;
		case 'D': run.seconds = strtoul(optarg, NULL, 10); break;
		case 'c': run.writers = strtoul(optarg, NULL, 10); break;
		case 'r': run.rewrite = 1; break;
		default: return usage();
		}
	}
	if (!run.dir || !run.writers || run.writers > MAX_WRITERS ||
	    optind < argc)
		return usage();
	run.payload = malloc(run.size + 1);
	if (!run.payload)
		return 1;
	for (size_t i = 0; i < run.size; i++)
		run.payload[i] = 'a' + i % 26;
	if (mkdir(run.dir, 0750) < 0 && errno != EEXIST) {
		perror(run.dir);
		return 1;
	}
	for (unsigned i = 0; i < run.writers; i++) {
		snprintf(path, sizeof(path), "%s/w%u", run.dir, i);
		if (mkdir(path, 0750) < 0 && errno != EEXIST) {
			perror(path);
			return 1;
		}
	}
	pthread_barrier_init(&run.start, NULL, run.writers + 1);
	for (unsigned i = 0; i < run.writers; i++) {
		ws[i] = (struct writer){.run = &run, .id = i};
		pthread_create(&th[i], NULL, writer_main, &ws[i]);
	}
	t0 = now_ns();
	run.deadline_ns = t0 + run.seconds * 1000000000ULL;
	pthread_barrier_wait(&run.start);
	for (unsigned i = 0; i < run.writers; i++)
		pthread_join(th[i], NULL);
	report(&run, ws, now_ns() - t0);
	for (unsigned i = 0; i < run.writers; i++)
		free(ws[i].lat);
	free(run.payload);
	return 0;
}
