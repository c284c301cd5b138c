/*
 * "clusterctl config ...": the commands on clusterd's configuration tree.
 *
 * A table names each subcommand with its operation, help text, positional
 * arguments and own options; one parser serves them all and fills a
 * struct cli_request (request.c executes it, output.c prints the reply).
 * Paths lose an optional leading '/'; anything else about them is for
 * clusterd to judge, so the rules live in one place.
 *
 * "put" takes VALUE from the command line, or standard input when VALUE
 * is absent, and the compare-and-swap options: --expect-version N (the
 * file's version must be N; 0 means it must not exist) and --create
 * (shorthand for "must not exist").
 */
#include "config.h"

#include "cli.h"
#include "macro.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum {
	OPT_EXPECT_VERSION = 0x200,
	OPT_CREATE,
};

static const struct option put_longopts[] = {
    {"expect-version", required_argument, NULL, OPT_EXPECT_VERSION},
    {"create", no_argument, NULL, OPT_CREATE},
    {},
};

static const char *const path_arg[] = {"PATH"};
static const char *const put_args[] = {"PATH", "VALUE"};
static const char *const mv_args[] = {"FROM", "TO"};

struct subcommand {
	const char *name;
	enum cli_op op;
	const char *help;
	const char *const *arg_names;
	int min_args, max_args;
	const struct option *longopts;
};

static const struct subcommand subcommands[] = {
    {"get", CLI_OP_GET, cli_help_config_get, path_arg, 1, 1, NULL},
    {"put", CLI_OP_PUT, cli_help_config_put, put_args, 1, 2, put_longopts},
    {"ls", CLI_OP_LS, cli_help_config_ls, path_arg, 0, 1, NULL},
    {"stat", CLI_OP_STAT, cli_help_config_stat, path_arg, 1, 1, NULL},
    {"rm", CLI_OP_RM, cli_help_config_rm, path_arg, 1, 1, NULL},
    {"mkdir", CLI_OP_MKDIR, cli_help_config_mkdir, path_arg, 1, 1, NULL},
    {"mv", CLI_OP_MV, cli_help_config_mv, mv_args, 2, 2, NULL},
};

struct put_options {
	bool expect_given;
	uint64_t expect;
	bool create;
};

static int put_option(struct cli_ctx *ctx, int opt, const char *arg,
		      void *userdata)
{
	struct put_options *p = userdata;

	switch (opt) {
	case OPT_EXPECT_VERSION:
		if (cli_parse_u64(arg, &p->expect) < 0)
			return cli_usage_error(
			    ctx,
			    "config put: invalid version '%s' (expected a "
			    "number)",
			    arg);
		p->expect_given = true;
		return CLI_PARSED;
	case OPT_CREATE: p->create = true; return CLI_PARSED;
	default: return cli_usage_error(ctx, "config put: unknown option");
	}
}

static void fill_put(struct cli_request *r, char **pos, int npos,
		     const struct put_options *p)
{
	Clusterd__PutRequest *put = &r->body.put;

	put->path = (char *)cli_tree_path(pos[0]);
	if (npos > 1) {
		put->data.data = (uint8_t *)pos[1];
		put->data.len = strlen(pos[1]);
	} else {
		r->data_from_stdin = true;
	}
	if (p->create || p->expect_given) {
		put->check_version = true;
		put->expected_version = p->create ? 0 : p->expect;
	}
}

static void fill(struct cli_request *r, const struct subcommand *sub,
		 char **pos, int npos, const struct put_options *p)
{
	cli_request_init(r, sub->op);
	switch (sub->op) {
	case CLI_OP_GET:
		r->body.get.path = (char *)cli_tree_path(pos[0]);
		break;
	case CLI_OP_PUT: fill_put(r, pos, npos, p); break;
	case CLI_OP_LS:
		r->body.list.path = (char *)(npos ? cli_tree_path(pos[0]) : "");
		break;
	case CLI_OP_STAT:
		r->body.stat.path = (char *)cli_tree_path(pos[0]);
		break;
	case CLI_OP_RM:
		r->body.remove.path = (char *)cli_tree_path(pos[0]);
		break;
	case CLI_OP_MKDIR:
		r->body.mkdir.path = (char *)cli_tree_path(pos[0]);
		break;
	case CLI_OP_MV:
		r->body.rename.from = (char *)cli_tree_path(pos[0]);
		r->body.rename.to = (char *)cli_tree_path(pos[1]);
		break;
	default: break; /* not a config command */
	}
}

static const struct subcommand *find_subcommand(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(subcommands); i++)
		if (strcmp(name, subcommands[i].name) == 0)
			return &subcommands[i];
	return NULL;
}

int config_parse(struct cli_ctx *ctx, int argc, char **argv,
		 struct cli_request *r)
{
	const struct subcommand *sub = find_subcommand(argv[0]);
	struct put_options p = {};
	struct cli_optspec spec = {.handle = put_option, .userdata = &p};
	_cleanup_free_ char *cmd = NULL;
	_cleanup_free_ char **pos = NULL;
	int npos, e;

	if (!sub)
		return cli_usage_error(ctx, "config: unknown command '%s'",
				       argv[0]);
	spec.longopts = sub->longopts;
	spec.help = sub->help;
	pos = calloc(argc, sizeof(*pos));
	if (!pos || asprintf(&cmd, "config %s", sub->name) < 0)
		return -ENOMEM;
	e = cli_parse_all(ctx, argc, argv, &spec, pos, &npos);
	if (e != CLI_PARSED)
		return e;
	e = cli_check_args(ctx, cmd, pos, npos, sub->arg_names, sub->min_args,
			   sub->max_args);
	if (e != CLI_PARSED)
		return e;
	if (p.create && p.expect_given)
		return cli_usage_error(
		    ctx, "config put: --create and --expect-version exclude "
			 "each other");
	fill(r, sub, pos, npos, &p);
	return CLI_PARSED;
}

int config_main(struct cli_ctx *ctx, int argc, char **argv)
{
	return cli_group_main(ctx, argc, argv, "config", cli_help_config,
			      config_parse);
}
