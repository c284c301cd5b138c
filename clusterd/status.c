/*
 * Node status store (see status.h): per-owner maps, applied at delivery.
 *
 * Two copies matter on each member. "own" is what this node's clients set,
 * updated when a change is multicast; it is the source of the snapshot
 * sent after each view change. The replicated maps are updated only at
 * delivery, from the sender's node ID as CPG reports it, so they are equal
 * on every member of a view. A snapshot built from the replicated copy
 * could miss a change still in flight and then overwrite it; built from
 * "own", it comes after that change in the sender's FIFO order and
 * contains it.
 *
 * No quorum is involved: the owner is the only writer of its map, so there
 * are no conflicts to order, and a minority keeps working.
 */
#include "status.h"
#include "clusterd.pb-c.h"
#include "log.h"
#include "macro.h"

#include <errno.h>
#include <qb/qbmap.h>
#include <string.h>

#define SNAPSHOT_CHUNK_BYTES (256 * 1024)

struct status_entry {
	char *key; /* points into data, after the value */
	size_t len;
	uint8_t data[];
};

struct owner {
	uint32_t nodeid;
	qb_map_t *map; /* key -> struct status_entry, sorted */
	size_t bytes;
};

struct status {
	struct replica *replica;
	struct status_ops ops;
	void *userdata;
	struct owner own;
	struct owner *owners; /* sorted by node ID */
	size_t n_owners;
	uint64_t next_op_id;
	struct status_stats stats;
	struct {
		status_observer_fn fn;
		void *userdata;
	} observers[STATUS_MAX_OBSERVERS];
	size_t n_observers;
};

static void on_entry_free(uint32_t event, char *key, void *old_value,
			  void *value, void *user_data)
{
	free(old_value);
}

static int owner_init(struct owner *o, uint32_t nodeid)
{
	*o = (struct owner){.nodeid = nodeid, .map = qb_skiplist_create()};
	if (!o->map)
		return -ENOMEM;
	qb_map_notify_add(o->map, NULL, on_entry_free, QB_MAP_NOTIFY_FREE,
			  NULL);
	return 0;
}

static void owner_clear(struct owner *o)
{
	if (o->map)
		qb_map_destroy(o->map);
	owner_init(o, o->nodeid);
}

static size_t entry_bytes(const char *key, size_t len)
{
	return strlen(key) + len;
}

/* Would setting KEY to LEN bytes keep O within the per-node limits? */
static bool owner_fits(const struct owner *o, const char *key, size_t len)
{
	const struct status_entry *old = qb_map_get(o->map, key);
	size_t freed = old ? entry_bytes(key, old->len) : 0;

	if (len == 0)
		return true;
	if (!old && qb_map_count_get(o->map) >= STATUS_MAX_KEYS)
		return false;
	return o->bytes - freed + entry_bytes(key, len) <= STATUS_MAX_BYTES;
}

/* Set or (LEN 0) delete KEY in O, within the per-node limits. */
static int owner_put(struct owner *o, const char *key, const void *value,
		     size_t len)
{
	struct status_entry *old = qb_map_get(o->map, key), *e;
	size_t klen = strlen(key);
	size_t freed = old ? entry_bytes(key, old->len) : 0;

	if (!owner_fits(o, key, len))
		return -ENOSPC;
	if (len == 0) {
		if (old)
			qb_map_rm(o->map, key);
		o->bytes -= freed;
		return 0;
	}
	e = malloc(sizeof(*e) + len + klen + 1);
	if (!e)
		return -ENOMEM;
	e->len = len;
	memcpy(e->data, value, len);
	e->key = (char *)e->data + len;
	memcpy(e->key, key, klen + 1);
	qb_map_put(o->map, e->key, e); /* frees OLD */
	o->bytes += klen + len - freed;
	return 0;
}

static struct owner *find_owner(const struct status *s, uint32_t nodeid)
{
	for (size_t i = 0; i < s->n_owners; i++)
		if (s->owners[i].nodeid == nodeid)
			return &s->owners[i];
	return NULL;
}

static struct owner *get_owner(struct status *s, uint32_t nodeid)
{
	struct owner *o = find_owner(s, nodeid), *grown;
	size_t at = 0;

	if (o)
		return o;
	grown = realloc(s->owners, (s->n_owners + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	s->owners = grown;
	while (at < s->n_owners && s->owners[at].nodeid < nodeid)
		at++;
	memmove(&s->owners[at + 1], &s->owners[at],
		(s->n_owners - at) * sizeof(*grown));
	if (owner_init(&s->owners[at], nodeid) < 0) {
		memmove(&s->owners[at], &s->owners[at + 1],
			(s->n_owners - at) * sizeof(*grown));
		return NULL;
	}
	s->n_owners++;
	return &s->owners[at];
}

int status_check_key(const char *key)
{
	size_t len = key ? strlen(key) : 0;

	if (len == 0)
		return -EINVAL;
	return len > STATUS_KEY_MAX ? -ENAMETOOLONG : 0;
}

int status_add_observer(struct status *s, status_observer_fn fn, void *userdata)
{
	if (s->n_observers == STATUS_MAX_OBSERVERS)
		return -ENOSPC;
	s->observers[s->n_observers].fn = fn;
	s->observers[s->n_observers++].userdata = userdata;
	return 0;
}

static void notify(const struct status *s, uint32_t nodeid, const char *key)
{
	for (size_t i = 0; i < s->n_observers; i++)
		s->observers[i].fn(nodeid, key, s->observers[i].userdata);
}

static bool op_valid(const Clusterd__StatusOp *op)
{
	for (size_t i = 0; i < op->n_entries; i++)
		if (!op->entries[i] || status_check_key(op->entries[i]->key) ||
		    op->entries[i]->value.len > STATUS_VALUE_MAX)
			return false;
	return true;
}

static void deliver(void *userdata, const struct replica_member *from,
		    const Clusterd__CpgMessage *msg)
{
	struct status *s = userdata;
	const Clusterd__StatusOp *op = msg->status;
	struct replica_member self = replica_self(s->replica);
	struct owner *o;
	int err = 0;

	if (msg->body_case != CLUSTERD__CPG_MESSAGE__BODY_STATUS)
		return;
	if (!op_valid(op) || !replica_is_member(s->replica, from) ||
	    !(o = get_owner(s, from->nodeid))) {
		s->stats.ops_dropped++;
		log_warning("Dropped a malformed or out-of-view status update "
			    "from node %u pid %u",
			    from->nodeid, from->pid);
		return;
	}
	if (op->replace_all)
		owner_clear(o);
	for (size_t i = 0; i < op->n_entries; i++) {
		const Clusterd__StatusKV *kv = op->entries[i];
		int r = owner_put(o, kv->key, kv->value.data, kv->value.len);

		if (r < 0) {
			s->stats.entries_refused++;
			err = r;
		} else if (!op->replace_all) {
			notify(s, from->nodeid, kv->key);
		}
	}
	if (op->replace_all)
		notify(s, from->nodeid, NULL);
	if (from->nodeid == self.nodeid && from->pid == self.pid && op->op_id &&
	    s->ops.set_done)
		s->ops.set_done(s->userdata, op->op_id, err);
}

static int send_op(struct status *s, Clusterd__StatusOp *op)
{
	Clusterd__CpgMessage msg = CLUSTERD__CPG_MESSAGE__INIT;

	msg.body_case = CLUSTERD__CPG_MESSAGE__BODY_STATUS;
	msg.status = op;
	return replica_send_message(s->replica, &msg);
}

struct snapshot {
	struct status *s;
	Clusterd__StatusOp op;
	Clusterd__StatusKV *kvs;
	Clusterd__StatusKV **ptrs;
	size_t bytes;
	int err;
};

static int snapshot_flush(struct snapshot *sn)
{
	int r = send_op(sn->s, &sn->op);

	sn->op.replace_all = false;
	sn->op.n_entries = 0;
	sn->bytes = 0;
	return r;
}

/* Our own entries, in parts of at most SNAPSHOT_CHUNK_BYTES; the first
 * part (even an empty one) replaces what the others hold for us. */
static int send_snapshot(struct status *s)
{
	size_t n = qb_map_count_get(s->own.map);
	struct snapshot sn = {.s = s};
	qb_map_iter_t *it;
	struct status_entry *e;
	int r = 0;

	clusterd__status_op__init(&sn.op);
	sn.op.replace_all = true;
	sn.kvs = calloc(n + 1, sizeof(*sn.kvs));
	sn.ptrs = calloc(n + 1, sizeof(*sn.ptrs));
	it = qb_map_iter_create(s->own.map);
	if (!sn.kvs || !sn.ptrs || !it)
		r = -ENOMEM;
	sn.op.entries = sn.ptrs;
	while (r == 0 && qb_map_iter_next(it, (void **)&e)) {
		Clusterd__StatusKV *kv = &sn.kvs[sn.op.n_entries];

		clusterd__status_kv__init(kv);
		kv->key = e->key;
		kv->value.data = e->data;
		kv->value.len = e->len;
		sn.ptrs[sn.op.n_entries++] = kv;
		sn.bytes += entry_bytes(e->key, e->len) + 16;
		if (sn.bytes >= SNAPSHOT_CHUNK_BYTES)
			r = snapshot_flush(&sn); /* the next part reuses kvs */
	}
	if (r == 0 && (sn.op.n_entries > 0 || sn.op.replace_all))
		r = snapshot_flush(&sn);
	if (it)
		qb_map_iter_free(it);
	free(sn.kvs);
	free(sn.ptrs);
	if (r == 0)
		s->stats.snapshots_sent++;
	return r;
}

static void view(void *userdata, const struct replica_member *members,
		 size_t count, bool quorate)
{
	struct status *s = userdata;
	struct replica_member self = replica_self(s->replica);
	bool self_in = false;
	size_t kept = 0;
	int r;

	for (size_t i = 0; i < s->n_owners; i++) {
		bool in = false;

		for (size_t j = 0; j < count; j++)
			in |= members[j].nodeid == s->owners[i].nodeid;
		if (in)
			s->owners[kept++] = s->owners[i];
		else
			qb_map_destroy(s->owners[i].map);
	}
	s->n_owners = kept;
	for (size_t j = 0; j < count; j++)
		self_in |= members[j].nodeid == self.nodeid &&
			   members[j].pid == self.pid;
	if (!self_in)
		return; /* no group to talk to (corosync is away) */
	r = send_snapshot(s);
	if (r < 0)
		log_error_errno(r, "Cannot multicast this node's status "
				   "entries; peers lack them until the next "
				   "membership change");
}

int status_set(struct status *s, const char *key, const void *value, size_t len,
	       uint64_t *op_id)
{
	Clusterd__StatusOp op = CLUSTERD__STATUS_OP__INIT;
	Clusterd__StatusKV kv = CLUSTERD__STATUS_KV__INIT;
	Clusterd__StatusKV *ptr = &kv;
	int r = status_check_key(key);

	if (r < 0)
		return r;
	if (len > STATUS_VALUE_MAX)
		return -EFBIG;
	/* Check the limits before sending: peers apply the same ones. */
	if (!owner_fits(&s->own, key, len))
		return -ENOSPC;
	kv.key = (char *)key;
	kv.value.data = (uint8_t *)value;
	kv.value.len = len;
	op.entries = &ptr;
	op.n_entries = 1;
	op.op_id = s->next_op_id;
	r = send_op(s, &op);
	if (r == 0)
		r = owner_put(&s->own, key, value, len);
	if (r == 0)
		*op_id = s->next_op_id++;
	return r;
}

int status_get(const struct status *s, uint32_t nodeid, const char *key,
	       const void **value, size_t *len)
{
	const struct owner *o = find_owner(s, nodeid);
	const struct status_entry *e = o ? qb_map_get(o->map, key) : NULL;

	if (!e)
		return -ENOENT;
	*value = e->data;
	*len = e->len;
	return 0;
}

int status_foreach(const struct status *s, uint32_t nodeid, status_fn fn,
		   void *userdata)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < s->n_owners; i++) {
		const struct owner *o = &s->owners[i];
		qb_map_iter_t *it;
		struct status_entry *e;

		if (nodeid && o->nodeid != nodeid)
			continue;
		it = qb_map_iter_create(o->map);
		if (!it)
			return -ENOMEM;
		while (r == 0 && qb_map_iter_next(it, (void **)&e))
			r = fn(o->nodeid, e->key, e->data, e->len, userdata);
		qb_map_iter_free(it);
	}
	return r;
}

const struct status_stats *status_get_stats(const struct status *s)
{
	return &s->stats;
}

int status_new(struct replica *r, const struct status_ops *ops, void *userdata,
	       struct status **out)
{
	struct replica_extension ext = {.deliver = deliver, .view = view};
	struct status *s = calloc(1, sizeof(*s));
	int e;

	if (!s)
		return -ENOMEM;
	s->replica = r;
	s->ops = *ops;
	s->userdata = userdata;
	s->next_op_id = 1;
	e = owner_init(&s->own, 0);
	ext.userdata = s;
	if (e == 0)
		e = replica_add_extension(r, &ext);
	if (e < 0) {
		status_free(s);
		return e;
	}
	*out = s;
	return 0;
}

void status_free(struct status *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_owners; i++)
		qb_map_destroy(s->owners[i].map);
	free(s->owners);
	if (s->own.map)
		qb_map_destroy(s->own.map);
	free(s);
}
