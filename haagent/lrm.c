/*
 * Local resource manager (see lrm.h): guest operations on this node.
 *
 * A guest's configuration is read from the tree at every operation, so
 * the tree is the only truth about which node owns a guest: an operation
 * for a guest whose configuration is not in this node's directory fails
 * with ENOENT. Backends are loaded once, at the first operation of their
 * type; a backend that cannot be loaded fails that type's operations with
 * the loader's message and leaves the other type working.
 *
 * The backend's validate() runs before start and create, so that what the
 * backend cannot run is refused with its reason ("disk0: ...") before
 * anything happens; status adds the backend's usage (CPU time, RSS).
 */
#include "lrm.h"
#include "migration_tls.h"
#include "array.h"
#include "log.h"
#include "macro.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define SHUTDOWN_DEFAULT_MS 60000

struct lrm {
	struct lrm_config cfg;
	struct backend *backends[_GUEST_TYPE_MAX];
	char node[64];
	uint32_t nodeid;
};

int lrm_new(const struct lrm_config *cfg, struct lrm **out)
{
	struct lrm *l = calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	l->cfg = *cfg;
	*out = l;
	return 0;
}

void lrm_free(struct lrm *l)
{
	if (!l)
		return;
	for (unsigned i = 0; i < _GUEST_TYPE_MAX; i++)
		backend_unload(l->backends[i]);
	free(l);
}

const char *lrm_node(const struct lrm *l)
{
	return l->node;
}

void lrm_result_init(struct lrm_result *res)
{
	*res = (struct lrm_result){};
	clusterd__guest_reply__init(&res->reply);
}

void lrm_result_done(struct lrm_result *res)
{
	Clusterd__GuestReply *r = &res->reply;

	for (size_t i = 0; i < r->n_guests; i++) {
		free(r->guests[i]->type);
		free(r->guests[i]->node);
		free(r->guests[i]->name);
		free(r->guests[i]);
	}
	free(r->guests);
	for (size_t i = 0; i < r->n_progress; i++)
		free(r->progress[i]);
	free(r->progress);
	lrm_result_init(res);
}

void lrm_progress(struct lrm_result *res, const char *fmt, ...)
{
	Clusterd__GuestReply *r = &res->reply;
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s || ARRAY_RESERVE(r->progress, res->progress_cap, r->n_progress,
				8) < 0) {
		free(s);
		return;
	}
	log_info("%s", s);
	r->progress[r->n_progress++] = s;
	if (res->sink)
		res->sink(res->sink_data, res);
}

int lrm_fail(struct lrm_result *res, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res->msg, sizeof(res->msg), fmt, ap);
	va_end(ap);
	return err < 0 ? err : -err;
}

/* The qemu backend's options: the configured ones, and the cluster's
 * migration TLS credentials when migration_tls is on. */
static int qemu_options(struct lrm *l, struct ipc_client *ops, char *buf,
			size_t size, struct lrm_result *res)
{
	const char *base = l->cfg.backend_options ? l->cfg.backend_options : "";
	char dir[512], msg[CDCALL_MSG];
	int r;

	snprintf(buf, size, "%s", base);
	if (!l->cfg.migration_tls || strcmp(l->cfg.qemu_backend, "qemu") != 0)
		return 0;
	if (mkdir(l->cfg.run_dir, 0755) < 0 && errno != EEXIST)
		return lrm_fail(res, errno, "%s: %m", l->cfg.run_dir);
	r = migration_tls_prepare(ops, l->cfg.run_dir, dir, msg);
	if (r < 0)
		return lrm_fail(res, r, "migration TLS credentials: %s", msg);
	snprintf(buf, size, "%s%stls-dir=%s", base, *base ? "," : "", dir);
	return 0;
}

/* The backend of type T, loaded at its first use: 0 and *OUT, or -errno
 * with RES's message. */
static int backend_for(struct lrm *l, struct ipc_client *ops, enum guest_type t,
		       struct backend **out, struct lrm_result *res)
{
	char options[1024];
	struct backend_env env = {
	    .run_dir = l->cfg.run_dir,
	    .storage_dir = l->cfg.storage_dir,
	    .options = l->cfg.backend_options,
	};
	const char *name =
	    t == GUEST_QEMU ? l->cfg.qemu_backend : l->cfg.lxc_backend;
	struct backend_error err = {};
	int r;

	if (l->backends[t])
		return *out = l->backends[t], 0;
	if (t == GUEST_QEMU) {
		r = qemu_options(l, ops, options, sizeof(options), res);
		if (r < 0)
			return r;
		env.options = options[0] ? options : NULL;
	}
	r = backend_load(l->cfg.backend_dir, name, &env, &l->backends[t], &err);
	if (r < 0)
		return lrm_fail(res, r, "%s", err.msg);
	*out = l->backends[t];
	return 0;
}

int lrm_load(struct lrm *l, struct ipc_client *ops, const char *node,
	     const char *type, uint32_t id, struct lrm_guest *g,
	     struct lrm_result *res)
{
	_cleanup_free_ char *text = NULL;
	struct kvconf_error kerr = {};
	char msg[CDCALL_MSG] = "";
	enum guest_type t;
	int r;

	if (guest_type_from_string(type ? type : "", &t) < 0)
		return lrm_fail(res, EINVAL, "unknown guest type '%s'",
				type ? type : "");
	r = guest_conf_path(g->path, sizeof(g->path), node, t, id);
	if (r < 0)
		return lrm_fail(res, r, "invalid node name '%s'", node);
	r = cdcall_get(ops, g->path, &text, msg);
	if (r == -ENOENT)
		return lrm_fail(res, r, "%s guest %u is not on node %s", type,
				id, node);
	if (r < 0)
		return lrm_fail(res, r, "%s: %s", g->path, msg);
	r = guest_conf_parse(t, id, text, &g->conf, &kerr);
	if (r < 0)
		return lrm_fail(res, r, "%s:%u: %s", g->path, kerr.line,
				kerr.reason);
	return backend_for(l, ops, t, &g->backend, res);
}

static int add_info(struct lrm *l, struct lrm_result *res,
		    const struct lrm_guest *g, const struct guest_status *st,
		    const struct guest_usage *u)
{
	Clusterd__GuestReply *r = &res->reply;
	Clusterd__GuestInfo *gi = calloc(1, sizeof(*gi));

	if (!gi ||
	    ARRAY_RESERVE(r->guests, res->guests_cap, r->n_guests, 8) < 0) {
		free(gi);
		return -ENOMEM;
	}
	clusterd__guest_info__init(gi);
	gi->id = g->conf.id;
	gi->type = strdup(guest_type_to_string(g->conf.type));
	gi->node = strdup(l->node);
	gi->name = strdup(g->conf.name);
	gi->state = (char *)guest_state_to_string(st->state);
	gi->pid = st->pid;
	gi->uptime_ms = st->uptime_ms;
	gi->memory = st->memory;
	gi->cpu_ns = u ? u->cpu_ns : 0;
	gi->rss_bytes = u ? u->rss_bytes : 0;
	r->guests[r->n_guests++] = gi;
	return gi->type && gi->node && gi->name ? 0 : -ENOMEM;
}

static int report_status(struct lrm *l, struct lrm_guest *g,
			 struct lrm_result *res)
{
	const struct backend_ops *o = g->backend->ops;
	struct backend_error err = {};
	struct guest_usage u = {};
	struct guest_status st;
	int r = o->status(g->backend->state, &g->conf, &st, &err);

	if (r < 0)
		return lrm_fail(res, r, "%s", err.msg);
	if (st.state != GUEST_STOPPED && o->usage &&
	    o->usage(g->backend->state, &g->conf, &u, &err) < 0)
		u = (struct guest_usage){}; /* usage is best effort */
	return add_info(l, res, g, &st, &u);
}

/* The backend's own checks of G's configuration, before start/create. */
static int validate(struct lrm_guest *g, struct lrm_result *res)
{
	const struct backend_ops *o = g->backend->ops;
	struct backend_error err = {};
	int r =
	    o->validate ? o->validate(g->backend->state, &g->conf, &err) : 0;

	if (r < 0)
		return lrm_fail(res, r, "%s: %s", g->path, err.msg);
	return 0;
}

static int run_op(struct lrm *l, struct ipc_client *ops,
		  const Clusterd__GuestRequest *req, struct lrm_guest *g,
		  struct lrm_result *res)
{
	const struct backend_ops *o = g->backend->ops;
	void *s = g->backend->state;
	struct backend_error err = {};
	char msg[CDCALL_MSG];
	struct guest_status st;
	unsigned timeout;
	int r = 0;

	switch (req->op) {
	case CLUSTERD__GUEST_OP__GUEST_OP_START:
		if ((r = validate(g, res)) < 0)
			return r;
		lrm_progress(res, "starting %s guest %u on %s", o->name,
			     g->conf.id, l->node);
		r = o->start(s, &g->conf, &err);
		break;
	case CLUSTERD__GUEST_OP__GUEST_OP_STOP:
		r = o->stop(s, &g->conf, &err);
		break;
	case CLUSTERD__GUEST_OP__GUEST_OP_SHUTDOWN:
		timeout =
		    req->timeout_ms ? req->timeout_ms : SHUTDOWN_DEFAULT_MS;
		lrm_progress(res,
			     "asked guest %u to shut down; waiting up to %u s",
			     g->conf.id, (timeout + 999) / 1000);
		r = o->shutdown(s, &g->conf, timeout, &err);
		break;
	case CLUSTERD__GUEST_OP__GUEST_OP_CREATE:
		if ((r = validate(g, res)) < 0)
			return r;
		r = o->create ? o->create(s, &g->conf, &err) : 0;
		break;
	case CLUSTERD__GUEST_OP__GUEST_OP_DESTROY:
		r = o->status(s, &g->conf, &st, &err);
		if (r == 0 && st.state != GUEST_STOPPED)
			return lrm_fail(
			    res, EBUSY, "guest %u is %s: stop it first",
			    g->conf.id, guest_state_to_string(st.state));
		if (r == 0 && (r = cdcall_remove(ops, g->path, msg)) < 0)
			return lrm_fail(res, r, "%s: %s", g->path, msg);
		return r < 0 ? lrm_fail(res, r, "%s", err.msg) : 0;
	default: break;
	}
	if (r < 0)
		return lrm_fail(res, r, "%s", err.msg);
	return report_status(l, g, res);
}

/* One entry NAME ("ID.conf") of a type directory; a guest whose
 * configuration or status cannot be read is listed as unknown. */
static void list_one(struct lrm *l, struct ipc_client *ops, enum guest_type t,
		     char *name, struct lrm_result *res)
{
	struct guest_status st = {.state = GUEST_STATE_UNKNOWN};
	struct lrm_guest g = {};
	struct lrm_result scratch;
	char *dot = strrchr(name, '.');
	uint32_t id;
	int r;

	if (!dot || strcmp(dot, ".conf") != 0)
		return;
	*dot = '\0';
	if (guest_id_parse(name, &id) < 0)
		return;
	lrm_result_init(&scratch);
	r = lrm_load(l, ops, l->node, guest_type_to_string(t), id, &g,
		     &scratch);
	if (r == 0)
		r = report_status(l, &g, res);
	lrm_result_done(&scratch);
	if (r == 0)
		return;
	g.conf.id = id;
	g.conf.type = t;
	add_info(l, res, &g, &st, NULL);
}

/* LIST: the status of every guest configured on this node. */
static int list_guests(struct lrm *l, struct ipc_client *ops,
		       struct lrm_result *res)
{
	for (unsigned t = 0; t < _GUEST_TYPE_MAX; t++) {
		char dir[128], msg[CDCALL_MSG], **names = NULL;
		size_t n = 0;
		int r;

		snprintf(dir, sizeof(dir), "nodes/%s/%s", l->node,
			 guest_type_to_string(t));
		r = cdcall_list(ops, dir, &names, &n, msg);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return lrm_fail(res, r, "%s: %s", dir, msg);
		for (size_t i = 0; i < n; i++)
			list_one(l, ops, t, names[i], res);
		cdcall_names_free(names, n);
	}
	return 0;
}

/* Learn this node's name once clusterd knows it. */
static int know_self(struct lrm *l, struct ipc_client *ops,
		     struct lrm_result *res)
{
	char msg[CDCALL_MSG];
	int r;

	if (l->node[0])
		return 0;
	r = cdcall_self(ops, &l->nodeid, l->node, sizeof(l->node), msg);
	if (r < 0)
		return lrm_fail(res, r, "%s", msg);
	log_info("Running the guests of node %s", l->node);
	return 0;
}

int lrm_run(struct lrm *l, struct ipc_client *ops,
	    const Clusterd__GuestRequest *req, struct lrm_result *res)
{
	struct lrm_guest g = {};
	int r = know_self(l, ops, res);

	if (r < 0)
		return r;
	switch (req->op) {
	case CLUSTERD__GUEST_OP__GUEST_OP_LIST: return list_guests(l, ops, res);
	case CLUSTERD__GUEST_OP__GUEST_OP_MIGRATE:
		return lrm_migrate(l, ops, req, res);
	case CLUSTERD__GUEST_OP__GUEST_OP_MIGRATE_PREPARE:
		return lrm_migrate_prepare(l, ops, req, res);
	case CLUSTERD__GUEST_OP__GUEST_OP_MIGRATE_FINISH:
		return lrm_migrate_finish(l, ops, req, res);
	case CLUSTERD__GUEST_OP__GUEST_OP_START:
	case CLUSTERD__GUEST_OP__GUEST_OP_STOP:
	case CLUSTERD__GUEST_OP__GUEST_OP_SHUTDOWN:
	case CLUSTERD__GUEST_OP__GUEST_OP_STATUS:
	case CLUSTERD__GUEST_OP__GUEST_OP_CREATE:
	case CLUSTERD__GUEST_OP__GUEST_OP_DESTROY:
		r = lrm_load(l, ops, l->node, req->type, req->id, &g, res);
		return r < 0 ? r : run_op(l, ops, req, &g, res);
	default:
		return lrm_fail(res, EOPNOTSUPP, "unknown guest operation %d",
				(int)req->op);
	}
}
