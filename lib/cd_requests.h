/*
 * Typed requests to the local clusterd, for every program that talks to
 * it about the tree, members, locks, node status and other nodes' agents
 * (clusterctl's guest and HA commands, haagent).
 *
 * Each call builds one Request, sends it through the connection's
 * transport, checks that the reply is a success of the kind the request
 * expects and hands back typed results. Every failure is a -errno:
 * clusterd's errno_code (ENOENT, ESTALE, EACCES, ...), an error of reaching
 * clusterd (lib/ipc_client.h: -ETIMEDOUT, -ENOTCONN, ...), or -EPROTO for a
 * reply of another kind. struct cd_conn records which it was and
 * clusterd's message, so that each program words the failure its own way
 * (cd_conn_message() is the plain wording).
 *
 * The transport is a function with ipc_client_call()'s contract, so that
 * clusterctl's unit tests substitute canned replies; cd_conn_ipc() wires a
 * connection of lib/ipc_client.c. One cd_conn serves one thread.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clusterd.pb-c.h"

struct ipc_client;

#define CD_MSG 256

/* Send REQ, wait up to TIMEOUT_MS: 0 and *REPLY (free with
 * clusterd__reply__free_unpacked), or -errno of reaching clusterd. */
typedef int (*cd_call_fn)(void *userdata, Clusterd__Request *req,
			  int timeout_ms, Clusterd__Reply **reply);

struct cd_conn {
	cd_call_fn call;
	void *userdata;
	int timeout_ms; /* of each call; node requests add their own */
	/* Set by each failing call: */
	bool server_error; /* clusterd answered with the errno */
	/* clusterd's error_message, or (not SERVER_ERROR) "reply of another
	 * kind" for -EPROTO of a reply of the wrong result; "" none. */
	char message[CD_MSG];
};

void cd_conn_init(struct cd_conn *c, cd_call_fn call, void *userdata,
		  int timeout_ms);
/* Calls over IPC (ipc_client_call). */
void cd_conn_ipc(struct cd_conn *c, struct ipc_client *ipc, int timeout_ms);
/* The failure R of the last call in plain words: clusterd's message (or
 * strerror) when clusterd answered, else "clusterd: <why not reached>". */
const char *cd_conn_message(const struct cd_conn *c, int r, char *buf,
			    size_t size);

/* A Request of the op OP (GET, PUT, ...) whose oneof member FIELD (get,
 * put, ...) points at the sub-message SUB. */
#define CD_REQUEST(OP, field, sub)                                             \
	((Clusterd__Request){                                                  \
	    PROTOBUF_C_MESSAGE_INIT(&clusterd__request__descriptor),           \
	    .op_case = CLUSTERD__REQUEST__OP_##OP, .field = (sub)})

/* Send REQ (waiting TIMEOUT_MS) and expect a success of result EXPECT
 * (CLUSTERD__REPLY__RESULT__NOT_SET: any result): 0 and *REPLY, or -errno
 * with no reply. */
int cd_call_expect(struct cd_conn *c, Clusterd__Request *req, int timeout_ms,
		   Clusterd__Reply__ResultCase expect, Clusterd__Reply **reply);
/* The same, for a reply that carries nothing but its outcome. */
int cd_call_simple(struct cd_conn *c, Clusterd__Request *req);

/* ------------------------------------------------------------ the tree */

/* The content of file PATH as a string (malloc'd; it stops at a NUL
 * byte) and its version (VERSION may be NULL). */
int cd_get(struct cd_conn *c, const char *path, char **text, uint64_t *version);
/* Create or replace file PATH with TEXT; with CHECK_VERSION only while
 * its version is EXPECTED_VERSION (0: it must not exist; else -ESTALE,
 * -EEXIST). */
int cd_put(struct cd_conn *c, const char *path, const char *text,
	   bool check_version, uint64_t expected_version);
int cd_mkdir(struct cd_conn *c, const char *path);
/* Create each directory above PATH (an existing one is fine); on failure
 * *FAILED_LEN (may be NULL) is the length of the prefix that failed. */
int cd_mkdir_parents(struct cd_conn *c, const char *path, size_t *failed_len);
int cd_remove(struct cd_conn *c, const char *path);
int cd_rename(struct cd_conn *c, const char *from, const char *to);
/* The stat of PATH. */
int cd_stat(struct cd_conn *c, const char *path, Clusterd__EntryType *type,
	    uint64_t *version);
/* The entries of directory PATH: *REPLY's list (free the reply). */
int cd_list(struct cd_conn *c, const char *path, Clusterd__Reply **reply);
/* The last component of each entry of directory PATH (free with
 * cd_names_free). */
int cd_list_names(struct cd_conn *c, const char *path, char ***names,
		  size_t *count);
void cd_names_free(char **names, size_t count);

/* --------------------------------------------------- members and nodes */

/* The members reply: *REPLY's members (free the reply). */
int cd_members(struct cd_conn *c, Clusterd__Reply **reply);
/* This node's ID and name (NAME may be NULL); -ENOENT when the members
 * list lacks this node. The name may be "" (no name in the nodelist). */
int cd_local_node(struct cd_conn *c, uint32_t *nodeid, char *name, size_t size);
/* Run GREQ on the agent of NODE, which has TIMEOUT_MS for it (the call
 * waits 5 s longer, for clusterd's own timeout answer): *REPLY (free it),
 * whose guest result may be missing. */
int cd_node_request(struct cd_conn *c, const char *node,
		    Clusterd__GuestRequest *greq, int timeout_ms,
		    Clusterd__Reply **reply);

/* -------------------------------------------- locks, watches, status */

/* Take lock NAME for this connection without waiting (-EBUSY: held). */
int cd_try_lock(struct cd_conn *c, const char *name);
/* Subscribe to tree events under PREFIX and to membership events, and,
 * unless STATUS_KEY is NULL, to node status store events of that key
 * ("" for every key). */
int cd_watch(struct cd_conn *c, const char *prefix, const char *status_key);
/* Set this node's status entry KEY. */
int cd_status_set(struct cd_conn *c, const char *key, const char *value);
/* Every node's status entries: *REPLY's status_list (free the reply). */
int cd_status_list(struct cd_conn *c, Clusterd__Reply **reply);
