/*
 * Typed requests to clusterd (see cd_requests.h).
 *
 * Every request goes through cd_call_expect(), the one place that turns a
 * reply into 0 or -errno and records why a call failed; the typed calls
 * only fill in their Request and read their result. Requests live on the
 * stack and point at the caller's strings, which protobuf-c only reads
 * (hence the casts that drop const).
 */
#include "cd_requests.h"

#include "ipc_client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How long a node request may wait beyond the agent's own time. */
#define NODE_REQUEST_MARGIN_MS 5000
/* Larger than any errno. */
#define MAX_ERRNO 4095

static int ipc_call(void *userdata, Clusterd__Request *req, int timeout_ms,
		    Clusterd__Reply **reply)
{
	return ipc_client_call(userdata, req, timeout_ms, reply);
}

void cd_conn_init(struct cd_conn *c, cd_call_fn call, void *userdata,
		  int timeout_ms)
{
	*c = (struct cd_conn){
	    .call = call, .userdata = userdata, .timeout_ms = timeout_ms};
}

void cd_conn_ipc(struct cd_conn *c, struct ipc_client *ipc, int timeout_ms)
{
	cd_conn_init(c, ipc_call, ipc, timeout_ms);
}

const char *cd_conn_message(const struct cd_conn *c, int r, char *buf,
			    size_t size)
{
	if (!c->server_error)
		snprintf(buf, size, "clusterd: %s", ipc_client_strerror(r));
	else
		snprintf(buf, size, "%s",
			 c->message[0] ? c->message : strerror(abs(r)));
	return buf;
}

int cd_call_expect(struct cd_conn *c, Clusterd__Request *req, int timeout_ms,
		   Clusterd__Reply__ResultCase expect, Clusterd__Reply **reply)
{
	Clusterd__Reply *rep = NULL;
	int r = c->call(c->userdata, req, timeout_ms, &rep);

	*reply = NULL;
	c->server_error = false;
	c->message[0] = '\0';
	if (r < 0)
		return r;
	if (rep->errno_code < 0 || rep->errno_code > MAX_ERRNO) {
		r = -EPROTO; /* not an errno: a broken reply */
	} else if (rep->errno_code) {
		r = -rep->errno_code;
		c->server_error = true;
		snprintf(c->message, sizeof(c->message), "%s",
			 rep->error_message ? rep->error_message : "");
	} else if (expect != CLUSTERD__REPLY__RESULT__NOT_SET &&
		   (rep->result_case != expect || !rep->get)) {
		/* The oneof's pointers share storage: !get tests them all. */
		r = -EPROTO;
		snprintf(c->message, sizeof(c->message), "%s",
			 "reply of another kind");
	}
	if (r < 0) {
		clusterd__reply__free_unpacked(rep, NULL);
		return r;
	}
	*reply = rep;
	return 0;
}

int cd_call_simple(struct cd_conn *c, Clusterd__Request *req)
{
	Clusterd__Reply *reply;
	int r = cd_call_expect(c, req, c->timeout_ms,
			       CLUSTERD__REPLY__RESULT__NOT_SET, &reply);

	if (r == 0)
		clusterd__reply__free_unpacked(reply, NULL);
	return r;
}

/* A call with the connection's timeout that expects EXPECT. */
static int call(struct cd_conn *c, Clusterd__Request *req,
		Clusterd__Reply__ResultCase expect, Clusterd__Reply **reply)
{
	return cd_call_expect(c, req, c->timeout_ms, expect, reply);
}

int cd_get(struct cd_conn *c, const char *path, char **text, uint64_t *version)
{
	Clusterd__GetRequest get = CLUSTERD__GET_REQUEST__INIT;
	Clusterd__Request req = CD_REQUEST(GET, get, &get);
	Clusterd__Reply *reply;
	int r;

	get.path = (char *)path;
	r = call(c, &req, CLUSTERD__REPLY__RESULT_GET, &reply);
	if (r < 0)
		return r;
	if (version)
		*version = reply->get->stat ? reply->get->stat->version : 0;
	*text = strndup((char *)reply->get->data.data, reply->get->data.len);
	clusterd__reply__free_unpacked(reply, NULL);
	return *text ? 0 : -ENOMEM;
}

int cd_put(struct cd_conn *c, const char *path, const char *text,
	   bool check_version, uint64_t expected_version)
{
	Clusterd__PutRequest put = CLUSTERD__PUT_REQUEST__INIT;
	Clusterd__Request req = CD_REQUEST(PUT, put, &put);

	put.path = (char *)path;
	put.data.data = (uint8_t *)text;
	put.data.len = strlen(text);
	put.check_version = check_version;
	put.expected_version = expected_version;
	return cd_call_simple(c, &req);
}

int cd_mkdir(struct cd_conn *c, const char *path)
{
	Clusterd__MkdirRequest mk = CLUSTERD__MKDIR_REQUEST__INIT;
	Clusterd__Request req = CD_REQUEST(MKDIR, mkdir, &mk);

	mk.path = (char *)path;
	return cd_call_simple(c, &req);
}

int cd_mkdir_parents(struct cd_conn *c, const char *path, size_t *failed_len)
{
	char dir[4097];

	if (strlen(path) >= sizeof(dir))
		return -ENAMETOOLONG;
	strcpy(dir, path);
	for (char *p = strchr(dir, '/'); p; p = strchr(p + 1, '/')) {
		int r;

		*p = '\0';
		r = cd_mkdir(c, dir);
		if (r < 0 && r != -EEXIST) {
			if (failed_len)
				*failed_len = (size_t)(p - dir);
			return r;
		}
		*p = '/';
	}
	return 0;
}

int cd_remove(struct cd_conn *c, const char *path)
{
	Clusterd__RemoveRequest rm = CLUSTERD__REMOVE_REQUEST__INIT;
	Clusterd__Request req = CD_REQUEST(REMOVE, remove, &rm);

	rm.path = (char *)path;
	return cd_call_simple(c, &req);
}

int cd_rename(struct cd_conn *c, const char *from, const char *to)
{
	Clusterd__RenameRequest mv = CLUSTERD__RENAME_REQUEST__INIT;
	Clusterd__Request req = CD_REQUEST(RENAME, rename, &mv);

	mv.from = (char *)from;
	mv.to = (char *)to;
	return cd_call_simple(c, &req);
}

int cd_stat(struct cd_conn *c, const char *path, Clusterd__EntryType *type,
	    uint64_t *version)
{
	Clusterd__StatRequest st = CLUSTERD__STAT_REQUEST__INIT;
	Clusterd__Request req = CD_REQUEST(STAT, stat, &st);
	Clusterd__Reply *reply;
	int r;

	st.path = (char *)path;
	r = call(c, &req, CLUSTERD__REPLY__RESULT_STAT, &reply);
	if (r < 0)
		return r;
	if (type)
		*type = reply->stat->type;
	if (version)
		*version = reply->stat->version;
	clusterd__reply__free_unpacked(reply, NULL);
	return 0;
}

int cd_list(struct cd_conn *c, const char *path, Clusterd__Reply **reply)
{
	Clusterd__ListRequest list = CLUSTERD__LIST_REQUEST__INIT;
	Clusterd__Request req = CD_REQUEST(LIST, list, &list);

	list.path = (char *)path;
	return call(c, &req, CLUSTERD__REPLY__RESULT_LIST, reply);
}

void cd_names_free(char **names, size_t count)
{
	for (size_t i = 0; names && i < count; i++)
		free(names[i]);
	free(names);
}

int cd_list_names(struct cd_conn *c, const char *path, char ***names,
		  size_t *count)
{
	Clusterd__Reply *reply;
	char **v;
	size_t n;
	int r = cd_list(c, path, &reply);

	if (r < 0)
		return r;
	n = reply->list->n_entries;
	v = calloc(n + 1, sizeof(*v));
	for (size_t i = 0; v && i < n; i++) {
		const char *p = reply->list->entries[i]->path;
		const char *base = strrchr(p, '/');

		v[i] = strdup(base ? base + 1 : p);
		if (!v[i]) {
			cd_names_free(v, i);
			v = NULL;
		}
	}
	clusterd__reply__free_unpacked(reply, NULL);
	if (!v)
		return -ENOMEM;
	*names = v;
	*count = n;
	return 0;
}

int cd_members(struct cd_conn *c, Clusterd__Reply **reply)
{
	Clusterd__MembersRequest m = CLUSTERD__MEMBERS_REQUEST__INIT;
	Clusterd__Request req = CD_REQUEST(MEMBERS, members, &m);

	return call(c, &req, CLUSTERD__REPLY__RESULT_MEMBERS, reply);
}

int cd_local_node(struct cd_conn *c, uint32_t *nodeid, char *name, size_t size)
{
	Clusterd__Reply *reply;
	int r = cd_members(c, &reply);

	if (r < 0)
		return r;
	*nodeid = reply->members->local_nodeid;
	r = -ENOENT;
	for (size_t i = 0; i < reply->members->n_members; i++) {
		const Clusterd__Member *m = reply->members->members[i];

		if (m->nodeid != *nodeid)
			continue;
		if (name)
			snprintf(name, size, "%s", m->name ? m->name : "");
		r = 0;
	}
	clusterd__reply__free_unpacked(reply, NULL);
	return r;
}

int cd_node_request(struct cd_conn *c, const char *node,
		    Clusterd__GuestRequest *greq, int timeout_ms,
		    Clusterd__Reply **reply)
{
	Clusterd__NodeRequest nr = CLUSTERD__NODE_REQUEST__INIT;
	Clusterd__Request req = CD_REQUEST(NODE_REQUEST, node_request, &nr);

	nr.node = (char *)node;
	nr.guest = greq;
	nr.timeout_ms = timeout_ms;
	/* clusterd answers ETIMEDOUT itself; leave it time to say so. */
	return cd_call_expect(c, &req, timeout_ms + NODE_REQUEST_MARGIN_MS,
			      CLUSTERD__REPLY__RESULT__NOT_SET, reply);
}

int cd_try_lock(struct cd_conn *c, const char *name)
{
	Clusterd__LockRequest l = CLUSTERD__LOCK_REQUEST__INIT;
	Clusterd__Request req = CD_REQUEST(LOCK, lock, &l);

	l.name = (char *)name;
	l.try_lock = true;
	return cd_call_simple(c, &req);
}

int cd_watch(struct cd_conn *c, const char *prefix, const char *status_key)
{
	Clusterd__WatchRequest w = CLUSTERD__WATCH_REQUEST__INIT;
	Clusterd__Request req = CD_REQUEST(WATCH, watch, &w);

	w.prefix = (char *)prefix;
	w.tree = true;
	w.membership = true;
	w.status = status_key != NULL;
	w.status_key = (char *)(status_key ? status_key : "");
	return cd_call_simple(c, &req);
}

int cd_status_set(struct cd_conn *c, const char *key, const char *value)
{
	Clusterd__StatusSetRequest s = CLUSTERD__STATUS_SET_REQUEST__INIT;
	Clusterd__Request req = CD_REQUEST(STATUS_SET, status_set, &s);

	s.key = (char *)key;
	s.value.data = (uint8_t *)value;
	s.value.len = strlen(value);
	return cd_call_simple(c, &req);
}

int cd_status_list(struct cd_conn *c, Clusterd__Reply **reply)
{
	Clusterd__StatusListRequest s = CLUSTERD__STATUS_LIST_REQUEST__INIT;
	Clusterd__Request req = CD_REQUEST(STATUS_LIST, status_list, &s);

	s.node = "";
	return call(c, &req, CLUSTERD__REPLY__RESULT_STATUS_LIST, reply);
}
