# clusterctl is main.c plus cli/libcli.la, the convenience library that
# holds every command so that tests/unit/test-cli links the same code.
noinst_LTLIBRARIES += cli/libcli.la
cli_libcli_la_SOURCES = \
	cli/cli.h \
	cli/dispatch.c \
	cli/options.c \
	cli/config_cmd.c \
	cli/members_cmd.c cli/watch_cmd.c \
	cli/lock_cmd.c \
	cli/lock_hold.c \
	cli/node_status_cmd.c \
	cli/request_ext.c \
	cli/output_ext.c \
	cli/request.c \
	cli/output.c \
	cli/table.c \
	cli/format.c \
	cli/errors.c \
	cli/help.c cli/help_common.h \
	cli/ha_simulate_cmd.c cli/ha_cmd.c cli/ha_cli.h cli/ha_tree.c \
	cli/ha_status_cmd.c cli/ha_help.c \
	cli/lifecycle.h cli/lc_args.c cli/lc_util.c cli/starter.c \
	cli/create_cmd.c cli/token_cmd.c cli/join_cmd.c cli/join_client.c \
	cli/leave_cmd.c cli/status_cmd.c cli/help_lifecycle.c \
	cli/expected_cmd.c \
	cli/guest.h cli/guest_cmd.c cli/guest_tree.c cli/guest_output.c \
	cli/guest_help.c
cli_libcli_la_CFLAGS = $(AM_CFLAGS) $(PROTOBUF_C_CFLAGS) $(JSON_CFLAGS) \
	$(SSL_CFLAGS) $(CMAP_CFLAGS) -I$(top_srcdir)/haagent
cli_libcli_la_LIBADD = haagent/libhacore.la lib/libcdjoin.la $(JSON_LIBS) \
	$(SSL_LIBS) $(CMAP_LIBS)
# The generated header, also when a single target is made.
$(cli_libcli_la_OBJECTS) $(cli_clusterctl_OBJECTS): proto/clusterd.pb-c.h

# Link order: libcli uses libcdcommon (ipc_client), which uses the
# generated wire code in libcdproto.
CLI_LDADD = cli/libcli.la lib/libcdcommon.la proto/libcdproto.la \
	$(JSON_LIBS) $(PROTOBUF_C_LIBS) $(QB_LIBS) $(SSL_LIBS) $(CMAP_LIBS)

sbin_PROGRAMS += cli/clusterctl
cli_clusterctl_SOURCES = cli/main.c
cli_clusterctl_CFLAGS = $(AM_CFLAGS) $(PROTOBUF_C_CFLAGS)
cli_clusterctl_LDADD = $(CLI_LDADD)
