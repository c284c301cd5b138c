/*
 * Fence agent runner (see ha_fence.h). The agent is fork+exec'd with a
 * pipe as its standard input; the request text is small (well below a
 * pipe's buffer), so it is written at once and the pipe closed. Children
 * are reaped without blocking from the HA loop (ha_fence_poll), which
 * also kills an agent past its deadline.
 */
#include "ha_fence.h"
#include "log.h"
#include "macro.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct fence_child {
	char node[HA_NAME_MAX];
	pid_t pid;
	uint64_t deadline_ms;
};

struct ha_fence {
	char dir[256];
	uint64_t timeout_ms;
	struct fence_child kids[HA_MAX_NODES];
	size_t n_kids;
};

int ha_fence_new(const char *dir, uint64_t timeout_ms, struct ha_fence **out)
{
	struct ha_fence *f = calloc(1, sizeof(*f));

	if (!f)
		return -ENOMEM;
	snprintf(f->dir, sizeof(f->dir), "%s", dir);
	f->timeout_ms = timeout_ms;
	*out = f;
	return 0;
}

void ha_fence_free(struct ha_fence *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n_kids; i++) {
		kill(f->kids[i].pid, SIGKILL);
		waitpid(f->kids[i].pid, NULL, 0);
	}
	free(f);
}

/* The request: action=off, then each configured pair on its own line. */
static void request_text(const struct ha_fence_agent *a, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "action=off\n");
	const char *p = a->args;

	while (*p && n + 2 < len) {
		size_t w = strcspn(p, " \t");

		if (w && n + w + 2 < len) {
			memcpy(buf + n, p, w);
			n += w;
			buf[n++] = '\n';
		}
		p += w;
		p += strspn(p, " \t");
	}
	buf[n] = '\0';
}

static pid_t spawn(const char *path, int in)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	dup2(in, STDIN_FILENO);
	execl(path, path, (char *)NULL);
	_exit(127);
}

int ha_fence_run(struct ha_fence *f, const struct ha_fence_agent *agent,
		 uint64_t now_ms)
{
	char path[600], text[700];
	int p[2];
	pid_t pid;

	for (size_t i = 0; i < f->n_kids; i++)
		if (strcmp(f->kids[i].node, agent->node) == 0)
			return -EBUSY;
	if (f->n_kids == HA_MAX_NODES)
		return -EAGAIN;
	if (strchr(agent->agent, '/'))
		snprintf(path, sizeof(path), "%s", agent->agent);
	else
		snprintf(path, sizeof(path), "%s/%s", f->dir, agent->agent);
	if (access(path, X_OK) < 0)
		return log_error_errno(-errno, "Fence agent %s for %s", path,
				       agent->node);
	request_text(agent, text, sizeof(text));
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = spawn(path, p[0]);
	close(p[0]);
	if (pid < 0 || write(p[1], text, strlen(text)) < 0) {
		int r = -errno;

		close(p[1]);
		return log_error_errno(r, "Cannot run fence agent %s", path);
	}
	close(p[1]);
	log_notice("Fencing %s: running %s (action=off)", agent->node, path);
	f->kids[f->n_kids++] = (struct fence_child){
	    .pid = pid, .deadline_ms = now_ms + f->timeout_ms};
	strcpy(f->kids[f->n_kids - 1].node, agent->node);
	return 0;
}

bool ha_fence_busy(const struct ha_fence *f)
{
	return f && f->n_kids > 0;
}

void ha_fence_poll(struct ha_fence *f, uint64_t now_ms,
		   void (*done)(void *, const char *, bool), void *userdata)
{
	for (size_t i = 0; i < f->n_kids;) {
		struct fence_child k = f->kids[i];
		int st = 0;
		pid_t r = waitpid(k.pid, &st, WNOHANG);

		if (r == 0 && now_ms < k.deadline_ms) {
			i++;
			continue;
		}
		if (r == 0) {
			kill(k.pid, SIGKILL);
			waitpid(k.pid, &st, 0);
			log_error("Fence agent for %s timed out", k.node);
			st = -1;
		}
		f->kids[i] = f->kids[--f->n_kids];
		if (st == 0)
			log_notice("Fence agent confirmed %s is off", k.node);
		else if (st != -1)
			log_error("Fence agent for %s failed (status %d)",
				  k.node, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		done(userdata, k.node, st == 0);
	}
}
