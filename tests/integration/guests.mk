# Integration tests of guests (real QEMU and LXC in harness nodes).
guest_integration_tests = tests/integration/guest-qemu-backend.sh \
	tests/integration/guest-lxc-backend.sh \
	tests/integration/guest-cluster.sh \
	tests/integration/guest-sim.sh
TESTS += $(guest_integration_tests)
EXTRA_DIST += $(guest_integration_tests)
