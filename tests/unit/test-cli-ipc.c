/*
 * The ipc_client group of test-cli: lib/ipc_client.c against a stand-in
 * libqb server (service "cdtest-PID") forked per test, whose behaviour
 * each request selects by its GetRequest path: a correct reply, a wrong
 * id or version, garbage, bad framing, a late reply, death. Separate from
 * the cli cases, which use a fake transport and none of this server.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <qb/qbipc_common.h>
#include <qb/qbipcs.h>
#include <qb/qbloop.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ipc_client.h"
#include "ipc_proto.h"

#include "cli-harness.h"

/* ------------------------------------------------ ipc stand-in server --- */

static qb_loop_t *server_loop;

static int32_t srv_job_add(enum qb_loop_priority p, void *data,
			   qb_loop_job_dispatch_fn fn)
{
	return qb_loop_job_add(server_loop, p, data, fn);
}

static int32_t srv_poll_add(enum qb_loop_priority p, int32_t fd, int32_t events,
			    void *data, qb_ipcs_dispatch_fn_t fn)
{
	return qb_loop_poll_add(server_loop, p, fd, events, data, fn);
}

static int32_t srv_poll_mod(enum qb_loop_priority p, int32_t fd, int32_t events,
			    void *data, qb_ipcs_dispatch_fn_t fn)
{
	return qb_loop_poll_mod(server_loop, p, fd, events, data, fn);
}

static int32_t srv_poll_del(int32_t fd)
{
	return qb_loop_poll_del(server_loop, fd);
}

static int32_t srv_accept(qb_ipcs_connection_t *c, uid_t uid, gid_t gid)
{
	return 0;
}

static void srv_send(qb_ipcs_connection_t *c, int32_t frame_id,
		     const uint8_t *payload, size_t len)
{
	struct qb_ipc_response_header rh = {.id = frame_id};
	uint8_t *buf = malloc(sizeof(rh) + len + 1);

	rh.size = (int32_t)(sizeof(rh) + len);
	memcpy(buf, &rh, sizeof(rh));
	memcpy(buf + sizeof(rh), payload, len);
	qb_ipcs_response_send(c, buf, sizeof(rh) + len);
	free(buf);
}

/* Answer per the mode named by the GetRequest's path. The reply's data
 * echoes the path; its errno_code is EPROTO if the request's framing or
 * header was not as ipc_proto.h says. */
static int32_t srv_message(qb_ipcs_connection_t *c, void *data, size_t size)
{
	struct qb_ipc_request_header rh; /* libqb's data is 4-aligned only */
	Clusterd__Header header = CLUSTERD__HEADER__INIT;
	Clusterd__GetReply get = CLUSTERD__GET_REPLY__INIT;
	Clusterd__Reply reply = CLUSTERD__REPLY__INIT;
	static const uint8_t garbage[] = {0x0a, 0x7f, 0x08, 0x01};
	Clusterd__Request *req;
	const char *mode;
	uint8_t *buf;
	size_t len;

	memcpy(&rh, data, sizeof(rh));
	req = clusterd__request__unpack(NULL, size - sizeof(rh),
					(const uint8_t *)data + sizeof(rh));
	if (!req || !req->header || req->op_case != CLUSTERD__REQUEST__OP_GET)
		_exit(3);
	mode = req->get->path;
	if (rh.id != IPC_MSG_REQUEST || (size_t)rh.size != size ||
	    req->header->protocol_version != 1 || req->header->request_id == 0)
		reply.errno_code = EPROTO;
	header.protocol_version = strcmp(mode, "wrong-version") == 0 ? 2 : 1;
	header.request_id = req->header->request_id +
			    (strcmp(mode, "wrong-id") == 0 ? 1000 : 0);
	reply.header = &header;
	reply.result_case = CLUSTERD__REPLY__RESULT_GET;
	reply.get = &get;
	get.data.data = (uint8_t *)mode;
	get.data.len = strlen(mode);
	buf = malloc(clusterd__reply__get_packed_size(&reply) + 1);
	len = clusterd__reply__pack(&reply, buf);
	if (strcmp(mode, "die") == 0)
		_exit(0);
	if (strcmp(mode, "late") == 0)
		usleep(1000 * 1000);
	if (strcmp(mode, "garbage") == 0)
		srv_send(c, IPC_MSG_REPLY, garbage, sizeof(garbage));
	else
		srv_send(c, strcmp(mode, "bad-frame") == 0 ? 99 : IPC_MSG_REPLY,
			 buf, len);
	free(buf);
	clusterd__request__free_unpacked(req, NULL);
	return 0;
}

/* Fork a server for SERVICE; returns its pid once it accepts clients. */
static pid_t start_server(const char *service)
{
	static struct qb_ipcs_service_handlers handlers = {
	    .connection_accept = srv_accept,
	    .msg_process = srv_message,
	};
	static struct qb_ipcs_poll_handlers poll = {
	    .job_add = srv_job_add,
	    .dispatch_add = srv_poll_add,
	    .dispatch_mod = srv_poll_mod,
	    .dispatch_del = srv_poll_del,
	};
	int fds[2];
	char ready;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		qb_ipcs_service_t *s;

		close(fds[0]);
		server_loop = qb_loop_create();
		s = qb_ipcs_create(service, 0, QB_IPC_SHM, &handlers);
		qb_ipcs_poll_handlers_set(s, &poll);
		if (!s || qb_ipcs_run(s) != 0)
			_exit(2);
		if (write(fds[1], "r", 1) != 1)
			_exit(2);
		qb_loop_run(server_loop);
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &ready, 1), 1);
	close(fds[0]);
	return pid;
}

static void stop_server(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

struct ipc_fixture {
	char service[64];
	pid_t server;
	struct ipc_client *client;
};

int ipc_setup(void **state)
{
	struct ipc_fixture *f = calloc(1, sizeof(*f));

	snprintf(f->service, sizeof(f->service), "cdtest-%d", (int)getpid());
	f->server = start_server(f->service);
	assert_int_equal(ipc_client_connect_service(f->service, &f->client), 0);
	*state = f;
	return 0;
}

int ipc_teardown(void **state)
{
	struct ipc_fixture *f = *state;

	ipc_client_free(f->client);
	if (f->server > 0)
		stop_server(f->server);
	free(f);
	return 0;
}

/* Call with a GetRequest for MODE; returns the call's result. */
static int call_mode(struct ipc_client *c, const char *mode, int timeout_ms,
		     Clusterd__Reply **reply)
{
	Clusterd__GetRequest get = CLUSTERD__GET_REQUEST__INIT;
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;

	get.path = (char *)mode;
	req.op_case = CLUSTERD__REQUEST__OP_GET;
	req.get = &get;
	return ipc_client_call(c, &req, timeout_ms, reply);
}

static void expect_echo(struct ipc_client *c, const char *mode)
{
	Clusterd__Reply *reply = NULL;

	assert_int_equal(call_mode(c, mode, 5000, &reply), 0);
	assert_non_null(reply);
	assert_int_equal(reply->errno_code, 0);
	assert_int_equal(reply->result_case, CLUSTERD__REPLY__RESULT_GET);
	assert_int_equal(reply->get->data.len, strlen(mode));
	assert_memory_equal(reply->get->data.data, mode, strlen(mode));
	ipc_client_reply_free(reply);
}

void ipc_round_trip(void **state)
{
	struct ipc_fixture *f = *state;

	expect_echo(f->client, "echo");
	expect_echo(f->client, "again"); /* a fresh id each time */
}

/* A file of 8 MiB travels both ways (the path stands in for it). */
void ipc_large_messages(void **state)
{
	struct ipc_fixture *f = *state;
	size_t len = 8 * 1024 * 1024;
	char *big = malloc(len + 1);

	memset(big, 'x', len);
	big[len] = '\0';
	expect_echo(f->client, big);
	free(big);
}

void ipc_bad_replies_are_eproto(void **state)
{
	static const char *const modes[] = {"wrong-id", "wrong-version",
					    "garbage", "bad-frame"};
	struct ipc_fixture *f = *state;
	Clusterd__Reply *reply;

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		reply = (Clusterd__Reply *)1;
		assert_int_equal(call_mode(f->client, modes[i], 5000, &reply),
				 -EPROTO);
		assert_null(reply);
	}
}

void ipc_timeout_then_late_reply_is_dropped(void **state)
{
	struct ipc_fixture *f = *state;
	Clusterd__Reply *reply;
	struct timespec t0, t1;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(call_mode(f->client, "late", 100, &reply), -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	     (t1.tv_nsec - t0.tv_nsec) / 1000000;
	/* Only the lower bound: an upper one would test machine speed. */
	assert_true(ms >= 100);
	/* The reply to "late" arrives first and must not be taken for this
	 * call's. */
	expect_echo(f->client, "after-late");
}

/* A server killed mid-connection cannot remove its libqb shared-memory
 * directory (/dev/shm/qb-SERVERPID-...): do it, so tests leave nothing. */
static void remove_shm_leftovers(pid_t server)
{
	char pattern[64];
	glob_t dirs, files;

	snprintf(pattern, sizeof(pattern), "/dev/shm/qb-%d-*", (int)server);
	if (glob(pattern, 0, NULL, &dirs) != 0)
		return;
	for (size_t i = 0; i < dirs.gl_pathc; i++) {
		char inner[PATH_MAX];

		snprintf(inner, sizeof(inner), "%s/*", dirs.gl_pathv[i]);
		if (glob(inner, 0, NULL, &files) == 0) {
			for (size_t j = 0; j < files.gl_pathc; j++)
				unlink(files.gl_pathv[j]);
			globfree(&files);
		}
		rmdir(dirs.gl_pathv[i]);
	}
	globfree(&dirs);
}

void ipc_server_death_is_an_error_not_a_hang(void **state)
{
	struct ipc_fixture *f = *state;
	Clusterd__Reply *reply;
	int r;

	r = call_mode(f->client, "die", 20000, &reply);
	assert_true(r < 0);
	assert_int_not_equal(r, -ETIMEDOUT);
	waitpid(f->server, NULL, 0);
	remove_shm_leftovers(f->server);
	f->server = 0;
}

void ipc_no_server_is_econnrefused(void **state)
{
	struct ipc_client *c = NULL;
	int r = ipc_client_connect_service("cdtest-nobody-listens", &c);

	assert_true(r == -ECONNREFUSED || r == -ENOENT);
	assert_null(c);
	assert_non_null(strstr(ipc_client_strerror(r), "not running"));
}
