/*
 * QEMU processes of the QEMU backend: launching with -daemonize (QEMU's
 * parent exits once the guest is set up, so its exit status and stderr
 * say whether the start worked), finding a guest's process again from its
 * pid file (checked against /proc, so a reused pid is never mistaken for
 * the guest), QMP connections and hard stops.
 */
#include "qemu_internal.h"
#include "macro.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#define LAUNCH_TIMEOUT_MS 60000

void qemu_paths(const struct qemu *q, uint32_t id, char qmp[600], char pid[600])
{
	snprintf(qmp, 600, "%s/%u.qmp", q->run_dir, id);
	snprintf(pid, 600, "%s/%u.pid", q->run_dir, id);
}

static bool is_guest_process(pid_t pid, uint32_t id)
{
	char path[64], buf[4096], want[48];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return false; /* a zombie has an empty command line */
	buf[n] = '\0';
	snprintf(want, sizeof(want), "guest-%u,", id);
	for (char *p = buf; p < buf + n; p += strlen(p) + 1)
		if (strncmp(p, want, strlen(want)) == 0)
			return true;
	return false;
}

pid_t qemu_running_pid(const struct qemu *q, uint32_t id)
{
	char qmp[600], pidp[600];
	_cleanup_fclose_ FILE *f = NULL;
	int pid = 0;

	qemu_paths(q, id, qmp, pidp);
	f = fopen(pidp, "re");
	if (!f)
		return 0;
	if (fscanf(f, "%d", &pid) == 1 && pid > 0 && is_guest_process(pid, id))
		return pid;
	unlink(pidp);
	unlink(qmp);
	return 0;
}

int qemu_qmp(const struct qemu *q, uint32_t id, struct qmp **out,
	     struct backend_error *err)
{
	char qmp[600], pidp[600];
	int r;

	qemu_paths(q, id, qmp, pidp);
	r = qmp_connect(qmp, QEMU_QMP_TIMEOUT_MS, out);
	if (r < 0)
		return backend_fail(err, r, "guest %u: QMP %s: %s", id, qmp,
				    strerror(-r));
	return 0;
}

int qemu_qmp_simple(const struct qemu *q, uint32_t id, const char *cmd,
		    json_object *args, json_object **ret,
		    struct backend_error *err)
{
	struct qmp *m;
	char desc[200] = "";
	int r = qemu_qmp(q, id, &m, err);

	if (r < 0)
		return r;
	r = qmp_execute(m, cmd, args, QEMU_QMP_TIMEOUT_MS, ret, desc,
			sizeof(desc));
	qmp_close(m);
	if (r < 0)
		return backend_fail(err, r, "guest %u: QMP %s: %s", id, cmd,
				    desc[0] ? desc : strerror(-r));
	return 0;
}

static bool gone(pid_t pid)
{
	char path[64], buf[512], *p;
	_cleanup_fclose_ FILE *f = NULL;

	if (kill(pid, 0) < 0 && errno == ESRCH)
		return true;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f || !fgets(buf, sizeof(buf), f))
		return true;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

int qemu_wait_exit(pid_t pid, unsigned timeout_ms)
{
	for (unsigned waited = 0; waited <= timeout_ms; waited += 10) {
		if (gone(pid))
			return 0;
		backend_sleep_ms(10);
	}
	return -ETIMEDOUT;
}

int qemu_kill(struct qemu *q, const struct guest_conf *c,
	      struct backend_error *err)
{
	char qmp[600], pidp[600];
	pid_t pid = qemu_running_pid(q, c->id);

	qemu_paths(q, c->id, qmp, pidp);
	if (pid > 0) {
		qemu_qmp_simple(q, c->id, "quit", NULL, NULL, NULL);
		if (qemu_wait_exit(pid, 5000) < 0) {
			kill(pid, SIGKILL);
			if (qemu_wait_exit(pid, 5000) < 0)
				return backend_fail(err, ETIMEDOUT,
						    "guest %u: QEMU pid %d "
						    "does not exit",
						    c->id, (int)pid);
		}
	}
	unlink(qmp);
	unlink(pidp);
	return 0;
}

static int check_disks(const struct qemu *q, const struct guest_conf *c,
		       struct backend_error *err)
{
	for (unsigned i = 0; i < GUEST_MAX_DISKS; i++) {
		char path[GUEST_MAX_PATH * 2];

		if (!c->disks[i].set)
			continue;
		guest_disk_path(path, sizeof(path), q->storage, &c->disks[i]);
		if (access(path, R_OK | W_OK) < 0)
			return backend_fail(err, errno,
					    "guest %u: disk%u: %s: %s", c->id,
					    i, path, strerror(errno));
	}
	return 0;
}

/* Read what QEMU's parent writes to stderr until it closes (the
 * daemonized child closes it once set up) or the deadline passes. */
static void read_stderr(int fd, char *buf, size_t size)
{
	size_t len = 0;
	struct pollfd p = {.fd = fd, .events = POLLIN};

	while (len + 1 < size && poll(&p, 1, LAUNCH_TIMEOUT_MS) > 0) {
		ssize_t n = read(fd, buf + len, size - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
}

static void exec_child(char **argv, int errfd)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
	}
	dup2(errfd, 2);
	execvp(argv[0], argv);
	dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static int run_qemu(char **argv, uint32_t id, struct backend_error *err)
{
	char out[2048];
	int pipefd[2], status = 0;
	pid_t child;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return backend_fail(err, errno, "pipe: %m");
	child = fork();
	if (child < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return backend_fail(err, errno, "fork: %m");
	}
	if (child == 0)
		exec_child(argv, pipefd[1]);
	close(pipefd[1]);
	read_stderr(pipefd[0], out, sizeof(out));
	close(pipefd[0]);
	if (waitpid(child, &status, 0) < 0)
		return backend_fail(err, errno, "waitpid: %m");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		const char *last = strrchr(out, '\n');

		return backend_fail(err, EIO, "guest %u: QEMU failed: %s", id,
				    out[0] ? (last ? last + 1 : out)
					   : "no message");
	}
	return 0;
}

int qemu_launch(struct qemu *q, const struct guest_conf *c,
		uint16_t incoming_port, struct backend_error *err)
{
	char qmp[600], pidp[600];
	struct qemu_cmdline_opts o = {
	    .binary = q->binary,
	    .qmp_path = qmp,
	    .pid_path = pidp,
	    .storage_dir = q->storage,
	    .kvm = q->kvm,
	    .incoming_port = incoming_port,
	    .tls_dir = q->tls_dir[0] ? q->tls_dir : NULL,
	};
	struct qemu_argv argv = {};
	int r;

	if (qemu_running_pid(q, c->id) > 0)
		return backend_fail(err, EALREADY,
				    "guest %u is already running", c->id);
	r = check_disks(q, c, err);
	if (r < 0)
		return r;
	qemu_paths(q, c->id, qmp, pidp);
	unlink(qmp);
	r = qemu_build_argv(c, &o, &argv, err);
	if (r < 0)
		return r;
	r = run_qemu(argv.v, c->id, err);
	qemu_argv_free(&argv);
	if (r == 0 && qemu_running_pid(q, c->id) <= 0)
		r = backend_fail(err, EIO, "guest %u: QEMU exited at start",
				 c->id);
	return r;
}
