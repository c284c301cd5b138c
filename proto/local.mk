# C code for the wire messages is generated at build time, never committed.
noinst_LTLIBRARIES += proto/libcdproto.la
nodist_proto_libcdproto_la_SOURCES = proto/clusterd.pb-c.c proto/clusterd.pb-c.h
proto_libcdproto_la_CFLAGS = $(AM_CFLAGS) $(PROTOBUF_C_CFLAGS)
proto_libcdproto_la_LIBADD = $(PROTOBUF_C_LIBS)
BUILT_SOURCES += proto/clusterd.pb-c.c proto/clusterd.pb-c.h
CLEANFILES += proto/clusterd.pb-c.c proto/clusterd.pb-c.h
EXTRA_DIST += proto/clusterd.proto

proto/clusterd.pb-c.h: proto/clusterd.pb-c.c
proto/clusterd.pb-c.c: $(srcdir)/proto/clusterd.proto
	$(AM_V_GEN)$(MKDIR_P) proto && \
	$(PROTOC_C) --proto_path=$(srcdir)/proto --c_out=proto $(srcdir)/proto/clusterd.proto
