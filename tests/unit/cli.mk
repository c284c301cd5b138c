# Unit tests of clusterctl (cli/libcli.la) and of lib/ipc_client.c, which
# they run against a stand-in libqb server forked by the test.
check_PROGRAMS += tests/unit/test-cli
TESTS += tests/unit/test-cli

# One program from several files (the cases by concern, the harness once);
# cli-harness.h declares what they share.
tests_unit_test_cli_SOURCES = tests/unit/test-cli.c tests/unit/cli-harness.h \
	tests/unit/cli-harness.c tests/unit/proto-copy.c tests/unit/proto-copy.h \
	tests/unit/test-cli-requests.c \
	tests/unit/test-cli-errors.c tests/unit/test-cli-output.c \
	tests/unit/test-cli-ipc.c
tests_unit_test_cli_CFLAGS = $(UNIT_CFLAGS) $(JSON_CFLAGS) -I$(top_srcdir)/cli
tests_unit_test_cli_LDADD = $(CLI_LDADD) $(CMOCKA_LIBS)

# lib/cd_requests.c, the typed requests of clusterctl and haagent, over a
# fake transport.
check_PROGRAMS += tests/unit/test-cd-requests
TESTS += tests/unit/test-cd-requests
tests_unit_test_cd_requests_SOURCES = tests/unit/test-cd-requests.c \
	tests/unit/proto-copy.c tests/unit/proto-copy.h
tests_unit_test_cd_requests_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_cd_requests_LDADD = $(UNIT_LDADD)
