/*
 * The cli group of test-cli, part two: failures. The errno reasons, the
 * one-line message and exit 1 of a failed request (and its JSON document
 * under -o json), an unreachable clusterd, the same for the typed requests
 * of the guest and HA commands, oversized standard input.
 * Separate from the requests and the output: this is the contract of a
 * failing run; the harness is in cli-harness.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc_client.h"

#include "cli-harness.h"

/* ------------------------------------------------- failures, errno --- */

void errno_reasons(void **state)
{
	assert_string_equal(cli_errno_reason(EROFS), "no quorum");
	assert_string_equal(cli_errno_reason(EAGAIN),
			    "node is synchronising, retry");
	assert_string_equal(cli_errno_reason(ETIMEDOUT), "timed out");
	assert_string_equal(cli_errno_reason(ESTALE),
			    "version mismatch (compare-and-swap failed)");
	assert_string_equal(cli_errno_reason(ENOENT),
			    "no such file or directory");
	assert_string_equal(cli_errno_reason(EEXIST), "already exists");
	assert_string_equal(cli_errno_reason(ENOTEMPTY), "directory not empty");
	assert_string_equal(cli_errno_reason(EISDIR), "is a directory");
	assert_string_equal(cli_errno_reason(ENOTDIR), "not a directory");
	assert_string_equal(cli_errno_reason(EFBIG), "file too large");
	assert_non_null(strstr(cli_errno_reason(ENOSPC), "no space left"));
	assert_non_null(strstr(cli_errno_reason(EMFILE), "too many"));
	assert_string_equal(cli_errno_reason(EACCES), "permission denied");
	assert_string_equal(cli_errno_reason(EPERM), "operation not permitted");
	/* Either sign; unknown values fall back to strerror(). */
	assert_string_equal(cli_errno_reason(-EROFS), "no quorum");
	assert_string_equal(cli_errno_reason(EXDEV), strerror(EXDEV));

	assert_non_null(strstr(ipc_client_strerror(-ECONNREFUSED),
			       "clusterd is not running"));
	assert_non_null(
	    strstr(ipc_client_strerror(ENOENT), "clusterd is not running"));
	assert_string_equal(ipc_client_strerror(-ETIMEDOUT), "timed out");
	assert_non_null(strstr(ipc_client_strerror(-EPROTO), "protocol"));
	assert_non_null(strstr(ipc_client_strerror(-ENOTCONN), "lost"));
}

void failure_is_one_line_and_exit_1(void **state)
{
	struct harness *h = *state;
	Clusterd__Reply reply;
	json_object *doc, *error;

	h->canned = &reply;
	set_error(&reply, ESTALE, "");
	assert_int_equal(
	    run(h, "config", "put", "--expect-version", "3", "a", "v", NULL),
	    CLI_EXIT_FAILED);
	assert_string_equal(h->err, "clusterctl: put a: version mismatch "
				    "(compare-and-swap failed)\n");
	assert_int_equal(h->out_len, 0);

	/* The server's message is added when it says more; a name with a
	 * newline does not break the line. */
	set_error(&reply, EROFS, "partition holds 1 of 3 votes");
	assert_int_equal(run(h, "config", "rm", "x\ny", NULL), 1);
	assert_string_equal(h->err, "clusterctl: rm x?y: no quorum (partition "
				    "holds 1 of 3 votes)\n");
	set_error(&reply, EAGAIN, "node is synchronising, retry");
	assert_int_equal(run(h, "members", NULL), 1);
	assert_string_equal(
	    h->err, "clusterctl: members: node is synchronising, retry\n");
	set_error(&reply, ENOENT, NULL);
	assert_int_equal(run(h, "config", "ls", NULL), 1);
	assert_string_equal(h->err,
			    "clusterctl: ls /: no such file or directory\n");

	/* -o json: the error is also the one JSON document on stdout. */
	set_error(&reply, ESTALE, "is 5");
	assert_int_equal(run(h, "-o", "json", "config", "put", "a", "v", NULL),
			 1);
	assert_int_equal(h->err_len > 0, 1);
	doc = parse_json(h->out);
	error = key(doc, "error");
	assert_string_equal(json_object_get_string(key(error, "code")),
			    "ESTALE");
	assert_int_equal(json_object_get_int(key(error, "errno")), ESTALE);
	assert_string_equal(json_object_get_string(key(error, "operation")),
			    "put a");
	assert_string_equal(json_object_get_string(key(error, "reason")),
			    "version mismatch (compare-and-swap failed)");
	assert_string_equal(json_object_get_string(key(error, "message")),
			    "is 5");
	json_object_put(doc);
}

/* The guest and HA commands' requests (lib/cd_requests.c through
 * cli_conn_fail) fail the way the config commands do. */
void typed_request_failures(void **state)
{
	struct harness *h = *state;
	Clusterd__Reply reply;

	h->canned = &reply;
	set_error(&reply, EACCES, "not yours");
	assert_int_equal(run(h, "guest", "config", "100", NULL), 1);
	assert_string_equal(
	    h->err, "clusterctl: nodes: permission denied (not yours)\n");
	set_error(&reply, ESTALE, "");
	assert_int_equal(run(h, "ha", "add", "vm:101", NULL), 1);
	assert_string_equal(h->err, "clusterctl: ha/resources.cfg: version "
				    "mismatch (compare-and-swap failed)\n");
	/* A missing file reads as empty; the write's failure is reported. */
	set_error(&reply, ENOENT, NULL);
	assert_int_equal(run(h, "ha", "add", "vm:101", NULL), 1);
	assert_string_equal(
	    h->err,
	    "clusterctl: ha/resources.cfg: no such file or directory\n");
	/* A missing nodes/ lists no guests. */
	assert_int_equal(run(h, "guest", "config", "100", NULL), 1);
	assert_string_equal(h->err, "clusterctl: guest 100: no such guest (no "
				    "configuration under nodes/*/qemu or "
				    "lxc)\n");
	h->call_error = -ECONNREFUSED;
	assert_int_equal(run(h, "guest", "list", NULL), 1);
	assert_string_equal(h->err, "clusterctl: nodes: clusterd is not "
				    "running (cannot connect to its IPC "
				    "service)\n");
	h->call_error = 0;
}

void unreachable_clusterd_exits_1(void **state)
{
	struct harness *h = *state;

	h->call_error = -ECONNREFUSED;
	assert_int_equal(run(h, "members", NULL), 1);
	assert_string_equal(h->err, "clusterctl: members: clusterd is not "
				    "running (cannot connect to its IPC "
				    "service)\n");
	assert_int_equal(h->out_len, 0);
	h->call_error = -ETIMEDOUT;
	assert_int_equal(run(h, "config", "get", "a", NULL), 1);
	assert_string_equal(h->err, "clusterctl: get a: timed out\n");
	h->call_error = 0;
}

void oversized_stdin_is_refused(void **state)
{
	struct harness *h = *state;
	size_t len = CLI_MAX_DATA + 1;
	char *big = calloc(1, len);

	h->canned = &write_reply;
	h->in = fmemopen(big, len, "r");
	assert_int_equal(run(h, "config", "put", "f", NULL), 1);
	assert_int_equal(h->calls, 0);
	assert_non_null(strstr(h->err, "clusterctl: put f: standard input "
				       "holds more than 8 MiB"));
	fclose(h->in);
	h->in = NULL;
	free(big);
}
