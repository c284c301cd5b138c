/*
 * The joiner's side of the join protocol: TCP to the member's join port,
 * TLS without a CA, the member's certificate checked against the
 * fingerprint in the token before anything secret is sent, then one framed
 * JoinRequest and one framed JoinReply (4-byte big-endian length). The
 * socket has send and receive timeouts, so a dead member fails the command
 * instead of hanging it.
 */
#include "config.h"

#include "join_token.h"
#include "lifecycle.h"
#include "macro.h"

#include <errno.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#define MAX_REPLY (1 << 20)

static int dial(const char *host, uint16_t port, int timeout_ms)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai, *i;
	struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
	char service[8];
	int fd = -1, r = -EHOSTUNREACH;

	snprintf(service, sizeof(service), "%u", port);
	if (getaddrinfo(host, service, &hints, &ai) != 0)
		return -EHOSTUNREACH;
	for (i = ai; i && fd < 0; i = i->ai_next) {
		fd = socket(i->ai_family, i->ai_socktype | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (connect(fd, i->ai_addr, i->ai_addrlen) < 0) {
			r = -errno;
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(ai);
	return fd >= 0 ? fd : r;
}

static int check_peer(SSL *ssl, const char *fingerprint)
{
	X509 *cert = SSL_get1_peer_certificate(ssl);
	unsigned char *der = NULL;
	char fp[JOIN_HEX_LEN + 1] = "";
	int n;

	if (!cert)
		return -EPERM;
	n = i2d_X509(cert, &der);
	if (n > 0)
		join_sha256_hex(der, n, fp);
	OPENSSL_free(der);
	X509_free(cert);
	return strcmp(fp, fingerprint) == 0 ? 0 : -EPERM;
}

static int ssl_io_all(SSL *ssl, void *buf, size_t len, bool writing)
{
	size_t done = 0;

	while (done < len) {
		int r = writing ? SSL_write(ssl, (char *)buf + done, len - done)
				: SSL_read(ssl, (char *)buf + done, len - done);

		if (r <= 0)
			return -EIO;
		done += r;
	}
	return 0;
}

static int exchange(SSL *ssl, const Clusterd__JoinRequest *req,
		    Clusterd__JoinReply **reply)
{
	size_t n = clusterd__join_request__get_packed_size(req);
	_cleanup_free_ uint8_t *buf = malloc(n + 4);
	uint8_t hdr[4];
	size_t len;

	if (!buf)
		return -ENOMEM;
	buf[0] = n >> 24, buf[1] = n >> 16, buf[2] = n >> 8, buf[3] = n;
	clusterd__join_request__pack(req, buf + 4);
	if (ssl_io_all(ssl, buf, n + 4, true) < 0 ||
	    ssl_io_all(ssl, hdr, 4, false) < 0)
		return -EIO;
	len = (size_t)hdr[0] << 24 | hdr[1] << 16 | hdr[2] << 8 | hdr[3];
	if (len > MAX_REPLY)
		return -EBADMSG;
	free(buf);
	buf = malloc(len ? len : 1);
	if (!buf)
		return -ENOMEM;
	if (ssl_io_all(ssl, buf, len, false) < 0)
		return -EIO;
	*reply = clusterd__join_reply__unpack(NULL, len, buf);
	return *reply ? 0 : -EBADMSG;
}

int join_exchange(const char *host, uint16_t port, const char *fingerprint,
		  const Clusterd__JoinRequest *req, int timeout_ms,
		  Clusterd__JoinReply **reply, const char **why)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	SSL *ssl = NULL;
	int fd = dial(host, port, timeout_ms), r;

	signal(SIGPIPE, SIG_IGN); /* a member closing early is an error */
	if (fd < 0) {
		SSL_CTX_free(ctx);
		return *why = "cannot connect to the member's join port", fd;
	}
	r = -EIO;
	*why = "TLS handshake with the member failed";
	if (ctx && (ssl = SSL_new(ctx)) && SSL_set_fd(ssl, fd) == 1 &&
	    SSL_connect(ssl) == 1) {
		r = check_peer(ssl, fingerprint);
		if (r < 0)
			*why = "the member's certificate does not match the "
			       "token's fingerprint";
		else if ((r = exchange(ssl, req, reply)) < 0)
			*why = "the member did not answer the join request";
	}
	if (ssl) {
		SSL_shutdown(ssl);
		SSL_free(ssl);
	}
	SSL_CTX_free(ctx);
	ERR_clear_error();
	close(fd);
	return r;
}
