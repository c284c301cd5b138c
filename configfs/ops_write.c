/*
 * Operations that change the tree. Each becomes one replicated write
 * (create: none until the file's first save, see create_local) through
 * the daemon's write queue (clusterd/write_queue.h), the path IPC
 * writes take; the FUSE request is answered when the write was applied
 * and committed on this node (invariant 3), or refused.
 *
 * rename maps to the tree's atomic rename, replacing an existing file as
 * editors and install(1) expect. chmod and chown are refused (EPERM): the
 * modes are the filesystem's. utimens succeeds without effect: mtimes are
 * the writers' clocks at the time of the change.
 */
#include "internal.h"
#include "write_queue.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

enum op_kind {
	OP_CREATE,
	OP_MKDIR,
	OP_REMOVE,
	OP_RENAME,
	OP_COMMIT,
	OP_TRUNCATE
};

/* A write waiting for its outcome; owns its strings and data. */
struct cfs_op {
	struct configfs *fs;
	fuse_req_t req; /* NULL: nobody to answer */
	enum op_kind kind;
	char *path, *to;
	void *data;
	size_t size;
	struct cfs_handle *h; /* OP_COMMIT */
	uint64_t gen;
	struct fuse_file_info fi; /* OP_CREATE */
	pid_t opener;
};

static struct configfs *req_fs(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

static int64_t now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return tv.tv_sec * 1000LL + tv.tv_usec / 1000;
}

static void op_free(struct cfs_op *op)
{
	free(op->path);
	free(op->to);
	free(op->data);
	free(op);
}

static void reply_entry(struct configfs *fs, struct cfs_op *op)
{
	struct cfs_inode *in = cfs_inode_for_path(fs, op->path);
	struct fuse_entry_param e;
	struct cfs_handle *h;
	int r = in ? cfs_fill_entry(fs, in, &e) : -ENOMEM;

	if (r < 0) {
		if (in)
			cfs_inode_maybe_free(fs, in);
		fuse_reply_err(op->req, -r);
		return;
	}
	if (op->kind == OP_MKDIR) {
		fuse_reply_entry(op->req, &e);
		return;
	}
	h = cfs_handle_new(fs, in, op->fi.flags);
	if (!h) {
		in->nlookup--;
		cfs_inode_maybe_free(fs, in);
		fuse_reply_err(op->req, ENOMEM);
		return;
	}
	h->opener = op->opener;
	op->fi.fh = (uintptr_t)h;
	op->fi.keep_cache = 0;
	if (fuse_reply_create(op->req, &e, &op->fi) < 0)
		cfs_handle_unref(fs, h); /* the kernel forgets the lookup */
}

static void commit_done(struct configfs *fs, struct cfs_op *op, int err)
{
	struct cfs_handle *h = op->h;

	/* On failure the change is dropped and reported once: saving it
	 * again at close would surprise more than it helps. A file created
	 * here that could not be saved never existed. */
	if (h->dirty_gen == op->gen)
		h->dirty = h->written = false;
	if (h->creating && err && !tree_lookup(fs->cd->tree, op->path))
		cfs_inode_kill(fs, op->path);
	h->creating = false;
	cfs_handle_unref(fs, h);
	if (op->req)
		fuse_reply_err(op->req, err);
}

static void op_done(void *userdata, int err, const char *why, uint64_t version)
{
	struct cfs_op *op = userdata;
	struct configfs *fs = op->fs;

	if (op->kind == OP_COMMIT) {
		commit_done(fs, op, err);
	} else if (err) {
		fuse_reply_err(op->req, err);
	} else if (op->kind == OP_CREATE || op->kind == OP_MKDIR) {
		reply_entry(fs, op);
	} else if (op->kind == OP_REMOVE) {
		cfs_inode_kill(fs, op->path);
		fuse_reply_err(op->req, 0);
	} else if (op->kind == OP_RENAME) {
		cfs_inode_kill(fs, op->to);
		cfs_inode_renamed(fs, op->path, op->to);
		fuse_reply_err(op->req, 0);
	} else { /* OP_TRUNCATE */
		struct cfs_inode *in = cfs_inode_find(fs, op->path);
		struct stat st;
		int r = in ? cfs_stat(fs, in, &st) : -ENOENT;

		if (r < 0)
			fuse_reply_err(op->req, -r);
		else
			fuse_reply_attr(op->req, &st, 0);
	}
	op_free(op);
}

/* Queue OP as W; on any failure OP is answered and freed. */
static void submit(struct configfs *fs, struct cfs_op *op,
		   enum replica_op_type type, bool check_version)
{
	struct replica_write w = {
	    .type = type,
	    .path = op->path,
	    .to = op->to,
	    .data = op->data,
	    .size = op->size,
	    .check_version = check_version,
	    .mtime_ms = now_ms(),
	};

	op->fs = fs;
	if (write_queue_submit(fs->cd->writes, &w, op_done, op) < 0)
		op_done(op, ENOMEM, NULL, 0);
}

static struct cfs_op *op_new(fuse_req_t req, enum op_kind kind,
			     const char *path, const char *to)
{
	struct cfs_op *op = calloc(1, sizeof(*op));

	if (!op)
		return NULL;
	op->req = req;
	op->kind = kind;
	op->path = strdup(path);
	op->to = to ? strdup(to) : NULL;
	if (!op->path || (to && !op->to)) {
		op_free(op);
		return NULL;
	}
	return op;
}

/* Resolve PARENT/NAME for a change: the path, or an errno replied. */
static int change_path(struct configfs *fs, fuse_req_t req, fuse_ino_t parent,
		       const char *name, char *path, size_t size)
{
	int r = cfs_parent_child(fs, parent, name, path, size);

	if (r == 0)
		r = cfs_check_access(fs, req, cfs_inode_get(fs, parent)->path,
				     W_OK | X_OK);
	if (r == 0 && cfs_virtual_kind(path))
		r = -EPERM; /* "local", ".members", ... are not files */
	return r;
}

static void start(fuse_req_t req, fuse_ino_t parent, const char *name,
		  const char *to, enum op_kind kind, enum replica_op_type type,
		  bool check_version, const struct fuse_file_info *fi)
{
	struct configfs *fs = req_fs(req);
	struct cfs_op *op;
	char path[4096];
	int r = change_path(fs, req, parent, name, path, sizeof(path));

	if (r == -EPERM && (kind == OP_CREATE || kind == OP_MKDIR))
		r = -EEXIST;
	if (r < 0) {
		fuse_reply_err(req, -r);
		return;
	}
	op = op_new(req, kind, path, to);
	if (!op) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	if (fi)
		op->fi = *fi;
	op->opener = fuse_req_ctx(req)->pid;
	submit(fs, op, type, check_version);
}

/* A new file exists only here until its first save (one replicated write
 * for create+write+close): this node's lookups, opens and listings see it
 * (cfs_entry), other nodes see it once saved. */
static void create_local(struct configfs *fs, fuse_req_t req, const char *path,
			 struct fuse_file_info *fi)
{
	struct cfs_inode *in = cfs_inode_for_path(fs, path);
	struct cfs_handle *h = in ? cfs_handle_new(fs, in, fi->flags) : NULL;
	struct fuse_entry_param e;

	if (!h) {
		if (in)
			cfs_inode_maybe_free(fs, in);
		fuse_reply_err(req, ENOMEM);
		return;
	}
	h->creating = true;
	cfs_handle_touch(h, false);
	h->opener = fuse_req_ctx(req)->pid;
	if (cfs_fill_entry(fs, in, &e) < 0) {
		cfs_handle_unref(fs, h);
		fuse_reply_err(req, ENOENT);
		return;
	}
	fi->fh = (uintptr_t)h;
	fi->keep_cache = 0;
	if (fuse_reply_create(req, &e, fi) < 0) {
		in->nlookup--;
		cfs_handle_unref(fs, h);
	}
}

void cfs_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		mode_t mode, struct fuse_file_info *fi)
{
	struct configfs *fs = req_fs(req);
	struct tree_entry scratch;
	char path[4096];
	int r = change_path(fs, req, parent, name, path, sizeof(path));

	if (r == -EPERM)
		r = -EEXIST;
	if (r == 0 && cfs_entry(fs, path, &scratch)) {
		/* Created elsewhere since the kernel's lookup: O_EXCL fails,
		 * otherwise a create-or-truncate put. */
		if (!(fi->flags & O_EXCL)) {
			start(req, parent, name, NULL, OP_CREATE, REPLICA_PUT,
			      false, fi);
			return;
		}
		r = -EEXIST;
	}
	if (r < 0) {
		fuse_reply_err(req, -r);
		return;
	}
	create_local(fs, req, path, fi);
}

void cfs_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	start(req, parent, name, NULL, OP_MKDIR, REPLICA_MKDIR, false, NULL);
}

/* Is a file created here and not saved yet at or below PATH? */
static bool creating_under(struct configfs *fs, const char *path)
{
	size_t n = strlen(path);

	for (size_t i = 0; i < fs->n_inodes; i++) {
		struct cfs_inode *in = fs->inodes[i];

		if (in && in->path && strncmp(in->path, path, n) == 0 &&
		    (!in->path[n] || in->path[n] == '/') &&
		    cfs_creating(fs, in->path) &&
		    !tree_lookup(fs->cd->tree, in->path))
			return true;
	}
	return false;
}

static void remove_typed(fuse_req_t req, fuse_ino_t parent, const char *name,
			 bool dir)
{
	struct configfs *fs = req_fs(req);
	char path[4096];
	const struct tree_entry *e = NULL;
	int r = cfs_parent_child(fs, parent, name, path, sizeof(path));

	if (r == 0 && (e = tree_lookup(fs->cd->tree, path)) &&
	    (e->type == TREE_DIR) != dir)
		r = dir ? -ENOTDIR : -EISDIR;
	if (r == 0 && dir && creating_under(fs, path))
		r = -ENOTEMPTY;
	if (r == 0 && !e && creating_under(fs, path)) {
		/* Never saved: nothing to replicate. */
		r = cfs_check_access(fs, req, cfs_inode_get(fs, parent)->path,
				     W_OK);
		if (r == 0)
			cfs_inode_kill(fs, path);
		fuse_reply_err(req, -r);
		return;
	}
	if (r < 0) {
		fuse_reply_err(req, -r);
		return;
	}
	start(req, parent, name, NULL, OP_REMOVE, REPLICA_REMOVE, false, NULL);
}

void cfs_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	remove_typed(req, parent, name, false);
}

void cfs_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	remove_typed(req, parent, name, true);
}

void cfs_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		fuse_ino_t newparent, const char *newname, unsigned int flags)
{
	struct configfs *fs = req_fs(req);
	struct tree_entry scratch;
	struct cfs_handle *h;
	char to[4096], from[4096];
	int r = change_path(fs, req, newparent, newname, to, sizeof(to));

	if (r == 0 && (flags & ~RENAME_NOREPLACE))
		r = -EINVAL; /* RENAME_EXCHANGE, RENAME_WHITEOUT */
	if (r == 0 && (flags & RENAME_NOREPLACE) && cfs_entry(fs, to, &scratch))
		r = -EEXIST;
	if (r < 0) {
		fuse_reply_err(req, -r);
		return;
	}
	/* A file created here must exist before it moves: save it first
	 * (this node's writes are delivered in the order sent). */
	if (cfs_parent_child(fs, parent, name, from, sizeof(from)) == 0 &&
	    (h = cfs_creating(fs, from)) && !tree_lookup(fs->cd->tree, from))
		cfs_commit(fs, h, NULL);
	start(req, parent, name, to, OP_RENAME, REPLICA_RENAME, false, NULL);
}

void cfs_commit(struct configfs *fs, struct cfs_handle *h, fuse_req_t req)
{
	struct cfs_op *op;

	if (h->failed) {
		h->dirty = false;
		if (req)
			fuse_reply_err(req, h->failed);
		return;
	}
	if (!h->dirty || !h->inode->path) {
		if (req)
			fuse_reply_err(req, 0);
		return;
	}
	op = op_new(req, OP_COMMIT, h->inode->path, NULL);
	if (op && h->size && !(op->data = malloc(h->size))) {
		op_free(op);
		op = NULL;
	}
	if (!op) {
		if (req)
			fuse_reply_err(req, ENOMEM);
		return;
	}
	if (h->size)
		memcpy(op->data, h->buf, h->size);
	op->size = h->size;
	op->h = h;
	op->gen = h->dirty_gen;
	h->refs++;
	submit(fs, op, REPLICA_PUT, false);
}

/* chmod/chown are refused with EPERM, except a chmod to a mode within the
 * file's own (install(1) sets 0600 first, then -m 0640) and a chown to the
 * owner it has (cp -p): accepted, and the mode stays the filesystem's. */
static int check_owner_mode(const struct stat *cur, const struct stat *attr,
			    int to_set)
{
	if ((to_set & FUSE_SET_ATTR_MODE) &&
	    (attr->st_mode & 07777 & ~(cur->st_mode | 0222)))
		return -EPERM;
	if ((to_set & FUSE_SET_ATTR_UID) && attr->st_uid != cur->st_uid)
		return -EPERM;
	if ((to_set & FUSE_SET_ATTR_GID) && attr->st_gid != cur->st_gid)
		return -EPERM;
	return 0;
}

/* truncate(2) without an open file: one put of the resized content. */
static void truncate_path(struct configfs *fs, fuse_req_t req,
			  struct cfs_inode *in, uint64_t size)
{
	const struct tree_entry *e = tree_lookup(fs->cd->tree, in->path);
	struct cfs_handle *h = cfs_creating(fs, in->path);
	struct cfs_op *op;
	struct stat st;
	int r;

	if (!e && h) { /* not saved yet: its save carries the new size */
		r = cfs_handle_truncate(fs, h, size);
		if (r == 0)
			r = cfs_stat(fs, in, &st);
		if (r < 0)
			fuse_reply_err(req, -r);
		else
			fuse_reply_attr(req, &st, 0);
		return;
	}
	if (!e || e->type != TREE_FILE) {
		fuse_reply_err(req, e ? EISDIR : ENOENT);
		return;
	}
	if (size > tree_get_limits(fs->cd->tree)->max_file_size) {
		fuse_reply_err(req, EFBIG);
		return;
	}
	op = op_new(req, OP_TRUNCATE, in->path, NULL);
	if (op && size && !(op->data = calloc(1, size))) {
		op_free(op);
		op = NULL;
	}
	if (!op) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	if (size && e->size)
		memcpy(op->data, e->data, e->size < size ? e->size : size);
	op->size = size;
	submit(fs, op, REPLICA_PUT, false);
}

void cfs_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
		 struct fuse_file_info *fi)
{
	struct configfs *fs = req_fs(req);
	struct cfs_inode *in = cfs_inode_get(fs, ino);
	struct stat st;
	int r = in ? cfs_stat(fs, in, &st) : -ENOENT;

	if (r == 0)
		r = check_owner_mode(&st, attr, to_set);
	if (r == 0 && (to_set & ~(FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_UID |
				  FUSE_SET_ATTR_GID)))
		r = cfs_virtual_kind(in->path)
			? -EPERM
			: cfs_check_access(fs, req, in->path, W_OK);
	if (r == 0 && (to_set & FUSE_SET_ATTR_SIZE)) {
		if (!fi) {
			truncate_path(fs, req, in, attr->st_size);
			return;
		}
		r = cfs_handle_truncate(
		    fs, (struct cfs_handle *)(uintptr_t)fi->fh, attr->st_size);
	}
	if (r == 0)
		r = cfs_stat(fs, in, &st);
	if (r < 0)
		fuse_reply_err(req, -r);
	else
		fuse_reply_attr(req, &st, 0);
}
