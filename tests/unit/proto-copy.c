/*
 * Message copies for the cli tests' fake transports (see proto-copy.h):
 * one generic copy through protobuf-c's reflection. The buffer is on the
 * heap: a put may carry megabytes.
 */
#include "proto-copy.h"

#include <stdlib.h>

static ProtobufCMessage *copy(const ProtobufCMessage *m)
{
	size_t len = protobuf_c_message_get_packed_size(m);
	uint8_t *buf = malloc(len + 1);
	ProtobufCMessage *out;

	if (!buf)
		return NULL;
	protobuf_c_message_pack(m, buf);
	out = protobuf_c_message_unpack(m->descriptor, NULL, len, buf);
	free(buf);
	return out;
}

Clusterd__Request *proto_copy_request(const Clusterd__Request *req)
{
	return (Clusterd__Request *)copy(&req->base);
}

Clusterd__Reply *proto_copy_reply(const Clusterd__Reply *reply)
{
	return (Clusterd__Reply *)copy(&reply->base);
}
