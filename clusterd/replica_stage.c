/*
 * Staged sync data: verify before installing.
 *
 * A member behind does not install SyncData as it arrives. It keeps the
 * messages until the last one, applies them to a scratch tree (a copy of
 * its own for a diff, an empty one for a snapshot) and checks that the
 * result has the version and checksum the source announced in its
 * SyncState. Only then does it apply the same data to its real tree.
 * Garbled or inconsistent data therefore never touches the tree (nor the
 * database): the member reports its unchanged tree in SyncCheck, the
 * checksums disagree, and the view refuses writes until the source is
 * gone. The copy costs one pass over the tree per sync that ships data.
 *
 * What this cannot catch is a source that announces a state and ships
 * data matching it exactly: a malicious member with the cluster's key.
 * corosync's authentication is what keeps such members out.
 */
#include "replica_internal.h"
#include "log.h"

#include <errno.h>
#include <stdlib.h>

void replica_stage_reset(struct replica *r)
{
	for (size_t i = 0; i < r->staged_count; i++)
		clusterd__sync_data__free_unpacked(r->staged[i], NULL);
	free(r->staged);
	r->staged = NULL;
	r->staged_count = 0;
}

int replica_stage_add(struct replica *r, const Clusterd__SyncData *d)
{
	size_t len = clusterd__sync_data__get_packed_size(d);
	uint8_t *buf = malloc(len ? len : 1);
	Clusterd__SyncData *copy;
	void *p =
	    realloc(r->staged, (r->staged_count + 1) * sizeof(*r->staged));

	if (!buf || !p) {
		free(buf);
		return -ENOMEM;
	}
	r->staged = p;
	clusterd__sync_data__pack(d, buf);
	copy = clusterd__sync_data__unpack(NULL, len, buf);
	free(buf);
	if (!copy)
		return -ENOMEM;
	r->staged[r->staged_count++] = copy;
	return 0;
}

static int install_one(struct tree *t, const Clusterd__SyncData *d,
		       uint64_t base)
{
	int err = 0;

	for (size_t i = 0; i < d->n_tombstones && err >= 0; i++)
		if (d->snapshot || d->tombstones[i]->version > base)
			err = tree_install_tombstone(t, d->tombstones[i]->path,
						     d->tombstones[i]->version);
	for (size_t i = 0; i < d->n_entries && err >= 0; i++) {
		const Clusterd__TreeEntry *m = d->entries[i];
		struct tree_entry e = {
		    .path = m->path,
		    .type = m->type == CLUSTERD__ENTRY_TYPE__ENTRY_DIR
				? TREE_DIR
				: TREE_FILE,
		    .data = m->data.data,
		    .size = m->data.len,
		    .version = m->version,
		    .writer = m->writer,
		    .mtime_ms = m->mtime_ms,
		};

		if (d->snapshot || m->version > base)
			err = tree_install_entry(t, &e);
	}
	return err;
}

/* Apply every staged message to T (cleared first for a snapshot). */
static int install_all(struct replica *r, struct tree *t, uint64_t to_version)
{
	int err = 0;

	if (r->staged_count && r->staged[0]->snapshot)
		tree_clear(t);
	for (size_t i = 0; i < r->staged_count && err >= 0; i++)
		err = install_one(t, r->staged[i], r->base_version);
	if (err >= 0)
		tree_set_version(t, to_version);
	return err;
}

static int copy_entry(const struct tree_entry *e, void *userdata)
{
	return tree_install_entry(userdata, e);
}

/* A scratch copy of R's tree (entries only: what the checksum covers). */
static int scratch_copy(struct replica *r, bool empty, struct tree **out)
{
	int err = tree_new(tree_get_limits(r->tree), out);

	if (err < 0 || empty)
		return err;
	err = tree_foreach_since(r->tree, 0, copy_entry, *out);
	if (err < 0) {
		tree_free(*out);
		*out = NULL;
	}
	return err;
}

/* The headers agree with the plan every member computed. */
static bool consistent(struct replica *r, uint64_t version)
{
	const Clusterd__SyncData *first = r->staged[0];
	const Clusterd__SyncData *last = r->staged[r->staged_count - 1];

	for (size_t i = 0; i < r->staged_count; i++)
		if (r->staged[i]->snapshot != first->snapshot ||
		    r->staged[i]->to_version != version ||
		    r->staged[i]->from_version != first->from_version)
			return false;
	return last->last && version >= r->base_version &&
	       (first->snapshot || first->from_version <= r->base_version);
}

int replica_stage_commit(struct replica *r, uint64_t version, uint64_t checksum)
{
	struct tree *scratch = NULL;
	int err;

	if (!r->staged_count || !consistent(r, version))
		return -EBADMSG;
	err = scratch_copy(r, r->staged[0]->snapshot, &scratch);
	if (err < 0)
		return err;
	err = install_all(r, scratch, version);
	if (err >= 0 && (tree_version(scratch) != version ||
			 tree_checksum(scratch) != checksum))
		err = -EBADMSG;
	tree_free(scratch);
	if (err < 0)
		return err;
	return install_all(r, r->tree, version);
}
