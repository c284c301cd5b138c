/*
 * The local resource manager: runs guest operations for the guests whose
 * configuration lives under nodes/<this node>/ in the tree, with the
 * backend of each guest type (haagent/backend.h). Every guest runs
 * through here, HA-managed or not.
 *
 * lrm_run() executes one GuestRequest (as relayed by clusterd from any
 * node) and fills an lrm_result: the GuestReply to send back, or an error
 * with a message. It blocks for the operation's duration; the agent
 * (agent.c) runs one at a time.
 */
#pragma once

#include "backend_loader.h"
#include "cdcall.h"

#include <stdarg.h>
#include <stdbool.h>

struct lrm_config {
	const char *run_dir;	  /* /run/clusterd */
	const char *storage_dir;  /* shared storage */
	const char *backend_dir;  /* NULL: backend_dir() */
	const char *qemu_backend; /* "qemu" (or "sim") */
	const char *lxc_backend;  /* "lxc" */
	const char *backend_options;
	bool migration_tls; /* live migration over TLS (migration_tls.h) */
};

struct lrm_result {
	Clusterd__GuestReply reply;
	size_t guests_cap, progress_cap;
	char msg[512];
	/* Called after each progress line (the agent streams them). */
	void (*sink)(void *userdata, const struct lrm_result *res);
	void *sink_data;
};

struct lrm;

int lrm_new(const struct lrm_config *cfg, struct lrm **out);
void lrm_free(struct lrm *l);

void lrm_result_init(struct lrm_result *res);
void lrm_result_done(struct lrm_result *res);
/* Append a progress line to RES (log it, pass RES to its sink). */
void lrm_progress(struct lrm_result *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Record MSG in RES and return -abs(ERR). */
int lrm_fail(struct lrm_result *res, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Run REQ, talking to clusterd over OPS. 0, or -errno with RES->msg. */
int lrm_run(struct lrm *l, struct ipc_client *ops,
	    const Clusterd__GuestRequest *req, struct lrm_result *res);

/* ---- shared with lrm_migrate.c ---- */
struct lrm_guest {
	struct backend *backend;
	struct guest_conf conf;
	char path[256]; /* where the configuration is in the tree */
};

/* This node's name (known once lrm_run ran). */
const char *lrm_node(const struct lrm *l);
/* Load guest TYPE/ID's configuration from NODE's directory. */
int lrm_load(struct lrm *l, struct ipc_client *ops, const char *node,
	     const char *type, uint32_t id, struct lrm_guest *g,
	     struct lrm_result *res);
int lrm_migrate(struct lrm *l, struct ipc_client *ops,
		const Clusterd__GuestRequest *req, struct lrm_result *res);
int lrm_migrate_prepare(struct lrm *l, struct ipc_client *ops,
			const Clusterd__GuestRequest *req,
			struct lrm_result *res);
int lrm_migrate_finish(struct lrm *l, struct ipc_client *ops,
		       const Clusterd__GuestRequest *req,
		       struct lrm_result *res);
