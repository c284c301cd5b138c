/*
 * The HA commands' access to the tree (ha_cmd.c): read a file with its
 * version, write it back with compare-and-swap (a concurrent edit makes
 * the write fail with ESTALE and the command retries on the new text), and
 * queue a CRM command as a new file under ha/commands/ (the active CRM
 * executes each once, in name order, and removes it).
 */
#include "config.h"

#include "guest.h"
#include "ha_cli.h"
#include "macro.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int ha_tree_read(struct cli_ctx *ctx, const char *path, char **text,
		 uint64_t *version)
{
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__GetRequest get = CLUSTERD__GET_REQUEST__INIT;
	Clusterd__Reply *reply = NULL;
	int r;

	get.path = (char *)path;
	req.op_case = CLUSTERD__REQUEST__OP_GET;
	req.get = &get;
	r = ctx->call(ctx->call_data, &req, ctx->timeout_ms, &reply);
	if (r == 0 && reply->errno_code == ENOENT) {
		clusterd__reply__free_unpacked(reply, NULL);
		*text = strdup("");
		*version = 0;
		return *text ? 0 : CLI_EXIT_FAILED;
	}
	r = guest_tree_check(ctx, r, path, &reply);
	if (r)
		return r;
	*version = reply->get->stat ? reply->get->stat->version : 0;
	*text = strndup((char *)reply->get->data.data, reply->get->data.len);
	clusterd__reply__free_unpacked(reply, NULL);
	return *text ? 0 : cli_fail(ctx, path, ENOMEM, "out of memory", NULL);
}

static void mkdir_ha(struct cli_ctx *ctx, const char *path)
{
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__MkdirRequest mk = CLUSTERD__MKDIR_REQUEST__INIT;
	Clusterd__Reply *reply = NULL;

	mk.path = (char *)path;
	req.op_case = CLUSTERD__REQUEST__OP_MKDIR;
	req.mkdir = &mk;
	if (ctx->call(ctx->call_data, &req, ctx->timeout_ms, &reply) == 0)
		clusterd__reply__free_unpacked(reply, NULL);
}

int ha_tree_write(struct cli_ctx *ctx, const char *path, const char *text,
		  uint64_t version, bool *stale)
{
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__PutRequest put = CLUSTERD__PUT_REQUEST__INIT;
	Clusterd__Reply *reply = NULL;
	int r;

	mkdir_ha(ctx, "ha");
	put.path = (char *)path;
	put.data.data = (uint8_t *)text;
	put.data.len = strlen(text);
	put.check_version = true;
	put.expected_version = version;
	req.op_case = CLUSTERD__REQUEST__OP_PUT;
	req.put = &put;
	r = ctx->call(ctx->call_data, &req, ctx->timeout_ms, &reply);
	*stale = r == 0 &&
		 (reply->errno_code == ESTALE || reply->errno_code == EEXIST);
	if (*stale) {
		clusterd__reply__free_unpacked(reply, NULL);
		return 0;
	}
	r = guest_tree_check(ctx, r, path, &reply);
	if (r == 0)
		clusterd__reply__free_unpacked(reply, NULL);
	return r;
}

int ha_tree_command(struct cli_ctx *ctx, const char *line)
{
	struct timespec ts;
	char path[128];
	bool stale;

	mkdir_ha(ctx, "ha");
	mkdir_ha(ctx, HA_COMMANDS_DIR);
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(path, sizeof(path), HA_COMMANDS_DIR "/%lld%09ld-%d",
		 (long long)ts.tv_sec, ts.tv_nsec, (int)getpid());
	return ha_tree_write(ctx, path, line, 0, &stale);
}
