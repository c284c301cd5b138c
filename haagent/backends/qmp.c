/*
 * QMP client (see qmp.h).
 *
 * QMP messages are JSON objects, one per line. Bytes are read into a
 * buffer and a json_tokener parses one complete message at a time; a
 * message larger than the buffer is a protocol error (QMP replies of the
 * commands used here are small).
 */
#include "qmp.h"
#include "macro.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#define QMP_BUF (256 * 1024)

struct qmp {
	int fd;
	size_t len;
	char buf[QMP_BUF];
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Take one line from the buffer, reading as needed until DEADLINE. */
static int read_line(struct qmp *q, long long deadline, char **line)
{
	for (;;) {
		char *nl = memchr(q->buf, '\n', q->len);
		struct pollfd p = {.fd = q->fd, .events = POLLIN};
		long long left;
		ssize_t n;

		if (nl) {
			size_t l = nl - q->buf;

			*line = strndup(q->buf, l);
			memmove(q->buf, nl + 1, q->len - l - 1);
			q->len -= l + 1;
			return *line ? 0 : -ENOMEM;
		}
		if (q->len == sizeof(q->buf))
			return -EPROTO;
		left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(&p, 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ETIMEDOUT;
		n = read(q->fd, q->buf + q->len, sizeof(q->buf) - q->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ECONNRESET;
		q->len += n;
	}
}

/* The next message that is not an event. */
static int read_message(struct qmp *q, long long deadline, json_object **out)
{
	for (;;) {
		_cleanup_free_ char *line = NULL;
		json_object *msg;
		int r = read_line(q, deadline, &line);

		if (r < 0)
			return r;
		if (!line[strspn(line, " \t\r")])
			continue;
		msg = json_tokener_parse(line);
		if (!msg || !json_object_is_type(msg, json_type_object)) {
			json_object_put(msg);
			return -EPROTO;
		}
		if (json_object_object_get_ex(msg, "event", NULL)) {
			json_object_put(msg);
			continue;
		}
		*out = msg;
		return 0;
	}
}

static int send_all(int fd, const char *s)
{
	size_t len = strlen(s);

	while (len > 0) {
		ssize_t n = send(fd, s, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EPIPE ? -ECONNRESET : -errno;
		s += n;
		len -= n;
	}
	return 0;
}

const char *qmp_get_string(json_object *obj, const char *key)
{
	json_object *v;

	if (!obj || !json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

int qmp_execute(struct qmp *q, const char *cmd, json_object *args,
		int timeout_ms, json_object **ret, char *errbuf, size_t errsize)
{
	json_object *req = json_object_new_object(), *reply = NULL, *v;
	long long deadline = now_ms() + timeout_ms;
	int r;

	if (!req)
		return -ENOMEM;
	json_object_object_add(req, "execute", json_object_new_string(cmd));
	if (args)
		json_object_object_add(req, "arguments", json_object_get(args));
	r = send_all(
	    q->fd, json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN));
	json_object_put(req);
	if (r == 0)
		r = send_all(q->fd, "\n");
	if (r == 0)
		r = read_message(q, deadline, &reply);
	if (r < 0)
		return r;
	if (json_object_object_get_ex(reply, "return", &v)) {
		if (ret)
			*ret = json_object_get(v);
	} else if (json_object_object_get_ex(reply, "error", &v)) {
		const char *desc = qmp_get_string(v, "desc");

		if (errbuf)
			snprintf(errbuf, errsize, "%s", desc ? desc : "error");
		r = -EREMOTEIO;
	} else
		r = -EPROTO;
	json_object_put(reply);
	return r;
}

static int connect_socket(const char *path, int *fd)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	*fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (*fd < 0)
		return -errno;
	if (connect(*fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = -errno;

		close(*fd);
		return e;
	}
	return 0;
}

int qmp_connect(const char *path, int timeout_ms, struct qmp **out)
{
	_cleanup_free_ struct qmp *q = calloc(1, sizeof(*q));
	json_object *greeting = NULL;
	int r;

	if (!q)
		return -ENOMEM;
	r = connect_socket(path, &q->fd);
	if (r < 0)
		return r;
	r = read_message(q, now_ms() + timeout_ms, &greeting);
	if (r == 0 && !json_object_object_get_ex(greeting, "QMP", NULL))
		r = -EPROTO;
	json_object_put(greeting);
	if (r == 0)
		r = qmp_execute(q, "qmp_capabilities", NULL, timeout_ms, NULL,
				NULL, 0);
	if (r < 0) {
		close(q->fd);
		return r;
	}
	*out = TAKE_PTR(q);
	return 0;
}

void qmp_close(struct qmp *q)
{
	if (!q)
		return;
	close(q->fd);
	free(q);
}
