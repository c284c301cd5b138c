# Unit tests of the replica's extensions (cluster locks, node status
# store), run against the simulated group of tests/unit/sim.c. Included
# from tests/local.mk.
ext_unit_tests = tests/unit/test-locks tests/unit/test-status
check_PROGRAMS += $(ext_unit_tests)
TESTS += $(ext_unit_tests)

EXT_UNIT_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir)/clusterd
EXT_UNIT_LDADD = clusterd/libclusterdcore.la $(UNIT_LDADD) $(SQLITE_LIBS)

tests_unit_test_locks_SOURCES = tests/unit/test-locks.c tests/unit/sim.c \
	tests/unit/sim.h
tests_unit_test_locks_CFLAGS = $(EXT_UNIT_CFLAGS)
tests_unit_test_locks_LDADD = $(EXT_UNIT_LDADD)
tests_unit_test_status_SOURCES = tests/unit/test-status.c tests/unit/sim.c \
	tests/unit/sim.h
tests_unit_test_status_CFLAGS = $(EXT_UNIT_CFLAGS)
tests_unit_test_status_LDADD = $(EXT_UNIT_LDADD)

# clusterctl's lock and node-status commands, with a fake transport.
check_PROGRAMS += tests/unit/test-cli-ext
TESTS += tests/unit/test-cli-ext
tests_unit_test_cli_ext_SOURCES = tests/unit/test-cli-ext.c \
	tests/unit/proto-copy.c tests/unit/proto-copy.h
tests_unit_test_cli_ext_CFLAGS = $(UNIT_CFLAGS) $(JSON_CFLAGS) \
	-I$(top_srcdir)/cli
tests_unit_test_cli_ext_LDADD = $(CLI_LDADD) $(CMOCKA_LIBS)
