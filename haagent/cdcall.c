/*
 * Blocking calls to the local clusterd for haagent (see cdcall.h): the
 * typed requests of lib/cd_requests.c over haagent's IPC connections, with
 * each failure worded into the caller's message buffer.
 */
#include "cdcall.h"
#include "cd_requests.h"
#include "macro.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static struct cd_conn conn_of(struct ipc_client *c)
{
	struct cd_conn conn;

	cd_conn_ipc(&conn, c, CDCALL_TIMEOUT_MS);
	return conn;
}

/* R, the outcome of a call on CONN; a failure worded into MSG. */
static int done(const struct cd_conn *conn, int r, char *msg)
{
	if (r < 0 && msg)
		cd_conn_message(conn, r, msg, CDCALL_MSG);
	return r;
}

int cdcall_get(struct ipc_client *c, const char *path, char **data, char *msg)
{
	struct cd_conn conn = conn_of(c);

	return done(&conn, cd_get(&conn, path, data, NULL), msg);
}

void cdcall_names_free(char **names, size_t count)
{
	cd_names_free(names, count);
}

int cdcall_list(struct ipc_client *c, const char *path, char ***names,
		size_t *count, char *msg)
{
	struct cd_conn conn = conn_of(c);

	return done(&conn, cd_list_names(&conn, path, names, count), msg);
}

int cdcall_put_new(struct ipc_client *c, const char *path, const char *data,
		   char *msg)
{
	struct cd_conn conn = conn_of(c);

	return done(&conn, cd_put(&conn, path, data, true, 0), msg);
}

int cdcall_put(struct ipc_client *c, const char *path, const char *data,
	       char *msg)
{
	struct cd_conn conn = conn_of(c);

	return done(&conn, cd_put(&conn, path, data, false, 0), msg);
}

int cdcall_rename(struct ipc_client *c, const char *from, const char *to,
		  char *msg)
{
	struct cd_conn conn = conn_of(c);

	return done(&conn, cd_rename(&conn, from, to), msg);
}

int cdcall_mkdir_parents(struct ipc_client *c, const char *path, char *msg)
{
	struct cd_conn conn = conn_of(c);
	Clusterd__EntryType type;
	char dir[256], *slash;

	/* Is the parent there? A local read, unlike mkdir (a replicated
	 * write). */
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		if (cd_stat(&conn, dir, &type, NULL) == 0 &&
		    type == CLUSTERD__ENTRY_TYPE__ENTRY_DIR)
			return 0;
	}
	return done(&conn, cd_mkdir_parents(&conn, path, NULL), msg);
}

int cdcall_remove(struct ipc_client *c, const char *path, char *msg)
{
	struct cd_conn conn = conn_of(c);

	return done(&conn, cd_remove(&conn, path), msg);
}

int cdcall_members(struct ipc_client *c, Clusterd__Reply **reply, char *msg)
{
	struct cd_conn conn = conn_of(c);

	return done(&conn, cd_members(&conn, reply), msg);
}

int cdcall_self(struct ipc_client *c, uint32_t *nodeid, char *name, size_t size,
		char *msg)
{
	struct cd_conn conn = conn_of(c);
	int r = cd_local_node(&conn, nodeid, name, size);
	bool unnamed =
	    (r == -ENOENT && !conn.server_error) || (r == 0 && !name[0]);

	if (!unnamed)
		return done(&conn, r, msg);
	if (msg)
		snprintf(msg, CDCALL_MSG, "%s",
			 "this node has no name in the nodelist");
	return -ENOENT;
}

int cdcall_node_address(struct ipc_client *c, const char *node, char *addr,
			size_t size, char *msg)
{
	Clusterd__Reply *reply = NULL;
	int r = cdcall_members(c, &reply, msg);

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
	if (r < 0 && msg)
		snprintf(msg, CDCALL_MSG, "node %s has no address", node);
	ipc_client_reply_free(reply);
	return r;
}

int cdcall_node(struct ipc_client *c, const char *node,
		Clusterd__GuestRequest *greq, int timeout_ms,
		Clusterd__GuestReply **out, char *msg)
{
	struct cd_conn conn = conn_of(c);
	Clusterd__Reply *reply;
	int r = cd_node_request(&conn, node, greq, timeout_ms, &reply);

	if (r < 0)
		return done(&conn, r, msg);
	if (out && reply->result_case == CLUSTERD__REPLY__RESULT_GUEST) {
		*out = reply->guest;
		reply->guest = NULL;
		reply->result_case = CLUSTERD__REPLY__RESULT__NOT_SET;
	} else if (out)
		*out = NULL;
	ipc_client_reply_free(reply);
	return 0;
}

int cdcall_try_lock(struct ipc_client *c, const char *name, char *msg)
{
	struct cd_conn conn = conn_of(c);

	return done(&conn, cd_try_lock(&conn, name), msg);
}

int cdcall_watch(struct ipc_client *c, const char *prefix,
		 const char *status_key, char *msg)
{
	struct cd_conn conn = conn_of(c);

	return done(&conn, cd_watch(&conn, prefix, status_key), msg);
}

int cdcall_status_set(struct ipc_client *c, const char *key, const char *value,
		      char *msg)
{
	struct cd_conn conn = conn_of(c);

	return done(&conn, cd_status_set(&conn, key, value), msg);
}

int cdcall_status_list(struct ipc_client *c, Clusterd__Reply **reply, char *msg)
{
	struct cd_conn conn = conn_of(c);

	return done(&conn, cd_status_list(&conn, reply), msg);
}
