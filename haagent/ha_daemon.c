/*
 * The HA daemon (see ha_daemon.h): one thread that drives the decision
 * core's CRM and LRM from the real cluster, the same code the simulator
 * drives (ha_sim*.c).
 *
 * Two clusterd connections: C for calls (reads, manager_status, the LRM
 * report) and the watch's (ha_watch.h), subscribed to membership events,
 * tree events under "ha" and the LRM reports of the status store, which
 * also holds the ephemeral ha/manager lock (a lock belongs to its
 * connection).
 *
 * The thread runs a libqb main loop of its own: a round is a loop job,
 * queued (once) whenever clusterd reports something (a membership or
 * quorum change, a change under ha/, an LRM report), an operation
 * finished (the executor kicks the watch's eventfd), haagent is being
 * stopped, or the backstop timer fires ROUND_MS after the last round
 * (time-based decisions such as a watchdog deadline). While a fence agent
 * runs, a timer reaps it every FENCE_POLL_MS.
 *
 * A round: the view (ready = quorate and synced), the configuration, the
 * lock (taken when ready and free; dropped with the watch connection as
 * soon as the node is not ready, so a CRM that lost quorum stops deciding
 * at once), the LRM reports, fence results, ha_crm_round(), then the LRM:
 * manager_status read only while ready, finished operations,
 * ha_lrm_tick() (which pets the watchdog only while ready).
 *
 * Stopping (ha_daemon_shutdown, SIGTERM: the node shuts down or reboots)
 * hands ha_lrm_shutdown() the policy of settings.cfg and whether systemd
 * queued a reboot (ha_shutdown.h); the loop goes on, the CRM applies the
 * policy to the LRM's report, and the LRM says when nothing runs here any
 * more. Only then (or at the timeout) the thread stops.
 */
#include "ha_daemon.h"
#include "ha_config.h"
#include "ha_crm.h"
#include "ha_exec.h"
#include "ha_fence.h"
#include "ha_io.h"
#include "ha_lrm.h"
#include "ha_report.h"
#include "ha_shutdown.h"
#include "ha_watch.h"
#include "log.h"
#include "macro.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LOCK_NAME     "ha/manager"
#define STATUS_PATH   "ha/manager_status"
#define FENCE_POLL_MS 20
#define ROUND_MS      1000
#define FENCE_WAIT_MS 100  /* backstop while a node awaits fencing */
#define UNREADY_MS    5000 /* shutting down without quorum: give up */

struct ha_daemon {
	struct ha_exec *exec; /* first: the userdata of ha_exec_ops */
	struct ha_daemon_config cfg;
	char wd_path[256], fence_dir[256];
	pthread_t thread;
	atomic_bool stop;
	char self[HA_NAME_MAX];
	struct ipc_client *c;
	struct ha_watch *watch;
	qb_loop_t *loop; /* the HA thread's */
	qb_loop_timer_handle backstop, fence_timer;
	bool job_queued, backstop_armed, fence_armed;
	struct ha_crm *crm;
	struct ha_lrm *lrm;
	struct ha_watchdog *wd;
	struct ha_fence *fence;
	struct ha_config *config;
	struct ha_locate locate; /* guest locations, by tree version */
	uint64_t version;	 /* of the tree, read with the view */
	char *texts[4];
	char *status; /* the last manager_status handed to the LRM */
	bool held, ready, fence_round;
	atomic_bool shutdown; /* haagent is stopped: follow shutdown_policy */
	atomic_bool finished; /* the shutdown policy is carried out */
	bool shutdown_begun;
	uint64_t now_ms, unready_since;
	char failed[HA_MAX_NODES][HA_NAME_MAX]; /* fences that did not start */
	size_t n_failed;
};

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void on_log(void *ud, const char *line)
{
	(void)ud;
	log_notice("%s", line);
}

static void crm_fence(void *ud, const struct ha_fence_agent *agent)
{
	struct ha_daemon *d = ud;

	if (ha_fence_run(d->fence, agent, d->now_ms) < 0 &&
	    d->n_failed < HA_MAX_NODES)
		snprintf(d->failed[d->n_failed++], HA_NAME_MAX, "%s",
			 agent->node);
}

static void crm_publish(void *ud, const char *json)
{
	struct ha_daemon *d = ud;
	char msg[CDCALL_MSG] = "no connection";
	int r = d->c ? cdcall_put(d->c, STATUS_PATH, json, msg) : -ENOTCONN;

	if (r == -ENOENT && cdcall_mkdir_parents(d->c, STATUS_PATH, msg) == 0)
		r = cdcall_put(d->c, STATUS_PATH, json, msg);
	if (r < 0)
		log_warning("Cannot store %s: %s", STATUS_PATH, msg);
}

static void lrm_watchdog(void *ud, enum ha_watchdog_action a)
{
	struct ha_daemon *d = ud;
	uint64_t t = d->config->settings.watchdog_timeout_ms;

	switch (a) {
	case HA_WATCHDOG_ARM:
		log_notice("Watchdog armed (%llu ms)", (unsigned long long)t);
		ha_watchdog_arm(d->wd, t);
		break;
	case HA_WATCHDOG_PET: ha_watchdog_pet(d->wd); break;
	case HA_WATCHDOG_DISARM:
		log_notice("Watchdog disarmed");
		ha_watchdog_disarm(d->wd);
		break;
	}
}

static void lrm_publish(void *ud, const struct ha_lrm_report *rep)
{
	struct ha_daemon *d = ud;
	_cleanup_free_ char *json = ha_report_to_json(rep);
	char msg[CDCALL_MSG];

	if (json && d->c &&
	    cdcall_status_set(d->c, HA_REPORT_KEY, json, msg) < 0)
		log_warning("Cannot publish the LRM report: %s", msg);
}

static void lrm_shutdown_done(void *ud)
{
	struct ha_daemon *d = ud;

	if (!atomic_exchange(&d->finished, true))
		log_notice("HA: nothing runs here any more: haagent can stop");
}

static void fence_done(void *ud, const char *node, bool ok)
{
	struct ha_daemon *d = ud;

	ha_crm_fence_result(d->crm, node, ok);
	d->fence_round = true;
}

/* Take or drop the ha/manager lock as the node's readiness says. It is
 * held by the watch connection: losing that loses the lock too. */
static void lock_step(struct ha_daemon *d)
{
	struct ipc_client *w = ha_watch_client(d->watch);
	char msg[CDCALL_MSG];
	_cleanup_free_ char *status = NULL;

	if (d->held && !w) {
		d->held = false;
		ha_crm_set_lock(d->crm, false, NULL, d->now_ms);
		log_notice("HA: lost the connection that held %s", LOCK_NAME);
	}
	if (!d->ready && d->held) {
		d->held = false;
		ha_crm_set_lock(d->crm, false, NULL, d->now_ms);
		ha_watch_reset(d->watch);
		log_notice("HA: not quorate: released %s, no longer deciding",
			   LOCK_NAME);
	}
	if (!d->ready || d->held || !w)
		return;
	if (cdcall_try_lock(w, LOCK_NAME, msg) < 0)
		return;
	if (cdcall_get(d->c, STATUS_PATH, &status, msg) < 0)
		status = NULL;
	d->held = true;
	log_notice("HA: took %s: this node's CRM decides", LOCK_NAME);
	ha_crm_set_lock(d->crm, true, status, d->now_ms);
}

static void lrm_step(struct ha_daemon *d)
{
	char *status = NULL, msg[CDCALL_MSG];

	ha_lrm_set_quorate(d->lrm, d->ready);
	if (d->ready && cdcall_get(d->c, STATUS_PATH, &status, msg) == 0) {
		if (!d->status || strcmp(status, d->status) != 0) {
			free(d->status);
			d->status = status;
			ha_lrm_set_status(d->lrm, status);
		} else
			free(status);
	}
	ha_exec_poll(d->exec, d->lrm);
	ha_lrm_tick(d->lrm, d->now_ms);
}

static void round_(struct ha_daemon *d)
{
	struct ha_view view;
	bool changed;

	d->now_ms = mono_ms();
	if (!d->c && ipc_client_connect(&d->c) < 0)
		d->c = NULL;
	if (!d->c || ha_io_view(d->c, &view, &d->ready, &d->version) < 0) {
		ipc_client_free(d->c);
		d->c = NULL;
		d->ready = false;
		memset(&view, 0, sizeof(view));
	}
	ha_crm_set_view(d->crm, &view);
	if (d->ready && ha_io_config(d->c, d->texts, d->config, &changed,
				     &d->locate, d->version) == 0) {
		ha_crm_set_config(d->crm, d->config);
		ha_exec_block_starts(d->exec, !ha_watchdog_ok(d->wd) &&
						  d->config->settings.fencing !=
						      HA_FENCING_AGENT);
	}
	lock_step(d);
	if (d->held && d->c) {
		ha_io_reports(d->c, &view, d->crm);
		ha_io_commands(d->c, d->crm);
	}
	for (size_t i = 0; i < d->n_failed; i++)
		ha_crm_fence_result(d->crm, d->failed[i], false);
	d->n_failed = 0;
	ha_crm_round(d->crm, d->now_ms);
	lrm_step(d);
}

/* This node's previous report (an agent restart), so that a finished
 * request does not run twice. */
static bool previous_report(struct ha_daemon *d, struct ha_lrm_report *rep)
{
	Clusterd__Reply *reply = NULL;
	char msg[CDCALL_MSG];
	bool found = false;

	if (cdcall_status_list(d->c, &reply, msg) < 0)
		return false;
	for (size_t i = 0; i < reply->status_list->n_entries && !found; i++) {
		Clusterd__StatusEntry *e = reply->status_list->entries[i];
		_cleanup_free_ char *text = NULL;

		if (strcmp(e->key, HA_REPORT_KEY) || !e->node_name ||
		    strcmp(e->node_name, d->self))
			continue;
		text = strndup((const char *)e->value.data, e->value.len);
		found = text && ha_report_from_json(text, rep) == 0;
	}
	ipc_client_reply_free(reply);
	return found;
}

/* Connect and learn this node's name; then build the CRM and LRM. */
static int setup(struct ha_daemon *d)
{
	static const struct ha_lrm_ops *ops = &ha_exec_ops;
	struct ha_crm_io cio = {.userdata = d,
				.log = on_log,
				.fence = crm_fence,
				.publish = crm_publish};
	struct ha_lrm_io lio = {.userdata = d,
				.log = on_log,
				.watchdog = lrm_watchdog,
				.publish = lrm_publish,
				.shutdown_done = lrm_shutdown_done,
				.ops = ops};
	struct ha_lrm_report *prev = calloc(1, sizeof(*prev));
	uint32_t nodeid;
	char msg[CDCALL_MSG];
	int r;

	if (!prev)
		return -ENOMEM;
	r = ipc_client_connect(&d->c);
	if (r == 0)
		r = cdcall_self(d->c, &nodeid, d->self, sizeof(d->self), msg);
	if (r == 0)
		r = ha_exec_new(d->self, &d->exec);
	if (r == 0) {
		lio.userdata = d;
		d->crm = ha_crm_new(d->self, &cio);
		d->lrm = ha_lrm_new(d->self, &lio,
				    previous_report(d, prev) ? prev : NULL);
		log_notice("HA: CRM and LRM of node %s running", d->self);
	}
	free(prev);
	return r;
}

static void exec_done(void *ud)
{
	ha_watch_kick(((struct ha_daemon *)ud)->watch);
}

/* haagent is being stopped: announce the shutdown to the LRM once (its
 * report tells the CRM, which applies the policy), then wait for the LRM's
 * "done". Without quorum for UNREADY_MS nothing can move or be recorded:
 * give up (an armed watchdog stays armed and fences the node). */
static void shutdown_step(struct ha_daemon *d)
{
	if (!atomic_load(&d->shutdown) || atomic_load(&d->finished))
		return;
	if (!d->lrm) {
		atomic_store(&d->finished, true);
		return;
	}
	if (!d->shutdown_begun) {
		d->shutdown_begun = true;
		ha_lrm_shutdown(d->lrm, ha_shutdown_is_reboot(),
				d->config->settings.shutdown_policy);
	}
	if (d->ready) {
		d->unready_since = 0;
	} else if (!d->unready_since) {
		d->unready_since = mono_ms();
	} else if (mono_ms() - d->unready_since >= UNREADY_MS) {
		log_warning("HA: not quorate: cannot follow the shutdown "
			    "policy; stopping as things are");
		atomic_store(&d->finished, true);
	}
}

static void run_job(void *data);

/* Something asks for a round: one job runs it, however many asked. */
static void wake(void *data)
{
	struct ha_daemon *d = data;

	if (!d->job_queued)
		d->job_queued =
		    qb_loop_job_add(d->loop, QB_LOOP_MED, d, run_job) == 0;
}

static void on_backstop(void *data)
{
	struct ha_daemon *d = data;

	d->backstop_armed = false;
	wake(d);
}

static void arm_fence_timer(struct ha_daemon *d);

static void on_fence_timer(void *data)
{
	struct ha_daemon *d = data;

	d->fence_armed = false;
	ha_fence_poll(d->fence, mono_ms(), fence_done, d);
	if (d->fence_round)
		wake(d);
	arm_fence_timer(d);
}

/* Reap running fence agents every FENCE_POLL_MS. */
static void arm_fence_timer(struct ha_daemon *d)
{
	if (ha_fence_busy(d->fence) && !d->fence_armed)
		d->fence_armed =
		    qb_loop_timer_add(d->loop, QB_LOOP_MED,
				      FENCE_POLL_MS * 1000000ULL, d,
				      on_fence_timer, &d->fence_timer) == 0;
}

/* The backstop: the next round a second after this one at the latest
 * (time-based decisions, missed events), sooner while a lost node awaits
 * its self-fence deadline, so that its recovery is not a second late. */
static uint64_t backstop_ms(struct ha_daemon *d)
{
	const struct ha_status *st = ha_crm_status(d->crm);

	for (size_t i = 0; d->held && i < st->n_node; i++)
		if (st->node[i].state == HA_NODE_FENCE)
			return FENCE_WAIT_MS;
	return ROUND_MS;
}

static void run_job(void *data)
{
	struct ha_daemon *d = data;

	d->job_queued = false;
	if (atomic_load(&d->stop)) {
		qb_loop_stop(d->loop);
		return;
	}
	ha_fence_poll(d->fence, mono_ms(), fence_done, d);
	shutdown_step(d);
	d->fence_round = false;
	round_(d);
	if (d->backstop_armed)
		qb_loop_timer_del(d->loop, d->backstop);
	d->backstop_armed =
	    qb_loop_timer_add(d->loop, QB_LOOP_MED, backstop_ms(d) * 1000000ULL,
			      d, on_backstop, &d->backstop) == 0;
	arm_fence_timer(d);
}

static void run_loop(struct ha_daemon *d)
{
	d->loop = qb_loop_create();
	if (!d->loop || ha_watch_attach(d->watch, d->loop, wake, d) < 0) {
		log_error("HA: cannot set up the HA thread's event loop");
		if (d->loop)
			qb_loop_destroy(d->loop);
		d->loop = NULL;
		return;
	}
	ha_exec_set_notify(d->exec, exec_done, d);
	wake(d);
	qb_loop_run(d->loop);
	ha_exec_set_notify(d->exec, NULL, NULL);
	ha_watch_detach(d->watch);
	qb_loop_destroy(d->loop);
	d->loop = NULL;
}

static void *daemon_main(void *data)
{
	struct ha_daemon *d = data;

	while (!atomic_load(&d->stop) && !atomic_load(&d->shutdown) &&
	       setup(d) < 0) {
		ipc_client_free(d->c);
		d->c = NULL;
		nanosleep(&(struct timespec){0, 500000000}, NULL);
	}
	if (d->crm)
		run_loop(d);
	/* stopped before clusterd ever answered, or the loop ended */
	atomic_store(&d->finished, true);
	return NULL;
}

int ha_daemon_start(const struct ha_daemon_config *cfg, struct ha_daemon **out)
{
	struct ha_daemon *d = calloc(1, sizeof(*d));
	sigset_t all, old;
	int r;

	if (!d || !(d->config = calloc(1, sizeof(*d->config)))) {
		free(d);
		return -ENOMEM;
	}
	d->cfg = *cfg;
	snprintf(d->wd_path, sizeof(d->wd_path), "%s",
		 cfg->watchdog_path ? cfg->watchdog_path : "");
	snprintf(d->fence_dir, sizeof(d->fence_dir), "%s", cfg->fence_dir);
	ha_config_init(d->config);
	r = ha_watchdog_new(cfg->watchdog, d->wd_path, &d->wd);
	if (r == 0)
		r = ha_watch_new(&d->watch);
	if (r == 0)
		r = ha_fence_new(d->fence_dir, cfg->fence_timeout_ms,
				 &d->fence);
	if (r < 0) {
		ha_daemon_stop(d);
		return r;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = -pthread_create(&d->thread, NULL, daemon_main, d);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r < 0) {
		ha_daemon_stop(d);
		return log_error_errno(r, "Cannot start the HA thread");
	}
	*out = d;
	return 0;
}

void ha_daemon_shutdown(struct ha_daemon *d, uint64_t timeout_ms)
{
	uint64_t end = mono_ms() + timeout_ms;

	if (!d)
		return;
	log_notice("HA: stopping: following the shutdown policy (at most "
		   "%llu s)",
		   (unsigned long long)timeout_ms / 1000);
	atomic_store(&d->shutdown, true);
	ha_watch_kick(d->watch);
	while (!atomic_load(&d->finished)) {
		if (mono_ms() >= end) {
			log_warning("HA: the shutdown policy was not carried "
				    "out within %llu s: stopping anyway",
				    (unsigned long long)timeout_ms / 1000);
			return;
		}
		nanosleep(&(struct timespec){0, 100000000}, NULL);
	}
}

void ha_daemon_stop(struct ha_daemon *d)
{
	if (!d)
		return;
	atomic_store(&d->stop, true);
	if (d->watch)
		ha_watch_kick(d->watch);
	if (d->thread)
		pthread_join(d->thread, NULL);
	if (d->wd && d->lrm && !ha_lrm_armed(d->lrm))
		ha_watchdog_disarm(d->wd);
	ha_exec_free(d->exec);
	ha_lrm_free(d->lrm);
	ha_crm_free(d->crm);
	ha_fence_free(d->fence);
	ha_watchdog_free(d->wd);
	ha_watch_free(d->watch);
	ipc_client_free(d->c);
	ha_io_texts_free(d->texts);
	free(d->status);
	free(d->config);
	free(d);
}
