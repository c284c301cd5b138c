/*
 * The "members" request: the configured nodes (corosync nodelist) joined
 * with the current CPG view and the replica's quorum and sync state.
 */
#include "ipc_server.h"

#include <errno.h>
#include <string.h>

static bool in_view(const struct replica_member *view, size_t count,
		    uint32_t nodeid)
{
	for (size_t i = 0; i < count; i++)
		if (view[i].nodeid == nodeid)
			return true;
	return false;
}

void ipc_handle_members(struct ipc_server *s, struct ipc_conn *conn,
			uint64_t id)
{
	struct clusterd *cd = s->cd;
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;
	Clusterd__MembersReply m = CLUSTERD__MEMBERS_REPLY__INIT;
	size_t node_count, view_count;
	const struct transport_node *nodes =
	    transport_nodes(cd->transport, &node_count);
	const struct replica_member *view =
	    replica_members(cd->replica, &view_count);
	Clusterd__Member members[node_count ? node_count : 1];
	Clusterd__Member *ptrs[node_count ? node_count : 1];

	m.cluster_name = (char *)transport_cluster_name(cd->transport);
	m.local_nodeid = transport_local_nodeid(cd->transport);
	m.quorate = replica_quorate(cd->replica);
	m.synced = replica_synced(cd->replica);
	m.tree_version = tree_version(cd->tree);
	m.tree_checksum = tree_checksum(cd->tree);
	m.expected_votes = replica_expected_votes(cd->replica);
	m.view_votes = replica_view_votes(cd->replica);
	for (size_t i = 0; i < node_count; i++) {
		clusterd__member__init(&members[i]);
		members[i].nodeid = nodes[i].nodeid;
		members[i].name = (char *)nodes[i].name;
		members[i].address = (char *)nodes[i].address;
		members[i].votes = nodes[i].votes;
		members[i].online = in_view(view, view_count, nodes[i].nodeid);
		ptrs[i] = &members[i];
	}
	m.members = ptrs;
	m.n_members = node_count;
	reply.result_case = CLUSTERD__REPLY__RESULT_MEMBERS;
	reply.members = &m;
	ipc_send_reply(conn, &reply, id);
}
