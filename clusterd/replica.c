/*
 * Replica: views, vote counting, admission and application of writes.
 *
 * Everything here runs from the delivery stream (see replica.h). The sync
 * protocol that runs after each view change lives in replica_sync.c; this
 * file owns the view, decides admission and applies WriteOps.
 *
 * Admission is evaluated at delivery, never at submission: a member that
 * submitted a write while quorate may see it rejected because a view change
 * came first, and then it is rejected everywhere alike.
 */
#include "replica_internal.h"
#include "log.h"
#include "macro.h"

#include <errno.h>
#include <string.h>

int replica_new(struct tree *tree, uint32_t local_nodeid, uint32_t local_pid,
		const struct replica_ops *ops, void *userdata,
		struct replica **out)
{
	struct replica *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	r->tree = tree;
	r->self.nodeid = local_nodeid;
	r->self.pid = local_pid;
	r->ops = *ops;
	r->userdata = userdata;
	r->expected_votes = 1;
	r->next_write_id = 1;
	*out = r;
	return 0;
}

void replica_free(struct replica *r)
{
	if (!r)
		return;
	replica_stage_reset(r);
	replica_chunk_reset(r);
	free(r->members);
	free(r->peers);
	free(r->vote_table);
	free(r);
}

void replica_set_local(struct replica *r, uint32_t nodeid, uint32_t pid)
{
	r->self.nodeid = nodeid;
	r->self.pid = pid;
}

void replica_set_votes(struct replica *r, uint32_t expected_votes,
		       const uint32_t *nodeids, const uint32_t *votes,
		       size_t count)
{
	struct replica_vote *table = calloc(count ? count : 1, sizeof(*table));

	if (!table) {
		log_error(
		    "Out of memory for the vote table; keeping the old one");
		return;
	}
	for (size_t i = 0; i < count; i++)
		table[i] = (struct replica_vote){nodeids[i], votes[i]};
	free(r->vote_table);
	r->vote_table = table;
	r->vote_count = count;
	r->expected_votes = expected_votes ? expected_votes : 1;
	r->expected_override = 0; /* a new configuration ends an override */
	replica_update_quorum(r);
}

static uint32_t votes_of(const struct replica *r, uint32_t nodeid)
{
	for (size_t i = 0; i < r->vote_count; i++)
		if (r->vote_table[i].nodeid == nodeid)
			return r->vote_table[i].votes;
	return 1;
}

void replica_update_quorum(struct replica *r)
{
	uint32_t votes = 0;
	bool was = r->quorate;

	for (size_t i = 0; i < r->member_count; i++) {
		bool counted = false;

		if (r->peers && r->peers[i].excluded)
			continue;

		/* One clusterd per node; count a node once whatever happens. */
		for (size_t j = 0; j < i; j++)
			counted |= r->members[j].nodeid == r->members[i].nodeid;
		if (!counted)
			votes += votes_of(r, r->members[i].nodeid);
	}
	r->view_votes = votes;
	r->quorate = (uint64_t)votes * 2 > replica_expected_votes(r);
	if (was != r->quorate) {
		log_notice("%s: view holds %u of %u expected votes",
			   r->quorate ? "Quorate" : "NOT quorate", votes,
			   replica_expected_votes(r));
		replica_notify(r);
	}
}

void replica_notify(struct replica *r)
{
	if (r->ops.state_changed)
		r->ops.state_changed(r->userdata);
}

void replica_view(struct replica *r, const struct replica_member *members,
		  size_t count)
{
	struct replica_member *copy = calloc(count ? count : 1, sizeof(*copy));

	if (!copy) {
		/* Without the view we cannot decide anything: reject writes
		 * until the next view, which every member will see. */
		log_error("Out of memory for a view of %zu members", count);
		r->member_count = 0;
		r->synced = false;
		return;
	}
	if (count) /* the empty view (transport gone) may be NULL */
		memcpy(copy, members, count * sizeof(*copy));
	/* The old view's peers are not this view's: sync_start makes new. */
	free(r->peers);
	r->peers = NULL;
	free(r->members);
	r->members = copy;
	r->member_count = count;
	r->view_seq++;
	/* Writes in pieces do not survive a view change, on any member. */
	replica_chunk_reset(r);
	r->sync_progress++; /* a new view restarts the sync deadline */
	log_info("View %llu: %zu members", (unsigned long long)r->view_seq,
		 count);
	if (r->expected_override) {
		log_notice("Expected votes override (%u) ends with the view",
			   r->expected_override);
		r->expected_override = 0;
	}
	replica_update_quorum(r);
	REPLICA_EXT_CALL(r, view, r->members, r->member_count, r->quorate);
	replica_sync_start(r);
}

bool replica_is_member(const struct replica *r, const struct replica_member *m)
{
	for (size_t i = 0; i < r->member_count; i++)
		if (r->members[i].nodeid == m->nodeid &&
		    r->members[i].pid == m->pid)
			return true;
	return false;
}

const struct replica_member *replica_members(const struct replica *r,
					     size_t *count)
{
	*count = r->member_count;
	return r->members;
}

struct replica_member replica_self(const struct replica *r)
{
	return r->self;
}
bool replica_quorate(const struct replica *r)
{
	return r->quorate;
}
bool replica_synced(const struct replica *r)
{
	return r->synced;
}
uint32_t replica_view_votes(const struct replica *r)
{
	return r->view_votes;
}
void replica_override_expected(struct replica *r, uint32_t expected_votes)
{
	r->expected_override = expected_votes;
	replica_update_quorum(r);
}

uint32_t replica_expected_votes(const struct replica *r)
{
	if (r->expected_override)
		return r->expected_override;
	return r->expected_votes;
}
const struct replica_stats *replica_get_stats(const struct replica *r)
{
	return &r->stats;
}

int replica_add_extension(struct replica *r,
			  const struct replica_extension *ext)
{
	if (r->ext_count == ELEMENTSOF(r->ext))
		return -ENOSPC;
	r->ext[r->ext_count++] = *ext;
	return 0;
}

int replica_send_message(struct replica *r, Clusterd__CpgMessage *msg)
{
	return replica_send(r, msg);
}

int replica_send(struct replica *r, Clusterd__CpgMessage *msg)
{
	Clusterd__Header header = CLUSTERD__HEADER__INIT;
	_cleanup_free_ uint8_t *buf = NULL;
	size_t len;

	header.protocol_version =
	    CLUSTERD__PROTOCOL_VERSION__PROTOCOL_VERSION_CURRENT;
	msg->header = &header;
	len = clusterd__cpg_message__get_packed_size(msg);
	buf = malloc(len ? len : 1);
	if (!buf)
		return -ENOMEM;
	clusterd__cpg_message__pack(msg, buf);
	msg->header = NULL;
	return r->ops.send(r->userdata, buf, len);
}
