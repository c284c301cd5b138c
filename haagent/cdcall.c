/*
 * Blocking calls to the local clusterd for haagent (see cdcall.h).
 */
#include "cdcall.h"
#include "macro.h"

#include <errno.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_msg(char *msg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void set_msg(char *msg, const char *fmt, ...)
{
	va_list ap;

	if (!msg)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, CDCALL_MSG, fmt, ap);
	va_end(ap);
}

/* Send REQ; 0 and *REPLY, or -errno with MSG. */
static int call(struct ipc_client *c, Clusterd__Request *req, int timeout_ms,
		Clusterd__Reply **reply, char *msg)
{
	int r = ipc_client_call(c, req, timeout_ms, reply);

	if (r < 0) {
		set_msg(msg, "clusterd: %s", ipc_client_strerror(r));
		return r;
	}
	if ((*reply)->errno_code) {
		r = -(*reply)->errno_code;
		if (msg)
			snprintf(msg, CDCALL_MSG, "%s",
				 (*reply)->error_message &&
					 (*reply)->error_message[0]
				     ? (*reply)->error_message
				     : strerror(-r));
		ipc_client_reply_free(*reply);
		*reply = NULL;
	}
	return r;
}

/* A call whose reply carries nothing but its outcome. */
static int call_simple(struct ipc_client *c, Clusterd__Request *req, char *msg)
{
	Clusterd__Reply *reply = NULL;
	int r = call(c, req, CDCALL_TIMEOUT_MS, &reply, msg);

	ipc_client_reply_free(reply);
	return r;
}

int cdcall_get(struct ipc_client *c, const char *path, char **data, char *msg)
{
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__GetRequest get = CLUSTERD__GET_REQUEST__INIT;
	Clusterd__Reply *reply = NULL;
	int r;

	get.path = (char *)path;
	req.op_case = CLUSTERD__REQUEST__OP_GET;
	req.get = &get;
	r = call(c, &req, CDCALL_TIMEOUT_MS, &reply, msg);
	if (r < 0)
		return r;
	if (reply->result_case != CLUSTERD__REPLY__RESULT_GET)
		r = -EPROTO;
	else if (!(*data = strndup((char *)reply->get->data.data,
				   reply->get->data.len)))
		r = -ENOMEM;
	ipc_client_reply_free(reply);
	return r;
}

void cdcall_names_free(char **names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

int cdcall_list(struct ipc_client *c, const char *path, char ***names,
		size_t *count, char *msg)
{
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__ListRequest list = CLUSTERD__LIST_REQUEST__INIT;
	Clusterd__Reply *reply = NULL;
	char **v;
	size_t n;
	int r;

	list.path = (char *)path;
	req.op_case = CLUSTERD__REQUEST__OP_LIST;
	req.list = &list;
	r = call(c, &req, CDCALL_TIMEOUT_MS, &reply, msg);
	if (r < 0)
		return r;
	n = reply->result_case == CLUSTERD__REPLY__RESULT_LIST
		? reply->list->n_entries
		: 0;
	v = calloc(n + 1, sizeof(*v));
	for (size_t i = 0; v && i < n; i++) {
		const char *p = reply->list->entries[i]->path;
		const char *base = strrchr(p, '/');

		v[i] = strdup(base ? base + 1 : p);
		if (!v[i]) {
			cdcall_names_free(v, i);
			v = NULL;
		}
	}
	ipc_client_reply_free(reply);
	if (!v)
		return -ENOMEM;
	*names = v;
	*count = n;
	return 0;
}

/* Write PATH; NEW_ONLY: it must not exist (compare-and-swap with 0). */
static int put(struct ipc_client *c, const char *path, const char *data,
	       bool new_only, char *msg)
{
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__PutRequest put = CLUSTERD__PUT_REQUEST__INIT;

	put.path = (char *)path;
	put.data.data = (uint8_t *)data;
	put.data.len = strlen(data);
	put.check_version = new_only;
	put.expected_version = 0;
	req.op_case = CLUSTERD__REQUEST__OP_PUT;
	req.put = &put;
	return call_simple(c, &req, msg);
}

int cdcall_put_new(struct ipc_client *c, const char *path, const char *data,
		   char *msg)
{
	return put(c, path, data, true, msg);
}

int cdcall_rename(struct ipc_client *c, const char *from, const char *to,
		  char *msg)
{
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__RenameRequest mv = CLUSTERD__RENAME_REQUEST__INIT;

	mv.from = (char *)from;
	mv.to = (char *)to;
	req.op_case = CLUSTERD__REQUEST__OP_RENAME;
	req.rename = &mv;
	return call_simple(c, &req, msg);
}

/* Is PATH a directory? A local read, unlike mkdir (a replicated write). */
static bool is_dir(struct ipc_client *c, const char *path)
{
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__StatRequest st = CLUSTERD__STAT_REQUEST__INIT;
	Clusterd__Reply *reply = NULL;
	bool yes;

	st.path = (char *)path;
	req.op_case = CLUSTERD__REQUEST__OP_STAT;
	req.stat = &st;
	if (call(c, &req, CDCALL_TIMEOUT_MS, &reply, NULL) < 0)
		return false;
	yes = reply->result_case == CLUSTERD__REPLY__RESULT_STAT &&
	      reply->stat->type == CLUSTERD__ENTRY_TYPE__ENTRY_DIR;
	ipc_client_reply_free(reply);
	return yes;
}

int cdcall_mkdir_parents(struct ipc_client *c, const char *path, char *msg)
{
	char dir[256], *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		if (is_dir(c, dir))
			return 0;
		*slash = '/';
	}
	for (char *p = strchr(dir, '/'); p; p = strchr(p + 1, '/')) {
		Clusterd__Request req = CLUSTERD__REQUEST__INIT;
		Clusterd__MkdirRequest mk = CLUSTERD__MKDIR_REQUEST__INIT;
		int r;

		*p = '\0';
		mk.path = dir;
		req.op_case = CLUSTERD__REQUEST__OP_MKDIR;
		req.mkdir = &mk;
		r = call_simple(c, &req, msg);
		if (r < 0 && r != -EEXIST)
			return r;
		*p = '/';
	}
	return 0;
}

int cdcall_remove(struct ipc_client *c, const char *path, char *msg)
{
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__RemoveRequest rm = CLUSTERD__REMOVE_REQUEST__INIT;

	rm.path = (char *)path;
	req.op_case = CLUSTERD__REQUEST__OP_REMOVE;
	req.remove = &rm;
	return call_simple(c, &req, msg);
}

static int members(struct ipc_client *c, Clusterd__Reply **reply, char *msg)
{
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__MembersRequest m = CLUSTERD__MEMBERS_REQUEST__INIT;
	int r;

	req.op_case = CLUSTERD__REQUEST__OP_MEMBERS;
	req.members = &m;
	r = call(c, &req, CDCALL_TIMEOUT_MS, reply, msg);
	if (r == 0 &&
	    (*reply)->result_case != CLUSTERD__REPLY__RESULT_MEMBERS) {
		ipc_client_reply_free(*reply);
		return -EPROTO;
	}
	return r;
}

int cdcall_self(struct ipc_client *c, uint32_t *nodeid, char *name, size_t size,
		char *msg)
{
	Clusterd__Reply *reply = NULL;
	int r = members(c, &reply, msg);

	if (r < 0)
		return r;
	*nodeid = reply->members->local_nodeid;
	r = -ENOENT;
	for (size_t i = 0; i < reply->members->n_members; i++) {
		Clusterd__Member *m = reply->members->members[i];

		if (m->nodeid == *nodeid && m->name && m->name[0]) {
			snprintf(name, size, "%s", m->name);
			r = 0;
		}
	}
	if (r < 0)
		set_msg(msg, "%s", "this node has no name in the nodelist");
	ipc_client_reply_free(reply);
	return r;
}

int cdcall_node_address(struct ipc_client *c, const char *node, char *addr,
			size_t size, char *msg)
{
	Clusterd__Reply *reply = NULL;
	int r = members(c, &reply, msg);

	if (r < 0)
		return r;
	r = -ENOENT;
	for (size_t i = 0; i < reply->members->n_members; i++) {
		Clusterd__Member *m = reply->members->members[i];

		if (m->name && strcmp(m->name, node) == 0 && m->address &&
		    m->address[0]) {
			snprintf(addr, size, "%s", m->address);
			r = 0;
		}
	}
	if (r < 0)
		set_msg(msg, "node %s has no address", node);
	ipc_client_reply_free(reply);
	return r;
}

int cdcall_node(struct ipc_client *c, const char *node,
		Clusterd__GuestRequest *greq, int timeout_ms,
		Clusterd__GuestReply **out, char *msg)
{
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__NodeRequest nr = CLUSTERD__NODE_REQUEST__INIT;
	Clusterd__Reply *reply = NULL;
	int r;

	nr.node = (char *)node;
	nr.guest = greq;
	nr.timeout_ms = timeout_ms;
	req.op_case = CLUSTERD__REQUEST__OP_NODE_REQUEST;
	req.node_request = &nr;
	r = call(c, &req, timeout_ms + 5000, &reply, msg);
	if (r < 0)
		return r;
	if (out && reply->result_case == CLUSTERD__REPLY__RESULT_GUEST) {
		*out = reply->guest;
		reply->guest = NULL;
		reply->result_case = CLUSTERD__REPLY__RESULT__NOT_SET;
	} else if (out)
		*out = NULL;
	ipc_client_reply_free(reply);
	return 0;
}

int cdcall_put(struct ipc_client *c, const char *path, const char *data,
	       char *msg)
{
	return put(c, path, data, false, msg);
}

int cdcall_members(struct ipc_client *c, Clusterd__Reply **reply, char *msg)
{
	return members(c, reply, msg);
}

int cdcall_try_lock(struct ipc_client *c, const char *name, char *msg)
{
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__LockRequest l = CLUSTERD__LOCK_REQUEST__INIT;

	l.name = (char *)name;
	l.try_lock = true;
	req.op_case = CLUSTERD__REQUEST__OP_LOCK;
	req.lock = &l;
	return call_simple(c, &req, msg);
}

int cdcall_watch(struct ipc_client *c, const char *prefix, char *msg)
{
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__WatchRequest w = CLUSTERD__WATCH_REQUEST__INIT;

	w.prefix = (char *)prefix;
	w.tree = true;
	w.membership = true;
	req.op_case = CLUSTERD__REQUEST__OP_WATCH;
	req.watch = &w;
	return call_simple(c, &req, msg);
}

int cdcall_status_set(struct ipc_client *c, const char *key, const char *value,
		      char *msg)
{
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__StatusSetRequest s = CLUSTERD__STATUS_SET_REQUEST__INIT;

	s.key = (char *)key;
	s.value.data = (uint8_t *)value;
	s.value.len = strlen(value);
	req.op_case = CLUSTERD__REQUEST__OP_STATUS_SET;
	req.status_set = &s;
	return call_simple(c, &req, msg);
}

int cdcall_status_list(struct ipc_client *c, Clusterd__Reply **reply,
		       char *msg)
{
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__StatusListRequest s = CLUSTERD__STATUS_LIST_REQUEST__INIT;
	int r;

	s.node = "";
	req.op_case = CLUSTERD__REQUEST__OP_STATUS_LIST;
	req.status_list = &s;
	r = call(c, &req, CDCALL_TIMEOUT_MS, reply, msg);
	if (r == 0 &&
	    (*reply)->result_case != CLUSTERD__REPLY__RESULT_STATUS_LIST) {
		ipc_client_reply_free(*reply);
		return -EPROTO;
	}
	return r;
}
