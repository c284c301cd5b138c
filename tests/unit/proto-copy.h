/*
 * Deep copies of IPC messages for the fake transports of the cli tests
 * (cli-harness.c, test-cli-ext.c): a message packed and decoded again, as
 * clusterd or clusterctl would see it on the wire, owned by the caller.
 */
#pragma once

#include "clusterd.pb-c.h"

/* Free with clusterd__request__free_unpacked(). */
Clusterd__Request *proto_copy_request(const Clusterd__Request *req);
/* Free with clusterd__reply__free_unpacked(). */
Clusterd__Reply *proto_copy_reply(const Clusterd__Reply *reply);
