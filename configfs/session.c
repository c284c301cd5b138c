/*
 * The FUSE session inside clusterd: mount, the loop hook, unmount.
 *
 * /dev/fuse is polled by clusterd's libqb loop; each wake-up reads and
 * handles up to a batch of requests (the descriptor is non-blocking), so
 * FUSE requests, CPG deliveries and IPC interleave in one thread and no
 * lock is needed. A mount point left by a crashed clusterd answers
 * ENOTCONN: it is detached (lazy unmount) before mounting again.
 */
#include "internal.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define BATCH 32

static void cfs_init(void *userdata, struct fuse_conn_info *conn)
{
	/* O_TRUNC comes with open, so "echo > f" is one put, not two. */
	if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC)
		conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
	conn->want &= ~FUSE_CAP_WRITEBACK_CACHE;
	conn->max_write = 1024 * 1024;
}

static const struct fuse_lowlevel_ops ops = {
    .init = cfs_init,
    .lookup = cfs_lookup,
    .forget = cfs_forget,
    .forget_multi = cfs_forget_multi,
    .getattr = cfs_getattr,
    .setattr = cfs_setattr,
    .readlink = cfs_readlink,
    .mkdir = cfs_mkdir,
    .unlink = cfs_unlink,
    .rmdir = cfs_rmdir,
    .rename = cfs_rename,
    .open = cfs_open,
    .read = cfs_read,
    .write = cfs_write,
    .flush = cfs_flush,
    .release = cfs_release,
    .fsync = cfs_fsync,
    .opendir = cfs_opendir,
    .readdir = cfs_readdir,
    .releasedir = cfs_releasedir,
    .statfs = cfs_statfs,
    .access = cfs_access,
    .create = cfs_create,
};

static int on_readable(int fd, int revents, void *data)
{
	struct configfs *fs = data;

	for (int i = 0; i < BATCH && !fuse_session_exited(fs->se); i++) {
		int r = fuse_session_receive_buf(fs->se, &fs->buf);

		if (r == -EINTR || r == -EAGAIN)
			return 0;
		if (r <= 0) {
			log_error(
			    "%s was unmounted behind clusterd's back (%s); "
			    "restart clusterd to mount it again",
			    fs->mountpoint, strerror(r ? -r : ENODEV));
			fs->polling = false;
			return -1; /* removes the poll */
		}
		fuse_session_process_buf(fs->se, &fs->buf);
	}
	return 0;
}

/* Make MOUNTPOINT usable: create it, or detach a dead FUSE mount. */
static int prepare_mountpoint(const char *mountpoint)
{
	struct stat st;

	if (stat(mountpoint, &st) == 0)
		return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
	if (errno == ENOENT) {
		if (mkdir(mountpoint, 0755) < 0 && errno != EEXIST)
			return -errno;
		return 0;
	}
	if (errno != ENOTCONN)
		return -errno;
	log_notice("%s is a stale mount (a crashed clusterd?): detaching it",
		   mountpoint);
	if (umount2(mountpoint, MNT_DETACH) < 0)
		return log_error_errno(errno, "Cannot unmount %s", mountpoint);
	return 0;
}

static gid_t clusterd_gid(void)
{
	struct group *g = getgrnam("clusterd");

	return g ? g->gr_gid : 0;
}

static int mount_session(struct configfs *fs)
{
	char *argv[] = {"clusterd", "-o",
			"allow_other,fsname=clusterd,subtype=clusterd", NULL};
	struct fuse_args args = FUSE_ARGS_INIT(3, argv);
	int fd;

	fs->se = fuse_session_new(&args, &ops, sizeof(ops), fs);
	fuse_opt_free_args(&args); /* parsing may have copied them */
	if (!fs->se)
		return log_error_errno(EINVAL,
				       "Cannot create the FUSE session");
	if (fuse_session_mount(fs->se, fs->mountpoint) != 0)
		return log_error_errno(EIO, "Cannot mount %s", fs->mountpoint);
	fd = fuse_session_fd(fs->se);
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		return log_error_errno(errno, "Cannot set up /dev/fuse");
	if (qb_loop_poll_add(fs->cd->loop, QB_LOOP_HIGH, fd, POLLIN, fs,
			     on_readable) != 0)
		return log_error_errno(EIO, "Cannot poll /dev/fuse");
	fs->polling = true;
	return 0;
}

int configfs_new(struct clusterd *cd, const char *mountpoint,
		 struct configfs **out)
{
	struct configfs *fs;
	int r;

	*out = NULL;
	if (!mountpoint || !*mountpoint)
		return 0;
	fs = calloc(1, sizeof(*fs));
	if (!fs || !(fs->mountpoint = strdup(mountpoint))) {
		free(fs);
		return log_error_errno(ENOMEM, "Cannot start the filesystem");
	}
	fs->cd = cd;
	fs->gid = clusterd_gid();
	r = cfs_inodes_init(fs);
	if (r == 0)
		r = prepare_mountpoint(mountpoint);
	if (r < 0)
		log_error_errno(r, "Cannot use %s as a mount point",
				mountpoint);
	if (r == 0)
		r = mount_session(fs);
	if (r < 0) {
		configfs_free(fs);
		return r;
	}
	log_info("Configuration filesystem mounted at %s", mountpoint);
	*out = fs;
	return 0;
}

void configfs_free(struct configfs *fs)
{
	if (!fs)
		return;
	if (fs->se) {
		if (fs->polling)
			qb_loop_poll_del(fs->cd->loop, fuse_session_fd(fs->se));
		fuse_session_unmount(fs->se);
		fuse_session_destroy(fs->se);
		log_info("Unmounted %s", fs->mountpoint);
	}
	free(fs->buf.mem);
	cfs_inodes_free(fs);
	free(fs->mountpoint);
	free(fs);
}
