# Unit tests of clusterctl (cli/libcli.la) and of lib/ipc_client.c, which
# they run against a stand-in libqb server forked by the test.
check_PROGRAMS += tests/unit/test-cli
TESTS += tests/unit/test-cli

tests_unit_test_cli_SOURCES = tests/unit/test-cli.c
tests_unit_test_cli_CFLAGS = $(UNIT_CFLAGS) $(JSON_CFLAGS) -I$(top_srcdir)/cli
tests_unit_test_cli_LDADD = $(CLI_LDADD) $(CMOCKA_LIBS)
