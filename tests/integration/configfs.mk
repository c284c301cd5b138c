# configfs integration tests (real FUSE mounts in the harness's nodes).
configfs_integration_tests = \
	tests/integration/configfs-basic.sh \
	tests/integration/configfs-quorum.sh \
	tests/integration/configfs-atomic.sh \
	tests/integration/configfs-perms.sh
TESTS += $(configfs_integration_tests)
EXTRA_DIST += $(configfs_integration_tests)
