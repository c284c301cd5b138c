/*
 * The "qemu" backend: QEMU/KVM virtual machines.
 *
 * A guest is one daemonized QEMU process per configuration, found again
 * through RUN_DIR/qemu/ID.pid and driven over QMP at RUN_DIR/qemu/ID.qmp
 * (qemu_proc.c). KVM is used when /dev/kvm opens read-write, TCG
 * otherwise. Options: "accel=tcg" forces TCG, "tls-dir=DIR" migrates over
 * TLS with the x509 credentials in DIR (ca-cert.pem, server-cert.pem,
 * server-key.pem, client-cert.pem, client-key.pem; the server certificate
 * names QEMU_TLS_HOSTNAME), "max-bandwidth=SIZE" limits
 * migration traffic per second (default: 16 GiB/s, no limit in effect). Disk
 * images live on shared storage; create() makes missing ones that have a size
 * with qemu-img. Graceful shutdown is an ACPI power-down (system_powerdown)
 * followed by a hard stop when the guest has not powered off within the
 * timeout. Live migration is in qemu_migrate.c.
 */
#include "qemu_internal.h"
#include "macro.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

const uint32_t clusterd_backend_abi = BACKEND_ABI_VERSION;

static int mkdir_p(const char *path)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return mkdir(buf, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

static int parse_options(struct qemu *q, const char *opts,
			 struct backend_error *err)
{
	char buf[256], *save = NULL, *tok;

	q->max_bandwidth = 1ull << 34;
	snprintf(buf, sizeof(buf), "%s", opts ? opts : "");
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "accel=tcg") == 0)
			q->kvm = false;
		else if (strncmp(tok, "tls-dir=", 8) == 0 && tok[8] == '/' &&
			 strlen(tok + 8) < sizeof(q->tls_dir))
			snprintf(q->tls_dir, sizeof(q->tls_dir), "%s", tok + 8);
		else if (strncmp(tok, "max-bandwidth=", 14) == 0 &&
			 parse_size(tok + 14, &q->max_bandwidth) == 0 &&
			 q->max_bandwidth > 0)
			continue;
		else
			return backend_fail(err, EINVAL,
					    "qemu: unknown option '%s'", tok);
	}
	return 0;
}

static int qemu_init(const struct backend_env *env, void **state,
		     struct backend_error *err)
{
	_cleanup_free_ struct qemu *q = calloc(1, sizeof(*q));
	const char *bin = getenv("CLUSTERD_QEMU");
	int fd, r;

	if (!q)
		return -ENOMEM;
	snprintf(q->run_dir, sizeof(q->run_dir), "%s/qemu", env->run_dir);
	snprintf(q->storage, sizeof(q->storage), "%s",
		 env->storage_dir ? env->storage_dir : ".");
	snprintf(q->binary, sizeof(q->binary), "%s",
		 bin && *bin ? bin : "qemu-system-x86_64");
	snprintf(q->img_binary, sizeof(q->img_binary), "qemu-img");
	r = mkdir_p(q->run_dir);
	if (r < 0)
		return backend_fail(err, r, "qemu: %s: %s", q->run_dir,
				    strerror(-r));
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	q->kvm = fd >= 0;
	if (fd >= 0)
		close(fd);
	r = parse_options(q, env->options, err);
	if (r < 0)
		return r;
	*state = TAKE_PTR(q);
	return 0;
}

static void qemu_fini(void *state)
{
	free(state);
}

static int create_disk(struct qemu *q, const struct guest_conf *c, unsigned i,
		       struct backend_error *err)
{
	const struct guest_disk *d = &c->disks[i];
	char path[GUEST_MAX_PATH * 2], size[32];
	int status;
	pid_t pid;

	guest_disk_path(path, sizeof(path), q->storage, d);
	if (access(path, F_OK) == 0)
		return 0;
	if (!d->size)
		return 0; /* to be provided; start() says so if it is not */
	snprintf(size, sizeof(size), "%llu", (unsigned long long)d->size);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		execlp(q->img_binary, q->img_binary, "create", "-q", "-f",
		       d->format == GUEST_DISK_QCOW2 ? "qcow2" : "raw", path,
		       size, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return backend_fail(err, errno, "qemu-img: %m");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return backend_fail(err, EIO,
				    "guest %u: disk%u: qemu-img create %s "
				    "failed",
				    c->id, i, path);
	return 0;
}

static int qemu_create(void *state, const struct guest_conf *c,
		       struct backend_error *err)
{
	for (unsigned i = 0; i < GUEST_MAX_DISKS; i++) {
		int r = c->disks[i].set ? create_disk(state, c, i, err) : 0;

		if (r < 0)
			return r;
	}
	return 0;
}

static int qemu_start(void *state, const struct guest_conf *c,
		      struct backend_error *err)
{
	return qemu_launch(state, c, 0, err);
}

static int qemu_stop(void *state, const struct guest_conf *c,
		     struct backend_error *err)
{
	return qemu_kill(state, c, err);
}

static int qemu_shutdown(void *state, const struct guest_conf *c,
			 unsigned timeout_ms, struct backend_error *err)
{
	struct qemu *q = state;
	pid_t pid = qemu_running_pid(q, c->id);
	int r;

	if (pid <= 0)
		return 0;
	/* A guest that ignores ACPI is stopped hard after the timeout;
	 * qemu_kill() also removes the runtime files of one that exited. */
	r = qemu_qmp_simple(q, c->id, "system_powerdown", NULL, NULL, NULL);
	if (r == 0)
		qemu_wait_exit(pid, timeout_ms);
	return qemu_kill(q, c, err);
}

static int qemu_status(void *state, const struct guest_conf *c,
		       struct guest_status *st, struct backend_error *err)
{
	struct qemu *q = state;
	json_object *ret = NULL;
	const char *s;
	int r;

	*st =
	    (struct guest_status){.state = GUEST_STOPPED, .memory = c->memory};
	st->pid = qemu_running_pid(q, c->id);
	if (st->pid <= 0)
		return st->pid = 0, 0;
	backend_proc_usage(st->pid, &st->uptime_ms, NULL);
	r = qemu_qmp_simple(q, c->id, "query-status", NULL, &ret, err);
	if (r < 0) {
		st->state = GUEST_STATE_UNKNOWN;
		return r;
	}
	s = qmp_get_string(ret, "status");
	st->state =
	    s && strcmp(s, "running") == 0 ? GUEST_RUNNING : GUEST_PAUSED;
	json_object_put(ret);
	return 0;
}

static int qemu_usage(void *state, const struct guest_conf *c,
		      struct guest_usage *u, struct backend_error *err)
{
	pid_t pid = qemu_running_pid(state, c->id);

	*u = (struct guest_usage){};
	if (pid > 0)
		backend_proc_usage(pid, NULL, u);
	return 0;
}

const struct backend_ops clusterd_backend_ops = {
    .name = "qemu",
    .type = GUEST_QEMU,
    .init = qemu_init,
    .fini = qemu_fini,
    .validate = qemu_validate,
    .create = qemu_create,
    .start = qemu_start,
    .shutdown = qemu_shutdown,
    .stop = qemu_stop,
    .status = qemu_status,
    .usage = qemu_usage,
    .migrate_in_prepare = qemu_migrate_in_prepare,
    .migrate_out = qemu_migrate_out,
    .migrate_in_finish = qemu_migrate_in_finish,
    .resume = qemu_resume,
};
