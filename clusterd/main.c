/*
 * clusterd: the per-node cluster daemon.
 *
 * Process entry point and wiring. The daemon's life (arguments, logging,
 * systemd notification, signals) is lib/daemon.c. Here: take the data
 * directory's lock, open and load the store, then connect the replica to
 * its transport (CPG, or a loopback when this node has no corosync.conf)
 * and serve IPC. After every delivery batch the store commits once and the
 * clients whose writes were in that batch are answered (group commit).
 */
#include "config.h"
#include "clusterd.h"
#include "daemon.h"
#include "daemon_args.h"
#include "ipc_locks.h"
#include "relay.h"
#include "ipc_server.h"
#include "log.h"
#include "macro.h"
#include "settings.h"
#include "watchdog.h"
#include "corosync_conf.h"
#include "ipc_watch.h"
#include "join_server.h"
#include "expected.h"
#include "write_queue.h"
#include "configfs.h"
#include "clusterlog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static struct clusterd_settings settings;
static struct clusterd cd;
static struct ipc_locks *locks_ipc;
static struct ipc_status *status_ipc;
static struct relay *relay;
static struct watchdog *watchdog;
static struct corosync_conf *corosync_conf;
static struct ipc_watch *watch_ipc;
static struct join_server *join_server;
static struct expected *expected;
static struct configfs *configfs;
static int lock_fd = -1;
/* --mount DIR / --no-mount, which win over clusterd.conf's "mount". */
static const char *mount_arg;
static char pidfile[PATH_MAX + 32];

static int take_lock(void)
{
	char path[PATH_MAX + 16];

	if (mkdir(settings.data_dir, 0700) < 0 && errno != EEXIST)
		return log_error_errno(errno, "Cannot create %s",
				       settings.data_dir);
	snprintf(path, sizeof(path), "%s/lock", settings.data_dir);
	lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock_fd < 0)
		return log_error_errno(errno, "Cannot open %s", path);
	if (flock(lock_fd, LOCK_EX | LOCK_NB) < 0)
		return log_error_errno(errno,
				       "%s is locked: another clusterd runs "
				       "on this data directory",
				       path);
	return 0;
}

static void write_pidfile(void)
{
	FILE *f;

	if (mkdir(settings.run_dir, 0755) < 0 && errno != EEXIST) {
		log_warning_errno(errno, "Cannot create %s", settings.run_dir);
		return;
	}
	snprintf(pidfile, sizeof(pidfile), "%s/clusterd.pid", settings.run_dir);
	f = fopen(pidfile, "we");
	if (!f) {
		log_warning_errno(errno, "Cannot write %s", pidfile);
		pidfile[0] = '\0';
		return;
	}
	fprintf(f, "%d\n", (int)getpid());
	fclose(f);
}

/* ------------------------------------------- replica <-> transport glue */

static int send_to_group(void *userdata, const void *buf, size_t len)
{
	return transport_send(cd.transport, buf, len);
}

static void on_write_done(void *userdata, uint64_t id, int err,
			  uint64_t version)
{
	write_queue_decided(cd.writes, id, err, version);
}

static void on_state_changed(void *userdata)
{
	clusterlog_quorum(replica_quorate(cd.replica));
	write_queue_state_changed(cd.writes);
	if (cd.ipc)
		ipc_server_state_changed(cd.ipc);
	corosync_conf_state_changed(corosync_conf);
}

static void on_rejoin(void *userdata)
{
	transport_rejoin(cd.transport);
}

static void on_view(void *userdata, const struct replica_member *m, size_t n)
{
	clusterlog_view(m, n);
	replica_view(cd.replica, m, n);
}

static void on_deliver(void *userdata, uint32_t nodeid, uint32_t pid,
		       const void *buf, size_t len)
{
	replica_deliver(cd.replica, nodeid, pid, buf, len);
}

static void on_batch_done(void *userdata)
{
	write_queue_committed(cd.writes, store_commit(cd.store));
}

static void on_config_changed(void *userdata)
{
	size_t n;
	const struct transport_node *nodes = transport_nodes(cd.transport, &n);
	uint32_t ids[n ? n : 1], votes[n ? n : 1];

	if (!cd.replica)
		return;
	replica_set_local(cd.replica, transport_local_nodeid(cd.transport),
			  getpid());
	for (size_t i = 0; i < n; i++) {
		ids[i] = nodes[i].nodeid;
		votes[i] = nodes[i].votes;
	}
	replica_set_votes(cd.replica, transport_expected_votes(cd.transport),
			  ids, votes, n);
}

static int open_store(void)
{
	char path[PATH_MAX + 16];
	int r;

	snprintf(path, sizeof(path), "%s/config.db", settings.data_dir);
	r = tree_new(&settings.limits, &cd.tree);
	if (r < 0)
		return log_error_errno(r, "Cannot create the tree");
	r = store_open(path, settings.sync_mode, &cd.store);
	if (r < 0)
		return r; /* store_open logged how to recover */
	r = store_load(cd.store, cd.tree);
	if (r < 0)
		return log_error_errno(r, "Cannot load %s", path);
	log_info("Loaded %s: tree version %llu, %llu entries", path,
		 (unsigned long long)tree_version(cd.tree),
		 (unsigned long long)tree_entry_count(cd.tree));
	return 0;
}

static int start_replication(void)
{
	static const struct replica_ops ops = {
	    .send = send_to_group,
	    .write_done = on_write_done,
	    .state_changed = on_state_changed,
	    .rejoin = on_rejoin,
	};
	static const struct transport_events events = {
	    .view = on_view,
	    .deliver = on_deliver,
	    .batch_done = on_batch_done,
	    .config_changed = on_config_changed,
	};
	bool standalone = access(settings.corosync_conf, F_OK) != 0;
	int r;

	if (standalone)
		log_notice("No %s: running standalone (a cluster of one)",
			   settings.corosync_conf);
	r = replica_new(cd.tree, 0, getpid(), &ops, NULL, &cd.replica);
	if (r < 0)
		return log_error_errno(r, "Cannot create the replica");
	r = write_queue_new(cd.loop, cd.replica, cd.call_timeout_ms,
			    &cd.writes);
	if (r < 0)
		return log_error_errno(r, "Cannot create the write queue");
	r = transport_new(cd.loop, standalone, &events, NULL, &cd.transport);
	if (r < 0)
		return log_error_errno(r, "Cannot start the transport");
	on_config_changed(NULL);
	/* A standalone node owns no corosync.conf: writing one would turn it
	 * into a cluster node at its next start. */
	if (!standalone) {
		r = corosync_conf_new(&cd, settings.corosync_conf, false,
				      &corosync_conf);
		if (r < 0)
			return log_error_errno(r, "Cannot watch corosync.conf");
	}
	return 0;
}

/* The join endpoint serves only a cluster member; its authkey lives next
 * to corosync.conf. */
static int start_join_server(void)
{
	bool standalone = access(settings.corosync_conf, F_OK) != 0;
	char authkey[PATH_MAX + 16], *slash;

	snprintf(authkey, sizeof(authkey), "%s", settings.corosync_conf);
	slash = strrchr(authkey, '/');
	snprintf(slash ? slash + 1 : authkey,
		 sizeof(authkey) - (slash ? slash + 1 - authkey : 0), "authkey");
	return join_server_new(&cd, settings.data_dir,
			       standalone ? 0 : settings.join_port, authkey,
			       &join_server);
}

static int clusterd_start(qb_loop_t *loop, const struct daemon_options *opts)
{
	int r;

	cd.loop = loop;
	cd.call_timeout_ms = settings.call_timeout_ms;
	r = take_lock();
	if (r < 0)
		return r;
	r = open_store();
	if (r < 0)
		return r;
	r = ipc_server_new(&cd, &cd.ipc);
	if (r < 0)
		return r;
	r = start_replication();
	if (r < 0)
		return r;
	r = ipc_locks_new(&cd, &locks_ipc);
	if (r < 0)
		return r;
	r = ipc_status_new(&cd, &status_ipc);
	if (r < 0)
		return r;
	r = relay_new(&cd, &relay);
	if (r < 0)
		return r;
	r = ipc_watch_new(&cd, &watch_ipc);
	if (r < 0)
		return log_error_errno(r, "Cannot set up watches");
	r = watchdog_start(&cd, settings.sync_timeout_ms,
			   settings.audit_interval_ms, &watchdog);
	if (r < 0)
		return log_error_errno(r, "Cannot start the sync watchdog");
	r = start_join_server();
	if (r < 0)
		return r;
	r = expected_new(&cd, &expected);
	if (r < 0)
		return r;
	r = configfs_new(&cd, mount_arg ? mount_arg : settings.mount_dir,
			 &configfs);
	if (r < 0)
		return r; /* logged */
	write_pidfile();
	return 0;
}

static void clusterd_stop(void)
{
	/* Leaving the CPG group first lets the others form their next view
	 * at once instead of waiting for a token timeout. */
	watchdog_stop(watchdog);
	join_server_free(join_server);
	expected_free(expected);
	corosync_conf_free(corosync_conf);
	write_queue_free(cd.writes); /* answers every waiting write */
	cd.writes = NULL;
	configfs_free(configfs);
	ipc_server_free(cd.ipc);
	ipc_locks_free(locks_ipc);
	ipc_status_free(status_ipc);
	relay_free(relay);
	ipc_watch_free(watch_ipc); /* after the server: its connections are gone */
	transport_free(cd.transport);
	replica_free(cd.replica);
	if (cd.store) {
		store_commit(cd.store);
		store_close(cd.store);
	}
	tree_free(cd.tree);
	if (pidfile[0])
		unlink(pidfile);
	if (lock_fd >= 0)
		close(lock_fd);
}

/* Take clusterd's own options out of ARGV (the rest is lib/daemon_args.c's).
 * Returns the new argc, or -1 after a usage error. */
static int take_mount_args(int argc, char **argv)
{
	int n = 1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--no-mount") == 0) {
			mount_arg = "";
		} else if (strcmp(argv[i], "--mount") == 0) {
			if (i + 1 >= argc || argv[i + 1][0] != '/') {
				fprintf(stderr, "clusterd: --mount needs an "
						"absolute directory\n");
				return -1;
			}
			mount_arg = argv[++i];
		} else if (strncmp(argv[i], "--mount=", 8) == 0 &&
			   argv[i][8] == '/') {
			mount_arg = argv[i] + 8;
		} else {
			argv[n++] = argv[i];
		}
	}
	argv[n] = NULL;
	return n;
}

int main(int argc, char **argv)
{
	static const struct daemon_info info = {
	    .name = "clusterd",
	    .summary = "Replicate the cluster configuration over Corosync.",
	    .default_config = SYSCONFDIR "/clusterd/clusterd.conf",
	    .config_key = settings_apply_key,
	    .config_userdata = &settings,
	    .extra_usage = "      --mount DIR      mount the configuration "
			   "filesystem at DIR\n"
			   "      --no-mount       do not mount it\n",
	};

	settings_default(&settings);
	argc = take_mount_args(argc, argv);
	if (argc < 0)
		return 2;
	return daemon_main(argc, argv, &info, clusterd_start, clusterd_stop);
}
