/*
 * "clusterctl guest create|destroy|start|shutdown|stop|status|list|config|
 * migrate ...": guests on any node, from any node.
 *
 * clusterctl finds a guest's owning node in the tree (guest_tree.c) and
 * asks clusterd to relay the operation to that node's agent (haagent),
 * which runs it and answers with the result and its progress lines. The
 * global --timeout bounds the wait; for shutdown it is the grace period
 * before a hard stop (default 60 s) and the wait is 30 s longer.
 */
#include "config.h"

#include "cd_requests.h"
#include "guest.h"
#include "macro.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define GUEST_OP_TIMEOUT_MS	  120000
#define GUEST_MIGRATE_TIMEOUT_MS  600000
#define GUEST_SHUTDOWN_DEFAULT_MS 60000

enum { OPT_NODE = 0x400, OPT_ONLINE, OPT_TYPE, OPT_FILE };

struct guest_args {
	const char *node;
	const char *type;
	const char *file;
	bool online;
};

static const struct option longopts[] = {
    {"node", required_argument, NULL, OPT_NODE},
    {"online", no_argument, NULL, OPT_ONLINE},
    {"type", required_argument, NULL, OPT_TYPE},
    {"file", required_argument, NULL, OPT_FILE},
    {},
};

static int on_option(struct cli_ctx *ctx, int opt, const char *arg,
		     void *userdata)
{
	struct guest_args *a = userdata;

	switch (opt) {
	case OPT_NODE: a->node = arg; return 0;
	case OPT_ONLINE: a->online = true; return 0;
	case OPT_TYPE: a->type = arg; return 0;
	case OPT_FILE: a->file = arg; return 0;
	default: return cli_usage_error(ctx, "guest: unknown option");
	}
}

static int op_timeout(const struct cli_ctx *ctx, int dflt)
{
	return ctx->timeout_set ? ctx->timeout_ms : dflt;
}

/* Relay OP for REF to its node and print the result. */
static int run_on_owner(struct cli_ctx *ctx, const struct guest_ref *ref,
			Clusterd__GuestRequest *greq, int timeout_ms,
			const char *verb)
{
	struct guest_progress prog = {.ctx = ctx};
	Clusterd__Reply *reply = NULL;
	char what[64];
	int r;

	snprintf(what, sizeof(what), "guest %s %u", verb, ref->id);
	greq->type = (char *)guest_type_to_string(ref->type);
	greq->id = ref->id;
	/* Text mode streams progress to stderr; JSON mode waits. */
	greq->progress = ctx->output == CLI_OUTPUT_TEXT;
	if (greq->progress) {
		ctx->on_event = guest_output_progress;
		ctx->on_event_data = &prog;
	}
	r = guest_node_call(ctx, ref->node, greq, timeout_ms, what, &reply);
	ctx->on_event = NULL;
	ctx->on_event_data = NULL;
	if (r)
		return r;
	r = guest_output_result(
	    ctx,
	    reply->result_case == CLUSTERD__REPLY__RESULT_GUEST ? reply->guest
								: NULL,
	    prog.printed);
	clusterd__reply__free_unpacked(reply, NULL);
	return r;
}

static int simple_op(struct cli_ctx *ctx, uint32_t id, Clusterd__GuestOp op,
		     const char *verb, const struct guest_args *a)
{
	Clusterd__GuestRequest greq = CLUSTERD__GUEST_REQUEST__INIT;
	struct guest_ref ref;
	int timeout = op_timeout(ctx, GUEST_OP_TIMEOUT_MS);
	int r = guest_tree_find(ctx, id, &ref);

	if (r)
		return r;
	greq.op = op;
	if (op == CLUSTERD__GUEST_OP__GUEST_OP_SHUTDOWN) {
		greq.timeout_ms = op_timeout(ctx, GUEST_SHUTDOWN_DEFAULT_MS);
		timeout = greq.timeout_ms + 30000;
	} else if (op == CLUSTERD__GUEST_OP__GUEST_OP_MIGRATE) {
		greq.target = (char *)a->node;
		greq.online = a->online;
		timeout = op_timeout(ctx, GUEST_MIGRATE_TIMEOUT_MS);
		if (strcmp(a->node, ref.node) == 0)
			return cli_fail(ctx, "guest migrate", EINVAL,
					"already on that node", ref.node);
	}
	return run_on_owner(ctx, &ref, &greq, timeout, verb);
}

static int config_cmd(struct cli_ctx *ctx, uint32_t id)
{
	_cleanup_free_ char *text = NULL;
	struct guest_ref ref;
	int r = guest_tree_find(ctx, id, &ref);

	if (r == 0)
		r = guest_tree_get(ctx, &ref, &text);
	return r ? r : guest_output_config(ctx, &ref, text);
}

/* The configuration text of "create": FILE ("-": standard input) or the
 * KEY=VALUE arguments, one "KEY: VALUE" line each. */
static int create_text(struct cli_ctx *ctx, const struct guest_args *a,
		       char **kv, int n, char **out)
{
	size_t len = 0, cap = 0;
	FILE *f = NULL;
	char *buf = NULL;

	if (a->file && n > 0)
		return cli_usage_error(ctx, "guest create: --file and "
					    "KEY=VALUE arguments exclude "
					    "each other");
	f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	if (a->file) {
		FILE *in =
		    strcmp(a->file, "-") == 0 ? ctx->in : fopen(a->file, "re");
		char chunk[4096];
		size_t got;

		if (!in) {
			fclose(f);
			free(buf);
			return cli_usage_error(ctx, "guest create: %s: %m",
					       a->file);
		}
		while ((got = fread(chunk, 1, sizeof(chunk), in)) > 0 &&
		       (cap += got) <= CLI_MAX_DATA)
			fwrite(chunk, 1, got, f);
		if (in != ctx->in)
			fclose(in);
	}
	for (int i = 0; i < n; i++) {
		char *eq = strchr(kv[i], '=');

		if (!eq) {
			fclose(f);
			free(buf);
			return cli_usage_error(ctx,
					       "guest create: '%s' is not "
					       "KEY=VALUE",
					       kv[i]);
		}
		fprintf(f, "%.*s: %s\n", (int)(eq - kv[i]), kv[i], eq + 1);
	}
	fclose(f);
	*out = buf;
	return 0;
}

/* Create the directories above PATH that do not exist yet, then PATH with
 * TEXT, which must not exist. */
static int put_new(struct cli_ctx *ctx, const char *path, const char *text)
{
	struct cd_conn c;
	size_t failed = 0;
	char dir[256];
	int r;

	cli_conn(ctx, &c);
	r = cd_mkdir_parents(&c, path, &failed);
	if (r < 0) {
		snprintf(dir, sizeof(dir), "%.*s", (int)failed, path);
		return cli_conn_fail(ctx, &c, r, dir);
	}
	return cli_conn_fail(ctx, &c, cd_put(&c, path, text, true, 0), path);
}

/* The ID must be free on every node (clusterd checks it again when it
 * applies the write). */
static int check_unique(struct cli_ctx *ctx, uint32_t id)
{
	struct guest_refs refs;
	char detail[128] = "";
	int r = guest_tree_scan(ctx, &refs);

	if (r)
		return r;
	for (size_t i = 0; i < refs.n; i++)
		if (refs.v[i].id == id)
			snprintf(detail, sizeof(detail),
				 "guest %u is a %s guest on %s", id,
				 guest_type_to_string(refs.v[i].type),
				 refs.v[i].node);
	guest_refs_done(&refs);
	return detail[0] ? cli_fail(ctx, "guest create", EEXIST,
				    "ID already in use", detail)
			 : 0;
}

static int create_cmd(struct cli_ctx *ctx, uint32_t id,
		      const struct guest_args *a, char **kv, int n)
{
	Clusterd__GuestRequest greq = CLUSTERD__GUEST_REQUEST__INIT;
	_cleanup_free_ char *text = NULL;
	struct kvconf_error kerr = {};
	struct guest_conf conf;
	struct guest_ref ref = {.id = id};
	char path[256], detail[200];
	int r;

	if (guest_type_from_string(a->type ? a->type : "qemu", &ref.type) < 0)
		return cli_usage_error(ctx, "guest create: --type is qemu or "
					    "lxc");
	r = create_text(ctx, a, kv, n, &text);
	if (r < 0)
		return r == -EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAILED;
	if (guest_conf_parse(ref.type, id, text, &conf, &kerr) < 0) {
		snprintf(detail, sizeof(detail), "line %u: %s", kerr.line,
			 kerr.reason);
		return cli_fail(ctx, "guest create", EINVAL,
				"invalid configuration", detail);
	}
	if (a->node)
		snprintf(ref.node, sizeof(ref.node), "%s", a->node);
	else if ((r = guest_local_node(ctx, ref.node, sizeof(ref.node))))
		return r;
	if (guest_conf_path(path, sizeof(path), ref.node, ref.type, id) < 0)
		return cli_usage_error(ctx, "guest create: invalid node name");
	r = check_unique(ctx, id);
	if (r == 0)
		r = put_new(ctx, path, text);
	if (r)
		return r;
	greq.op = CLUSTERD__GUEST_OP__GUEST_OP_CREATE;
	r = run_on_owner(ctx, &ref, &greq, op_timeout(ctx, GUEST_OP_TIMEOUT_MS),
			 "create");
	if (r) {
		struct cd_conn c;

		cli_conn(ctx, &c);
		cli_conn_fail(ctx, &c, cd_remove(&c, path), path);
	}
	return r;
}

struct listing {
	Clusterd__Reply **replies;
	size_t n_replies;
	Clusterd__GuestInfo **rows;
	Clusterd__GuestInfo *unknown; /* rows of unreachable nodes */
	size_t n, n_unknown, cap;     /* CAP: room in ROWS */
};

/* Ask NODE's agent for its guests; a node that cannot answer (offline,
 * no agent) leaves its guests to be listed as unknown. */
static void list_node(struct cli_ctx *ctx, const char *node, struct listing *ls)
{
	Clusterd__GuestRequest greq = CLUSTERD__GUEST_REQUEST__INIT;
	Clusterd__Reply *reply = NULL;
	struct cd_conn c;

	greq.op = CLUSTERD__GUEST_OP__GUEST_OP_LIST;
	cli_conn(ctx, &c);
	if (cd_node_request(&c, node, &greq,
			    op_timeout(ctx, CLI_DEFAULT_TIMEOUT_MS),
			    &reply) < 0)
		return;
	if (reply->result_case != CLUSTERD__REPLY__RESULT_GUEST) {
		clusterd__reply__free_unpacked(reply, NULL);
		return;
	}
	ls->replies[ls->n_replies++] = reply;
	/* A guest created since the scan may come on top: there is room
	 * for the scanned ones only, twice over. */
	for (size_t i = 0; i < reply->guest->n_guests && ls->n < ls->cap; i++)
		ls->rows[ls->n++] = reply->guest->guests[i];
}

static bool listed(const struct listing *ls, uint32_t id)
{
	for (size_t i = 0; i < ls->n; i++)
		if (ls->rows[i]->id == id)
			return true;
	return false;
}

static int by_id(const void *a, const void *b)
{
	const Clusterd__GuestInfo *x = *(Clusterd__GuestInfo *const *)a;
	const Clusterd__GuestInfo *y = *(Clusterd__GuestInfo *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int list_cmd(struct cli_ctx *ctx)
{
	struct guest_refs refs;
	struct listing ls = {};
	int r = guest_tree_scan(ctx, &refs);

	if (r)
		return r;
	ls.replies = calloc(refs.n + 1, sizeof(*ls.replies));
	ls.cap = 2 * refs.n;
	ls.rows = calloc(ls.cap + 1, sizeof(*ls.rows));
	ls.unknown = calloc(refs.n + 1, sizeof(*ls.unknown));
	for (size_t i = 0; ls.rows && ls.replies && i < refs.n; i++)
		if (i == 0 || strcmp(refs.v[i].node, refs.v[i - 1].node) != 0)
			list_node(ctx, refs.v[i].node, &ls);
	for (size_t i = 0; ls.unknown && i < refs.n; i++) {
		Clusterd__GuestInfo *g = &ls.unknown[ls.n_unknown];

		if (ls.n >= ls.cap || listed(&ls, refs.v[i].id))
			continue;
		clusterd__guest_info__init(g);
		g->id = refs.v[i].id;
		g->type = (char *)guest_type_to_string(refs.v[i].type);
		g->node = refs.v[i].node;
		g->state = "unknown";
		g->name = "";
		ls.rows[ls.n++] = g;
		ls.n_unknown++;
	}
	qsort(ls.rows, ls.n, sizeof(*ls.rows), by_id);
	r = ls.rows && ls.replies && ls.unknown
		? guest_output_list(ctx, ls.rows, ls.n)
		: cli_fail(ctx, "guest list", ENOMEM, "out of memory", NULL);
	for (size_t i = 0; i < ls.n_replies; i++)
		clusterd__reply__free_unpacked(ls.replies[i], NULL);
	free(ls.replies);
	free(ls.rows);
	free(ls.unknown);
	guest_refs_done(&refs);
	return r;
}

static const struct {
	const char *name;
	Clusterd__GuestOp op;
	const char *help;
} commands[] = {
    {"create", CLUSTERD__GUEST_OP__GUEST_OP_CREATE, cli_help_guest_create},
    {"destroy", CLUSTERD__GUEST_OP__GUEST_OP_DESTROY, cli_help_guest_destroy},
    {"start", CLUSTERD__GUEST_OP__GUEST_OP_START, cli_help_guest_start},
    {"shutdown", CLUSTERD__GUEST_OP__GUEST_OP_SHUTDOWN,
     cli_help_guest_shutdown},
    {"stop", CLUSTERD__GUEST_OP__GUEST_OP_STOP, cli_help_guest_stop},
    {"status", CLUSTERD__GUEST_OP__GUEST_OP_STATUS, cli_help_guest_status},
    {"list", CLUSTERD__GUEST_OP__GUEST_OP_LIST, cli_help_guest_list},
    {"config", CLUSTERD__GUEST_OP__GUEST_OP_NONE, cli_help_guest_config},
    {"migrate", CLUSTERD__GUEST_OP__GUEST_OP_MIGRATE, cli_help_guest_migrate},
};

/* An option the command does not take is a usage error, not ignored. */
static int check_options(struct cli_ctx *ctx, size_t c,
			 const struct guest_args *a)
{
	Clusterd__GuestOp op = commands[c].op;
	bool create = op == CLUSTERD__GUEST_OP__GUEST_OP_CREATE;
	bool migrate = op == CLUSTERD__GUEST_OP__GUEST_OP_MIGRATE;
	const char *bad = !create && a->type		   ? "--type"
			  : !create && a->file		   ? "--file"
			  : !create && !migrate && a->node ? "--node"
			  : !migrate && a->online	   ? "--online"
							   : NULL;

	if (!bad)
		return 0;
	return cli_usage_error(ctx, "guest %s: unknown option '%s'",
			       commands[c].name, bad);
}

static int run_command(struct cli_ctx *ctx, size_t c, char **pos, int npos,
		       const struct guest_args *a)
{
	uint32_t id;

	if (check_options(ctx, c, a) < 0)
		return CLI_EXIT_USAGE;
	if (commands[c].op == CLUSTERD__GUEST_OP__GUEST_OP_LIST)
		return npos	      ? cli_usage_error(ctx,
							"guest list: unexpected "
								  "argument '%s'",
							pos[0]),
		       CLI_EXIT_USAGE : list_cmd(ctx);
	if (npos < 1)
		return cli_usage_error(ctx, "guest %s: missing ID",
				       commands[c].name),
		       CLI_EXIT_USAGE;
	if (guest_id_parse(pos[0], &id) < 0)
		return cli_usage_error(ctx,
				       "guest %s: invalid ID '%s' (%u to %u)",
				       commands[c].name, pos[0], GUEST_ID_MIN,
				       GUEST_ID_MAX),
		       CLI_EXIT_USAGE;
	if (commands[c].op == CLUSTERD__GUEST_OP__GUEST_OP_CREATE)
		return create_cmd(ctx, id, a, pos + 1, npos - 1);
	if (npos > 1)
		return cli_usage_error(ctx,
				       "guest %s: unexpected argument '%s'",
				       commands[c].name, pos[1]),
		       CLI_EXIT_USAGE;
	if (commands[c].op == CLUSTERD__GUEST_OP__GUEST_OP_NONE)
		return config_cmd(ctx, id);
	if (commands[c].op == CLUSTERD__GUEST_OP__GUEST_OP_MIGRATE && !a->node)
		return cli_usage_error(ctx, "guest migrate: --node is needed"),
		       CLI_EXIT_USAGE;
	return simple_op(ctx, id, commands[c].op, commands[c].name, a);
}

int guest_main(struct cli_ctx *ctx, int argc, char **argv)
{
	const struct cli_optspec top = {.help = cli_help_guest};
	struct guest_args a = {};
	struct cli_optspec spec = {
	    .longopts = longopts, .handle = on_option, .userdata = &a};
	_cleanup_free_ char **pos = NULL;
	int first, npos = 0, e;

	e = cli_parse_leading(ctx, argc, argv, &top, &first);
	if (e != CLI_PARSED)
		return e < 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	if (first >= argc)
		return cli_usage_error(ctx, "guest: missing command"),
		       CLI_EXIT_USAGE;
	for (size_t c = 0; c < ELEMENTSOF(commands); c++) {
		if (strcmp(argv[first], commands[c].name) != 0)
			continue;
		spec.help = commands[c].help;
		pos = calloc(argc, sizeof(*pos));
		if (!pos)
			return CLI_EXIT_FAILED;
		e = cli_parse_all(ctx, argc - first, argv + first, &spec, pos,
				  &npos);
		if (e != CLI_PARSED)
			return e < 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
		return run_command(ctx, c, pos, npos, &a);
	}
	return cli_usage_error(ctx, "guest: unknown command '%s'", argv[first]),
	       CLI_EXIT_USAGE;
}
