/*
 * The HA daemon (see ha_daemon.h): one thread that drives the decision
 * core's CRM and LRM from the real cluster, the same code the simulator
 * drives (ha_sim*.c).
 *
 * Three clusterd connections: C for calls (reads, manager_status, the
 * LRM report), W subscribed to membership events and tree events under
 * "ha" (it only wakes the loop), and L that takes the ephemeral
 * ha/manager lock and does nothing else (the lock belongs to it).
 *
 * A round runs on every event and at least every second: the view (ready
 * = quorate and synced), the configuration, the lock (taken when ready and
 * free; dropped with its connection as soon as the node is not ready, so
 * a CRM that lost quorum stops deciding at once), the LRM reports, fence
 * results, ha_crm_round(), then the LRM: manager_status read only while
 * ready, finished operations, ha_lrm_tick() (which pets the watchdog only
 * while ready). Between rounds, finished operations and fence agents are
 * polled every 200 ms and trigger a round.
 */
#include "ha_daemon.h"
#include "ha_config.h"
#include "ha_crm.h"
#include "ha_exec.h"
#include "ha_fence.h"
#include "ha_io.h"
#include "ha_lrm.h"
#include "ha_report.h"
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

#define LOCK_NAME   "ha/manager"
#define STATUS_PATH "ha/manager_status"
#define POLL_MS	    200
#define ROUND_MS    1000

struct ha_daemon {
	struct ha_exec *exec; /* first: the userdata of ha_exec_ops */
	struct ha_daemon_config cfg;
	char wd_path[256], fence_dir[256];
	pthread_t thread;
	atomic_bool stop;
	char self[HA_NAME_MAX];
	struct ipc_client *c, *w, *l;
	struct ha_crm *crm;
	struct ha_lrm *lrm;
	struct ha_watchdog *wd;
	struct ha_fence *fence;
	struct ha_config *config;
	char *texts[4];
	char *status; /* the last manager_status handed to the LRM */
	bool held, ready, fence_round;
	uint64_t now_ms;
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
	(void)ud;
	log_notice("HA: nothing runs here any more");
}

static void fence_done(void *ud, const char *node, bool ok)
{
	struct ha_daemon *d = ud;

	ha_crm_fence_result(d->crm, node, ok);
	d->fence_round = true;
}

/* Take or drop the ha/manager lock as the node's readiness says. */
static void lock_step(struct ha_daemon *d)
{
	char msg[CDCALL_MSG];
	_cleanup_free_ char *status = NULL;

	if (!d->ready && d->held) {
		d->held = false;
		ha_crm_set_lock(d->crm, false, NULL, d->now_ms);
		ipc_client_free(d->l);
		d->l = NULL;
		log_notice("HA: not quorate: released %s, no longer deciding",
			   LOCK_NAME);
	}
	if (!d->ready || d->held)
		return;
	if (!d->l && ipc_client_connect(&d->l) < 0)
		return;
	if (cdcall_try_lock(d->l, LOCK_NAME, msg) < 0)
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
	if (!d->c || ha_io_view(d->c, &view, &d->ready) < 0) {
		ipc_client_free(d->c);
		d->c = NULL;
		d->ready = false;
		memset(&view, 0, sizeof(view));
	}
	ha_crm_set_view(d->crm, &view);
	if (d->ready &&
	    ha_io_config(d->c, d->texts, d->config, &changed) == 0) {
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

/* Wait for the next event (or POLL_MS); true when it asks for a round. */
static bool wait_event(struct ha_daemon *d)
{
	Clusterd__Event *ev = NULL;
	char msg[CDCALL_MSG];
	int r;

	if (!d->w) {
		if (ipc_client_connect(&d->w) < 0 ||
		    cdcall_watch(d->w, "ha", msg) < 0) {
			ipc_client_free(d->w);
			d->w = NULL;
			nanosleep(&(struct timespec){0, POLL_MS * 1000000L},
				  NULL);
			return false;
		}
		return true;
	}
	r = ipc_client_next_event(d->w, POLL_MS, &ev);
	if (r == -ETIMEDOUT)
		return false;
	if (r < 0) {
		ipc_client_free(d->w);
		d->w = NULL;
		return true;
	}
	ipc_client_event_free(ev);
	return true;
}

static void *daemon_main(void *data)
{
	struct ha_daemon *d = data;
	uint64_t last = 0;

	while (!atomic_load(&d->stop) && setup(d) < 0) {
		ipc_client_free(d->c);
		d->c = NULL;
		nanosleep(&(struct timespec){0, 500000000}, NULL);
	}
	while (!atomic_load(&d->stop)) {
		bool due = wait_event(d);

		ha_fence_poll(d->fence, mono_ms(), fence_done, d);
		if (due || d->fence_round || mono_ms() - last >= ROUND_MS) {
			d->fence_round = false;
			round_(d);
			last = mono_ms();
		} else if (d->lrm) {
			/* finished operations: hand them over at once */
			d->now_ms = mono_ms();
			ha_exec_poll(d->exec, d->lrm);
			ha_lrm_tick(d->lrm, d->now_ms);
		}
	}
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

void ha_daemon_stop(struct ha_daemon *d)
{
	if (!d)
		return;
	atomic_store(&d->stop, true);
	if (d->thread)
		pthread_join(d->thread, NULL);
	if (d->wd && d->lrm && !ha_lrm_armed(d->lrm))
		ha_watchdog_disarm(d->wd);
	ha_exec_free(d->exec);
	ha_lrm_free(d->lrm);
	ha_crm_free(d->crm);
	ha_fence_free(d->fence);
	ha_watchdog_free(d->wd);
	ipc_client_free(d->l);
	ipc_client_free(d->w);
	ipc_client_free(d->c);
	ha_io_texts_free(d->texts);
	free(d->status);
	free(d->config);
	free(d);
}
