/*
 * The "sim" backend: pretend guests with fault injection, for the HA
 * simulator and tests.
 *
 * A sim guest is a file RUN_DIR/sim/ID holding its state ("running" or
 * "paused") and its start time, so that several processes of one node
 * (haagent, test tools) see the same guests and a node's power-off (its
 * /run vanishes in the harness) stops them. Options (backend_env.options)
 * inject faults: "fail-start=N,fail-stop=N,fail-shutdown=N,fail-migrate=N"
 * make the first N calls of that operation in this process fail with EIO;
 * "migrate-ms=N" makes a live migration take N ms, reporting progress
 * every 100 ms; "max-memory=MIB" makes validate refuse guests with more
 * memory. No process runs; status reports the loader's pid, usage
 * pretends 10% of one CPU since the start and half the memory resident.
 */
#include "backend.h"
#include "macro.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

const uint32_t clusterd_backend_abi = BACKEND_ABI_VERSION;

enum sim_fault {
	FAULT_START,
	FAULT_STOP,
	FAULT_SHUTDOWN,
	FAULT_MIGRATE,
	_FAULT_MAX,
	OPT_MIGRATE_MS = _FAULT_MAX,
	OPT_MAX_MEMORY,
	_OPT_MAX,
};

static const char *const fault_names[_OPT_MAX] = {
    "fail-start",   "fail-stop",  "fail-shutdown",
    "fail-migrate", "migrate-ms", "max-memory"};

#define MIGRATE_STEP_MS 100

struct sim {
	char dir[1024];
	unsigned faults[_OPT_MAX]; /* the faults left, then the options */
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int parse_faults(struct sim *s, const char *opts,
			struct backend_error *err)
{
	char buf[256], *save = NULL, *tok;

	if (!opts)
		return 0;
	snprintf(buf, sizeof(buf), "%s", opts);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		unsigned i;

		if (!eq)
			return backend_fail(err, EINVAL,
					    "sim: option '%s' needs =N", tok);
		*eq = '\0';
		for (i = 0; i < _OPT_MAX; i++)
			if (strcmp(tok, fault_names[i]) == 0)
				break;
		if (i == _OPT_MAX || sscanf(eq + 1, "%u", &s->faults[i]) != 1)
			return backend_fail(err, EINVAL,
					    "sim: unknown option '%s'", tok);
	}
	return 0;
}

static int sim_init(const struct backend_env *env, void **state,
		    struct backend_error *err)
{
	_cleanup_free_ struct sim *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	snprintf(s->dir, sizeof(s->dir), "%s/sim", env->run_dir);
	if (mkdir(env->run_dir, 0755) < 0 && errno != EEXIST)
		return backend_fail(err, errno, "sim: %s: %m", env->run_dir);
	if (mkdir(s->dir, 0755) < 0 && errno != EEXIST)
		return backend_fail(err, errno, "sim: %s: %m", s->dir);
	r = parse_faults(s, env->options, err);
	if (r < 0)
		return r;
	*state = TAKE_PTR(s);
	return 0;
}

static void sim_fini(void *state)
{
	free(state);
}

static int fault(struct sim *s, enum sim_fault f, struct backend_error *err)
{
	if (s->faults[f] == 0)
		return 0;
	s->faults[f]--;
	return backend_fail(err, EIO, "sim: injected %s", fault_names[f]);
}

static void state_path(struct sim *s, uint32_t id, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%u", s->dir, id);
}

/* 0 and STATE/START, or -ENOENT when the guest is stopped. */
static int read_state(struct sim *s, uint32_t id, enum guest_state *state,
		      uint64_t *start)
{
	char path[1100], word[16];
	_cleanup_fclose_ FILE *f = NULL;
	unsigned long long t;

	state_path(s, id, path, sizeof(path));
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (fscanf(f, "%15s %llu", word, &t) != 2)
		return -EIO;
	*state = strcmp(word, "paused") == 0 ? GUEST_PAUSED : GUEST_RUNNING;
	*start = t;
	return 0;
}

static int write_state(struct sim *s, uint32_t id, const char *word,
		       uint64_t start, struct backend_error *err)
{
	char path[1100], tmp[1110];
	_cleanup_fclose_ FILE *f = NULL;

	state_path(s, id, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f ||
	    fprintf(f, "%s %llu\n", word, (unsigned long long)start) < 0 ||
	    fflush(f) != 0 || rename(tmp, path) < 0)
		return backend_fail(err, errno ? errno : EIO, "sim: %s: %m",
				    path);
	return 0;
}

static int sim_start(void *state, const struct guest_conf *c,
		     struct backend_error *err)
{
	struct sim *s = state;
	enum guest_state st;
	uint64_t start;
	int r = fault(s, FAULT_START, err);

	if (r < 0)
		return r;
	if (read_state(s, c->id, &st, &start) == 0)
		return backend_fail(err, EALREADY,
				    "guest %u is already running", c->id);
	return write_state(s, c->id, "running", now_ms(), err);
}

static int sim_stop(void *state, const struct guest_conf *c,
		    struct backend_error *err)
{
	struct sim *s = state;
	char path[1100];
	int r = fault(s, FAULT_STOP, err);

	if (r < 0)
		return r;
	state_path(s, c->id, path, sizeof(path));
	if (unlink(path) < 0 && errno != ENOENT)
		return backend_fail(err, errno, "sim: %s: %m", path);
	return 0;
}

static int sim_shutdown(void *state, const struct guest_conf *c,
			unsigned timeout_ms, struct backend_error *err)
{
	int r = fault(state, FAULT_SHUTDOWN, err);

	return r < 0 ? r : sim_stop(state, c, err);
}

static int sim_status(void *state, const struct guest_conf *c,
		      struct guest_status *st, struct backend_error *err)
{
	uint64_t start;
	int r;

	*st =
	    (struct guest_status){.state = GUEST_STOPPED, .memory = c->memory};
	r = read_state(state, c->id, &st->state, &start);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return backend_fail(err, r, "sim: guest %u: unreadable state",
				    c->id);
	st->pid = getpid();
	st->uptime_ms = now_ms() - start;
	return 0;
}

static int sim_validate(void *state, const struct guest_conf *c,
			struct backend_error *err)
{
	struct sim *s = state;
	uint64_t max = (uint64_t)s->faults[OPT_MAX_MEMORY] << 20;

	if (max && c->memory > max)
		return backend_fail(err, EINVAL,
				    "memory: %llu MiB is more than this node "
				    "runs (max-memory=%u)",
				    (unsigned long long)(c->memory >> 20),
				    s->faults[OPT_MAX_MEMORY]);
	return 0;
}

static int sim_usage(void *state, const struct guest_conf *c,
		     struct guest_usage *u, struct backend_error *err)
{
	struct guest_status st;
	int r = sim_status(state, c, &st, err);

	*u = (struct guest_usage){};
	if (r < 0 || st.state == GUEST_STOPPED)
		return r;
	u->cpu_ns = (st.uptime_ms + 1) * 100000;
	u->rss_bytes = c->memory / 2;
	return 0;
}

/* A migration of migrate-ms, with progress every MIGRATE_STEP_MS. */
static void pretend_transfer(struct sim *s, const struct guest_conf *c,
			     backend_progress_fn progress, void *userdata)
{
	unsigned ms = s->faults[OPT_MIGRATE_MS];

	for (unsigned t = 0; t < ms; t += MIGRATE_STEP_MS) {
		if (progress)
			progress(userdata, c->memory / ms * t, c->memory,
				 "active");
		backend_sleep_ms(MIGRATE_STEP_MS);
	}
}

static int sim_migrate_in_prepare(void *state, const struct guest_conf *c,
				  uint16_t port, struct backend_error *err)
{
	int r = fault(state, FAULT_MIGRATE, err);

	return r < 0 ? r : write_state(state, c->id, "paused", now_ms(), err);
}

static int sim_migrate_out(void *state, const struct guest_conf *c,
			   const char *host, uint16_t port,
			   backend_progress_fn progress, void *userdata,
			   struct backend_error *err)
{
	enum guest_state st;
	uint64_t start;
	int r = fault(state, FAULT_MIGRATE, err);

	if (r < 0)
		return r;
	if (read_state(state, c->id, &st, &start) < 0)
		return backend_fail(err, ESRCH, "guest %u is not running",
				    c->id);
	pretend_transfer(state, c, progress, userdata);
	if (progress)
		progress(userdata, c->memory, c->memory, "completed");
	return write_state(state, c->id, "paused", start, err);
}

static int sim_resume(void *state, const struct guest_conf *c,
		      struct backend_error *err)
{
	enum guest_state st;
	uint64_t start;

	if (read_state(state, c->id, &st, &start) < 0)
		return backend_fail(err, ESRCH, "guest %u is not running",
				    c->id);
	return write_state(state, c->id, "running", start, err);
}

static int sim_migrate_in_finish(void *state, const struct guest_conf *c,
				 int resume, struct backend_error *err)
{
	if (!resume)
		return sim_stop(state, c, err);
	return sim_resume(state, c, err);
}

const struct backend_ops clusterd_backend_ops = {
    .name = "sim",
    .type = GUEST_QEMU,
    .init = sim_init,
    .fini = sim_fini,
    .validate = sim_validate,
    .start = sim_start,
    .shutdown = sim_shutdown,
    .stop = sim_stop,
    .status = sim_status,
    .usage = sim_usage,
    .migrate_in_prepare = sim_migrate_in_prepare,
    .migrate_out = sim_migrate_out,
    .migrate_in_finish = sim_migrate_in_finish,
    .resume = sim_resume,
};
