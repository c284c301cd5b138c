# The daemon's modules live in a convenience library so that unit tests
# link the same code the daemon runs.
noinst_LTLIBRARIES += clusterd/libclusterdcore.la
clusterd_libclusterdcore_la_SOURCES = \
	clusterd/tree.c clusterd/tree.h \
	clusterd/tree_index.c clusterd/tree_sync.c clusterd/tree_internal.h \
	clusterd/store.c clusterd/store.h \
	clusterd/replica.c clusterd/replica.h clusterd/replica_internal.h \
	clusterd/replica_write.c clusterd/replica_sync.c clusterd/replica_audit.c \
	clusterd/replica_stage.c clusterd/replica_chunk.c \
	clusterd/transport.c clusterd/transport.h \
	clusterd/ipc_server.c clusterd/ipc_server.h \
	clusterd/ipc_requests.c clusterd/ipc_members.c \
	clusterd/settings.c clusterd/settings.h clusterd/clusterd.h \
	clusterd/locks.c clusterd/locks_sync.c clusterd/locks.h \
	clusterd/locks_internal.h clusterd/status.c clusterd/status.h \
	clusterd/ipc_pending.c clusterd/ipc_pending.h clusterd/ipc_locks.c \
	clusterd/ipc_locks.h clusterd/ipc_status.c \
	clusterd/watchdog.c clusterd/watchdog.h \
	clusterd/corosync_conf.c clusterd/corosync_conf.h \
	clusterd/ipc_watch.c clusterd/ipc_watch.h \
	clusterd/join_server.c clusterd/join_server.h clusterd/join_internal.h \
	clusterd/join_handler.c clusterd/join_info.c \
	clusterd/join_tls.c clusterd/join_tls.h \
	clusterd/expected.c clusterd/expected.h \
	clusterd/write_queue.c clusterd/write_queue.h \
	clusterd/guest_ids.c clusterd/guest_ids.h \
	clusterd/clusterlog.c clusterd/clusterlog.h \
	clusterd/relay.c clusterd/relay.h
clusterd_libclusterdcore_la_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS) \
	$(PROTOBUF_C_CFLAGS) $(CPG_CFLAGS) $(CMAP_CFLAGS) $(CFG_CFLAGS) \
	$(SSL_CFLAGS) $(VOTEQUORUM_CFLAGS)
clusterd_libclusterdcore_la_LIBADD = lib/libcdjoin.la proto/libcdproto.la $(SQLITE_LIBS) $(SSL_LIBS) $(VOTEQUORUM_LIBS) \
	$(CPG_LIBS) $(CMAP_LIBS) $(CFG_LIBS) $(QB_LIBS)

sbin_PROGRAMS += clusterd/clusterd
clusterd_clusterd_SOURCES = clusterd/main.c
clusterd_clusterd_LDADD = configfs/libconfigfs.la clusterd/libclusterdcore.la \
	lib/libcdcommon.la $(QB_LIBS)
clusterd_clusterd_CFLAGS = $(AM_CFLAGS) $(PROTOBUF_C_CFLAGS) $(CPG_CFLAGS) \
	$(CMAP_CFLAGS) -I$(top_srcdir)/configfs -I$(top_srcdir)/clusterd
