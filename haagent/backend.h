/*
 * The guest backend plugin interface.
 *
 * A backend runs one kind of guest (QEMU VMs, LXC containers, or the
 * simulator's pretend guests) on this node. It is a shared object in
 * $libdir/clusterd/backends/NAME.so exporting two symbols:
 *
 *   const uint32_t clusterd_backend_abi = BACKEND_ABI_VERSION;
 *   const struct backend_ops clusterd_backend_ops = { ... };
 *
 * haagent loads it with dlopen (backend_loader.c), checks the ABI version
 * and that every mandatory operation is present, then calls init() once.
 * Every operation returns 0 or -errno and, on failure, a message a person
 * can act on in ERR ("disk0: /srv/a.img: No such file or directory"), so
 * that the caller on another node sees why.
 *
 * Operations are blocking and bounded: each one returns within the timeout
 * it is given or a backend-defined bound of seconds. The caller serialises
 * operations on one guest; operations on different guests may run from
 * different threads.
 *
 * Live migration is three steps on two nodes:
 *   target: migrate_in_prepare()   start a paused receiver, listen on PORT
 *   source: migrate_out()          send the state; returns with the source
 *                                  paused after the last byte (switchover)
 *   then either (success)          target migrate_in_finish(resume=true),
 *                                  source stop()
 *   or (failure at any step)       source resume(), target
 *                                  migrate_in_finish(resume=false)
 * so the caller can move the guest's configuration in the tree between
 * the source's pause and the target's resume. A backend that cannot
 * migrate live leaves migrate_* NULL; the caller then restarts the guest
 * on the target (shutdown, move configuration, start).
 */
#pragma once

#include <stdint.h>
#include <sys/types.h>

#include "guest_conf.h"

#define BACKEND_ABI_VERSION 1
#define BACKEND_ABI_SYMBOL  "clusterd_backend_abi"
#define BACKEND_OPS_SYMBOL  "clusterd_backend_ops"

struct backend_error {
	char msg[256];
};

/* Format a message into ERR (NULL is fine) and return -abs(ERRNUM). */
int backend_fail(struct backend_error *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

enum guest_state {
	GUEST_STOPPED,
	GUEST_RUNNING,
	GUEST_PAUSED,
	GUEST_STATE_UNKNOWN,
};

const char *guest_state_to_string(enum guest_state s);

struct guest_status {
	enum guest_state state;
	pid_t pid;	    /* 0 when stopped */
	uint64_t uptime_ms; /* since the guest's process started */
	uint64_t memory;    /* configured memory, bytes */
};

struct guest_usage {
	uint64_t cpu_ns;    /* CPU time of the guest's processes */
	uint64_t rss_bytes; /* resident memory of the guest's processes */
};

/* Uptime (UPTIME_MS) and usage (U) of process PID from /proc; either may
 * be NULL. 0 or -ESRCH. */
int backend_proc_usage(pid_t pid, uint64_t *uptime_ms, struct guest_usage *u);

/* Checks of C against this host that every backend makes in validate():
 * memory no more than the host's RAM, cores no more than its CPUs, every
 * bridge of a net exists. 0, or -errno with "key: reason" in ERR. */
int backend_check_host(const struct guest_conf *c, struct backend_error *err);

/* CLOCK_MONOTONIC in milliseconds; sleep MS milliseconds. */
long long backend_mono_ms(void);
void backend_sleep_ms(unsigned ms);

/* Where a backend keeps things; fixed for the life of the process. */
struct backend_env {
	const char *run_dir;	 /* runtime state, e.g. /run/clusterd */
	const char *storage_dir; /* shared storage for disks and rootfs */
	const char *options;	 /* backend-specific ("fail-start=2,...") */
};

/* Progress of a migration, for the caller to pass on. */
typedef void (*backend_progress_fn)(void *userdata, uint64_t done,
				    uint64_t total, const char *state);

struct backend_ops {
	const char *name;     /* "qemu", "lxc", "sim" */
	enum guest_type type; /* which configurations it runs */
	int (*init)(const struct backend_env *env, void **state,
		    struct backend_error *err);
	void (*fini)(void *state);

	/* Backend-specific checks beyond the parser's (optional). */
	int (*validate)(void *state, const struct guest_conf *c,
			struct backend_error *err);
	/* Create what the guest needs: disk images with a size, ... */
	int (*create)(void *state, const struct guest_conf *c,
		      struct backend_error *err);
	int (*start)(void *state, const struct guest_conf *c,
		     struct backend_error *err);
	/* Ask the guest to power down; stop() it after TIMEOUT_MS. */
	int (*shutdown)(void *state, const struct guest_conf *c,
			unsigned timeout_ms, struct backend_error *err);
	int (*stop)(void *state, const struct guest_conf *c,
		    struct backend_error *err);
	int (*status)(void *state, const struct guest_conf *c,
		      struct guest_status *st, struct backend_error *err);
	int (*usage)(void *state, const struct guest_conf *c,
		     struct guest_usage *u, struct backend_error *err);

	/* Live migration (optional, see above). */
	int (*migrate_in_prepare)(void *state, const struct guest_conf *c,
				  uint16_t port, struct backend_error *err);
	int (*migrate_out)(void *state, const struct guest_conf *c,
			   const char *host, uint16_t port,
			   backend_progress_fn progress, void *userdata,
			   struct backend_error *err);
	int (*migrate_in_finish)(void *state, const struct guest_conf *c,
				 int resume, struct backend_error *err);
	/* Continue a source paused by migrate_out() after a failure. */
	int (*resume)(void *state, const struct guest_conf *c,
		      struct backend_error *err);
};
