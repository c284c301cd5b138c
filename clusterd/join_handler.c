/*
 * What a join request does (see join_server.h).
 *
 * Checks first, in this order, each with its own errno and message the
 * joiner prints: protocol version (EPROTONOSUPPORT), this member quorate
 * and synced (EROFS / EAGAIN), the token (EACCES: unknown, used or wrong
 * secret; ETIME: expired), the joiner's name (EINVAL) and whether its
 * name or addresses are already in the cluster's corosync.conf (EEXIST,
 * EADDRINUSE), and the authkey being readable. A clock more than
 * JOIN_SKEW_WARN_MS away from ours is a warning, not an error.
 *
 * Then two replicated writes through the daemon's write queue (the path
 * IPC and FUSE writes take, write_queue.h), each answered only after it was
 * applied and committed here: the token's record is removed (a remove of an
 * absent file fails in delivery order, so a token admits one joiner however
 * many present it at once), then the corosync.conf with the new node and
 * config_version + 1 replaces the tree's copy by compare-and-swap on the
 * version read at check time, so two concurrent joins cannot lose one
 * another's node (the loser is told to retry with a new token). Every
 * member then writes it to /etc/corosync and reloads corosync
 * (corosync_conf.c); the reply carries it and the authkey to the joiner.
 */
#include "corosync_conf.h"
#include "corosync_conf_gen.h"
#include "join_internal.h"
#include "log.h"
#include "macro.h"
#include "write_queue.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#define MAX_AUTHKEY 4096

static int64_t now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return tv.tv_sec * 1000LL + tv.tv_usec / 1000;
}

/* A write of a join in the daemon's write queue. It owns copies of the
 * path and data: the connection may close (timeout) while the write waits,
 * and the queue may resubmit it after a view change. */
struct join_write {
	struct join_conn *conn; /* NULL once the connection closed */
	struct replica_write w;
	char buf[]; /* path, then data */
};

static void write_done(void *userdata, int err, const char *why,
		       uint64_t version)
{
	struct join_write *jw = userdata;
	struct join_conn *c = jw->conn;

	free(jw);
	if (!c)
		return;
	c->pending = NULL;
	c->write_err = -err;
	join_handle_decided(c);
}

void join_write_detach(struct join_write *jw)
{
	if (jw)
		jw->conn = NULL;
}

/* Queue W for the current STEP; the outcome, applied and committed here,
 * comes to join_handle_decided() (possibly before this returns). */
static int submit(struct join_conn *c, const struct replica_write *w,
		  enum join_step step)
{
	size_t plen = strlen(w->path) + 1;
	struct join_write *jw = malloc(sizeof(*jw) + plen + w->size);
	int r;

	if (!jw)
		return -ENOMEM;
	jw->conn = c;
	jw->w = *w;
	memcpy(jw->buf, w->path, plen);
	if (w->size)
		memcpy(jw->buf + plen, w->data, w->size);
	jw->w.path = jw->buf;
	jw->w.data = jw->buf + plen;
	c->step = step;
	c->pending = jw;
	r = write_queue_submit(c->js->cd->writes, &jw->w, write_done, jw);
	if (r < 0) {
		c->pending = NULL;
		free(jw);
	}
	return r;
}

static int check_token(struct join_conn *c, const Clusterd__JoinRequest *req,
		       const char **why)
{
	const struct tree_entry *e;
	int r;

	if (!join_token_valid_id(req->token_id))
		return *why = "malformed token", -EACCES;
	snprintf(c->token_path, sizeof(c->token_path), "%s/%s", JOIN_TOKEN_DIR,
		 req->token_id);
	e = tree_lookup(c->js->cd->tree, c->token_path);
	if (!e || e->type != TREE_FILE)
		return *why = "unknown or already used token", -EACCES;
	r = join_token_check((const char *)e->data, e->size, req->secret.data,
			     req->secret.len, now_ms() / 1000);
	if (r == -ETIME)
		return *why = "the token has expired", -ETIME;
	if (r < 0)
		return *why = "the token's secret is wrong", -EACCES;
	return 0;
}

/* The joiner as a nodelist entry: its addresses, or the connection's. */
static int joiner_node(struct join_conn *c, const Clusterd__JoinRequest *req,
		       const struct ccgen_info *info, struct ccgen_node *n,
		       const char **why)
{
	memset(n, 0, sizeof(*n));
	if (!ccgen_valid_name(req->name))
		return *why = "invalid node name", -EINVAL;
	if (req->n_addresses > CCGEN_MAX_LINKS)
		return *why = "too many addresses", -EINVAL;
	snprintf(n->name, sizeof(n->name), "%s", req->name);
	snprintf(c->name, sizeof(c->name), "%s", req->name);
	for (size_t i = 0; i < req->n_addresses; i++) {
		if ((i > 0 && !req->addresses[i][0]) ||
		    strlen(req->addresses[i]) >= sizeof(n->addr[i]) ||
		    strpbrk(req->addresses[i], " \t\r\n{}#"))
			return *why = "invalid address", -EINVAL;
		snprintf(n->addr[i], sizeof(n->addr[i]), "%s",
			 req->addresses[i]);
	}
	if (!n->addr[0][0])
		snprintf(n->addr[0], sizeof(n->addr[0]), "%s", c->peer);
	/* corosync wants the same links on every node. */
	if (info->n_nodes && !info->nodes[0].addr[1][0] != !n->addr[1][0])
		return *why = info->nodes[0].addr[1][0]
				  ? "the cluster uses two links: give --link1"
				  : "the cluster uses one link: no --link1",
		       -EINVAL;
	if (ccgen_find(info, n->name))
		return *why = "a node of that name is already in the cluster",
		       -EEXIST;
	n->nodeid = ccgen_next_nodeid(info);
	return 0;
}

/* Check the cluster side and compute the new corosync.conf. */
static int prepare_conf(struct join_conn *c, const Clusterd__JoinRequest *req,
			const char **why)
{
	const struct tree_entry *e =
	    tree_lookup(c->js->cd->tree, COROSYNC_CONF_TREE_PATH);
	_cleanup_free_ char *text = NULL;
	struct ccgen_info info;
	struct ccgen_node n;
	int r;

	if (!e || e->type != TREE_FILE)
		return *why = "the cluster has no corosync.conf in its tree",
		       -ENOENT;
	text = strndup((const char *)e->data, e->size);
	if (!text)
		return *why = "out of memory", -ENOMEM;
	r = ccgen_parse(text, &info);
	if (r < 0)
		return *why = "the cluster's corosync.conf cannot be parsed", r;
	r = joiner_node(c, req, &info, &n, why);
	ccgen_info_done(&info);
	if (r < 0)
		return r;
	r = ccgen_add_node(text, &n, &c->new_conf);
	if (r == -EEXIST)
		return *why = "an address of the joiner is already in use",
		       -EADDRINUSE;
	if (r < 0)
		return *why = "cannot add the node to corosync.conf", r;
	c->conf_version = e->version;
	c->nodeid = n.nodeid;
	return 0;
}

static int read_authkey(const char *path, uint8_t *buf, size_t *len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, MAX_AUTHKEY);
	if (n < 0)
		return -errno;
	*len = n;
	return 0;
}

static int check_request(struct join_conn *c, const Clusterd__JoinRequest *req,
			 const char **why)
{
	struct replica *rep = c->js->cd->replica;
	int64_t skew = req->clock_ms - now_ms();

	if (req->header->protocol_version !=
	    CLUSTERD__PROTOCOL_VERSION__PROTOCOL_VERSION_CURRENT)
		return *why = "incompatible protocol version (this member "
			      "speaks version 1)",
		       -EPROTONOSUPPORT;
	if (!replica_quorate(rep))
		return *why = "the cluster is not quorate", -EROFS;
	if (!replica_synced(rep))
		return *why = "the member is synchronising; try again", -EAGAIN;
	if (skew > JOIN_SKEW_WARN_MS || skew < -JOIN_SKEW_WARN_MS)
		snprintf(c->warning, sizeof(c->warning),
			 "the joiner's clock is %+.1f s off the member's",
			 skew / 1000.0);
	return 0;
}

void join_handle_request(struct join_conn *c, const Clusterd__JoinRequest *req)
{
	struct replica_write w = {.type = REPLICA_REMOVE};
	const char *why = NULL;
	uint8_t key[MAX_AUTHKEY];
	size_t keylen;
	int r = check_request(c, req, &why);

	if (r == 0)
		r = check_token(c, req, &why);
	if (r == 0)
		r = prepare_conf(c, req, &why);
	if (r == 0 && read_authkey(c->js->authkey_path, key, &keylen) < 0)
		r = -EIO, why = "the member cannot read its corosync authkey";
	if (r == 0) {
		w.path = c->token_path;
		w.mtime_ms = now_ms();
		r = submit(c, &w, JS_CONSUME_TOKEN);
		if (r < 0)
			why = "the member cannot submit the change; try again";
	}
	if (r < 0)
		join_conn_reply(c, -r, why, NULL, NULL, 0);
}

void join_handle_decided(struct join_conn *c)
{
	struct replica_write w = {.type = REPLICA_PUT};
	uint8_t key[MAX_AUTHKEY];
	size_t keylen = 0;
	int err = c->write_err;

	if (c->step == JS_CONSUME_TOKEN) {
		if (err < 0) {
			join_conn_reply(c, err == -ENOENT ? EACCES : -err,
					err == -ENOENT
					    ? "the token was already used"
					    : "the token could not be consumed",
					NULL, NULL, 0);
			return;
		}
		w.path = COROSYNC_CONF_TREE_PATH;
		w.data = c->new_conf;
		w.size = strlen(c->new_conf);
		w.check_version = true;
		w.expected_version = c->conf_version;
		w.mtime_ms = now_ms();
		if (submit(c, &w, JS_WRITE_CONF) < 0)
			join_conn_reply(c, EAGAIN,
					"cannot submit corosync.conf; retry "
					"with a new token",
					NULL, NULL, 0);
		return;
	}
	if (err < 0) {
		join_conn_reply(c, err == -ESTALE ? EAGAIN : -err,
				err == -ESTALE
				    ? "corosync.conf changed meanwhile; retry "
				      "with a new token"
				    : "corosync.conf could not be written",
				NULL, NULL, 0);
		return;
	}
	if (read_authkey(c->js->authkey_path, key, &keylen) < 0) {
		join_conn_reply(c, EIO, "the member cannot read its authkey",
				NULL, NULL, 0);
		return;
	}
	log_notice("Node '%s' joins as node ID %u", c->name, c->nodeid);
	join_conn_reply(c, 0, NULL, c->new_conf, key, keylen);
}
