/*
 * Unit tests of the cluster lifecycle helpers: join tokens (lib/
 * join_token.c), corosync.conf generation and editing (lib/
 * corosync_conf_gen.c) and the argument parsing of the lifecycle commands
 * (cli/lc_args.c and the commands), run through cli_run() with captured
 * streams and a transport that must never be called for a usage error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "corosync_conf_gen.h"
#include "join_token.h"
#include "lifecycle.h"

/* ------------------------------------------------------------ tokens */

static struct join_token sample(void)
{
	struct join_token t = {.expires = 1800000000, .port = 5410};

	assert_int_equal(join_token_generate(&t), 0);
	memset(t.fingerprint, 'a', JOIN_HEX_LEN);
	t.fingerprint[JOIN_HEX_LEN] = '\0';
	strcpy(t.addrs[0], "10.0.0.1");
	return t;
}

static void token_roundtrip(void **state)
{
	struct join_token t = sample(), d;
	char *text;

	strcpy(t.addrs[1], "fd00::1");
	assert_int_equal(join_token_encode(&t, &text), 0);
	assert_true(strncmp(text, JOIN_TOKEN_PREFIX, 5) == 0);
	assert_null(strpbrk(text + 5, "+/="));
	assert_int_equal(join_token_decode(text, &d), 0);
	assert_memory_equal(&t, &d, sizeof(t));
	free(text);
}

static void token_rejects_garbage(void **state)
{
	struct join_token t = sample(), d;
	char *text, *bad;

	assert_int_equal(join_token_encode(&t, &text), 0);
	bad = strdup(text);
	assert_int_equal(join_token_decode("", &d), -EINVAL);
	assert_int_equal(join_token_decode("cdj1_", &d), -EINVAL);
	assert_int_equal(join_token_decode("xyz1_MQ", &d), -EINVAL);
	bad[strlen(bad) - 7] = '\0'; /* truncated */
	assert_int_equal(join_token_decode(bad, &d), -EINVAL);
	strcpy(bad, text);
	bad[10] = '*';
	assert_int_equal(join_token_decode(bad, &d), -EINVAL);
	assert_int_equal(join_token_decode("cdj1_MQpub3QgYSB0b2tlbg", &d),
			 -EINVAL); /* "1\nnot a token" */
	t.port = 0;
	free(text);
	assert_int_equal(join_token_encode(&t, &text), 0);
	assert_int_equal(join_token_decode(text, &d), -EINVAL);
	free(text);
	free(bad);
}

static void token_check(void **state)
{
	struct join_token t = sample();
	uint8_t wrong[JOIN_SECRET_LEN];
	char *rec;

	assert_int_equal(join_token_record(&t, &rec), 0);
	assert_null(strstr(rec, "secret"));
	assert_int_equal(join_token_check(rec, strlen(rec), t.secret,
					  sizeof(t.secret), 1700000000),
			 0);
	memcpy(wrong, t.secret, sizeof(wrong));
	wrong[0] ^= 1;
	assert_int_equal(join_token_check(rec, strlen(rec), wrong,
					  sizeof(wrong), 1700000000),
			 -EACCES);
	assert_int_equal(join_token_check(rec, strlen(rec), t.secret,
					  sizeof(t.secret), 1800000001),
			 -ETIME);
	assert_int_equal(
	    join_token_check("junk", 4, t.secret, sizeof(t.secret), 0),
	    -EINVAL);
	free(rec);
}

/* --------------------------------------------------- corosync.conf */

static char *created(void)
{
	struct ccgen_node n = {.name = "n1", .nodeid = 1, .addr = {"10.0.0.1"}};
	struct ccgen_options o = {.crypto = true};
	char *text;

	assert_int_equal(ccgen_create("prod", &n, &o, &text), 0);
	return text;
}

static void conf_create_parse(void **state)
{
	char *text = created();
	struct ccgen_info info;

	assert_non_null(strstr(text, "crypto_cipher: aes256"));
	assert_non_null(strstr(text, "transport: knet"));
	assert_int_equal(ccgen_parse(text, &info), 0);
	assert_string_equal(info.cluster_name, "prod");
	assert_int_equal(info.config_version, 1);
	assert_int_equal(info.n_nodes, 1);
	assert_string_equal(info.nodes[0].addr[0], "10.0.0.1");
	assert_int_equal(ccgen_next_nodeid(&info), 2);
	ccgen_info_done(&info);
	free(text);
}

static void conf_add_remove(void **state)
{
	char *text = created(), *added, *removed, *hand, *out = NULL;
	struct ccgen_node n2 = {
	    .name = "n2", .nodeid = 2, .addr = {"10.0.0.2"}};
	struct ccgen_node dup = {
	    .name = "n3", .nodeid = 3, .addr = {"10.0.0.2"}};
	struct ccgen_info info;

	/* A line added by hand survives every edit. */
	assert_true(asprintf(&hand, "# hand-made\n%s", text) > 0);
	assert_int_equal(ccgen_add_node(hand, &n2, &added), 0);
	assert_int_equal(ccgen_parse(added, &info), 0);
	assert_int_equal(info.config_version, 2);
	assert_int_equal(info.n_nodes, 2);
	assert_non_null(ccgen_find(&info, "n2"));
	ccgen_info_done(&info);
	assert_non_null(strstr(added, "# hand-made\n"));
	assert_int_equal(ccgen_add_node(added, &n2, &removed), -EEXIST);
	assert_int_equal(ccgen_add_node(added, &dup, &removed), -EEXIST);

	assert_int_equal(ccgen_remove_node(added, "n1", &removed), 0);
	assert_int_equal(ccgen_parse(removed, &info), 0);
	assert_int_equal(info.config_version, 3);
	assert_int_equal(info.n_nodes, 1);
	assert_string_equal(info.nodes[0].name, "n2");
	ccgen_info_done(&info);
	assert_non_null(strstr(removed, "# hand-made\n"));
	assert_int_equal(ccgen_remove_node(removed, "n9", &out), -ENOENT);
	free(text);
	free(hand);
	free(added);
	free(removed);
}

static void conf_edit_odd_input(void **state)
{
	static const char no_version[] =
	    "totem {\ncluster_name: t\n}\nnodelist {\nnode {\nname: a\n"
	    "nodeid: 1\nring0_addr: 10.1.1.1\n}\n}\n";
	struct ccgen_node b = {.name = "b", .nodeid = 2, .addr = {"10.1.1.2"}};
	struct ccgen_info info;
	char *out = NULL;

	assert_int_equal(ccgen_add_node(no_version, &b, &out), 0);
	assert_int_equal(ccgen_parse(out, &info), 0);
	assert_int_equal(info.config_version, 1);
	assert_int_equal(info.n_nodes, 2);
	ccgen_info_done(&info);
	free(out);
	assert_int_equal(ccgen_parse("totem {\n", &info), -EINVAL);
	assert_int_equal(ccgen_parse("}\n", &info), -EINVAL);
	assert_int_equal(
	    ccgen_parse("nodelist {\nnode {\nname: x\n}\n}\n", &info),
	    -EINVAL); /* no nodeid */
	assert_false(ccgen_valid_name(""));
	assert_false(ccgen_valid_name("-x"));
	assert_false(ccgen_valid_name("a b"));
	assert_true(ccgen_valid_name("node-1_a"));
}

/* --------------------------------------------------------- arguments */

static int calls;

static int no_call(void *userdata, Clusterd__Request *req, int timeout_ms,
		   Clusterd__Reply **reply)
{
	calls++;
	return -ECONNREFUSED;
}

/* Run clusterctl ARGS (NULL-terminated); the exit code. */
static int run(const char *first, ...)
{
	char *argv[16] = {"clusterctl"}, *out, *err;
	size_t ol, el;
	struct cli_ctx ctx;
	va_list ap;
	int argc = 1, rc;

	va_start(ap, first);
	for (const char *a = first; a; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	cli_ctx_init(&ctx, no_call, NULL);
	ctx.out = open_memstream(&out, &ol);
	ctx.err = open_memstream(&err, &el);
	rc = cli_run(&ctx, argc, argv);
	fclose(ctx.out);
	fclose(ctx.err);
	free(out);
	free(err);
	return rc;
}

static void usage_errors(void **state)
{
	calls = 0;
	assert_int_equal(run("create", NULL), 2);
	assert_int_equal(run("create", "a b", NULL), 2);
	assert_int_equal(run("create", "c", "--link0", "bad addr!", NULL), 2);
	assert_int_equal(run("create", "c", "d", NULL), 2);
	assert_int_equal(run("create", "c", "--frob", NULL), 2);
	assert_int_equal(run("join", "h", NULL), 2);
	assert_int_equal(run("join", "--token", "cdj1_abc", "h", NULL), 2);
	assert_int_equal(run("join", "--token", NULL), 2);
	assert_int_equal(run("join-token", "--ttl", "0", NULL), 2);
	assert_int_equal(run("join-token", "--ttl", "31d", NULL), 2);
	assert_int_equal(run("join-token", "--ttl", "1x", NULL), 2);
	assert_int_equal(run("join-token", "x", NULL), 2);
	assert_int_equal(run("leave", "x", NULL), 2);
	assert_int_equal(run("leave", "--ttl", "1h", NULL), 2);
	assert_int_equal(run("node", NULL), 2);
	assert_int_equal(run("node", "remove", NULL), 2);
	assert_int_equal(run("node", "frob", "n1", NULL), 2);
	assert_int_equal(run("node", "remove", "bad name", NULL), 2);
	assert_int_equal(run("status", "x", NULL), 2);
	assert_int_equal(run("nodes", "--force", NULL), 2);
	assert_int_equal(run("expected", NULL), 2);
	assert_int_equal(run("expected", "0", NULL), 2);
	assert_int_equal(run("expected", "-1", NULL), 2);
	assert_int_equal(run("expected", "3x", NULL), 2);
	assert_int_equal(calls, 0);
}

static void help_and_ttl(void **state)
{
	static const char *const cmds[] = {"create", "join-token", "join",
					   "leave",  "node",	   "status",
					   "nodes",  "expected"};
	int64_t s;

	calls = 0;
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		assert_int_equal(run(cmds[i], "--help", NULL), 0);
	assert_int_equal(calls, 0);
	assert_int_equal(run("status", NULL), 1); /* no clusterd */
	assert_int_equal(lc_parse_ttl("90", &s), 0);
	assert_int_equal(s, 90);
	assert_int_equal(lc_parse_ttl("30m", &s), 0);
	assert_int_equal(s, 1800);
	assert_int_equal(lc_parse_ttl("1h", &s), 0);
	assert_int_equal(s, 3600);
	assert_int_equal(lc_parse_ttl("30d", &s), 0);
	assert_int_equal(lc_parse_ttl("h", &s), -EINVAL);
	assert_int_equal(lc_parse_ttl("", &s), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(token_roundtrip),
	    cmocka_unit_test(token_rejects_garbage),
	    cmocka_unit_test(token_check),
	    cmocka_unit_test(conf_create_parse),
	    cmocka_unit_test(conf_add_remove),
	    cmocka_unit_test(conf_edit_odd_input),
	    cmocka_unit_test(usage_errors),
	    cmocka_unit_test(help_and_ttl),
	};

	return cmocka_run_group_tests_name("lifecycle", tests, NULL, NULL);
}
