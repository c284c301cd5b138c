/*
 * Unit tests for lib/log.c: the -errno convention of log_*_errno(), level
 * names, and that the debug switch really changes what reaches stderr.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

/* Run the logging calls with stderr sent to a file; return what was written. */
static void capture_stderr(void (*fn)(void), char *out, size_t size)
{
	char path[] = "/tmp/test-log-XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	ssize_t n;

	assert_true(fd >= 0 && saved >= 0);
	fflush(stderr);
	dup2(fd, 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, out, size - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
}

static void errno_macros_return_negative_errno(void **state)
{
	log_setup("test-log", 0, false);
	assert_int_equal(log_error_errno(ENOENT, "open %s", "x"), -ENOENT);
	assert_int_equal(log_warning_errno(-EROFS, "write"), -EROFS);
	assert_int_equal(log_debug_errno(EINVAL, "parse"), -EINVAL);
	log_shutdown();
}

static void log_some(void)
{
	log_debug("debug-line %d", 1);
	log_info("info-line");
	log_error_errno(EACCES, "failed to open %s", "/secret");
}

static void debug_switch_filters_stderr(void **state)
{
	char out[4096];

	log_setup("test-log", LOG_TO_STDERR, false);
	capture_stderr(log_some, out, sizeof(out));
	assert_null(strstr(out, "debug-line"));
	assert_non_null(strstr(out, "info-line"));
	assert_non_null(
	    strstr(out, "failed to open /secret: Permission denied"));

	log_set_debug(true);
	assert_true(log_get_debug());
	capture_stderr(log_some, out, sizeof(out));
	assert_non_null(strstr(out, "debug-line 1"));
	log_shutdown();
}

static void level_names(void **state)
{
	assert_int_equal(log_level_from_string("debug"), LOG_DEBUG);
	assert_int_equal(log_level_from_string("WARNING"), LOG_WARNING);
	assert_int_equal(log_level_from_string("error"), LOG_ERR);
	assert_int_equal(log_level_from_string("loud"), -EINVAL);
	assert_int_equal(log_level_from_string(NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(errno_macros_return_negative_errno),
	    cmocka_unit_test(debug_switch_filters_stderr),
	    cmocka_unit_test(level_names),
	};

	return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
