# Cluster lifecycle tests (clusterctl create, join, leave, node remove,
# status); included from tests/local.mk.
lifecycle_tests = \
	tests/integration/lifecycle-join.sh \
	tests/integration/lifecycle-badjoin.sh \
	tests/integration/lifecycle-remove.sh \
	tests/integration/lifecycle-expected.sh
TESTS += $(lifecycle_tests)
EXTRA_DIST += $(lifecycle_tests) tests/integration/lifecycle.sh.inc \
	tests/harness/starter.sh
