/*
 * "clusterctl members": the cluster's name, quorum and sync state, and its
 * nodes, as seen by the local clusterd. It takes no arguments; the reply
 * is printed by output.c.
 */
#include "config.h"

#include "cli.h"
#include "macro.h"

#include <errno.h>

int members_parse(struct cli_ctx *ctx, int argc, char **argv,
		  struct cli_request *r)
{
	const struct cli_optspec spec = {.help = cli_help_members};
	_cleanup_free_ char **pos = calloc(argc > 0 ? argc : 1, sizeof(*pos));
	int npos, e;

	if (!pos)
		return -ENOMEM;
	e = cli_parse_all(ctx, argc, argv, &spec, pos, &npos);
	if (e != CLI_PARSED)
		return e;
	e = cli_check_args(ctx, "members", pos, npos, NULL, 0, 0);
	if (e != CLI_PARSED)
		return e;
	cli_request_init(r, CLI_OP_MEMBERS);
	return CLI_PARSED;
}

int members_main(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_request r;

	return cli_finish(ctx, members_parse(ctx, argc, argv, &r), &r);
}
