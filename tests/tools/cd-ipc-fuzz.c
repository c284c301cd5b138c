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
 */
#include "ipc_client.h"
#include "ipc_proto.h"

#include <errno.h>
#include <getopt.h>
#include <qb/qbipc_common.h>
#include <qb/qbipcc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HDR	 sizeof(struct qb_ipc_request_header)
#define RHDR	 sizeof(struct qb_ipc_response_header)
#define MAX_FILE (8u << 20) /* the daemon's default max_file_size */
#define ANY	 (-1)

struct buf {
	uint8_t *p;
	size_t len, cap;
};

/* What the daemon must answer to one frame. */
struct expect {
	bool ipc_invalid; /* libqb may drop the connection instead */
	bool fresh;	  /* send on a new connection (declares > it has) */
	bool skip;	  /* a write that could land outside DIR/ */
	uint64_t id;	  /* request id the reply must carry */
	int err;	  /* errno the reply must carry, or ANY */
	int result;	  /* reply result case on success, or 0 */
};

struct fuzz {
	uint64_t rng;
	const char *dir;
	int timeout_ms;
	int want; /* for the specials: the errno required, or ANY */
	const struct buf *cur; /* the frame in flight */
	qb_ipcc_connection_t *conn;
	size_t bufsize;
	uint8_t *rbuf;
	uint64_t next_id;
	struct buf sweep; /* a request sent cut at every length */
	size_t cut;
	unsigned long sent, skipped, ok, errors, timeouts, reconnects,
	    ipc_level, drops_unexpected, local_refused, bad, mismatches;
	unsigned long by_errno[256];
};

static uint64_t rnd(struct fuzz *f)
{
	uint64_t z = (f->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t below(struct fuzz *f, uint32_t n)
{
	return (uint32_t)(rnd(f) % n);
}

/* ------------------------------------------------ a tiny protobuf writer */

static void b_reserve(struct buf *b, size_t n)
{
	if (b->len + n <= b->cap)
		return;
	b->cap = (b->len + n) * 2 + 64;
	b->p = realloc(b->p, b->cap);
	if (!b->p) {
		perror("cd-ipc-fuzz");
		exit(2);
	}
}

static void b_put(struct buf *b, const void *p, size_t n)
{
	b_reserve(b, n);
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void b_fill(struct buf *b, int c, size_t n)
{
	b_reserve(b, n);
	if (n)
		memset(b->p + b->len, c, n);
	b->len += n;
}

static void b_varint(struct buf *b, uint64_t v)
{
	do {
		uint8_t c = (v & 0x7f) | (v > 0x7f ? 0x80 : 0);

		b_put(b, &c, 1);
		v >>= 7;
	} while (v);
}

static void b_u64(struct buf *b, uint32_t field, uint64_t v)
{
	b_varint(b, (uint64_t)field << 3);
	b_varint(b, v);
}

static void b_ld(struct buf *b, uint32_t field, const void *p, size_t n)
{
	b_varint(b, (uint64_t)field << 3 | 2);
	b_varint(b, n);
	b_put(b, p, n);
}

static void b_rand(struct fuzz *f, struct buf *b, size_t n)
{
	while (n--)
		b_put(b, &(uint8_t){(uint8_t)rnd(f)}, 1);
}

static void b_header(struct fuzz *f, struct buf *b, uint64_t version)
{
	struct buf h = {};

	b_u64(&h, 1, version);
	b_u64(&h, 2, f->next_id++);
	b_ld(b, 1, h.p, h.len);
	free(h.p);
}

/* ------------------------------------------------------- the path oracle */

/* tree_path_check() of clusterd/tree.c, restated: 0 or a positive errno. */
static int path_errno(const char *p)
{
	if (strnlen(p, 4097) > 4096)
		return ENAMETOOLONG;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 0)
			return EINVAL;
		if (n > 255)
			return ENAMETOOLONG;
		if (p[0] == '.' && (n == 1 || (n == 2 && p[1] == '.')))
			return EINVAL;
		if (!p[n])
			break;
		p += n + 1;
		if (!*p)
			return EINVAL;
	}
	return 0;
}

static const char *strip(const char *p)
{
	return p && *p == '/' ? p + 1 : (p ? p : "");
}

/* May a write to P change anything outside DIR/? */
static bool escapes(struct fuzz *f, const char *p)
{
	size_t n = strlen(f->dir);

	p = strip(p);
	if (!*p || path_errno(p))
		return false; /* the root or invalid: refused */
	return strncmp(p, f->dir, n) != 0 || p[n] != '/';
}

/* --------------------------------------------------------- generators */

static void gen_path(struct fuzz *f, struct buf *b)
{
	static const char *const bare[] = {
	    "",	   ".",	   "..",   "/",	   "//",     "a//b",  "/.", "./x",
	    "x/.", "x/..", "../x", "priv", "priv/x", "known", "\n", " "};
	static const char *const under[] = {
	    "",	     "/",	  "//x",    "/./x",    "/../x", "/.",
	    "/..",   "/x/",	  "/d0/..", "/d0//f0", "/a\nb", "/\t",
	    "/\xff", "/\xc3\xbc", "/%n%s",  "/a b"};
	char tmp[64];
	size_t n;

	switch (below(f, 10)) {
	case 0: n = below(f, 16); return b_put(b, bare[n], strlen(bare[n]));
	case 1: /* DIR with an odd suffix, maybe after leading slashes */
		b_put(b, "//", below(f, 3) ? 0 : 1 + below(f, 2));
		b_put(b, f->dir, strlen(f->dir));
		n = below(f, 16);
		return b_put(b, under[n], strlen(under[n]));
	case 2: /* a long component: 250..309 bytes */
		b_put(b, f->dir, strlen(f->dir));
		b_fill(b, '/', 1);
		return b_fill(b, 'c', 250 + below(f, 60));
	case 3: /* a long path: up to 5000 bytes */
		b_put(b, f->dir, strlen(f->dir));
		for (n = 4000 + below(f, 1000); b->len < n;) {
			b_fill(b, '/', 1);
			b_fill(b, 'p', 1 + below(f, 255));
		}
		return;
	case 4: /* NUL inside: protobuf-c's C string ends there */
		snprintf(tmp, sizeof(tmp), "%s/n%u", f->dir, below(f, 4));
		b_put(b, tmp, strlen(tmp) + 1);
		return b_put(b, "/../../etc\n", 11);
	case 5: return b_rand(f, b, 1 + below(f, 40));
	default:
		n = snprintf(tmp, sizeof(tmp), "%s/d%u", f->dir, below(f, 4));
		if (below(f, 3))
			n += snprintf(tmp + n, sizeof(tmp) - n, "/f%u",
				      below(f, 4));
		return b_put(b, tmp, n);
	}
}

/* A put's fields after the path: data, and sometimes compare-and-swap. */
static void gen_put_tail(struct fuzz *f, struct buf *op)
{
	static const uint64_t versions[] = {0, 1, 2, 1000, UINT64_MAX};
	struct buf d = {};

	b_rand(f, &d, below(f, 20) ? below(f, 300) : 4096 + below(f, 60000));
	b_ld(op, 2, d.p, d.len);
	if (!below(f, 3)) {
		b_u64(op, 3, 1);
		b_u64(op, 4,
		      below(f, 2) ? versions[below(f, 5)]
				  : rnd(f) >> below(f, 64));
	}
	free(d.p);
}

/* A Request with a current header and one operation (fields 10..17). */
static void gen_request(struct fuzz *f, struct buf *out)
{
	struct buf op = {}, path = {};
	uint32_t field = 10 + below(f, 8);

	b_header(f, out, 1);
	if (field != 17) {
		gen_path(f, &path);
		b_ld(&op, 1, path.p, path.len);
	}
	if (field == 11)
		gen_put_tail(f, &op);
	if (field == 14) { /* rename: into itself, onto itself, anywhere */
		switch (below(f, 3)) {
		case 0: b_put(&path, "/sub", 4); break;
		case 1: break;
		default: path.len = 0; gen_path(f, &path);
		}
		b_ld(&op, 2, path.p, path.len);
	}
	b_ld(out, field, op.p, op.len);
	free(op.p);
	free(path.p);
}

/* Not a field of Request; 30..37 (locks, status) are real and left out. */
static uint32_t unknown_field(struct fuzz *f)
{
	static const uint32_t some[] = {2, 9, 18, 29, 38, 99, 1000, 536870911};
	uint32_t n = below(f, 2) ? some[below(f, 8)] : 18 + below(f, 2000);

	return n >= 30 && n <= 37 ? n + 8 : n;
}

/* A payload from one of the families of bad input. */
static void gen_payload(struct fuzz *f, struct buf *b)
{
	struct buf h = {};

	switch (below(f, 14)) {
	case 0: /* random bytes */
		return b_rand(f, b,
			      below(f, 2) ? below(f, 64) : below(f, 2048));
	case 1: /* another protocol version, or no header */
		if (below(f, 4)) {
			static const uint64_t v[] = {0, 2, 3, UINT32_MAX};

			b_header(f, b, below(f, 2) ? v[below(f, 4)] : rnd(f));
		}
		b_ld(b, 10 + below(f, 8), NULL, 0);
		return;
	case 2: /* an unknown operation or field, of any wire type */
		b_header(f, b, 1);
		b_varint(b, (uint64_t)unknown_field(f) << 3 | below(f, 6));
		b_varint(b, below(f, 8));
		return b_rand(f, b, 8);
	case 3: /* a length that lies, at the top or inside */
		b_header(f, b, 1);
		if (below(f, 2)) {
			b_varint(b,
				 11 << 3 | 2); /* a put of up to 2^64 bytes */
			b_varint(b, rnd(f) >> below(f, 64));
			return b_rand(f, b, 4);
		}
		b_varint(&h, 1 << 3 | 2); /* a path of about 1 TB */
		b_varint(&h, 0xffffffffffULL);
		b_put(&h, "fuzz", 4);
		b_ld(b, 10 + below(f, 5), h.p, h.len);
		return free(h.p);
	case 4: /* two requests in one: protobuf merges them */
		gen_request(f, b);
		return gen_request(f, b);
	case 5: /* an overlong varint */
		b_header(f, b, 1);
		return b_fill(b, 0xff, 11);
	default: /* a valid request, bit-flipped or not */
		gen_request(f, b);
		for (unsigned i = below(f, 2) ? 1 + below(f, 8) : 0; i; i--)
			b->p[below(f, b->len)] ^= 1u << below(f, 8);
	}
}

/* Wrap PAYLOAD in a qb request header claiming ID and SIZE. */
static void frame(struct buf *fr, const struct buf *payload, int32_t id,
		  int32_t size)
{
	struct qb_ipc_request_header h = {.id = id, .size = size};

	fr->len = 0;
	b_put(fr, &h, HDR);
	b_put(fr, payload->p, payload->len);
}

static int32_t odd_size(struct fuzz *f, int32_t len)
{
	const int32_t sizes[] = {0,	     1,		 HDR - 1,
				 HDR,	     len - 1,	 len + 1,
				 len + 1000, f->bufsize, f->bufsize + 1,
				 INT32_MAX,  -1,	 INT32_MIN};

	return below(f, 4) ? sizes[below(f, 12)] : (int32_t)rnd(f);
}

/* The next frame: a step of a truncation sweep, or a fresh bad one. */
static const char *gen_frame(struct fuzz *f, struct buf *fr)
{
	const int32_t ids[] = {
	    0, 2, 3, -1, -2, QB_IPC_MSG_DISCONNECT, INT32_MIN, INT32_MAX};
	struct buf p = {};
	const char *kind = "payload";
	int32_t id = IPC_MSG_REQUEST, size = -2;

	if (f->sweep.len) {
		b_put(&p, f->sweep.p, f->cut++);
		if (f->cut > f->sweep.len || f->sweep.len > 200)
			f->sweep.len = 0;
		kind = "truncated";
	} else {
		switch (below(f, 200) / 10) { /* 5% of each, sweeps 0.5% */
		case 0:			      /* shorter than the qb header */
			gen_request(f, &p);
			frame(fr, &p, id, HDR + p.len);
			fr->len = below(f, HDR);
			if (below(f, 2))
				fr->len = 0, b_rand(f, fr, below(f, HDR));
			free(p.p);
			return "short";
		case 1:
			id = below(f, 4) ? ids[below(f, 8)] : (int32_t)rnd(f);
			kind = "bad-id";
			gen_request(f, &p);
			break;
		case 2:
			gen_request(f, &p);
			size = odd_size(f, HDR + p.len);
			kind = "bad-size";
			break;
		case 3:
			if (below(f, 10))
				goto payload;
			/* cut a request at every length (a long one once) */
			f->sweep.len = 0;
			gen_request(f, &f->sweep);
			f->cut =
			    f->sweep.len > 200 ? below(f, f->sweep.len) : 0;
			return gen_frame(f, fr);
		default:
		payload:
			gen_payload(f, &p);
		}
	}
	frame(fr, &p, id, size == -2 ? (int32_t)(HDR + p.len) : size);
	free(p.p);
	return kind;
}

/* ------------------------------------------------------------ oracle */

static void predict_request(struct fuzz *f, const Clusterd__Request *r,
			    struct expect *e)
{
	const char *p = "", *to = NULL;
	bool write = true;

	e->id = r->header->request_id;
	e->err = EPROTONOSUPPORT;
	if (r->header->protocol_version != 1)
		return;
	e->err = ANY;
	e->result = CLUSTERD__REPLY__RESULT_WRITE;
	switch (r->op_case) {
	case CLUSTERD__REQUEST__OP_GET:
		p = r->get->path, write = false;
		e->result = CLUSTERD__REPLY__RESULT_GET;
		break;
	case CLUSTERD__REQUEST__OP_LIST:
		p = r->list->path, write = false;
		e->result = CLUSTERD__REPLY__RESULT_LIST;
		break;
	case CLUSTERD__REQUEST__OP_STAT:
		p = r->stat->path, write = false;
		e->result = CLUSTERD__REPLY__RESULT_STAT;
		break;
	case CLUSTERD__REQUEST__OP_MEMBERS:
		e->result = CLUSTERD__REPLY__RESULT_MEMBERS;
		return;
	case CLUSTERD__REQUEST__OP_PUT: p = r->put->path; break;
	case CLUSTERD__REQUEST__OP_REMOVE: p = r->remove->path; break;
	case CLUSTERD__REQUEST__OP_MKDIR: p = r->mkdir->path; break;
	case CLUSTERD__REQUEST__OP_RENAME:
		p = r->rename->from, to = r->rename->to;
		break;
	case CLUSTERD__REQUEST__OP__NOT_SET: e->err = EOPNOTSUPP; return;
	default: e->skip = true; return; /* locks, status: not ours */
	}
	e->skip = write && (escapes(f, p) || (to && escapes(f, to)));
	if (*strip(p) && path_errno(strip(p)))
		e->err = path_errno(strip(p));
	else if (to && path_errno(strip(to)))
		e->err = path_errno(strip(to));
}

/* Decode what the daemon will read: the declared size, zero-padded. */
static void predict(struct fuzz *f, const struct buf *fr, struct expect *e)
{
	struct qb_ipc_request_header h = {};
	struct buf view = {};
	Clusterd__Request *req;

	*e = (struct expect){.err = EPROTO};
	if (fr->len)
		memcpy(&h, fr->p, fr->len < HDR ? fr->len : HDR);
	e->fresh = fr->len < HDR;
	if (fr->len == 0 || h.id == QB_IPC_MSG_DISCONNECT) {
		e->ipc_invalid = true;
		return;
	}
	if (h.id != IPC_MSG_REQUEST || h.size < (int32_t)HDR ||
	    (size_t)h.size > f->bufsize)
		return;
	e->fresh |= (size_t)h.size > fr->len;
	if (fr->len > HDR)
		b_put(&view, fr->p + HDR,
		      ((size_t)h.size < fr->len ? (size_t)h.size : fr->len) -
			  HDR);
	b_fill(&view, 0, h.size - HDR - view.len);
	req = clusterd__request__unpack(NULL, view.len, view.p);
	if (req && req->header)
		predict_request(f, req, e);
	if (req)
		clusterd__request__free_unpacked(req, NULL);
	free(view.p);
}

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
	if (strchr(f.dir, '/') || path_errno(f.dir) || !*f.dir)
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
