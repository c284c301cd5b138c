/*
 * Unit tests for haagent's decision core: placement (ha_place.c), the CRM
 * state machine (ha_crm*.c) and the LRM (ha_lrm.c), driven by hand-made
 * events with recording stand-ins for the outputs. The scenario suite in
 * tests/ha covers whole runs; these pin down single rules: the fencing
 * gate, a CRM without the lock deciding nothing, restart/relocate/error,
 * agent fencing retries, the watchdog armed before any start and never
 * petted without quorum, a request executed once; the LRM report's JSON
 * (ha_report.c) round trip and its strictness.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ha_config.h"
#include "ha_crm.h"
#include "ha_lrm.h"
#include "ha_place.h"
#include "ha_report.h"
#include "ha_shutdown.h"
#include "ha_status.h"

/* ---- placement ------------------------------------------------------ */

static struct ha_config cfg;
static struct ha_status st;

static void three_nodes(void)
{
	ha_config_init(&cfg);
	memset(&st, 0, sizeof(st));
	for (int i = 0; i < 3; i++) {
		snprintf(st.node[i].name, HA_NAME_MAX, "n%d", i + 1);
		st.node[i].state = HA_NODE_ONLINE;
	}
	st.n_node = 3;
}

static void put(const char *sid, const char *node, enum ha_svc_state s)
{
	struct ha_svc_status *x = &st.svc[st.n_svc++];

	memset(x, 0, sizeof(*x));
	strcpy(x->sid, sid);
	strcpy(x->node, node);
	x->state = s;
}

static void rule(const char *line)
{
	char reason[200];

	assert_int_equal(
	    ha_config_rule_line(&cfg, line, reason, sizeof(reason)), 0);
}

static void place_load_then_name(void **state)
{
	char node[HA_NAME_MAX], why[512];

	three_nodes();
	put("vm:1", "n1", HA_SVC_STARTED);
	put("vm:2", "n3", HA_SVC_STOPPED); /* stopped: not counted */
	assert_int_equal(
	    ha_place(&cfg, &st, "vm:9", NULL, node, why, sizeof(why)), 0);
	assert_string_equal(node, "n2");
	assert_non_null(strstr(why, "chosen n2"));
	assert_int_equal(ha_place(&cfg, &st, "vm:9", "n2", node, NULL, 0), 0);
	assert_string_equal(node, "n3");
}

static void place_priority_and_strict(void **state)
{
	char node[HA_NAME_MAX], why[512];

	three_nodes();
	put("vm:1", "n3", HA_SVC_STARTED);
	rule("node-affinity r1 resources=vm:9 nodes=n3:2,n1:1");
	assert_int_equal(ha_place(&cfg, &st, "vm:9", NULL, node, NULL, 0), 0);
	assert_string_equal(node, "n3"); /* priority beats load */
	assert_int_equal(ha_node_prio(&cfg, "vm:9", "n2", NULL), -1);
	rule("node-affinity r2 resources=vm:8 nodes=n2 strict=1");
	st.node[1].maint = true;
	assert_int_equal(
	    ha_place(&cfg, &st, "vm:8", NULL, node, why, sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "no node fits"));
	assert_int_equal(ha_node_prio(&cfg, "vm:8", "n1", NULL), INT_MIN);
}

static void place_resource_affinity(void **state)
{
	char node[HA_NAME_MAX];

	three_nodes();
	put("vm:1", "n1", HA_SVC_STARTED);
	put("ct:2", "n2", HA_SVC_STARTED);
	put("ct:3", "n2", HA_SVC_STARTED);
	rule("resource-affinity apart resources=vm:1,vm:9 affinity=negative");
	rule("resource-affinity tog resources=ct:3,ct:8 affinity=positive");
	/* By load vm:9 would go to n3 anyway: make n3 the busiest. */
	put("ct:4", "n3", HA_SVC_STARTED);
	put("ct:5", "n3", HA_SVC_STARTED);
	put("ct:6", "n3", HA_SVC_STARTED);
	assert_int_equal(ha_place(&cfg, &st, "vm:9", NULL, node, NULL, 0), 0);
	assert_string_equal(node, "n2");
	assert_int_equal(ha_place(&cfg, &st, "ct:8", NULL, node, NULL, 0), 0);
	assert_string_equal(node, "n2");
}

/* ---- CRM ------------------------------------------------------------ */

struct crm_out {
	char log[8192];
	char *status;
	unsigned fences;
};

static void out_log(void *ud, const char *line)
{
	struct crm_out *o = ud;
	size_t used = strlen(o->log);

	snprintf(o->log + used, sizeof(o->log) - used, "%s\n", line);
}

static void out_fence(void *ud, const struct ha_fence_agent *a)
{
	((struct crm_out *)ud)->fences++;
}

static void out_publish(void *ud, const char *json)
{
	struct crm_out *o = ud;

	free(o->status);
	o->status = strdup(json);
}

static struct crm_out out;
static const struct ha_crm_io crm_io = {&out, out_log, out_fence, out_publish};

static void view(struct ha_crm *crm, bool n1, bool n2, bool n3)
{
	struct ha_view v = {.n_nodes = 3, .quorate = true};

	strcpy(v.nodes[0], "n1");
	strcpy(v.nodes[1], "n2");
	strcpy(v.nodes[2], "n3");
	v.member[0] = n1;
	v.member[1] = n2;
	v.member[2] = n3;
	ha_crm_set_view(crm, &v);
}

static void report(struct ha_crm *crm, const char *node, const char *sid,
		   uint64_t req, int rc)
{
	struct ha_lrm_report r = {.mode = HA_LRM_ACTIVE};

	strcpy(r.node, node);
	if (sid) {
		strcpy(r.res[0].sid, sid);
		r.res[0].req = req;
		r.res[0].rc = rc;
		r.n_res = 1;
	}
	ha_crm_lrm_report(crm, &r);
}

static const struct ha_svc_status *svc(struct ha_crm *crm, const char *sid)
{
	return ha_status_svc((struct ha_status *)ha_crm_status(crm), sid);
}

/* A CRM on n1 with LOCK, one service from RES_LINE, all nodes up. */
static struct ha_crm *crm_setup(const char *res_line, bool lock)
{
	struct ha_crm *crm;
	char reason[200];

	free(out.status);
	memset(&out, 0, sizeof(out));
	ha_config_init(&cfg);
	assert_int_equal(
	    ha_config_resource_line(&cfg, res_line, reason, sizeof(reason)), 0);
	crm = ha_crm_new("n1", &crm_io);
	ha_crm_set_config(crm, &cfg);
	view(crm, true, true, true);
	report(crm, "n1", NULL, 0, 0);
	report(crm, "n2", NULL, 0, 0);
	report(crm, "n3", NULL, 0, 0);
	if (lock)
		ha_crm_set_lock(crm, true, NULL, 0);
	ha_crm_round(crm, 0);
	return crm;
}

static void crm_fencing_gate(void **state)
{
	struct ha_crm *crm = crm_setup("vm:101 node=n3", true);
	uint64_t left = 5000,
		 wait = HA_DEFAULT_WATCHDOG_MS + HA_DEFAULT_MARGIN_MS;

	assert_int_equal(svc(crm, "vm:101")->state, HA_SVC_STARTED);
	report(crm, "n3", "vm:101", svc(crm, "vm:101")->req, 0);
	view(crm, true, true, false);
	ha_crm_round(crm, left);
	assert_int_equal(svc(crm, "vm:101")->state, HA_SVC_FENCE);
	ha_crm_round(crm, left + wait - 1);
	assert_int_equal(svc(crm, "vm:101")->state, HA_SVC_FENCE);
	assert_string_equal(svc(crm, "vm:101")->node, "n3");
	ha_crm_round(crm, left + wait);
	assert_int_equal(svc(crm, "vm:101")->state, HA_SVC_STARTED);
	assert_string_equal(svc(crm, "vm:101")->node, "n1");
	assert_non_null(strstr(out.log, "watchdog deadline passed"));
	assert_non_null(strstr(out.status, "\"vm:101\""));
	ha_crm_free(crm);
}

static void crm_without_lock_decides_nothing(void **state)
{
	struct ha_crm *crm = crm_setup("vm:101 node=n3", false);

	assert_null(svc(crm, "vm:101"));
	assert_null(out.status);
	ha_crm_set_lock(crm, true, NULL, 0);
	ha_crm_round(crm, 100);
	assert_non_null(svc(crm, "vm:101"));
	ha_crm_set_lock(crm, false, NULL, 200);
	view(crm, true, true, false);
	ha_crm_round(crm, 60000);
	assert_int_equal(svc(crm, "vm:101")->state, HA_SVC_STARTED);
	assert_non_null(strstr(out.log, "lost the ha/manager lock"));
	ha_crm_free(crm);
}

static void crm_restart_relocate_error(void **state)
{
	struct ha_crm *crm =
	    crm_setup("fa:1 node=n2 max_restart=1 max_relocate=1", true);
	uint64_t t = 100;

	report(crm, "n2", "fa:1", svc(crm, "fa:1")->req, -EIO);
	ha_crm_round(crm, t += 100);
	assert_string_equal(svc(crm, "fa:1")->node, "n2"); /* restart */
	assert_int_equal(svc(crm, "fa:1")->restarts, 1);
	report(crm, "n2", "fa:1", svc(crm, "fa:1")->req, -EIO);
	ha_crm_round(crm, t += 100);
	assert_string_equal(svc(crm, "fa:1")->node, "n1"); /* relocated */
	assert_int_equal(svc(crm, "fa:1")->relocates, 1);
	report(crm, "n1", "fa:1", svc(crm, "fa:1")->req, -EIO);
	ha_crm_round(crm, t += 100);
	report(crm, "n1", "fa:1", svc(crm, "fa:1")->req, -EIO);
	ha_crm_round(crm, t += 100);
	assert_int_equal(svc(crm, "fa:1")->state, HA_SVC_ERROR);
	ha_crm_free(crm);
}

static void crm_agent_retries(void **state)
{
	struct ha_crm *crm;
	char reason[200];

	crm = crm_setup("vm:101 node=n3", true);
	assert_int_equal(ha_config_fence_line(&cfg, "n3 agent=fence_test",
					      reason, sizeof(reason)),
			 0);
	cfg.settings.fencing = HA_FENCING_AGENT;
	ha_crm_set_config(crm, &cfg);
	view(crm, true, true, false);
	ha_crm_round(crm, 1000);
	assert_int_equal(out.fences, 1);
	ha_crm_fence_result(crm, "n3", false);
	ha_crm_round(crm, 1000 + HA_DEFAULT_RETRY_MS - 100);
	assert_int_equal(out.fences, 1);
	ha_crm_round(crm, 60000); /* long after any watchdog deadline */
	assert_int_equal(out.fences, 2);
	assert_int_equal(svc(crm, "vm:101")->state, HA_SVC_FENCE);
	ha_crm_fence_result(crm, "n3", true);
	ha_crm_round(crm, 60100);
	assert_int_equal(svc(crm, "vm:101")->state, HA_SVC_STARTED);
	assert_string_not_equal(svc(crm, "vm:101")->node, "n3");
	ha_crm_free(crm);
}

/* An LRM that finished its shutdown before the CRM saw it begin (the
 * report went SHUTDOWN -> DONE between two CRM rounds): the policy still
 * applies. */
static void crm_shutdown_seen_late(void **state)
{
	struct ha_crm *crm = crm_setup("vm:101 node=n3", true);
	struct ha_lrm_report r = {.node = "n3", .mode = HA_LRM_DONE};

	report(crm, "n3", "vm:101", svc(crm, "vm:101")->req, 0);
	cfg.settings.shutdown_policy = HA_SHUTDOWN_FREEZE;
	ha_crm_set_config(crm, &cfg);
	ha_crm_lrm_report(crm, &r);
	ha_crm_round(crm, 100);
	assert_int_equal(svc(crm, "vm:101")->state, HA_SVC_FREEZE);
	assert_string_equal(svc(crm, "vm:101")->node, "n3");
	ha_crm_free(crm);
}

static const struct ha_node_status *node_st(struct ha_crm *crm,
					    const char *name)
{
	return ha_status_node((struct ha_status *)ha_crm_status(crm), name);
}

/* n3 crashed and was fenced; its report left with it. Back in the view,
 * it is online only once its LRM reports again: the stale report of
 * before the crash does not count. */
static void crm_forgets_report_of_departed(void **state)
{
	struct ha_crm *crm = crm_setup("vm:101 node=n3", true);
	uint64_t wait = HA_DEFAULT_WATCHDOG_MS + HA_DEFAULT_MARGIN_MS;

	view(crm, true, true, false);
	ha_crm_forget(crm, "n3", false);
	ha_crm_round(crm, 1000);
	assert_int_equal(node_st(crm, "n3")->state, HA_NODE_FENCE);
	ha_crm_round(crm, 1000 + wait);
	assert_int_equal(node_st(crm, "n3")->state, HA_NODE_OFFLINE);
	view(crm, true, true, true);
	ha_crm_round(crm, 2000 + wait);
	assert_int_equal(node_st(crm, "n3")->state, HA_NODE_OFFLINE);
	report(crm, "n3", NULL, 0, 0);
	ha_crm_round(crm, 3000 + wait);
	assert_int_equal(node_st(crm, "n3")->state, HA_NODE_ONLINE);
	ha_crm_free(crm);
}

/* Forgotten in the round the node leaves: its clean-shutdown report is
 * read first (no fencing); a node removed from the cluster leaves
 * manager_status once nothing names it. */
static void crm_forget_after_departure(void **state)
{
	struct ha_crm *crm = crm_setup("vm:101 node=n3", true);
	struct ha_lrm_report done = {.node = "n3", .mode = HA_LRM_DONE};
	struct ha_view v = {
	    .n_nodes = 2, .quorate = true, .member = {true, true}};

	ha_crm_lrm_report(crm, &done);
	ha_crm_round(crm, 100); /* policy conditional: failover */
	view(crm, true, true, false);
	ha_crm_forget(crm, "n3", false);
	ha_crm_round(crm, 200);
	assert_int_equal(node_st(crm, "n3")->state, HA_NODE_OFFLINE);
	assert_non_null(strstr(out.log, "n3 shut down cleanly"));
	assert_null(strstr(out.log, "fencing"));
	assert_string_not_equal(svc(crm, "vm:101")->node, "n3");
	strcpy(v.nodes[0], "n1");
	strcpy(v.nodes[1], "n2");
	ha_crm_set_view(crm, &v);
	ha_crm_forget(crm, "n3", true);
	ha_crm_round(crm, 300);
	assert_null(node_st(crm, "n3"));
	assert_non_null(strstr(out.log, "n3 left the cluster: forgotten"));
	assert_null(strstr(out.status, "\"n3\""));
	ha_crm_free(crm);
}

/* ---- LRM ------------------------------------------------------------ */

struct lrm_out {
	char calls[1024];
	uint64_t last_op;
	struct ha_lrm_report rep;
};

static struct lrm_out lo;

static void call(const char *what)
{
	strncat(lo.calls, what, sizeof(lo.calls) - strlen(lo.calls) - 1);
}

static int op_start(void *ud, const char *sid, uint64_t op)
{
	lo.last_op = op;
	call("start;");
	return 0;
}
static int op_stop(void *ud, const char *sid, uint64_t t, uint64_t op)
{
	call("stop;");
	return 0;
}
static int op_migrate(void *ud, const char *sid, const char *to, bool live,
		      uint64_t op)
{
	call("migrate;");
	return 0;
}
static bool op_running(void *ud, const char *sid)
{
	return false;
}
static void wd(void *ud, enum ha_watchdog_action a)
{
	call(a == HA_WATCHDOG_ARM   ? "arm;"
	     : a == HA_WATCHDOG_PET ? "pet;"
				    : "disarm;");
}
static void lrm_pub(void *ud, const struct ha_lrm_report *rep)
{
	lo.rep = *rep;
}

static const struct ha_lrm_ops ops = {op_start, op_stop, op_migrate,
				      op_running};
static const struct ha_lrm_io lrm_io = {
    .watchdog = wd, .publish = lrm_pub, .ops = &ops};

static char *one_service_status(void)
{
	three_nodes();
	put("vm:101", "n1", HA_SVC_STARTED);
	st.svc[0].req = 5;
	return ha_status_to_json(&st);
}

/* A quorate LRM on n1 (restored from PREV) that read JSON and ticked. */
static struct ha_lrm *lrm_up(const char *json, const struct ha_lrm_report *prev)
{
	struct ha_lrm *lrm = ha_lrm_new("n1", &lrm_io, prev);

	lo.calls[0] = '\0';
	ha_lrm_set_quorate(lrm, true);
	ha_lrm_set_status(lrm, json);
	ha_lrm_tick(lrm, 0);
	return lrm;
}

static void lrm_arms_before_start_runs_once(void **state)
{
	char *json = one_service_status();
	struct ha_lrm *lrm;

	memset(&lo, 0, sizeof(lo));
	lrm = lrm_up(json, NULL);
	assert_string_equal(lo.calls, "arm;pet;start;");
	ha_lrm_tick(lrm, 100); /* in flight: not again */
	ha_lrm_op_done(lrm, lo.last_op, 0);
	ha_lrm_tick(lrm, 200);
	assert_string_equal(lo.calls, "arm;pet;start;pet;pet;");
	assert_non_null(ha_lrm_report_find(&lo.rep, "vm:101", 5));
	ha_lrm_free(lrm);
	/* Restarted with its published report: request 5 is done. */
	lrm = lrm_up(json, &lo.rep);
	assert_null(strstr(lo.calls, "start"));
	ha_lrm_free(lrm);
	free(json);
}

static void lrm_keeps_last_good_status(void **state)
{
	char *json = one_service_status();
	struct ha_lrm *lrm;

	memset(&lo, 0, sizeof(lo));
	lrm = lrm_up(json, NULL);
	ha_lrm_op_done(lrm, lo.last_op, 0);
	lo.calls[0] = '\0';
	ha_lrm_set_status(lrm, "{\"garbage\": true");
	ha_lrm_tick(lrm, 100);
	assert_string_equal(lo.calls, "pet;"); /* still armed and petted */
	assert_true(ha_lrm_armed(lrm));
	ha_lrm_free(lrm);
	free(json);
}

static void lrm_no_quorum_no_pet(void **state)
{
	char *json = one_service_status();
	struct ha_lrm *lrm;

	memset(&lo, 0, sizeof(lo));
	lrm = lrm_up(json, NULL);
	ha_lrm_set_quorate(lrm, false);
	lo.calls[0] = '\0';
	ha_lrm_tick(lrm, 100);
	ha_lrm_tick(lrm, 200);
	assert_string_equal(lo.calls, "");
	assert_true(ha_lrm_armed(lrm));
	ha_lrm_free(lrm);
	free(json);
}

/* No CRM ever published a manager_status: nothing holds a shutdown up. */
static void lrm_shutdown_without_status(void **state)
{
	struct ha_lrm *lrm = ha_lrm_new("n1", &lrm_io, NULL);

	memset(&lo, 0, sizeof(lo));
	ha_lrm_set_quorate(lrm, true);
	ha_lrm_tick(lrm, 0);
	assert_int_equal(lo.rep.mode, HA_LRM_ACTIVE);
	ha_lrm_shutdown(lrm, false, HA_SHUTDOWN_MIGRATE);
	ha_lrm_tick(lrm, 100);
	assert_int_equal(lo.rep.mode, HA_LRM_DONE);
	ha_lrm_free(lrm);
}

/* The LRM read "migrate" but the CRM applied freeze to its node (their
 * settings.cfg differed for a moment): the guests stop. */
static bool running_101(void *ud, const char *sid)
{
	return strcmp(sid, "vm:101") == 0;
}

static void lrm_shutdown_follows_crm(void **state)
{
	static const struct ha_lrm_ops ops_running = {op_start, op_stop,
						      op_migrate, running_101};
	struct ha_lrm_io io = lrm_io;
	struct ha_lrm *lrm;
	char *json;

	memset(&lo, 0, sizeof(lo));
	three_nodes();
	put("vm:101", "n1", HA_SVC_STARTED);
	st.svc[0].req = 5;
	json = ha_status_to_json(&st);
	io.ops = &ops_running;
	lrm = ha_lrm_new("n1", &io, NULL);
	ha_lrm_set_quorate(lrm, true);
	ha_lrm_set_status(lrm, json);
	ha_lrm_shutdown(lrm, false, HA_SHUTDOWN_MIGRATE);
	lo.calls[0] = '\0';
	ha_lrm_tick(lrm, 0);
	assert_null(strstr(lo.calls, "stop;")); /* waits for the CRM */
	free(json);
	st.node[0].state = HA_NODE_SHUTDOWN;
	st.svc[0].state = HA_SVC_FREEZE;
	json = ha_status_to_json(&st);
	ha_lrm_set_status(lrm, json);
	ha_lrm_tick(lrm, 100);
	assert_non_null(strstr(lo.calls, "stop;"));
	ha_lrm_free(lrm);
	free(json);
}

/* "systemctl list-jobs --no-legend" while the node reboots or not. */
static void shutdown_reboot_probe(void **state)
{
	assert_true(
	    ha_shutdown_jobs_reboot("  1 shutdown.target start waiting\n"
				    "  3 reboot.target   start waiting\n"));
	assert_true(ha_shutdown_jobs_reboot("\xe2\x97\x8f 7 kexec.target "
					    "start running\n"));
	assert_false(
	    ha_shutdown_jobs_reboot("  1 shutdown.target start waiting\n"
				    "  2 poweroff.target start waiting\n"));
	assert_false(ha_shutdown_jobs_reboot("  3 reboot.target stop waiting"));
	assert_false(ha_shutdown_jobs_reboot(""));
	assert_false(ha_shutdown_jobs_reboot(NULL));
}

/* ---- LRM report JSON ------------------------------------------------ */

static void report_json_round_trip(void **state)
{
	struct ha_lrm_report rep = {
	    .node = "n2", .mode = HA_LRM_SHUTDOWN, .reboot = true, .n_res = 2};
	struct ha_lrm_report back;
	char *json;

	(void)state;
	rep.res[0] = (struct ha_lrm_result){.sid = "vm:101", .req = 7, .rc = 0};
	rep.res[1] = (struct ha_lrm_result){.sid = "ct:2", .req = 9, .rc = -5};
	json = ha_report_to_json(&rep);
	assert_non_null(json);
	assert_int_equal(ha_report_from_json(json, &back), 0);
	free(json);
	assert_string_equal(back.node, "n2");
	assert_int_equal(back.mode, HA_LRM_SHUTDOWN);
	assert_true(back.reboot);
	assert_int_equal(back.n_res, 2);
	assert_string_equal(back.res[1].sid, "ct:2");
	assert_int_equal(back.res[1].req, 9);
	assert_int_equal(back.res[1].rc, -5);
	/* Half a report is no report. */
	assert_int_equal(ha_report_from_json("{\"node\":\"n1\"}", &back),
			 -EINVAL);
	assert_int_equal(
	    ha_report_from_json("{\"node\":\"n1\",\"mode\":\"sleeping\","
				"\"reboot\":false,\"results\":[]}",
				&back),
	    -EINVAL);
	assert_int_equal(ha_report_from_json("not json", &back), -EINVAL);
	assert_int_equal(back.n_res, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(place_load_then_name),
	    cmocka_unit_test(place_priority_and_strict),
	    cmocka_unit_test(place_resource_affinity),
	    cmocka_unit_test(crm_fencing_gate),
	    cmocka_unit_test(crm_without_lock_decides_nothing),
	    cmocka_unit_test(crm_restart_relocate_error),
	    cmocka_unit_test(crm_agent_retries),
	    cmocka_unit_test(crm_shutdown_seen_late),
	    cmocka_unit_test(crm_forgets_report_of_departed),
	    cmocka_unit_test(crm_forget_after_departure),
	    cmocka_unit_test(lrm_arms_before_start_runs_once),
	    cmocka_unit_test(lrm_keeps_last_good_status),
	    cmocka_unit_test(lrm_no_quorum_no_pet),
	    cmocka_unit_test(lrm_shutdown_without_status),
	    cmocka_unit_test(lrm_shutdown_follows_crm),
	    cmocka_unit_test(shutdown_reboot_probe),
	    cmocka_unit_test(report_json_round_trip),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);

	free(out.status);
	return r;
}
