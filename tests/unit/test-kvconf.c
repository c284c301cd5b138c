/*
 * Unit tests for lib/kvconf.c: the "key: value" parser and value parsers.
 * The pattern for every unit test: one cmocka group per module, each case
 * small and named for the behaviour it pins down.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <stdlib.h>
#include <unistd.h>

#include "kvconf.h"

struct collected {
	char text[512];
	unsigned entries;
};

static int collect(const char *key, const char *value, unsigned line,
		   struct kvconf_error *err, void *userdata)
{
	struct collected *c = userdata;
	size_t used = strlen(c->text);

	snprintf(c->text + used, sizeof(c->text) - used, "%u:%s=%s;", line, key,
		 value);
	c->entries++;
	return 0;
}

static int reject_bad(const char *key, const char *value, unsigned line,
		      struct kvconf_error *err, void *userdata)
{
	if (strcmp(value, "bad") == 0)
		return kvconf_fail(err, line, "'%s' is bad", key);
	return 0;
}

static void parses_entries_comments_and_blanks(void **state)
{
	struct collected c = {};
	struct kvconf_error err = {};
	const char *text = "# comment\n\nname: web 1  \n  memory:512\r\n"
			   "empty:\nurl: http://x:80/";

	assert_int_equal(kvconf_parse(text, collect, &c, &err), 0);
	assert_int_equal(c.entries, 4);
	assert_string_equal(c.text, "3:name=web 1;4:memory=512;5:empty=;"
				    "6:url=http://x:80/;");
}

static void reports_line_of_syntax_error(void **state)
{
	struct collected c = {};
	struct kvconf_error err = {};

	assert_int_equal(
	    kvconf_parse("a: 1\nno colon here\n", collect, &c, &err), -EINVAL);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.reason, "key: value"));
	assert_int_equal(kvconf_parse("a b: 1\n", collect, &c, &err), -EINVAL);
	assert_non_null(strstr(err.reason, "invalid key"));
	assert_int_equal(kvconf_parse(": 1\n", collect, &c, &err), -EINVAL);
}

static void callback_error_stops_with_its_line(void **state)
{
	struct kvconf_error err = {};

	assert_int_equal(kvconf_parse("a: ok\nb: ok\nc: bad\nd: bad\n",
				      reject_bad, NULL, &err),
			 -EINVAL);
	assert_int_equal(err.line, 3);
	assert_string_equal(err.reason, "'c' is bad");
}

static void rejects_overlong_line(void **state)
{
	static char text[8192];
	struct kvconf_error err = {};

	memset(text, 'k', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(kvconf_parse(text, reject_bad, NULL, &err), -EINVAL);
	assert_int_equal(err.line, 1);
}

static void parse_file_reports_missing_and_nul(void **state)
{
	char path[] = "/tmp/test-kvconf-XXXXXX";
	struct kvconf_error err = {};
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fwrite("a: 1\n\0b: 2\n", 1, 11, f);
	fclose(f);
	assert_int_equal(kvconf_parse_file(path, reject_bad, NULL, &err),
			 -EINVAL);
	assert_non_null(strstr(err.reason, "NUL"));
	unlink(path);
	assert_int_equal(kvconf_parse_file(path, reject_bad, NULL, &err),
			 -ENOENT);
}

static void parses_bools(void **state)
{
	bool b = false;

	assert_int_equal(parse_bool("Yes", &b), 0);
	assert_true(b);
	assert_int_equal(parse_bool("off", &b), 0);
	assert_false(b);
	assert_int_equal(parse_bool("maybe", &b), -EINVAL);
	assert_int_equal(parse_bool("", &b), -EINVAL);
}

static void parses_sizes(void **state)
{
	uint64_t v = 0;

	assert_int_equal(parse_size("512", &v), 0);
	assert_int_equal(v, 512);
	assert_int_equal(parse_size("64K", &v), 0);
	assert_int_equal(v, 65536);
	assert_int_equal(parse_size("8M", &v), 0);
	assert_int_equal(v, 8 << 20);
	assert_int_equal(parse_size("1GiB", &v), 0);
	assert_int_equal(v, 1 << 30);
	assert_int_equal(parse_size("2t", &v), 0);
	assert_int_equal(v, 2ULL << 40);
	assert_int_equal(parse_size("", &v), -EINVAL);
	assert_int_equal(parse_size("M", &v), -EINVAL);
	assert_int_equal(parse_size("-1", &v), -EINVAL);
	assert_int_equal(parse_size("1X", &v), -EINVAL);
	assert_int_equal(parse_size("1Mx", &v), -EINVAL);
	assert_int_equal(parse_size("99999999999T", &v), -ERANGE);
	assert_int_equal(parse_size("99999999999999999999999", &v), -ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parses_entries_comments_and_blanks),
	    cmocka_unit_test(reports_line_of_syntax_error),
	    cmocka_unit_test(callback_error_stops_with_its_line),
	    cmocka_unit_test(rejects_overlong_line),
	    cmocka_unit_test(parse_file_reports_missing_and_nul),
	    cmocka_unit_test(parses_bools),
	    cmocka_unit_test(parses_sizes),
	};

	return cmocka_run_group_tests_name("kvconf", tests, NULL, NULL);
}
