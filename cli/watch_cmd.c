/*
 * "clusterctl watch [PREFIX]": print change events (tree, membership,
 * node status store) as clusterd applies them, one line each (a JSON object per
 * line with -o json), flushed at once so that a script reading a pipe sees
 * every event when it happens.
 *
 * It runs until interrupted, until --count events were printed, or until
 * clusterd closes the watch (it stopped, or this client fell behind and
 * was disconnected rather than silently miss events): that is exit 1, so
 * a script knows its view may have a gap.
 */
#include "config.h"

#include "cd_requests.h"
#include "cli.h"
#include "macro.h"

#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <string.h>

struct watch_opts {
	bool membership, no_tree;
	const char *status; /* NULL: no status events; "": every key */
	uint64_t count;
};

static int handle_opt(struct cli_ctx *ctx, int opt, const char *arg,
		      void *userdata)
{
	struct watch_opts *o = userdata;

	switch (opt) {
	case 'm': o->membership = true; return 0;
	case 'T': o->no_tree = true; return 0;
	case 's': o->status = arg ? arg : ""; return 0;
	case 'n':
		if (cli_parse_u64(arg, &o->count) < 0 || o->count == 0)
			return cli_usage_error(
			    ctx, "--count wants a positive number, not '%s'",
			    arg);
		return 0;
	}
	return cli_usage_error(ctx, "unexpected option");
}

static const char *op_name(Clusterd__TreeEvent__Op op)
{
	switch (op) {
	case CLUSTERD__TREE_EVENT__OP__CHANGED: return "changed";
	case CLUSTERD__TREE_EVENT__OP__REMOVED: return "removed";
	case CLUSTERD__TREE_EVENT__OP__RESET: return "reset";
	default: return "unknown";
	}
}

static void print_text(struct cli_ctx *ctx, const Clusterd__Event *ev)
{
	if (ev->kind_case == CLUSTERD__EVENT__KIND_TREE) {
		const Clusterd__TreeEvent *t = ev->tree;

		fprintf(ctx->out, "%s %s version=%" PRIu64, op_name(t->op),
			t->path[0] ? t->path : "/", t->version);
		if (t->op == CLUSTERD__TREE_EVENT__OP__CHANGED)
			fprintf(ctx->out,
				" type=%s size=%" PRIu64 " writer=%" PRIu32,
				t->type == CLUSTERD__ENTRY_TYPE__ENTRY_DIR
				    ? "dir"
				    : "file",
				t->size, t->writer);
	} else if (ev->kind_case == CLUSTERD__EVENT__KIND_STATUS) {
		fprintf(ctx->out, "status node=%" PRIu32 " key=%s",
			ev->status->node,
			ev->status->key[0] ? ev->status->key : "*");
	} else if (ev->kind_case == CLUSTERD__EVENT__KIND_MEMBERSHIP) {
		const Clusterd__MembershipEvent *m = ev->membership;

		fprintf(ctx->out,
			"membership quorate=%s synced=%s version=%" PRIu64
			" view=",
			m->quorate ? "yes" : "no", m->synced ? "yes" : "no",
			m->tree_version);
		for (size_t i = 0; i < m->n_view; i++)
			fprintf(ctx->out, "%s%" PRIu32, i ? "," : "",
				m->view[i]);
	}
	fputc('\n', ctx->out);
}

static void print_json(struct cli_ctx *ctx, const Clusterd__Event *ev)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "seq", json_object_new_uint64(ev->seq));
	if (ev->kind_case == CLUSTERD__EVENT__KIND_TREE) {
		const Clusterd__TreeEvent *t = ev->tree;

		json_object_object_add(o, "event",
				       json_object_new_string(op_name(t->op)));
		json_object_object_add(o, "path",
				       json_object_new_string(t->path));
		json_object_object_add(o, "version",
				       json_object_new_uint64(t->version));
		if (t->op == CLUSTERD__TREE_EVENT__OP__CHANGED) {
			json_object_object_add(
			    o, "type",
			    json_object_new_string(
				t->type == CLUSTERD__ENTRY_TYPE__ENTRY_DIR
				    ? "dir"
				    : "file"));
			json_object_object_add(o, "size",
					       json_object_new_uint64(t->size));
			json_object_object_add(
			    o, "writer", json_object_new_int64(t->writer));
		}
	} else if (ev->kind_case == CLUSTERD__EVENT__KIND_MEMBERSHIP) {
		const Clusterd__MembershipEvent *m = ev->membership;
		json_object *view = json_object_new_array();

		for (size_t i = 0; i < m->n_view; i++)
			json_object_array_add(
			    view, json_object_new_int64(m->view[i]));
		json_object_object_add(o, "event",
				       json_object_new_string("membership"));
		json_object_object_add(o, "quorate",
				       json_object_new_boolean(m->quorate));
		json_object_object_add(o, "synced",
				       json_object_new_boolean(m->synced));
		json_object_object_add(o, "tree_version",
				       json_object_new_uint64(m->tree_version));
		json_object_object_add(o, "view", view);
	} else if (ev->kind_case == CLUSTERD__EVENT__KIND_STATUS) {
		json_object_object_add(o, "event",
				       json_object_new_string("status"));
		json_object_object_add(o, "node",
				       json_object_new_int64(ev->status->node));
		json_object_object_add(o, "key",
				       json_object_new_string(ev->status->key));
	}
	fprintf(
	    ctx->out, "%s\n",
	    json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static int subscribe(struct cli_ctx *ctx, const char *prefix,
		     const struct watch_opts *o)
{
	Clusterd__WatchRequest w = CLUSTERD__WATCH_REQUEST__INIT;
	Clusterd__Request req = CD_REQUEST(WATCH, watch, &w);
	Clusterd__Reply *reply = NULL;
	int r;

	w.prefix = (char *)prefix;
	w.tree = !o->no_tree;
	w.membership = o->membership;
	w.status = o->status != NULL;
	w.status_key = (char *)(o->status ? o->status : "");
	r = ctx->call(ctx->call_data, &req, ctx->timeout_ms, &reply);
	if (r < 0)
		return cli_fail(ctx, "watch", -r, NULL, NULL);
	r = reply->errno_code;
	if (r)
		cli_fail(ctx, "watch", r, NULL, reply->error_message);
	clusterd__reply__free_unpacked(reply, NULL);
	return r ? CLI_EXIT_FAILED : CLI_EXIT_OK;
}

int watch_main(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"membership", no_argument, NULL, 'm'},
	    {"no-tree", no_argument, NULL, 'T'},
	    {"status", optional_argument, NULL, 's'},
	    {"count", required_argument, NULL, 'n'},
	    {},
	};
	struct watch_opts o = {};
	const struct cli_optspec spec = {.longopts = longopts,
					 .shortopts = "mTs::n:",
					 .handle = handle_opt,
					 .userdata = &o,
					 .help = cli_help_watch};
	static const char *const names[] = {"PREFIX"};
	_cleanup_free_ char **pos = calloc(argc > 0 ? argc : 1, sizeof(*pos));
	int npos, e;

	if (!pos)
		return CLI_EXIT_FAILED;
	e = cli_parse_all(ctx, argc, argv, &spec, pos, &npos);
	if (e == CLI_PARSED)
		e = cli_check_args(ctx, "watch", pos, npos, names, 0, 1);
	if (e != CLI_PARSED)
		return e < 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	if (o.no_tree && !o.membership && !o.status)
		return cli_usage_error(ctx, "--no-tree without --membership "
					    "or --status watches nothing"),
		       CLI_EXIT_USAGE;
	if (!ctx->next_event)
		return cli_fail(ctx, "watch", EOPNOTSUPP, NULL, NULL);
	e = subscribe(ctx, npos ? cli_tree_path(pos[0]) : "", &o);
	for (uint64_t n = 0; e == CLI_EXIT_OK && (!o.count || n < o.count);
	     n++) {
		Clusterd__Event *ev;
		int r = ctx->next_event(ctx->call_data, -1, &ev);

		if (r < 0)
			return cli_fail(
			    ctx, "watch", -r,
			    r == -ENOTCONN
				? "clusterd closed the watch "
				  "(it stopped, or this client fell behind)"
				: NULL,
			    NULL);
		if (ctx->output == CLI_OUTPUT_JSON)
			print_json(ctx, ev);
		else
			print_text(ctx, ev);
		fflush(ctx->out);
		clusterd__event__free_unpacked(ev, NULL);
	}
	return e;
}
