/*
 * "clusterctl lock NAME [--try] [--timeout S] [-- COMMAND...]" and
 * "clusterctl locks".
 *
 * A lock belongs to the IPC connection that took it, so "lock" keeps its
 * connection open for as long as it holds the lock (lock_hold.c) and the
 * lock goes when clusterctl goes, however it goes. --timeout, a global
 * option elsewhere, bounds the wait for the lock here (without it "lock"
 * waits as long as it takes); clusterd answers ETIMEDOUT itself, so the
 * IPC call gets some extra time to hear that answer. With --try the call
 * fails at once with EBUSY when someone holds the lock, and --timeout
 * keeps its global meaning.
 */
#include "config.h"

#include "cli.h"
#include "macro.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum {
	OPT_TRY = 0x300,
};

/* Time for clusterd to answer after its own deadline. */
#define ANSWER_SLACK_MS CLI_DEFAULT_TIMEOUT_MS

static const struct option lock_longopts[] = {
    {"try", no_argument, NULL, OPT_TRY},
    {},
};

static int lock_option(struct cli_ctx *ctx, int opt, const char *arg,
		       void *userdata)
{
	if (opt != OPT_TRY)
		return cli_usage_error(ctx, "lock: unknown option");
	*(bool *)userdata = true;
	return CLI_PARSED;
}

int lock_parse(struct cli_ctx *ctx, int argc, char **argv,
	       struct lock_invocation *li)
{
	static const char *const names[] = {"NAME"};
	bool try_lock = false;
	struct cli_optspec spec = {.longopts = lock_longopts,
				   .handle = lock_option,
				   .userdata = &try_lock,
				   .help = cli_help_lock};
	char **pos = calloc(argc + 1, sizeof(*pos));
	int npos, e;

	if (!pos)
		return -ENOMEM;
	e = cli_parse_all(ctx, argc, argv, &spec, pos, &npos);
	if (e == CLI_PARSED)
		e = cli_check_args(ctx, "lock", pos, npos, names, 1, argc);
	if (e != CLI_PARSED) {
		free(pos);
		return e;
	}
	cli_request_init(&li->r, CLI_OP_LOCK);
	li->r.body.lock.name = pos[0];
	li->r.body.lock.try_lock = try_lock;
	/* POS is NULL-terminated after the last argument: reuse it. */
	li->command = npos > 1 ? pos + 1 : NULL;
	li->args = pos;
	if (try_lock)
		li->call_timeout_ms = ctx->timeout_ms;
	else if (ctx->timeout_set) {
		li->r.body.lock.timeout_ms = (uint32_t)ctx->timeout_ms;
		li->call_timeout_ms = ctx->timeout_ms + ANSWER_SLACK_MS;
	} else {
		li->call_timeout_ms = -1;
	}
	return CLI_PARSED;
}

void lock_invocation_done(struct lock_invocation *li)
{
	cli_request_done(&li->r);
	free(li->args);
	li->args = NULL;
}

int lock_main(struct cli_ctx *ctx, int argc, char **argv)
{
	struct lock_invocation li = {};
	_cleanup_free_ char *what = NULL;
	Clusterd__Reply *reply = NULL;
	int e = lock_parse(ctx, argc, argv, &li), rc;

	if (e < 0)
		return e == -EINVAL ? CLI_EXIT_USAGE
				    : cli_fail(ctx, "lock", e,
					       cli_errno_reason(e), NULL);
	if (e == CLI_HANDLED)
		return CLI_EXIT_OK;
	what = cli_request_label(&li.r);
	rc = cli_call_checked(ctx, &li.r, li.call_timeout_ms,
			      what ? what : "lock", &reply);
	if (rc == CLI_EXIT_OK) {
		rc = lock_hold(ctx, &li, reply);
		clusterd__reply__free_unpacked(reply, NULL);
	}
	lock_invocation_done(&li);
	return rc;
}

int locks_parse(struct cli_ctx *ctx, int argc, char **argv,
		struct cli_request *r)
{
	const struct cli_optspec spec = {.help = cli_help_locks};
	_cleanup_free_ char **pos = calloc(argc > 0 ? argc : 1, sizeof(*pos));
	int npos, e;

	if (!pos)
		return -ENOMEM;
	e = cli_parse_all(ctx, argc, argv, &spec, pos, &npos);
	if (e == CLI_PARSED)
		e = cli_check_args(ctx, "locks", pos, npos, NULL, 0, 0);
	if (e == CLI_PARSED)
		cli_request_init(r, CLI_OP_LOCKS);
	return e;
}

int locks_main(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_request r;

	return cli_finish(ctx, locks_parse(ctx, argc, argv, &r), &r);
}
