/*
 * Operations that change nothing: lookup, getattr, readdir, readlink,
 * statfs, access, forget. All answer at once from the in-memory tree.
 */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "array.h"

static struct configfs *req_fs(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

/* Does PATH exist (in the tree, or as a virtual file)? */
static bool exists(struct configfs *fs, const char *path)
{
	struct tree_entry scratch;

	return cfs_virtual_kind(path) || cfs_entry(fs, path, &scratch);
}

void cfs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct configfs *fs = req_fs(req);
	struct fuse_entry_param e;
	struct cfs_inode *in;
	char path[4096];
	int r = cfs_parent_child(fs, parent, name, path, sizeof(path));

	if (r == 0)
		r = cfs_check_access(fs, req, cfs_inode_get(fs, parent)->path,
				     X_OK);
	if (r == 0 && !exists(fs, path))
		r = -ENOENT;
	if (r < 0) {
		fuse_reply_err(req, -r);
		return;
	}
	in = cfs_inode_for_path(fs, path);
	if (!in) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	r = cfs_fill_entry(fs, in, &e);
	if (r < 0) {
		cfs_inode_maybe_free(fs, in);
		fuse_reply_err(req, -r);
		return;
	}
	fuse_reply_entry(req, &e);
}

void cfs_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct configfs *fs = req_fs(req);
	struct cfs_inode *in = cfs_inode_get(fs, ino);
	struct stat st;
	int r = in ? cfs_stat(fs, in, &st) : -ENOENT;

	if (r < 0)
		fuse_reply_err(req, -r);
	else
		fuse_reply_attr(req, &st, 0);
}

/* ------------------------------------------------------------ readdir */

struct dir_acc {
	fuse_req_t req;
	struct configfs *fs;
	struct cfs_dir *d;
	size_t cap, cap_offsets;
	const char *dir;
};

static int dir_add(struct dir_acc *acc, const char *name, mode_t mode,
		   fuse_ino_t ino)
{
	struct cfs_dir *d = acc->d;
	struct stat st = {.st_ino = ino, .st_mode = mode};
	size_t need = fuse_add_direntry(acc->req, NULL, 0, name, NULL, 0);

	while (d->size + need > acc->cap) {
		size_t cap = acc->cap ? acc->cap * 2 : 4096;
		char *grown = realloc(d->buf, cap);

		if (!grown)
			return -ENOMEM;
		d->buf = grown;
		acc->cap = cap;
	}
	if (ARRAY_RESERVE(d->offsets, acc->cap_offsets, d->count + 1, 64) < 0)
		return -ENOMEM;
	d->offsets[d->count] = d->size;
	fuse_add_direntry(acc->req, d->buf + d->size, need, name, &st,
			  d->count + 1);
	d->size += need;
	d->count++;
	d->offsets[d->count] = d->size;
	return 0;
}

/* A stable number for a child the kernel did not look up yet. */
static fuse_ino_t child_ino(struct configfs *fs, const char *path)
{
	struct cfs_inode *in = cfs_inode_find(fs, path);
	uint64_t h = 1469598103934665603ULL;

	if (in)
		return in->ino;
	for (const char *p = path; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return h | (1ULL << 63);
}

static int list_child(const struct tree_entry *e, void *userdata)
{
	struct dir_acc *acc = userdata;
	const char *name = strrchr(e->path, '/');

	name = name ? name + 1 : e->path;
	if (!*acc->dir && cfs_virtual_kind(name))
		return 0; /* shadowed by the virtual file */
	return dir_add(acc, name, e->type == TREE_DIR ? S_IFDIR : S_IFREG,
		       child_ino(acc->fs, e->path));
}

static int list_virtual(struct dir_acc *acc)
{
	static const char *const names[] = {".members", ".version", ".guests",
					    ".clusterlog", "local"};
	int r = 0;

	for (size_t i = 0; i < sizeof(names) / sizeof(*names) && r == 0; i++)
		r = dir_add(acc, names[i],
			    cfs_virtual_kind(names[i]) == CFS_LOCAL ? S_IFLNK
								    : S_IFREG,
			    child_ino(acc->fs, names[i]));
	return r;
}

/* Files created in DIR here and not saved yet (not in the tree). */
static int list_creating(struct dir_acc *acc)
{
	struct configfs *fs = acc->fs;
	size_t n = strlen(acc->dir);
	int r = 0;

	for (size_t i = 0; i < fs->n_inodes && r == 0; i++) {
		struct cfs_inode *in = fs->inodes[i];
		const char *name;

		if (!in || !in->path || !cfs_creating(fs, in->path) ||
		    tree_lookup(fs->cd->tree, in->path))
			continue;
		name = strrchr(in->path, '/');
		if (n ? !name || (size_t)(name - in->path) != n ||
			    strncmp(in->path, acc->dir, n) != 0
		      : name != NULL)
			continue;
		r = dir_add(acc, name ? name + 1 : in->path, S_IFREG, in->ino);
	}
	return r;
}

static void dir_free(struct cfs_dir *d)
{
	if (!d)
		return;
	free(d->buf);
	free(d->offsets);
	free(d);
}

void cfs_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct configfs *fs = req_fs(req);
	struct cfs_inode *in = cfs_inode_get(fs, ino);
	struct dir_acc acc = {.req = req, .fs = fs};
	const struct tree_entry *e;
	int r = 0;

	if (!in || !in->path || !(e = tree_lookup(fs->cd->tree, in->path)))
		r = -ENOENT;
	else if (e->type != TREE_DIR)
		r = -ENOTDIR;
	if (r == 0)
		r = cfs_check_access(fs, req, in->path, R_OK);
	if (r == 0 && !(acc.d = calloc(1, sizeof(*acc.d))))
		r = -ENOMEM;
	if (r == 0) {
		acc.dir = in->path;
		r = dir_add(&acc, ".", S_IFDIR, ino);
	}
	if (r == 0)
		r = dir_add(&acc, "..", S_IFDIR, FUSE_ROOT_ID);
	if (r == 0 && !*in->path)
		r = list_virtual(&acc);
	if (r == 0)
		r = tree_list(fs->cd->tree, in->path, list_child, &acc);
	if (r == 0)
		r = list_creating(&acc);
	if (r < 0) {
		dir_free(acc.d);
		fuse_reply_err(req, -r);
		return;
	}
	fi->fh = (uintptr_t)acc.d;
	fuse_reply_open(req, fi);
}

void cfs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		 struct fuse_file_info *fi)
{
	struct cfs_dir *d = (struct cfs_dir *)(uintptr_t)fi->fh;
	size_t start, end;

	if (off < 0 || (size_t)off >= d->count) {
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	start = d->offsets[off];
	end = start;
	for (size_t i = off; i < d->count; i++) {
		if (d->offsets[i + 1] - start > size)
			break;
		end = d->offsets[i + 1];
	}
	fuse_reply_buf(req, d->buf + start, end - start);
}

void cfs_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	dir_free((struct cfs_dir *)(uintptr_t)fi->fh);
	fuse_reply_err(req, 0);
}

/* ------------------------------------------------------------- others */

void cfs_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct configfs *fs = req_fs(req);
	struct cfs_inode *in = cfs_inode_get(fs, ino);
	char target[300];

	if (!in || !in->path || cfs_virtual_kind(in->path) != CFS_LOCAL) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	cfs_local_target(fs, target, sizeof(target));
	fuse_reply_readlink(req, target);
}

void cfs_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct configfs *fs = req_fs(req);
	const struct tree_limits *l = tree_get_limits(fs->cd->tree);
	uint64_t used = tree_total_size(fs->cd->tree);
	uint64_t entries = tree_entry_count(fs->cd->tree);
	struct statvfs sv = {
	    .f_bsize = 4096,
	    .f_frsize = 4096,
	    .f_blocks = l->max_tree_size / 4096,
	    .f_files = l->max_entries,
	    .f_namemax = 255,
	};

	sv.f_bfree = sv.f_bavail =
	    used >= l->max_tree_size ? 0 : (l->max_tree_size - used) / 4096;
	sv.f_ffree = sv.f_favail =
	    entries >= l->max_entries ? 0 : l->max_entries - entries;
	if (!cfs_quorate(fs))
		sv.f_flag |= ST_RDONLY;
	fuse_reply_statfs(req, &sv);
}

void cfs_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
	struct configfs *fs = req_fs(req);
	struct cfs_inode *in = cfs_inode_get(fs, ino);
	struct stat st;
	int r = in ? cfs_stat(fs, in, &st) : -ENOENT;

	if (r == 0 && (mask & X_OK) && !S_ISDIR(st.st_mode))
		r = -EACCES; /* no file is executable */
	if (r == 0 && (mask & W_OK) && cfs_virtual_kind(in->path))
		r = cfs_quorate(fs) ? -EACCES : -EROFS;
	if (r == 0)
		r = cfs_check_access(fs, req, in->path, mask);
	fuse_reply_err(req, -r);
}

void cfs_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	struct configfs *fs = req_fs(req);
	struct cfs_inode *in = cfs_inode_get(fs, ino);

	if (in)
		cfs_inode_forget(fs, in, nlookup);
	fuse_reply_none(req);
}

void cfs_forget_multi(fuse_req_t req, size_t count,
		      struct fuse_forget_data *forgets)
{
	struct configfs *fs = req_fs(req);

	for (size_t i = 0; i < count; i++) {
		struct cfs_inode *in = cfs_inode_get(fs, forgets[i].ino);
		if (in)
			cfs_inode_forget(fs, in, forgets[i].nlookup);
	}
	fuse_reply_none(req);
}
