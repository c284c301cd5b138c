# Integration tests of the HA manager on real clusters (docs/ha.md).
ha_integration_tests = tests/integration/ha-poweroff.sh \
	tests/integration/ha-partition.sh tests/integration/ha-fence.sh \
	tests/integration/ha-commands.sh tests/integration/ha-shutdown.sh
TESTS += $(ha_integration_tests)
EXTRA_DIST += $(ha_integration_tests) tests/integration/ha.sh.inc \
	tests/tools/fence_harness
