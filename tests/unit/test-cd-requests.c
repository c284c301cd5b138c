/*
 * Unit tests of lib/cd_requests.c, the typed requests to clusterd, over a
 * fake transport that records each Request (packed and decoded again) and
 * answers from a queue of canned replies: what each call sends, how a
 * reply becomes 0 or -errno (clusterd's errno, an error of reaching it, a
 * reply of another kind), what the connection records about a failure,
 * and the typed results.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cd_requests.h"
#include "proto-copy.h"

#define MAX_CALLS 8

struct fake {
	const Clusterd__Reply *replies[MAX_CALLS];
	int errors[MAX_CALLS]; /* transport errors instead of replies */
	Clusterd__Request *seen[MAX_CALLS];
	int timeouts[MAX_CALLS];
	unsigned calls;
};

static int fake_call(void *userdata, Clusterd__Request *req, int timeout_ms,
		     Clusterd__Reply **reply)
{
	struct fake *f = userdata;
	unsigned i = f->calls++;

	assert_true(i < MAX_CALLS);
	f->seen[i] = proto_copy_request(req);
	f->timeouts[i] = timeout_ms;
	if (f->errors[i])
		return f->errors[i];
	assert_non_null(f->replies[i]);
	*reply = proto_copy_reply(f->replies[i]);
	return 0;
}

static int setup(void **state)
{
	*state = calloc(1, sizeof(struct fake));
	return 0;
}

static int teardown(void **state)
{
	struct fake *f = *state;

	for (unsigned i = 0; i < f->calls; i++)
		clusterd__request__free_unpacked(f->seen[i], NULL);
	free(f);
	return 0;
}

static struct cd_conn conn_of(struct fake *f)
{
	struct cd_conn c;

	cd_conn_init(&c, fake_call, f, 1234);
	return c;
}

static Clusterd__Reply ok = CLUSTERD__REPLY__INIT;

static void outcome_of_a_call(void **state)
{
	struct fake *f = *state;
	struct cd_conn c = conn_of(f);
	Clusterd__Reply denied = CLUSTERD__REPLY__INIT;
	Clusterd__Reply wrong = CLUSTERD__REPLY__INIT;
	Clusterd__ListReply list = CLUSTERD__LIST_REPLY__INIT;
	Clusterd__Reply broken = CLUSTERD__REPLY__INIT;
	char buf[CD_MSG], *text = NULL;

	denied.errno_code = EACCES;
	denied.error_message = "not yours";
	wrong.result_case = CLUSTERD__REPLY__RESULT_LIST;
	wrong.list = &list;
	f->replies[0] = &denied;
	f->errors[1] = -ETIMEDOUT;
	f->replies[2] = &wrong;
	f->replies[3] = &ok;
	broken.errno_code = -5;
	f->replies[4] = &broken;

	assert_int_equal(cd_remove(&c, "a/b"), -EACCES);
	assert_true(c.server_error);
	assert_string_equal(c.message, "not yours");
	assert_string_equal(cd_conn_message(&c, -EACCES, buf, sizeof(buf)),
			    "not yours");
	assert_int_equal(f->seen[0]->op_case, CLUSTERD__REQUEST__OP_REMOVE);
	assert_string_equal(f->seen[0]->remove->path, "a/b");
	assert_int_equal(f->timeouts[0], 1234);

	assert_int_equal(cd_remove(&c, "a"), -ETIMEDOUT);
	assert_false(c.server_error);
	assert_string_equal(c.message, "");
	assert_string_equal(cd_conn_message(&c, -ETIMEDOUT, buf, sizeof(buf)),
			    "clusterd: timed out");

	/* A get answered with a listing is a protocol error. */
	assert_int_equal(cd_get(&c, "f", &text, NULL), -EPROTO);
	assert_null(text);
	assert_false(c.server_error);
	assert_string_equal(c.message, "reply of another kind");

	/* The errno of a server without a message is worded by strerror. */
	c.server_error = true;
	c.message[0] = '\0';
	assert_string_equal(cd_conn_message(&c, -ENOENT, buf, sizeof(buf)),
			    strerror(ENOENT));
	assert_int_equal(cd_rename(&c, "x", "y"), 0);
	assert_string_equal(f->seen[3]->rename->from, "x");
	assert_string_equal(f->seen[3]->rename->to, "y");
	/* An errno_code that is no errno is a broken reply. */
	assert_int_equal(cd_remove(&c, "a"), -EPROTO);
	assert_false(c.server_error);
}

static void get_and_put(void **state)
{
	struct fake *f = *state;
	struct cd_conn c = conn_of(f);
	Clusterd__Reply got = CLUSTERD__REPLY__INIT;
	Clusterd__GetReply get = CLUSTERD__GET_REPLY__INIT;
	Clusterd__Stat st = CLUSTERD__STAT__INIT;
	uint64_t version = 0;
	char *text = NULL;

	st.version = 17;
	get.stat = &st;
	get.data.data = (uint8_t *)"hello";
	get.data.len = 5;
	got.result_case = CLUSTERD__REPLY__RESULT_GET;
	got.get = &get;
	f->replies[0] = &got;
	f->replies[1] = &ok;
	f->replies[2] = &ok;

	assert_int_equal(cd_get(&c, "ha/x", &text, &version), 0);
	assert_string_equal(text, "hello");
	assert_int_equal(version, 17);
	assert_string_equal(f->seen[0]->get->path, "ha/x");
	free(text);

	assert_int_equal(cd_put(&c, "ha/x", "new", true, 17), 0);
	assert_int_equal(f->seen[1]->op_case, CLUSTERD__REQUEST__OP_PUT);
	assert_string_equal(f->seen[1]->put->path, "ha/x");
	assert_memory_equal(f->seen[1]->put->data.data, "new", 3);
	assert_int_equal(f->seen[1]->put->data.len, 3);
	assert_true(f->seen[1]->put->check_version);
	assert_int_equal(f->seen[1]->put->expected_version, 17);
	assert_int_equal(cd_put(&c, "ha/y", "", false, 0), 0);
	assert_false(f->seen[2]->put->check_version);
}

static void mkdir_parents_tolerates_existing(void **state)
{
	struct fake *f = *state;
	struct cd_conn c = conn_of(f);
	Clusterd__Reply exists = CLUSTERD__REPLY__INIT;
	Clusterd__Reply full = CLUSTERD__REPLY__INIT;
	size_t failed = 0;

	exists.errno_code = EEXIST;
	full.errno_code = ENOSPC;
	f->replies[0] = &exists;
	f->replies[1] = &ok;
	f->replies[2] = &exists;
	f->replies[3] = &full;

	assert_int_equal(cd_mkdir_parents(&c, "nodes/n1/qemu/100.conf", NULL),
			 0);
	assert_int_equal(f->calls, 3);
	assert_int_equal(f->seen[0]->op_case, CLUSTERD__REQUEST__OP_MKDIR);
	assert_string_equal(f->seen[0]->mkdir->path, "nodes");
	assert_string_equal(f->seen[1]->mkdir->path, "nodes/n1");
	assert_string_equal(f->seen[2]->mkdir->path, "nodes/n1/qemu");

	assert_int_equal(cd_mkdir_parents(&c, "ab/c", &failed), -ENOSPC);
	assert_int_equal(failed, 2);
	assert_int_equal(cd_mkdir_parents(&c, "top", &failed), 0);
	assert_int_equal(f->calls, 4);
}

static void listing_and_stat(void **state)
{
	struct fake *f = *state;
	struct cd_conn c = conn_of(f);
	Clusterd__Reply ls = CLUSTERD__REPLY__INIT;
	Clusterd__ListReply list = CLUSTERD__LIST_REPLY__INIT;
	Clusterd__Stat e1 = CLUSTERD__STAT__INIT, e2 = CLUSTERD__STAT__INIT;
	Clusterd__Stat *entries[] = {&e1, &e2};
	Clusterd__Reply stat = CLUSTERD__REPLY__INIT;
	Clusterd__EntryType type = 0;
	uint64_t version = 0;
	char **names = NULL;
	size_t n = 0;

	e1.path = "nodes/n1";
	e2.path = "nodes/n2";
	list.entries = entries;
	list.n_entries = 2;
	ls.result_case = CLUSTERD__REPLY__RESULT_LIST;
	ls.list = &list;
	e1.type = CLUSTERD__ENTRY_TYPE__ENTRY_DIR;
	e1.version = 9;
	stat.result_case = CLUSTERD__REPLY__RESULT_STAT;
	stat.stat = &e1;
	f->replies[0] = &ls;
	f->replies[1] = &stat;

	assert_int_equal(cd_list_names(&c, "nodes", &names, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "n1");
	assert_string_equal(names[1], "n2");
	assert_null(names[2]);
	cd_names_free(names, n);
	assert_string_equal(f->seen[0]->list->path, "nodes");

	assert_int_equal(cd_stat(&c, "nodes/n1", &type, &version), 0);
	assert_int_equal(type, CLUSTERD__ENTRY_TYPE__ENTRY_DIR);
	assert_int_equal(version, 9);
	assert_int_equal(f->seen[1]->op_case, CLUSTERD__REQUEST__OP_STAT);
}

static void members_and_nodes(void **state)
{
	struct fake *f = *state;
	struct cd_conn c = conn_of(f);
	Clusterd__Member m1 = CLUSTERD__MEMBER__INIT,
			 m2 = CLUSTERD__MEMBER__INIT;
	Clusterd__Member *members[] = {&m1, &m2};
	Clusterd__MembersReply mr = CLUSTERD__MEMBERS_REPLY__INIT;
	Clusterd__Reply rep = CLUSTERD__REPLY__INIT;
	Clusterd__GuestRequest greq = CLUSTERD__GUEST_REQUEST__INIT;
	Clusterd__Reply *reply = NULL;
	uint32_t nodeid = 0;
	char name[16] = "";

	m1.nodeid = 1, m1.name = "n1";
	m2.nodeid = 2, m2.name = "n2";
	mr.members = members;
	mr.n_members = 2;
	mr.local_nodeid = 2;
	rep.result_case = CLUSTERD__REPLY__RESULT_MEMBERS;
	rep.members = &mr;
	f->replies[0] = &rep;
	f->replies[1] = &rep;
	f->replies[2] = &ok;

	assert_int_equal(cd_local_node(&c, &nodeid, name, sizeof(name)), 0);
	assert_int_equal(nodeid, 2);
	assert_string_equal(name, "n2");
	assert_int_equal(f->seen[0]->op_case, CLUSTERD__REQUEST__OP_MEMBERS);
	mr.local_nodeid = 3; /* not in the list */
	assert_int_equal(cd_local_node(&c, &nodeid, name, sizeof(name)),
			 -ENOENT);

	greq.op = CLUSTERD__GUEST_OP__GUEST_OP_START;
	assert_int_equal(cd_node_request(&c, "n1", &greq, 7000, &reply), 0);
	assert_non_null(reply);
	clusterd__reply__free_unpacked(reply, NULL);
	assert_int_equal(f->seen[2]->op_case,
			 CLUSTERD__REQUEST__OP_NODE_REQUEST);
	assert_string_equal(f->seen[2]->node_request->node, "n1");
	assert_int_equal(f->seen[2]->node_request->timeout_ms, 7000);
	assert_int_equal(f->seen[2]->node_request->guest->op,
			 CLUSTERD__GUEST_OP__GUEST_OP_START);
	assert_int_equal(f->timeouts[2], 12000);
}

static void locks_watches_status(void **state)
{
	struct fake *f = *state;
	struct cd_conn c = conn_of(f);
	Clusterd__Reply busy = CLUSTERD__REPLY__INIT;
	Clusterd__Reply sl = CLUSTERD__REPLY__INIT;
	Clusterd__StatusListReply list = CLUSTERD__STATUS_LIST_REPLY__INIT;
	Clusterd__Reply *reply = NULL;

	busy.errno_code = EBUSY;
	sl.result_case = CLUSTERD__REPLY__RESULT_STATUS_LIST;
	sl.status_list = &list;
	f->replies[0] = &busy;
	f->replies[1] = &ok;
	f->replies[2] = &ok;
	f->replies[3] = &sl;

	assert_int_equal(cd_try_lock(&c, "ha/manager"), -EBUSY);
	assert_string_equal(f->seen[0]->lock->name, "ha/manager");
	assert_true(f->seen[0]->lock->try_lock);
	assert_int_equal(cd_watch(&c, "ha", "ha/lrm"), 0);
	assert_string_equal(f->seen[1]->watch->prefix, "ha");
	assert_true(f->seen[1]->watch->tree);
	assert_true(f->seen[1]->watch->membership);
	assert_true(f->seen[1]->watch->status);
	assert_string_equal(f->seen[1]->watch->status_key, "ha/lrm");
	assert_int_equal(cd_status_set(&c, "ha", "{}"), 0);
	assert_string_equal(f->seen[2]->status_set->key, "ha");
	assert_int_equal(f->seen[2]->status_set->value.len, 2);
	assert_int_equal(cd_status_list(&c, &reply), 0);
	assert_non_null(reply->status_list);
	clusterd__reply__free_unpacked(reply, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(outcome_of_a_call, setup, teardown),
	    cmocka_unit_test_setup_teardown(get_and_put, setup, teardown),
	    cmocka_unit_test_setup_teardown(mkdir_parents_tolerates_existing,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(listing_and_stat, setup, teardown),
	    cmocka_unit_test_setup_teardown(members_and_nodes, setup, teardown),
	    cmocka_unit_test_setup_teardown(locks_watches_status, setup,
					    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
