# The HA simulator's scenarios (tests/ha/*.scenario, each checked against
# its NAME.expect by run-scenarios.sh) and the unit tests of haagent's
# decision core. Included from tests/local.mk.
ha_scenarios = tests/ha
TESTS += tests/ha/run-scenarios.sh tests/ha/scenario-errors.sh
EXTRA_DIST += tests/ha

ha_unit_tests = tests/unit/test-ha-config tests/unit/test-ha-core \
	tests/unit/test-ha-locate
check_PROGRAMS += $(ha_unit_tests)
TESTS += $(ha_unit_tests)
HA_UNIT_CFLAGS = $(UNIT_CFLAGS) $(JSON_CFLAGS) -I$(top_srcdir)/haagent
HA_UNIT_LDADD = haagent/libhacore.la $(UNIT_LDADD) $(JSON_LIBS)
tests_unit_test_ha_config_SOURCES = tests/unit/test-ha-config.c
tests_unit_test_ha_config_CFLAGS = $(HA_UNIT_CFLAGS)
tests_unit_test_ha_config_LDADD = $(HA_UNIT_LDADD)
tests_unit_test_ha_core_SOURCES = tests/unit/test-ha-core.c \
	haagent/ha_shutdown.c
tests_unit_test_ha_core_CFLAGS = $(HA_UNIT_CFLAGS)
tests_unit_test_ha_core_LDADD = $(HA_UNIT_LDADD)
tests_unit_test_ha_locate_SOURCES = tests/unit/test-ha-locate.c \
	haagent/ha_locate.c
tests_unit_test_ha_locate_CFLAGS = $(HA_UNIT_CFLAGS)
tests_unit_test_ha_locate_LDADD = $(HA_UNIT_LDADD)
