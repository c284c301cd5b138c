/*
 * clusterd: the per-node cluster daemon.
 *
 * This file is the process entry point. The daemon's life (arguments,
 * configuration, logging, systemd notification, signals) is lib/daemon.c;
 * the replicated configuration tree, quorum tracking, the IPC endpoint and
 * the FUSE view attach to the event loop from clusterd_start() as they are
 * built. Until then clusterd is a well-behaved daemon that does nothing.
 */
#include "config.h"
#include "daemon.h"
#include "daemon_args.h"
#include "log.h"

static int clusterd_start(qb_loop_t *loop, const struct daemon_options *opts)
{
	log_notice("Replication is not implemented yet: clusterd idles");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct daemon_info info = {
	    .name = "clusterd",
	    .summary = "Replicate the cluster configuration over Corosync.",
	    .default_config = SYSCONFDIR "/clusterd/clusterd.conf",
	};

	return daemon_main(argc, argv, &info, clusterd_start);
}
