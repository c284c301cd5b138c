/*
 * What the files of the test-cli program share (tests/unit/cli.mk builds
 * them into one program, so the groups and their order are as before the
 * split): the cli harness of cli-harness.c, which runs whole clusterctl
 * invocations against a fake transport, its canned replies, and the test
 * cases each test-cli-*.c file defines, which test-cli.c's main() runs.
 * The harness is declared here and defined once, rather than copied into
 * each file.
 */
#pragma once

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"

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

/* Group setup and teardown of the cli tests: one harness for them all. */
int harness_setup(void **state);
int harness_teardown(void **state);

/* Give standard input these bytes for the next run. */
void set_stdin(struct harness *h, const void *data, size_t len);

/* Run "clusterctl ARGS..." (NULL-terminated); returns the exit code.
 * Output is in h->out and h->err afterwards. */
int run(struct harness *h, ...);

/* Parse TEXT, which must be JSON; the member NAME, which must exist. */
json_object *parse_json(const char *text);
json_object *key(json_object *obj, const char *name);

/* --------------------------------------------------------- replies --- */

/* A successful write at tree version 42. */
extern Clusterd__Reply write_reply;

void set_error(Clusterd__Reply *reply, int err, const char *message);
void make_stat(Clusterd__Stat *s, const char *path, Clusterd__EntryType type,
	       uint64_t size, uint64_t version);

/* ------------------------------------------- the cases, by file --- */

/* test-cli-requests.c: what each command line sends. */
void get_strips_leading_slash(void **state);
void put_takes_value_and_compare_and_swap(void **state);
void put_reads_stdin_without_value(void **state);
void ls_mv_rm_mkdir_stat_members_requests(void **state);
void global_options_before_or_after(void **state);
void bad_usage_exits_2(void **state);
void help_and_version_at_every_level(void **state);
void number_parsers(void **state);

/* test-cli-errors.c: how failures are reported. */
void errno_reasons(void **state);
void failure_is_one_line_and_exit_1(void **state);
void unreachable_clusterd_exits_1(void **state);
void typed_request_failures(void **state);
void oversized_stdin_is_refused(void **state);

/* test-cli-output.c: text and JSON output. */
void ls_text_is_a_sorted_table(void **state);
void ls_json_has_stable_keys(void **state);
void stat_text_and_json(void **state);
void get_json_utf8_or_base64(void **state);
void write_json_names_the_new_version(void **state);
void members_text_and_json(void **state);
void format_helpers(void **state);

/* test-cli-ipc.c: lib/ipc_client.c against a stand-in server, with the
 * group's setup and teardown (a server per test). */
int ipc_setup(void **state);
int ipc_teardown(void **state);
void ipc_round_trip(void **state);
void ipc_large_messages(void **state);
void ipc_bad_replies_are_eproto(void **state);
void ipc_timeout_then_late_reply_is_dropped(void **state);
void ipc_server_death_is_an_error_not_a_hang(void **state);
void ipc_no_server_is_econnrefused(void **state);
