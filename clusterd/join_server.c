/*
 * The join endpoint's connections (see join_server.h).
 *
 * A connection is a small state machine driven by poll events:
 * HANDSHAKE -> READ (a 4-byte big-endian length, then a JoinRequest) ->
 * WORK (join_handler.c, off the poll set while replicated writes run) ->
 * WRITE (the JoinReply) -> closed. OpenSSL's WANT_READ/WANT_WRITE decide
 * which event to wait for. A timer closes a connection that has not
 * finished within JOIN_TIMEOUT_MS, and at most JOIN_MAX_CONNS are open at
 * once (further ones are closed at accept).
 */
#include "join_server.h"
#include "join_internal.h"
#include "join_tls.h"
#include "log.h"
#include "macro.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void conn_close(struct join_conn *c)
{
	struct join_server *js = c->js;
	struct join_conn **p;

	for (p = &js->conns; *p && *p != c; p = &(*p)->next)
		;
	if (*p)
		*p = c->next;
	js->n_conns--;
	join_write_detach(c->pending);
	qb_loop_timer_del(js->cd->loop, c->timer);
	if (c->state != JC_WORK)
		qb_loop_poll_del(js->cd->loop, c->fd);
	if (c->ssl) {
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	close(c->fd);
	free(c->in);
	free(c->out);
	free(c->new_conf);
	free(c);
}

static int on_conn_event(int32_t fd, int32_t revents, void *data);

static void set_events(struct join_conn *c, int events)
{
	qb_loop_poll_mod(c->js->cd->loop, QB_LOOP_MED, c->fd, events, c,
			 on_conn_event);
}

/* An SSL call returned R: 0 to wait for the right event, -1 to close. */
static int ssl_wait(struct join_conn *c, int r)
{
	switch (SSL_get_error(c->ssl, r)) {
	case SSL_ERROR_WANT_READ: set_events(c, POLLIN); return 0;
	case SSL_ERROR_WANT_WRITE: set_events(c, POLLOUT); return 0;
	default:
		log_info("Join endpoint: connection from %s failed (TLS)",
			 c->peer);
		ERR_clear_error();
		return -1;
	}
}

static int process_request(struct join_conn *c, size_t len)
{
	Clusterd__JoinRequest *req =
	    clusterd__join_request__unpack(NULL, len, c->in + 4);

	qb_loop_poll_del(c->js->cd->loop, c->fd);
	c->state = JC_WORK;
	if (!req || !req->header) {
		join_conn_reply(c, EBADMSG, "malformed join request", NULL,
				NULL, 0);
	} else {
		log_notice("Join request from %s (node '%.64s')", c->peer,
			   req->name);
		join_handle_request(c, req);
	}
	clusterd__join_request__free_unpacked(req, NULL);
	return 0;
}

static int read_some(struct join_conn *c)
{
	for (;;) {
		size_t need = 4, cap;
		int r;

		if (c->in_len >= 4) {
			need = 4 + ((size_t)c->in[0] << 24 | c->in[1] << 16 |
				    c->in[2] << 8 | c->in[3]);
			if (need > JOIN_MAX_MSG + 4)
				return -1;
			if (c->in_len == need)
				return process_request(c, need - 4);
		}
		cap = need;
		if (!c->in || c->in_len == 4) {
			uint8_t *n = realloc(c->in, cap);

			if (!n)
				return -1;
			c->in = n;
		}
		r = SSL_read(c->ssl, c->in + c->in_len, need - c->in_len);
		if (r <= 0)
			return ssl_wait(c, r);
		c->in_len += r;
	}
}

static int drive(struct join_conn *c)
{
	int r;

	switch (c->state) {
	case JC_HANDSHAKE:
		r = SSL_do_handshake(c->ssl);
		if (r != 1)
			return ssl_wait(c, r);
		c->state = JC_READ;
		/* fall through */
	case JC_READ: return read_some(c);
	case JC_WRITE:
		r = SSL_write(c->ssl, c->out, c->out_len);
		if (r <= 0)
			return ssl_wait(c, r);
		return -1; /* all written (no partial writes): done */
	case JC_WORK: return 0;
	}
	return -1;
}

static int on_conn_event(int32_t fd, int32_t revents, void *data)
{
	struct join_conn *c = data;

	if (drive(c) < 0)
		conn_close(c);
	return 0;
}

static void on_conn_timeout(void *data)
{
	struct join_conn *c = data;

	log_info("Join endpoint: connection from %s timed out", c->peer);
	c->timer = 0;
	conn_close(c);
}

void join_conn_reply(struct join_conn *c, int err, const char *message,
		     const char *conf, const uint8_t *authkey, size_t keylen)
{
	Clusterd__Header h = CLUSTERD__HEADER__INIT;
	Clusterd__JoinReply rep = CLUSTERD__JOIN_REPLY__INIT;
	size_t n;

	h.protocol_version =
	    CLUSTERD__PROTOCOL_VERSION__PROTOCOL_VERSION_CURRENT;
	rep.header = &h;
	rep.errno_code = err;
	rep.error_message = (char *)(message ? message : "");
	rep.warning = c->warning;
	rep.cluster_name = (char *)transport_cluster_name(c->js->cd->transport);
	if (err == 0) {
		rep.nodeid = c->nodeid;
		rep.corosync_conf.data = (uint8_t *)conf;
		rep.corosync_conf.len = strlen(conf);
		rep.authkey.data = (uint8_t *)authkey;
		rep.authkey.len = keylen;
	}
	if (err)
		log_notice("Join from %s refused: %s", c->peer, message);
	n = clusterd__join_reply__get_packed_size(&rep);
	c->out = malloc(n + 4);
	c->step = JS_NONE;
	if (!c->out) {
		conn_close(c);
		return;
	}
	c->out[0] = n >> 24, c->out[1] = n >> 16, c->out[2] = n >> 8;
	c->out[3] = n;
	clusterd__join_reply__pack(&rep, c->out + 4);
	c->out_len = n + 4;
	c->state = JC_WRITE;
	if (qb_loop_poll_add(c->js->cd->loop, QB_LOOP_MED, c->fd, POLLOUT, c,
			     on_conn_event) < 0)
		conn_close(c);
}

static void describe_peer(const struct sockaddr_storage *ss, char *buf,
			  size_t len)
{
	const struct sockaddr_in6 *s6 = (const void *)ss;
	const struct sockaddr_in *s4 = (const void *)ss;

	if (ss->ss_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
		inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], buf, len);
	else if (ss->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &s6->sin6_addr, buf, len);
	else
		inet_ntop(AF_INET, &s4->sin_addr, buf, len);
}

static void accept_one(struct join_server *js, int fd)
{
	struct join_conn *c = calloc(1, sizeof(*c));

	if (!c) {
		close(fd);
		return;
	}
	c->js = js;
	c->fd = fd;
	c->ssl = SSL_new(js->ctx);
	if (!c->ssl || SSL_set_fd(c->ssl, fd) != 1) {
		SSL_free(c->ssl);
		close(fd);
		free(c);
		return;
	}
	SSL_set_accept_state(c->ssl);
	c->next = js->conns;
	js->conns = c;
	js->n_conns++;
	qb_loop_timer_add(js->cd->loop, QB_LOOP_LOW,
			  JOIN_TIMEOUT_MS * QB_TIME_NS_IN_MSEC, c,
			  on_conn_timeout, &c->timer);
	if (qb_loop_poll_add(js->cd->loop, QB_LOOP_MED, fd, POLLIN, c,
			     on_conn_event) < 0) {
		c->state = JC_WORK; /* not in the poll set */
		conn_close(c);
	}
}

static int on_listen_event(int32_t lfd, int32_t revents, void *data)
{
	struct join_server *js = data;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd = accept4(lfd, (struct sockaddr *)&ss, &sl,
			 SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return 0;
	if (js->n_conns >= JOIN_MAX_CONNS) {
		log_warning("Join endpoint: too many connections, one closed");
		close(fd);
		return 0;
	}
	accept_one(js, fd);
	if (js->conns && js->conns->fd == fd)
		describe_peer(&ss, js->conns->peer, sizeof(js->conns->peer));
	return 0;
}

static int listen_on(uint32_t port)
{
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6,
				  .sin6_port = htons(port),
				  .sin6_addr = IN6ADDR_ANY_INIT};
	struct sockaddr_in a4 = {.sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = INADDR_ANY};
	int one = 1, zero = 0;
	int fd =
	    socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
		if (bind(fd, (struct sockaddr *)&a6, sizeof(a6)) == 0 &&
		    listen(fd, 16) == 0)
			return fd;
		close(fd);
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a4, sizeof(a4)) < 0 ||
	    listen(fd, 16) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

int join_server_new(struct clusterd *cd, const char *data_dir, uint32_t port,
		    const char *authkey_path, struct join_server **out)
{
	struct join_server *js = calloc(1, sizeof(*js));
	int r;

	if (!js)
		return -ENOMEM;
	js->cd = cd;
	js->listen_fd = -1;
	/* A joiner that goes away mid-write must not kill the daemon. */
	signal(SIGPIPE, SIG_IGN);
	snprintf(js->authkey_path, sizeof(js->authkey_path), "%s",
		 authkey_path);
	*out = js;
	r = join_info_register(js);
	if (r < 0 || port == 0)
		return r;
	r = join_tls_server(data_dir, &js->ctx, js->fingerprint);
	if (r < 0)
		return r;
	js->listen_fd = listen_on(port);
	if (js->listen_fd < 0)
		return log_error_errno(
		    js->listen_fd, "Cannot listen on TCP port %u (join_port)",
		    port);
	r = qb_loop_poll_add(cd->loop, QB_LOOP_MED, js->listen_fd, POLLIN, js,
			     on_listen_event);
	if (r < 0)
		return log_error_errno(r, "Cannot poll the join endpoint");
	js->port = port;
	log_info("Join endpoint on TCP port %u, certificate %s", port,
		 js->fingerprint);
	return 0;
}

void join_server_free(struct join_server *js)
{
	if (!js)
		return;
	while (js->conns)
		conn_close(js->conns);
	if (js->listen_fd >= 0) {
		if (js->port)
			qb_loop_poll_del(js->cd->loop, js->listen_fd);
		close(js->listen_fd);
	}
	SSL_CTX_free(js->ctx);
	free(js);
}
