noinst_LTLIBRARIES += lib/libcdcommon.la
lib_libcdcommon_la_SOURCES = \
	lib/macro.h \
	lib/log.c lib/log.h \
	lib/kvconf.c lib/kvconf.h \
	lib/daemon.c lib/daemon.h \
	lib/daemon_args.c lib/daemon_args.h
lib_libcdcommon_la_LIBADD = $(QB_LIBS)
