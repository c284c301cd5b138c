sbin_PROGRAMS += clusterd/clusterd
clusterd_clusterd_SOURCES = clusterd/main.c
clusterd_clusterd_LDADD = lib/libcdcommon.la $(QB_LIBS)
