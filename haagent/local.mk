# haagent, its backend loader and the guest backend plugins.
#
# Plugins are libtool modules installed in $(backenddir) and loaded with
# dlopen; each links haagent/libbackend.la (shared helpers) so it needs no
# symbol of the program that loads it. In the build tree they sit in
# haagent/backends/.libs (CLUSTERD_BACKEND_DIR for tests).
backenddir = $(pkglibdir)/backends

noinst_LTLIBRARIES += haagent/libbackend.la haagent/libhaagent.la
haagent_libbackend_la_SOURCES = haagent/backend.h haagent/backend_util.c
haagent_libbackend_la_CFLAGS = $(AM_CFLAGS)

# Everything of haagent but main(), for the unit tests.
haagent_libhaagent_la_SOURCES = \
	haagent/backend_loader.c haagent/backend_loader.h \
	haagent/cdcall.c haagent/cdcall.h \
	haagent/lrm.c haagent/lrm_migrate.c haagent/lrm.h \
	haagent/agent.c haagent/agent.h \
	haagent/migration_tls.c haagent/migration_tls.h \
	haagent/ha_daemon.c haagent/ha_daemon.h haagent/ha_io.c haagent/ha_io.h \
	haagent/ha_exec.c haagent/ha_exec.h haagent/ha_fence.c haagent/ha_fence.h \
	haagent/ha_watchdog.c haagent/ha_watchdog.h \
	haagent/ha_shutdown.c haagent/ha_shutdown.h \
	haagent/ha_watch.c haagent/ha_watch.h \
	haagent/ha_locate.c haagent/ha_locate.h
haagent_libhaagent_la_CPPFLAGS = $(AM_CPPFLAGS) -DBACKENDDIR='"$(backenddir)"'
haagent_libhaagent_la_CFLAGS = $(AM_CFLAGS) $(PROTOBUF_C_CFLAGS) -pthread
haagent_libhaagent_la_LIBADD = haagent/libbackend.la -ldl -lpthread
$(haagent_libhaagent_la_OBJECTS): proto/clusterd.pb-c.h

# How long stopping haagent may take to carry out the HA shutdown policy
# (haagent.conf shutdown_timeout), and the unit's TimeoutStopSec
# (data/haagent.service.in): a little more.
HA_SHUTDOWN_TIMEOUT_S = 170
HA_STOP_TIMEOUT_S = 180

sbin_PROGRAMS += haagent/haagent
haagent_haagent_SOURCES = haagent/main.c
haagent_haagent_CFLAGS = $(AM_CFLAGS) $(PROTOBUF_C_CFLAGS) \
	-DHA_SHUTDOWN_TIMEOUT_S=$(HA_SHUTDOWN_TIMEOUT_S)
haagent_haagent_LDADD = haagent/libhaagent.la haagent/libhacore.la lib/libcdcommon.la \
	proto/libcdproto.la $(QB_LIBS) $(PROTOBUF_C_LIBS) $(JSON_LIBS) -lpthread

BACKEND_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shared
backend_LTLIBRARIES = haagent/backends/sim.la
haagent_backends_sim_la_SOURCES = haagent/backends/sim.c
haagent_backends_sim_la_CFLAGS = $(AM_CFLAGS) -I$(top_srcdir)/haagent
haagent_backends_sim_la_LDFLAGS = $(BACKEND_LDFLAGS)
haagent_backends_sim_la_LIBADD = haagent/libbackend.la

backend_LTLIBRARIES += haagent/backends/qemu.la
haagent_backends_qemu_la_SOURCES = haagent/backends/qemu.c \
	haagent/backends/qemu_internal.h haagent/backends/qemu_proc.c \
	haagent/backends/qemu_migrate.c haagent/backends/qemu_validate.c \
	haagent/backends/qemu_cmdline.c haagent/backends/qemu_cmdline.h \
	haagent/backends/qmp.c haagent/backends/qmp.h \
	lib/guest_conf.c lib/kvconf.c
haagent_backends_qemu_la_CFLAGS = $(AM_CFLAGS) $(JSON_CFLAGS) \
	-I$(top_srcdir)/haagent
haagent_backends_qemu_la_LDFLAGS = $(BACKEND_LDFLAGS)
haagent_backends_qemu_la_LIBADD = haagent/libbackend.la $(JSON_LIBS)

backend_LTLIBRARIES += haagent/backends/lxc.la
haagent_backends_lxc_la_SOURCES = haagent/backends/lxc.c
haagent_backends_lxc_la_CFLAGS = $(AM_CFLAGS) $(LXC_CFLAGS) \
	-I$(top_srcdir)/haagent
haagent_backends_lxc_la_LDFLAGS = $(BACKEND_LDFLAGS)
haagent_backends_lxc_la_LIBADD = haagent/libbackend.la $(LXC_LIBS)

# The HA decision core: CRM, LRM, placement, config parsers and the
# simulator, pure code without clock or I/O (docs/ha.md). A convenience
# library so that haagent, clusterctl ("ha simulate") and the unit tests
# link the same code.
noinst_LTLIBRARIES += haagent/libhacore.la
haagent_libhacore_la_SOURCES = \
	haagent/ha_types.h haagent/ha_types.c \
	haagent/ha_config.h haagent/ha_config.c haagent/ha_config_file.c \
	haagent/ha_place.h haagent/ha_place.c \
	haagent/ha_status.h haagent/ha_status.c \
	haagent/ha_report.h haagent/ha_report.c \
	haagent/ha_crm.h haagent/ha_crm_int.h haagent/ha_crm.c \
	haagent/ha_crm_node.c haagent/ha_crm_svc.c haagent/ha_crm_cmd.c \
	haagent/ha_lrm.h haagent/ha_lrm.c \
	haagent/ha_sim.h haagent/ha_sim_int.h haagent/ha_sim.c \
	haagent/ha_sim_world.c haagent/ha_sim_run.c haagent/ha_sim_scenario.c \
	haagent/ha_sim_step.c
haagent_libhacore_la_CFLAGS = $(AM_CFLAGS) $(JSON_CFLAGS)
haagent_libhacore_la_LIBADD = $(JSON_LIBS)
