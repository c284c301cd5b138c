/*
 * Open files. A handle holds the file's whole content, copied at open (a
 * reader sees one version of the file from its open to its close, never a
 * mix): the content as this node sees it (cfs_entry), i.e. including what
 * other descriptors wrote here and have not saved yet. Writes change only the
 * buffer and answer at once; flush (every close), fsync and the last release
 * save a changed buffer as ONE replicated put (cfs_commit), answered after the
 * put was applied and committed on this node.
 *
 * flush is sent for every close of every copy of the descriptor, also by
 * a child that merely inherited it, and a shell opens `> f`, duplicates it
 * and closes the original before the command wrote anything. Saving at
 * each would publish a truncated or half-written file, so a flush saves
 * only when it comes from the thread that opened the file AND something
 * was written since; the rest is saved by fsync or at the last release
 * (asynchronously: the closing process does not wait for it).
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static struct configfs *req_fs(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

static struct cfs_handle *fi_handle(const struct fuse_file_info *fi)
{
	return (struct cfs_handle *)(uintptr_t)fi->fh;
}

static int reserve(struct cfs_handle *h, size_t size)
{
	size_t cap = h->cap ? h->cap : 256;
	uint8_t *grown;

	if (size <= h->cap)
		return 0;
	while (cap < size)
		cap *= 2;
	grown = realloc(h->buf, cap);
	if (!grown)
		return -ENOMEM;
	h->buf = grown;
	h->cap = cap;
	return 0;
}

void cfs_handle_touch(struct cfs_handle *h, bool written)
{
	static uint64_t changes; /* one thread */
	struct timeval tv;

	gettimeofday(&tv, NULL);
	h->mtime_ms = tv.tv_sec * 1000LL + tv.tv_usec / 1000;
	h->dirty = true;
	h->written = h->written || written;
	h->dirty_gen++;
	h->change_seq = ++changes;
}

struct cfs_handle *cfs_handle_new(struct configfs *fs, struct cfs_inode *in,
				  int flags)
{
	struct cfs_handle *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->inode = in;
	h->refs = 1;
	h->writable = (flags & O_ACCMODE) != O_RDONLY;
	h->append = flags & O_APPEND;
	h->next = in->handles;
	in->handles = h;
	in->open_count++;
	return h;
}

void cfs_handle_unref(struct configfs *fs, struct cfs_handle *h)
{
	struct cfs_inode *in = h->inode;

	if (--h->refs > 0)
		return;
	for (struct cfs_handle **p = &in->handles; *p; p = &(*p)->next) {
		if (*p == h) {
			*p = h->next;
			break;
		}
	}
	in->open_count--;
	cfs_inode_maybe_free(fs, in);
	free(h->buf);
	free(h);
}

int cfs_handle_truncate(struct configfs *fs, struct cfs_handle *h,
			uint64_t size)
{
	if (size > tree_get_limits(fs->cd->tree)->max_file_size)
		return -EFBIG;
	if (reserve(h, size) < 0)
		return -ENOMEM;
	if (size > h->size)
		memset(h->buf + h->size, 0, size - h->size);
	h->size = size;
	cfs_handle_touch(h, true);
	return 0;
}

/* Fill H with the content of IN's file or virtual file. */
static int load(struct configfs *fs, struct cfs_handle *h,
		enum cfs_virtual kind, const struct tree_entry *e)
{
	char *data;
	size_t size;
	int r;

	if (kind) {
		r = cfs_virtual_render(fs, kind, &data, &size);
		if (r < 0)
			return r;
		h->buf = (uint8_t *)data;
		h->size = h->cap = size;
		return 0;
	}
	if (reserve(h, e->size) < 0)
		return -ENOMEM;
	if (e->size)
		memcpy(h->buf, e->data, e->size);
	h->size = e->size;
	return 0;
}

/* May IN be opened with FLAGS? Sets *E (NULL for a virtual file). */
static int open_check(struct configfs *fs, fuse_req_t req, struct cfs_inode *in,
		      int flags, const struct tree_entry **e,
		      struct tree_entry *scratch)
{
	bool write = (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
	enum cfs_virtual kind;

	if (!in || !in->path)
		return -ENOENT;
	kind = cfs_virtual_kind(in->path);
	*e = kind ? NULL : cfs_entry(fs, in->path, scratch);
	if (!kind && !*e)
		return -ENOENT;
	if (*e && (*e)->type == TREE_DIR)
		return -EISDIR;
	if (kind == CFS_LOCAL)
		return -ELOOP;
	if (write && kind)
		return cfs_quorate(fs) ? -EACCES : -EROFS;
	return cfs_check_access(fs, req, in->path, write ? W_OK : R_OK);
}

void cfs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct configfs *fs = req_fs(req);
	struct cfs_inode *in = cfs_inode_get(fs, ino);
	const struct tree_entry *e;
	struct tree_entry scratch;
	struct cfs_handle *h;
	int r = open_check(fs, req, in, fi->flags, &e, &scratch);

	if (r < 0) {
		fuse_reply_err(req, -r);
		return;
	}
	h = cfs_handle_new(fs, in, fi->flags);
	if (!h) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	h->opener = fuse_req_ctx(req)->pid;
	if (h->writable && (fi->flags & O_TRUNC)) {
		r = cfs_handle_truncate(fs, h, 0);
		h->written = false; /* saved at the first flush after a write */
	} else
		r = load(fs, h, cfs_virtual_kind(in->path), e);
	if (r < 0) {
		cfs_handle_unref(fs, h);
		fuse_reply_err(req, -r);
		return;
	}
	fi->fh = (uintptr_t)h;
	fi->keep_cache = 0;
	fi->direct_io = !e; /* virtual: the size changes with the content */
	if (fuse_reply_open(req, fi) < 0)
		cfs_handle_unref(fs, h);
}

void cfs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
	      struct fuse_file_info *fi)
{
	struct cfs_handle *h = fi_handle(fi);

	if (off < 0 || (size_t)off >= h->size) {
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	if (size > h->size - off)
		size = h->size - off;
	fuse_reply_buf(req, (const char *)h->buf + off, size);
}

void cfs_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size,
	       off_t off, struct fuse_file_info *fi)
{
	struct configfs *fs = req_fs(req);
	struct cfs_handle *h = fi_handle(fi);
	size_t end;

	if (!h->writable) {
		fuse_reply_err(req, EBADF);
		return;
	}
	if (!cfs_quorate(fs))
		h->failed = EROFS;
	if (h->append)
		off = h->size;
	if (!h->failed &&
	    (off < 0 || (uint64_t)off + size >
			    tree_get_limits(fs->cd->tree)->max_file_size))
		h->failed = EFBIG;
	if (h->failed) {
		fuse_reply_err(req, h->failed);
		return;
	}
	end = off + size;
	if (reserve(h, end) < 0) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	if ((size_t)off > h->size)
		memset(h->buf + h->size, 0, off - h->size);
	memcpy(h->buf + off, buf, size);
	if (end > h->size)
		h->size = end;
	cfs_handle_touch(h, true);
	fuse_reply_write(req, size);
}

void cfs_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct cfs_handle *h = fi_handle(fi);

	if ((fuse_req_ctx(req)->pid != h->opener || !h->written) &&
	    !h->failed) {
		fuse_reply_err(req, 0);
		return;
	}
	cfs_commit(req_fs(req), h, req);
}

void cfs_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
	       struct fuse_file_info *fi)
{
	cfs_commit(req_fs(req), fi_handle(fi), req);
}

void cfs_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct configfs *fs = req_fs(req);
	struct cfs_handle *h = fi_handle(fi);

	/* Changed after the last flush (e.g. through mmap): save it, though
	 * nobody can hear the outcome any more. */
	if (h->dirty)
		cfs_commit(fs, h, NULL);
	cfs_handle_unref(fs, h);
	fuse_reply_err(req, 0);
}
