/*
 * qb_log setup shared by clusterd, haagent and clusterctl.
 *
 * libqb filters per target; we keep one threshold for all enabled targets
 * so that the debug switch means the same thing everywhere. stderr lines
 * carry a timestamp because test harness logs are read side by side across
 * nodes.
 */
#include "log.h"

#include <errno.h>
#include <strings.h>

static bool debug_enabled;
static unsigned enabled_targets;
static bool initialised;

static void apply_filters(void)
{
	int level = debug_enabled ? LOG_DEBUG : LOG_INFO;
	int targets[] = {QB_LOG_STDERR, QB_LOG_SYSLOG};
	unsigned flags[] = {LOG_TO_STDERR, LOG_TO_SYSLOG};

	for (unsigned i = 0; i < 2; i++) {
		bool on = enabled_targets & flags[i];

		qb_log_ctl(targets[i], QB_LOG_CONF_ENABLED,
			   on ? QB_TRUE : QB_FALSE);
		qb_log_filter_ctl(targets[i], QB_LOG_FILTER_CLEAR_ALL,
				  QB_LOG_FILTER_FILE, "*", LOG_TRACE);
		if (on)
			qb_log_filter_ctl(targets[i], QB_LOG_FILTER_ADD,
					  QB_LOG_FILTER_FILE, "*", level);
	}
}

void log_setup(const char *ident, unsigned targets, bool debug)
{
	if (initialised)
		qb_log_fini();
	qb_log_init(ident, LOG_DAEMON, LOG_INFO);
	initialised = true;
	enabled_targets = targets;
	debug_enabled = debug;
	qb_log_format_set(QB_LOG_STDERR, "%t %N[%P] %p: %b");
	qb_log_format_set(QB_LOG_SYSLOG, "%p: %b");
	apply_filters();
}

void log_set_debug(bool debug)
{
	debug_enabled = debug;
	if (initialised)
		apply_filters();
}

bool log_get_debug(void)
{
	return debug_enabled;
}

void log_shutdown(void)
{
	if (initialised)
		qb_log_fini();
	initialised = false;
}

int log_level_from_string(const char *s)
{
	static const struct {
		const char *name;
		int level;
	} names[] = {
	    {"debug", LOG_DEBUG},   {"info", LOG_INFO},
	    {"notice", LOG_NOTICE}, {"warning", LOG_WARNING},
	    {"err", LOG_ERR},	    {"error", LOG_ERR},
	    {"crit", LOG_CRIT},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (s && strcasecmp(s, names[i].name) == 0)
			return names[i].level;
	return -EINVAL;
}
