/*
 * "key: value" configuration text, one entry per line.
 *
 * The same format serves clusterd.conf, guest configurations and HA files:
 * blank lines and lines starting with '#' are ignored, keys are
 * [A-Za-z0-9_.-]+, the value is the rest of the line without surrounding
 * blanks. Errors carry the line number and a reason a person can act on.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kvconf_error {
	unsigned line;
	char reason[160];
};

/* Called once per entry; a negative return stops parsing and is returned. */
typedef int (*kvconf_entry_fn)(const char *key, const char *value,
			       unsigned line, struct kvconf_error *err,
			       void *userdata);

/* Parse TEXT. Returns 0, -EINVAL on a syntax error, or the callback's error;
 * on any error ERR says where and why. */
int kvconf_parse(const char *text, kvconf_entry_fn fn, void *userdata,
		 struct kvconf_error *err);

/* Read and parse PATH (at most 1 MiB). -ENOENT etc. from reading. */
int kvconf_parse_file(const char *path, kvconf_entry_fn fn, void *userdata,
		      struct kvconf_error *err);

/* Read a regular file of at most 1 MiB into *OUT (NUL-terminated, free()
 * it) and its length into *LEN. -errno, -EFBIG when too large. */
int kvconf_read_file(const char *path, char **out, size_t *len);

/* Record a failure in ERR for LINE and return -EINVAL. */
int kvconf_fail(struct kvconf_error *err, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Value parsers: 0 or -EINVAL (-ERANGE when out of range). */
int parse_bool(const char *s, bool *out);
int parse_uint64(const char *s, uint64_t *out);
/* A byte size with an optional binary suffix: 512, 64K, 8M, 1G, 2T. */
int parse_size(const char *s, uint64_t *out);
