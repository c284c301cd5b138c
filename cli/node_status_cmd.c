/*
 * "clusterctl node-status set|get|ls": the node status store, a small
 * key/value map per node that only that node writes and every node reads
 * (not persisted; kept while the node is in the group).
 *
 * "set" always writes this node's map: the owner is whoever sends, so
 * there is nothing to name. NODE, where a command takes one, is a node ID
 * or a name from the corosync nodelist, resolved by clusterd. The name
 * stays "node-status": a bare "status" is kept for a cluster overview.
 */
#include "config.h"

#include "cli.h"
#include "macro.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const set_args[] = {"KEY", "VALUE"};
static const char *const get_args[] = {"NODE", "KEY"};
static const char *const ls_args[] = {"NODE"};

static const struct {
	const char *name;
	enum cli_op op;
	const char *help;
	const char *const *arg_names;
	int min_args, max_args;
} subcommands[] = {
    {"set", CLI_OP_STATUS_SET, cli_help_node_status_set, set_args, 2, 2},
    {"get", CLI_OP_STATUS_GET, cli_help_node_status_get, get_args, 2, 2},
    {"ls", CLI_OP_STATUS_LS, cli_help_node_status_ls, ls_args, 0, 1},
};

static void fill(struct cli_request *r, enum cli_op op, char **pos, int npos)
{
	cli_request_init(r, op);
	switch (op) {
	case CLI_OP_STATUS_SET:
		r->body.status_set.key = pos[0];
		r->body.status_set.value.data = (uint8_t *)pos[1];
		r->body.status_set.value.len = strlen(pos[1]);
		break;
	case CLI_OP_STATUS_GET:
		r->body.status_get.node = pos[0];
		r->body.status_get.key = pos[1];
		break;
	default: r->body.status_list.node = npos ? pos[0] : ""; break;
	}
}

int node_status_parse(struct cli_ctx *ctx, int argc, char **argv,
		      struct cli_request *r)
{
	_cleanup_free_ char *cmd = NULL;
	_cleanup_free_ char **pos = NULL;
	struct cli_optspec spec = {};
	int npos, e;

	for (size_t i = 0; i < ELEMENTSOF(subcommands); i++) {
		if (strcmp(argv[0], subcommands[i].name) != 0)
			continue;
		spec.help = subcommands[i].help;
		pos = calloc(argc, sizeof(*pos));
		if (!pos || asprintf(&cmd, "node-status %s", argv[0]) < 0)
			return -ENOMEM;
		e = cli_parse_all(ctx, argc, argv, &spec, pos, &npos);
		if (e == CLI_PARSED)
			e = cli_check_args(
			    ctx, cmd, pos, npos, subcommands[i].arg_names,
			    subcommands[i].min_args, subcommands[i].max_args);
		if (e == CLI_PARSED)
			fill(r, subcommands[i].op, pos, npos);
		return e;
	}
	return cli_usage_error(ctx, "node-status: unknown command '%s'",
			       argv[0]);
}

int node_status_main(struct cli_ctx *ctx, int argc, char **argv)
{
	return cli_group_main(ctx, argc, argv, "node-status",
			      cli_help_node_status, node_status_parse);
}
