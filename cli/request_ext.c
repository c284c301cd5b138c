/*
 * The requests of the cluster locks and of the node status store, as
 * request.c handles the tree's: storage in struct cli_request, the name of
 * the operation in messages, and the reply each expects. Kept apart so
 * that request.c stays about the tree.
 */
#include "config.h"

#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_request_init_ext(struct cli_request *r, enum cli_op op)
{
	Clusterd__Request *req = &r->req;

	switch (op) {
	case CLI_OP_LOCK:
		r->body.lock =
		    (Clusterd__LockRequest)CLUSTERD__LOCK_REQUEST__INIT;
		req->op_case = CLUSTERD__REQUEST__OP_LOCK;
		req->lock = &r->body.lock;
		break;
	case CLI_OP_UNLOCK:
		r->body.unlock =
		    (Clusterd__UnlockRequest)CLUSTERD__UNLOCK_REQUEST__INIT;
		req->op_case = CLUSTERD__REQUEST__OP_UNLOCK;
		req->unlock = &r->body.unlock;
		break;
	case CLI_OP_LOCKS:
		r->body.locks =
		    (Clusterd__LocksRequest)CLUSTERD__LOCKS_REQUEST__INIT;
		req->op_case = CLUSTERD__REQUEST__OP_LOCKS;
		req->locks = &r->body.locks;
		break;
	case CLI_OP_STATUS_SET:
		r->body.status_set = (Clusterd__StatusSetRequest)
		    CLUSTERD__STATUS_SET_REQUEST__INIT;
		req->op_case = CLUSTERD__REQUEST__OP_STATUS_SET;
		req->status_set = &r->body.status_set;
		break;
	case CLI_OP_STATUS_GET:
		r->body.status_get = (Clusterd__StatusGetRequest)
		    CLUSTERD__STATUS_GET_REQUEST__INIT;
		req->op_case = CLUSTERD__REQUEST__OP_STATUS_GET;
		req->status_get = &r->body.status_get;
		break;
	default: /* CLI_OP_STATUS_LS */
		r->body.status_list = (Clusterd__StatusListRequest)
		    CLUSTERD__STATUS_LIST_REQUEST__INIT;
		req->op_case = CLUSTERD__REQUEST__OP_STATUS_LIST;
		req->status_list = &r->body.status_list;
		break;
	}
}

const char *cli_request_path_ext(const struct cli_request *r)
{
	switch (r->op) {
	case CLI_OP_LOCK: return r->body.lock.name;
	case CLI_OP_UNLOCK: return r->body.unlock.name;
	case CLI_OP_STATUS_SET: return r->body.status_set.key;
	case CLI_OP_STATUS_GET: return r->body.status_get.key;
	case CLI_OP_STATUS_LS: return r->body.status_list.node;
	default: return "";
	}
}

char *cli_request_label_ext(const struct cli_request *r)
{
	const char *name = cli_op_name(r->op);
	char *label = NULL;
	int n;

	switch (r->op) {
	case CLI_OP_LOCKS: return strdup(name);
	case CLI_OP_STATUS_GET:
		n = asprintf(&label, "%s %s %s", name,
			     *r->body.status_get.node ? r->body.status_get.node
						      : "(this node)",
			     r->body.status_get.key);
		break;
	case CLI_OP_STATUS_LS:
		n = asprintf(&label, "%s%s%s", name,
			     *r->body.status_list.node ? " " : "",
			     r->body.status_list.node);
		break;
	default:
		n = asprintf(&label, "%s %s", name, cli_request_path_ext(r));
		break;
	}
	return n < 0 ? NULL : label;
}

Clusterd__Reply__ResultCase cli_expected_result_ext(enum cli_op op)
{
	switch (op) {
	case CLI_OP_LOCK:
	case CLI_OP_UNLOCK: return CLUSTERD__REPLY__RESULT_LOCK;
	case CLI_OP_LOCKS: return CLUSTERD__REPLY__RESULT_LOCKS;
	case CLI_OP_STATUS_LS: return CLUSTERD__REPLY__RESULT_STATUS_LIST;
	default: return CLUSTERD__REPLY__RESULT_STATUS_ENTRY;
	}
}
