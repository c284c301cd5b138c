/*
 * "clusterctl join-token [--ttl 1h]": a single-use token for one joiner.
 *
 * Asks the local clusterd for its join endpoint (port, certificate
 * fingerprint, address), draws a fresh ID and secret, and stores only the
 * secret's hash and the expiry in the tree (priv/join-tokens/ID, readable
 * by root only), create-only so that an ID is never reused. The member a
 * joiner contacts removes that record when it admits the joiner; records
 * of expired tokens are removed here, each time a token is made.
 */
#include "config.h"

#include "cd_requests.h"
#include "join_token.h"
#include "lifecycle.h"
#include "macro.h"

#include <errno.h>
#include <string.h>
#include <time.h>

static const struct option token_longopts[] = {
    {"ttl", required_argument, NULL, LC_OPT_TTL},
    {},
};

static int join_info(struct cli_ctx *ctx, struct join_token *t)
{
	Clusterd__JoinInfoRequest ji = CLUSTERD__JOIN_INFO_REQUEST__INIT;
	Clusterd__Request req = CD_REQUEST(JOIN_INFO, join_info, &ji);
	Clusterd__Reply *rep = NULL;
	Clusterd__JoinInfoReply *info;
	int r;

	r = lc_call(ctx, &req, "join-token", CLUSTERD__REPLY__RESULT_JOIN_INFO,
		    &rep);
	if (r)
		return r;
	info = rep->join_info;
	if (!info->port || strlen(info->fingerprint) != JOIN_HEX_LEN ||
	    info->n_addresses == 0) {
		clusterd__reply__free_unpacked(rep, NULL);
		return cli_fail(ctx, "join-token", ENOTCONN,
				"this node serves no joins",
				"not a cluster member, or join_port is 0");
	}
	t->port = (uint16_t)info->port;
	snprintf(t->fingerprint, sizeof(t->fingerprint), "%s",
		 info->fingerprint);
	for (size_t i = 0; i < info->n_addresses && i < JOIN_MAX_ADDRS; i++)
		snprintf(t->addrs[i], sizeof(t->addrs[i]), "%s",
			 info->addresses[i]);
	clusterd__reply__free_unpacked(rep, NULL);
	return 0;
}

static void remove_one(struct cli_ctx *ctx, const char *path)
{
	Clusterd__RemoveRequest rm = CLUSTERD__REMOVE_REQUEST__INIT;
	Clusterd__Request req = CD_REQUEST(REMOVE, remove, &rm);
	Clusterd__Header h = CLUSTERD__HEADER__INIT;
	Clusterd__Reply *rep = NULL;

	req.header = &h;
	rm.path = (char *)path;
	if (ctx->call(ctx->call_data, &req, ctx->timeout_ms, &rep) == 0)
		clusterd__reply__free_unpacked(rep, NULL);
}

/* Remove the records of tokens that expired before NOW (best effort:
 * a failure leaves them for the next time). */
static void remove_expired(struct cli_ctx *ctx, int64_t now)
{
	Clusterd__Reply *ls, *get;

	if (lc_tree_read(ctx, JOIN_TOKEN_DIR, true, &ls) != 0)
		return;
	for (size_t i = 0; i < ls->list->n_entries; i++) {
		const char *path = ls->list->entries[i]->path;
		char text[256];
		long long expires;
		size_t n;

		if (lc_tree_read(ctx, path, false, &get) != 0)
			continue;
		n = get->get->data.len < sizeof(text) - 1 ? get->get->data.len
							  : sizeof(text) - 1;
		memcpy(text, get->get->data.data, n);
		text[n] = '\0';
		clusterd__reply__free_unpacked(get, NULL);
		if (sscanf(text, "sha256: %*s expires: %lld", &expires) == 1 &&
		    expires < now)
			remove_one(ctx, path);
	}
	clusterd__reply__free_unpacked(ls, NULL);
}

static int make_token(struct cli_ctx *ctx, int64_t ttl_s)
{
	struct join_token t = {0};
	_cleanup_free_ char *record = NULL, *text = NULL;
	char path[64], expires[32];
	int r = join_info(ctx, &t);

	if (r)
		return r;
	t.expires = time(NULL) + ttl_s;
	if (join_token_generate(&t) < 0 || join_token_record(&t, &record) < 0 ||
	    join_token_encode(&t, &text) < 0)
		return cli_fail(ctx, "join-token", EIO, "cannot make a token",
				NULL);
	snprintf(path, sizeof(path), "%s/%s", JOIN_TOKEN_DIR, t.id);
	if (lc_tree_init(ctx, "priv", NULL) < 0 ||
	    lc_tree_init(ctx, JOIN_TOKEN_DIR, NULL) < 0 ||
	    lc_tree_init(ctx, path, record) < 0)
		return CLI_EXIT_FAILED;
	remove_expired(ctx, time(NULL));
	snprintf(expires, sizeof(expires), "%lld", (long long)t.expires);
	return lc_done(ctx, text,
		       (const char *const[]){"token", text, "id", t.id,
					     "expires", expires, NULL});
}

static int run_token(struct cli_ctx *ctx, struct lc_args *a)
{
	return make_token(ctx, a->ttl_s);
}

int join_token_main(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct lc_command cmd = {.name = "join-token",
					      .longopts = token_longopts,
					      .help = cli_help_join_token,
					      .run = run_token};

	return lc_main(ctx, argc, argv, &cmd);
}
