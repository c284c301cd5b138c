/*
 * validate() of the qemu backend: what this backend needs beyond the
 * generic parser (lib/guest_conf.c), checked before a guest is created or
 * started so that the caller learns why with the key that is wrong.
 *
 * - the host checks every backend makes (backend_check_host: memory and
 *   cores within the node, bridges exist);
 * - a disk image that exists is a regular file or a block device, and its
 *   content agrees with its format: a qcow2 header ("QFI\xfb") for
 *   format=qcow2, none for raw (QEMU would expose a qcow2 image as raw
 *   bytes to the guest, or refuse a raw one as qcow2);
 * - a disk that does not exist yet has a size (create makes it) or is
 *   left to start to report; its directory must exist;
 * - no image is used by two disks.
 * The VNC display's range (0..99) is the parser's.
 */
#include "qemu_internal.h"
#include "macro.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const unsigned char qcow2_magic[4] = {'Q', 'F', 'I', 0xfb};

/* Whether the image at PATH starts with the qcow2 magic: 1, 0, -errno. */
static int is_qcow2(const char *path)
{
	unsigned char head[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, head, sizeof(head));
	close(fd);
	if (n < 0)
		return -errno;
	return n == sizeof(head) && memcmp(head, qcow2_magic, 4) == 0;
}

static int check_existing(unsigned i, const char *path,
			  const struct guest_disk *d, const struct stat *st,
			  struct backend_error *err)
{
	int q;

	if (!S_ISREG(st->st_mode) && !S_ISBLK(st->st_mode))
		return backend_fail(
		    err, EINVAL, "disk%u: %s is not a file or a block device",
		    i, path);
	q = is_qcow2(path);
	if (q < 0)
		return backend_fail(err, q, "disk%u: %s: %s", i, path,
				    strerror(-q));
	if (q && d->format == GUEST_DISK_RAW)
		return backend_fail(err, EINVAL,
				    "disk%u: %s is a qcow2 image; say "
				    "format=qcow2",
				    i, path);
	if (!q && d->format == GUEST_DISK_QCOW2)
		return backend_fail(err, EINVAL,
				    "disk%u: %s is not a qcow2 image", i, path);
	return 0;
}

static int check_disk(const struct qemu *q, unsigned i,
		      const struct guest_disk *d, char *path, size_t size,
		      struct backend_error *err)
{
	_cleanup_free_ char *dir = NULL;
	struct stat st;

	if (guest_disk_path(path, size, q->storage, d) < 0)
		return backend_fail(err, ENAMETOOLONG, "disk%u: path too long",
				    i);
	if (stat(path, &st) == 0)
		return check_existing(i, path, d, &st, err);
	if (errno != ENOENT)
		return backend_fail(err, errno, "disk%u: %s: %m", i, path);
	dir = strdup(path);
	if (!dir)
		return -ENOMEM;
	if (d->size && stat(dirname(dir), &st) < 0)
		return backend_fail(err, errno, "disk%u: %s: %m", i, dir);
	return 0;
}

int qemu_validate(void *state, const struct guest_conf *c,
		  struct backend_error *err)
{
	char paths[GUEST_MAX_DISKS][GUEST_MAX_PATH * 2];
	int r = backend_check_host(c, err);

	if (r < 0)
		return r;
	for (unsigned i = 0; i < GUEST_MAX_DISKS; i++) {
		paths[i][0] = '\0';
		if (!c->disks[i].set)
			continue;
		r = check_disk(state, i, &c->disks[i], paths[i],
			       sizeof(paths[i]), err);
		if (r < 0)
			return r;
		for (unsigned j = 0; j < i; j++)
			if (strcmp(paths[i], paths[j]) == 0)
				return backend_fail(err, EINVAL,
						    "disk%u: %s is disk%u too",
						    i, paths[i], j);
	}
	return 0;
}
