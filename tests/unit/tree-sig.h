/*
 * A text signature of everything observable about a tree, for unit tests
 * that compare trees (equal signatures: equal trees).
 */
#pragma once

#include "tree.h"

#include <stdbool.h>

/* Version, horizon, checksum, counts, every entry (data hashed) and every
 * tombstone; WITH_ROOT adds the root's stamps. The caller frees it. */
char *tree_signature(const struct tree *t, bool with_root);
