sbin_PROGRAMS += cli/clusterctl
cli_clusterctl_SOURCES = cli/main.c
cli_clusterctl_LDADD = lib/libcdcommon.la $(QB_LIBS)
