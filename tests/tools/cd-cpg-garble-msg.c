/*
 * cd-cpg-garble's messages: the seeded random source, and CpgMessages of
 * every body the replica reads (writes with odd paths, sync and audit
 * messages with nonsense values, huge repeated fields), built in a
 * struct tmpl and packed. Separate from the CPG member in cd-cpg-garble.c,
 * which only garbles and sends what it gets here, and from the filter,
 * which judges a message by decoding it, not by how it was made.
 */
#include "cd-cpg-garble.h"
#include "test-rng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t rnd(struct garble *g)
{
	return test_rng_next(&g->rng);
}

uint32_t below(struct garble *g, uint32_t n)
{
	return test_rng_below(&g->rng, n);
}

/* ------------------------------------------------------------ messages */

/* Under DIR (maybe DIR itself), or odd: invalid, long, or elsewhere. */
static char *gen_path(struct garble *g, char *buf)
{
	static const char *const odd[] = {"",	  ".",	    "..",     "/",
					  "a//b", "x/",	    "x/../y", "\n",
					  "priv", "known/x"};
	int n, len;

	switch (below(g, 7)) {
	case 0: strcpy(buf, odd[below(g, 10)]); break;
	case 1: sprintf(buf, "/%s/x", g->dir); break;
	case 2: sprintf(buf, "%s/../x", g->dir); break;
	case 3: /* a 300-byte component, or a path of 5000 bytes */
		n = sprintf(buf, "%s/", g->dir);
		len = below(g, 2) ? 300 : 5000;
		memset(buf + n, 'c', len);
		buf[n + len] = '\0';
		for (int i = n + 200; len > 300 && i < n + len; i += 200)
			buf[i] = '/';
		break;
	case 4: strcpy(buf, g->dir); break;
	default: sprintf(buf, "%s/g%u", g->dir, below(g, 8));
	}
	return buf;
}

/* A tree version: any in takeover mode, else never above the daemons'. */
static uint64_t gen_version(struct garble *g)
{
	if (g->mode == TAKEOVER)
		return below(g, 2) ? UINT64_MAX - below(g, 3) : rnd(g);
	return g->top_version ? rnd(g) % (g->top_version + 1) : 0;
}

static void gen_write(struct garble *g, struct tmpl *t)
{
	static const int64_t mtimes[] = {INT64_MIN, INT64_MAX, -1, 0};

	t->w.origin_nodeid = below(g, 2) ? g->nodeid : (uint32_t)rnd(g);
	t->w.origin_pid = below(g, 2) ? g->pid : (uint32_t)rnd(g);
	t->w.write_id = rnd(g);
	t->w.mtime_ms = below(g, 2) ? mtimes[below(g, 4)] : (int64_t)rnd(g);
	switch (below(g, 4)) {
	case 0:
		t->put.path = gen_path(g, t->path[0]);
		t->put.data.data = t->data;
		t->put.data.len = below(g, sizeof(t->data));
		t->put.check_version = below(g, 2);
		t->put.expected_version = rnd(g) >> below(g, 64);
		t->w.op_case = CLUSTERD__WRITE_OP__OP_PUT;
		t->w.put = &t->put;
		break;
	case 1:
		t->rm.path = gen_path(g, t->path[0]);
		t->w.op_case = CLUSTERD__WRITE_OP__OP_REMOVE;
		t->w.remove = &t->rm;
		break;
	case 2:
		t->mk.path = gen_path(g, t->path[0]);
		t->w.op_case = CLUSTERD__WRITE_OP__OP_MKDIR;
		t->w.mkdir = &t->mk;
		break;
	default:
		t->mv.from = gen_path(g, t->path[0]);
		t->mv.to = gen_path(g, t->path[1]);
		t->w.op_case = CLUSTERD__WRITE_OP__OP_RENAME;
		t->w.rename = &t->mv;
	}
	t->msg.body_case = CLUSTERD__CPG_MESSAGE__BODY_WRITE;
	t->msg.write = &t->w;
}

void gen_data(struct garble *g, struct tmpl *t, size_t n)
{
	t->sd.view_id = rnd(g);
	t->sd.from_version = gen_version(g);
	t->sd.to_version = gen_version(g);
	t->sd.snapshot = below(g, 2);
	t->sd.last = below(g, 2);
	for (int i = 0; i < 2; i++) {
		t->ent[i].path = gen_path(g, t->path[i]);
		t->path[i][n > 100 ? 64 : 5199] = '\0'; /* huge: not 100 MB */
		t->ent[i].type = below(g, 4);
		t->ent[i].data.data = t->data;
		t->ent[i].data.len =
		    below(g, 3) ? 0 : below(g, sizeof(t->data));
		t->ent[i].version = rnd(g) >> below(g, 64);
		t->ent[i].writer = rnd(g);
		t->ent[i].mtime_ms = rnd(g);
	}
	t->tomb.path = t->path[0];
	t->tomb.version = rnd(g) >> below(g, 64);
	t->entp = calloc(n + 1, sizeof(*t->entp));
	t->tombp = calloc(n + 1, sizeof(*t->tombp));
	for (size_t i = 0; t->entp && t->tombp && i < n; i++) {
		t->entp[i] = &t->ent[i & 1];
		t->tombp[i] = &t->tomb;
	}
	t->sd.n_entries = t->sd.n_tombstones = t->entp && t->tombp ? n : 0;
	t->sd.entries = t->entp;
	t->sd.tombstones = t->tombp;
	t->msg.body_case = CLUSTERD__CPG_MESSAGE__BODY_SYNC_DATA;
	t->msg.sync_data = &t->sd;
}

void gen_state(struct garble *g, struct tmpl *t, size_t n)
{
	t->st.tree_version = gen_version(g);
	t->st.checksum = rnd(g);
	t->st.tombstone_horizon = rnd(g) >> below(g, 64);
	t->st.view_id = rnd(g);
	t->st.lock_epoch = rnd(g);
	t->st.lock_seq = rnd(g);
	t->st.lock_valid = below(g, 2);
	t->lock.name = gen_path(g, t->path[0]);
	t->path[0][n > 100 ? 64 : 5199] = '\0';
	t->lockp = calloc(n + 1, sizeof(*t->lockp));
	for (size_t i = 0; t->lockp && i < n; i++)
		t->lockp[i] = &t->lock;
	t->st.n_locks = t->lockp ? n : 0;
	t->st.locks = t->lockp;
	t->msg.body_case = CLUSTERD__CPG_MESSAGE__BODY_SYNC_STATE;
	t->msg.sync_state = &t->st;
}

void gen_body(struct garble *g, struct tmpl *t, bool huge)
{
	switch (huge ? 1 + below(g, 2) : below(g, 9)) {
	case 0: return gen_write(g, t);
	case 1: return gen_data(g, t, huge ? 20000 : below(g, 4));
	case 2: return gen_state(g, t, huge ? 5000 : below(g, 3));
	case 3:
		t->ck.view_id = rnd(g);
		t->ck.tree_version = gen_version(g);
		t->ck.checksum = rnd(g);
		t->msg.body_case = CLUSTERD__CPG_MESSAGE__BODY_SYNC_CHECK;
		t->msg.sync_check = &t->ck;
		return;
	case 4: /* a deadline that did not pass: excludes whoever is slow */
		t->to.view_id = rnd(g);
		t->msg.body_case = CLUSTERD__CPG_MESSAGE__BODY_SYNC_TIMEOUT;
		t->msg.sync_timeout = &t->to;
		return;
	case 5:
		t->msg.body_case = CLUSTERD__CPG_MESSAGE__BODY_AUDIT_REQUEST;
		t->msg.audit_request = &t->aq;
		return;
	case 6:
		t->ar.tree_version = rnd(g);
		t->ar.checksum = rnd(g);
		t->msg.body_case = CLUSTERD__CPG_MESSAGE__BODY_AUDIT_REPORT;
		t->msg.audit_report = &t->ar;
		return;
	default: return gen_write(g, t);
	}
}

void tmpl_init(struct garble *g, struct tmpl *t)
{
	*t = (struct tmpl){
	    .msg = CLUSTERD__CPG_MESSAGE__INIT,
	    .hdr = CLUSTERD__HEADER__INIT,
	    .w = CLUSTERD__WRITE_OP__INIT,
	    .put = CLUSTERD__PUT_REQUEST__INIT,
	    .rm = CLUSTERD__REMOVE_REQUEST__INIT,
	    .mk = CLUSTERD__MKDIR_REQUEST__INIT,
	    .mv = CLUSTERD__RENAME_REQUEST__INIT,
	    .st = CLUSTERD__SYNC_STATE__INIT,
	    .sd = CLUSTERD__SYNC_DATA__INIT,
	    .ck = CLUSTERD__SYNC_CHECK__INIT,
	    .to = CLUSTERD__SYNC_TIMEOUT__INIT,
	    .aq = CLUSTERD__AUDIT_REQUEST__INIT,
	    .ar = CLUSTERD__AUDIT_REPORT__INIT,
	    .ent = {CLUSTERD__TREE_ENTRY__INIT, CLUSTERD__TREE_ENTRY__INIT},
	    .tomb = CLUSTERD__TOMBSTONE__INIT,
	    .lock = CLUSTERD__LOCK_INFO__INIT,
	};
	for (size_t i = 0; i < sizeof(t->data); i++)
		t->data[i] = (uint8_t)rnd(g);
}

void tmpl_done(struct tmpl *t)
{
	free(t->entp);
	free(t->tombp);
	free(t->lockp);
}

uint8_t *pack(struct tmpl *t, uint32_t version, bool header, size_t *len)
{
	uint8_t *buf;

	t->hdr.protocol_version = version;
	t->hdr.request_id = 0;
	t->msg.header = header ? &t->hdr : NULL;
	*len = clusterd__cpg_message__get_packed_size(&t->msg);
	buf = malloc(*len + 1);
	if (buf)
		clusterd__cpg_message__pack(&t->msg, buf);
	return buf;
}
