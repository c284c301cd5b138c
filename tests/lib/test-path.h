/*
 * The fuzzers' restatement of clusterd's path rule (tree_path_check() in
 * clusterd/tree.c): the oracle of cd-ipc-fuzz and the filter of
 * cd-cpg-garble judge paths with this copy, written apart from the code
 * under test, so that a bug there is not repeated here. Header-only.
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <string.h>

/* 0 when P (no leading '/') is a valid tree path, else a positive errno:
 * ENAMETOOLONG (over 4096 bytes, or a component over 255), EINVAL (an
 * empty, "." or ".." component, or a trailing '/'). "" is the root. */
static inline int test_path_errno(const char *p)
{
	if (strnlen(p, 4097) > 4096)
		return ENAMETOOLONG;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 0)
			return EINVAL;
		if (n > 255)
			return ENAMETOOLONG;
		if (p[0] == '.' && (n == 1 || (n == 2 && p[1] == '.')))
			return EINVAL;
		if (!p[n])
			break;
		p += n + 1;
		if (!*p)
			return EINVAL;
	}
	return 0;
}

/* May a write to the valid path P change anything outside DIR's subtree?
 * The root and invalid paths are refused, so they cannot; DIR itself
 * counts as inside when DIR_ITSELF. */
static inline bool test_path_escapes(const char *p, const char *dir,
				     bool dir_itself)
{
	size_t n = strlen(dir);

	if (!*p || test_path_errno(p))
		return false;
	if (strncmp(p, dir, n) != 0)
		return true;
	return !(p[n] == '/' || (dir_itself && p[n] == '\0'));
}
