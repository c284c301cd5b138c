/*
 * Unit tests for clusterctl (cli/libcli.la) and lib/ipc_client.c. This
 * file runs them; the cases are in the test-cli-*.c files by concern
 * (requests, errors, output, ipc), the harness in cli-harness.c, and
 * cli-harness.h ties them together.
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

#include "cli-harness.h"

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
	    cmocka_unit_test(typed_request_failures),
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
