# configfs tests: integration (real FUSE mounts in the harness's nodes) and unit.
configfs_integration_tests = \
	tests/integration/configfs-basic.sh \
	tests/integration/configfs-quorum.sh \
	tests/integration/configfs-atomic.sh \
	tests/integration/configfs-perms.sh \
	tests/integration/configfs-guests.sh \
	tests/integration/configfs-diff.sh \
	tests/integration/configfs-standalone.sh
TESTS += $(configfs_integration_tests)
EXTRA_DIST += $(configfs_integration_tests) tests/tools/configfs-diff.py

# Unit tests of what configfs added to clusterd: guest ID uniqueness and
# the cluster log ring.
check_PROGRAMS += tests/unit/test-guest-ids
TESTS += tests/unit/test-guest-ids
tests_unit_test_guest_ids_SOURCES = tests/unit/test-guest-ids.c
tests_unit_test_guest_ids_CFLAGS = $(CORE_UNIT_CFLAGS) $(PROTOBUF_C_CFLAGS)
tests_unit_test_guest_ids_LDADD = $(CORE_UNIT_LDADD)
