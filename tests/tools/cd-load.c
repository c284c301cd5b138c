/*
 * cd-load: write many keys through clusterd's IPC, for tests and benches.
 *
 *   cd-load [-c CONCURRENCY] [-n COUNT] [-s SIZE] [-d DIR] [-t MS]
 *           [-a ACKLOG] [-D SECONDS]
 *
 * Each of CONCURRENCY threads opens its own connection and puts files
 * DIR/<thread>-<i> of SIZE bytes until COUNT writes were made in total (or
 * for SECONDS with -D). Every acknowledged key is appended to ACKLOG (one
 * line, written only after the reply said done), so that a test can check
 * later that no acknowledged write was lost. Prints one summary line:
 *
 *   acked=N failed=N elapsed_ms=N rate=N p50_us=N p90_us=N p99_us=N max_us=N
 *
 *   cd-load -A FILE [-c ...] [-n ...] [-D ...] [-d TAG] [-a ACKLOG]
 *
 * appends instead: each operation adds the line "TAG-<thread>-<i>" to FILE
 * with a read and a compare-and-swap write, retried on a conflict, so
 * concurrent appenders on several nodes never lose each other's lines.
 *
 *   cd-load -C ACKLOG [-A FILE]
 *
 * checks instead that every key listed in ACKLOG exists on this node (with
 * -A: that every line listed in ACKLOG is a line of FILE) and
 * prints "checked=N missing=N" (and each missing key on stderr); exit 1 if
 * any is missing.
 *
 * Exit status: 0 if it ran (failures are counted, not fatal), 2 on usage.
 */
#include "ipc_client.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct load {
	unsigned concurrency, count, size, timeout_ms, seconds;
	const char *dir;
	const char *append_file; /* -A */
	FILE *acklog;
	pthread_mutex_t lock;
	atomic_uint next, acked, failed;
	atomic_uint errors[256]; /* failures by errno, for the summary */
	uint64_t *latencies;	 /* ns, one slot per write */
	uint64_t deadline_ns;
	char *payload;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int put(struct ipc_client *c, struct load *l, const char *path)
{
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__PutRequest put = CLUSTERD__PUT_REQUEST__INIT;
	Clusterd__Reply *reply;
	int r;

	put.path = (char *)path;
	put.data.data = (uint8_t *)l->payload;
	put.data.len = l->size;
	req.op_case = CLUSTERD__REQUEST__OP_PUT;
	req.put = &put;
	r = ipc_client_call(c, &req, l->timeout_ms, &reply);
	if (r < 0)
		return r;
	r = -reply->errno_code;
	ipc_client_reply_free(reply);
	return r;
}

static int get(struct ipc_client *c, const char *path, Clusterd__Reply **out)
{
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__GetRequest get = CLUSTERD__GET_REQUEST__INIT;
	int r;

	get.path = (char *)path;
	req.op_case = CLUSTERD__REQUEST__OP_GET;
	req.get = &get;
	r = ipc_client_call(c, &req, 10000, out);
	if (r == 0 && (*out)->errno_code) {
		r = -(*out)->errno_code;
		ipc_client_reply_free(*out);
	}
	return r;
}

/* Append LINE to FILE: read, then write with compare-and-swap. */
static int append(struct ipc_client *c, struct load *l, const char *line)
{
	for (int attempt = 0; attempt < 100; attempt++) {
		Clusterd__Request req = CLUSTERD__REQUEST__INIT;
		Clusterd__PutRequest put = CLUSTERD__PUT_REQUEST__INIT;
		Clusterd__Reply *reply = NULL;
		size_t old = 0, add = strlen(line);
		char *buf;
		int r = get(c, l->append_file, &reply);

		if (r < 0 && r != -ENOENT)
			return r;
		if (r < 0)
			reply = NULL;
		if (reply)
			old = reply->get->data.len;
		buf = malloc(old + add + 1);
		if (!buf)
			return -ENOMEM;
		if (old)
			memcpy(buf, reply->get->data.data, old);
		memcpy(buf + old, line, add);
		buf[old + add] = '\n';
		put.path = (char *)l->append_file;
		put.data.data = (uint8_t *)buf;
		put.data.len = old + add + 1;
		put.check_version = true;
		put.expected_version = reply ? reply->get->stat->version : 0;
		if (reply)
			ipc_client_reply_free(reply);
		req.op_case = CLUSTERD__REQUEST__OP_PUT;
		req.put = &put;
		r = ipc_client_call(c, &req, l->timeout_ms, &reply);
		free(buf);
		if (r < 0)
			return r;
		r = -reply->errno_code;
		ipc_client_reply_free(reply);
		if (r != -ESTALE && r != -EEXIST)
			return r;
	}
	return -EBUSY;
}

static void *worker(void *arg)
{
	struct load *l = arg;
	struct ipc_client *c;
	static atomic_uint thread_ids;
	unsigned me = thread_ids++, i = 0, slot;
	char path[512];

	if (ipc_client_connect(&c) < 0) {
		fprintf(stderr, "cd-load: cannot connect to clusterd\n");
		return NULL;
	}
	while ((slot = l->next++) < l->count &&
	       (!l->deadline_ns || now_ns() < l->deadline_ns)) {
		uint64_t t0 = now_ns();
		int r;

		if (l->append_file) {
			snprintf(path, sizeof(path), "%s-%u-%u", l->dir, me,
				 i++);
			r = append(c, l, path);
		} else {
			snprintf(path, sizeof(path), "%s/%u-%u", l->dir, me,
				 i++);
			r = put(c, l, path);
		}
		l->latencies[slot] = now_ns() - t0;
		if (r == -ENOTCONN || r == -ECONNREFUSED) {
			/* clusterd restarted: reconnect, don't spin. */
			ipc_client_free(c);
			c = NULL;
			while (!c &&
			       (!l->deadline_ns || now_ns() < l->deadline_ns)) {
				struct timespec pause = {0, 100000000};

				nanosleep(&pause, NULL);
				if (ipc_client_connect(&c) < 0)
					c = NULL;
			}
		}
		if (r < 0) {
			struct timespec pause = {0, 20000000};

			l->failed++;
			l->errors[-r < 256 ? -r : 0]++;
			if (!c)
				break;
			nanosleep(&pause, NULL); /* no quorum: don't spin */
			continue;
		}
		l->acked++;
		if (l->acklog) {
			pthread_mutex_lock(&l->lock);
			fprintf(l->acklog, "%s\n", path);
			fflush(l->acklog);
			pthread_mutex_unlock(&l->lock);
		}
	}
	ipc_client_free(c);
	return NULL;
}

static int mkdir_p(const char *dir)
{
	char path[512];
	struct ipc_client *c;
	int r = ipc_client_connect(&c);

	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "%s", dir);
	for (char *p = path;; p++) {
		if (*p == '/' || *p == '\0') {
			Clusterd__Request req = CLUSTERD__REQUEST__INIT;
			Clusterd__MkdirRequest mk =
			    CLUSTERD__MKDIR_REQUEST__INIT;
			Clusterd__Reply *reply;
			char saved = *p;

			*p = '\0';
			mk.path = path;
			req.op_case = CLUSTERD__REQUEST__OP_MKDIR;
			req.mkdir = &mk;
			r = ipc_client_call(c, &req, 10000, &reply);
			if (r == 0) {
				r = reply->errno_code == EEXIST
					? 0
					: -reply->errno_code;
				ipc_client_reply_free(reply);
			}
			*p = saved;
			if (r < 0 || saved == '\0')
				break;
		}
	}
	ipc_client_free(c);
	return r;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void report(struct load *l, uint64_t elapsed_ns)
{
	size_t n = 0;

	for (size_t i = 0; i < l->count; i++)
		if (l->latencies[i])
			l->latencies[n++] = l->latencies[i];
	qsort(l->latencies, n, sizeof(uint64_t), cmp_u64);
#define PCT(p) (n ? l->latencies[(size_t)((n - 1) * (p))] / 1000 : 0)
	printf("acked=%u failed=%u elapsed_ms=%llu rate=%.0f p50_us=%llu "
	       "p90_us=%llu p99_us=%llu max_us=%llu\n",
	       (unsigned)l->acked, (unsigned)l->failed,
	       (unsigned long long)(elapsed_ns / 1000000),
	       elapsed_ns ? (double)l->acked * 1e9 / elapsed_ns : 0.0,
	       (unsigned long long)PCT(0.50), (unsigned long long)PCT(0.90),
	       (unsigned long long)PCT(0.99), (unsigned long long)PCT(1.0));
#undef PCT
	for (int e = 0, shown = 0; e < 256; e++)
		if (l->errors[e])
			printf("%s%s=%u", shown++ ? " " : "errors: ",
			       e ? strerror(e) : "other",
			       (unsigned)l->errors[e]);
	if (l->failed)
		printf("\n");
}

/* Is LINE one of the lines of TEXT? */
static bool has_line(const char *text, size_t len, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p + n <= text + len;) {
		const char *nl = memchr(p, '\n', text + len - p);
		size_t linelen =
		    nl ? (size_t)(nl - p) : (size_t)(text + len - p);

		if (linelen == n && memcmp(p, line, n) == 0)
			return true;
		if (!nl)
			break;
		p = nl + 1;
	}
	return false;
}

static int check_lookup(struct ipc_client *c, const char *line,
			const char *append_file)
{
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__StatRequest st = CLUSTERD__STAT_REQUEST__INIT;
	Clusterd__Reply *reply;
	bool found;
	int r;

	if (append_file) {
		r = get(c, append_file, &reply);
		if (r < 0)
			return r;
		found = has_line((const char *)reply->get->data.data,
				 reply->get->data.len, line);
		ipc_client_reply_free(reply);
		return found ? 0 : -ENOENT;
	}
	st.path = (char *)line;
	req.op_case = CLUSTERD__REQUEST__OP_STAT;
	req.stat = &st;
	r = ipc_client_call(c, &req, 10000, &reply);
	if (r == 0) {
		r = -reply->errno_code;
		ipc_client_reply_free(reply);
	}
	return r;
}

static int check_acklog(const char *file, const char *append_file)
{
	char line[512];
	unsigned checked = 0, missing = 0;
	struct ipc_client *c;
	FILE *f = fopen(file, "r");

	if (!f)
		return perror(file), 2;
	if (ipc_client_connect(&c) < 0) {
		fprintf(stderr, "cd-load: cannot connect to clusterd\n");
		fclose(f);
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		int r;

		line[strcspn(line, "\n")] = '\0';
		r = check_lookup(c, line, append_file);
		checked++;
		if (r < 0) {
			missing++;
			fprintf(stderr, "missing: %s (%s)\n", line,
				strerror(-r));
		}
	}
	fclose(f);
	ipc_client_free(c);
	printf("checked=%u missing=%u\n", checked, missing);
	return missing ? 1 : 0;
}

static int usage(void)
{
	fputs(
	    "usage: cd-load [-c CONCURRENCY] [-n COUNT] [-s SIZE] [-d DIR] "
	    "[-t TIMEOUT_MS] [-a ACKLOG] [-D SECONDS]\n"
	    "       cd-load -A FILE [-c N] [-n N] [-D S] [-d TAG] [-a ACKLOG]\n"
	    "       cd-load -C ACKLOG [-A FILE]\n",
	    stderr);
	return 2;
}

int main(int argc, char **argv)
{
	struct load l = {.concurrency = 1,
			 .count = 0,
			 .size = 200,
			 .timeout_ms = 10000,
			 .dir = "load"};
	pthread_t threads[256];
	const char *check = NULL;
	uint64_t started;
	uint64_t t0;
	int opt;

	while ((opt = getopt(argc, argv, "c:n:s:d:t:a:D:C:A:")) != -1) {
		switch (opt) {
		case 'C': check = optarg; break;
		case 'A': l.append_file = optarg; break;
		case 'c': l.concurrency = strtoul(optarg, NULL, 10); break;
		case 'n': l.count = strtoul(optarg, NULL, 10); break;
		case 's': l.size = strtoul(optarg, NULL, 10); break;
		case 'd': l.dir = optarg; break;
		case 't': l.timeout_ms = strtoul(optarg, NULL, 10); break;
		case 'D': l.seconds = strtoul(optarg, NULL, 10); break;
		case 'a':
			l.acklog = fopen(optarg, "a");
			if (!l.acklog)
				return perror(optarg), 2;
			break;
		default: return usage();
		}
	}
	if (!l.concurrency || l.concurrency > 256 || optind < argc)
		return usage();
	if (check)
		return check_acklog(check, l.append_file);
	if (!l.count)
		l.count = l.seconds ? 10000000 : 1000;
	l.latencies = calloc(l.count, sizeof(uint64_t));
	l.payload = malloc(l.size ? l.size : 1);
	if (!l.latencies || !l.payload)
		return perror("cd-load"), 1;
	memset(l.payload, 'x', l.size);
	pthread_mutex_init(&l.lock, NULL);
	/* The node may be without quorum right now (a test starts clients
	 * on a node it just powered on): retry until the run's end, which
	 * counts from here. */
	started = now_ns();
	if (l.seconds)
		l.deadline_ns = started + l.seconds * 1000000000ULL;
	for (uint64_t until =
		 started + (l.seconds ? l.seconds : 30) * 1000000000ULL;
	     !l.append_file && mkdir_p(l.dir) < 0 && now_ns() < until;) {
		struct timespec pause = {0, 100000000};

		nanosleep(&pause, NULL);
	}
	if (!l.append_file && mkdir_p(l.dir) < 0)
		fprintf(stderr,
			"cd-load: cannot create %s (writes will fail)\n",
			l.dir);
	t0 = now_ns();
	for (unsigned i = 0; i < l.concurrency; i++)
		pthread_create(&threads[i], NULL, worker, &l);
	for (unsigned i = 0; i < l.concurrency; i++)
		pthread_join(threads[i], NULL);
	report(&l, now_ns() - t0);
	if (l.acklog)
		fclose(l.acklog);
	free(l.latencies);
	free(l.payload);
	return 0;
}
