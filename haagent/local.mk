sbin_PROGRAMS += haagent/haagent
haagent_haagent_SOURCES = haagent/main.c
haagent_haagent_LDADD = lib/libcdcommon.la $(QB_LIBS)
