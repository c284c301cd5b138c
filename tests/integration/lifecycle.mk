# Cluster lifecycle tests (clusterctl create, join, leave, node remove,
# status); included from tests/local.mk.
lifecycle_tests = \
	tests/integration/lifecycle-join.sh \
	tests/integration/lifecycle-badjoin.sh \
	tests/integration/lifecycle-remove.sh \
	tests/integration/lifecycle-expected.sh \
	tests/integration/lifecycle-links.sh
TESTS += $(lifecycle_tests)
EXTRA_DIST += $(lifecycle_tests) tests/integration/lifecycle.sh.inc \
	tests/harness/starter.sh

check_PROGRAMS += tests/unit/test-lifecycle
TESTS += tests/unit/test-lifecycle
tests_unit_test_lifecycle_SOURCES = tests/unit/test-lifecycle.c
tests_unit_test_lifecycle_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir)/cli
tests_unit_test_lifecycle_LDADD = $(CLI_LDADD) $(CMOCKA_LIBS)

check_PROGRAMS += tests/tools/cd-join-raw
tests_tools_cd_join_raw_SOURCES = tests/tools/cd-join-raw.c
tests_tools_cd_join_raw_CFLAGS = $(AM_CFLAGS) $(PROTOBUF_C_CFLAGS) -I$(top_srcdir)/cli
tests_tools_cd_join_raw_LDADD = $(CLI_LDADD)
