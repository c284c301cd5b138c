/*
 * Guest IDs are unique cluster-wide. A guest is the file
 * nodes/<node>/qemu/<id>.conf or nodes/<node>/lxc/<id>.conf; a write that
 * would create a second file with the same <id> anywhere is refused with
 * EEXIST.
 *
 * The check runs where writes are applied (replica_write.c), on the
 * delivered operation and the tree every member holds alike, so every
 * member refuses the same writes whether they came from IPC or FUSE.
 */
#pragma once

#include "tree.h"

#include <stdbool.h>
#include <stdint.h>

/* Is PATH a guest configuration? Then *ID is its guest ID and, when not
 * NULL, *TYPE ("qemu" or "lxc") and NODE (up to NODE_SIZE bytes) are set. */
bool guest_path_parse(const char *path, uint64_t *id, const char **type,
		      char *node, size_t node_size);

/* 0 when a file may be written at PATH, -EEXIST when PATH is a guest
 * configuration whose ID another guest file already uses. A rename passes
 * its source as RENAMED_FROM, which does not count (a migration moves a
 * guest from one node's directory to another's). */
int guest_id_check_unique(const struct tree *tree, const char *path,
			  const char *renamed_from);
