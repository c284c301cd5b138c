/*
 * Parsing of clusterd.conf keys. Every value is checked here, at start, so
 * that a typo stops the daemon with file:line and a reason instead of
 * surfacing later as odd behaviour.
 */
#include "config.h"
#include "settings.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void settings_default(struct clusterd_settings *s)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->data_dir, sizeof(s->data_dir), "%s/lib/clusterd",
		 LOCALSTATEDIR);
	snprintf(s->run_dir, sizeof(s->run_dir), "%s/clusterd", RUNSTATEDIR);
	snprintf(s->corosync_conf, sizeof(s->corosync_conf),
		 "%s/corosync/corosync.conf", SYSCONFDIR);
	snprintf(s->mount_dir, sizeof(s->mount_dir), "%s/cluster", SYSCONFDIR);
	s->sync_mode = STORE_SYNC_FULL;
	tree_limits_default(&s->limits);
	s->call_timeout_ms = 10000;
	s->sync_timeout_ms = 5000;
	s->audit_interval_ms = 60000;
	s->join_port = 5410;
}

static int set_path(char *dst, const char *value, unsigned line,
		    struct kvconf_error *err)
{
	if (value[0] != '/')
		return kvconf_fail(
		    err, line, "expected an absolute path, got '%.64s'", value);
	if (strlen(value) >= PATH_MAX)
		return kvconf_fail(err, line, "path too long");
	strcpy(dst, value);
	return 0;
}

static int set_size(uint64_t *dst, const char *key, const char *value,
		    unsigned line, struct kvconf_error *err)
{
	if (parse_size(value, dst) < 0 || *dst == 0)
		return kvconf_fail(
		    err, line, "%s: expected a size such as 8M, got '%.64s'",
		    key, value);
	return 0;
}

/* Seconds from MIN to 3600, stored in ms. */
static int set_seconds(uint64_t *dst_ms, const char *key, const char *value,
		       uint64_t min, unsigned line, struct kvconf_error *err)
{
	uint64_t sec;

	if (parse_uint64(value, &sec) < 0 || sec < min || sec > 3600)
		return kvconf_fail(err, line, "%s: expected seconds (%llu-3600), got '%.64s'",
				   key, (unsigned long long)min, value);
	*dst_ms = sec * 1000;
	return 0;
}

int settings_apply_key(const char *key, const char *value, unsigned line,
		       struct kvconf_error *err, void *userdata)
{
	struct clusterd_settings *s = userdata;

	if (strcmp(key, "data_dir") == 0)
		return set_path(s->data_dir, value, line, err);
	if (strcmp(key, "run_dir") == 0)
		return set_path(s->run_dir, value, line, err);
	if (strcmp(key, "corosync_conf") == 0)
		return set_path(s->corosync_conf, value, line, err);
	if (strcmp(key, "mount") == 0) {
		if (!*value || strcmp(value, "none") == 0) {
			s->mount_dir[0] = '\0';
			return 0;
		}
		return set_path(s->mount_dir, value, line, err);
	}
	if (strcmp(key, "sync") == 0) {
		if (strcmp(value, "full") == 0)
			s->sync_mode = STORE_SYNC_FULL;
		else if (strcmp(value, "normal") == 0)
			s->sync_mode = STORE_SYNC_NORMAL;
		else
			return kvconf_fail(
			    err, line,
			    "sync: expected full or normal, got '%.64s'",
			    value);
		return 0;
	}
	if (strcmp(key, "max_file_size") == 0)
		return set_size(&s->limits.max_file_size, key, value, line,
				err);
	if (strcmp(key, "max_tree_size") == 0)
		return set_size(&s->limits.max_tree_size, key, value, line,
				err);
	if (strcmp(key, "max_entries") == 0) {
		if (parse_uint64(value, &s->limits.max_entries) < 0 ||
		    !s->limits.max_entries)
			return kvconf_fail(
			    err, line,
			    "max_entries: expected a positive number");
		return 0;
	}
	if (strcmp(key, "call_timeout") == 0)
		return set_seconds(&s->call_timeout_ms, key, value, 1, line, err);
	if (strcmp(key, "sync_timeout") == 0)
		return set_seconds(&s->sync_timeout_ms, key, value, 1, line, err);
	if (strcmp(key, "audit_interval") == 0)
		return set_seconds(&s->audit_interval_ms, key, value, 0, line, err);
	if (strcmp(key, "join_port") == 0) {
		uint64_t port;

		if (parse_uint64(value, &port) < 0 || port > 65535)
			return kvconf_fail(err, line,
					   "join_port: expected 0-65535");
		s->join_port = (uint32_t)port;
		return 0;
	}
	return kvconf_fail(err, line, "unknown key '%s'", key);
}
