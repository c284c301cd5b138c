/*
 * Shared between join_server.c (connections, TLS, framing) and
 * join_handler.c (what a join request does to the cluster).
 */
#pragma once

#include "clusterd.h"
#include "clusterd.pb-c.h"
#include "join_token.h"

#include <limits.h>
#include <openssl/ssl.h>
#include <qb/qbloop.h>

#define JOIN_MAX_MSG	  (1 << 20)
#define JOIN_TIMEOUT_MS	  15000
#define JOIN_MAX_CONNS	  16
#define JOIN_SKEW_WARN_MS 5000

enum join_conn_state {
	JC_HANDSHAKE,
	JC_READ,
	JC_WORK, /* waiting for replicated writes */
	JC_WRITE,
};

/* The steps of an accepted join, each one replicated write. */
enum join_step {
	JS_NONE,
	JS_CONSUME_TOKEN,
	JS_WRITE_CONF,
};

struct join_conn {
	struct join_server *js;
	struct join_conn *next;
	int fd;
	SSL *ssl;
	enum join_conn_state state;
	qb_loop_timer_handle timer;
	char peer[64];
	uint8_t *in;
	size_t in_len;
	uint8_t *out;
	size_t out_len, out_off;
	/* JC_WORK */
	enum join_step step;
	struct join_write *pending; /* in the daemon's write queue */
	int write_err;
	char token_path[64];
	char name[64];
	char *new_conf;
	uint64_t conf_version; /* the tree entry's, for compare-and-swap */
	uint32_t nodeid;
	char warning[128];
};

struct ipc_server;
struct join_server {
	struct clusterd *cd;
	SSL_CTX *ctx;
	char fingerprint[JOIN_HEX_LEN + 1];
	uint32_t port;
	char authkey_path[PATH_MAX];
	int listen_fd;
	struct join_conn *conns;
	unsigned n_conns;
};

/* join_handler.c: start on a decoded request (the connection is in
 * JC_WORK); it answers with join_conn_reply() now or after its writes. */
void join_handle_request(struct join_conn *c, const Clusterd__JoinRequest *req);
/* The write of the current step was decided and committed. */
void join_handle_decided(struct join_conn *c);
/* The connection closes: its queued write, if any, will find nobody. */
void join_write_detach(struct join_write *jw);

/* join_info.c: serve JoinInfoRequest over IPC. */
int join_info_register(struct join_server *js);

/* join_server.c: answer and close. ERR 0 (with the conf, authkey) or a
 * positive errno and MESSAGE. */
void join_conn_reply(struct join_conn *c, int err, const char *message,
		     const char *conf, const uint8_t *authkey, size_t keylen);
