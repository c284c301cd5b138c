/*
 * Expected-votes override (see expected.h): the IPC request, the
 * reachability rule, and the replicated ExpectedOp.
 */
#include "clusterlog.h"
#include "expected.h"
#include "ipc_pending.h"
#include "ipc_server.h"
#include "log.h"

#include <corosync/cmap.h>
#include <corosync/votequorum.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_LINKS 8

struct expected {
	struct clusterd *cd;
};

static bool in_view(const struct replica *r, uint32_t nodeid)
{
	size_t n;
	const struct replica_member *m = replica_members(r, &n);

	for (size_t i = 0; i < n; i++)
		if (m[i].nodeid == nodeid)
			return true;
	return false;
}

/* A configured node outside the view that a knet link reaches, or 0. */
static uint32_t reachable_outsider(struct expected *e)
{
	size_t n;
	const struct transport_node *nodes =
	    transport_nodes(e->cd->transport, &n);
	uint32_t found = 0;
	cmap_handle_t h;

	if (cmap_initialize_map(&h, CMAP_MAP_STATS) != CS_OK)
		return 0;
	for (size_t i = 0; i < n && !found; i++) {
		if (in_view(e->cd->replica, nodes[i].nodeid))
			continue;
		for (int l = 0; l < MAX_LINKS && !found; l++) {
			char key[64];
			uint8_t up = 0;

			snprintf(key, sizeof(key),
				 "stats.knet.node%u.link%d.connected",
				 nodes[i].nodeid, l);
			if (cmap_get_uint8(h, key, &up) == CS_OK && up)
				found = nodes[i].nodeid;
		}
	}
	cmap_finalize(h);
	return found;
}

static int set_votequorum(uint32_t votes)
{
	votequorum_handle_t h;
	cs_error_t err = votequorum_initialize(&h, NULL);

	if (err == CS_OK) {
		err = votequorum_setexpected(h, votes);
		votequorum_finalize(h);
	}
	return err == CS_OK ? 0 : -EIO;
}

static int check(struct expected *e, const Clusterd__ExpectedRequest *q,
		 char *why, size_t len)
{
	uint32_t view = replica_view_votes(e->cd->replica), node;

	size_t nodes;

	transport_nodes(e->cd->transport, &nodes);
	if (nodes == 0) /* standalone: no nodelist */
		return snprintf(why, len, "not a cluster member"), -ENOTCONN;
	if (q->votes == 0 || q->votes < view)
		return snprintf(why, len,
				"expected votes must be at least the %u votes "
				"of this partition",
				view),
		       -EINVAL;
	node = q->force ? 0 : reachable_outsider(e);
	if (node)
		return snprintf(why, len,
				"node %u is reachable but outside this "
				"partition: both sides could be quorate "
				"(use --force if it is not)",
				node),
		       -EBUSY;
	/* votequorum refuses fewer votes than its own membership holds: a
	 * forced override then applies to clusterd's write quorum only. */
	if (set_votequorum(q->votes) < 0) {
		if (!q->force)
			return snprintf(why, len,
					"votequorum refused the value"),
			       -EIO;
		log_warning("votequorum refused expected votes %u; "
			    "overriding clusterd's only",
			    q->votes);
	}
	return 0;
}

static int on_request(void *userdata, struct ipc_conn *conn,
		      Clusterd__Request *req)
{
	struct expected *e = userdata;
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;
	Clusterd__ExpectedReply rep = CLUSTERD__EXPECTED_REPLY__INIT;
	Clusterd__CpgMessage msg = CLUSTERD__CPG_MESSAGE__INIT;
	Clusterd__ExpectedOp op = CLUSTERD__EXPECTED_OP__INIT;
	uint64_t id = req->header->request_id;
	char why[160] = "";
	int r;

	if (req->op_case != CLUSTERD__REQUEST__OP_EXPECTED)
		return -EOPNOTSUPP;
	if (!conn->can_write)
		return ipc_reply_errno(conn, EACCES, "", id), 0;
	r = check(e, req->expected, why, sizeof(why));
	if (r == 0) {
		op.votes = req->expected->votes;
		msg.body_case = CLUSTERD__CPG_MESSAGE__BODY_EXPECTED;
		msg.expected = &op;
		r = replica_send_message(e->cd->replica, &msg);
		snprintf(why, sizeof(why), "cannot multicast the override");
	}
	if (r < 0)
		return ipc_reply_errno(conn, -r, why, id), 0;
	rep.votes = op.votes;
	reply.result_case = CLUSTERD__REPLY__RESULT_EXPECTED;
	reply.expected = &rep;
	ipc_send_reply(conn, &reply, id);
	return 0;
}

static void on_deliver(void *userdata, const struct replica_member *from,
		       const Clusterd__CpgMessage *msg)
{
	struct expected *e = userdata;

	if (msg->body_case != CLUSTERD__CPG_MESSAGE__BODY_EXPECTED ||
	    !msg->expected || msg->expected->votes == 0)
		return;
	clusterlog_add("expected votes overridden to %u by node %u",
		       msg->expected->votes, from->nodeid);
	log_notice("Expected votes overridden to %u by node %u until the "
		   "next membership or configuration change",
		   msg->expected->votes, from->nodeid);
	replica_override_expected(e->cd->replica, msg->expected->votes);
}

int expected_new(struct clusterd *cd, struct expected **out)
{
	struct expected *e = calloc(1, sizeof(*e));
	struct replica_extension ext = {.deliver = on_deliver, .userdata = e};
	struct ipc_handler h = {.request = on_request, .userdata = e};
	int r;

	if (!e)
		return -ENOMEM;
	e->cd = cd;
	r = replica_add_extension(cd->replica, &ext);
	if (r == 0)
		r = ipc_server_add_handler(cd->ipc, &h);
	if (r < 0) {
		free(e);
		return log_error_errno(r, "Cannot set up expected votes");
	}
	*out = e;
	return 0;
}

void expected_free(struct expected *e)
{
	free(e);
}
