/*
 * Byte-level formatting for clusterctl's output: UTF-8 checks, base64,
 * making names safe for a terminal, and times.
 *
 * Tree paths and file contents are arbitrary bytes (a name may hold a
 * newline or invalid UTF-8). Text output replaces what would break a
 * table line with '?', as ls -q does; JSON output must be valid UTF-8, so
 * names are sanitised (U+FFFD per invalid byte) and file contents that
 * are not UTF-8 travel as base64 instead.
 */
#include "config.h"

#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Length of the valid UTF-8 sequence at S (LEFT bytes left), or 0. */
static size_t utf8_sequence(const uint8_t *s, size_t left)
{
	uint32_t cp, min;
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, cp = s[0] & 0x1f, min = 0x80;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, cp = s[0] & 0x0f, min = 0x800;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, cp = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (n > left)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

bool utf8_valid(const uint8_t *s, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		n = utf8_sequence(s + i, len - i);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

/* A copy of S in which each byte that starts no valid UTF-8 sequence and,
 * with CONTROLS, each control character and DEL becomes REPL. */
static char *utf8_filter(const char *s, const char *repl, bool controls)
{
	const uint8_t *in = (const uint8_t *)s;
	size_t len = strlen(s), rlen = strlen(repl), i = 0, o = 0, n;
	char *out = malloc(len * rlen + 1);

	if (!out)
		return NULL;
	while (i < len) {
		n = utf8_sequence(in + i, len - i);
		if (n == 0 || (controls && (in[i] < 0x20 || in[i] == 0x7f))) {
			memcpy(out + o, repl, rlen);
			o += rlen;
			i++;
			continue;
		}
		memcpy(out + o, in + i, n);
		o += n;
		i += n;
	}
	out[o] = '\0';
	return out;
}

char *utf8_sanitize(const char *s)
{
	return utf8_filter(s, "\xef\xbf\xbd", false); /* U+FFFD */
}

char *base64_encode(const uint8_t *data, size_t len)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = malloc((len + 2) / 3 * 4 + 1), *o = out;
	uint32_t v;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i += 3) {
		size_t left = len - i;

		v = (uint32_t)data[i] << 16;
		if (left > 1)
			v |= (uint32_t)data[i + 1] << 8;
		if (left > 2)
			v |= data[i + 2];
		*o++ = alphabet[(v >> 18) & 63];
		*o++ = alphabet[(v >> 12) & 63];
		*o++ = left > 1 ? alphabet[(v >> 6) & 63] : '=';
		*o++ = left > 2 ? alphabet[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

char *text_escape(const char *s)
{
	return utf8_filter(s, "?", true);
}

size_t text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((uint8_t)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* Split MS into whole seconds and milliseconds, rounding down. */
static void split_ms(int64_t ms, time_t *sec, int *milli)
{
	int64_t s = ms / 1000, m = ms % 1000;

	if (m < 0) {
		m += 1000;
		s--;
	}
	*sec = (time_t)s;
	*milli = (int)m;
}

void format_mtime_text(int64_t ms, char *buf, size_t len)
{
	struct tm tm;
	time_t sec;
	int milli;

	split_ms(ms, &sec, &milli);
	if (ms == 0 || !localtime_r(&sec, &tm) ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, len, "-");
}

void format_mtime_iso(int64_t ms, char *buf, size_t len)
{
	char date[48];
	struct tm tm;
	time_t sec;
	int milli;

	split_ms(ms, &sec, &milli);
	if (!gmtime_r(&sec, &tm) ||
	    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		date[0] = '\0';
	snprintf(buf, len, "%s.%03dZ", date, milli);
}
