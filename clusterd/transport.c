/*
 * Transport: corosync CPG (and cmap for the nodelist), or a loopback.
 *
 * Sends that corosync refuses for flow control (CS_ERR_TRY_AGAIN) are kept
 * in order in a queue and retried from a timer, so a burst never loses or
 * reorders a message. When corosync goes away the transport reports an
 * empty view (no quorum: writes stop everywhere on this node) and
 * reconnects every second; a new connection is a new CPG member, so the
 * replica syncs as after any view change.
 */
#include "transport.h"
#include "log.h"
#include "macro.h"

#include <corosync/cmap.h>
#include <corosync/cpg.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/uio.h>
#include <unistd.h>

#define GROUP_NAME "clusterd"
#define MAX_NODES  256
#define RETRY_MS   1000

struct queued {
	struct queued *next;
	size_t len;
	uint8_t data[];
};

struct transport {
	qb_loop_t *loop;
	bool standalone;
	struct transport_events ev;
	void *userdata;

	cpg_handle_t cpg;
	cmap_handle_t cmap;
	cmap_track_handle_t track;
	int cpg_fd, cmap_fd;
	bool connected;
	uint32_t local_nodeid;
	char cluster_name[128];
	struct transport_node nodes[MAX_NODES];
	size_t node_count;
	uint32_t expected_votes;

	struct queued *head,
	    *tail; /* outgoing (CPG) or to deliver (loopback) */
	qb_loop_timer_handle retry_timer;
	bool retry_armed, loopback_armed;
	int loopback_fd; /* eventfd: wakes the loop to deliver (loopback) */
};

static void queue_push(struct transport *t, struct queued *q)
{
	q->next = NULL;
	if (t->tail)
		t->tail->next = q;
	else
		t->head = q;
	t->tail = q;
}

static struct queued *queue_pop(struct transport *t)
{
	struct queued *q = t->head;

	if (q) {
		t->head = q->next;
		if (!t->head)
			t->tail = NULL;
	}
	return q;
}

static void queue_clear(struct transport *t)
{
	struct queued *q;

	while ((q = queue_pop(t)))
		free(q);
}

/* ------------------------------------------------------------ loopback */

/* Deliveries go through an eventfd rather than a loop job: a job added
 * while the loop dispatches IPC waits for the next poll timeout (50 ms),
 * an eventfd wakes the poll at once. */
static void loopback_run(void *data)
{
	struct transport *t = data;
	struct queued *q;
	uint64_t count;

	if (read(t->loopback_fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		log_warning_errno(errno, "Cannot read the loopback eventfd");
	t->loopback_armed = false;
	while ((q = queue_pop(t))) {
		t->ev.deliver(t->userdata, t->local_nodeid, getpid(), q->data,
			      q->len);
		free(q);
	}
	t->ev.batch_done(t->userdata);
}

static int32_t loopback_ready(int32_t fd, int32_t revents, void *data)
{
	loopback_run(data);
	return 0;
}

static void loopback_start(void *data)
{
	struct transport *t = data;
	struct replica_member self = {t->local_nodeid, getpid()};

	t->ev.view(t->userdata, &self, 1);
	loopback_run(t);
}

/* ----------------------------------------------------------------- cpg */

static void on_cpg_deliver(cpg_handle_t handle, const struct cpg_name *group,
			   uint32_t nodeid, uint32_t pid, void *msg, size_t len)
{
	struct transport *t;

	if (cpg_context_get(handle, (void **)&t) == CS_OK)
		t->ev.deliver(t->userdata, nodeid, pid, msg, len);
}

static void on_cpg_confchg(cpg_handle_t handle, const struct cpg_name *group,
			   const struct cpg_address *members, size_t count,
			   const struct cpg_address *left, size_t left_count,
			   const struct cpg_address *joined,
			   size_t joined_count)
{
	struct replica_member view[count ? count : 1];
	struct transport *t;

	if (cpg_context_get(handle, (void **)&t) != CS_OK)
		return;
	for (size_t i = 0; i < count; i++)
		view[i] =
		    (struct replica_member){members[i].nodeid, members[i].pid};
	t->ev.view(t->userdata, view, count);
}

static int flush_queue(struct transport *t);

static void reconnect_fired(void *data);

static void arm_retry(struct transport *t, uint64_t ms)
{
	if (t->retry_armed)
		return;
	t->retry_armed =
	    qb_loop_timer_add(t->loop, QB_LOOP_HIGH, ms * QB_TIME_NS_IN_MSEC, t,
			      reconnect_fired, &t->retry_timer) == 0;
}

/* Send queued messages in order; stop at the first TRY_AGAIN. */
static int flush_queue(struct transport *t)
{
	while (t->head && t->connected) {
		struct iovec iov = {t->head->data, t->head->len};
		cs_error_t err =
		    cpg_mcast_joined(t->cpg, CPG_TYPE_AGREED, &iov, 1);

		if (err == CS_ERR_TRY_AGAIN) {
			arm_retry(t, 1);
			return 0;
		}
		if (err != CS_OK) {
			log_error("cpg_mcast_joined failed (%d): dropping %zu "
				  "bytes; the writer's call will time out",
				  err, t->head->len);
		}
		free(queue_pop(t));
	}
	return 0;
}

static void disconnect(struct transport *t);

static int32_t on_cpg_fd(int32_t fd, int32_t revents, void *data)
{
	struct transport *t = data;
	cs_error_t err = cpg_dispatch(t->cpg, CS_DISPATCH_ALL);

	if (err != CS_OK && err != CS_ERR_TRY_AGAIN) {
		log_error("Lost the connection to corosync (CPG error %d)",
			  err);
		disconnect(t);
		t->ev.view(t->userdata, NULL, 0);
		arm_retry(t, RETRY_MS);
	}
	t->ev.batch_done(t->userdata);
	return 0;
}

static int cmap_string(cmap_handle_t h, const char *key, char *out, size_t size)
{
	char *value = NULL;

	if (cmap_get_string(h, key, &value) != CS_OK)
		return -ENOENT;
	snprintf(out, size, "%s", value);
	free(value);
	return 0;
}

static int compare_nodes(const void *a, const void *b)
{
	const struct transport_node *x = a, *y = b;

	return x->nodeid < y->nodeid ? -1 : x->nodeid > y->nodeid;
}

/* Re-read cluster name, nodelist and expected votes from cmap. */
static void read_config(struct transport *t)
{
	char key[CMAP_KEYNAME_MAXLEN + 1];
	uint32_t sum = 0, expected = 0;
	size_t n = 0;

	if (cmap_string(t->cmap, "totem.cluster_name", t->cluster_name,
			sizeof(t->cluster_name)) < 0)
		snprintf(t->cluster_name, sizeof(t->cluster_name), "%s", "");
	for (unsigned i = 0; n < MAX_NODES; i++) {
		struct transport_node *node = &t->nodes[n];
		uint32_t id, votes = 1;

		snprintf(key, sizeof(key), "nodelist.node.%u.nodeid", i);
		if (cmap_get_uint32(t->cmap, key, &id) != CS_OK)
			break;
		*node = (struct transport_node){.nodeid = id};
		snprintf(key, sizeof(key), "nodelist.node.%u.quorum_votes", i);
		cmap_get_uint32(t->cmap, key, &votes);
		node->votes = votes;
		snprintf(key, sizeof(key), "nodelist.node.%u.name", i);
		cmap_string(t->cmap, key, node->name, sizeof(node->name));
		snprintf(key, sizeof(key), "nodelist.node.%u.ring0_addr", i);
		cmap_string(t->cmap, key, node->address, sizeof(node->address));
		sum += votes;
		n++;
	}
	qsort(t->nodes, n, sizeof(t->nodes[0]), compare_nodes);
	t->node_count = n;
	if (cmap_get_uint32(t->cmap, "quorum.expected_votes", &expected) !=
		CS_OK ||
	    expected < sum)
		expected = sum;
	t->expected_votes = expected ? expected : 1;
}

static void on_cmap_change(cmap_handle_t h, cmap_track_handle_t track,
			   int32_t event, const char *key,
			   struct cmap_notify_value new_value,
			   struct cmap_notify_value old_value, void *data)
{
	struct transport *t = data;

	read_config(t);
	if (t->ev.config_changed)
		t->ev.config_changed(t->userdata);
}

static int32_t on_cmap_fd(int32_t fd, int32_t revents, void *data)
{
	struct transport *t = data;

	if (cmap_dispatch(t->cmap, CS_DISPATCH_ALL) != CS_OK) {
		log_error("Lost the connection to corosync (cmap)");
		disconnect(t);
		t->ev.view(t->userdata, NULL, 0);
		arm_retry(t, RETRY_MS);
	}
	return 0;
}

static void disconnect(struct transport *t)
{
	if (!t->connected)
		return;
	qb_loop_poll_del(t->loop, t->cpg_fd);
	qb_loop_poll_del(t->loop, t->cmap_fd);
	cpg_finalize(t->cpg);
	cmap_finalize(t->cmap);
	queue_clear(t);
	t->connected = false;
}

static int connect_cmap(struct transport *t)
{
	if (cmap_initialize(&t->cmap) != CS_OK)
		return -ECONNREFUSED;
	read_config(t);
	if (cmap_track_add(t->cmap, "nodelist.",
			   CMAP_TRACK_ADD | CMAP_TRACK_DELETE |
			       CMAP_TRACK_MODIFY | CMAP_TRACK_PREFIX,
			   on_cmap_change, t, &t->track) != CS_OK ||
	    cmap_track_add(t->cmap, "quorum.expected_votes",
			   CMAP_TRACK_ADD | CMAP_TRACK_DELETE |
			       CMAP_TRACK_MODIFY,
			   on_cmap_change, t, &t->track) != CS_OK ||
	    cmap_fd_get(t->cmap, &t->cmap_fd) != CS_OK) {
		cmap_finalize(t->cmap);
		return -EIO;
	}
	return 0;
}

static int connect_cpg(struct transport *t)
{
	static cpg_callbacks_t callbacks = {
	    .cpg_deliver_fn = on_cpg_deliver,
	    .cpg_confchg_fn = on_cpg_confchg,
	};
	struct cpg_name group;
	cs_error_t err;

	if (cpg_initialize(&t->cpg, &callbacks) != CS_OK)
		return -ECONNREFUSED;
	cpg_context_set(t->cpg, t);
	strcpy(group.value, GROUP_NAME);
	group.length = strlen(GROUP_NAME);
	err = cpg_local_get(t->cpg, &t->local_nodeid);
	for (int i = 0; err == CS_OK && i < 100; i++) {
		err = cpg_join(t->cpg, &group);
		if (err != CS_ERR_TRY_AGAIN)
			break;
		usleep(10000);
	}
	if (err == CS_OK)
		err = cpg_fd_get(t->cpg, &t->cpg_fd);
	if (err != CS_OK) {
		cpg_finalize(t->cpg);
		return -EIO;
	}
	return 0;
}

static int try_connect(struct transport *t)
{
	int r = connect_cmap(t);

	if (r < 0)
		return r;
	r = connect_cpg(t);
	if (r < 0) {
		cmap_finalize(t->cmap);
		return r;
	}
	qb_loop_poll_add(t->loop, QB_LOOP_HIGH, t->cpg_fd, POLLIN, t,
			 on_cpg_fd);
	qb_loop_poll_add(t->loop, QB_LOOP_HIGH, t->cmap_fd, POLLIN, t,
			 on_cmap_fd);
	t->connected = true;
	log_notice("Joined CPG group %s as node %u of cluster '%s' (%zu nodes, "
		   "%u expected votes)",
		   GROUP_NAME, t->local_nodeid, t->cluster_name, t->node_count,
		   t->expected_votes);
	if (t->ev.config_changed)
		t->ev.config_changed(t->userdata);
	return 0;
}

static void reconnect_fired(void *data)
{
	struct transport *t = data;

	t->retry_armed = false;
	if (t->connected) {
		flush_queue(t);
		return;
	}
	if (try_connect(t) < 0)
		arm_retry(t, RETRY_MS);
}

int transport_new(qb_loop_t *loop, bool standalone,
		  const struct transport_events *events, void *userdata,
		  struct transport **out)
{
	struct transport *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->loop = loop;
	t->standalone = standalone;
	t->ev = *events;
	t->userdata = userdata;
	/* Published before connecting: connecting calls back into the owner,
	 * which reaches the transport through *OUT. */
	*out = t;
	if (standalone) {
		t->local_nodeid = 1;
		t->expected_votes = 1;
		snprintf(t->cluster_name, sizeof(t->cluster_name),
			 "standalone");
		t->loopback_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (t->loopback_fd < 0 ||
		    qb_loop_poll_add(loop, QB_LOOP_HIGH, t->loopback_fd, POLLIN,
				     t, loopback_ready) < 0)
			return log_error_errno(errno ? errno : EIO,
					       "Cannot set up the loopback");
		qb_loop_job_add(loop, QB_LOOP_HIGH, t, loopback_start);
	} else if (try_connect(t) < 0) {
		log_warning(
		    "corosync is not reachable yet; retrying every %d ms",
		    RETRY_MS);
		arm_retry(t, RETRY_MS);
	}
	return 0;
}

void transport_free(struct transport *t)
{
	if (!t)
		return;
	if (t->retry_armed)
		qb_loop_timer_del(t->loop, t->retry_timer);
	disconnect(t);
	queue_clear(t);
	if (t->standalone && t->loopback_fd >= 0) {
		qb_loop_poll_del(t->loop, t->loopback_fd);
		close(t->loopback_fd);
	}
	free(t);
}

static void rejoin_job(void *data)
{
	struct transport *t = data;

	if (!t->connected)
		return;
	disconnect(t);
	t->ev.view(t->userdata, NULL, 0);
	t->ev.batch_done(t->userdata);
	if (t->retry_armed) {
		qb_loop_timer_del(t->loop, t->retry_timer);
		t->retry_armed = false;
	}
	arm_retry(t, 100);
}

void transport_rejoin(struct transport *t)
{
	if (!t->standalone)
		qb_loop_job_add(t->loop, QB_LOOP_HIGH, t, rejoin_job);
}

int transport_send(struct transport *t, const void *buf, size_t len)
{
	struct queued *q;

	if (!t->standalone && !t->connected)
		return -ENOTCONN;
	if (!t->standalone && !t->head) {
		struct iovec iov = {(void *)buf, len};
		cs_error_t err =
		    cpg_mcast_joined(t->cpg, CPG_TYPE_AGREED, &iov, 1);

		if (err == CS_OK)
			return 0;
		if (err != CS_ERR_TRY_AGAIN)
			return err == CS_ERR_TOO_BIG ? -EMSGSIZE : -EIO;
	}
	q = malloc(sizeof(*q) + len);
	if (!q)
		return -ENOMEM;
	q->len = len;
	memcpy(q->data, buf, len);
	queue_push(t, q);
	if (t->standalone && !t->loopback_armed) {
		uint64_t one = 1;

		t->loopback_armed =
		    write(t->loopback_fd, &one, sizeof(one)) == sizeof(one);
	} else if (!t->standalone)
		arm_retry(t, 1);
	return 0;
}

uint32_t transport_local_nodeid(const struct transport *t)
{
	return t->local_nodeid;
}
const char *transport_cluster_name(const struct transport *t)
{
	return t->cluster_name;
}
uint32_t transport_expected_votes(const struct transport *t)
{
	return t->expected_votes;
}

const struct transport_node *transport_nodes(const struct transport *t,
					     size_t *count)
{
	*count = t->node_count;
	return t->nodes;
}
