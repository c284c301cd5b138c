/*
 * Writes: turning a client's change into a WriteOp, and applying WriteOps
 * in delivery order.
 *
 * The writer's node ID and clock travel in the message, so every member
 * stamps the same writer and mtime. The decision (apply or reject, and the
 * errno) is the same on every member because it depends only on the tree
 * and on the view, both equal across the view after sync.
 */
#include "replica_internal.h"
#include "guest_ids.h"
#include "log.h"

#include <errno.h>
#include <string.h>

static void fill_op(Clusterd__WriteOp *op, const struct replica_write *w,
		    Clusterd__PutRequest *put, Clusterd__RemoveRequest *rm,
		    Clusterd__MkdirRequest *mk, Clusterd__RenameRequest *mv)
{
	switch (w->type) {
	case REPLICA_PUT:
		put->path = (char *)w->path;
		put->data.data = (uint8_t *)w->data;
		put->data.len = w->size;
		put->check_version = w->check_version;
		put->expected_version = w->expected_version;
		op->op_case = CLUSTERD__WRITE_OP__OP_PUT;
		op->put = put;
		break;
	case REPLICA_REMOVE:
		rm->path = (char *)w->path;
		op->op_case = CLUSTERD__WRITE_OP__OP_REMOVE;
		op->remove = rm;
		break;
	case REPLICA_MKDIR:
		mk->path = (char *)w->path;
		op->op_case = CLUSTERD__WRITE_OP__OP_MKDIR;
		op->mkdir = mk;
		break;
	case REPLICA_RENAME:
		mv->from = (char *)w->path;
		mv->to = (char *)w->to;
		op->op_case = CLUSTERD__WRITE_OP__OP_RENAME;
		op->rename = mv;
		break;
	}
}

int replica_submit(struct replica *r, const struct replica_write *w,
		   uint64_t *write_id)
{
	Clusterd__CpgMessage msg = CLUSTERD__CPG_MESSAGE__INIT;
	Clusterd__WriteOp op = CLUSTERD__WRITE_OP__INIT;
	Clusterd__PutRequest put = CLUSTERD__PUT_REQUEST__INIT;
	Clusterd__RemoveRequest rm = CLUSTERD__REMOVE_REQUEST__INIT;
	Clusterd__MkdirRequest mk = CLUSTERD__MKDIR_REQUEST__INIT;
	Clusterd__RenameRequest mv = CLUSTERD__RENAME_REQUEST__INIT;
	int r_;

	if (w->type < REPLICA_PUT || w->type > REPLICA_RENAME || !w->path ||
	    (w->type == REPLICA_RENAME && !w->to))
		return -EINVAL;
	r_ = tree_path_check(w->path);
	if (r_ == 0 && w->type == REPLICA_RENAME)
		r_ = tree_path_check(w->to);
	if (r_ < 0)
		return r_;
	/* Every member would refuse it at delivery: spare the multicast. */
	if (w->type == REPLICA_PUT &&
	    w->size > tree_get_limits(r->tree)->max_file_size)
		return -EFBIG;
	if (!r->quorate)
		return -EROFS;
	if (!r->synced)
		return -EAGAIN;
	op.origin_nodeid = r->self.nodeid;
	op.origin_pid = r->self.pid;
	op.write_id = r->next_write_id;
	op.mtime_ms = w->mtime_ms;
	fill_op(&op, w, &put, &rm, &mk, &mv);
	msg.body_case = CLUSTERD__CPG_MESSAGE__BODY_WRITE;
	msg.write = &op;
	r_ = replica_send_write(r, &msg);
	if (r_ < 0)
		return r_;
	*write_id = r->next_write_id++;
	return 0;
}

static int apply_op(struct replica *r, const Clusterd__WriteOp *op)
{
	struct tree_op_ctx ctx = {.writer = op->origin_nodeid,
				  .mtime_ms = op->mtime_ms};
	int err;

	switch (op->op_case) {
	case CLUSTERD__WRITE_OP__OP_PUT:
		err = guest_id_check_unique(r->tree, op->put->path, NULL);
		if (err < 0)
			return err;
		return tree_put(r->tree, op->put->path, op->put->data.data,
				op->put->data.len, op->put->check_version,
				op->put->expected_version, &ctx);
	case CLUSTERD__WRITE_OP__OP_REMOVE:
		return tree_remove(r->tree, op->remove->path, &ctx);
	case CLUSTERD__WRITE_OP__OP_MKDIR:
		return tree_mkdir(r->tree, op->mkdir->path, &ctx);
	case CLUSTERD__WRITE_OP__OP_RENAME:
		err = guest_id_check_unique(r->tree, op->rename->to,
					    op->rename->from);
		if (err < 0)
			return err;
		return tree_rename(r->tree, op->rename->from, op->rename->to,
				   &ctx);
	default: return -EINVAL;
	}
}

void replica_apply_write(struct replica *r, const struct replica_member *from,
			 const Clusterd__WriteOp *op)
{
	int err;

	if (!r->quorate)
		err = -EROFS;
	else if (!r->synced || replica_excluded(r, from))
		err = -EAGAIN;
	else
		err = apply_op(r, op);
	if (err < 0)
		r->stats.writes_rejected++;
	else
		r->stats.writes_applied++;
	/* The sender's identity comes from the group, not from the payload:
	 * a peer cannot complete another node's client. */
	if (from->nodeid == r->self.nodeid && from->pid == r->self.pid &&
	    op->origin_nodeid == r->self.nodeid &&
	    op->origin_pid == r->self.pid && r->ops.write_done)
		r->ops.write_done(r->userdata, op->write_id, err,
				  tree_version(r->tree));
}

void replica_deliver(struct replica *r, uint32_t nodeid, uint32_t pid,
		     const void *buf, size_t len)
{
	struct replica_member from = {nodeid, pid};
	Clusterd__CpgMessage *msg;

	msg = clusterd__cpg_message__unpack(NULL, len, buf);
	if (!msg || !msg->header ||
	    msg->header->protocol_version !=
		CLUSTERD__PROTOCOL_VERSION__PROTOCOL_VERSION_CURRENT) {
		r->stats.messages_dropped++;
		log_warning("Dropped an undecodable or unsupported message "
			    "(%zu bytes) from node %u pid %u",
			    len, nodeid, pid);
		if (msg)
			clusterd__cpg_message__free_unpacked(msg, NULL);
		return;
	}
	if (msg->body_case == CLUSTERD__CPG_MESSAGE__BODY_WRITE)
		replica_apply_write(r, &from, msg->write);
	else if (msg->body_case == CLUSTERD__CPG_MESSAGE__BODY_WRITE_CHUNK)
		replica_chunk_deliver(r, &from, msg->write_chunk);
	else
		replica_sync_deliver(r, &from, msg);
	clusterd__cpg_message__free_unpacked(msg, NULL);
}
