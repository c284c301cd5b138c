/*
 * Option parsing shared by every command level of clusterctl.
 *
 * Each level (the program, "config", a leaf command such as "config put")
 * parses its own slice of argv with getopt_long, and every level accepts
 * the global options (-o/--output, --timeout, -h/--help, -V/--version)
 * beside its own, so a global option may stand before or after the
 * command. Levels that lead to a further command stop at the first
 * non-option ("+" mode); leaf commands take options anywhere ("-" mode,
 * which also keeps POSIXLY_CORRECT from changing the meaning), and "--"
 * ends options so that a VALUE may start with '-'.
 *
 * getopt's own messages are off; ours name the offending element of argv,
 * which is the one getopt was looking at when the call began (optind does
 * not move within a group of short options until its last letter).
 * --help prints the help of the level it is found at and wins over what
 * follows it; -V prints the version.
 */
#include "config.h"

#include "cli.h"
#include "macro.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Long-only options have values outside the range of characters. */
enum {
	OPT_TIMEOUT = 0x100,
};

static const struct option global_longopts[] = {
    {"output", required_argument, NULL, 'o'},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
};
#define GLOBAL_SHORTOPTS "ho:V"
#define MAX_LONGOPTS	 16

struct getopt_tables {
	struct option longopts[MAX_LONGOPTS];
	char shortopts[64];
};

static void build_tables(const struct cli_optspec *spec, const char *mode,
			 struct getopt_tables *t)
{
	size_t n = 0;

	for (size_t i = 0; i < ELEMENTSOF(global_longopts); i++)
		t->longopts[n++] = global_longopts[i];
	for (const struct option *o = spec->longopts; o && o->name; o++)
		if (n < MAX_LONGOPTS - 1)
			t->longopts[n++] = *o;
	t->longopts[n] = (struct option){0};
	/* ':' after the mode: report a missing argument as ':' and keep
	 * getopt quiet. */
	snprintf(t->shortopts, sizeof(t->shortopts), "%s:%s%s", mode,
		 GLOBAL_SHORTOPTS, spec->shortopts ? spec->shortopts : "");
}

int cli_usage_error(struct cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	fputs("clusterctl: ", ctx->err);
	va_start(ap, fmt);
	vfprintf(ctx->err, fmt, ap);
	va_end(ap);
	fputs("\nTry 'clusterctl --help'.\n", ctx->err);
	return -EINVAL;
}

/* C is '?' (unknown option, or an argument where none is allowed) or ':'
 * (missing argument); ELEMENT the argv element being parsed. */
static int option_error(struct cli_ctx *ctx, int c, const char *element)
{
	bool is_long = strncmp(element, "--", 2) == 0;
	int len = (int)strcspn(element, "=");

	if (c == ':' && is_long)
		return cli_usage_error(
		    ctx, "option '%.*s' requires an argument", len, element);
	if (c == ':')
		return cli_usage_error(ctx, "option '-%c' requires an argument",
				       optopt);
	if (is_long && element[len] == '=' && optopt != 0)
		return cli_usage_error(ctx, "option '%.*s' takes no argument",
				       len, element);
	if (is_long)
		return cli_usage_error(ctx, "unknown option '%.*s'", len,
				       element);
	return cli_usage_error(ctx, "unknown option '-%c'", optopt);
}

static int set_output(struct cli_ctx *ctx, const char *arg)
{
	if (strcmp(arg, "text") == 0)
		ctx->output = CLI_OUTPUT_TEXT;
	else if (strcmp(arg, "json") == 0)
		ctx->output = CLI_OUTPUT_JSON;
	else
		return cli_usage_error(
		    ctx, "invalid output format '%s' (expected json or text)",
		    arg);
	return CLI_PARSED;
}

static int handle_option(struct cli_ctx *ctx, const struct cli_optspec *spec,
			 int c, const char *element)
{
	switch (c) {
	case 'h': fputs(spec->help, ctx->out); return CLI_HANDLED;
	case 'V':
		fprintf(ctx->out, "clusterctl %s\n", PACKAGE_VERSION);
		return CLI_HANDLED;
	case 'o': return set_output(ctx, optarg);
	case OPT_TIMEOUT:
		if (cli_parse_timeout(optarg, &ctx->timeout_ms) < 0)
			return cli_usage_error(
			    ctx,
			    "invalid timeout '%s' (expected seconds, more "
			    "than 0 and at most %d)",
			    optarg, CLI_MAX_TIMEOUT_S);
		ctx->timeout_set = true;
		return CLI_PARSED;
	case '?':
	case ':': return option_error(ctx, c, element);
	default:
		if (spec->handle)
			return spec->handle(ctx, c, optarg, spec->userdata);
		return option_error(ctx, '?', element);
	}
}

/* The element getopt looks at in its next call. */
static const char *current_element(int argc, char **argv)
{
	int i = optind > 0 ? optind : 1;

	return i < argc ? argv[i] : "";
}

int cli_parse_leading(struct cli_ctx *ctx, int argc, char **argv,
		      const struct cli_optspec *spec, int *first)
{
	struct getopt_tables t;
	const char *element;
	int c, r;

	build_tables(spec, "+", &t);
	optind = 0; /* full reinitialisation: this runs once per level */
	for (;;) {
		element = current_element(argc, argv);
		c = getopt_long(argc, argv, t.shortopts, t.longopts, NULL);
		if (c == -1)
			break;
		r = handle_option(ctx, spec, c, element);
		if (r != CLI_PARSED)
			return r;
	}
	*first = optind;
	return CLI_PARSED;
}

int cli_parse_all(struct cli_ctx *ctx, int argc, char **argv,
		  const struct cli_optspec *spec, char **pos, int *npos)
{
	struct getopt_tables t;
	const char *element;
	int c, r;

	build_tables(spec, "-", &t);
	optind = 0;
	*npos = 0;
	for (;;) {
		element = current_element(argc, argv);
		c = getopt_long(argc, argv, t.shortopts, t.longopts, NULL);
		if (c == -1)
			break;
		if (c == 1) { /* a non-option, in "-" mode */
			pos[(*npos)++] = optarg;
			continue;
		}
		r = handle_option(ctx, spec, c, element);
		if (r != CLI_PARSED)
			return r;
	}
	while (optind < argc) /* after "--" */
		pos[(*npos)++] = argv[optind++];
	return CLI_PARSED;
}

int cli_check_args(struct cli_ctx *ctx, const char *cmd, char **pos, int npos,
		   const char *const *names, int min, int max)
{
	if (npos < min)
		return cli_usage_error(ctx, "%s: missing %s", cmd, names[npos]);
	if (npos > max)
		return cli_usage_error(ctx, "%s: unexpected argument '%s'", cmd,
				       pos[max]);
	return CLI_PARSED;
}

int cli_parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	unsigned d;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int cli_parse_timeout(const char *s, int *ms)
{
	uint64_t whole = 0, frac = 0, total;
	int digits = 0, fdigits = 0;
	bool round_up = false;

	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		whole = whole * 10 + (uint64_t)(*s - '0');
		if (whole > CLI_MAX_TIMEOUT_S)
			return -EINVAL;
	}
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, fdigits++) {
			if (fdigits < 3)
				frac = frac * 10 + (uint64_t)(*s - '0');
			else if (*s != '0')
				round_up = true;
		}
	if (*s || digits + fdigits == 0)
		return -EINVAL;
	for (int i = fdigits; i < 3; i++)
		frac *= 10;
	total = whole * 1000 + frac + (round_up ? 1 : 0);
	if (total == 0 || total > (uint64_t)CLI_MAX_TIMEOUT_S * 1000)
		return -EINVAL;
	*ms = (int)total;
	return 0;
}

const char *cli_tree_path(const char *arg)
{
	return arg[0] == '/' ? arg + 1 : arg;
}
