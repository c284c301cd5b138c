noinst_LTLIBRARIES += lib/libcdcommon.la
lib_libcdcommon_la_SOURCES = \
	lib/macro.h lib/array.h \
	lib/log.c lib/log.h \
	lib/kvconf.c lib/kvconf.h \
	lib/guest_conf.c lib/guest_conf.h \
	lib/daemon.c lib/daemon.h \
	lib/daemon_args.c lib/daemon_args.h \
	lib/ipc_client.c lib/ipc_client.h \
	lib/cd_requests.c lib/cd_requests.h
lib_libcdcommon_la_LIBADD = $(QB_LIBS)
# ipc_client uses the generated wire code: a program that links it also
# links proto/libcdproto.la (after this library) and $(PROTOBUF_C_LIBS).
lib_libcdcommon_la_CFLAGS = $(AM_CFLAGS) $(PROTOBUF_C_CFLAGS)

# Cluster lifecycle helpers shared by clusterctl and clusterd's join
# endpoint: corosync.conf generation/editing and join tokens (OpenSSL).
noinst_LTLIBRARIES += lib/libcdjoin.la
lib_libcdjoin_la_SOURCES = \
	lib/corosync_conf_gen.c lib/corosync_conf_gen.h \
	lib/join_token.c lib/join_token.h
lib_libcdjoin_la_CFLAGS = $(AM_CFLAGS) $(SSL_CFLAGS)
lib_libcdjoin_la_LIBADD = $(SSL_LIBS)
