/*
 * corosync.conf ownership (see corosync_conf.h).
 *
 * Work happens in a loop job, never inside the tree observer: the observer
 * runs in the middle of applying a delivered write, and file I/O or a
 * blocking call to corosync there would stall delivery. The file is
 * replaced atomically (temporary file, fsync, rename) so corosync never
 * reads half of it.
 */
#include "corosync_conf.h"
#include "clusterlog.h"
#include "log.h"
#include "macro.h"

#include <corosync/cfg.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define MAX_CONF_SIZE (1 << 20)

struct corosync_conf {
	struct clusterd *cd;
	char local_path[PATH_MAX];
	bool standalone;
	bool job_queued;
	bool imported;
};

uint64_t corosync_conf_version(const char *text, size_t len)
{
	static const char key[] = "config_version";
	const char *p = text, *end = text + len;

	while ((p = memmem(p, end - p, key, sizeof(key) - 1))) {
		const char *q = p + sizeof(key) - 1;
		uint64_t v = 0;

		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if (q < end && *q == ':') {
			for (q++; q < end && isspace((unsigned char)*q) &&
				  *q != '\n';
			     q++)
				;
			for (; q < end && isdigit((unsigned char)*q); q++)
				v = v * 10 + (*q - '0');
			return v;
		}
		p = q;
	}
	return 0;
}

/* Read the local file; *LEN 0 and NULL when absent. */
static int read_local(const char *path, char **out, size_t *len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *buf = NULL;
	ssize_t n;

	*out = NULL;
	*len = 0;
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	buf = malloc(MAX_CONF_SIZE);
	if (!buf)
		return -ENOMEM;
	n = read(fd, buf, MAX_CONF_SIZE);
	if (n < 0)
		return -errno;
	*len = n;
	*out = TAKE_PTR(buf);
	return 0;
}

static int write_atomically(const char *path, const void *data, size_t len)
{
	char tmp[PATH_MAX + 16];
	_cleanup_close_ int fd = -1;

	snprintf(tmp, sizeof(tmp), "%s.clusterd-new", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, data, len) != (ssize_t)len || fsync(fd) < 0) {
		int r = errno ? -errno : -EIO;

		unlink(tmp);
		return r;
	}
	if (rename(tmp, path) < 0) {
		int r = -errno;

		unlink(tmp);
		return r;
	}
	return 0;
}

static void reload_corosync(void)
{
	corosync_cfg_handle_t h;
	cs_error_t err = corosync_cfg_initialize(&h, NULL);

	if (err == CS_OK) {
		err = corosync_cfg_reload_config(h);
		corosync_cfg_finalize(h);
	}
	if (err != CS_OK)
		log_warning(
		    "corosync did not reload its configuration (error %d)",
		    err);
	else
		log_notice("corosync reloaded its configuration");
}

/* Write the tree's copy out if it is newer than the local file. */
static void sync_to_local(struct corosync_conf *cc)
{
	const struct tree_entry *e =
	    tree_lookup(cc->cd->tree, COROSYNC_CONF_TREE_PATH);
	_cleanup_free_ char *local = NULL;
	uint64_t tree_v, local_v;
	size_t len;
	int r;

	if (!e || e->type != TREE_FILE)
		return;
	tree_v = corosync_conf_version((const char *)e->data, e->size);
	r = read_local(cc->local_path, &local, &len);
	if (r < 0) {
		log_warning_errno(r, "Cannot read %s", cc->local_path);
		return;
	}
	local_v = local ? corosync_conf_version(local, len) : 0;
	if (tree_v <= local_v && local)
		return;
	if (tree_v == 0 && local) {
		log_warning("The tree's corosync.conf has no config_version: "
			    "not written to %s",
			    cc->local_path);
		return;
	}
	r = write_atomically(cc->local_path, e->data, e->size);
	if (r < 0) {
		log_error_errno(r, "Cannot write %s", cc->local_path);
		return;
	}
	log_notice("Wrote %s (config_version %llu, was %llu)", cc->local_path,
		   (unsigned long long)tree_v, (unsigned long long)local_v);
	clusterlog_add("corosync.conf changed: config_version %llu (was %llu)",
		       (unsigned long long)tree_v, (unsigned long long)local_v);
	if (!cc->standalone)
		reload_corosync();
}

static void import_local(struct corosync_conf *cc)
{
	_cleanup_free_ char *local = NULL;
	struct replica_write w = {.type = REPLICA_PUT};
	struct timeval tv;
	uint64_t id;
	size_t len;
	int r;

	if (cc->imported || tree_lookup(cc->cd->tree, COROSYNC_CONF_TREE_PATH))
		return;
	if (read_local(cc->local_path, &local, &len) < 0 || !local)
		return;
	gettimeofday(&tv, NULL);
	w.path = COROSYNC_CONF_TREE_PATH;
	w.data = local;
	w.size = len;
	w.check_version = true; /* create only: one node's import wins */
	w.expected_version = 0;
	w.mtime_ms = tv.tv_sec * 1000LL + tv.tv_usec / 1000;
	r = replica_submit(cc->cd->replica, &w, &id);
	if (r == 0) {
		cc->imported = true;
		log_notice("Importing %s into the tree", cc->local_path);
	}
}

static void run_job(void *data)
{
	struct corosync_conf *cc = data;

	cc->job_queued = false;
	if (!cc->standalone && replica_synced(cc->cd->replica) &&
	    replica_quorate(cc->cd->replica))
		import_local(cc);
	sync_to_local(cc);
}

static void queue_job(struct corosync_conf *cc)
{
	if (!cc->job_queued)
		cc->job_queued = qb_loop_job_add(cc->cd->loop, QB_LOOP_LOW, cc,
						 run_job) == 0;
}

static void observe(const char *path, const struct tree_entry *entry,
		    uint64_t tombstone_version, void *userdata)
{
	if (entry && strcmp(path, COROSYNC_CONF_TREE_PATH) == 0)
		queue_job(userdata);
}

void corosync_conf_state_changed(struct corosync_conf *cc)
{
	if (cc)
		queue_job(cc);
}

int corosync_conf_new(struct clusterd *cd, const char *local_path,
		      bool standalone, struct corosync_conf **out)
{
	struct corosync_conf *cc = calloc(1, sizeof(*cc));
	int r;

	if (!cc)
		return -ENOMEM;
	cc->cd = cd;
	cc->standalone = standalone;
	snprintf(cc->local_path, sizeof(cc->local_path), "%s", local_path);
	r = tree_add_observer(cd->tree, observe, cc);
	if (r < 0) {
		free(cc);
		return r;
	}
	queue_job(cc); /* the tree may already hold a newer version */
	*out = cc;
	return 0;
}

void corosync_conf_free(struct corosync_conf *cc)
{
	if (!cc)
		return;
	tree_remove_observer(cc->cd->tree, observe, cc);
	if (cc->job_queued)
		qb_loop_job_del(cc->cd->loop, QB_LOOP_LOW, cc, run_job);
	free(cc);
}
