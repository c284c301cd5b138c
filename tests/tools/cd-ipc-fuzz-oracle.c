/*
 * cd-ipc-fuzz's oracle: what clusterd must answer to a frame, decided by
 * decoding exactly the bytes the daemon will read (see cd-ipc-fuzz.c), and
 * which writes could land outside DIR/ and must not be sent. Separate from
 * the generators so that a prediction never depends on how a frame was
 * made, and from the driver, which only compares answers with it.
 */
#include "cd-ipc-fuzz.h"
#include "clusterd.pb-c.h"
#include "test-path.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------- the path oracle */

static const char *strip(const char *p)
{
	return p && *p == '/' ? p + 1 : (p ? p : "");
}

/* May a write to P change anything outside DIR/? */
static bool escapes(struct fuzz *f, const char *p)
{
	return test_path_escapes(strip(p), f->dir, false);
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
	if (*strip(p) && test_path_errno(strip(p)))
		e->err = test_path_errno(strip(p));
	else if (to && test_path_errno(strip(to)))
		e->err = test_path_errno(strip(to));
}

/* Decode what the daemon will read: the declared size, zero-padded. */
void predict(struct fuzz *f, const struct buf *fr, struct expect *e)
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
