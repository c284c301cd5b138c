/*
 * haagent: the high-availability agent (cluster and local resource manager).
 *
 * Process entry point only; the daemon's life is lib/daemon.c. The CRM, the
 * LRM, fencing and the guest backends attach from haagent_start() as they
 * are built. Until then haagent is a well-behaved daemon that does nothing.
 *
 * "haagent --simulate FILE [--json]" runs an HA scenario through the
 * decision core instead (the same as "clusterctl ha simulate", see
 * docs/ha.md) and exits: 0 fine, 1 an invariant broke or FILE cannot be
 * read, 2 usage or scenario errors.
 */
#include "config.h"
#include "daemon.h"
#include "daemon_args.h"
#include "ha_sim.h"
#include "kvconf.h"
#include "log.h"
#include "macro.h"

#include <errno.h>
#include <string.h>

static int haagent_start(qb_loop_t *loop, const struct daemon_options *opts)
{
	log_notice("HA management is not implemented yet: haagent idles");
	return 0;
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
	    .summary = "Fence failed nodes and recover their guests.",
	    .default_config = SYSCONFDIR "/clusterd/haagent.conf",
	};

	if (argc >= 2 && strcmp(argv[1], "--simulate") == 0)
		return simulate_main(argc, argv);
	return daemon_main(argc, argv, &info, haagent_start, NULL);
}
