/*
 * clusterctl's top level: the global options, then the command.
 *
 * Options before the command are parsed here (stopping at the command's
 * name); the command parses the rest, global options included, so
 * "clusterctl -o json members" and "clusterctl members -o json" mean the
 * same. A command is a function of its own argv (ARGV[0] its name) that
 * returns the exit code; "config" has subcommands of its own
 * (config_cmd.c).
 */
#include "config.h"

#include "cli.h"
#include "lifecycle.h"
#include "macro.h"

#include <string.h>

static const struct {
	const char *name;
	int (*main)(struct cli_ctx *ctx, int argc, char **argv);
} commands[] = {
    {"config", config_main}, {"members", members_main},
    {"watch", watch_main},   {"lock", lock_main},
    {"locks", locks_main},   {"node-status", node_status_main},
    {"ha", ha_main},
    /* lifecycle.h */
    {"create", create_main}, {"join-token", join_token_main},
    {"join", join_main},     {"leave", leave_main},
    {"node", node_main},     {"status", status_main},
    {"nodes", nodes_main},   {"expected", expected_main},
    {"guest", guest_main},
};

void cli_ctx_init(struct cli_ctx *ctx, cli_call_fn call, void *call_data)
{
	*ctx = (struct cli_ctx){
	    .in = stdin,
	    .out = stdout,
	    .err = stderr,
	    .call = call,
	    .call_data = call_data,
	    .output = CLI_OUTPUT_TEXT,
	    .timeout_ms = CLI_DEFAULT_TIMEOUT_MS,
	};
}

bool cli_group_begin(struct cli_ctx *ctx, int argc, char **argv,
		     const char *group, const char *help, int *first,
		     int *exit_code)
{
	const struct cli_optspec spec = {.help = help};
	int e = cli_parse_leading(ctx, argc, argv, &spec, first);

	*exit_code = e == CLI_HANDLED ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	if (e < 0 || e == CLI_HANDLED)
		return false;
	if (*first >= argc) {
		cli_usage_error(ctx, "%s: missing command", group);
		return false;
	}
	return true;
}

int cli_group_main(struct cli_ctx *ctx, int argc, char **argv,
		   const char *group, const char *help, cli_parse_fn parse)
{
	struct cli_request r;
	int first, e;

	if (!cli_group_begin(ctx, argc, argv, group, help, &first, &e))
		return e;
	e = parse(ctx, argc - first, argv + first, &r);
	return cli_finish(ctx, e, &r);
}

int cli_run(struct cli_ctx *ctx, int argc, char **argv)
{
	const struct cli_optspec spec = {.help = cli_help_main};
	int first, r;

	r = cli_parse_leading(ctx, argc, argv, &spec, &first);
	if (r < 0)
		return CLI_EXIT_USAGE;
	if (r == CLI_HANDLED)
		return CLI_EXIT_OK;
	if (first >= argc) {
		cli_usage_error(ctx, "missing command");
		return CLI_EXIT_USAGE;
	}
	for (size_t i = 0; i < ELEMENTSOF(commands); i++)
		if (strcmp(argv[first], commands[i].name) == 0)
			return commands[i].main(ctx, argc - first,
						argv + first);
	cli_usage_error(ctx, "unknown command '%s'", argv[first]);
	return CLI_EXIT_USAGE;
}
