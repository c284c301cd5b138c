/*
 * The parts every --help text shares (help.c, help_lifecycle.c).
 */
#pragma once

#define GLOBAL_OPTIONS                                                         \
	"Global options (before or after the command):\n"                      \
	"  -o, --output FORMAT  text (default, for people) or json (one\n"     \
	"                       JSON document on standard output)\n"           \
	"      --timeout SECS   wait at most SECS seconds for clusterd\n"      \
	"                       (default 10; fractions allowed)\n"             \
	"  -h, --help           show the help of the command it follows\n"     \
	"  -V, --version        show the version and exit\n"

#define EXIT_STATUS                                                            \
	"Exit status:\n"                                                       \
	"  0  success\n"                                                       \
	"  1  the operation failed, or clusterd could not be reached; one\n"   \
	"     line on standard error says why: 'clusterctl: WHAT: REASON'\n"   \
	"  2  usage error: unknown command or option, missing or extra\n"      \
	"     argument, bad number\n"

#define SEE_ALSO "See clusterctl(8) for the JSON keys and every reason.\n"
