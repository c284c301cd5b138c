/*
 * What every clusterd daemon does around its event loop: tell systemd when
 * it is ready (Type=notify) and stop the loop cleanly on SIGTERM/SIGINT.
 */
#pragma once

#include <qb/qbloop.h>

/* Send MSG ("READY=1", "STOPPING=1", ...) to $NOTIFY_SOCKET. Returns 1 if
 * sent, 0 if not running under systemd notify, -errno on failure. */
int daemon_notify(const char *msg);

/* Install SIGTERM/SIGINT handlers that stop LOOP (SIGHUP is logged and
 * otherwise ignored), notify READY=1, run the loop, then notify
 * STOPPING=1. Returns 0 after a clean stop. */
int daemon_run_loop(qb_loop_t *loop);

struct daemon_info;
struct daemon_options;

/* Called once the loop exists; returns 0 or -errno to abort start-up. */
typedef int (*daemon_start_fn)(qb_loop_t *loop,
			       const struct daemon_options *opts);

/* Called after the loop stopped, to leave the cluster and release. */
typedef void (*daemon_stop_fn)(void);

/* The whole life of a daemon: arguments, configuration, logging, START,
 * loop until signalled, STOP. Returns the process exit code (2 for usage). */
int daemon_main(int argc, char **argv, const struct daemon_info *info,
		daemon_start_fn start, daemon_stop_fn stop);
