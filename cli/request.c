/*
 * One clusterd request from clusterctl: its storage, and its execution.
 *
 * struct cli_request holds a Clusterd__Request and the sub-message its
 * oneof points to, so a parser fills it without allocating (strings point
 * into argv). It refers to itself: initialise it in place and don't copy
 * it. cli_execute() reads standard input when "put" was given no VALUE,
 * sends the request through the context's transport, turns a failure of
 * any kind into cli_fail() and a success of the expected kind into
 * output.
 */
#include "config.h"

#include "cd_requests.h"
#include "cli.h"
#include "ipc_client.h"
#include "macro.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void cli_request_init(struct cli_request *r, enum cli_op op)
{
	Clusterd__Request *req = &r->req;

	*r = (struct cli_request){.op = op};
	*req = (Clusterd__Request)CLUSTERD__REQUEST__INIT;
	switch (op) {
	case CLI_OP_GET:
		r->body.get = (Clusterd__GetRequest)CLUSTERD__GET_REQUEST__INIT;
		req->op_case = CLUSTERD__REQUEST__OP_GET;
		req->get = &r->body.get;
		break;
	case CLI_OP_PUT:
		r->body.put = (Clusterd__PutRequest)CLUSTERD__PUT_REQUEST__INIT;
		req->op_case = CLUSTERD__REQUEST__OP_PUT;
		req->put = &r->body.put;
		break;
	case CLI_OP_LS:
		r->body.list =
		    (Clusterd__ListRequest)CLUSTERD__LIST_REQUEST__INIT;
		req->op_case = CLUSTERD__REQUEST__OP_LIST;
		req->list = &r->body.list;
		break;
	case CLI_OP_RM:
		r->body.remove =
		    (Clusterd__RemoveRequest)CLUSTERD__REMOVE_REQUEST__INIT;
		req->op_case = CLUSTERD__REQUEST__OP_REMOVE;
		req->remove = &r->body.remove;
		break;
	case CLI_OP_MKDIR:
		r->body.mkdir =
		    (Clusterd__MkdirRequest)CLUSTERD__MKDIR_REQUEST__INIT;
		req->op_case = CLUSTERD__REQUEST__OP_MKDIR;
		req->mkdir = &r->body.mkdir;
		break;
	case CLI_OP_MV:
		r->body.rename =
		    (Clusterd__RenameRequest)CLUSTERD__RENAME_REQUEST__INIT;
		req->op_case = CLUSTERD__REQUEST__OP_RENAME;
		req->rename = &r->body.rename;
		break;
	case CLI_OP_STAT:
		r->body.stat =
		    (Clusterd__StatRequest)CLUSTERD__STAT_REQUEST__INIT;
		req->op_case = CLUSTERD__REQUEST__OP_STAT;
		req->stat = &r->body.stat;
		break;
	case CLI_OP_MEMBERS:
		r->body.members =
		    (Clusterd__MembersRequest)CLUSTERD__MEMBERS_REQUEST__INIT;
		req->op_case = CLUSTERD__REQUEST__OP_MEMBERS;
		req->members = &r->body.members;
		break;
	default: cli_request_init_ext(r, op); break;
	}
}

void cli_request_done(struct cli_request *r)
{
	free(r->owned_data);
	r->owned_data = NULL;
}

const char *cli_op_name(enum cli_op op)
{
	static const char *const names[] = {
	    [CLI_OP_GET] = "get",
	    [CLI_OP_PUT] = "put",
	    [CLI_OP_LS] = "ls",
	    [CLI_OP_RM] = "rm",
	    [CLI_OP_MKDIR] = "mkdir",
	    [CLI_OP_MV] = "mv",
	    [CLI_OP_STAT] = "stat",
	    [CLI_OP_MEMBERS] = "members",
	    [CLI_OP_LOCK] = "lock",
	    [CLI_OP_UNLOCK] = "unlock",
	    [CLI_OP_LOCKS] = "locks",
	    [CLI_OP_STATUS_SET] = "node-status set",
	    [CLI_OP_STATUS_GET] = "node-status get",
	    [CLI_OP_STATUS_LS] = "node-status ls",
	};

	return (size_t)op < ELEMENTSOF(names) ? names[op] : "?";
}

const char *cli_request_path(const struct cli_request *r)
{
	switch (r->op) {
	case CLI_OP_GET: return r->body.get.path;
	case CLI_OP_PUT: return r->body.put.path;
	case CLI_OP_LS: return r->body.list.path;
	case CLI_OP_RM: return r->body.remove.path;
	case CLI_OP_MKDIR: return r->body.mkdir.path;
	case CLI_OP_MV: return r->body.rename.from;
	case CLI_OP_STAT: return r->body.stat.path;
	case CLI_OP_MEMBERS: return "";
	default: return cli_request_path_ext(r);
	}
	return "";
}

char *cli_request_label(const struct cli_request *r)
{
	const char *path = cli_request_path(r);
	char *label = NULL;
	int n;

	if (r->op >= CLI_OP_LOCK)
		return cli_request_label_ext(r);
	if (r->op == CLI_OP_MEMBERS)
		return strdup(cli_op_name(r->op));
	if (r->op == CLI_OP_MV)
		n = asprintf(&label, "mv %s %s", path, r->body.rename.to);
	else
		n = asprintf(&label, "%s %s", cli_op_name(r->op),
			     *path ? path : "/");
	return n < 0 ? NULL : label;
}

static Clusterd__Reply__ResultCase expected_result(enum cli_op op)
{
	switch (op) {
	case CLI_OP_GET: return CLUSTERD__REPLY__RESULT_GET;
	case CLI_OP_LS: return CLUSTERD__REPLY__RESULT_LIST;
	case CLI_OP_STAT: return CLUSTERD__REPLY__RESULT_STAT;
	case CLI_OP_MEMBERS: return CLUSTERD__REPLY__RESULT_MEMBERS;
	default:
		return op >= CLI_OP_LOCK ? cli_expected_result_ext(op)
					 : CLUSTERD__REPLY__RESULT_WRITE;
	}
}

/* All of F, at most MAX bytes: 0, -EFBIG or -errno. */
static int read_all(FILE *f, size_t max, uint8_t **out, size_t *len)
{
	_cleanup_free_ uint8_t *buf = NULL;
	size_t n = 0, cap = 0, got;

	for (;;) {
		if (n == cap) {
			uint8_t *grown;

			cap = cap ? cap * 2 : 65536;
			if (cap > max + 1)
				cap = max + 1;
			grown = realloc(buf, cap);
			if (!grown)
				return -ENOMEM;
			buf = grown;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n > max)
			return -EFBIG;
		if (got == 0)
			break;
	}
	if (ferror(f))
		return errno > 0 ? -errno : -EIO;
	*out = TAKE_PTR(buf);
	*len = n;
	return 0;
}

static int read_value(struct cli_ctx *ctx, struct cli_request *r,
		      const char *what)
{
	char reason[256];
	size_t len = 0;
	int e;

	e = read_all(ctx->in, CLI_MAX_DATA, &r->owned_data, &len);
	if (e == -EFBIG)
		return cli_fail(ctx, what, EFBIG,
				"standard input holds more than 8 MiB", NULL);
	if (e < 0) {
		snprintf(reason, sizeof(reason),
			 "cannot read standard input: %s", strerror(-e));
		return cli_fail(ctx, what, -e, reason, NULL);
	}
	r->body.put.data.data = r->owned_data;
	r->body.put.data.len = len;
	return CLI_EXIT_OK;
}

void cli_conn(struct cli_ctx *ctx, struct cd_conn *c)
{
	cd_conn_init(c, ctx->call, ctx->call_data, ctx->timeout_ms);
}

int cli_conn_fail(struct cli_ctx *ctx, const struct cd_conn *c, int r,
		  const char *what)
{
	if (r == 0)
		return CLI_EXIT_OK;
	if (c->server_error)
		return cli_fail(ctx, what, -r, cli_errno_reason(-r),
				c->message);
	return cli_fail(ctx, what, r, ipc_client_strerror(r), c->message);
}

int cli_call_checked(struct cli_ctx *ctx, struct cli_request *r, int timeout_ms,
		     const char *what, Clusterd__Reply **reply)
{
	struct cd_conn c;

	cli_conn(ctx, &c);
	return cli_conn_fail(ctx, &c,
			     cd_call_expect(&c, &r->req, timeout_ms,
					    expected_result(r->op), reply),
			     what);
}

static int handle_reply(struct cli_ctx *ctx, const struct cli_request *r,
			const Clusterd__Reply *reply, const char *what)
{
	char reason[256];
	int e;

	e = output_reply(ctx, r, reply);
	if (e == 0 && fflush(ctx->out) != 0)
		e = errno > 0 ? -errno : -EIO;
	if (e < 0) {
		snprintf(reason, sizeof(reason), "cannot write output: %s",
			 strerror(-e));
		return cli_fail(ctx, what, -e, reason, NULL);
	}
	return CLI_EXIT_OK;
}

int cli_execute(struct cli_ctx *ctx, struct cli_request *r)
{
	_cleanup_free_ char *label = cli_request_label(r);
	const char *what = label ? label : cli_op_name(r->op);
	Clusterd__Reply *reply = NULL;
	int rc;

	if (r->data_from_stdin) {
		rc = read_value(ctx, r, what);
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	rc = cli_call_checked(ctx, r, ctx->timeout_ms, what, &reply);
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = handle_reply(ctx, r, reply, what);
	clusterd__reply__free_unpacked(reply, NULL);
	return rc;
}

int cli_finish(struct cli_ctx *ctx, int parsed, struct cli_request *r)
{
	int rc;

	if (parsed == -EINVAL)
		return CLI_EXIT_USAGE;
	if (parsed < 0)
		return cli_fail(ctx, "clusterctl", parsed,
				cli_errno_reason(parsed), NULL);
	if (parsed == CLI_HANDLED)
		return CLI_EXIT_OK;
	rc = cli_execute(ctx, r);
	cli_request_done(r);
	return rc;
}
