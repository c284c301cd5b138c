# The FUSE filesystem (/etc/cluster), linked into clusterd.
noinst_LTLIBRARIES += configfs/libconfigfs.la
configfs_libconfigfs_la_SOURCES = \
	configfs/configfs.h configfs/internal.h configfs/session.c \
	configfs/inode.c configfs/attr.c configfs/ops_read.c \
	configfs/handle.c configfs/ops_write.c configfs/virtual.c
configfs_libconfigfs_la_CFLAGS = $(AM_CFLAGS) $(FUSE_CFLAGS) $(JSON_CFLAGS) \
	$(PROTOBUF_C_CFLAGS) -I$(top_srcdir)/clusterd
configfs_libconfigfs_la_LIBADD = $(FUSE_LIBS) $(JSON_LIBS)
EXTRA_DIST += configfs/README.md
