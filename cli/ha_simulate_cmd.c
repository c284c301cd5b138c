/*
 * "clusterctl ha simulate FILE": run an HA scenario through haagent's decision
 * core (haagent/ha_sim*.c) and print the timestamped event log, or with
 * --output json the final state. It needs no cluster: it never calls clusterd.
 *
 * Exit status: 0 the scenario ran and every invariant held; 1 an
 * invariant broke (the log says where) or the file cannot be read; 2 usage
 * or scenario syntax errors (each as FILE:LINE: reason).
 */
#include "config.h"

#include "cli.h"
#include "ha_cli.h"
#include "ha_sim.h"
#include "kvconf.h"
#include "macro.h"

#include <errno.h>
#include <string.h>

static const char help_simulate[] =
    "Usage: clusterctl ha simulate [-o json] FILE\n"
    "\n"
    "Run the HA scenario FILE through haagent's CRM and LRM code against\n"
    "simulated nodes, membership, watchdogs, fence agents and guests, and\n"
    "print the timestamped event log; with --output json print the final\n"
    "state instead:\n"
    "  {\"services\": {SID: {\"state\", \"node\"}}, \"running\": {SID: "
    "[NODE]},\n"
    "   \"nodes\": {NODE: {\"power\", \"state\"}}}\n"
    "Invariants 6 (a guest never runs on two nodes) and 7 (a node without\n"
    "quorum is reset before its self-fence deadline) are checked at every\n"
    "simulated instant. The scenario format is in docs/ha.md.\n"
    "\n"
    "Example scenario:\n"
    "  nodes n1 n2 n3\n"
    "  service vm:101 node=n3 state=started\n"
    "  rule node-affinity r1 resources=vm:101 nodes=n3:2,n2:1\n"
    "  step power n1 on; power n2 on; power n3 on\n"
    "  step network n3 off\n"
    "\n"
    "Exit status:\n"
    "  0  the scenario ran and every invariant held\n"
    "  1  an invariant broke (the log says when and where), or FILE\n"
    "     cannot be read\n"
    "  2  usage error, or errors in FILE (each as FILE:LINE: reason)\n";

int ha_simulate_cmd(struct cli_ctx *ctx, int argc, char **argv)
{
	static const char *const names[] = {"FILE"};
	const struct cli_optspec spec = {.help = help_simulate};
	_cleanup_free_ char **pos = calloc(argc > 0 ? argc : 1, sizeof(*pos));
	_cleanup_free_ char *text = NULL;
	size_t len;
	int npos, e;

	if (!pos)
		return CLI_EXIT_FAILED;
	e = cli_parse_all(ctx, argc, argv, &spec, pos, &npos);
	if (e == CLI_HANDLED)
		return CLI_EXIT_OK;
	if (e < 0 || cli_check_args(ctx, "ha simulate", pos, npos, names, 1,
				    1) != CLI_PARSED)
		return CLI_EXIT_USAGE;
	e = kvconf_read_file(pos[0], &text, &len);
	if (e < 0)
		return cli_fail(ctx, "ha simulate", -e, strerror(-e), pos[0]);
	e = ha_sim_text(text, pos[0], ctx->output == CLI_OUTPUT_JSON, ctx->out,
			ctx->err);
	if (e == -EINVAL)
		return CLI_EXIT_USAGE;
	return e < 0 ? CLI_EXIT_FAILED : CLI_EXIT_OK;
}
