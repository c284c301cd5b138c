/*
 * The inode table: kernel inode numbers <-> tree paths.
 *
 * Inode N lives in slot N - 1 of an array; a freed slot is reused with a
 * new generation, so (ino, generation) never names two files. A hash map
 * finds the inode of a path. The kernel counts lookups (nlookup) and
 * forgets them; an inode is freed when no lookup and no open file refers
 * to it. Removing or replacing a file kills its inode (path NULL): open
 * handles keep their content but saving it writes nothing.
 */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"

/* Drop PATH -> IN from the map, unless another inode took the path. */
static void map_forget(struct configfs *fs, struct cfs_inode *in)
{
	if (in->path && qb_map_get(fs->by_path, in->path) == in)
		qb_map_rm(fs->by_path, in->path);
}

static struct cfs_inode *inode_new(struct configfs *fs, const char *path)
{
	struct cfs_inode *in = calloc(1, sizeof(*in));
	size_t slot;

	if (!in || !(in->path = strdup(path))) {
		free(in);
		return NULL;
	}
	if (fs->n_free) {
		slot = fs->free_slots[--fs->n_free];
	} else {
		if (ARRAY_RESERVE(fs->inodes, fs->cap_inodes, fs->n_inodes,
				  64) < 0) {
			free(in->path);
			free(in);
			return NULL;
		}
		slot = fs->n_inodes++;
	}
	in->ino = slot + 1;
	in->generation = fs->next_generation++;
	fs->inodes[slot] = in;
	qb_map_put(fs->by_path, in->path, in);
	return in;
}

int cfs_inodes_init(struct configfs *fs)
{
	fs->by_path = qb_hashtable_create(1024);
	if (!fs->by_path)
		return -ENOMEM;
	fs->next_generation = 1;
	return inode_new(fs, "") ? 0 : -ENOMEM;
}

void cfs_inodes_free(struct configfs *fs)
{
	for (size_t i = 0; i < fs->n_inodes; i++) {
		if (!fs->inodes[i])
			continue;
		free(fs->inodes[i]->path);
		free(fs->inodes[i]);
	}
	free(fs->inodes);
	free(fs->free_slots);
	if (fs->by_path)
		qb_map_destroy(fs->by_path);
}

struct cfs_inode *cfs_inode_get(struct configfs *fs, fuse_ino_t ino)
{
	if (ino == 0 || ino > fs->n_inodes)
		return NULL;
	return fs->inodes[ino - 1];
}

struct cfs_inode *cfs_inode_find(struct configfs *fs, const char *path)
{
	return qb_map_get(fs->by_path, path);
}

struct cfs_inode *cfs_inode_for_path(struct configfs *fs, const char *path)
{
	struct cfs_inode *in = cfs_inode_find(fs, path);

	return in ? in : inode_new(fs, path);
}

void cfs_inode_maybe_free(struct configfs *fs, struct cfs_inode *in)
{
	if (in->ino == FUSE_ROOT_ID || in->nlookup || in->open_count)
		return;
	map_forget(fs, in);
	fs->inodes[in->ino - 1] = NULL;
	if (ARRAY_RESERVE(fs->free_slots, fs->cap_free, fs->n_free, 64) == 0)
		fs->free_slots[fs->n_free++] = in->ino - 1;
	free(in->path);
	free(in);
}

void cfs_inode_forget(struct configfs *fs, struct cfs_inode *in, uint64_t n)
{
	in->nlookup = n > in->nlookup ? 0 : in->nlookup - n;
	cfs_inode_maybe_free(fs, in);
}

static void kill_inode(struct configfs *fs, struct cfs_inode *in)
{
	map_forget(fs, in);
	free(in->path);
	in->path = NULL;
	cfs_inode_maybe_free(fs, in);
}

void cfs_inode_kill(struct configfs *fs, const char *path)
{
	struct cfs_inode *in = cfs_inode_find(fs, path);

	if (in && in->ino != FUSE_ROOT_ID)
		kill_inode(fs, in);
}

/* Is PATH FROM or below it? Then *REST is what follows FROM. */
static bool under(const char *path, const char *from, const char **rest)
{
	size_t n = strlen(from);

	if (strncmp(path, from, n) != 0 || (path[n] && path[n] != '/'))
		return false;
	*rest = path + n;
	return true;
}

void cfs_inode_renamed(struct configfs *fs, const char *from, const char *to)
{
	const char *rest;
	char *moved;

	for (size_t i = 0; i < fs->n_inodes; i++) {
		struct cfs_inode *in = fs->inodes[i];

		if (!in || !in->path || !under(in->path, from, &rest))
			continue;
		if (asprintf(&moved, "%s%s", to, rest) < 0) {
			kill_inode(fs, in);
			continue;
		}
		map_forget(fs, in);
		free(in->path);
		in->path = moved;
		qb_map_put(fs->by_path, in->path, in);
	}
}

int cfs_child_path(const char *parent, const char *name, char *buf, size_t size)
{
	int n = *parent ? snprintf(buf, size, "%s/%s", parent, name)
			: snprintf(buf, size, "%s", name);

	if (n < 0 || (size_t)n >= size || strlen(name) > 255)
		return -ENAMETOOLONG;
	return 0;
}
