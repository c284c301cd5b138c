/*
 * Whole HA configuration files: cut into lines, each line handed to its
 * line parser (ha_config.c), each bad line reported and skipped.
 *
 * settings.cfg lines use lib/kvconf.c's "key: value" syntax; every line is
 * parsed by kvconf on its own so that one bad line does not stop the rest.
 */
#include "ha_config.h"
#include "kvconf.h"
#include "macro.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define LINE_MAX_LEN 2048

typedef int (*line_fn)(struct ha_config *c, const char *line, char *reason,
		       size_t len);

static void report(const struct ha_cfg_src *src, unsigned line,
		   const char *reason)
{
	if (src && src->report)
		src->report(src->userdata, src->file ? src->file : "?", line,
			    reason);
}

static bool skip_line(const char *s)
{
	s += strspn(s, " \t\r");
	return *s == '\0' || *s == '#';
}

static unsigned each_line(struct ha_config *c, const char *text,
			  const struct ha_cfg_src *src, line_fn fn)
{
	char buf[LINE_MAX_LEN], reason[200];
	unsigned lineno = 0, bad = 0;
	const char *p = text ? text : "";

	while (*p) {
		size_t n = strcspn(p, "\n");

		lineno++;
		if (n >= sizeof(buf)) {
			report(src, lineno, "line too long");
			bad++;
		} else {
			memcpy(buf, p, n);
			buf[n] = '\0';
			if (!skip_line(buf) &&
			    fn(c, buf, reason, sizeof(reason)) < 0) {
				report(src, lineno, reason);
				bad++;
			}
		}
		p += n + (p[n] == '\n');
	}
	return bad;
}

void ha_config_init(struct ha_config *c)
{
	memset(c, 0, sizeof(*c));
	ha_settings_default(&c->settings);
}

unsigned ha_config_parse_resources(struct ha_config *c, const char *text,
				   const struct ha_cfg_src *src)
{
	return each_line(c, text, src, ha_config_resource_line);
}

unsigned ha_config_parse_rules(struct ha_config *c, const char *text,
			       const struct ha_cfg_src *src)
{
	return each_line(c, text, src, ha_config_rule_line);
}

unsigned ha_config_parse_fence(struct ha_config *c, const char *text,
			       const struct ha_cfg_src *src)
{
	return each_line(c, text, src, ha_config_fence_line);
}

static int setting_entry(const char *key, const char *value, unsigned line,
			 struct kvconf_error *err, void *userdata)
{
	struct ha_config *c = userdata;
	char reason[sizeof(err->reason)];

	if (ha_config_setting(&c->settings, key, value, reason,
			      sizeof(reason)) < 0)
		return kvconf_fail(err, line, "%s", reason);
	return 0;
}

static int setting_line(struct ha_config *c, const char *line, char *reason,
			size_t len)
{
	struct kvconf_error err = {0};

	if (kvconf_parse(line, setting_entry, c, &err) < 0) {
		snprintf(reason, len, "%s", err.reason);
		return -EINVAL;
	}
	return 0;
}

unsigned ha_config_parse_settings(struct ha_config *c, const char *text,
				  const struct ha_cfg_src *src)
{
	return each_line(c, text, src, setting_line);
}
