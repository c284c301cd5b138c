/*
 * Parser for "key: value" lines (see kvconf.h).
 *
 * The parser copies each line into a bounded buffer before splitting it, so
 * the caller's text is never modified and a line of any length or content
 * yields either an entry or an error, never undefined behaviour.
 */
#include "kvconf.h"
#include "macro.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define KVCONF_MAX_LINE 4096
#define KVCONF_MAX_FILE (1 << 20)

int kvconf_fail(struct kvconf_error *err, unsigned line, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->line = line;
		va_start(ap, fmt);
		vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static bool valid_key(const char *k)
{
	if (!*k)
		return false;
	for (; *k; k++)
		if (!isalnum((unsigned char)*k) && !strchr("_.-", *k))
			return false;
	return true;
}

static int parse_line(char *buf, unsigned line, kvconf_entry_fn fn,
		      void *userdata, struct kvconf_error *err)
{
	char *s = trim(buf), *colon, *key;

	if (*s == '\0' || *s == '#')
		return 0;
	colon = strchr(s, ':');
	if (!colon)
		return kvconf_fail(err, line, "expected 'key: value'");
	*colon = '\0';
	key = trim(s);
	if (!valid_key(key))
		return kvconf_fail(err, line, "invalid key '%.64s'", key);
	return fn(key, trim(colon + 1), line, err, userdata);
}

int kvconf_parse(const char *text, kvconf_entry_fn fn, void *userdata,
		 struct kvconf_error *err)
{
	char buf[KVCONF_MAX_LINE];
	unsigned line = 0;

	while (*text) {
		size_t len = strcspn(text, "\n");
		int r;

		line++;
		if (len >= sizeof(buf))
			return kvconf_fail(err, line,
					   "line longer than %d bytes",
					   KVCONF_MAX_LINE - 1);
		memcpy(buf, text, len);
		buf[len] = '\0';
		r = parse_line(buf, line, fn, userdata, err);
		if (r < 0)
			return r;
		text += len;
		if (*text == '\n')
			text++;
	}
	return 0;
}

int kvconf_read_file(const char *path, char **out, size_t *len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t got = 0;

	if (fd < 0 || fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (st.st_size > KVCONF_MAX_FILE)
		return -EFBIG;
	buf = malloc(st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += n;
	}
	buf[got] = '\0';
	*len = got;
	*out = TAKE_PTR(buf);
	return 0;
}

int kvconf_parse_file(const char *path, kvconf_entry_fn fn, void *userdata,
		      struct kvconf_error *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = kvconf_read_file(path, &text, &len);

	if (r < 0) {
		if (err) {
			err->line = 0;
			snprintf(err->reason, sizeof(err->reason), "%s",
				 strerror(-r));
		}
		return r;
	}
	if (strlen(text) != len)
		return kvconf_fail(err, 0, "file contains a NUL byte");
	return kvconf_parse(text, fn, userdata, err);
}

int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"1", "yes", "true", "on"};
	static const char *const no[] = {"0", "no", "false", "off"};

	for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return *out = true, 0;
		if (strcasecmp(s, no[i]) == 0)
			return *out = false, 0;
	}
	return -EINVAL;
}

int parse_uint64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	static const char suffixes[] = "KMGT";
	char digits[32];
	size_t n = strspn(s, "0123456789");
	const char *p;
	uint64_t v;
	int r;

	if (n == 0 || n >= sizeof(digits))
		return n ? -ERANGE : -EINVAL;
	memcpy(digits, s, n);
	digits[n] = '\0';
	r = parse_uint64(digits, &v);
	if (r < 0)
		return r;
	if (s[n] == '\0')
		return *out = v, 0;
	p = strchr(suffixes, toupper((unsigned char)s[n]));
	if (!p || !*p ||
	    (s[n + 1] != '\0' && strcmp(s + n + 1, "iB") != 0 &&
	     strcmp(s + n + 1, "B") != 0))
		return -EINVAL;
	for (int shift = (int)(p - suffixes) + 1; shift > 0; shift--) {
		if (v > UINT64_MAX / 1024)
			return -ERANGE;
		v *= 1024;
	}
	*out = v;
	return 0;
}
