/*
 * cd-ipc-fuzz's frame generators: a seeded random source, a tiny protobuf
 * writer (it must make what protobuf-c's packer never would: NUL bytes in
 * strings, lengths that lie, unknown fields), and the families of bad
 * paths, payloads and qb frames. Separate from the driver in
 * cd-ipc-fuzz.c, which only asks for the next frame, and from the oracle,
 * which judges frames by decoding them, not by how they were made.
 */
#include "cd-ipc-fuzz.h"
#include "test-rng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rnd(struct fuzz *f)
{
	return test_rng_next(&f->rng);
}

static uint32_t below(struct fuzz *f, uint32_t n)
{
	return test_rng_below(&f->rng, n);
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

void b_put(struct buf *b, const void *p, size_t n)
{
	b_reserve(b, n);
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

void b_fill(struct buf *b, int c, size_t n)
{
	b_reserve(b, n);
	if (n)
		memset(b->p + b->len, c, n);
	b->len += n;
}

void b_varint(struct buf *b, uint64_t v)
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

void b_ld(struct buf *b, uint32_t field, const void *p, size_t n)
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

void b_header(struct fuzz *f, struct buf *b, uint64_t version)
{
	struct buf h = {};

	b_u64(&h, 1, version);
	b_u64(&h, 2, f->next_id++);
	b_ld(b, 1, h.p, h.len);
	free(h.p);
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

void frame(struct buf *fr, const struct buf *payload, int32_t id, int32_t size)
{
	struct qb_ipc_request_header h;

	/* The header has alignment padding: zero it so that a seed
	 * reproduces every byte sent. */
	memset(&h, 0, sizeof(h));
	h.id = id;
	h.size = size;
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
const char *gen_frame(struct fuzz *f, struct buf *fr)
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
