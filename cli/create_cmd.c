/*
 * "clusterctl create NAME": make this node the first member of a new
 * cluster.
 *
 * Refused when the node already has a corosync.conf. Writes a fresh
 * authkey (256 random bytes, mode 0400) and corosync.conf (knet, aes256 +
 * sha256 unless --no-crypto, this node as node ID 1 on --link0, by
 * default its first IPv4 address), restarts clusterd and starts corosync
 * through the starter, waits until clusterd is quorate and synced, then
 * initialises the tree: corosync.conf (create-only, so clusterd's own
 * import and ours cannot both win), priv/ and nodes/NAME/.
 */
#include "config.h"

#include "corosync_conf_gen.h"
#include "lifecycle.h"
#include "macro.h"

#include <errno.h>
#include <limits.h>
#include <openssl/rand.h>
#include <string.h>
#include <unistd.h>

static const struct option create_longopts[] = {
    {"link0", required_argument, NULL, LC_OPT_LINK0},
    {"link1", required_argument, NULL, LC_OPT_LINK1},
    {"no-crypto", no_argument, NULL, LC_OPT_NO_CRYPTO},
    {},
};

/* A tree write through the local clusterd: mkdir PATH, or put DATA there
 * create-only. EEXIST is fine. */
int lc_tree_init(struct cli_ctx *ctx, const char *path, const char *data)
{
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__PutRequest put = CLUSTERD__PUT_REQUEST__INIT;
	Clusterd__MkdirRequest mk = CLUSTERD__MKDIR_REQUEST__INIT;
	Clusterd__Header h = CLUSTERD__HEADER__INIT;
	Clusterd__Reply *rep = NULL;
	int r, e;

	req.header = &h;
	if (data) {
		req.op_case = CLUSTERD__REQUEST__OP_PUT;
		req.put = &put;
		put.path = (char *)path;
		put.data.data = (uint8_t *)data;
		put.data.len = strlen(data);
		put.check_version = true;
	} else {
		req.op_case = CLUSTERD__REQUEST__OP_MKDIR;
		req.mkdir = &mk;
		mk.path = (char *)path;
	}
	r = ctx->call(ctx->call_data, &req, ctx->timeout_ms, &rep);
	if (r < 0)
		return cli_fail(ctx, path, -r, "cannot reach clusterd",
				strerror(-r)),
		       r;
	e = rep->errno_code;
	if (e && e != EEXIST)
		cli_fail(ctx, path, e, cli_errno_reason(e), rep->error_message);
	clusterd__reply__free_unpacked(rep, NULL);
	return e && e != EEXIST ? -e : 0;
}

int lc_init_node_tree(struct cli_ctx *ctx, const char *name)
{
	char path[128];
	int r;

	snprintf(path, sizeof(path), "nodes/%s", name);
	r = lc_tree_init(ctx, "nodes", NULL);
	if (r == 0)
		r = lc_tree_init(ctx, path, NULL);
	if (r == 0)
		r = lc_tree_init(ctx, "priv", NULL);
	return r;
}

static int write_config(struct cli_ctx *ctx, const char *conf_path,
			const char *conf)
{
	char key_path[PATH_MAX];
	uint8_t key[LC_AUTHKEY_LEN];
	int r;

	lc_path(key_path, sizeof(key_path), false, "authkey");
	if (RAND_bytes(key, sizeof(key)) != 1)
		return cli_fail(ctx, "create", EIO, "no random bytes", NULL),
		       -EIO;
	r = lc_write_file(key_path, key, sizeof(key), 0400);
	if (r == 0)
		r = lc_write_file(conf_path, conf, strlen(conf), 0644);
	if (r < 0)
		cli_fail(ctx, "create", -r, "cannot write the configuration",
			 strerror(-r));
	return r;
}

static int start_services(struct cli_ctx *ctx)
{
	int r = lc_service(ctx, "stop", "clusterd");

	return r ? r : lc_start_cluster(ctx, "create");
}

static int do_create(struct cli_ctx *ctx, struct lc_args *a)
{
	struct ccgen_options opts = {.crypto = !a->no_crypto};
	struct ccgen_node n = {.nodeid = 1};
	_cleanup_free_ char *conf = NULL;
	char conf_path[PATH_MAX], nid[16];
	const char *name = a->pos[0];

	lc_path(conf_path, sizeof(conf_path), false, "corosync.conf");
	if (access(conf_path, F_OK) == 0)
		return cli_fail(ctx, "create", EEXIST,
				"this node is already in a cluster", conf_path);
	if (lc_hostname(n.name, sizeof(n.name)) < 0 ||
	    !ccgen_valid_name(n.name))
		return cli_fail(ctx, "create", EINVAL,
				"this host's name is not a valid node name",
				n.name);
	if (a->link[0])
		snprintf(n.addr[0], sizeof(n.addr[0]), "%s", a->link[0]);
	else if (lc_default_address(n.addr[0], sizeof(n.addr[0])) < 0)
		return cli_fail(ctx, "create", EADDRNOTAVAIL,
				"no address found; give --link0", NULL);
	if (a->link[1])
		snprintf(n.addr[1], sizeof(n.addr[1]), "%s", a->link[1]);
	if (ccgen_create(name, &n, &opts, &conf) < 0)
		return cli_fail(ctx, "create", ENOMEM, "out of memory", NULL);
	if (write_config(ctx, conf_path, conf) < 0 || start_services(ctx) < 0 ||
	    lc_tree_init(ctx, "corosync.conf", conf) < 0 ||
	    lc_init_node_tree(ctx, n.name) < 0)
		return CLI_EXIT_FAILED;
	snprintf(nid, sizeof(nid), "%u", n.nodeid);
	if (ctx->output == CLI_OUTPUT_TEXT)
		fprintf(ctx->out,
			"Cluster '%s' created: node %s (ID 1) on %s\n", name,
			n.name, n.addr[0]);
	return lc_done(ctx, NULL,
		       (const char *const[]){"cluster", name, "node", n.name,
					     "nodeid", nid, "link0", n.addr[0],
					     NULL});
}

static int create_check(struct cli_ctx *ctx, struct lc_args *a)
{
	if (!ccgen_valid_name(a->pos[0]))
		return cli_usage_error(ctx, "create: invalid cluster name '%s'",
				       a->pos[0]);
	return CLI_PARSED;
}

int create_main(struct cli_ctx *ctx, int argc, char **argv)
{
	static const char *const names[] = {"NAME"};
	static const struct lc_command cmd = {.name = "create",
					      .longopts = create_longopts,
					      .help = cli_help_create,
					      .names = names,
					      .min = 1,
					      .max = 1,
					      .check = create_check,
					      .run = do_create};

	return lc_main(ctx, argc, argv, &cmd);
}
