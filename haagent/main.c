/*
 * haagent: the high-availability agent (cluster and local resource manager).
 *
 * Process entry point only; the daemon's life is lib/daemon.c. The CRM, the
 * LRM, fencing and the guest backends attach from haagent_start() as they
 * are built. Until then haagent is a well-behaved daemon that does nothing.
 */
#include "config.h"
#include "daemon.h"
#include "daemon_args.h"
#include "log.h"

static int haagent_start(qb_loop_t *loop, const struct daemon_options *opts)
{
	log_notice("HA management is not implemented yet: haagent idles");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct daemon_info info = {
	    .name = "haagent",
	    .summary = "Fence failed nodes and recover their guests.",
	    .default_config = SYSCONFDIR "/clusterd/haagent.conf",
	};

	return daemon_main(argc, argv, &info, haagent_start, NULL);
}
