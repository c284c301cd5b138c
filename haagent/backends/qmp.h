/*
 * A QMP (QEMU Machine Protocol) client over a unix socket, on json-c.
 *
 * One connection, one command at a time: qmp_connect() reads the greeting
 * and leaves capabilities negotiation done; qmp_execute() sends
 * {"execute": CMD, "arguments": ARGS} and returns the "return" value,
 * skipping asynchronous events that arrive in between. Every wait is
 * bounded by a timeout; a reply that is not JSON is -EPROTO.
 */
#pragma once

#include <json-c/json.h>

struct qmp;

int qmp_connect(const char *path, int timeout_ms, struct qmp **out);
void qmp_close(struct qmp *q);

/* Run CMD with ARGS (may be NULL; ownership stays with the caller).
 * 0 and *RET (the "return" value, json_object_put() it; RET may be NULL),
 * -EREMOTEIO with QEMU's "desc" in ERRBUF, -ETIMEDOUT, -ECONNRESET,
 * -EPROTO. */
int qmp_execute(struct qmp *q, const char *cmd, json_object *args,
		int timeout_ms, json_object **ret, char *errbuf,
		size_t errsize);

/* A string member of an object, or NULL. */
const char *qmp_get_string(json_object *obj, const char *key);
