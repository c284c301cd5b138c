/*
 * haagent's calls to its local clusterd: tree reads and writes, the node
 * list, and node requests to other nodes' agents. Thin, blocking wrappers
 * of the typed requests of lib/cd_requests.c over an IPC connection: each
 * returns 0 or -errno and words a failure into MSG (a buffer of
 * CDCALL_MSG bytes, may be NULL).
 */
#pragma once

#include "ipc_client.h"

#include <stddef.h>
#include <stdint.h>

#define CDCALL_MSG	  256
#define CDCALL_TIMEOUT_MS 10000

/* The whole content of file PATH (malloc'd, NUL-terminated). */
int cdcall_get(struct ipc_client *c, const char *path, char **data, char *msg);
/* Names of the entries of directory PATH; free with cdcall_names_free. */
int cdcall_list(struct ipc_client *c, const char *path, char ***names,
		size_t *count, char *msg);
void cdcall_names_free(char **names, size_t count);
/* Create file PATH with DATA; -EEXIST when it exists. */
int cdcall_put_new(struct ipc_client *c, const char *path, const char *data,
		   char *msg);
int cdcall_rename(struct ipc_client *c, const char *from, const char *to,
		  char *msg);
/* Create the missing directories above PATH. */
int cdcall_mkdir_parents(struct ipc_client *c, const char *path, char *msg);
int cdcall_remove(struct ipc_client *c, const char *path, char *msg);
/* Create or replace file PATH with DATA. */
int cdcall_put(struct ipc_client *c, const char *path, const char *data,
	       char *msg);

/* The members reply (free with ipc_client_reply_free). */
int cdcall_members(struct ipc_client *c, Clusterd__Reply **reply, char *msg);
/* Take lock NAME for this connection without waiting (-EBUSY: held). */
int cdcall_try_lock(struct ipc_client *c, const char *name, char *msg);
/* Subscribe C to tree events under PREFIX, membership events and status
 * events of STATUS_KEY (see cd_watch). */
int cdcall_watch(struct ipc_client *c, const char *prefix,
		 const char *status_key, char *msg);
/* This node's status entry KEY; every node's entries. */
int cdcall_status_set(struct ipc_client *c, const char *key, const char *value,
		      char *msg);
int cdcall_status_list(struct ipc_client *c, Clusterd__Reply **reply,
		       char *msg);

/* This node's ID and name, and ADDRESS of node NAME (NULL: skip). */
int cdcall_self(struct ipc_client *c, uint32_t *nodeid, char *name, size_t size,
		char *msg);
int cdcall_node_address(struct ipc_client *c, const char *node, char *addr,
			size_t size, char *msg);

/* Run REQ on the agent of NODE; *REPLY (free with
 * clusterd__guest_reply__free_unpacked) may be NULL on success. */
int cdcall_node(struct ipc_client *c, const char *node,
		Clusterd__GuestRequest *req, int timeout_ms,
		Clusterd__GuestReply **reply, char *msg);
