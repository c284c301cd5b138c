/*
 * haagent: the high-availability agent (cluster and local resource
 * manager).
 *
 * Process entry point and configuration; the daemon's life is
 * lib/daemon.c. Today haagent is the local resource manager of every node:
 * it registers with the local clusterd as the node's agent and runs the
 * guest operations addressed to this node (agent.c, lrm.c) with the
 * backend plugins (backend_loader.c). The CRM and fencing attach here as
 * they are built.
 *
 * "haagent --simulate FILE [--json]" runs an HA scenario through the
 * decision core instead (the same as "clusterctl ha simulate", see
 * docs/ha.md) and exits: 0 fine, 1 an invariant broke or FILE cannot be
 * read, 2 usage or scenario errors.
 */
#include "config.h"
#include "agent.h"
#include "daemon.h"
#include "daemon_args.h"
#include "ha_daemon.h"
#include "ha_sim.h"
#include "kvconf.h"
#include "log.h"
#include "macro.h"

#include <errno.h>
#include <string.h>

struct haagent_settings {
	char run_dir[256];
	char storage_dir[1024];
	char backend_dir[1024];
	char qemu_backend[33];
	char lxc_backend[33];
	char backend_options[256];
	bool migration_tls;
	bool ha;
	char watchdog[16];
	char watchdog_device[256];
	char watchdog_file[1024];
	char fence_agent_dir[256];
	unsigned fence_timeout;
	unsigned shutdown_timeout;
};

static struct haagent_settings settings = {
    .run_dir = RUNSTATEDIR "/clusterd",
    .storage_dir = LOCALSTATEDIR "/lib/clusterd/storage",
    .qemu_backend = "qemu",
    .lxc_backend = "lxc",
    .migration_tls = false,
    .ha = true,
    .watchdog = "linux",
    .watchdog_device = "/dev/watchdog",
    .fence_agent_dir = "/usr/sbin",
    .fence_timeout = 60,
    .shutdown_timeout = HA_SHUTDOWN_TIMEOUT_S,
};
static struct lrm *lrm;
static struct agent *agent;
static struct ha_daemon *ha;

static int seconds(const char *key, const char *value, unsigned line,
		   struct kvconf_error *err, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(value, &end, 10);

	if (end == value || *end || v == 0 || v > 3600)
		return kvconf_fail(err, line, "%s must be 1..3600 seconds",
				   key);
	*out = (unsigned)v;
	return 0;
}

static int apply_key(const char *key, const char *value, unsigned line,
		     struct kvconf_error *err, void *userdata)
{
	static const struct {
		const char *key;
		size_t offset, size;
	} keys[] = {
#define K(name, field)                                                         \
	{name, offsetof(struct haagent_settings, field),                       \
	 sizeof(((struct haagent_settings *)0)->field)}
	    K("run_dir", run_dir),
	    K("storage_dir", storage_dir),
	    K("backend_dir", backend_dir),
	    K("qemu_backend", qemu_backend),
	    K("lxc_backend", lxc_backend),
	    K("backend_options", backend_options),
	    K("watchdog", watchdog),
	    K("watchdog_device", watchdog_device),
	    K("watchdog_file", watchdog_file),
	    K("fence_agent_dir", fence_agent_dir),
#undef K
	};

	if (strcmp(key, "ha") == 0) {
		if (parse_bool(value,
			       &((struct haagent_settings *)userdata)->ha) < 0)
			return kvconf_fail(err, line, "ha must be yes or no");
		return 0;
	}
	if (strcmp(key, "fence_timeout") == 0)
		return seconds(
		    key, value, line, err,
		    &((struct haagent_settings *)userdata)->fence_timeout);
	if (strcmp(key, "shutdown_timeout") == 0)
		return seconds(
		    key, value, line, err,
		    &((struct haagent_settings *)userdata)->shutdown_timeout);
	if (strcmp(key, "migration_tls") == 0) {
		bool *b = &((struct haagent_settings *)userdata)->migration_tls;

		if (parse_bool(value, b) < 0)
			return kvconf_fail(err, line,
					   "migration_tls must be yes or no");
		return 0;
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(key, keys[i].key) != 0)
			continue;
		if (strlen(value) >= keys[i].size)
			return kvconf_fail(err, line, "%s is too long", key);
		strcpy((char *)userdata + keys[i].offset, value);
		return 0;
	}
	return kvconf_fail(err, line, "unknown key '%s'", key);
}

static int start_ha(void)
{
	int kind = ha_watchdog_kind_from_str(settings.watchdog);
	struct ha_daemon_config cfg = {
	    .watchdog = kind,
	    .watchdog_path = kind == HA_WD_TEST ? settings.watchdog_file
						: settings.watchdog_device,
	    .fence_dir = settings.fence_agent_dir,
	    .fence_timeout_ms = settings.fence_timeout * 1000ULL,
	};

	if (kind < 0)
		return log_error_errno(-EINVAL,
				       "watchdog must be linux, test or none, "
				       "not '%s'",
				       settings.watchdog);
	log_info("HA: watchdog %s%s%s, fence agents from %s", settings.watchdog,
		 cfg.watchdog_path[0] ? " " : "",
		 kind == HA_WD_NONE ? "" : cfg.watchdog_path, cfg.fence_dir);
	return ha_daemon_start(&cfg, &ha);
}

static int haagent_start(qb_loop_t *loop, const struct daemon_options *opts)
{
	struct lrm_config cfg = {
	    .run_dir = settings.run_dir,
	    .storage_dir = settings.storage_dir,
	    .backend_dir =
		settings.backend_dir[0] ? settings.backend_dir : NULL,
	    .qemu_backend = settings.qemu_backend,
	    .lxc_backend = settings.lxc_backend,
	    .backend_options =
		settings.backend_options[0] ? settings.backend_options : NULL,
	    .migration_tls = settings.migration_tls,
	};
	int r = lrm_new(&cfg, &lrm);

	if (r < 0)
		return log_error_errno(r, "Cannot set up the LRM");
	log_info("Guests: backends from %s, storage %s",
		 cfg.backend_dir ? cfg.backend_dir : backend_dir(),
		 cfg.storage_dir);
	r = agent_start(lrm, &agent);
	if (r < 0 || !settings.ha)
		return r;
	return start_ha();
}

static void haagent_stop(void)
{
	char msg[64];

	if (ha) {
		/* systemd waits that long (and the unit's TimeoutStopSec,
		 * HA_STOP_TIMEOUT_S, covers the default) */
		snprintf(msg, sizeof(msg), "EXTEND_TIMEOUT_USEC=%llu",
			 (settings.shutdown_timeout + 10) * 1000000ULL);
		daemon_notify(msg);
		ha_daemon_shutdown(ha, settings.shutdown_timeout * 1000ULL);
	}
	ha_daemon_stop(ha);
	agent_stop(agent);
	lrm_free(lrm);
}

static int simulate_main(int argc, char **argv)
{
	_cleanup_free_ char *text = NULL;
	bool json = argc == 4 && strcmp(argv[3], "--json") == 0;
	size_t len;
	int r;

	if (argc != 3 && !json) {
		fprintf(stderr, "Usage: haagent --simulate FILE [--json]\n");
		return 2;
	}
	r = kvconf_read_file(argv[2], &text, &len);
	if (r < 0) {
		fprintf(stderr, "haagent: %s: %s\n", argv[2], strerror(-r));
		return 1;
	}
	r = ha_sim_text(text, argv[2], json, stdout, stderr);
	return r == -EINVAL ? 2 : r < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct daemon_info info = {
	    .name = "haagent",
	    .summary = "Run this node's guests; fence failed nodes and "
		       "recover their guests.",
	    .default_config = SYSCONFDIR "/clusterd/haagent.conf",
	    .config_key = apply_key,
	    .config_userdata = &settings,
	};

	if (argc >= 2 && strcmp(argv[1], "--simulate") == 0)
		return simulate_main(argc, argv);
	return daemon_main(argc, argv, &info, haagent_start, haagent_stop);
}
