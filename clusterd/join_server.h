/*
 * The join endpoint: what "clusterctl join" talks to on a member.
 *
 * A TCP listener (clusterd.conf join_port, default 5410, all addresses)
 * serving TLS with the node's own certificate (join_tls.h). One request
 * per connection: the joiner sends a JoinRequest, the member checks it
 * (join_handler.c), consumes the token and adds the node to the tree's
 * corosync.conf through replicated writes, and answers a JoinReply with
 * the new corosync.conf and the authkey. Everything runs in clusterd's
 * main loop without blocking: sockets are non-blocking, TLS is driven by
 * poll events, and every connection has a deadline, so a slow or hostile
 * client costs a file descriptor for a few seconds, never replication.
 *
 * Only a node running as a cluster member serves joins; a standalone node
 * has no cluster to let anyone into. The endpoint also answers the local
 * JoinInfoRequest over IPC (port, fingerprint, addresses) for "clusterctl
 * join-token".
 */
#pragma once

#include "clusterd.h"

#include <stdbool.h>
#include <stdint.h>

struct join_server;

/* PORT 0: no listener (JoinInfo then reports port 0). AUTHKEY_PATH is
 * sent to joiners. */
int join_server_new(struct clusterd *cd, const char *data_dir, uint32_t port,
		    const char *authkey_path, struct join_server **out);
void join_server_free(struct join_server *js);
