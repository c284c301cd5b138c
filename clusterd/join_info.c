/*
 * The local JoinInfoRequest (IPC): what "clusterctl join-token" puts into
 * a token besides the secret: the join port, the certificate fingerprint
 * and this node's ring address. Port 0 means this clusterd serves no
 * joins (standalone, or join_port 0).
 */
#include "ipc_server.h"
#include "join_internal.h"
#include "join_server.h"

#include <errno.h>

static int on_request(void *userdata, struct ipc_conn *conn,
		      Clusterd__Request *req)
{
	struct join_server *js = userdata;
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;
	Clusterd__JoinInfoReply info = CLUSTERD__JOIN_INFO_REPLY__INIT;
	uint32_t self = transport_local_nodeid(js->cd->transport);
	size_t n;
	const struct transport_node *nodes =
	    transport_nodes(js->cd->transport, &n);
	char *addrs[1];

	if (req->op_case != CLUSTERD__REQUEST__OP_JOIN_INFO)
		return -EOPNOTSUPP;
	info.port = js->port;
	info.fingerprint = js->fingerprint;
	for (size_t i = 0; i < n; i++)
		if (nodes[i].nodeid == self && nodes[i].address[0]) {
			addrs[0] = (char *)nodes[i].address;
			info.addresses = addrs;
			info.n_addresses = 1;
		}
	reply.result_case = CLUSTERD__REPLY__RESULT_JOIN_INFO;
	reply.join_info = &info;
	ipc_send_reply(conn, &reply, req->header->request_id);
	return 0;
}

int join_info_register(struct join_server *js)
{
	struct ipc_handler h = {.request = on_request, .userdata = js};

	return ipc_server_add_handler(js->cd->ipc, &h);
}
