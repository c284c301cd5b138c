/*
 * The HA commands' access to the tree (ha_cmd.c): read a file with its
 * version, write it back with compare-and-swap (a concurrent edit makes
 * the write fail with ESTALE and the command retries on the new text), and
 * queue a CRM command as a new file under ha/commands/ (the active CRM
 * executes each once, in name order, and removes it).
 */
#include "config.h"

#include "cd_requests.h"
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
	struct cd_conn c;
	int r;

	cli_conn(ctx, &c);
	r = cd_get(&c, path, text, version);
	if (r == -ENOENT && c.server_error) {
		*text = strdup("");
		*version = 0;
		return *text ? 0 : CLI_EXIT_FAILED;
	}
	return cli_conn_fail(ctx, &c, r, path);
}

/* Create directory PATH unless it exists (any failure shows in the write
 * that follows). */
static void mkdir_ha(struct cli_ctx *ctx, const char *path)
{
	struct cd_conn c;

	cli_conn(ctx, &c);
	cd_mkdir(&c, path);
}

int ha_tree_write(struct cli_ctx *ctx, const char *path, const char *text,
		  uint64_t version, bool *stale)
{
	struct cd_conn c;
	int r;

	mkdir_ha(ctx, "ha");
	cli_conn(ctx, &c);
	r = cd_put(&c, path, text, true, version);
	*stale = c.server_error && (r == -ESTALE || r == -EEXIST);
	return *stale ? 0 : cli_conn_fail(ctx, &c, r, path);
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
