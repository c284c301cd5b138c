# Unit tests (cmocka) run anywhere; integration tests need root and skip
# (exit 77) without it. Both kinds run from "make check".
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = bash
AM_TESTS_ENVIRONMENT = \
	top_srcdir='$(abs_top_srcdir)'; top_builddir='$(abs_top_builddir)'; \
	export top_srcdir top_builddir;

UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(PROTOBUF_C_CFLAGS)
UNIT_LDADD = lib/libcdcommon.la proto/libcdproto.la $(CMOCKA_LIBS) $(QB_LIBS) \
	$(PROTOBUF_C_LIBS)

unit_tests = tests/unit/test-kvconf tests/unit/test-log tests/unit/test-proto
check_PROGRAMS += $(unit_tests) tests/tools/quorum-probe
TESTS += $(unit_tests)

tests_unit_test_kvconf_SOURCES = tests/unit/test-kvconf.c
tests_unit_test_kvconf_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_kvconf_LDADD = $(UNIT_LDADD)
tests_unit_test_log_SOURCES = tests/unit/test-log.c
tests_unit_test_log_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_log_LDADD = $(UNIT_LDADD)
tests_unit_test_proto_SOURCES = tests/unit/test-proto.c
tests_unit_test_proto_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_proto_LDADD = $(UNIT_LDADD)

tests_tools_quorum_probe_SOURCES = tests/tools/quorum-probe.c
tests_tools_quorum_probe_CFLAGS = $(AM_CFLAGS) $(QUORUM_CFLAGS) $(VOTEQUORUM_CFLAGS)
tests_tools_quorum_probe_LDADD = $(QUORUM_LIBS) $(VOTEQUORUM_LIBS)

integration_tests = \
	tests/integration/quorum-forms.sh \
	tests/integration/quorum-partition.sh \
	tests/integration/daemons-install.sh \
	tests/integration/clusterd-replication.sh \
	tests/integration/clusterd-partition.sh \
	tests/integration/clusterd-restart.sh \
	tests/integration/clusterd-diskfull.sh \
	tests/integration/clusterd-corosync-conf.sh \
	tests/integration/clusterd-watch.sh \
	tests/integration/clusterd-access.sh \
	tests/integration/clusterd-nemesis-3.sh \
	tests/integration/clusterd-nemesis-5.sh \
	tests/integration/clusterd-badinput.sh \
	tests/integration/clusterd-locks.sh \
	tests/integration/cli-completion.sh
TESTS += $(integration_tests)
EXTRA_DIST += $(integration_tests) tests/integration/nemesis.sh.inc
include $(srcdir)/tests/unit/core.mk

check_PROGRAMS += tests/unit/test-replica
TESTS += tests/unit/test-replica
tests_unit_test_replica_SOURCES = tests/unit/test-replica.c tests/unit/sim.c tests/unit/sim.h
tests_unit_test_replica_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir)/clusterd
tests_unit_test_replica_LDADD = clusterd/libclusterdcore.la $(UNIT_LDADD) $(SQLITE_LIBS)
include $(srcdir)/tests/unit/cli.mk
include $(srcdir)/tests/unit/ext.mk

check_PROGRAMS += tests/tools/cd-load
tests_tools_cd_load_SOURCES = tests/tools/cd-load.c
tests_tools_cd_load_CFLAGS = $(AM_CFLAGS) $(PROTOBUF_C_CFLAGS) -pthread
tests_tools_cd_load_LDADD = lib/libcdcommon.la proto/libcdproto.la \
	$(QB_LIBS) $(PROTOBUF_C_LIBS) -lpthread

# Bad input (tests/integration/clusterd-badinput.sh): malformed IPC frames
# and a rogue CPG peer.
check_PROGRAMS += tests/tools/cd-ipc-fuzz tests/tools/cd-cpg-garble
tests_tools_cd_ipc_fuzz_SOURCES = tests/tools/cd-ipc-fuzz.c \
	tests/tools/cd-ipc-fuzz-gen.c tests/tools/cd-ipc-fuzz-oracle.c \
	tests/tools/cd-ipc-fuzz.h tests/lib/test-rng.h tests/lib/test-path.h
tests_tools_cd_ipc_fuzz_CFLAGS = $(AM_CFLAGS) $(PROTOBUF_C_CFLAGS) -I$(top_srcdir)/tests/lib
tests_tools_cd_ipc_fuzz_LDADD = lib/libcdcommon.la proto/libcdproto.la \
	$(QB_LIBS) $(PROTOBUF_C_LIBS)
$(tests_tools_cd_ipc_fuzz_OBJECTS): proto/clusterd.pb-c.h
tests_tools_cd_cpg_garble_SOURCES = tests/tools/cd-cpg-garble.c \
	tests/tools/cd-cpg-garble-msg.c tests/tools/cd-cpg-garble-filter.c \
	tests/tools/cd-cpg-garble.h tests/lib/test-rng.h tests/lib/test-path.h
tests_tools_cd_cpg_garble_CFLAGS = $(AM_CFLAGS) $(PROTOBUF_C_CFLAGS) $(CPG_CFLAGS) \
	-I$(top_srcdir)/tests/lib
tests_tools_cd_cpg_garble_LDADD = proto/libcdproto.la $(CPG_LIBS) \
	$(PROTOBUF_C_LIBS)
$(tests_tools_cd_cpg_garble_OBJECTS): proto/clusterd.pb-c.h
include $(srcdir)/tests/ha/ha.mk
include $(srcdir)/tests/integration/lifecycle.mk
include $(srcdir)/tests/integration/configfs.mk
include $(srcdir)/tests/unit/guests.mk
include $(srcdir)/tests/integration/guests.mk
include $(srcdir)/tests/integration/ha.mk
include $(srcdir)/tests/integration/docs.mk
