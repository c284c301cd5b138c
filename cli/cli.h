/*
 * clusterctl's modules and what they share.
 *
 * Everything except main() lives in the convenience library cli/libcli.la
 * so that the unit tests drive the same code. The flow of one invocation:
 *
 *   main.c        real context: stdin/stdout/stderr, IPC to clusterd
 *   dispatch.c    global options, the command table, "config" subcommands
 *   options.c     getopt wrapper shared by every level, number/path parsing
 *   config_cmd.c  argv of "config ..." -> struct cli_request
 *   members_cmd.c argv of "members" -> struct cli_request
 *   lock_cmd.c    "lock" (acquire, then hold or run a command) and "locks"
 *   lock_hold.c   holding a lock: waiting, running COMMAND, signals
 *   node_status_cmd.c  "node-status set|get|ls"
 *   request_ext.c the requests of locks and node status
 *   output_ext.c  their replies as text or JSON
 *   request.c     the Request storage; send, check the reply, hand it on
 *   output.c      a Reply as text tables or one JSON document (json-c)
 *   table.c       aligned text tables; format.c byte-level helpers
 *   errors.c      errno -> reason, the one-line failure message
 *   help.c        every --help text
 *
 * The context carries the streams and the transport (a function that sends
 * a Request and returns the Reply), so tests substitute canned replies.
 * Exit codes are stable: 0 success, 1 the operation failed, 2 usage.
 */
#pragma once

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "clusterd.pb-c.h"

enum cli_exit {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FAILED = 1,
	CLI_EXIT_USAGE = 2,
};

enum cli_output {
	CLI_OUTPUT_TEXT,
	CLI_OUTPUT_JSON,
};

#define CLI_DEFAULT_TIMEOUT_MS 10000
#define CLI_MAX_TIMEOUT_S      86400
/* Largest file content clusterctl sends (clusterd's default limit). */
#define CLI_MAX_DATA (8 * 1024 * 1024)

/* Send REQ, wait up to TIMEOUT_MS, return 0 and a reply to be freed with
 * clusterd__reply__free_unpacked(), or -errno (not reaching clusterd). */
typedef int (*cli_call_fn)(void *userdata, Clusterd__Request *req,
			   int timeout_ms, Clusterd__Reply **reply);
/* The next event of a watch on the same connection as the calls. */
typedef int (*cli_event_fn)(void *userdata, int timeout_ms,
			    Clusterd__Event **event);

struct cli_ctx {
	FILE *in;
	FILE *out;
	FILE *err;
	cli_call_fn call;
	cli_event_fn next_event; /* NULL: watching is not possible */
	void *call_data;
	/* Events that arrive while a call waits (guest progress); set by
	 * the command around the call. */
	void (*on_event)(void *userdata, const Clusterd__Event *event);
	void *on_event_data;
	/* Set by the global options. */
	enum cli_output output;
	int timeout_ms;
	bool timeout_set; /* --timeout was given */
};

/* Streams stdin/stdout/stderr, text output, the default timeout. */
void cli_ctx_init(struct cli_ctx *ctx, cli_call_fn call, void *call_data);

/* ------------------------------------------------------ dispatch.c --- */

/* Run one invocation; ARGV[0] is the program name. Returns the exit code. */
int cli_run(struct cli_ctx *ctx, int argc, char **argv);

struct cli_request;
/* Parse a group's subcommand (ARGV[0] is its name) into a request. */
typedef int (*cli_parse_fn)(struct cli_ctx *ctx, int argc, char **argv,
			    struct cli_request *r);
/* The start of a command group (ARGV[0] its name): its own options and
 * --help, then a subcommand must follow. True and the subcommand's index
 * in *FIRST, or false and the exit code in *EXIT_CODE (help printed, or a
 * usage error reported). */
bool cli_group_begin(struct cli_ctx *ctx, int argc, char **argv,
		     const char *group, const char *help, int *first,
		     int *exit_code);
/* A command group ("config", "node-status"): its own --help, then the
 * subcommand, parsed by PARSE and executed. */
int cli_group_main(struct cli_ctx *ctx, int argc, char **argv,
		   const char *group, const char *help, cli_parse_fn parse);

/* ------------------------------------------------------- options.c --- */

/* Results of option parsing besides a negative usage error (-EINVAL, with
 * its message already printed). */
enum cli_parse_result {
	CLI_PARSED = 0,	 /* go on */
	CLI_HANDLED = 1, /* --help or --version printed: exit 0 */
};

/* A command level's own options beside the global ones. */
struct cli_optspec {
	const struct option *longopts; /* NULL-terminated, or NULL */
	const char *shortopts;	       /* its short options, or NULL */
	/* Called for each own option; 0 or a usage error from
	 * cli_usage_error(). */
	int (*handle)(struct cli_ctx *ctx, int opt, const char *arg,
		      void *userdata);
	void *userdata;
	const char *help; /* printed for -h/--help */
};

/* Parse options of ARGV[1..] up to the first non-option, whose index goes
 * to *FIRST (ARGC when there is none). */
int cli_parse_leading(struct cli_ctx *ctx, int argc, char **argv,
		      const struct cli_optspec *spec, int *first);

/* Parse options anywhere in ARGV[1..] ("--" ends them); the other
 * arguments go, in order, to POS (room for ARGC entries) and *NPOS. */
int cli_parse_all(struct cli_ctx *ctx, int argc, char **argv,
		  const struct cli_optspec *spec, char **pos, int *npos);

/* Print "clusterctl: MESSAGE" and the --help hint; returns -EINVAL. */
int cli_usage_error(struct cli_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Check the count of CMD's positional arguments POS: a usage error names
 * the first missing one (NAMES[NPOS]) or the first extra one. */
int cli_check_args(struct cli_ctx *ctx, const char *cmd, char **pos, int npos,
		   const char *const *names, int min, int max);

/* Strictly decimal, no sign, no overflow. 0 or -EINVAL. */
int cli_parse_u64(const char *s, uint64_t *out);
/* Seconds, fractions allowed ("2.5"), > 0 and <= CLI_MAX_TIMEOUT_S;
 * rounded up to whole milliseconds. 0 or -EINVAL. */
int cli_parse_timeout(const char *s, int *ms);
/* A path as given by the user, without its optional leading '/'. */
const char *cli_tree_path(const char *arg);

/* ------------------------------------------------------- request.c --- */

enum cli_op {
	CLI_OP_GET,
	CLI_OP_PUT,
	CLI_OP_LS,
	CLI_OP_RM,
	CLI_OP_MKDIR,
	CLI_OP_MV,
	CLI_OP_STAT,
	CLI_OP_MEMBERS,
	/* request_ext.c */
	CLI_OP_LOCK,
	CLI_OP_UNLOCK,
	CLI_OP_LOCKS,
	CLI_OP_STATUS_SET,
	CLI_OP_STATUS_GET,
	CLI_OP_STATUS_LS,
};

/* A Request and the storage of its parts. Strings point into argv. */
struct cli_request {
	enum cli_op op;
	bool data_from_stdin; /* put without VALUE */
	uint8_t *owned_data;  /* what was read from stdin */
	Clusterd__Request req;
	union {
		Clusterd__GetRequest get;
		Clusterd__PutRequest put;
		Clusterd__ListRequest list;
		Clusterd__RemoveRequest remove;
		Clusterd__MkdirRequest mkdir;
		Clusterd__RenameRequest rename;
		Clusterd__StatRequest stat;
		Clusterd__MembersRequest members;
		Clusterd__LockRequest lock;
		Clusterd__UnlockRequest unlock;
		Clusterd__LocksRequest locks;
		Clusterd__StatusSetRequest status_set;
		Clusterd__StatusGetRequest status_get;
		Clusterd__StatusListRequest status_list;
	} body;
};

void cli_request_init(struct cli_request *r, enum cli_op op);
void cli_request_done(struct cli_request *r);
const char *cli_op_name(enum cli_op op);
/* The path the request is about ("" for members; FROM for mv). */
const char *cli_request_path(const struct cli_request *r);
/* "get PATH", "mv FROM TO", "members": names the operation in messages.
 * malloc'd; NULL without memory. */
char *cli_request_label(const struct cli_request *r);
/* Read standard input (put without VALUE), send, check, output. Returns
 * the exit code. */
int cli_execute(struct cli_ctx *ctx, struct cli_request *r);
/* The exit code after a parser returned PARSED (R parsed): executes R and
 * frees it. */
int cli_finish(struct cli_ctx *ctx, int parsed, struct cli_request *r);

/* ---------------------------------------------------- request_ext.c --- */

/* The parts of request.c for the ops of locks and node status. */
void cli_request_init_ext(struct cli_request *r, enum cli_op op);
const char *cli_request_path_ext(const struct cli_request *r);
char *cli_request_label_ext(const struct cli_request *r);
Clusterd__Reply__ResultCase cli_expected_result_ext(enum cli_op op);
/* request.c: a connection of lib/cd_requests.h over CTX's transport and
 * timeout, for the commands that make typed requests. */
struct cd_conn;
void cli_conn(struct cli_ctx *ctx, struct cd_conn *c);
/* Report R, the failure of a call on C about WHAT, with cli_fail() and
 * return the exit code; 0 when R is 0. */
int cli_conn_fail(struct cli_ctx *ctx, const struct cd_conn *c, int r,
		  const char *what);
/* request.c: send R, waiting up to TIMEOUT_MS (negative: forever), and
 * check that the reply is a success of the kind R expects: CLI_EXIT_OK and
 * *REPLY (free it with clusterd__reply__free_unpacked), or the exit code
 * of a failure already reported with cli_fail() (WHAT names the op). */
int cli_call_checked(struct cli_ctx *ctx, struct cli_request *r, int timeout_ms,
		     const char *what, Clusterd__Reply **reply);

/* --------------------------------------------------------- ha_cmd.c --- */

/* "ha [OPTIONS] SUBCOMMAND ...": add, remove, set, status, migrate,
 * relocate, rules, maintenance, simulate (ha_cli.h). */
int ha_main(struct cli_ctx *ctx, int argc, char **argv);

/* ---------------------------------------------------- config_cmd.c --- */

/* "config [OPTIONS] SUBCOMMAND ...", ARGV[0] being "config". Returns the
 * exit code. */
int config_main(struct cli_ctx *ctx, int argc, char **argv);
/* Parse one subcommand, ARGV[0] being its name, into R (initialised here
 * on CLI_PARSED). CLI_PARSED, CLI_HANDLED or -EINVAL. */
int config_parse(struct cli_ctx *ctx, int argc, char **argv,
		 struct cli_request *r);

/* --------------------------------------------------- members_cmd.c --- */

int members_main(struct cli_ctx *ctx, int argc, char **argv);
int watch_main(struct cli_ctx *ctx, int argc, char **argv);
int members_parse(struct cli_ctx *ctx, int argc, char **argv,
		  struct cli_request *r);

/* ------------------------------------------ lock_cmd.c, lock_hold.c --- */

/* What "lock" parsed: the request, and the command to run (or none). */
struct lock_invocation {
	struct cli_request r;
	char **command; /* NULL-terminated, into argv; NULL: hold */
	char **args;	/* storage of COMMAND, freed by lock_invocation_done */
	int call_timeout_ms;
};
void lock_invocation_done(struct lock_invocation *li);
int lock_main(struct cli_ctx *ctx, int argc, char **argv);
/* CLI_PARSED (LI filled), CLI_HANDLED or a negative usage error. LI's
 * command points into ARGV. */
int lock_parse(struct cli_ctx *ctx, int argc, char **argv,
	       struct lock_invocation *li);
int locks_main(struct cli_ctx *ctx, int argc, char **argv);
int locks_parse(struct cli_ctx *ctx, int argc, char **argv,
		struct cli_request *r);
/* Hold the lock GRANTED (a successful reply to LI's request) until stdin
 * closes or a signal comes (no COMMAND), or while COMMAND runs; then
 * release it. Returns the exit code. */
int lock_hold(struct cli_ctx *ctx, struct lock_invocation *li,
	      const Clusterd__Reply *granted);

/* ----------------------------------------------- node_status_cmd.c --- */

int node_status_main(struct cli_ctx *ctx, int argc, char **argv);
int node_status_parse(struct cli_ctx *ctx, int argc, char **argv,
		      struct cli_request *r);

/* ------------------------------------------------------ guest_cmd.c --- */

int guest_main(struct cli_ctx *ctx, int argc, char **argv);

/* -------------------------------------------------------- output.c --- */

/* Print REPLY (successful, of the result type R expects). 0 or -errno of
 * writing. */
int output_reply(struct cli_ctx *ctx, const struct cli_request *r,
		 const Clusterd__Reply *reply);
/* output_ext.c: the replies of locks and node status. */
int output_reply_ext(struct cli_ctx *ctx, const struct cli_request *r,
		     const Clusterd__Reply *reply);
/* Helpers output.c shares with output_ext.c (json-c objects). */
struct json_object;
struct json_object *cli_json_string(const char *s);
/* Add "encoding" and "data" (named DATA_KEY) for bytes, as config get. */
int cli_json_add_data(struct json_object *obj, const char *data_key,
		      const uint8_t *data, size_t len);
int cli_json_print(struct cli_ctx *ctx, struct json_object *obj);
/* The JSON document of a failure (-o json): {"error": {...}}. */
void output_error_json(struct cli_ctx *ctx, const char *what, int err,
		       const char *reason, const char *detail);

/* -------------------------------------------------------- format.c --- */

/* Strict UTF-8: no overlong forms, surrogates or code points past
 * U+10FFFF. NUL bytes are valid (U+0000). */
bool utf8_valid(const uint8_t *s, size_t len);
/* A valid UTF-8 copy of the NUL-terminated S, each invalid byte replaced
 * by U+FFFD. malloc'd; NULL without memory. */
char *utf8_sanitize(const char *s);
/* Standard base64 (RFC 4648) with padding. malloc'd; NULL without memory. */
char *base64_encode(const uint8_t *data, size_t len);
/* S for a terminal cell: control characters, DEL and invalid UTF-8 bytes
 * become '?'. malloc'd; NULL without memory. */
char *text_escape(const char *s);
/* Columns S takes on a terminal, counting one per character. */
size_t text_width(const char *s);
/* "YYYY-MM-DD HH:MM:SS" in local time, or "-" for 0. */
void format_mtime_text(int64_t ms, char *buf, size_t len);
/* "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC). */
void format_mtime_iso(int64_t ms, char *buf, size_t len);

/* --------------------------------------------------------- table.c --- */

struct table;

/* A table of NCOLS columns; HEADERS and RIGHT (right-aligned columns, or
 * NULL) must outlive it. NULL without memory. */
struct table *table_new(size_t ncols, const char *const *headers,
			const bool *right);
/* Append a row of NCOLS cells (copied, escaped). 0 or -ENOMEM. */
int table_add_row(struct table *t, const char *const *cells);
/* Header row, then rows; columns two spaces apart, no trailing blanks. */
void table_print(const struct table *t, FILE *out);
void table_free(struct table *t);

/* -------------------------------------------------------- errors.c --- */

/* What a positive errno of a Reply means for a user: "no quorum", ... */
const char *cli_errno_reason(int err);
/* Report a failure: "clusterctl: WHAT: REASON[ (DETAIL)]" on ctx->err and,
 * with -o json, the error document on ctx->out. DETAIL (the server's
 * message) may be NULL or empty. Returns CLI_EXIT_FAILED. */
int cli_fail(struct cli_ctx *ctx, const char *what, int err, const char *reason,
	     const char *detail);

/* ---------------------------------------------------------- help.c --- */

extern const char cli_help_main[];
extern const char cli_help_config[];
extern const char cli_help_config_get[];
extern const char cli_help_config_put[];
extern const char cli_help_config_ls[];
extern const char cli_help_config_stat[];
extern const char cli_help_config_rm[];
extern const char cli_help_config_mkdir[];
extern const char cli_help_config_mv[];
extern const char cli_help_members[];
extern const char cli_help_watch[];
extern const char cli_help_lock[];
extern const char cli_help_locks[];
extern const char cli_help_node_status[];
extern const char cli_help_node_status_set[];
extern const char cli_help_node_status_get[];
extern const char cli_help_node_status_ls[];
