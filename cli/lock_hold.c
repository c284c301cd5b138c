/*
 * Holding a cluster lock from clusterctl, once clusterd granted it.
 *
 * The lock is bound to this process's IPC connection, so holding it means
 * staying alive with the connection open; when clusterctl dies in any way
 * the connection closes and clusterd releases the lock. Without COMMAND,
 * "lock" prints the lock and waits until standard input reaches end of
 * file (so that a parent can end it by closing a pipe) or SIGINT, SIGTERM
 * or SIGHUP arrives. With COMMAND it runs COMMAND (without clusterctl's
 * file descriptors), forwards those signals to it and exits with its
 * status. Either way it then releases the lock explicitly, so that the
 * next holder is served before clusterctl exits.
 *
 * A lock can be lost without clusterctl doing anything: this node lost
 * quorum, or clusterd stopped. Every CHECK_MS the holder asks clusterd
 * whether it still holds the lock; when not, it says so, stops COMMAND
 * with SIGTERM, and exits with status 1.
 *
 * Signals are blocked and read from a signalfd, so they are handled in the
 * same poll() as standard input, with no handler code.
 */
#include "config.h"

#include "cli.h"
#include "macro.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHECK_MS 2000

struct hold {
	struct cli_ctx *ctx;
	struct lock_invocation *li;
	const Clusterd__LockHolder *me;
	int sfd;
	pid_t child;
	int64_t next_check_ms;
	bool lost;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int until_check(const struct hold *h)
{
	int64_t left = h->next_check_ms - now_ms();

	return left < 0 ? 0 : (int)left;
}

static bool is_me(const struct hold *h, const Clusterd__LockHolder *x)
{
	return x && x->nodeid == h->me->nodeid && x->pid == h->me->pid &&
	       x->client_id == h->me->client_id;
}

/* 1 held, 0 lost (or clusterd gone with it), -1 unknown for now. */
static int still_held(struct hold *h)
{
	struct cli_request r;
	Clusterd__Reply *reply = NULL;
	int e, held = 0;

	cli_request_init(&r, CLI_OP_LOCKS);
	e = h->ctx->call(h->ctx->call_data, &r.req, CLI_DEFAULT_TIMEOUT_MS,
			 &reply);
	if (e < 0)
		return e == -ETIMEDOUT ? -1 : 0;
	if (reply->errno_code ||
	    reply->result_case != CLUSTERD__REPLY__RESULT_LOCKS ||
	    !reply->locks) {
		clusterd__reply__free_unpacked(reply, NULL);
		return -1;
	}
	for (size_t i = 0; i < reply->locks->n_locks; i++) {
		const Clusterd__LockInfo *info = reply->locks->locks[i];

		if (info && !strcmp(info->name, h->li->r.body.lock.name))
			held = is_me(h, info->holder);
	}
	clusterd__reply__free_unpacked(reply, NULL);
	return held;
}

/* Time for a check? Report a loss once. */
static void check(struct hold *h)
{
	_cleanup_free_ char *what = NULL;

	if (h->lost || until_check(h) > 0)
		return;
	h->next_check_ms = now_ms() + CHECK_MS;
	if (still_held(h) != 0)
		return;
	h->lost = true;
	what = cli_request_label(&h->li->r);
	cli_fail(h->ctx, what ? what : "lock", ENOLCK,
		 "lock lost (no quorum, or clusterd stopped)",
		 h->child > 0 ? "stopping COMMAND with SIGTERM" : NULL);
	if (h->child > 0)
		kill(h->child, SIGTERM);
}

static int next_signal(const struct hold *h)
{
	struct signalfd_siginfo si;

	if (read(h->sfd, &si, sizeof(si)) != sizeof(si))
		return 0;
	return (int)si.ssi_signo;
}

/* No COMMAND: wait for end of file on stdin or a signal. */
static int hold_loop(struct hold *h)
{
	struct pollfd fds[2] = {{.fd = h->sfd, .events = POLLIN},
				{.fd = fileno(h->ctx->in), .events = POLLIN}};
	char buf[4096];
	ssize_t n;

	while (!h->lost) {
		if (poll(fds, 2, until_check(h)) < 0 && errno != EINTR)
			return CLI_EXIT_FAILED;
		if (fds[0].revents && next_signal(h))
			return CLI_EXIT_OK;
		if (fds[1].revents) {
			n = read(fds[1].fd, buf, sizeof(buf));
			if (n == 0 || (n < 0 && errno != EINTR))
				return CLI_EXIT_OK; /* end of file */
		}
		check(h);
	}
	return CLI_EXIT_FAILED;
}

static void run_child(struct hold *h, const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
	closefrom(3);
	execvp(h->li->command[0], h->li->command);
	fprintf(stderr, "clusterctl: lock %s: cannot run '%s': %s\n",
		h->li->r.body.lock.name, h->li->command[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : CLI_EXIT_FAILED;
}

/* Run COMMAND; pass signals on; its exit status, or 1 if the lock was
 * lost meanwhile. */
static int command_loop(struct hold *h, const sigset_t *old)
{
	struct pollfd fd = {.fd = h->sfd, .events = POLLIN};
	int sig, status = 0;

	fflush(h->ctx->out);
	fflush(h->ctx->err);
	h->child = fork();
	if (h->child < 0)
		return cli_fail(h->ctx, "lock", errno, "cannot fork",
				strerror(errno));
	if (h->child == 0)
		run_child(h, old);
	for (;;) {
		if (poll(&fd, 1, until_check(h)) < 0 && errno != EINTR)
			break;
		sig = fd.revents ? next_signal(h) : 0;
		if (sig == SIGCHLD && waitpid(h->child, &status, WNOHANG) > 0)
			break;
		if (sig && sig != SIGCHLD)
			kill(h->child, sig);
		check(h);
	}
	return h->lost ? CLI_EXIT_FAILED : exit_code(status);
}

/* Give the lock back and wait for clusterd to confirm; a failure only
 * warns: closing the connection releases it anyway. */
static void release(struct hold *h)
{
	struct cli_request r;
	Clusterd__Reply *reply = NULL;
	_cleanup_free_ char *what = NULL;

	if (h->lost)
		return;
	cli_request_init(&r, CLI_OP_UNLOCK);
	r.body.unlock.name = h->li->r.body.lock.name;
	what = cli_request_label(&r);
	if (cli_call_checked(h->ctx, &r, CLI_DEFAULT_TIMEOUT_MS,
			     what ? what : "unlock", &reply) == CLI_EXIT_OK)
		clusterd__reply__free_unpacked(reply, NULL);
}

int lock_hold(struct cli_ctx *ctx, struct lock_invocation *li,
	      const Clusterd__Reply *granted)
{
	struct hold h = {.ctx = ctx, .li = li, .me = granted->lock->holder};
	sigset_t mask, old;
	int rc;

	if (!h.me)
		return cli_fail(ctx, "lock", EPROTO, "protocol error",
				"the reply names no holder");
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, &old);
	h.sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	h.next_check_ms = now_ms() + CHECK_MS;
	if (h.sfd < 0) {
		rc = cli_fail(ctx, "lock", errno, "cannot wait for signals",
			      strerror(errno));
	} else if (li->command) {
		rc = command_loop(&h, &old);
	} else {
		rc = output_reply(ctx, &li->r, granted) < 0 ||
			     fflush(ctx->out) != 0
			 ? CLI_EXIT_FAILED
			 : hold_loop(&h);
	}
	release(&h);
	if (h.sfd >= 0)
		close(h.sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}
