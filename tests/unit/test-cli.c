/*
 * Unit tests for clusterctl (cli/libcli.la) and lib/ipc_client.c.
 *
 * The cli group runs whole invocations through cli_run() with captured
 * streams and a fake transport that records the Request (packed and
 * decoded again, as clusterd would see it) and answers with a canned
 * Reply: argument parsing, exit codes, the one-line failure messages and
 * the text and JSON output are checked as a user or script sees them.
 *
 * The ipc group forks a stand-in libqb server (service "cdtest-PID") whose
 * behaviour each request selects by its GetRequest path: a correct reply,
 * a wrong id or version, garbage, bad framing, a late reply, death.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <json-c/json.h>
#include <qb/qbipc_common.h>
#include <qb/qbipcs.h>
#include <qb/qbloop.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "ipc_client.h"
#include "ipc_proto.h"

/* ------------------------------------------------------ cli harness --- */

struct harness {
	struct cli_ctx ctx;
	char *out, *err;
	size_t out_len, err_len;
	FILE *in;
	/* The fake transport. */
	const Clusterd__Reply *canned;
	int call_error;
	unsigned calls;
	int timeout_ms;
	Clusterd__Request *seen;
};

static Clusterd__Request *copy_request(const Clusterd__Request *req)
{
	size_t len = clusterd__request__get_packed_size(req);
	uint8_t *buf = malloc(len + 1);
	Clusterd__Request *copy;

	clusterd__request__pack(req, buf);
	copy = clusterd__request__unpack(NULL, len, buf);
	free(buf);
	return copy;
}

static Clusterd__Reply *copy_reply(const Clusterd__Reply *reply)
{
	size_t len = clusterd__reply__get_packed_size(reply);
	uint8_t *buf = malloc(len + 1);
	Clusterd__Reply *copy;

	clusterd__reply__pack(reply, buf);
	copy = clusterd__reply__unpack(NULL, len, buf);
	free(buf);
	return copy;
}

static int fake_call(void *userdata, Clusterd__Request *req, int timeout_ms,
		     Clusterd__Reply **reply)
{
	struct harness *h = userdata;

	h->calls++;
	h->timeout_ms = timeout_ms;
	if (h->seen)
		clusterd__request__free_unpacked(h->seen, NULL);
	h->seen = copy_request(req);
	if (h->call_error)
		return h->call_error;
	assert_non_null(h->canned);
	*reply = copy_reply(h->canned);
	return 0;
}

static int harness_setup(void **state)
{
	struct harness *h = calloc(1, sizeof(*h));

	setenv("TZ", "UTC", 1);
	tzset();
	*state = h;
	return 0;
}

static int harness_teardown(void **state)
{
	struct harness *h = *state;

	if (h->seen)
		clusterd__request__free_unpacked(h->seen, NULL);
	if (h->in)
		fclose(h->in);
	free(h->out);
	free(h->err);
	free(h);
	return 0;
}

/* Give standard input these bytes for the next run. */
static void set_stdin(struct harness *h, const void *data, size_t len)
{
	static char copy[64];

	assert_true(len <= sizeof(copy));
	memcpy(copy, data, len);
	h->in = len ? fmemopen(copy, len, "r") : fopen("/dev/null", "r");
	assert_non_null(h->in);
}

/* Run "clusterctl ARGS..." (NULL-terminated); returns the exit code.
 * Output is in h->out and h->err afterwards. */
static int run(struct harness *h, ...)
{
	char *argv[32];
	int argc = 0, rc;
	FILE *out, *err;
	va_list ap;

	free(h->out);
	free(h->err);
	out = open_memstream(&h->out, &h->out_len);
	err = open_memstream(&h->err, &h->err_len);
	argv[argc++] = strdup("clusterctl");
	va_start(ap, h);
	for (const char *a; (a = va_arg(ap, const char *));)
		argv[argc++] = strdup(a);
	va_end(ap);
	argv[argc] = NULL;
	cli_ctx_init(&h->ctx, fake_call, h);
	h->ctx.out = out;
	h->ctx.err = err;
	h->ctx.in = h->in ? h->in : stdin;
	h->calls = 0;
	rc = cli_run(&h->ctx, argc, argv);
	fclose(out);
	fclose(err);
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	return rc;
}

static json_object *parse_json(const char *text)
{
	json_object *obj = json_tokener_parse(text);

	assert_non_null(obj);
	return obj;
}

static json_object *key(json_object *obj, const char *name)
{
	json_object *v = NULL;

	assert_true(json_object_object_get_ex(obj, name, &v));
	return v;
}

/* --------------------------------------------------------- replies --- */

static Clusterd__WriteReply write_result = {
    PROTOBUF_C_MESSAGE_INIT(&clusterd__write_reply__descriptor), 42};
static Clusterd__Reply write_reply = {
    PROTOBUF_C_MESSAGE_INIT(&clusterd__reply__descriptor),
    NULL,
    0,
    "",
    CLUSTERD__REPLY__RESULT_WRITE,
    {.write = &write_result}};

static void set_error(Clusterd__Reply *reply, int err, const char *message)
{
	*reply = (Clusterd__Reply)CLUSTERD__REPLY__INIT;
	reply->errno_code = err;
	reply->error_message = (char *)message;
}

static void make_stat(Clusterd__Stat *s, const char *path,
		      Clusterd__EntryType type, uint64_t size, uint64_t version)
{
	*s = (Clusterd__Stat)CLUSTERD__STAT__INIT;
	s->path = (char *)path;
	s->type = type;
	s->size = size;
	s->version = version;
	s->writer = 2;
	s->mtime_ms = 1764153580123;
}

/* ------------------------------------------------- parsing requests --- */

static void get_strips_leading_slash(void **state)
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

static void put_takes_value_and_compare_and_swap(void **state)
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

static void put_reads_stdin_without_value(void **state)
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

static void ls_mv_rm_mkdir_stat_members_requests(void **state)
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

static void global_options_before_or_after(void **state)
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

static void bad_usage_exits_2(void **state)
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

static void help_and_version_at_every_level(void **state)
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

static void number_parsers(void **state)
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

/* ------------------------------------------------- failures, errno --- */

static void errno_reasons(void **state)
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

static void failure_is_one_line_and_exit_1(void **state)
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

static void unreachable_clusterd_exits_1(void **state)
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

static void oversized_stdin_is_refused(void **state)
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

/* ---------------------------------------------------------- output --- */

static void ls_text_is_a_sorted_table(void **state)
{
	struct harness *h = *state;
	Clusterd__Stat a, b, c, *entries[] = {&b, &c, &a};
	Clusterd__ListReply list = CLUSTERD__LIST_REPLY__INIT;
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;

	make_stat(&a, "nodes/alpha", CLUSTERD__ENTRY_TYPE__ENTRY_DIR, 0, 12);
	make_stat(&b, "nodes/b\tc", CLUSTERD__ENTRY_TYPE__ENTRY_FILE, 1234, 9);
	make_stat(&c, "nodes/\xc3\xa9t\xc3\xa9",
		  CLUSTERD__ENTRY_TYPE__ENTRY_FILE, 5, 1001);
	c.mtime_ms = 0;
	list.n_entries = 3;
	list.entries = entries;
	reply.result_case = CLUSTERD__REPLY__RESULT_LIST;
	reply.list = &list;
	h->canned = &reply;

	assert_int_equal(run(h, "config", "ls", "nodes", NULL), 0);
	assert_string_equal(
	    h->out, "NAME   TYPE  SIZE  VERSION  WRITER  MTIME\n"
		    "alpha  dir      -       12       2  2025-11-26 10:39:40\n"
		    "b?c    file  1234        9       2  2025-11-26 10:39:40\n"
		    "\xc3\xa9t\xc3\xa9    file     5     1001       2  -\n");

	list.n_entries = 0;
	assert_int_equal(run(h, "config", "ls", NULL), 0);
	assert_string_equal(h->out,
			    "NAME  TYPE  SIZE  VERSION  WRITER  MTIME\n");
}

static void ls_json_has_stable_keys(void **state)
{
	struct harness *h = *state;
	Clusterd__Stat a, b, *entries[] = {&b, &a};
	Clusterd__ListReply list = CLUSTERD__LIST_REPLY__INIT;
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;
	json_object *doc, *arr, *e;

	make_stat(&a, "d/a", CLUSTERD__ENTRY_TYPE__ENTRY_FILE, 1, UINT64_MAX);
	make_stat(&b, "d/b\xff", CLUSTERD__ENTRY_TYPE__ENTRY_DIR, 0, 2);
	list.n_entries = 2;
	list.entries = entries;
	reply.result_case = CLUSTERD__REPLY__RESULT_LIST;
	reply.list = &list;
	h->canned = &reply;

	assert_int_equal(run(h, "config", "ls", "/d", "--output", "json", NULL),
			 0);
	doc = parse_json(h->out);
	assert_string_equal(json_object_get_string(key(doc, "path")), "d");
	arr = key(doc, "entries");
	assert_int_equal(json_object_array_length(arr), 2);
	e = json_object_array_get_idx(arr, 0);
	assert_string_equal(json_object_get_string(key(e, "name")), "a");
	assert_string_equal(json_object_get_string(key(e, "path")), "d/a");
	assert_string_equal(json_object_get_string(key(e, "type")), "file");
	assert_int_equal(json_object_get_int64(key(e, "size")), 1);
	assert_true(json_object_get_uint64(key(e, "version")) == UINT64_MAX);
	assert_int_equal(json_object_get_int(key(e, "writer")), 2);
	assert_int_equal(json_object_get_int64(key(e, "mtime_ms")),
			 1764153580123);
	assert_string_equal(json_object_get_string(key(e, "mtime")),
			    "2025-11-26T10:39:40.123Z");
	/* An invalid UTF-8 name still gives valid JSON. */
	e = json_object_array_get_idx(arr, 1);
	assert_string_equal(json_object_get_string(key(e, "name")),
			    "b\xef\xbf\xbd");
	assert_string_equal(json_object_get_string(key(e, "type")), "dir");
	json_object_put(doc);
	/* One document: nothing after it but its newline. */
	assert_int_equal(h->out[h->out_len - 1], '\n');
	assert_int_equal(h->out[h->out_len - 2], '}');
}

static void stat_text_and_json(void **state)
{
	struct harness *h = *state;
	Clusterd__Stat s;
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;
	json_object *doc;

	make_stat(&s, "nodes/n1/qemu/100.conf",
		  CLUSTERD__ENTRY_TYPE__ENTRY_FILE, 300, 77);
	reply.result_case = CLUSTERD__REPLY__RESULT_STAT;
	reply.stat = &s;
	h->canned = &reply;
	assert_int_equal(
	    run(h, "config", "stat", "nodes/n1/qemu/100.conf", NULL), 0);
	assert_string_equal(
	    h->out, "PATH                    TYPE  SIZE  VERSION  WRITER"
		    "  MTIME\n"
		    "nodes/n1/qemu/100.conf  file   300       77       2"
		    "  2025-11-26 10:39:40\n");
	assert_int_equal(run(h, "-o", "json", "config", "stat", "x", NULL), 0);
	doc = parse_json(h->out);
	assert_string_equal(json_object_get_string(key(doc, "name")),
			    "100.conf");
	assert_int_equal(json_object_get_int64(key(doc, "version")), 77);
	json_object_put(doc);
}

static void get_json_utf8_or_base64(void **state)
{
	struct harness *h = *state;
	Clusterd__Stat s;
	Clusterd__GetReply get = CLUSTERD__GET_REPLY__INIT;
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;
	json_object *doc;

	make_stat(&s, "f", CLUSTERD__ENTRY_TYPE__ENTRY_FILE, 6, 3);
	get.stat = &s;
	get.data.data = (uint8_t *)"h\xc3\xa9\n\"";
	get.data.len = 5;
	reply.result_case = CLUSTERD__REPLY__RESULT_GET;
	reply.get = &get;
	h->canned = &reply;
	assert_int_equal(run(h, "-o", "json", "config", "get", "f", NULL), 0);
	doc = parse_json(h->out);
	assert_string_equal(json_object_get_string(key(doc, "encoding")),
			    "utf-8");
	assert_string_equal(json_object_get_string(key(doc, "data")),
			    "h\xc3\xa9\n\"");
	assert_string_equal(json_object_get_string(key(doc, "path")), "f");
	assert_int_equal(json_object_get_int64(key(doc, "version")), 3);
	json_object_put(doc);

	get.data.data = (uint8_t *)"\xff\x00\x01";
	get.data.len = 3;
	assert_int_equal(run(h, "-o", "json", "config", "get", "f", NULL), 0);
	doc = parse_json(h->out);
	assert_string_equal(json_object_get_string(key(doc, "encoding")),
			    "base64");
	assert_string_equal(json_object_get_string(key(doc, "data")), "/wAB");
	json_object_put(doc);
}

static void write_json_names_the_new_version(void **state)
{
	struct harness *h = *state;
	json_object *doc;

	h->canned = &write_reply;
	assert_int_equal(run(h, "-o", "json", "config", "put", "/a", "v", NULL),
			 0);
	doc = parse_json(h->out);
	assert_string_equal(json_object_get_string(key(doc, "path")), "a");
	assert_int_equal(json_object_get_int64(key(doc, "tree_version")), 42);
	json_object_put(doc);
	assert_int_equal(run(h, "-o", "json", "config", "mv", "a", "b", NULL),
			 0);
	doc = parse_json(h->out);
	assert_string_equal(json_object_get_string(key(doc, "from")), "a");
	assert_string_equal(json_object_get_string(key(doc, "to")), "b");
	json_object_put(doc);
}

static void members_text_and_json(void **state)
{
	struct harness *h = *state;
	Clusterd__Member m1 = CLUSTERD__MEMBER__INIT,
			 m3 = CLUSTERD__MEMBER__INIT,
			 m2 = CLUSTERD__MEMBER__INIT;
	Clusterd__Member *members[] = {&m3, &m1, &m2};
	Clusterd__MembersReply mr = CLUSTERD__MEMBERS_REPLY__INIT;
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;
	json_object *doc, *arr, *e;

	m1 = (Clusterd__Member){m1.base, 1, "n1", true, 1, "10.0.0.1"};
	m2 = (Clusterd__Member){m2.base, 2, "node-two", true, 1, "10.0.0.2"};
	m3 = (Clusterd__Member){m3.base, 13, "n3", false, 2, "10.0.0.13"};
	mr.cluster_name = "lab";
	mr.local_nodeid = 2;
	mr.quorate = true;
	mr.synced = false;
	mr.tree_version = 1234;
	mr.tree_checksum = 0xabcdef0123456789ULL;
	mr.expected_votes = 4;
	mr.view_votes = 2;
	mr.n_members = 3;
	mr.members = members;
	reply.result_case = CLUSTERD__REPLY__RESULT_MEMBERS;
	reply.members = &mr;
	h->canned = &reply;

	assert_int_equal(run(h, "members", NULL), 0);
	assert_string_equal(h->out,
			    "Cluster:         lab\n"
			    "Local node ID:   2\n"
			    "Quorate:         yes\n"
			    "Synced:          no\n"
			    "Tree version:    1234\n"
			    "Tree checksum:   abcdef0123456789\n"
			    "Expected votes:  4\n"
			    "View votes:      2\n"
			    "\n"
			    "NODEID  NAME      ONLINE  VOTES  ADDRESS\n"
			    "     1  n1        yes         1  10.0.0.1\n"
			    "     2  node-two  yes         1  10.0.0.2\n"
			    "    13  n3        no          2  10.0.0.13\n");

	assert_int_equal(run(h, "members", "-o", "json", NULL), 0);
	doc = parse_json(h->out);
	assert_string_equal(json_object_get_string(key(doc, "cluster_name")),
			    "lab");
	assert_int_equal(json_object_get_int(key(doc, "local_nodeid")), 2);
	assert_true(json_object_get_boolean(key(doc, "quorate")));
	assert_false(json_object_get_boolean(key(doc, "synced")));
	assert_int_equal(json_object_get_int64(key(doc, "tree_version")), 1234);
	assert_string_equal(json_object_get_string(key(doc, "tree_checksum")),
			    "abcdef0123456789");
	assert_int_equal(json_object_get_int(key(doc, "expected_votes")), 4);
	assert_int_equal(json_object_get_int(key(doc, "view_votes")), 2);
	arr = key(doc, "members");
	assert_int_equal(json_object_array_length(arr), 3);
	e = json_object_array_get_idx(arr, 2);
	assert_int_equal(json_object_get_int(key(e, "nodeid")), 13);
	assert_string_equal(json_object_get_string(key(e, "name")), "n3");
	assert_false(json_object_get_boolean(key(e, "online")));
	assert_int_equal(json_object_get_int(key(e, "votes")), 2);
	assert_string_equal(json_object_get_string(key(e, "address")),
			    "10.0.0.13");
	json_object_put(doc);
}

static void format_helpers(void **state)
{
	static const struct {
		const char *in, *out;
	} b64[] = {
	    {"", ""},	     {"f", "Zg=="},	   {"fo", "Zm8="},
	    {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"foobar", "Zm9vYmFy"}};
	char buf[64], *s;

	for (size_t i = 0; i < sizeof(b64) / sizeof(b64[0]); i++) {
		s = base64_encode((const uint8_t *)b64[i].in,
				  strlen(b64[i].in));
		assert_string_equal(s, b64[i].out);
		free(s);
	}
	assert_true(utf8_valid((const uint8_t *)"a\xc3\xa9\xe2\x82\xac", 6));
	assert_true(utf8_valid((const uint8_t *)"\xf0\x9f\x98\x80", 4));
	assert_true(utf8_valid((const uint8_t *)"\0", 1));
	assert_false(utf8_valid((const uint8_t *)"\xc0\x80", 2)); /* overlong */
	assert_false(
	    utf8_valid((const uint8_t *)"\xed\xa0\x80", 3)); /* UTF-16
								surrogate */
	assert_false(utf8_valid((const uint8_t *)"\xf4\x90\x80\x80", 4));
	assert_false(utf8_valid((const uint8_t *)"\xc3", 1)); /* truncated */
	assert_false(utf8_valid((const uint8_t *)"\x80", 1));

	s = text_escape("a\x1b[31m\x7f\xff\xc3\xa9");
	assert_string_equal(s, "a?[31m??\xc3\xa9");
	free(s);
	assert_int_equal(text_width("\xc3\xa9t\xc3\xa9"), 3);

	format_mtime_iso(-1, buf, sizeof(buf));
	assert_string_equal(buf, "1969-12-31T23:59:59.999Z");
	format_mtime_text(0, buf, sizeof(buf));
	assert_string_equal(buf, "-");
}

/* ------------------------------------------------ ipc stand-in server --- */

static qb_loop_t *server_loop;

static int32_t srv_job_add(enum qb_loop_priority p, void *data,
			   qb_loop_job_dispatch_fn fn)
{
	return qb_loop_job_add(server_loop, p, data, fn);
}

static int32_t srv_poll_add(enum qb_loop_priority p, int32_t fd, int32_t events,
			    void *data, qb_ipcs_dispatch_fn_t fn)
{
	return qb_loop_poll_add(server_loop, p, fd, events, data, fn);
}

static int32_t srv_poll_mod(enum qb_loop_priority p, int32_t fd, int32_t events,
			    void *data, qb_ipcs_dispatch_fn_t fn)
{
	return qb_loop_poll_mod(server_loop, p, fd, events, data, fn);
}

static int32_t srv_poll_del(int32_t fd)
{
	return qb_loop_poll_del(server_loop, fd);
}

static int32_t srv_accept(qb_ipcs_connection_t *c, uid_t uid, gid_t gid)
{
	return 0;
}

static void srv_send(qb_ipcs_connection_t *c, int32_t frame_id,
		     const uint8_t *payload, size_t len)
{
	struct qb_ipc_response_header rh = {.id = frame_id};
	uint8_t *buf = malloc(sizeof(rh) + len + 1);

	rh.size = (int32_t)(sizeof(rh) + len);
	memcpy(buf, &rh, sizeof(rh));
	memcpy(buf + sizeof(rh), payload, len);
	qb_ipcs_response_send(c, buf, sizeof(rh) + len);
	free(buf);
}

/* Answer per the mode named by the GetRequest's path. The reply's data
 * echoes the path; its errno_code is EPROTO if the request's framing or
 * header was not as ipc_proto.h says. */
static int32_t srv_message(qb_ipcs_connection_t *c, void *data, size_t size)
{
	struct qb_ipc_request_header rh; /* libqb's data is 4-aligned only */
	Clusterd__Header header = CLUSTERD__HEADER__INIT;
	Clusterd__GetReply get = CLUSTERD__GET_REPLY__INIT;
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;
	static const uint8_t garbage[] = {0x0a, 0x7f, 0x08, 0x01};
	Clusterd__Request *req;
	const char *mode;
	uint8_t *buf;
	size_t len;

	memcpy(&rh, data, sizeof(rh));
	req = clusterd__request__unpack(NULL, size - sizeof(rh),
					(const uint8_t *)data + sizeof(rh));
	if (!req || !req->header || req->op_case != CLUSTERD__REQUEST__OP_GET)
		_exit(3);
	mode = req->get->path;
	if (rh.id != IPC_MSG_REQUEST || (size_t)rh.size != size ||
	    req->header->protocol_version != 1 || req->header->request_id == 0)
		reply.errno_code = EPROTO;
	header.protocol_version = strcmp(mode, "wrong-version") == 0 ? 2 : 1;
	header.request_id = req->header->request_id +
			    (strcmp(mode, "wrong-id") == 0 ? 1000 : 0);
	reply.header = &header;
	reply.result_case = CLUSTERD__REPLY__RESULT_GET;
	reply.get = &get;
	get.data.data = (uint8_t *)mode;
	get.data.len = strlen(mode);
	buf = malloc(clusterd__reply__get_packed_size(&reply) + 1);
	len = clusterd__reply__pack(&reply, buf);
	if (strcmp(mode, "die") == 0)
		_exit(0);
	if (strcmp(mode, "late") == 0)
		usleep(1000 * 1000);
	if (strcmp(mode, "garbage") == 0)
		srv_send(c, IPC_MSG_REPLY, garbage, sizeof(garbage));
	else
		srv_send(c, strcmp(mode, "bad-frame") == 0 ? 99 : IPC_MSG_REPLY,
			 buf, len);
	free(buf);
	clusterd__request__free_unpacked(req, NULL);
	return 0;
}

/* Fork a server for SERVICE; returns its pid once it accepts clients. */
static pid_t start_server(const char *service)
{
	static struct qb_ipcs_service_handlers handlers = {
	    .connection_accept = srv_accept,
	    .msg_process = srv_message,
	};
	static struct qb_ipcs_poll_handlers poll = {
	    .job_add = srv_job_add,
	    .dispatch_add = srv_poll_add,
	    .dispatch_mod = srv_poll_mod,
	    .dispatch_del = srv_poll_del,
	};
	int fds[2];
	char ready;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		qb_ipcs_service_t *s;

		close(fds[0]);
		server_loop = qb_loop_create();
		s = qb_ipcs_create(service, 0, QB_IPC_SHM, &handlers);
		qb_ipcs_poll_handlers_set(s, &poll);
		if (!s || qb_ipcs_run(s) != 0)
			_exit(2);
		if (write(fds[1], "r", 1) != 1)
			_exit(2);
		qb_loop_run(server_loop);
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &ready, 1), 1);
	close(fds[0]);
	return pid;
}

static void stop_server(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

struct ipc_fixture {
	char service[64];
	pid_t server;
	struct ipc_client *client;
};

static int ipc_setup(void **state)
{
	struct ipc_fixture *f = calloc(1, sizeof(*f));

	snprintf(f->service, sizeof(f->service), "cdtest-%d", (int)getpid());
	f->server = start_server(f->service);
	assert_int_equal(ipc_client_connect_service(f->service, &f->client), 0);
	*state = f;
	return 0;
}

static int ipc_teardown(void **state)
{
	struct ipc_fixture *f = *state;

	ipc_client_free(f->client);
	if (f->server > 0)
		stop_server(f->server);
	free(f);
	return 0;
}

/* Call with a GetRequest for MODE; returns the call's result. */
static int call_mode(struct ipc_client *c, const char *mode, int timeout_ms,
		     Clusterd__Reply **reply)
{
	Clusterd__GetRequest get = CLUSTERD__GET_REQUEST__INIT;
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;

	get.path = (char *)mode;
	req.op_case = CLUSTERD__REQUEST__OP_GET;
	req.get = &get;
	return ipc_client_call(c, &req, timeout_ms, reply);
}

static void expect_echo(struct ipc_client *c, const char *mode)
{
	Clusterd__Reply *reply = NULL;

	assert_int_equal(call_mode(c, mode, 5000, &reply), 0);
	assert_non_null(reply);
	assert_int_equal(reply->errno_code, 0);
	assert_int_equal(reply->result_case, CLUSTERD__REPLY__RESULT_GET);
	assert_int_equal(reply->get->data.len, strlen(mode));
	assert_memory_equal(reply->get->data.data, mode, strlen(mode));
	ipc_client_reply_free(reply);
}

static void ipc_round_trip(void **state)
{
	struct ipc_fixture *f = *state;

	expect_echo(f->client, "echo");
	expect_echo(f->client, "again"); /* a fresh id each time */
}

/* A file of 8 MiB travels both ways (the path stands in for it). */
static void ipc_large_messages(void **state)
{
	struct ipc_fixture *f = *state;
	size_t len = 8 * 1024 * 1024;
	char *big = malloc(len + 1);

	memset(big, 'x', len);
	big[len] = '\0';
	expect_echo(f->client, big);
	free(big);
}

static void ipc_bad_replies_are_eproto(void **state)
{
	static const char *const modes[] = {"wrong-id", "wrong-version",
					    "garbage", "bad-frame"};
	struct ipc_fixture *f = *state;
	Clusterd__Reply *reply;

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		reply = (Clusterd__Reply *)1;
		assert_int_equal(call_mode(f->client, modes[i], 5000, &reply),
				 -EPROTO);
		assert_null(reply);
	}
}

static void ipc_timeout_then_late_reply_is_dropped(void **state)
{
	struct ipc_fixture *f = *state;
	Clusterd__Reply *reply;
	struct timespec t0, t1;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(call_mode(f->client, "late", 100, &reply), -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	     (t1.tv_nsec - t0.tv_nsec) / 1000000;
	/* Only the lower bound: an upper one would test machine speed. */
	assert_true(ms >= 100);
	/* The reply to "late" arrives first and must not be taken for this
	 * call's. */
	expect_echo(f->client, "after-late");
}

/* A server killed mid-connection cannot remove its libqb shared-memory
 * directory (/dev/shm/qb-SERVERPID-...): do it, so tests leave nothing. */
static void remove_shm_leftovers(pid_t server)
{
	char pattern[64];
	glob_t dirs, files;

	snprintf(pattern, sizeof(pattern), "/dev/shm/qb-%d-*", (int)server);
	if (glob(pattern, 0, NULL, &dirs) != 0)
		return;
	for (size_t i = 0; i < dirs.gl_pathc; i++) {
		char inner[PATH_MAX];

		snprintf(inner, sizeof(inner), "%s/*", dirs.gl_pathv[i]);
		if (glob(inner, 0, NULL, &files) == 0) {
			for (size_t j = 0; j < files.gl_pathc; j++)
				unlink(files.gl_pathv[j]);
			globfree(&files);
		}
		rmdir(dirs.gl_pathv[i]);
	}
	globfree(&dirs);
}

static void ipc_server_death_is_an_error_not_a_hang(void **state)
{
	struct ipc_fixture *f = *state;
	Clusterd__Reply *reply;
	int r;

	r = call_mode(f->client, "die", 20000, &reply);
	assert_true(r < 0);
	assert_int_not_equal(r, -ETIMEDOUT);
	waitpid(f->server, NULL, 0);
	remove_shm_leftovers(f->server);
	f->server = 0;
}

static void ipc_no_server_is_econnrefused(void **state)
{
	struct ipc_client *c = NULL;
	int r = ipc_client_connect_service("cdtest-nobody-listens", &c);

	assert_true(r == -ECONNREFUSED || r == -ENOENT);
	assert_null(c);
	assert_non_null(strstr(ipc_client_strerror(r), "not running"));
}

int main(void)
{
	const struct CMUnitTest cli_tests[] = {
	    cmocka_unit_test(get_strips_leading_slash),
	    cmocka_unit_test(put_takes_value_and_compare_and_swap),
	    cmocka_unit_test(put_reads_stdin_without_value),
	    cmocka_unit_test(ls_mv_rm_mkdir_stat_members_requests),
	    cmocka_unit_test(global_options_before_or_after),
	    cmocka_unit_test(bad_usage_exits_2),
	    cmocka_unit_test(help_and_version_at_every_level),
	    cmocka_unit_test(number_parsers),
	    cmocka_unit_test(errno_reasons),
	    cmocka_unit_test(failure_is_one_line_and_exit_1),
	    cmocka_unit_test(unreachable_clusterd_exits_1),
	    cmocka_unit_test(oversized_stdin_is_refused),
	    cmocka_unit_test(ls_text_is_a_sorted_table),
	    cmocka_unit_test(ls_json_has_stable_keys),
	    cmocka_unit_test(stat_text_and_json),
	    cmocka_unit_test(get_json_utf8_or_base64),
	    cmocka_unit_test(write_json_names_the_new_version),
	    cmocka_unit_test(members_text_and_json),
	    cmocka_unit_test(format_helpers),
	};
	const struct CMUnitTest ipc_tests[] = {
	    cmocka_unit_test(ipc_round_trip),
	    cmocka_unit_test(ipc_large_messages),
	    cmocka_unit_test(ipc_bad_replies_are_eproto),
	    cmocka_unit_test(ipc_timeout_then_late_reply_is_dropped),
	    cmocka_unit_test(ipc_server_death_is_an_error_not_a_hang),
	    cmocka_unit_test(ipc_no_server_is_econnrefused),
	};
	int failed;

	failed = cmocka_run_group_tests_name("cli", cli_tests, harness_setup,
					     harness_teardown);
	failed += cmocka_run_group_tests_name("ipc_client", ipc_tests,
					      ipc_setup, ipc_teardown);
	return failed ? 1 : 0;
}
