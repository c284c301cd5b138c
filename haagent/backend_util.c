/*
 * Helpers every backend and the loader share: error messages and state
 * names. Linked into each plugin (haagent/libbackend.la) so that a plugin
 * needs no symbol from the program that loads it.
 */
#include "backend.h"

#include <stdarg.h>
#include <stdio.h>

int backend_fail(struct backend_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return errnum < 0 ? errnum : -errnum;
}

const char *guest_state_to_string(enum guest_state s)
{
	static const char *const names[] = {
	    [GUEST_STOPPED] = "stopped",
	    [GUEST_RUNNING] = "running",
	    [GUEST_PAUSED] = "paused",
	    [GUEST_STATE_UNKNOWN] = "unknown",
	};

	return (unsigned)s <= GUEST_STATE_UNKNOWN ? names[s] : "unknown";
}
