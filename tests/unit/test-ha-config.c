/*
 * Unit tests for haagent's HA configuration parsers (ha_config*.c) and the
 * manager_status JSON (ha_status.c): good lines parse into the structs,
 * each bad line is reported with file, line and reason and skipped while
 * the rest keeps working, and a status survives the round trip a CRM
 * failover makes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ha_config.h"
#include "ha_status.h"

struct reports {
	char text[1024];
	unsigned n;
};

static void collect(void *ud, const char *file, unsigned line,
		    const char *reason)
{
	struct reports *r = ud;
	size_t used = strlen(r->text);

	snprintf(r->text + used, sizeof(r->text) - used, "%s:%u: %s\n", file,
		 line, reason);
	r->n++;
}

typedef unsigned (*parse_fn)(struct ha_config *c, const char *text,
			     const struct ha_cfg_src *src);

/* Parse TEXT as the file FILE with FN into a fresh C, its reports into
 * a fresh R; the number of good lines. */
static unsigned parse(parse_fn fn, const char *file, const char *text,
		      struct ha_config *c, struct reports *r)
{
	struct ha_cfg_src src = {file, collect, r};

	*r = (struct reports){0};
	ha_config_init(c);
	return fn(c, text, &src);
}

static void resources_good_and_bad(void **state)
{
	static struct ha_config c;
	struct reports r;
	const char *text = "# HA guests\n"
			   "vm:101 state=started max_restart=2 failback=0\n"
			   "\n"
			   "vm:abc state=started\n"
			   "ct:102 state=sleeping\n"
			   "ct:103 colour=blue\n"
			   "ct:104 node=n2 state=stopped max_relocate=3\n";

	assert_int_equal(
	    parse(ha_config_parse_resources, "ha/resources.cfg", text, &c, &r),
	    3);
	assert_int_equal(r.n, 3);
	assert_non_null(strstr(r.text, "ha/resources.cfg:4: bad service id"));
	assert_non_null(
	    strstr(r.text, "ha/resources.cfg:5: bad value 'sleeping'"));
	assert_non_null(
	    strstr(r.text, "ha/resources.cfg:6: unknown key 'colour'"));
	assert_int_equal(c.n_res, 2);
	assert_string_equal(c.res[0].sid, "vm:101");
	assert_int_equal(c.res[0].max_restart, 2);
	assert_false(c.res[0].failback);
	assert_int_equal(c.res[0].max_relocate, 1); /* default */
	assert_string_equal(c.res[1].node, "n2");
	assert_int_equal(c.res[1].request, HA_REQ_STOPPED);
	assert_int_equal(c.res[1].max_relocate, 3);
}

static void rules_parse_and_check(void **state)
{
	static struct ha_config c;
	struct reports r;
	const char *text =
	    "node-affinity r1 resources=vm:101 nodes=n1:2,n2:1,n3 strict=1\n"
	    "resource-affinity r2 resources=vm:101,ct:102 affinity=negative\n"
	    "node-affinity r1 resources=vm:102 nodes=n1\n"
	    "resource-affinity r3 resources=vm:101 affinity=positive\n"
	    "group r4 resources=vm:101\n"
	    "node-affinity r5 resources=vm:103 nodes=n1:x\n";

	assert_int_equal(
	    parse(ha_config_parse_rules, "ha/rules.cfg", text, &c, &r), 4);
	assert_non_null(strstr(r.text, ":3: duplicate rule 'r1'"));
	assert_non_null(strstr(r.text, ":4: rule 'r3' needs two resources"));
	assert_non_null(strstr(r.text, ":5: unknown rule kind 'group'"));
	assert_non_null(strstr(r.text, ":6: bad value 'n1:x' for nodes"));
	assert_int_equal(c.n_rules, 2);
	assert_true(c.rules[0].strict);
	assert_int_equal(c.rules[0].n_nodes, 3);
	assert_int_equal(c.rules[0].prio[0], 2);
	assert_int_equal(c.rules[0].prio[2], 0);
	assert_false(c.rules[1].together);
	assert_int_equal(c.rules[1].n_resources, 2);
}

static void settings_via_kvconf(void **state)
{
	static struct ha_config c;
	struct reports r;
	const char *text = "shutdown_policy: migrate\n"
			   "fencing: sometimes\n"
			   "watchdog_timeout: 9.5\n"
			   "no colon here\n"
			   "test_skip_fencing: 1\n"
			   "safety_margin: 3\n";

	assert_int_equal(
	    parse(ha_config_parse_settings, "ha/settings.cfg", text, &c, &r),
	    3);
	assert_non_null(strstr(r.text, ":2: bad value 'sometimes'"));
	assert_non_null(strstr(r.text, ":4: expected 'key: value'"));
	/* The test hook cannot be set from the tree. */
	assert_non_null(strstr(r.text, ":5: unknown setting"));
	assert_false(c.settings.test_skip_fencing);
	assert_int_equal(c.settings.shutdown_policy, HA_SHUTDOWN_MIGRATE);
	assert_int_equal(c.settings.fencing, HA_FENCING_WATCHDOG);
	assert_int_equal(c.settings.watchdog_timeout_ms, 9500);
	assert_int_equal(c.settings.safety_margin_ms, 3000);
}

static void fence_agents(void **state)
{
	static struct ha_config c;
	struct reports r;
	const char *text = "n1 agent=fence_ipmilan ip=10.0.0.1 username=admin\n"
			   "n2 ip=10.0.0.2\n"
			   "n1 agent=fence_redfish\n";

	assert_int_equal(
	    parse(ha_config_parse_fence, "ha/fence.cfg", text, &c, &r), 2);
	assert_non_null(strstr(r.text, ":2: no agent= for node n2"));
	assert_non_null(strstr(r.text, ":3: node n1 has an agent already"));
	assert_int_equal(c.n_fence, 1);
	assert_string_equal(c.fence[0].agent, "fence_ipmilan");
	assert_string_equal(c.fence[0].args, "ip=10.0.0.1 username=admin");
}

static void status_round_trip(void **state)
{
	static struct ha_status st, back;
	char *json, *again;

	st.next_req = 42;
	st.n_svc = 1;
	strcpy(st.svc[0].sid, "vm:101");
	st.svc[0].state = HA_SVC_MIGRATE;
	strcpy(st.svc[0].node, "n1");
	strcpy(st.svc[0].target, "n2");
	st.svc[0].req = 41;
	st.svc[0].restarts = 1;
	st.n_node = 1;
	strcpy(st.node[0].name, "n3");
	st.node[0].state = HA_NODE_FENCE;
	st.node[0].maint = true;
	json = ha_status_to_json(&st);
	assert_non_null(json);
	assert_int_equal(ha_status_from_json(json, &back), 0);
	again = ha_status_to_json(&back);
	assert_string_equal(json, again);
	assert_int_equal(back.svc[0].state, HA_SVC_MIGRATE);
	assert_string_equal(back.svc[0].target, "n2");
	assert_int_equal(back.node[0].state, HA_NODE_FENCE);
	free(json);
	free(again);
	assert_int_equal(ha_status_from_json("{\"next_req\": 1}", &back),
			 -EINVAL);
	assert_int_equal(ha_status_from_json("not json", &back), -EINVAL);
	assert_int_equal(
	    ha_status_from_json("{\"next_req\":1,\"services\":{\"vm:1\":"
				"{\"state\":\"dancing\"}},\"nodes\":{}}",
				&back),
	    -EINVAL);
	assert_int_equal(back.n_svc, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(resources_good_and_bad),
	    cmocka_unit_test(rules_parse_and_check),
	    cmocka_unit_test(settings_via_kvconf),
	    cmocka_unit_test(fence_agents),
	    cmocka_unit_test(status_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
