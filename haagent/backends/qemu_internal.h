/*
 * What the QEMU backend's files share: the backend state, runtime paths
 * of a guest (RUN_DIR/qemu/ID.qmp and ID.pid) and process helpers.
 */
#pragma once

#include "backend.h"
#include "qemu_cmdline.h"
#include "qmp.h"

#include <stdbool.h>

#define QEMU_QMP_TIMEOUT_MS 5000

struct qemu {
	char run_dir[512];  /* RUN_DIR/qemu */
	char storage[1024]; /* shared storage directory */
	char binary[256];
	char img_binary[256];
	bool kvm;
	uint64_t max_bandwidth; /* migration, bytes/s */
	char tls_dir[512];	/* migration over TLS with these credentials */
};

void qemu_paths(const struct qemu *q, uint32_t id, char qmp[600],
		char pid[600]);

/* The guest's QEMU pid, or 0 when none runs (stale files are removed). */
pid_t qemu_running_pid(const struct qemu *q, uint32_t id);

/* Connect to the guest's QMP socket. */
int qemu_qmp(const struct qemu *q, uint32_t id, struct qmp **out,
	     struct backend_error *err);

/* Run one QMP command on a fresh connection. */
int qemu_qmp_simple(const struct qemu *q, uint32_t id, const char *cmd,
		    json_object *args, json_object **ret,
		    struct backend_error *err);

/* Wait up to TIMEOUT_MS for PID to exit. 0, or -ETIMEDOUT. */
int qemu_wait_exit(pid_t pid, unsigned timeout_ms);

/* Launch QEMU for C (INCOMING_PORT: 0, or a migration target). */
int qemu_launch(struct qemu *q, const struct guest_conf *c,
		uint16_t incoming_port, struct backend_error *err);

/* Quit QEMU over QMP, SIGKILL after a few seconds, remove runtime files. */
int qemu_kill(struct qemu *q, const struct guest_conf *c,
	      struct backend_error *err);

/* validate() (qemu_validate.c). */
int qemu_validate(void *state, const struct guest_conf *c,
		  struct backend_error *err);

int qemu_migrate_in_prepare(void *state, const struct guest_conf *c,
			    uint16_t port, struct backend_error *err);
int qemu_migrate_out(void *state, const struct guest_conf *c, const char *host,
		     uint16_t port, backend_progress_fn progress,
		     void *userdata, struct backend_error *err);
int qemu_migrate_in_finish(void *state, const struct guest_conf *c, int resume,
			   struct backend_error *err);
int qemu_resume(void *state, const struct guest_conf *c,
		struct backend_error *err);
