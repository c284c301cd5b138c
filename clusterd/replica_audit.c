/*
 * Periodic divergence audit (the "periodic checksum comparison").
 *
 * A checksum compared across members only means something if every member
 * computes it at the same stream position. So the audit is two-phase: one
 * member multicasts AuditRequest; where it is delivered, every synced
 * member multicasts an AuditReport of its tree at exactly that position.
 * When all reports of the view are in, a member whose checksum differs
 * from the one most members hold (lowest node ID on a tie) logs loudly and
 * rejoins the group; the sync of the next view then repairs it, since sync
 * prefers the majority checksum among equal versions.
 */
#include "replica_internal.h"
#include "log.h"

#include <string.h>

void replica_audit_start(struct replica *r)
{
	Clusterd__CpgMessage msg = CLUSTERD__CPG_MESSAGE__INIT;
	Clusterd__AuditRequest req = CLUSTERD__AUDIT_REQUEST__INIT;

	if (!r->synced || r->audit_active)
		return;
	msg.body_case = CLUSTERD__CPG_MESSAGE__BODY_AUDIT_REQUEST;
	msg.audit_request = &req;
	replica_send(r, &msg);
}

static void on_request(struct replica *r)
{
	Clusterd__CpgMessage msg = CLUSTERD__CPG_MESSAGE__INIT;
	Clusterd__AuditReport rep = CLUSTERD__AUDIT_REPORT__INIT;

	if (!r->synced || r->audit_active)
		return;
	r->audit_active = true;
	for (size_t i = 0; i < r->member_count; i++)
		r->peers[i].have_report = false;
	rep.tree_version = tree_version(r->tree);
	rep.checksum = tree_checksum(r->tree);
	msg.body_case = CLUSTERD__CPG_MESSAGE__BODY_AUDIT_REPORT;
	msg.audit_report = &rep;
	replica_send(r, &msg);
}

/* The checksum most reporting members hold; lowest node ID on a tie. */
static const struct sync_peer *majority_report(const struct replica *r)
{
	const struct sync_peer *best = NULL;
	size_t best_count = 0;

	for (size_t i = 0; i < r->member_count; i++) {
		const struct sync_peer *p = &r->peers[i];
		size_t count = 0;

		if (!p->have_report)
			continue;
		for (size_t j = 0; j < r->member_count; j++)
			count +=
			    r->peers[j].have_report &&
			    r->peers[j].report_checksum == p->report_checksum;
		if (count > best_count ||
		    (count == best_count &&
		     p->member.nodeid < best->member.nodeid)) {
			best = p;
			best_count = count;
		}
	}
	return best;
}

static void audit_complete(struct replica *r)
{
	const struct sync_peer *good = majority_report(r);
	const struct sync_peer *me = NULL;

	r->audit_active = false;
	r->stats.audits++;
	for (size_t i = 0; i < r->member_count; i++) {
		const struct sync_peer *p = &r->peers[i];

		if (!p->have_report ||
		    p->report_checksum == good->report_checksum)
			continue;
		log_error("DIVERGENCE: audit at tree version %llu: node %u has "
			  "checksum %016llx, the majority %016llx",
			  (unsigned long long)p->report_version,
			  p->member.nodeid,
			  (unsigned long long)p->report_checksum,
			  (unsigned long long)good->report_checksum);
		if (p->member.nodeid == r->self.nodeid &&
		    p->member.pid == r->self.pid)
			me = p;
	}
	if (me) {
		r->stats.sync_repairs++;
		log_error("This node's tree diverged: rejoining to resync");
		if (r->ops.rejoin)
			r->ops.rejoin(r->userdata);
	}
}

static void on_report(struct replica *r, struct sync_peer *p,
		      const Clusterd__AuditReport *rep)
{
	if (!r->audit_active || p->have_report || p->excluded)
		return;
	p->have_report = true;
	p->report_version = rep->tree_version;
	p->report_checksum = rep->checksum;
	for (size_t i = 0; i < r->member_count; i++)
		if (!r->peers[i].excluded && !r->peers[i].have_report)
			return;
	audit_complete(r);
}

void replica_audit_deliver(struct replica *r, struct sync_peer *p,
			   const Clusterd__CpgMessage *msg)
{
	if (msg->body_case == CLUSTERD__CPG_MESSAGE__BODY_AUDIT_REQUEST)
		on_request(r);
	else
		on_report(r, p, msg->audit_report);
}
