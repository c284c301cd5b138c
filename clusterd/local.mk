# The daemon's modules live in a convenience library so that unit tests
# link the same code the daemon runs.
noinst_LTLIBRARIES += clusterd/libclusterdcore.la
clusterd_libclusterdcore_la_SOURCES = \
	clusterd/tree.c clusterd/tree.h \
	clusterd/store.c clusterd/store.h
clusterd_libclusterdcore_la_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS)
clusterd_libclusterdcore_la_LIBADD = $(SQLITE_LIBS)

sbin_PROGRAMS += clusterd/clusterd
clusterd_clusterd_SOURCES = clusterd/main.c
clusterd_clusterd_LDADD = clusterd/libclusterdcore.la lib/libcdcommon.la $(QB_LIBS)
