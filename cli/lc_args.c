/*
 * Argument parsing shared by the lifecycle commands: one option handler
 * for every option they have, each command listing the subset it takes,
 * so that an option means the same and is checked the same everywhere.
 */
#include "config.h"

#include "corosync_conf_gen.h"
#include "lifecycle.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int lc_parse_ttl(const char *s, int64_t *out)
{
	uint64_t v;
	char num[24];
	size_t n = strlen(s);
	int64_t mult = 1;

	if (n == 0 || n >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, n + 1);
	switch (num[n - 1]) {
	case 's': mult = 1; break;
	case 'm': mult = 60; break;
	case 'h': mult = 3600; break;
	case 'd': mult = 86400; break;
	default: n++; break;
	}
	num[n - 1] = '\0';
	if (cli_parse_u64(num, &v) < 0 || v == 0 ||
	    v > (uint64_t)(30 * 86400 / mult))
		return -EINVAL;
	*out = (int64_t)v * mult;
	return 0;
}

static int lc_option(struct cli_ctx *ctx, int opt, const char *arg,
		     void *userdata)
{
	struct lc_args *a = userdata;

	switch (opt) {
	case LC_OPT_LINK0:
	case LC_OPT_LINK1:
		if (!lc_valid_address(arg))
			return cli_usage_error(ctx, "invalid address '%s'",
					       arg);
		a->link[opt - LC_OPT_LINK0] = arg;
		return CLI_PARSED;
	case LC_OPT_NO_CRYPTO: a->no_crypto = true; return CLI_PARSED;
	case LC_OPT_FORCE: a->force = true; return CLI_PARSED;
	case LC_OPT_TOKEN: a->token = arg; return CLI_PARSED;
	case LC_OPT_TTL:
		if (lc_parse_ttl(arg, &a->ttl_s) < 0)
			return cli_usage_error(
			    ctx, "invalid --ttl '%s' (e.g. 30m, 1h, 2d)", arg);
		return CLI_PARSED;
	default: return cli_usage_error(ctx, "unknown option");
	}
}

int lc_parse(struct cli_ctx *ctx, int argc, char **argv,
	     const struct option *longopts, const char *help, const char *cmd,
	     const char *const *names, int min, int max, struct lc_args *a)
{
	const struct cli_optspec spec = {.longopts = longopts,
					 .handle = lc_option,
					 .userdata = a,
					 .help = help};
	int e;

	memset(a, 0, sizeof(*a));
	a->ttl_s = 3600;
	a->pos = calloc(argc + 1, sizeof(*a->pos));
	if (!a->pos)
		return -ENOMEM;
	e = cli_parse_all(ctx, argc, argv, &spec, a->pos, &a->npos);
	if (e == CLI_PARSED)
		e = cli_check_args(ctx, cmd, a->pos, a->npos, names, min, max);
	return e;
}

void lc_args_done(struct lc_args *a)
{
	free(a->pos);
	a->pos = NULL;
}

int lc_main(struct cli_ctx *ctx, int argc, char **argv,
	    const struct lc_command *cmd)
{
	struct lc_args a;
	int e = lc_parse(ctx, argc, argv, cmd->longopts, cmd->help, cmd->name,
			 cmd->names, cmd->min, cmd->max, &a);

	if (e == CLI_PARSED && cmd->check)
		e = cmd->check(ctx, &a);
	if (e == CLI_PARSED)
		e = cmd->run(ctx, &a);
	else
		e = e == CLI_HANDLED ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	lc_args_done(&a);
	return e;
}
