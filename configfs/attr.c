/*
 * Attributes and permissions.
 *
 * Modes are the filesystem's, whatever a caller asked for: files 0640 and
 * directories 0750, owned by root and group "clusterd"; priv/ and below
 * 0600/0700 root:root; virtual files 0440. Without quorum every write bit
 * is cleared, so `test -w` tells a script whether a change can succeed.
 *
 * The kernel does not check permissions (no default_permissions): root
 * bypasses mode bits there, which would make `test -w` true without
 * quorum. Every operation checks here instead, against the same modes:
 * root may do anything while quorate, members of group "clusterd" may read
 * everything but priv/, anyone else nothing.
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

bool cfs_quorate(const struct configfs *fs)
{
	return replica_quorate(fs->cd->replica);
}

enum cfs_virtual cfs_virtual_kind(const char *path)
{
	static const struct {
		const char *name;
		enum cfs_virtual kind;
	} names[] = {
	    {".members", CFS_MEMBERS}, {".version", CFS_VERSION},
	    {".guests", CFS_GUESTS},   {".clusterlog", CFS_CLUSTERLOG},
	    {"local", CFS_LOCAL},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (strcmp(path, names[i].name) == 0)
			return names[i].kind;
	return CFS_NOT_VIRTUAL;
}

bool cfs_is_priv(const char *path)
{
	return strncmp(path, "priv", 4) == 0 &&
	       (path[4] == '\0' || path[4] == '/');
}

static int64_t now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return tv.tv_sec * 1000LL + tv.tv_usec / 1000;
}

static void set_times(struct stat *st, int64_t ms)
{
	st->st_mtim.tv_sec = ms / 1000;
	st->st_mtim.tv_nsec = (ms % 1000) * 1000000;
	st->st_atim = st->st_ctim = st->st_mtim;
}

static int stat_virtual(struct configfs *fs, enum cfs_virtual kind,
			struct stat *st)
{
	char target[300];
	char *data;
	size_t size;
	int r;

	set_times(st, now_ms());
	st->st_nlink = 1;
	st->st_gid = fs->gid;
	if (kind == CFS_LOCAL) {
		cfs_local_target(fs, target, sizeof(target));
		st->st_mode = S_IFLNK | 0777;
		st->st_size = strlen(target);
		return 0;
	}
	r = cfs_virtual_render(fs, kind, &data, &size);
	if (r < 0)
		return r;
	free(data);
	st->st_mode = S_IFREG | 0440;
	st->st_size = size;
	return 0;
}

struct cfs_handle *cfs_creating(struct configfs *fs, const char *path)
{
	struct cfs_inode *in = cfs_inode_find(fs, path);

	for (struct cfs_handle *h = in ? in->handles : NULL; h; h = h->next)
		if (h->creating)
			return h;
	return NULL;
}

const struct tree_entry *cfs_entry(struct configfs *fs, const char *path,
				   struct tree_entry *scratch)
{
	struct cfs_inode *in = cfs_inode_find(fs, path);
	const struct cfs_handle *h = NULL;

	for (const struct cfs_handle *o = in ? in->handles : NULL; o;
	     o = o->next)
		if (o->dirty && !o->failed &&
		    (!h || o->change_seq > h->change_seq))
			h = o;
	if (!h)
		return tree_lookup(fs->cd->tree, path);
	*scratch = (struct tree_entry){.path = path,
				       .type = TREE_FILE,
				       .data = h->buf,
				       .size = h->size,
				       .mtime_ms = h->mtime_ms};
	return scratch;
}

int cfs_stat(struct configfs *fs, struct cfs_inode *in, struct stat *st)
{
	const struct tree_entry *e;
	struct tree_entry scratch;
	enum cfs_virtual kind;
	bool priv, dir;
	size_t size;
	int64_t mtime;

	memset(st, 0, sizeof(*st));
	st->st_ino = in->ino;
	if (!in->path)
		return -ENOENT;
	kind = cfs_virtual_kind(in->path);
	if (kind)
		return stat_virtual(fs, kind, st);
	e = cfs_entry(fs, in->path, &scratch);
	if (!e)
		return -ENOENT;
	priv = cfs_is_priv(in->path);
	dir = e->type == TREE_DIR;
	st->st_mode = dir ? S_IFDIR | (priv ? 0700 : 0750)
			  : S_IFREG | (priv ? 0600 : 0640);
	if (!cfs_quorate(fs))
		st->st_mode &= ~0222;
	st->st_nlink = dir ? 2 : 1;
	st->st_gid = priv ? 0 : fs->gid;
	size = e->size;
	mtime = e->mtime_ms;
	st->st_size = size;
	st->st_blocks = (size + 511) / 512;
	st->st_blksize = 4096;
	set_times(st, mtime);
	return 0;
}

static bool in_group(fuse_req_t req, gid_t gid)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	gid_t groups[64];
	int n;

	if (ctx->gid == gid)
		return true;
	n = fuse_req_getgroups(req, 64, groups);
	for (int i = 0; i < n && i < 64; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

int cfs_check_access(struct configfs *fs, fuse_req_t req, const char *path,
		     int mask)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);

	if ((mask & W_OK) && !cfs_quorate(fs))
		return -EROFS;
	if (ctx->uid == 0)
		return 0;
	if (mask & W_OK)
		return -EACCES;
	if (cfs_is_priv(path) || !in_group(req, fs->gid))
		return -EACCES;
	return 0;
}

int cfs_fill_entry(struct configfs *fs, struct cfs_inode *in,
		   struct fuse_entry_param *e)
{
	int r;

	memset(e, 0, sizeof(*e));
	r = cfs_stat(fs, in, &e->attr);
	if (r < 0)
		return r;
	e->ino = in->ino;
	e->generation = in->generation;
	e->attr_timeout = 0;
	e->entry_timeout = 0;
	in->nlookup++;
	return 0;
}

int cfs_parent_child(struct configfs *fs, fuse_ino_t parent, const char *name,
		     char *buf, size_t size)
{
	struct cfs_inode *p = cfs_inode_get(fs, parent);
	const struct tree_entry *e;

	if (!p || !p->path)
		return -ENOENT;
	e = tree_lookup(fs->cd->tree, p->path);
	if (!e)
		return -ENOENT;
	if (e->type != TREE_DIR)
		return -ENOTDIR;
	return cfs_child_path(p->path, name, buf, size);
}
