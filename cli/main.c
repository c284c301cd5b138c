/*
 * clusterctl: the command-line interface of clusterd.
 *
 * main() only binds the real world to the command code in cli/libcli.la:
 * the standard streams, and a transport that connects to the local
 * clusterd's IPC service on first use (lib/ipc_client.c), so --help and
 * usage errors work without a daemon. Exit codes are stable, for scripts:
 * 0 success, 1 the operation failed, 2 usage error; see cli.h and
 * clusterctl(8).
 */
#include "config.h"

#include "cli.h"
#include "ipc_client.h"

#include <errno.h>
#include <string.h>

struct ipc_transport {
	struct ipc_client *client;
	struct cli_ctx *ctx;
};

static int ipc_call(void *userdata, Clusterd__Request *req, int timeout_ms,
		    Clusterd__Reply **reply)
{
	struct ipc_transport *t = userdata;
	int r;

	if (!t->client) {
		r = ipc_client_connect(&t->client);
		if (r < 0)
			return r;
	}
	ipc_client_set_event_hook(t->client, t->ctx->on_event,
				  t->ctx->on_event_data);
	return ipc_client_call(t->client, req, timeout_ms, reply);
}

static int ipc_next_event(void *userdata, int timeout_ms,
			  Clusterd__Event **event)
{
	struct ipc_transport *t = userdata;

	if (!t->client)
		return -ENOTCONN;
	return ipc_client_next_event(t->client, timeout_ms, event);
}

int main(int argc, char **argv)
{
	struct ipc_transport transport = {};
	struct cli_ctx ctx;
	int rc;

	transport.ctx = &ctx;
	cli_ctx_init(&ctx, ipc_call, &transport);
	ctx.next_event = ipc_next_event;
	rc = cli_run(&ctx, argc, argv);
	ipc_client_free(transport.client);
	if (fflush(stdout) != 0 && rc == CLI_EXIT_OK) {
		fprintf(stderr, "clusterctl: cannot write output: %s\n",
			strerror(errno));
		rc = CLI_EXIT_FAILED;
	}
	return rc;
}
