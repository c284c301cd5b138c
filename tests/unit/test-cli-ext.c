/*
 * clusterctl's lock and node-status commands (cli/lock_cmd.c,
 * cli/lock_hold.c, cli/node_status_cmd.c, cli/output_ext.c) run whole
 * through cli_run() against a fake transport that answers each kind of
 * request with a canned reply and records what it was asked: the request
 * fields, the IPC deadlines, exit codes, the one-line errors, text and
 * JSON output, and the hold/command life of a lock (release at the end,
 * COMMAND's exit status, a lost lock stopping COMMAND).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "proto-copy.h"

#define MAX_SEEN 16

struct fake {
	struct cli_ctx ctx;
	char *out, *err;
	size_t out_len, err_len;
	FILE *in;
	Clusterd__Reply lock_reply, locks_reply, status_reply;
	Clusterd__Request *seen[MAX_SEEN];
	int timeouts[MAX_SEEN];
	unsigned calls;
};

static int fake_call(void *userdata, Clusterd__Request *req, int timeout_ms,
		     Clusterd__Reply **reply)
{
	struct fake *f = userdata;

	assert_true(f->calls < MAX_SEEN);
	f->timeouts[f->calls] = timeout_ms;
	f->seen[f->calls++] = proto_copy_request(req);
	switch (req->op_case) {
	case CLUSTERD__REQUEST__OP_LOCK:
	case CLUSTERD__REQUEST__OP_UNLOCK:
		*reply = proto_copy_reply(&f->lock_reply);
		break;
	case CLUSTERD__REQUEST__OP_LOCKS:
		*reply = proto_copy_reply(&f->locks_reply);
		break;
	default: *reply = proto_copy_reply(&f->status_reply); break;
	}
	return 0;
}

static Clusterd__LockHolder me = {
    PROTOBUF_C_MESSAGE_INIT(&clusterd__lock_holder__descriptor), 2, 55, 7, 1};
static Clusterd__LockReply granted = {
    PROTOBUF_C_MESSAGE_INIT(&clusterd__lock_reply__descriptor), "ha/x", &me};
static Clusterd__LockInfo held_by_me = {
    PROTOBUF_C_MESSAGE_INIT(&clusterd__lock_info__descriptor), "ha/x", &me, 0,
    NULL};
static Clusterd__LockInfo *held_list[] = {&held_by_me};
static Clusterd__LocksReply locks_mine = {
    PROTOBUF_C_MESSAGE_INIT(&clusterd__locks_reply__descriptor), 1, held_list,
    true, true};

static int setup(void **state)
{
	struct fake *f = calloc(1, sizeof(*f));

	clusterd__reply__init(&f->lock_reply);
	f->lock_reply.result_case = CLUSTERD__REPLY__RESULT_LOCK;
	f->lock_reply.lock = &granted;
	clusterd__reply__init(&f->locks_reply);
	f->locks_reply.result_case = CLUSTERD__REPLY__RESULT_LOCKS;
	f->locks_reply.locks = &locks_mine;
	clusterd__reply__init(&f->status_reply);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fake *f = *state;

	for (unsigned i = 0; i < f->calls; i++)
		clusterd__request__free_unpacked(f->seen[i], NULL);
	if (f->in)
		fclose(f->in);
	free(f->out);
	free(f->err);
	free(f);
	return 0;
}

/* Standard input at end of file, as a real descriptor (poll needs one). */
static FILE *closed_pipe(void)
{
	int fds[2];

	assert_int_equal(pipe(fds), 0);
	close(fds[1]);
	return fdopen(fds[0], "r");
}

static int run(struct fake *f, ...)
{
	char *argv[32] = {"clusterctl"};
	int argc = 1, rc;
	FILE *out, *err;
	va_list ap;

	va_start(ap, f);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	free(f->out);
	free(f->err);
	out = open_memstream(&f->out, &f->out_len);
	err = open_memstream(&f->err, &f->err_len);
	if (!f->in)
		f->in = closed_pipe();
	cli_ctx_init(&f->ctx, fake_call, f);
	f->ctx.in = f->in;
	f->ctx.out = out;
	f->ctx.err = err;
	rc = cli_run(&f->ctx, argc, argv);
	fclose(out);
	fclose(err);
	return rc;
}

static void lock_holds_until_eof_then_releases(void **state)
{
	struct fake *f = *state;

	assert_int_equal(run(f, "lock", "ha/x", NULL), 0);
	assert_string_equal(f->out, "locked ha/x\n");
	assert_string_equal(f->err, "");
	assert_int_equal(f->calls, 2);
	assert_string_equal(f->seen[0]->lock->name, "ha/x");
	assert_false(f->seen[0]->lock->try_lock);
	assert_int_equal(f->seen[0]->lock->timeout_ms, 0);
	assert_int_equal(f->timeouts[0], -1); /* wait as long as it takes */
	assert_int_equal(f->seen[1]->op_case, CLUSTERD__REQUEST__OP_UNLOCK);
	assert_string_equal(f->seen[1]->unlock->name, "ha/x");
}

static void lock_json_and_try(void **state)
{
	struct fake *f = *state;

	assert_int_equal(run(f, "-o", "json", "lock", "--try", "ha/x", NULL),
			 0);
	assert_non_null(strstr(f->out, "\"client_id\": 7"));
	assert_non_null(strstr(f->out, "\"name\": \"ha/x\""));
	assert_true(f->seen[0]->lock->try_lock);
	assert_int_equal(f->timeouts[0], CLI_DEFAULT_TIMEOUT_MS);
}

static void lock_runs_command_with_its_status(void **state)
{
	struct fake *f = *state;

	assert_int_equal(run(f, "lock", "--timeout", "2.5", "ha/x", "--", "sh",
			     "-c", "exit 3", NULL),
			 3);
	assert_string_equal(f->out, "");
	assert_int_equal(f->seen[0]->lock->timeout_ms, 2500);
	assert_true(f->timeouts[0] > 2500);
	assert_int_equal(f->seen[f->calls - 1]->op_case,
			 CLUSTERD__REQUEST__OP_UNLOCK);
	/* The child says why on the real standard error. */
	assert_int_equal(run(f, "lock", "ha/x", "--", "/nonexistent/x", NULL),
			 127);
}

static void lost_lock_stops_command(void **state)
{
	struct fake *f = *state;
	Clusterd__LocksReply none = CLUSTERD__LOCKS_REPLY__INIT;

	f->locks_reply.locks = &none;
	assert_int_equal(run(f, "lock", "ha/x", "--", "sleep", "30", NULL), 1);
	assert_non_null(strstr(f->err, "clusterctl: lock ha/x: lock lost"));
	/* A lost lock is not released again. */
	assert_int_equal(f->seen[f->calls - 1]->op_case,
			 CLUSTERD__REQUEST__OP_LOCKS);
}

static void lock_errors(void **state)
{
	struct fake *f = *state;

	f->lock_reply.result_case = CLUSTERD__REPLY__RESULT__NOT_SET;
	f->lock_reply.lock = NULL;
	f->lock_reply.errno_code = EBUSY;
	f->lock_reply.error_message =
	    "held by node 3, clusterd pid 9, client 4";
	assert_int_equal(run(f, "lock", "--try", "ha/x", NULL), 1);
	assert_string_equal(f->err, "clusterctl: lock ha/x: resource busy "
				    "(held by node 3, clusterd pid 9, client "
				    "4)\n");
	assert_int_equal(f->calls, 1);
	assert_int_equal(run(f, "lock", NULL), 2);
	assert_non_null(strstr(f->err, "lock: missing NAME"));
	assert_int_equal(run(f, "locks", "extra", NULL), 2);
}

static void locks_table_and_json(void **state)
{
	struct fake *f = *state;
	Clusterd__LockInfo free_lock = CLUSTERD__LOCK_INFO__INIT;
	Clusterd__LockHolder *waiters[] = {&me};
	Clusterd__LockInfo *list[] = {&held_by_me, &free_lock};
	Clusterd__LocksReply two = CLUSTERD__LOCKS_REPLY__INIT;

	free_lock.name = "zz";
	free_lock.waiters = waiters;
	free_lock.n_waiters = 1;
	two.locks = list;
	two.n_locks = 2;
	f->locks_reply.locks = &two;
	assert_int_equal(run(f, "locks", NULL), 0);
	assert_string_equal(f->out, "NAME  NODEID  PID  CLIENT  WAITERS\n"
				    "ha/x       2   55       7        0\n"
				    "zz         -    -       -        1\n");
	assert_int_equal(run(f, "locks", "-o", "json", NULL), 0);
	assert_non_null(strstr(f->out, "\"holder\": null"));
	assert_non_null(strstr(f->out, "\"quorate\": false"));
}

static void node_status_commands(void **state)
{
	struct fake *f = *state;
	Clusterd__StatusEntry e = CLUSTERD__STATUS_ENTRY__INIT;
	Clusterd__StatusEntry *list[] = {&e};
	Clusterd__StatusListReply ls = CLUSTERD__STATUS_LIST_REPLY__INIT;

	e.nodeid = 2;
	e.node_name = "n2";
	e.key = "health";
	e.value.data = (uint8_t *)"ok";
	e.value.len = 2;
	f->status_reply.result_case = CLUSTERD__REPLY__RESULT_STATUS_ENTRY;
	f->status_reply.status_entry = &e;
	assert_int_equal(run(f, "node-status", "set", "health", "ok", NULL), 0);
	assert_string_equal(f->out, "");
	assert_string_equal(f->seen[0]->status_set->key, "health");
	assert_int_equal(f->seen[0]->status_set->value.len, 2);
	assert_int_equal(run(f, "node-status", "get", "n2", "health", NULL), 0);
	assert_string_equal(f->out, "ok");
	assert_string_equal(f->seen[1]->status_get->node, "n2");
	e.value.data = (uint8_t *)"\xff\x01";
	assert_int_equal(
	    run(f, "-o", "json", "node-status", "get", "2", "health", NULL), 0);
	assert_non_null(strstr(f->out, "\"encoding\": \"base64\""));
	ls.entries = list;
	ls.n_entries = 1;
	f->status_reply.result_case = CLUSTERD__REPLY__RESULT_STATUS_LIST;
	f->status_reply.status_list = &ls;
	assert_int_equal(run(f, "node-status", "ls", NULL), 0);
	assert_string_equal(f->out, "NODEID  NODE  KEY     VALUE\n"
				    "     2  n2    health  (2 bytes)\n");
	assert_string_equal(f->seen[3]->status_list->node, "");
	assert_int_equal(run(f, "node-status", "frob", NULL), 2);
	assert_int_equal(run(f, "node-status", "set", "k", NULL), 2);
	assert_non_null(strstr(f->err, "node-status set: missing VALUE"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(lock_holds_until_eof_then_releases,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(lock_json_and_try, setup, teardown),
	    cmocka_unit_test_setup_teardown(lock_runs_command_with_its_status,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(lost_lock_stops_command, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(lock_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(locks_table_and_json, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(node_status_commands, setup,
					    teardown),
	};

	return cmocka_run_group_tests_name("cli-ext", tests, NULL, NULL);
}
