/*
 * Command line and configuration file of the daemons (see daemon_args.h).
 *
 * Errors are printed to stderr directly: this runs before logging is set
 * up, and an operator starting a daemon by hand must see why it refused.
 */
#include "config.h"
#include "daemon_args.h"
#include "kvconf.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage(const struct daemon_info *info, FILE *out)
{
	fprintf(out,
		"Usage: %s [OPTIONS]\n"
		"\n"
		"%s\n"
		"\n"
		"Options:\n"
		"  -f, --foreground     stay in the foreground (systemd runs "
		"it so)\n"
		"  -d, --debug          log debug messages\n"
		"  -c, --config FILE    configuration file (default %s)\n"
		"  -h, --help           show this help and exit\n"
		"  -V, --version        show the version and exit\n"
		"%s"
		"\n"
		"See %s(8).\n",
		info->name, info->summary, info->default_config,
		info->extra_usage ? info->extra_usage : "", info->name);
}

int daemon_parse_args(int argc, char **argv, const struct daemon_info *info,
		      struct daemon_options *opts)
{
	static const struct option longopts[] = {
	    {"foreground", no_argument, NULL, 'f'},
	    {"debug", no_argument, NULL, 'd'},
	    {"config", required_argument, NULL, 'c'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {}};
	int c;

	*opts = (struct daemon_options){.config = info->default_config};
	optind = 1;
	while ((c = getopt_long(argc, argv, "fdc:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': opts->foreground = true; break;
		case 'd': opts->debug = true; break;
		case 'c':
			opts->config = optarg;
			opts->config_given = true;
			break;
		case 'h': usage(info, stdout); return 0;
		case 'V':
			printf("%s %s\n", info->name, PACKAGE_VERSION);
			return 0;
		default:
			fprintf(stderr, "Try '%s --help'.\n", info->name);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr,
			"%s: unexpected argument '%s'\nTry '%s --help'.\n",
			info->name, argv[optind], info->name);
		return -EINVAL;
	}
	return 1;
}

struct config_ctx {
	const struct daemon_info *info;
	struct daemon_options *opts;
};

static int apply_entry(const char *key, const char *value, unsigned line,
		       struct kvconf_error *err, void *userdata)
{
	struct config_ctx *ctx = userdata;
	struct daemon_options *opts = ctx->opts;
	bool b;

	if (strcmp(key, "debug") == 0) {
		if (parse_bool(value, &b) < 0)
			return kvconf_fail(
			    err, line, "debug: expected yes or no, got '%.64s'",
			    value);
		opts->debug = opts->debug || b;
		return 0;
	}
	if (ctx->info->config_key)
		return ctx->info->config_key(key, value, line, err,
					     ctx->info->config_userdata);
	return kvconf_fail(err, line, "unknown key '%s'", key);
}

int daemon_load_config(const struct daemon_info *info,
		       struct daemon_options *opts)
{
	struct kvconf_error err = {};
	struct config_ctx ctx = {info, opts};
	int r = kvconf_parse_file(opts->config, apply_entry, &ctx, &err);

	if (r == -ENOENT && !opts->config_given)
		return 0;
	if (r < 0) {
		if (err.line)
			fprintf(stderr, "%s: %s:%u: %s\n", info->name,
				opts->config, err.line, err.reason);
		else
			fprintf(stderr, "%s: %s: %s\n", info->name,
				opts->config, strerror(-r));
	}
	return r;
}
