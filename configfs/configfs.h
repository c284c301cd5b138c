/*
 * configfs: the configuration tree as a FUSE filesystem (default mount
 * point /etc/cluster), served from inside clusterd by its own event loop.
 * See docs/configfs.md for the behaviour and configfs/internal.h for the
 * design.
 */
#pragma once

#include "clusterd.h"

struct configfs;

/* Mount at MOUNTPOINT (replacing a stale mount of a crashed daemon) and
 * serve from CD's loop. MOUNTPOINT NULL or "": nothing, *OUT is NULL. */
int configfs_new(struct clusterd *cd, const char *mountpoint,
		 struct configfs **out);
/* Unmount and free. Call after every pending write was answered. */
void configfs_free(struct configfs *fs);
