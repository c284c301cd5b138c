/*
 * Logging for every clusterd program, on libqb's qb_log.
 *
 * Messages go to stderr and to syslog (either can be switched off); the
 * level filter is LOG_INFO, or LOG_DEBUG with the debug switch, which can
 * be flipped at run time.
 *
 * Error convention: functions return 0 (or a positive count) on success and
 * -errno on failure. The log_*_errno() macros log a message with the error
 * text appended and evaluate to -abs(err), so a failure is logged and
 * propagated in one statement:
 *
 *     if (fd < 0)
 *             return log_error_errno(errno, "Cannot open %s", path);
 */
#pragma once

#include <qb/qblog.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

enum log_target_flags {
	LOG_TO_STDERR = 1 << 0,
	LOG_TO_SYSLOG = 1 << 1,
};

/* Set up logging for program IDENT. Safe to call more than once. */
void log_setup(const char *ident, unsigned targets, bool debug);
void log_set_debug(bool debug);
bool log_get_debug(void);
void log_shutdown(void);

/* Parse "debug", "info", "notice", "warning", "err"/"error", "crit". */
int log_level_from_string(const char *s);

#define log_debug(...)	 qb_log(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)	 qb_log(LOG_INFO, __VA_ARGS__)
#define log_notice(...)	 qb_log(LOG_NOTICE, __VA_ARGS__)
#define log_warning(...) qb_log(LOG_WARNING, __VA_ARGS__)
#define log_error(...)	 qb_log(LOG_ERR, __VA_ARGS__)

#define log_full_errno(level, err, fmt, ...)                                   \
	({                                                                     \
		int _e = (int)(err) < 0 ? -(int)(err) : (int)(err);            \
		qb_log(level, fmt ": %s", ##__VA_ARGS__, strerror(_e));        \
		-_e;                                                           \
	})

#define log_debug_errno(err, ...) log_full_errno(LOG_DEBUG, err, __VA_ARGS__)
#define log_info_errno(err, ...)  log_full_errno(LOG_INFO, err, __VA_ARGS__)
#define log_warning_errno(err, ...)                                            \
	log_full_errno(LOG_WARNING, err, __VA_ARGS__)
#define log_error_errno(err, ...) log_full_errno(LOG_ERR, err, __VA_ARGS__)
