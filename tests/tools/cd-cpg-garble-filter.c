/*
 * cd-cpg-garble's filter: every message is decoded as a daemon would
 * decode it before it is sent, and one that a daemon would take as a
 * write outside DIR/, a lock or status operation, or (outside takeover
 * mode) a claim above the daemons' tree version is skipped. Separate from
 * the generators so that this promise never depends on how a message was
 * made.
 */
#include "cd-cpg-garble.h"
#include "test-path.h"

#include <string.h>

/* ------------------------------------------------------------- filter */

/* May a write to P change anything but DIR and what is under it? */
static bool escapes(struct garble *g, const char *p)
{
	return test_path_escapes(p, g->dir, true);
}

/* Would a daemon take BUF as anything this mode must not send? */
bool harmless(struct garble *g, const uint8_t *buf, size_t len)
{
	Clusterd__CpgMessage *m = clusterd__cpg_message__unpack(NULL, len, buf);
	const Clusterd__WriteOp *w;
	bool ok = true;

	if (!m || !m->header || m->header->protocol_version != 1)
		goto out;
	switch (m->body_case) {
	case CLUSTERD__CPG_MESSAGE__BODY_WRITE:
		w = m->write;
		ok = w->op_case == CLUSTERD__WRITE_OP__OP_PUT
			 ? !escapes(g, w->put->path)
		     : w->op_case == CLUSTERD__WRITE_OP__OP_REMOVE
			 ? !escapes(g, w->remove->path)
		     : w->op_case == CLUSTERD__WRITE_OP__OP_MKDIR
			 ? !escapes(g, w->mkdir->path)
		     : w->op_case == CLUSTERD__WRITE_OP__OP_RENAME
			 ? !escapes(g, w->rename->from) &&
			       !escapes(g, w->rename->to)
			 : true;
		break;
	case CLUSTERD__CPG_MESSAGE__BODY_SYNC_STATE:
		ok = g->mode == TAKEOVER ||
		     m->sync_state->tree_version <= g->top_version;
		break;
	case CLUSTERD__CPG_MESSAGE__BODY_SYNC_CHECK:
		ok = g->mode == TAKEOVER ||
		     m->sync_check->tree_version <= g->top_version;
		break;
	case CLUSTERD__CPG_MESSAGE__BODY_LOCK:
	case CLUSTERD__CPG_MESSAGE__BODY_STATUS: ok = false; break;
	default: break;
	}
out:
	if (m)
		clusterd__cpg_message__free_unpacked(m, NULL);
	return ok;
}
