/*
 * The cli group of test-cli, part one: what clusterctl sends for each
 * command line (the Request's operation, path and fields, the IPC
 * timeout), global options anywhere, usage errors (exit 2, nothing sent),
 * help and version at every level, and the number parsers. Separate from
 * the output and failure cases so that each file stays one concern; the
 * harness is in cli-harness.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "cli-harness.h"

/* ------------------------------------------------- parsing requests --- */

void get_strips_leading_slash(void **state)
{
	struct harness *h = *state;
	Clusterd__Stat st;
	Clusterd__GetReply get = CLUSTERD__GET_REPLY__INIT;
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;

	make_stat(&st, "nodes/n1/a", CLUSTERD__ENTRY_TYPE__ENTRY_FILE, 3, 5);
	get.stat = &st;
	get.data.data = (uint8_t *)"a\0b";
	get.data.len = 3;
	reply.result_case = CLUSTERD__REPLY__RESULT_GET;
	reply.get = &get;
	h->canned = &reply;

	assert_int_equal(run(h, "config", "get", "/nodes/n1/a", NULL), 0);
	assert_int_equal(h->seen->op_case, CLUSTERD__REQUEST__OP_GET);
	assert_string_equal(h->seen->get->path, "nodes/n1/a");
	assert_int_equal(h->timeout_ms, CLI_DEFAULT_TIMEOUT_MS);
	/* Raw bytes, NUL included, nothing added. */
	assert_int_equal(h->out_len, 3);
	assert_memory_equal(h->out, "a\0b", 3);
	assert_int_equal(h->err_len, 0);
}

void put_takes_value_and_compare_and_swap(void **state)
{
	struct harness *h = *state;

	h->canned = &write_reply;
	assert_int_equal(run(h, "config", "put", "a/b", "hello",
			     "--expect-version", "7", NULL),
			 0);
	assert_int_equal(h->seen->op_case, CLUSTERD__REQUEST__OP_PUT);
	assert_string_equal(h->seen->put->path, "a/b");
	assert_int_equal(h->seen->put->data.len, 5);
	assert_memory_equal(h->seen->put->data.data, "hello", 5);
	assert_true(h->seen->put->check_version);
	assert_int_equal(h->seen->put->expected_version, 7);
	assert_int_equal(h->out_len, 0); /* text mode: silent */

	assert_int_equal(run(h, "config", "put", "--create", "/x", "v", NULL),
			 0);
	assert_string_equal(h->seen->put->path, "x");
	assert_true(h->seen->put->check_version);
	assert_int_equal(h->seen->put->expected_version, 0);

	assert_int_equal(run(h, "config", "put", "x", "v", NULL), 0);
	assert_false(h->seen->put->check_version);

	/* "--" lets a VALUE start with '-'. */
	assert_int_equal(run(h, "config", "put", "x", "--", "-v", NULL), 0);
	assert_int_equal(h->seen->put->data.len, 2);
	assert_memory_equal(h->seen->put->data.data, "-v", 2);
}

void put_reads_stdin_without_value(void **state)
{
	struct harness *h = *state;

	h->canned = &write_reply;
	set_stdin(h, "x\0y\n", 4);
	assert_int_equal(run(h, "config", "put", "f", NULL), 0);
	assert_int_equal(h->seen->put->data.len, 4);
	assert_memory_equal(h->seen->put->data.data, "x\0y\n", 4);
	fclose(h->in);

	set_stdin(h, "", 0);
	assert_int_equal(run(h, "config", "put", "f", NULL), 0);
	assert_int_equal(h->seen->put->data.len, 0);
}

void ls_mv_rm_mkdir_stat_members_requests(void **state)
{
	struct harness *h = *state;
	Clusterd__ListReply list = CLUSTERD__LIST_REPLY__INIT;
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;

	reply.result_case = CLUSTERD__REPLY__RESULT_LIST;
	reply.list = &list;
	h->canned = &reply;
	assert_int_equal(run(h, "config", "ls", NULL), 0);
	assert_int_equal(h->seen->op_case, CLUSTERD__REQUEST__OP_LIST);
	assert_string_equal(h->seen->list->path, "");
	assert_int_equal(run(h, "config", "ls", "/", NULL), 0);
	assert_string_equal(h->seen->list->path, "");
	assert_int_equal(run(h, "config", "ls", "nodes", NULL), 0);
	assert_string_equal(h->seen->list->path, "nodes");

	h->canned = &write_reply;
	assert_int_equal(run(h, "config", "mv", "/a", "b/c", NULL), 0);
	assert_int_equal(h->seen->op_case, CLUSTERD__REQUEST__OP_RENAME);
	assert_string_equal(h->seen->rename->from, "a");
	assert_string_equal(h->seen->rename->to, "b/c");
	assert_int_equal(run(h, "config", "rm", "/a", NULL), 0);
	assert_int_equal(h->seen->op_case, CLUSTERD__REQUEST__OP_REMOVE);
	assert_string_equal(h->seen->remove->path, "a");
	assert_int_equal(run(h, "config", "mkdir", "d", NULL), 0);
	assert_int_equal(h->seen->op_case, CLUSTERD__REQUEST__OP_MKDIR);
	assert_string_equal(h->seen->mkdir->path, "d");

	/* Wrong reply kind for stat: a protocol error, exit 1. */
	assert_int_equal(run(h, "config", "stat", "s", NULL), 1);
	assert_int_equal(h->seen->op_case, CLUSTERD__REQUEST__OP_STAT);
	assert_string_equal(h->seen->stat->path, "s");
	assert_non_null(strstr(h->err, "protocol error"));
	assert_int_equal(run(h, "members", NULL), 1);
	assert_int_equal(h->seen->op_case, CLUSTERD__REQUEST__OP_MEMBERS);
}

void global_options_before_or_after(void **state)
{
	struct harness *h = *state;

	h->canned = &write_reply;
	assert_int_equal(
	    run(h, "config", "rm", "a", "-o", "json", "--timeout", "2.5", NULL),
	    0);
	assert_int_equal(h->ctx.output, CLI_OUTPUT_JSON);
	assert_int_equal(h->timeout_ms, 2500);
	assert_int_equal(
	    run(h, "--output=json", "--timeout=1", "config", "rm", "a", NULL),
	    0);
	assert_int_equal(h->ctx.output, CLI_OUTPUT_JSON);
	assert_int_equal(h->timeout_ms, 1000);
	assert_int_equal(run(h, "config", "-ojson", "rm", "a", NULL), 0);
	assert_int_equal(h->ctx.output, CLI_OUTPUT_JSON);
}

void bad_usage_exits_2(void **state)
{
	static const char *const cases[][7] = {
	    {NULL},
	    {"frob", NULL},
	    {"--bogus", "members", NULL},
	    {"-x", "members", NULL},
	    {"config", NULL},
	    {"config", "frob", NULL},
	    {"config", "get", NULL},
	    {"config", "get", "a", "b", NULL},
	    {"config", "put", NULL},
	    {"config", "put", "a", "b", "c", NULL},
	    {"config", "put", "--expect-version", "-1", "a", NULL},
	    {"config", "put", "--expect-version", "1x", "a", NULL},
	    {"config", "put", "--expect-version", "18446744073709551616", "a",
	     NULL},
	    {"config", "put", "--create", "--expect-version", "1", "a", NULL},
	    {"config", "put", "a", "--expect-version", NULL},
	    {"config", "ls", "--create", NULL},
	    {"config", "ls", "a", "b", NULL},
	    {"config", "mv", "a", NULL},
	    {"config", "mv", "a", "b", "c", NULL},
	    {"config", "stat", NULL},
	    {"config", "rm", NULL},
	    {"config", "mkdir", NULL},
	    {"members", "extra", NULL},
	    {"members", "--timeout", NULL},
	    {"--timeout", "0", "members", NULL},
	    {"--timeout", "abc", "members", NULL},
	    {"--timeout", "86401", "members", NULL},
	    {"--timeout", "-1", "members", NULL},
	    {"watch", "a", "b", NULL},
	    {"watch", "--no-tree", NULL},
	    {"watch", "--count", "0", NULL},
	    {"watch", "--count", "x", NULL},
	    {"watch", "--bogus", NULL},
	    {"-o", "yaml", "members", NULL},
	    {"--help=x", NULL},
	};
	struct harness *h = *state;

	h->canned = &write_reply;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *const *a = cases[i];

		assert_int_equal(
		    run(h, a[0], a[1], a[2], a[3], a[4], a[5], a[6], NULL),
		    CLI_EXIT_USAGE);
		assert_int_equal(h->calls, 0);
		assert_int_equal(h->out_len, 0);
		assert_true(strncmp(h->err, "clusterctl: ", 12) == 0);
		assert_non_null(strstr(h->err, "\nTry 'clusterctl --help'.\n"));
	}
	run(h, "config", "put", "--expect-version", "1x", "a", NULL);
	assert_string_equal(h->err, "clusterctl: config put: invalid version "
				    "'1x' (expected a number)\n"
				    "Try 'clusterctl --help'.\n");
	run(h, "config", "mv", "a", NULL);
	assert_string_equal(h->err, "clusterctl: config mv: missing TO\n"
				    "Try 'clusterctl --help'.\n");
	run(h, "--bogus", NULL);
	assert_string_equal(h->err, "clusterctl: unknown option '--bogus'\n"
				    "Try 'clusterctl --help'.\n");
}

void help_and_version_at_every_level(void **state)
{
	static const struct {
		const char *args[3];
		const char *starts;
	} cases[] = {
	    {{"--help"}, "Usage: clusterctl [OPTIONS] COMMAND"},
	    {{"-h", "config"}, "Usage: clusterctl [OPTIONS] COMMAND"},
	    {{"config", "--help"}, "Usage: clusterctl config COMMAND"},
	    {{"config", "put", "--help"}, "Usage: clusterctl config put"},
	    {{"config", "get", "-h"}, "Usage: clusterctl config get"},
	    {{"config", "ls", "--help"}, "Usage: clusterctl config ls"},
	    {{"config", "stat", "--help"}, "Usage: clusterctl config stat"},
	    {{"config", "rm", "--help"}, "Usage: clusterctl config rm"},
	    {{"config", "mkdir", "--help"}, "Usage: clusterctl config mkdir"},
	    {{"config", "mv", "--help"}, "Usage: clusterctl config mv"},
	    {{"members", "--help"}, "Usage: clusterctl members"},
	    {{"-V"}, "clusterctl "},
	    {{"config", "--version"}, "clusterctl "},
	};
	struct harness *h = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *const *a = cases[i].args;

		assert_int_equal(run(h, a[0], a[1], a[2], NULL), 0);
		assert_int_equal(h->calls, 0);
		assert_true(strncmp(h->out, cases[i].starts,
				    strlen(cases[i].starts)) == 0);
		assert_int_equal(h->err_len, 0);
	}
	run(h, "--help", NULL);
	assert_non_null(strstr(h->out, "Exit status:"));
	assert_non_null(strstr(h->out, "  2  usage error"));
}

void number_parsers(void **state)
{
	uint64_t v;
	int ms;

	assert_int_equal(cli_parse_u64("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(cli_parse_u64("18446744073709551615", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(cli_parse_u64("18446744073709551616", &v), -EINVAL);
	assert_int_equal(cli_parse_u64("", &v), -EINVAL);
	assert_int_equal(cli_parse_u64("+1", &v), -EINVAL);
	assert_int_equal(cli_parse_u64(" 1", &v), -EINVAL);

	assert_int_equal(cli_parse_timeout("10", &ms), 0);
	assert_int_equal(ms, 10000);
	assert_int_equal(cli_parse_timeout("0.5", &ms), 0);
	assert_int_equal(ms, 500);
	assert_int_equal(cli_parse_timeout(".25", &ms), 0);
	assert_int_equal(ms, 250);
	assert_int_equal(cli_parse_timeout("3.", &ms), 0);
	assert_int_equal(ms, 3000);
	assert_int_equal(cli_parse_timeout("0.0001", &ms), 0);
	assert_int_equal(ms, 1); /* rounded up, never 0 */
	assert_int_equal(cli_parse_timeout("86400", &ms), 0);
	assert_int_equal(ms, 86400000);
	assert_int_equal(cli_parse_timeout("86400.001", &ms), -EINVAL);
	assert_int_equal(cli_parse_timeout("0", &ms), -EINVAL);
	assert_int_equal(cli_parse_timeout("0.000", &ms), -EINVAL);
	assert_int_equal(cli_parse_timeout(".", &ms), -EINVAL);
	assert_int_equal(cli_parse_timeout("1e3", &ms), -EINVAL);
	assert_int_equal(cli_parse_timeout("", &ms), -EINVAL);
	assert_int_equal(cli_parse_timeout("99999999999999999999", &ms),
			 -EINVAL);

	assert_string_equal(cli_tree_path("/a/b"), "a/b");
	assert_string_equal(cli_tree_path("a/b"), "a/b");
	assert_string_equal(cli_tree_path("/"), "");
}
