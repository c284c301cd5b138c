/*
 * Large writes, split into WriteChunks (see proto WriteChunk).
 *
 * corosync can carry a large message itself, but it aborts one that is in
 * flight when the membership changes, and a large message holds up every
 * small one behind it. So a WriteOp above CHUNK_BYTES is sent as its packed
 * bytes in consecutive chunks; CPG keeps one sender's messages in order, so
 * each sender has at most one assembly in progress. The write is decided
 * at the delivery of its last chunk, like any write. A view change drops
 * every unfinished assembly on every member alike; the writer's own
 * unfinished write is reported as EAGAIN, which the IPC layer resubmits.
 */
#include "replica_internal.h"
#include "log.h"
#include "macro.h"

#include <errno.h>
#include <string.h>

#define CHUNK_BYTES (256 * 1024)
/* A WriteOp's framing beyond its data, with room to spare. */
#define CHUNK_OVERHEAD (64 * 1024)

struct assembly {
	struct replica_member from;
	uint64_t write_id;
	uint32_t next_index;
	uint64_t total, len;
	uint8_t *buf;
};

static bool is_self(const struct replica *r, const struct replica_member *m)
{
	return m->nodeid == r->self.nodeid && m->pid == r->self.pid;
}

/* Forget assembly A; the writer hears EAGAIN if the write was ours. */
static void drop(struct replica *r, struct assembly *a, bool tell)
{
	if (tell && is_self(r, &a->from) && r->ops.write_done)
		r->ops.write_done(r->userdata, a->write_id, -EAGAIN,
				  tree_version(r->tree));
	free(a->buf);
	*a = r->assemblies[--r->assembly_count];
}

void replica_chunk_reset(struct replica *r)
{
	while (r->assembly_count)
		drop(r, &r->assemblies[0], true);
	free(r->assemblies);
	r->assemblies = NULL;
}

int replica_send_write(struct replica *r, Clusterd__CpgMessage *msg)
{
	Clusterd__CpgMessage cm = CLUSTERD__CPG_MESSAGE__INIT;
	Clusterd__WriteChunk chunk = CLUSTERD__WRITE_CHUNK__INIT;
	_cleanup_free_ uint8_t *buf = NULL;
	size_t len = clusterd__write_op__get_packed_size(msg->write);
	int err = 0;

	if (len <= CHUNK_BYTES)
		return replica_send(r, msg);
	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	clusterd__write_op__pack(msg->write, buf);
	chunk.write_id = msg->write->write_id;
	chunk.total = len;
	cm.body_case = CLUSTERD__CPG_MESSAGE__BODY_WRITE_CHUNK;
	cm.write_chunk = &chunk;
	for (size_t off = 0; off < len && err >= 0; off += CHUNK_BYTES) {
		chunk.data.data = buf + off;
		chunk.data.len =
		    len - off < CHUNK_BYTES ? len - off : CHUNK_BYTES;
		chunk.last = off + chunk.data.len == len;
		err = replica_send(r, &cm);
		chunk.index++;
	}
	/* A partly sent write is never completed: every member drops it at
	 * the next view change (and so this writer hears EAGAIN then). */
	return err;
}

static struct assembly *find(struct replica *r, const struct replica_member *m)
{
	for (size_t i = 0; i < r->assembly_count; i++)
		if (r->assemblies[i].from.nodeid == m->nodeid &&
		    r->assemblies[i].from.pid == m->pid)
			return &r->assemblies[i];
	return NULL;
}

static struct assembly *start(struct replica *r, const struct replica_member *m,
			      const Clusterd__WriteChunk *c)
{
	uint64_t limit =
	    tree_get_limits(r->tree)->max_file_size + CHUNK_OVERHEAD;
	struct assembly *a;
	void *p;

	if (c->total > limit || c->total <= c->data.len)
		return NULL;
	p = realloc(r->assemblies, (r->assembly_count + 1) * sizeof(*a));
	if (!p)
		return NULL;
	r->assemblies = p;
	a = &r->assemblies[r->assembly_count];
	*a = (struct assembly){
	    .from = *m, .write_id = c->write_id, .total = c->total};
	a->buf = malloc(c->total);
	if (!a->buf)
		return NULL;
	r->assembly_count++;
	return a;
}

/* Our own chunked write can no longer complete: tell its writer. */
static void fail_own(struct replica *r, const struct replica_member *from,
		     uint64_t write_id, int err)
{
	if (is_self(r, from) && r->ops.write_done)
		r->ops.write_done(r->userdata, write_id, err,
				  tree_version(r->tree));
}

/* Add C to FROM's assembly; the assembly when complete, else NULL. */
static struct assembly *collect(struct replica *r,
				const struct replica_member *from,
				const Clusterd__WriteChunk *c)
{
	struct assembly *a = find(r, from);

	if (c->index == 0) {
		if (a)
			drop(r, a, true); /* its sender abandoned it */
		a = start(r, from, c);
		if (!a) {
			log_warning(
			    "Refused a chunked write of %llu bytes from "
			    "node %u",
			    (unsigned long long)c->total, from->nodeid);
			fail_own(r, from, c->write_id, -EFBIG);
			return NULL;
		}
	} else if (!a || a->write_id != c->write_id ||
		   c->index != a->next_index) {
		r->stats.messages_dropped++;
		if (a)
			drop(r, a, true);
		else
			fail_own(r, from, c->write_id, -EAGAIN);
		return NULL;
	}
	if (c->data.len > a->total - a->len ||
	    (c->last && a->len + c->data.len != a->total)) {
		r->stats.messages_dropped++;
		drop(r, a, true);
		return NULL;
	}
	memcpy(a->buf + a->len, c->data.data, c->data.len);
	a->len += c->data.len;
	a->next_index++;
	return c->last ? a : NULL;
}

void replica_chunk_deliver(struct replica *r, const struct replica_member *from,
			   const Clusterd__WriteChunk *c)
{
	struct assembly *a = collect(r, from, c);
	Clusterd__WriteOp *op;
	uint64_t write_id;

	if (!a)
		return;
	write_id = a->write_id;
	op = clusterd__write_op__unpack(NULL, a->len, a->buf);
	drop(r, a, false);
	if (!op) {
		r->stats.messages_dropped++;
		fail_own(r, from, write_id, -EBADMSG);
		return;
	}
	replica_apply_write(r, from, op);
	clusterd__write_op__free_unpacked(op, NULL);
}
