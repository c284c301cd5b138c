/*
 * Live migration of the QEMU backend (the protocol is in backend.h).
 *
 * The target runs the same command line with "-S -incoming tcp:0.0.0.0:
 * PORT": it receives the state and stays paused. With TLS (option tls-dir)
 * the target starts with "-incoming defer" and server credentials, gets
 * tls-creds set and then listens (migrate-incoming); the source adds
 * client credentials over QMP before "migrate". The source runs QMP
 * "migrate" and polls "query-migrate" until "completed" (the source is
 * then paused in "postmigrate"), "failed" or "cancelled"; a migration
 * whose transferred bytes stop growing for MIGRATE_STALL_MS (a cut
 * network, a frozen target) is cancelled. QEMU resumes a source whose
 * migration failed by itself; resume() covers the window after
 * completion, when the caller could not move the configuration.
 */
#include "qemu_internal.h"
#include "macro.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define MIGRATE_POLL_MS	 5
#define MIGRATE_STALL_MS 15000
#define INCOMING_WAIT_MS 30000

static int qmp_run(struct qmp *m, uint32_t id, const char *cmd,
		   json_object *args, json_object **ret,
		   struct backend_error *err);

/* Run CMD with ARGS (consumed) on a fresh connection. */
static int qmp_run_put(struct qemu *q, uint32_t id, const char *cmd,
		       json_object *args, struct backend_error *err)
{
	int r = qemu_qmp_simple(q, id, cmd, args, NULL, err);

	json_object_put(args);
	return r;
}

/* A TLS receiver was started with "-incoming defer": give it its
 * credentials, then listen. */
static int listen_tls(struct qemu *q, uint32_t id, uint16_t port,
		      struct backend_error *err)
{
	json_object *params = json_object_new_object();
	json_object *args = json_object_new_object();
	char uri[64];
	int r;

	json_object_object_add(params, "tls-creds",
			       json_object_new_string(QEMU_TLS_ID));
	r = qmp_run_put(q, id, "migrate-set-parameters", params, err);
	snprintf(uri, sizeof(uri), "tcp:0.0.0.0:%u", port);
	json_object_object_add(args, "uri", json_object_new_string(uri));
	if (r == 0)
		r = qmp_run_put(q, id, "migrate-incoming", args, err);
	else
		json_object_put(args);
	return r;
}

int qemu_migrate_in_prepare(void *state, const struct guest_conf *c,
			    uint16_t port, struct backend_error *err)
{
	struct qemu *q = state;
	int r;

	if (port == 0)
		return backend_fail(err, EINVAL, "migration port 0");
	r = qemu_launch(q, c, port, err);
	if (r == 0 && q->tls_dir[0]) {
		r = listen_tls(q, c->id, port, err);
		if (r < 0)
			qemu_kill(q, c, NULL);
	}
	return r;
}

/* Client credentials on the source (again at every migration: the
 * guest may have arrived here as a TLS receiver). */
static int client_tls(struct qmp *m, uint32_t id, const char *dir,
		      json_object *params, struct backend_error *err)
{
	json_object *del = json_object_new_object();
	json_object *add = json_object_new_object();
	int r;

	json_object_object_add(del, "id",
			       json_object_new_string(QEMU_TLS_CLIENT_ID));
	qmp_run(m, id, "object-del", del, NULL, NULL);
	json_object_put(del);
	json_object_object_add(add, "qom-type",
			       json_object_new_string("tls-creds-x509"));
	json_object_object_add(add, "id",
			       json_object_new_string(QEMU_TLS_CLIENT_ID));
	json_object_object_add(add, "dir", json_object_new_string(dir));
	json_object_object_add(add, "endpoint",
			       json_object_new_string("client"));
	r = qmp_run(m, id, "object-add", add, NULL, err);
	json_object_put(add);
	json_object_object_add(params, "tls-creds",
			       json_object_new_string(QEMU_TLS_CLIENT_ID));
	json_object_object_add(params, "tls-hostname",
			       json_object_new_string(QEMU_TLS_HOSTNAME));
	return r;
}

static int qmp_run(struct qmp *m, uint32_t id, const char *cmd,
		   json_object *args, json_object **ret,
		   struct backend_error *err)
{
	char desc[200] = "";
	int r = qmp_execute(m, cmd, args, QEMU_QMP_TIMEOUT_MS, ret, desc,
			    sizeof(desc));

	if (r < 0)
		return backend_fail(err, r, "guest %u: QMP %s: %s", id, cmd,
				    desc[0] ? desc : strerror(-r));
	return 0;
}

static int start_migration(struct qmp *m, uint32_t id, const char *host,
			   uint16_t port, const struct qemu *q,
			   struct backend_error *err)
{
	json_object *params = json_object_new_object();
	json_object *args = json_object_new_object();
	char uri[300];
	int r = 0;

	json_object_object_add(
	    params, "max-bandwidth",
	    json_object_new_int64((int64_t)q->max_bandwidth));
	if (q->tls_dir[0])
		r = client_tls(m, id, q->tls_dir, params, err);
	else
		json_object_object_add(params, "tls-creds",
				       json_object_new_string(""));
	if (r == 0)
		r = qmp_run(m, id, "migrate-set-parameters", params, NULL, err);
	json_object_put(params);
	snprintf(uri, sizeof(uri), "tcp:%s:%u", host, port);
	json_object_object_add(args, "uri", json_object_new_string(uri));
	if (r == 0)
		r = qmp_run(m, id, "migrate", args, NULL, err);
	json_object_put(args);
	return r;
}

static uint64_t ram_field(json_object *info, const char *key)
{
	json_object *ram, *v;

	if (!json_object_object_get_ex(info, "ram", &ram) ||
	    !json_object_object_get_ex(ram, key, &v))
		return 0;
	return (uint64_t)json_object_get_int64(v);
}

struct watch {
	uint64_t transferred;
	long long last_change, last_report;
};

/* 1 while the migration goes on, 0 when completed, -errno on failure. */
static int poll_once(struct qmp *m, const struct guest_conf *c, struct watch *w,
		     backend_progress_fn progress, void *userdata,
		     struct backend_error *err)
{
	json_object *info = NULL;
	const char *status, *desc;
	uint64_t done;
	long long now = backend_mono_ms();
	int r = qmp_run(m, c->id, "query-migrate", NULL, &info, err);

	if (r < 0)
		return r;
	status = qmp_get_string(info, "status");
	done = ram_field(info, "transferred");
	if (done != w->transferred)
		w->transferred = done, w->last_change = now;
	if (!status)
		r = backend_fail(err, EPROTO, "guest %u: no migration status",
				 c->id);
	else if (strcmp(status, "completed") == 0)
		r = 0;
	else if (strcmp(status, "failed") == 0 ||
		 strcmp(status, "cancelled") == 0) {
		desc = qmp_get_string(info, "error-desc");
		r = backend_fail(err, EIO, "guest %u: migration %s: %s", c->id,
				 status, desc ? desc : "no reason given");
	} else
		r = 1;
	if (progress && (r == 0 || now - w->last_report >= 500)) {
		char state[64];
		json_object *v;

		/* On completion QEMU says how long the guest was stopped. */
		if (r == 0 && json_object_object_get_ex(info, "downtime", &v))
			snprintf(state, sizeof(state),
				 "completed (QEMU downtime %lld ms)",
				 (long long)json_object_get_int64(v));
		else
			snprintf(state, sizeof(state), "%s", status);
		progress(userdata, done, ram_field(info, "total"), state);
		w->last_report = now;
	}
	json_object_put(info);
	return r;
}

static int watch_migration(struct qmp *m, const struct guest_conf *c,
			   backend_progress_fn progress, void *userdata,
			   struct backend_error *err)
{
	struct watch w = {.last_change = backend_mono_ms()};
	int r;

	while ((r = poll_once(m, c, &w, progress, userdata, err)) == 1) {
		if (backend_mono_ms() - w.last_change > MIGRATE_STALL_MS) {
			qmp_run(m, c->id, "migrate_cancel", NULL, NULL, NULL);
			/* Wait for QEMU to give up, so the source runs. */
			for (int i = 0; i < 1000; i++) {
				if (poll_once(m, c, &w, NULL, NULL, NULL) != 1)
					break;
				backend_sleep_ms(10);
			}
			return backend_fail(err, ETIMEDOUT,
					    "guest %u: migration stalled for "
					    "%d s, cancelled",
					    c->id, MIGRATE_STALL_MS / 1000);
		}
		backend_sleep_ms(MIGRATE_POLL_MS);
	}
	return r;
}

int qemu_migrate_out(void *state, const struct guest_conf *c, const char *host,
		     uint16_t port, backend_progress_fn progress,
		     void *userdata, struct backend_error *err)
{
	struct qemu *q = state;
	struct qmp *m = NULL;
	int r;

	if (qemu_running_pid(q, c->id) <= 0)
		return backend_fail(err, ESRCH, "guest %u is not running",
				    c->id);
	r = qemu_qmp(q, c->id, &m, err);
	if (r < 0)
		return r;
	r = start_migration(m, c->id, host, port, q, err);
	if (r == 0)
		r = watch_migration(m, c, progress, userdata, err);
	qmp_close(m);
	return r;
}

/* Wait until the target has loaded the whole state ("inmigrate" ends). */
static int wait_incoming(struct qmp *m, uint32_t id, struct backend_error *err)
{
	long long deadline = backend_mono_ms() + INCOMING_WAIT_MS;

	for (;;) {
		json_object *ret = NULL;
		const char *s;
		bool loading;
		int r = qmp_run(m, id, "query-status", NULL, &ret, err);

		if (r < 0)
			return r;
		s = qmp_get_string(ret, "status");
		loading = s && strcmp(s, "inmigrate") == 0;
		json_object_put(ret);
		if (!loading)
			return 0;
		if (backend_mono_ms() > deadline)
			return backend_fail(err, ETIMEDOUT,
					    "guest %u: incoming migration "
					    "does not finish",
					    id);
		backend_sleep_ms(2);
	}
}

int qemu_migrate_in_finish(void *state, const struct guest_conf *c, int resume,
			   struct backend_error *err)
{
	struct qemu *q = state;
	struct qmp *m = NULL;
	int r;

	if (!resume)
		return qemu_kill(q, c, err);
	r = qemu_qmp(q, c->id, &m, err);
	if (r < 0)
		return r;
	r = wait_incoming(m, c->id, err);
	if (r == 0)
		r = qmp_run(m, c->id, "cont", NULL, NULL, err);
	qmp_close(m);
	return r;
}

int qemu_resume(void *state, const struct guest_conf *c,
		struct backend_error *err)
{
	return qemu_qmp_simple(state, c->id, "cont", NULL, NULL, err);
}
