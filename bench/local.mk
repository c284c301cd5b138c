# Benchmarks: programs that print figures, never tests. They are
# EXTRA_PROGRAMS, so "make" and "make check" neither build nor run them;
# "make bench" builds them together with everything bench/clusterd-bench
# runs (the daemon, clusterctl, cd-load).
EXTRA_PROGRAMS = bench/cpg-floor bench/cd-visible bench/cd-writers bench/cfs-files
EXTRA_DIST += bench/clusterd-bench bench/configfs-bench bench/ha-sim-failover \
	bench/guest-migrate bench/ha-failover
CLEANFILES += $(EXTRA_PROGRAMS)

bench_cpg_floor_SOURCES = bench/cpg-floor.c
bench_cpg_floor_CFLAGS = $(AM_CFLAGS) $(CPG_CFLAGS)
bench_cpg_floor_LDADD = $(CPG_LIBS)

bench_cd_visible_SOURCES = bench/cd-visible.c
bench_cd_visible_CFLAGS = $(AM_CFLAGS) $(PROTOBUF_C_CFLAGS)
bench_cd_visible_LDADD = lib/libcdcommon.la proto/libcdproto.la \
	$(QB_LIBS) $(PROTOBUF_C_LIBS)
$(bench_cd_visible_OBJECTS): proto/clusterd.pb-c.h

bench_cd_writers_SOURCES = bench/cd-writers.c
bench_cd_writers_CFLAGS = $(AM_CFLAGS) $(PROTOBUF_C_CFLAGS) -pthread
bench_cd_writers_LDADD = lib/libcdcommon.la proto/libcdproto.la \
	$(QB_LIBS) $(PROTOBUF_C_LIBS) -lpthread
$(bench_cd_writers_OBJECTS): proto/clusterd.pb-c.h

bench_cfs_files_SOURCES = bench/cfs-files.c
bench_cfs_files_CFLAGS = $(AM_CFLAGS) -pthread
bench_cfs_files_LDADD = -lpthread

.PHONY: bench
bench: $(EXTRA_PROGRAMS) clusterd/clusterd$(EXEEXT) cli/clusterctl$(EXEEXT) \
	tests/tools/cd-load$(EXEEXT) tests/tools/quorum-probe$(EXEEXT)
