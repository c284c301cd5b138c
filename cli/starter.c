/*
 * Starting and stopping services for the lifecycle commands.
 *
 * The starter is a program called as "STARTER ACTION SERVICE", ACTION
 * being start, stop or restart and SERVICE corosync or clusterd. By
 * default it is systemctl. $CLUSTERCTL_STARTER, or "starter: PATH" in
 * /etc/clusterd/clusterctl.conf, replaces it: the test harness supplies a
 * script that runs the daemons in a node's namespaces, so tests go
 * through exactly this code path.
 */
#include "config.h"

#include "kvconf.h"
#include "lifecycle.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CLUSTERCTL_CONF SYSCONFDIR "/clusterd/clusterctl.conf"

static int conf_key(const char *key, const char *value, unsigned line,
		    struct kvconf_error *err, void *userdata)
{
	if (strcmp(key, "starter") == 0)
		snprintf(userdata, PATH_MAX, "%s", value);
	return 0;
}

static void starter_path(char *buf)
{
	const char *env = getenv("CLUSTERCTL_STARTER");
	struct kvconf_error err;

	if (env && *env) {
		snprintf(buf, PATH_MAX, "%s", env);
		return;
	}
	buf[0] = '\0';
	kvconf_parse_file(CLUSTERCTL_CONF, conf_key, buf, &err);
}

int lc_service(struct cli_ctx *ctx, const char *action, const char *service)
{
	char starter[PATH_MAX];
	pid_t pid;
	int status;

	starter_path(starter);
	fflush(ctx->out);
	fflush(ctx->err);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (starter[0])
			execl(starter, starter, action, service, (char *)NULL);
		else
			execlp("systemctl", "systemctl", action, service,
			       (char *)NULL);
		fprintf(stderr, "clusterctl: cannot run %s: %s\n",
			starter[0] ? starter : "systemctl", strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	fprintf(ctx->err, "clusterctl: %s %s failed (%s)\n", action, service,
		starter[0] ? starter : "systemctl");
	return -EIO;
}
