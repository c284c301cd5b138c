sbin_PROGRAMS += haagent/haagent
haagent_haagent_SOURCES = haagent/main.c
haagent_haagent_LDADD = haagent/libhacore.la lib/libcdcommon.la $(QB_LIBS) \
	$(JSON_LIBS)

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
	haagent/ha_crm.h haagent/ha_crm_int.h haagent/ha_crm.c \
	haagent/ha_crm_node.c haagent/ha_crm_svc.c haagent/ha_crm_cmd.c \
	haagent/ha_lrm.h haagent/ha_lrm.c \
	haagent/ha_sim.h haagent/ha_sim_int.h haagent/ha_sim.c \
	haagent/ha_sim_world.c haagent/ha_sim_run.c haagent/ha_sim_scenario.c \
	haagent/ha_sim_step.c
haagent_libhacore_la_CFLAGS = $(AM_CFLAGS) $(JSON_CFLAGS)
haagent_libhacore_la_LIBADD = $(JSON_LIBS)
