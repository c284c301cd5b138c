/*
 * clusterctl: the command-line interface of clusterd.
 *
 * Exit codes are stable, for scripts: 0 success, 1 the operation failed,
 * 2 usage error (bad command, option or argument). Commands are added as
 * the daemons grow them; see clusterctl(8).
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

static void usage(FILE *out)
{
	fputs("Usage: clusterctl [OPTIONS] COMMAND [ARGS...]\n"
	      "\n"
	      "Create, join and drive a clusterd cluster.\n"
	      "\n"
	      "Options:\n"
	      "  -h, --help      show this help and exit\n"
	      "  -V, --version   show the version and exit\n"
	      "\n"
	      "No commands exist in this version yet.\n"
	      "\n"
	      "Exit status: 0 success, 1 failure, 2 usage error.\n"
	      "See clusterctl(8).\n",
	      out);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {}};
	int c;

	while ((c = getopt_long(argc, argv, "+hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'h': usage(stdout); return EXIT_OK;
		case 'V':
			printf("clusterctl %s\n", PACKAGE_VERSION);
			return EXIT_OK;
		default:
			fputs("Try 'clusterctl --help'.\n", stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fputs("clusterctl: missing command\nTry 'clusterctl --help'.\n",
		      stderr);
		return EXIT_USAGE;
	}
	fprintf(stderr,
		"clusterctl: unknown command '%s'\nTry 'clusterctl --help'.\n",
		argv[optind]);
	return EXIT_USAGE;
}
