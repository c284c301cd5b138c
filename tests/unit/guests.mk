# Unit tests of guests: configuration parser, backend loader, sim backend,
# QEMU command line. Included from tests/local.mk.
guest_unit_tests = tests/unit/test-guest-conf tests/unit/test-backend
check_PROGRAMS += $(guest_unit_tests)
TESTS += $(guest_unit_tests)

tests_unit_test_guest_conf_SOURCES = tests/unit/test-guest-conf.c
tests_unit_test_guest_conf_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_guest_conf_LDADD = $(UNIT_LDADD)

tests_unit_test_backend_SOURCES = tests/unit/test-backend.c
tests_unit_test_backend_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir)/haagent
tests_unit_test_backend_LDADD = haagent/libhaagent.la $(UNIT_LDADD)

guest_unit_tests += tests/unit/test-backend-validate
tests_unit_test_backend_validate_SOURCES = tests/unit/test-backend-validate.c
tests_unit_test_backend_validate_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir)/haagent
tests_unit_test_backend_validate_LDADD = haagent/libhaagent.la $(UNIT_LDADD)

# Broken plugins the loader must refuse (never installed).
check_LTLIBRARIES = tests/unit/backend-noabi.la tests/unit/backend-badabi.la \
	tests/unit/backend-nostart.la
BROKEN_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shared -rpath /nowhere
tests_unit_backend_noabi_la_SOURCES = tests/unit/backend-broken.c
tests_unit_backend_noabi_la_CFLAGS = $(AM_CFLAGS) -I$(top_srcdir)/haagent -DBROKEN_NOABI
tests_unit_backend_noabi_la_LDFLAGS = $(BROKEN_LDFLAGS)
tests_unit_backend_badabi_la_SOURCES = tests/unit/backend-broken.c
tests_unit_backend_badabi_la_CFLAGS = $(AM_CFLAGS) -I$(top_srcdir)/haagent -DBROKEN_BADABI
tests_unit_backend_badabi_la_LDFLAGS = $(BROKEN_LDFLAGS)
tests_unit_backend_nostart_la_SOURCES = tests/unit/backend-broken.c
tests_unit_backend_nostart_la_CFLAGS = $(AM_CFLAGS) -I$(top_srcdir)/haagent -DBROKEN_NOSTART
tests_unit_backend_nostart_la_LDFLAGS = $(BROKEN_LDFLAGS)

# Drives one backend operation; used by tests/integration/guest-*.sh and
# bench/guest-migrate.
check_PROGRAMS += tests/tools/cd-backend
tests_tools_cd_backend_SOURCES = tests/tools/cd-backend.c
tests_tools_cd_backend_CFLAGS = $(AM_CFLAGS) -I$(top_srcdir)/haagent
tests_tools_cd_backend_LDADD = haagent/libhaagent.la lib/libcdcommon.la \
	proto/libcdproto.la $(QB_LIBS) $(PROTOBUF_C_LIBS)

guest_unit_tests += tests/unit/test-qemu-cmdline
tests_unit_test_qemu_cmdline_SOURCES = tests/unit/test-qemu-cmdline.c \
	haagent/backends/qemu_cmdline.c
tests_unit_test_qemu_cmdline_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir)/haagent \
	-I$(top_srcdir)/haagent/backends
tests_unit_test_qemu_cmdline_LDADD = haagent/libbackend.la $(UNIT_LDADD)
