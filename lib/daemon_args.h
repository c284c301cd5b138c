/*
 * The command line every clusterd daemon shares: -f, -d, -c FILE, -h, -V,
 * and the "key: value" configuration file behind -c.
 */
#pragma once

#include "kvconf.h"

#include <stdbool.h>

struct daemon_info {
	const char *name;	    /* program name, e.g. "clusterd" */
	const char *summary;	    /* one line for --help */
	const char *default_config; /* path; missing is fine unless given */
	/* Keys of the daemon's own, besides "debug"; may be NULL. */
	kvconf_entry_fn config_key;
	void *config_userdata;
	/* Lines of the daemon's own options for --help; may be NULL. */
	const char *extra_usage;
};

struct daemon_options {
	bool foreground;
	bool debug;
	const char *config;
	bool config_given;
};

/* Returns 1 to run, 0 to exit successfully (--help, --version), or -EINVAL
 * after printing a usage error (exit code 2). */
int daemon_parse_args(int argc, char **argv, const struct daemon_info *info,
		      struct daemon_options *opts);

/* Load the configuration file into OPTS. Command line -d wins over the
 * file. Returns 0 or -errno after printing file:line: reason. */
int daemon_load_config(const struct daemon_info *info,
		       struct daemon_options *opts);
