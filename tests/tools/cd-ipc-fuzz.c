/*
 * cd-ipc-fuzz: feed clusterd's IPC endpoint malformed requests and check
 * that each one gets an answer that keeps the daemon's contract.
 *
 *   cd-ipc-fuzz [-n COUNT] [-s SEED] [-t TIMEOUT_MS] [-d DIR]
 *
 * Why raw libqb and a hand-made encoder: lib/ipc_client.c and protobuf-c's
 * packer only make well-formed frames, and the daemon must survive
 * whatever a local process can send. So frames are built byte by byte
 * (strings with NUL bytes, lengths that lie, unknown fields, qb headers
 * that lie) and sent one at a time with qb_ipcc_send().
 *
 * The oracle is evaluated on what the daemon will really read. libqb hands
 * the server the size the client declares in the frame header, not the
 * size it sent, so the prediction decodes exactly the declared bytes; a
 * frame that declares more than it carries goes first on a fresh
 * connection, whose buffers start zeroed, so the bytes past its end are
 * known. Undecodable or headerless requests must get EPROTO, another
 * protocol version EPROTONOSUPPORT, an unknown operation EOPNOTSUPP, a bad
 * path EINVAL or ENAMETOOLONG; anything else may succeed or fail, but as a
 * well-formed Reply to that request id, with a message for humans. Only
 * frames invalid to libqb itself (empty, or its DISCONNECT id) may go
 * unanswered or cost the connection.
 *
 * Writes: every request is decoded before it is sent, and one whose write
 * could land outside DIR/ (a valid path elsewhere) is skipped, so that a
 * test can check that nothing else in the tree changed.
 *
 * Exit status: 0 if every answer kept the contract and a final "members"
 * request succeeded, 1 otherwise, 2 on usage.
 *
 * Files: this one drives the traffic and judges the answers;
 * cd-ipc-fuzz-gen.c makes the frames, cd-ipc-fuzz-oracle.c predicts the
 * answers, cd-ipc-fuzz.h declares what they share.
 */
#include "cd-ipc-fuzz.h"
#include "ipc_client.h"
#include "test-path.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------ traffic */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* A new connection; retried for 10 s, since the daemon may be busy. */
static int reconnect(struct fuzz *f)
{
	int64_t deadline = now_ms() + 10000;

	if (f->conn)
		qb_ipcc_disconnect(f->conn), f->reconnects++;
	while (
	    !(f->conn = qb_ipcc_connect(IPC_SERVICE_NAME, IPC_MAX_MSG_SIZE))) {
		if (now_ms() > deadline) {
			fprintf(stderr,
				"cd-ipc-fuzz: cannot connect to "
				"clusterd: %s\n",
				strerror(errno));
			return -1;
		}
		nanosleep(&(struct timespec){0, 50000000}, NULL);
	}
	f->bufsize = qb_ipcc_get_buffer_size(f->conn);
	if (!f->rbuf)
		f->rbuf = malloc(f->bufsize);
	return f->rbuf ? 0 : -1;
}

/* Count a broken promise and show the frame, for reproduction. */
static void complain(struct fuzz *f, unsigned long *counter, const char *kind,
		     const char *what)
{
	struct qb_ipc_request_header h = {};

	(*counter)++;
	if (f->bad + f->mismatches + f->drops_unexpected + f->timeouts > 20)
		return;
	if (f->cur->len)
		memcpy(&h, f->cur->p, f->cur->len < HDR ? f->cur->len : HDR);
	fprintf(stderr,
		"cd-ipc-fuzz: request %lu (%s, %zu bytes, id %d, declared "
		"%d): %s\n  ",
		f->sent, kind, f->cur->len, h.id, h.size, what);
	for (size_t i = 0; i < f->cur->len && i < 64; i++)
		fprintf(stderr, "%02x", f->cur->p[i]);
	fprintf(stderr, "%s\n", f->cur->len > 64 ? "..." : "");
}

/* Judge a received message against E. */
static void judge(struct fuzz *f, ssize_t n, const struct expect *e,
		  const char *kind)
{
	struct qb_ipc_response_header rh;
	Clusterd__Reply *r = NULL;
	char what[160];

	memcpy(&rh, f->rbuf, n < (ssize_t)RHDR ? 0 : RHDR);
	if (n >= (ssize_t)RHDR && rh.id == IPC_MSG_REPLY && rh.size == n &&
	    !rh.error)
		r = clusterd__reply__unpack(NULL, n - RHDR, f->rbuf + RHDR);
	if (!r || !r->header || r->header->protocol_version != 1 ||
	    r->errno_code < 0 || (r->errno_code && !*r->error_message)) {
		complain(f, &f->bad, kind, "malformed or unclear reply");
	} else if (!e->ipc_invalid &&
		   (r->header->request_id != e->id ||
		    (e->err != ANY && r->errno_code != e->err) ||
		    (!r->errno_code && e->result &&
		     (int)r->result_case != e->result))) {
		snprintf(what, sizeof(what),
			 "got errno %d (%s) result %d id %llu, expected errno "
			 "%d result %d id %llu",
			 r->errno_code, r->error_message, r->result_case,
			 (unsigned long long)r->header->request_id, e->err,
			 e->result, (unsigned long long)e->id);
		complain(f, &f->mismatches, kind, what);
	}
	if (r && r->errno_code) {
		f->errors++;
		f->by_errno[r->errno_code & 255]++;
	} else if (r) {
		f->ok++;
	}
	if (r)
		clusterd__reply__free_unpacked(r, NULL);
}

/* Send FR and wait for its answer; -1 when the daemon is gone. */
static int exchange(struct fuzz *f, const struct buf *fr, const char *kind)
{
	int64_t deadline = now_ms() + f->timeout_ms;
	struct expect e;
	ssize_t n;

	predict(f, fr, &e);
	if (f->want != ANY)
		e.err = f->want;
	if (e.skip)
		return f->skipped++, 0;
	if (e.fresh && reconnect(f) < 0)
		return -1;
	f->sent++;
	f->cur = fr;
	if (e.ipc_invalid) /* libqb drops or ignores it: no need to wait */
		deadline = now_ms() + 100;
	while ((n = qb_ipcc_send(f->conn, fr->p, fr->len)) == -EAGAIN &&
	       now_ms() < deadline)
		nanosleep(&(struct timespec){0, 1000000}, NULL);
	if (n == -EMSGSIZE && fr->len > f->bufsize)
		return f->local_refused++, 0;
	while (n >= 0) {
		n = qb_ipcc_recv(f->conn, f->rbuf, f->bufsize,
				 e.ipc_invalid ? 10 : 200);
		if (n >= 0)
			return judge(f, n, &e, kind), 0;
		if (n == -EAGAIN || n == -ETIMEDOUT)
			n = qb_ipcc_is_connected(f->conn) ? 0 : -ENOTCONN;
		if (n == 0 && now_ms() >= deadline) {
			if (e.ipc_invalid)
				f->ipc_level++;
			else
				complain(f, &f->timeouts, kind,
					 "no reply in time");
			return reconnect(f);
		}
	}
	if (e.ipc_invalid)
		f->ipc_level++;
	else
		complain(f, &f->drops_unexpected, kind, strerror((int)-n));
	return reconnect(f);
}

/* ------------------------------------------------------------- a run */

/* Once per run: the size limits, and frames that overstate their size. */
static int specials(struct fuzz *f)
{
	const size_t sizes[] = {MAX_FILE, MAX_FILE + 1, f->bufsize - HDR - 99,
				f->bufsize};
	const int want[] = {0, EFBIG, EFBIG, ANY};
	struct buf p = {}, op = {}, fr = {};
	char path[64];
	int r = 0;

	for (int i = 0; i < 5 && r == 0; i++) {
		p.len = op.len = 0;
		b_header(f, &p, 1);
		snprintf(path, sizeof(path), "%s/big%d", f->dir, i % 4);
		b_ld(&op, 1, path, strlen(path));
		if (i < 4) { /* put sizes[i] bytes */
			b_varint(&op, 2 << 3 | 2);
			b_varint(&op, sizes[i]);
			b_fill(&op, 'b', sizes[i]);
		}
		b_ld(&p, i < 4 ? 11 : 10, op.p, op.len);
		frame(&fr, &p, IPC_MSG_REQUEST, HDR + p.len);
		f->want = i < 4 ? want[i] : 0;
		r = exchange(f, &fr, i < 4 ? "big put" : "big get");
	}
	f->want = ANY;
	/* A get whose unknown field 99 claims 64 MiB the frame lacks. */
	p.len = op.len = 0;
	b_header(f, &p, 1);
	b_ld(&op, 1, f->dir, strlen(f->dir));
	b_ld(&p, 10, op.p, op.len);
	b_varint(&p, 99 << 3 | 2);
	b_varint(&p, 64 << 20);
	frame(&fr, &p, IPC_MSG_REQUEST, HDR + p.len + (64 << 20));
	if (r == 0)
		r = exchange(f, &fr, "overstated size");
	frame(&fr, &p, IPC_MSG_REQUEST, -1);
	if (r == 0)
		r = exchange(f, &fr, "negative size");
	free(p.p), free(op.p), free(fr.p);
	return r;
}

/* A plain call through lib/ipc_client: 0 or the errno of the reply. */
static int call(Clusterd__Request *req, int result)
{
	struct ipc_client *c = NULL;
	Clusterd__Reply *reply;
	int r = ipc_client_connect(&c);

	if (r == 0)
		r = ipc_client_call(c, req, 10000, &reply);
	if (r == 0) {
		r = reply->errno_code			? reply->errno_code
		    : (int)reply->result_case == result ? 0
							: EPROTO;
		ipc_client_reply_free(reply);
	}
	ipc_client_free(c);
	return abs(r);
}

static int report(struct fuzz *f, uint64_t seed, int final)
{
	printf("cd-ipc-fuzz: seed=%llu sent=%lu skipped=%lu ok=%lu errors=%lu "
	       "timeouts=%lu reconnects=%lu ipc_level=%lu "
	       "drops_unexpected=%lu local_refused=%lu bad_replies=%lu "
	       "mismatches=%lu final_members=%s\n",
	       (unsigned long long)seed, f->sent, f->skipped, f->ok, f->errors,
	       f->timeouts, f->reconnects, f->ipc_level, f->drops_unexpected,
	       f->local_refused, f->bad, f->mismatches,
	       final ? strerror(final) : "ok");
	printf("cd-ipc-fuzz: errors by errno:");
	for (int e = 1; e < 256; e++)
		if (f->by_errno[e])
			printf(" %s=%lu", strerrorname_np(e), f->by_errno[e]);
	printf("\n");
	return final || f->timeouts || f->drops_unexpected || f->bad ||
	       f->mismatches;
}

int main(int argc, char **argv)
{
	struct fuzz f = {.rng = 1,
			 .dir = "fuzz",
			 .timeout_ms = 15000,
			 .next_id = 1,
			 .want = ANY};
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__MkdirRequest mk = CLUSTERD__MKDIR_REQUEST__INIT;
	Clusterd__MembersRequest mem = CLUSTERD__MEMBERS_REQUEST__INIT;
	unsigned long count = 20000;
	struct buf fr = {};
	uint64_t seed = 1;
	int opt, r;

	while ((opt = getopt(argc, argv, "n:s:t:d:")) != -1) {
		switch (opt) {
		case 'n': count = strtoul(optarg, NULL, 10); break;
		case 's': seed = f.rng = strtoull(optarg, NULL, 10); break;
		case 't': f.timeout_ms = atoi(optarg); break;
		case 'd': f.dir = optarg; break;
		default:
			fputs("usage: cd-ipc-fuzz [-n COUNT] [-s SEED] "
			      "[-t TIMEOUT_MS] [-d DIR]\n",
			      stderr);
			return 2;
		}
	}
	if (strchr(f.dir, '/') || test_path_errno(f.dir) || !*f.dir)
		return fputs("cd-ipc-fuzz: DIR must be one name\n", stderr), 2;
	mk.path = (char *)f.dir;
	req.op_case = CLUSTERD__REQUEST__OP_MKDIR;
	req.mkdir = &mk;
	r = call(&req, CLUSTERD__REPLY__RESULT_WRITE);
	if ((r && r != EEXIST) || reconnect(&f) < 0)
		return fprintf(stderr, "cd-ipc-fuzz: mkdir %s: %s\n", f.dir,
			       strerror(r)),
		       1;
	f.reconnects = 0;
	r = specials(&f);
	while (r == 0 && f.sent + f.skipped < count)
		r = exchange(&f, &fr, gen_frame(&f, &fr));
	if (r < 0)
		fprintf(stderr,
			"cd-ipc-fuzz: clusterd stopped answering "
			"after request %lu\n",
			f.sent);
	req.op_case = CLUSTERD__REQUEST__OP_MEMBERS;
	req.members = &mem;
	r = report(&f, seed, call(&req, CLUSTERD__REPLY__RESULT_MEMBERS));
	if (f.conn)
		qb_ipcc_disconnect(f.conn);
	free(fr.p), free(f.rbuf), free(f.sweep.p);
	return r;
}
