/*
 * "clusterctl join HOST --token T": make this fresh node a member.
 *
 * Pre-flight here: a well-formed token (else a usage error), no
 * corosync.conf yet ("already in a cluster"), a valid host name. The
 * member checks the rest (join_handler.c in clusterd) and answers with the
 * cluster's new corosync.conf and its authkey. Then this node stops its
 * standalone clusterd, moves its tree aside to the backup directory (the
 * cluster's tree replaces it: a standalone tree with a higher version must
 * never win the first sync), installs both files, starts corosync and
 * clusterd and waits until clusterd is quorate and synced.
 */
#include "config.h"

#include "join_token.h"
#include "lifecycle.h"
#include "macro.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#define JOIN_CALL_MS 30000

static const struct option join_longopts[] = {
    {"token", required_argument, NULL, LC_OPT_TOKEN},
    {"link0", required_argument, NULL, LC_OPT_LINK0},
    {"link1", required_argument, NULL, LC_OPT_LINK1},
    {},
};

static int ask_member(struct cli_ctx *ctx, const struct lc_args *a,
		      const struct join_token *t, const char *name,
		      Clusterd__JoinReply **reply)
{
	Clusterd__JoinRequest req = CLUSTERD__JOIN_REQUEST__INIT;
	Clusterd__Header h = CLUSTERD__HEADER__INIT;
	char *addrs[2];
	struct timeval tv;
	const char *why = NULL;
	int r, timeout = ctx->timeout_set ? ctx->timeout_ms : JOIN_CALL_MS;

	gettimeofday(&tv, NULL);
	h.protocol_version =
	    CLUSTERD__PROTOCOL_VERSION__PROTOCOL_VERSION_CURRENT;
	req.header = &h;
	req.token_id = (char *)t->id;
	req.secret.data = (uint8_t *)t->secret;
	req.secret.len = sizeof(t->secret);
	req.name = (char *)name;
	req.clock_ms = tv.tv_sec * 1000LL + tv.tv_usec / 1000;
	/* An empty link 0 asks the member to use the connection's source. */
	for (int i = 0; i < 2; i++)
		if (a->link[i] || (i == 0 && a->link[1]))
			addrs[req.n_addresses++] =
			    (char *)(a->link[i] ? a->link[i] : "");
	req.addresses = addrs;
	r = join_exchange(a->pos[0], t->port, t->fingerprint, &req, timeout,
			  reply, &why);
	if (r < 0)
		return cli_fail(ctx, "join", -r, why, strerror(-r));
	if ((*reply)->errno_code) {
		int e = (*reply)->errno_code;

		cli_fail(ctx, "join", e, "the member refused",
			 (*reply)->error_message);
		clusterd__join_reply__free_unpacked(*reply, NULL);
		return CLI_EXIT_FAILED;
	}
	if ((*reply)->warning && (*reply)->warning[0])
		fprintf(ctx->err, "clusterctl: warning: %s\n",
			(*reply)->warning);
	return 0;
}

static int install(struct cli_ctx *ctx, const Clusterd__JoinReply *rep,
		   char *backup, size_t len)
{
	char conf[PATH_MAX], key[PATH_MAX];
	int r = lc_service(ctx, "stop", "clusterd");

	if (r < 0)
		return r;
	r = lc_backup_tree(backup, len);
	if (r < 0)
		return cli_fail(ctx, "join", -r, "cannot back up the tree",
				strerror(-r)),
		       r;
	lc_path(conf, sizeof(conf), false, "corosync.conf");
	lc_path(key, sizeof(key), false, "authkey");
	r = lc_write_file(key, rep->authkey.data, rep->authkey.len, 0400);
	if (r == 0)
		r = lc_write_file(conf, rep->corosync_conf.data,
				  rep->corosync_conf.len, 0644);
	if (r < 0)
		return cli_fail(ctx, "join", -r,
				"cannot write the configuration", strerror(-r)),
		       r;
	return lc_start_cluster(ctx, "join");
}

static int do_join(struct cli_ctx *ctx, struct lc_args *a)
{
	const struct join_token *t = &a->decoded;
	Clusterd__JoinReply *rep = NULL;
	char conf[PATH_MAX], name[64], nid[16], backup[PATH_MAX] = "";
	int r;

	lc_path(conf, sizeof(conf), false, "corosync.conf");
	if (access(conf, F_OK) == 0)
		return cli_fail(ctx, "join", EEXIST,
				"this node is already in a cluster", conf);
	if (lc_hostname(name, sizeof(name)) < 0)
		return cli_fail(ctx, "join", EINVAL, "no host name", NULL);
	r = ask_member(ctx, a, t, name, &rep);
	if (r)
		return r;
	r = install(ctx, rep, backup, sizeof(backup));
	if (r == 0)
		r = lc_init_node_tree(ctx, name);
	snprintf(nid, sizeof(nid), "%u", rep->nodeid);
	if (r == 0 && ctx->output == CLI_OUTPUT_TEXT)
		fprintf(ctx->out, "Joined cluster '%s' as %s (node ID %s)\n",
			rep->cluster_name, name, nid);
	if (r == 0 && backup[0] && ctx->output == CLI_OUTPUT_TEXT)
		fprintf(ctx->out, "The previous tree is in %s\n", backup);
	if (r == 0)
		r = lc_done(ctx, NULL,
			    (const char *const[]){"cluster", rep->cluster_name,
						  "node", name, "nodeid", nid,
						  "backup", backup, NULL});
	clusterd__join_reply__free_unpacked(rep, NULL);
	return r < 0 ? CLI_EXIT_FAILED : r;
}

static int join_check(struct cli_ctx *ctx, struct lc_args *a)
{
	if (!a->token)
		return cli_usage_error(ctx, "join: --token is required");
	if (join_token_decode(a->token, &a->decoded) < 0)
		return cli_usage_error(ctx, "join: malformed token");
	return CLI_PARSED;
}

int join_main(struct cli_ctx *ctx, int argc, char **argv)
{
	static const char *const names[] = {"HOST"};
	static const struct lc_command cmd = {.name = "join",
					      .longopts = join_longopts,
					      .help = cli_help_join,
					      .names = names,
					      .min = 1,
					      .max = 1,
					      .check = join_check,
					      .run = do_join};

	return lc_main(ctx, argc, argv, &cmd);
}
