/*
 * The cli harness of the test-cli program (see cli-harness.h): clusterctl run
 * whole through cli_run() with captured streams and a fake transport that
 * records the Request (packed and decoded again, as clusterd would see it)
 * and answers with a canned Reply, plus the canned replies the cases
 * share. Separate from the cases so that every file of tests uses this one
 * copy.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli-harness.h"
#include "proto-copy.h"

static int fake_call(void *userdata, Clusterd__Request *req, int timeout_ms,
		     Clusterd__Reply **reply)
{
	struct harness *h = userdata;

	h->calls++;
	h->timeout_ms = timeout_ms;
	if (h->seen)
		clusterd__request__free_unpacked(h->seen, NULL);
	h->seen = proto_copy_request(req);
	if (h->call_error)
		return h->call_error;
	assert_non_null(h->canned);
	*reply = proto_copy_reply(h->canned);
	return 0;
}

int harness_setup(void **state)
{
	struct harness *h = calloc(1, sizeof(*h));

	setenv("TZ", "UTC", 1);
	tzset();
	*state = h;
	return 0;
}

int harness_teardown(void **state)
{
	struct harness *h = *state;

	if (h->seen)
		clusterd__request__free_unpacked(h->seen, NULL);
	if (h->in)
		fclose(h->in);
	free(h->out);
	free(h->err);
	free(h);
	return 0;
}

void set_stdin(struct harness *h, const void *data, size_t len)
{
	static char copy[64];

	assert_true(len <= sizeof(copy));
	memcpy(copy, data, len);
	h->in = len ? fmemopen(copy, len, "r") : fopen("/dev/null", "r");
	assert_non_null(h->in);
}

int run(struct harness *h, ...)
{
	char *argv[32];
	int argc = 0, rc;
	FILE *out, *err;
	va_list ap;

	free(h->out);
	free(h->err);
	out = open_memstream(&h->out, &h->out_len);
	err = open_memstream(&h->err, &h->err_len);
	argv[argc++] = strdup("clusterctl");
	va_start(ap, h);
	for (const char *a; (a = va_arg(ap, const char *));)
		argv[argc++] = strdup(a);
	va_end(ap);
	argv[argc] = NULL;
	cli_ctx_init(&h->ctx, fake_call, h);
	h->ctx.out = out;
	h->ctx.err = err;
	h->ctx.in = h->in ? h->in : stdin;
	h->calls = 0;
	rc = cli_run(&h->ctx, argc, argv);
	fclose(out);
	fclose(err);
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	return rc;
}

json_object *parse_json(const char *text)
{
	json_object *obj = json_tokener_parse(text);

	assert_non_null(obj);
	return obj;
}

json_object *key(json_object *obj, const char *name)
{
	json_object *v = NULL;

	assert_true(json_object_object_get_ex(obj, name, &v));
	return v;
}

/* --------------------------------------------------------- replies --- */

static Clusterd__WriteReply write_result = {
    PROTOBUF_C_MESSAGE_INIT(&clusterd__write_reply__descriptor), 42};
Clusterd__Reply write_reply = {
    PROTOBUF_C_MESSAGE_INIT(&clusterd__reply__descriptor),
    NULL,
    0,
    "",
    CLUSTERD__REPLY__RESULT_WRITE,
    {.write = &write_result}};

void set_error(Clusterd__Reply *reply, int err, const char *message)
{
	*reply = (Clusterd__Reply)CLUSTERD__REPLY__INIT;
	reply->errno_code = err;
	reply->error_message = (char *)message;
}

void make_stat(Clusterd__Stat *s, const char *path, Clusterd__EntryType type,
	       uint64_t size, uint64_t version)
{
	*s = (Clusterd__Stat)CLUSTERD__STAT__INIT;
	s->path = (char *)path;
	s->type = type;
	s->size = size;
	s->version = version;
	s->writer = 2;
	s->mtime_ms = 1764153580123;
}
