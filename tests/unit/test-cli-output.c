/*
 * The cli group of test-cli, part three: output as a user or a script
 * sees it. The ls, stat and members tables, their JSON documents (stable
 * keys, UTF-8 or base64 data, the new version of a write) and the
 * formatting helpers behind them. Separate from the requests and the
 * failures; the harness is in cli-harness.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli-harness.h"

/* ---------------------------------------------------------- output --- */

void ls_text_is_a_sorted_table(void **state)
{
	struct harness *h = *state;
	Clusterd__Stat a, b, c, *entries[] = {&b, &c, &a};
	Clusterd__ListReply list = CLUSTERD__LIST_REPLY__INIT;
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;

	make_stat(&a, "nodes/alpha", CLUSTERD__ENTRY_TYPE__ENTRY_DIR, 0, 12);
	make_stat(&b, "nodes/b\tc", CLUSTERD__ENTRY_TYPE__ENTRY_FILE, 1234, 9);
	make_stat(&c, "nodes/\xc3\xa9t\xc3\xa9",
		  CLUSTERD__ENTRY_TYPE__ENTRY_FILE, 5, 1001);
	c.mtime_ms = 0;
	list.n_entries = 3;
	list.entries = entries;
	reply.result_case = CLUSTERD__REPLY__RESULT_LIST;
	reply.list = &list;
	h->canned = &reply;

	assert_int_equal(run(h, "config", "ls", "nodes", NULL), 0);
	assert_string_equal(
	    h->out, "NAME   TYPE  SIZE  VERSION  WRITER  MTIME\n"
		    "alpha  dir      -       12       2  2025-11-26 10:39:40\n"
		    "b?c    file  1234        9       2  2025-11-26 10:39:40\n"
		    "\xc3\xa9t\xc3\xa9    file     5     1001       2  -\n");

	list.n_entries = 0;
	assert_int_equal(run(h, "config", "ls", NULL), 0);
	assert_string_equal(h->out,
			    "NAME  TYPE  SIZE  VERSION  WRITER  MTIME\n");
}

void ls_json_has_stable_keys(void **state)
{
	struct harness *h = *state;
	Clusterd__Stat a, b, *entries[] = {&b, &a};
	Clusterd__ListReply list = CLUSTERD__LIST_REPLY__INIT;
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;
	json_object *doc, *arr, *e;

	make_stat(&a, "d/a", CLUSTERD__ENTRY_TYPE__ENTRY_FILE, 1, UINT64_MAX);
	make_stat(&b, "d/b\xff", CLUSTERD__ENTRY_TYPE__ENTRY_DIR, 0, 2);
	list.n_entries = 2;
	list.entries = entries;
	reply.result_case = CLUSTERD__REPLY__RESULT_LIST;
	reply.list = &list;
	h->canned = &reply;

	assert_int_equal(run(h, "config", "ls", "/d", "--output", "json", NULL),
			 0);
	doc = parse_json(h->out);
	assert_string_equal(json_object_get_string(key(doc, "path")), "d");
	arr = key(doc, "entries");
	assert_int_equal(json_object_array_length(arr), 2);
	e = json_object_array_get_idx(arr, 0);
	assert_string_equal(json_object_get_string(key(e, "name")), "a");
	assert_string_equal(json_object_get_string(key(e, "path")), "d/a");
	assert_string_equal(json_object_get_string(key(e, "type")), "file");
	assert_int_equal(json_object_get_int64(key(e, "size")), 1);
	assert_true(json_object_get_uint64(key(e, "version")) == UINT64_MAX);
	assert_int_equal(json_object_get_int(key(e, "writer")), 2);
	assert_int_equal(json_object_get_int64(key(e, "mtime_ms")),
			 1764153580123);
	assert_string_equal(json_object_get_string(key(e, "mtime")),
			    "2025-11-26T10:39:40.123Z");
	/* An invalid UTF-8 name still gives valid JSON. */
	e = json_object_array_get_idx(arr, 1);
	assert_string_equal(json_object_get_string(key(e, "name")),
			    "b\xef\xbf\xbd");
	assert_string_equal(json_object_get_string(key(e, "type")), "dir");
	json_object_put(doc);
	/* One document: nothing after it but its newline. */
	assert_int_equal(h->out[h->out_len - 1], '\n');
	assert_int_equal(h->out[h->out_len - 2], '}');
}

void stat_text_and_json(void **state)
{
	struct harness *h = *state;
	Clusterd__Stat s;
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;
	json_object *doc;

	make_stat(&s, "nodes/n1/qemu/100.conf",
		  CLUSTERD__ENTRY_TYPE__ENTRY_FILE, 300, 77);
	reply.result_case = CLUSTERD__REPLY__RESULT_STAT;
	reply.stat = &s;
	h->canned = &reply;
	assert_int_equal(
	    run(h, "config", "stat", "nodes/n1/qemu/100.conf", NULL), 0);
	assert_string_equal(
	    h->out, "PATH                    TYPE  SIZE  VERSION  WRITER"
		    "  MTIME\n"
		    "nodes/n1/qemu/100.conf  file   300       77       2"
		    "  2025-11-26 10:39:40\n");
	assert_int_equal(run(h, "-o", "json", "config", "stat", "x", NULL), 0);
	doc = parse_json(h->out);
	assert_string_equal(json_object_get_string(key(doc, "name")),
			    "100.conf");
	assert_int_equal(json_object_get_int64(key(doc, "version")), 77);
	json_object_put(doc);
}

void get_json_utf8_or_base64(void **state)
{
	struct harness *h = *state;
	Clusterd__Stat s;
	Clusterd__GetReply get = CLUSTERD__GET_REPLY__INIT;
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;
	json_object *doc;

	make_stat(&s, "f", CLUSTERD__ENTRY_TYPE__ENTRY_FILE, 6, 3);
	get.stat = &s;
	get.data.data = (uint8_t *)"h\xc3\xa9\n\"";
	get.data.len = 5;
	reply.result_case = CLUSTERD__REPLY__RESULT_GET;
	reply.get = &get;
	h->canned = &reply;
	assert_int_equal(run(h, "-o", "json", "config", "get", "f", NULL), 0);
	doc = parse_json(h->out);
	assert_string_equal(json_object_get_string(key(doc, "encoding")),
			    "utf-8");
	assert_string_equal(json_object_get_string(key(doc, "data")),
			    "h\xc3\xa9\n\"");
	assert_string_equal(json_object_get_string(key(doc, "path")), "f");
	assert_int_equal(json_object_get_int64(key(doc, "version")), 3);
	json_object_put(doc);

	get.data.data = (uint8_t *)"\xff\x00\x01";
	get.data.len = 3;
	assert_int_equal(run(h, "-o", "json", "config", "get", "f", NULL), 0);
	doc = parse_json(h->out);
	assert_string_equal(json_object_get_string(key(doc, "encoding")),
			    "base64");
	assert_string_equal(json_object_get_string(key(doc, "data")), "/wAB");
	json_object_put(doc);
}

void write_json_names_the_new_version(void **state)
{
	struct harness *h = *state;
	json_object *doc;

	h->canned = &write_reply;
	assert_int_equal(run(h, "-o", "json", "config", "put", "/a", "v", NULL),
			 0);
	doc = parse_json(h->out);
	assert_string_equal(json_object_get_string(key(doc, "path")), "a");
	assert_int_equal(json_object_get_int64(key(doc, "tree_version")), 42);
	json_object_put(doc);
	assert_int_equal(run(h, "-o", "json", "config", "mv", "a", "b", NULL),
			 0);
	doc = parse_json(h->out);
	assert_string_equal(json_object_get_string(key(doc, "from")), "a");
	assert_string_equal(json_object_get_string(key(doc, "to")), "b");
	json_object_put(doc);
}

void members_text_and_json(void **state)
{
	struct harness *h = *state;
	Clusterd__Member m1 = CLUSTERD__MEMBER__INIT,
			 m3 = CLUSTERD__MEMBER__INIT,
			 m2 = CLUSTERD__MEMBER__INIT;
	Clusterd__Member *members[] = {&m3, &m1, &m2};
	Clusterd__MembersReply mr = CLUSTERD__MEMBERS_REPLY__INIT;
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;
	json_object *doc, *arr, *e;

	m1 = (Clusterd__Member){m1.base, 1, "n1", true, 1, "10.0.0.1"};
	m2 = (Clusterd__Member){m2.base, 2, "node-two", true, 1, "10.0.0.2"};
	m3 = (Clusterd__Member){m3.base, 13, "n3", false, 2, "10.0.0.13"};
	mr.cluster_name = "lab";
	mr.local_nodeid = 2;
	mr.quorate = true;
	mr.synced = false;
	mr.tree_version = 1234;
	mr.tree_checksum = 0xabcdef0123456789ULL;
	mr.expected_votes = 4;
	mr.view_votes = 2;
	mr.n_members = 3;
	mr.members = members;
	reply.result_case = CLUSTERD__REPLY__RESULT_MEMBERS;
	reply.members = &mr;
	h->canned = &reply;

	assert_int_equal(run(h, "members", NULL), 0);
	assert_string_equal(h->out,
			    "Cluster:         lab\n"
			    "Local node ID:   2\n"
			    "Quorate:         yes\n"
			    "Synced:          no\n"
			    "Tree version:    1234\n"
			    "Tree checksum:   abcdef0123456789\n"
			    "Expected votes:  4\n"
			    "View votes:      2\n"
			    "\n"
			    "NODEID  NAME      ONLINE  VOTES  ADDRESS\n"
			    "     1  n1        yes         1  10.0.0.1\n"
			    "     2  node-two  yes         1  10.0.0.2\n"
			    "    13  n3        no          2  10.0.0.13\n");

	assert_int_equal(run(h, "members", "-o", "json", NULL), 0);
	doc = parse_json(h->out);
	assert_string_equal(json_object_get_string(key(doc, "cluster_name")),
			    "lab");
	assert_int_equal(json_object_get_int(key(doc, "local_nodeid")), 2);
	assert_true(json_object_get_boolean(key(doc, "quorate")));
	assert_false(json_object_get_boolean(key(doc, "synced")));
	assert_int_equal(json_object_get_int64(key(doc, "tree_version")), 1234);
	assert_string_equal(json_object_get_string(key(doc, "tree_checksum")),
			    "abcdef0123456789");
	assert_int_equal(json_object_get_int(key(doc, "expected_votes")), 4);
	assert_int_equal(json_object_get_int(key(doc, "view_votes")), 2);
	arr = key(doc, "members");
	assert_int_equal(json_object_array_length(arr), 3);
	e = json_object_array_get_idx(arr, 2);
	assert_int_equal(json_object_get_int(key(e, "nodeid")), 13);
	assert_string_equal(json_object_get_string(key(e, "name")), "n3");
	assert_false(json_object_get_boolean(key(e, "online")));
	assert_int_equal(json_object_get_int(key(e, "votes")), 2);
	assert_string_equal(json_object_get_string(key(e, "address")),
			    "10.0.0.13");
	json_object_put(doc);

	/* "status" has the summary in the order of its text, then nodes. */
	assert_int_equal(run(h, "status", "-o", "json", NULL), 0);
	doc = parse_json(h->out);
	{
		char keys[160] = "";

		json_object_object_foreach(doc, k, v)
		{
			(void)v;
			strcat(strcat(keys, k), " ");
		}
		assert_string_equal(keys, "cluster_name quorate local_nodeid "
					  "expected_votes view_votes quorum "
					  "nodes ");
	}
	assert_string_equal(json_object_get_string(key(doc, "cluster_name")),
			    "lab");
	assert_true(json_object_get_boolean(key(doc, "quorate")));
	assert_int_equal(json_object_get_int(key(doc, "local_nodeid")), 2);
	assert_int_equal(json_object_get_int(key(doc, "expected_votes")), 4);
	assert_int_equal(json_object_get_int(key(doc, "view_votes")), 2);
	assert_int_equal(json_object_get_int(key(doc, "quorum")), 3);
	assert_int_equal(json_object_array_length(key(doc, "nodes")), 3);
	json_object_put(doc);
}

void format_helpers(void **state)
{
	static const struct {
		const char *in, *out;
	} b64[] = {
	    {"", ""},	     {"f", "Zg=="},	   {"fo", "Zm8="},
	    {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"foobar", "Zm9vYmFy"}};
	char buf[64], *s;

	for (size_t i = 0; i < sizeof(b64) / sizeof(b64[0]); i++) {
		s = base64_encode((const uint8_t *)b64[i].in,
				  strlen(b64[i].in));
		assert_string_equal(s, b64[i].out);
		free(s);
	}
	assert_true(utf8_valid((const uint8_t *)"a\xc3\xa9\xe2\x82\xac", 6));
	assert_true(utf8_valid((const uint8_t *)"\xf0\x9f\x98\x80", 4));
	assert_true(utf8_valid((const uint8_t *)"\0", 1));
	assert_false(utf8_valid((const uint8_t *)"\xc0\x80", 2)); /* overlong */
	assert_false(
	    utf8_valid((const uint8_t *)"\xed\xa0\x80", 3)); /* UTF-16
								surrogate */
	assert_false(utf8_valid((const uint8_t *)"\xf4\x90\x80\x80", 4));
	assert_false(utf8_valid((const uint8_t *)"\xc3", 1)); /* truncated */
	assert_false(utf8_valid((const uint8_t *)"\x80", 1));

	s = text_escape("a\x1b[31m\x7f\xff\xc3\xa9");
	assert_string_equal(s, "a?[31m??\xc3\xa9");
	free(s);
	/* Sanitizing keeps control characters, replaces bad bytes. */
	s = utf8_sanitize("a\x1b\xff\xc3\xa9\xc3");
	assert_string_equal(s, "a\x1b\xef\xbf\xbd\xc3\xa9\xef\xbf\xbd");
	free(s);
	assert_int_equal(text_width("\xc3\xa9t\xc3\xa9"), 3);

	format_mtime_iso(-1, buf, sizeof(buf));
	assert_string_equal(buf, "1969-12-31T23:59:59.999Z");
	format_mtime_text(0, buf, sizeof(buf));
	assert_string_equal(buf, "-");
}
