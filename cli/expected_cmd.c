/*
 * "clusterctl expected N [--force]": a temporary expected-votes override
 * for clusterd and votequorum (clusterd/expected.h has the rules: at least
 * the votes present, refused while a node outside this partition is
 * reachable unless --force, over at the next membership change).
 */
#include "config.h"

#include "cd_requests.h"
#include "lifecycle.h"

#include <stdio.h>

static const struct option expected_longopts[] = {
    {"force", no_argument, NULL, LC_OPT_FORCE},
    {},
};

static int set_expected(struct cli_ctx *ctx, uint32_t votes, bool force)
{
	Clusterd__ExpectedRequest q = CLUSTERD__EXPECTED_REQUEST__INIT;
	Clusterd__Request req = CD_REQUEST(EXPECTED, expected, &q);
	Clusterd__Reply *rep = NULL;
	char text[64], v[16];
	int r;

	q.votes = votes;
	q.force = force;
	r = lc_call(ctx, &req, "expected", CLUSTERD__REPLY__RESULT_EXPECTED,
		    &rep);
	if (r)
		return r;
	clusterd__reply__free_unpacked(rep, NULL);
	snprintf(v, sizeof(v), "%u", votes);
	snprintf(text, sizeof(text), "Expected votes set to %u", votes);
	return lc_done(ctx, text,
		       (const char *const[]){"expected_votes", v, NULL});
}

static int expected_check(struct cli_ctx *ctx, struct lc_args *a)
{
	if (cli_parse_u64(a->pos[0], &a->number) < 0 || a->number == 0 ||
	    a->number > 65535)
		return cli_usage_error(ctx, "expected: invalid vote count '%s'",
				       a->pos[0]);
	return CLI_PARSED;
}

static int run_expected(struct cli_ctx *ctx, struct lc_args *a)
{
	return set_expected(ctx, (uint32_t)a->number, a->force);
}

int expected_main(struct cli_ctx *ctx, int argc, char **argv)
{
	static const char *const names[] = {"N"};
	static const struct lc_command cmd = {.name = "expected",
					      .longopts = expected_longopts,
					      .help = cli_help_expected,
					      .names = names,
					      .min = 1,
					      .max = 1,
					      .check = expected_check,
					      .run = run_expected};

	return lc_main(ctx, argc, argv, &cmd);
}
