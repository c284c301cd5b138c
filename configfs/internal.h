/*
 * configfs internals.
 *
 * One single-threaded libfuse low-level session driven by clusterd's
 * libqb loop (session.c): a request is read when /dev/fuse is readable and
 * handled at once. Reads answer from the in-memory tree (ops_read.c).
 * Changes go through the daemon's write queue (clusterd/write_queue.h),
 * the same path IPC writes take, and the FUSE request is answered only
 * when the write was applied and committed on this node (ops_write.c).
 *
 * Inodes (inode.c) map kernel inode numbers to tree paths; an inode
 * follows renames made here and dies when its file is removed or replaced.
 * Open files (handle.c) hold the whole content in a buffer, snapshotted at
 * open; writes change the buffer and flush/fsync/release commits it as one
 * replicated put, so a file costs one cluster round trip and no node ever
 * sees half of it. A file created here lives only in its handle (creating)
 * until that put: cfs_entry() shows it to this node's calls. Attributes and
 * entries are never cached by the kernel (timeout 0), so other nodes' changes
 * are visible at the next call. Permissions are checked here, not by the kernel
 * (attr.c): root writes while quorate, group "clusterd" reads everything but
 * priv/.
 */
#pragma once

#include "configfs.h"

#define FUSE_USE_VERSION 35
#include <fuse_lowlevel.h>
#include <qb/qbmap.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

enum cfs_virtual {
	CFS_NOT_VIRTUAL = 0,
	CFS_MEMBERS,
	CFS_VERSION,
	CFS_GUESTS,
	CFS_CLUSTERLOG,
	CFS_LOCAL, /* symlink local -> nodes/<this node> */
};

struct cfs_handle;

struct cfs_inode {
	fuse_ino_t ino;
	uint64_t generation;
	char *path;		    /* NULL once removed or replaced (dead) */
	uint64_t nlookup;	    /* kernel references */
	unsigned open_count;	    /* open handles */
	struct cfs_handle *handles; /* open files, for unsaved sizes */
};

/* An open file: the whole content, saved as one put when dirty. */
struct cfs_handle {
	struct cfs_handle *next; /* on the inode */
	struct cfs_inode *inode;
	uint8_t *buf;
	size_t size, cap;
	bool writable, append, dirty;
	bool written;  /* write() or ftruncate() since the last save */
	bool creating; /* created here, not in the tree until saved */
	int failed;    /* a write failed (errno): the change is never saved */
	pid_t opener;  /* flush saves only when this thread closes */
	uint64_t dirty_gen;  /* bumped by every change */
	uint64_t change_seq; /* when it last changed, across all handles */
	int64_t mtime_ms;    /* of the last change */
	int refs;	     /* the kernel's, and one per commit in flight */
};

/* An open directory: its entries, snapshotted at opendir. */
struct cfs_dir {
	char *buf; /* fuse_add_direntry records */
	size_t size;
	size_t *offsets; /* byte offset of entry i */
	size_t count;
};

struct configfs {
	struct clusterd *cd;
	struct fuse_session *se;
	char *mountpoint;
	bool polling;
	struct fuse_buf buf;
	gid_t gid; /* group "clusterd", else 0 */
	/* Inode table: slot i is inode i + 1; the root is 1. */
	struct cfs_inode **inodes;
	size_t n_inodes, cap_inodes;
	size_t *free_slots;
	size_t n_free, cap_free;
	uint64_t next_generation;
	qb_map_t *by_path;
};

/* inode.c */
int cfs_inodes_init(struct configfs *fs);
void cfs_inodes_free(struct configfs *fs);
struct cfs_inode *cfs_inode_get(struct configfs *fs, fuse_ino_t ino);
/* The inode of PATH, created when unknown (nlookup not counted). */
struct cfs_inode *cfs_inode_for_path(struct configfs *fs, const char *path);
struct cfs_inode *cfs_inode_find(struct configfs *fs, const char *path);
void cfs_inode_forget(struct configfs *fs, struct cfs_inode *in, uint64_t n);
/* Free IN if the kernel and no handle refer to it any more. */
void cfs_inode_maybe_free(struct configfs *fs, struct cfs_inode *in);
/* PATH was removed or replaced: its inode (if any) dies. */
void cfs_inode_kill(struct configfs *fs, const char *path);
/* FROM was renamed to TO: move FROM's inode and its subtree's. */
void cfs_inode_renamed(struct configfs *fs, const char *from, const char *to);
/* PARENT/NAME into BUF; -ENAMETOOLONG. */
int cfs_child_path(const char *parent, const char *name, char *buf,
		   size_t size);

/* attr.c */
/* The entry at PATH as this node sees it (filled into *SCRATCH when not
 * the tree's): the unsaved content of the open file changed last, else
 * the tree's entry; so a file created here and not saved yet exists here,
 * and an open() sees the changes other descriptors have not saved yet.
 * NULL when neither. */
const struct tree_entry *cfs_entry(struct configfs *fs, const char *path,
				   struct tree_entry *scratch);
/* The open handle of a file created here and not saved yet, if any. */
struct cfs_handle *cfs_creating(struct configfs *fs, const char *path);
bool cfs_quorate(const struct configfs *fs);
enum cfs_virtual cfs_virtual_kind(const char *path);
bool cfs_is_priv(const char *path);
/* Attributes of PATH into ST (unsaved sizes of open files count):
 * 0, -ENOENT. */
int cfs_stat(struct configfs *fs, struct cfs_inode *in, struct stat *st);
/* May the caller of REQ access PATH with MASK (R_OK, W_OK, X_OK)? 0,
 * -EACCES, -EROFS (W_OK without quorum). */
int cfs_check_access(struct configfs *fs, fuse_req_t req, const char *path,
		     int mask);
/* Reply to a lookup/mkdir/create with IN's attributes, counting it. */
int cfs_fill_entry(struct configfs *fs, struct cfs_inode *in,
		   struct fuse_entry_param *e);
/* The directory inode PARENT and a name in it, as a full path. */
int cfs_parent_child(struct configfs *fs, fuse_ino_t parent, const char *name,
		     char *buf, size_t size);

/* virtual.c: render a virtual file's content (malloc'ed). */
int cfs_virtual_render(struct configfs *fs, enum cfs_virtual kind, char **data,
		       size_t *size);
/* Target of the "local" symlink into BUF. */
void cfs_local_target(struct configfs *fs, char *buf, size_t size);

/* handle.c */
void cfs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void cfs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
	      struct fuse_file_info *fi);
void cfs_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size,
	       off_t off, struct fuse_file_info *fi);
void cfs_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void cfs_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
	       struct fuse_file_info *fi);
void cfs_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
struct cfs_handle *cfs_handle_new(struct configfs *fs, struct cfs_inode *in,
				  int flags);
void cfs_handle_unref(struct configfs *fs, struct cfs_handle *h);
/* H changed (WRITTEN: by a write or truncate, not only by O_TRUNC). */
void cfs_handle_touch(struct cfs_handle *h, bool written);
/* Resize H's content to SIZE (zero-filled); -EFBIG, -ENOMEM. */
int cfs_handle_truncate(struct configfs *fs, struct cfs_handle *h,
			uint64_t size);

/* ops_read.c */
void cfs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name);
void cfs_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void cfs_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void cfs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		 struct fuse_file_info *fi);
void cfs_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void cfs_readlink(fuse_req_t req, fuse_ino_t ino);
void cfs_statfs(fuse_req_t req, fuse_ino_t ino);
void cfs_access(fuse_req_t req, fuse_ino_t ino, int mask);
void cfs_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup);
void cfs_forget_multi(fuse_req_t req, size_t count,
		      struct fuse_forget_data *forgets);

/* ops_write.c */
void cfs_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		mode_t mode, struct fuse_file_info *fi);
void cfs_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
	       mode_t mode);
void cfs_unlink(fuse_req_t req, fuse_ino_t parent, const char *name);
void cfs_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name);
void cfs_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		fuse_ino_t newparent, const char *newname, unsigned int flags);
void cfs_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
		 struct fuse_file_info *fi);
/* Save H's content as one replicated put; REQ (may be NULL) is answered
 * with the outcome. */
void cfs_commit(struct configfs *fs, struct cfs_handle *h, fuse_req_t req);
