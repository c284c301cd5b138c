/*
 * systemd readiness notification and signal-driven loop shutdown.
 *
 * sd_notify is a single datagram on a unix socket; implementing it here
 * (abstract '@' addresses included) saves a libsystemd dependency that
 * nothing else needs. Signals are taken through qb_loop so that handlers
 * run in loop context, not in async-signal context.
 */
#include "config.h"
#include "daemon.h"
#include "daemon_args.h"
#include "log.h"
#include "macro.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

int daemon_notify(const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	_cleanup_close_ int fd = -1;
	size_t len;
	socklen_t salen;

	if (!path || !*path)
		return 0;
	len = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || len >= sizeof(sa.sun_path))
		return -EINVAL;
	memcpy(sa.sun_path, path, len);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	salen = offsetof(struct sockaddr_un, sun_path) + len;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa,
		   salen) < 0)
		return -errno;
	return 1;
}

static int32_t on_stop_signal(int32_t sig, void *data)
{
	qb_loop_t *loop = data;

	log_notice("Received %s, shutting down", strsignal(sig));
	qb_loop_stop(loop);
	return 0;
}

/* SIGHUP's default action ends the process without the stop path (a FUSE
 * mount would be left behind), and administrators send it expecting a
 * reload. Nothing is reloaded: say so and keep running. */
static int32_t on_hangup(int32_t sig, void *data)
{
	log_notice("Received %s: nothing is reloaded (configuration changes "
		   "take effect at restart); still running",
		   strsignal(sig));
	return 0;
}

int daemon_run_loop(qb_loop_t *loop)
{
	qb_loop_signal_handle handles[3];
	int r;

	r = qb_loop_signal_add(loop, QB_LOOP_HIGH, SIGTERM, loop,
			       on_stop_signal, &handles[0]);
	if (r == 0)
		r = qb_loop_signal_add(loop, QB_LOOP_HIGH, SIGINT, loop,
				       on_stop_signal, &handles[1]);
	if (r == 0)
		r = qb_loop_signal_add(loop, QB_LOOP_LOW, SIGHUP, NULL,
				       on_hangup, &handles[2]);
	if (r < 0)
		return log_error_errno(r, "Cannot install signal handlers");
	r = daemon_notify("READY=1");
	if (r < 0)
		log_warning_errno(r, "Cannot notify systemd");
	qb_loop_run(loop);
	daemon_notify("STOPPING=1");
	return 0;
}

int daemon_main(int argc, char **argv, const struct daemon_info *info,
		daemon_start_fn start, daemon_stop_fn stop)
{
	struct daemon_options opts;
	qb_loop_t *loop;
	int r;

	r = daemon_parse_args(argc, argv, info, &opts);
	if (r <= 0)
		return r < 0 ? 2 : 0;
	if (daemon_load_config(info, &opts) < 0)
		return 1;
	if (!opts.foreground && daemon(0, 0) < 0) {
		fprintf(stderr, "%s: cannot daemonize: %m\n", info->name);
		return 1;
	}
	log_setup(info->name,
		  LOG_TO_SYSLOG | (opts.foreground ? LOG_TO_STDERR : 0),
		  opts.debug);
	log_info("%s %s starting", info->name, PACKAGE_VERSION);
	loop = qb_loop_create();
	if (!loop) {
		log_error("Cannot create the event loop");
		return 1;
	}
	r = start ? start(loop, &opts) : 0;
	if (r == 0)
		r = daemon_run_loop(loop);
	if (stop)
		stop();
	qb_loop_destroy(loop);
	log_info("%s stopped", info->name);
	log_shutdown();
	return r < 0 ? 1 : 0;
}
