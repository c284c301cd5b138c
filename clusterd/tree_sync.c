/*
 * The tree's sync side: installing entries and tombstones as a sync source
 * sent them, listing what changed since a version, and tombstone pruning.
 *
 * Installing trusts the source: no version bump, no parent stamping, no
 * limits (the source already enforced them; refusing here would leave a
 * member that can never catch up). It still refuses what would break the
 * structure: a missing parent, a bad path, a non-directory root.
 *
 * When an install removes entries that the source no longer has (a
 * directory replaced by a file, or a tombstone over a subtree), each
 * removed entry gets a tombstone at the installed version: the tree and
 * its store stay in agreement, and the source's own tombstones for those
 * paths, shipped after their parent because they sort after it, overwrite
 * ours with the exact versions.
 *
 * Diffs are sorted on demand: a sync is rare next to lookups, and keeping
 * a second, globally ordered index would cost on every change.
 *
 * Pruning drops whole versions: every tombstone at or below the new horizon
 * goes, so "no tombstone at or below the horizon" holds and the store can
 * forget pruned tombstones with one DELETE.
 */
#include "tree_internal.h"

#include "macro.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int install_check(const struct tree *t, const struct tree_entry *e)
{
	int r;

	if (!t || !e)
		return -EINVAL;
	r = tree_path_check(e->path);
	if (r < 0)
		return r;
	if (e->type != TREE_FILE && e->type != TREE_DIR)
		return -EINVAL;
	if (e->size > 0 && (!e->data || e->type == TREE_DIR))
		return -EINVAL;
	if (!*e->path)
		return e->type == TREE_DIR ? 0 : -EINVAL;
	return e->version > 0 ? 0 : -EINVAL;
}

static struct stamp stamp_of(const struct tree_entry *e)
{
	return (struct stamp){e->version, e->writer, e->mtime_ms};
}

static int install_new(struct tree *t, struct node *parent,
		       const struct tree_entry *e)
{
	struct stamp st = stamp_of(e);
	struct node *n;
	int r = node_prepare(t, parent, e->path, e->type, e->data, e->size, &n);

	if (r < 0)
		return r;
	node_install(t, n, parent, &st);
	return 0;
}

static int install_over(struct tree *t, struct node *n,
			const struct tree_entry *e)
{
	_cleanup_(subtree_done) struct subtree s = {};
	_cleanup_free_ uint8_t *copy = NULL;
	struct stamp st = stamp_of(e);
	int r = data_dup(e->data, e->size, &copy);

	if (r < 0)
		return r;
	if (e->type == TREE_FILE && n->n_kids > 0) {
		r = subtree_collect(n, &s);
		if (r == 0)
			r = tombs_prepare(t, &s);
		if (r < 0)
			return r;
		tree_drop_subtree(t, &s, 1, e->version);
	}
	tree_recontent(t, n, e->type, TAKE_PTR(copy), e->size, &st);
	tree_notify(t, n);
	return 0;
}

int tree_install_entry(struct tree *tree, const struct tree_entry *entry)
{
	struct node *n, *parent;
	struct stamp st;
	int r = install_check(tree, entry);

	if (r < 0)
		return r;
	if (!*entry->path) {
		st = stamp_of(entry);
		tree_restamp(tree, tree->root, &st);
		tree_notify(tree, tree->root);
		return 0;
	}
	r = tree_find_parent(tree, entry->path, &parent);
	if (r < 0)
		return r;
	n = tree_find(tree, entry->path, strlen(entry->path));
	return n ? install_over(tree, n, entry)
		 : install_new(tree, parent, entry);
}

int tree_install_tombstone(struct tree *tree, const char *path,
			   uint64_t version)
{
	_cleanup_(subtree_done) struct subtree s = {};
	struct tomb *pre;
	struct node *n;
	int r = tree_path_check(path);

	if (r < 0)
		return r;
	if (!tree || version == 0)
		return -EINVAL;
	if (!*path)
		return -EBUSY;
	n = tree_find(tree, path, strlen(path));
	if (n) {
		r = subtree_collect(n, &s);
		if (r == 0)
			r = tombs_prepare(tree, &s);
		if (r < 0)
			return r;
		tree_drop_subtree(tree, &s, 0, version);
		return 0;
	}
	pre = tomb_new(path, strlen(path));
	if (!pre)
		return -ENOMEM;
	r = htable_reserve(&tree->tombs, 1);
	if (r < 0) {
		free(pre);
		return r;
	}
	tomb_set(tree, pre, version);
	tree_notify_gone(tree, path, version);
	return 0;
}

uint64_t tree_tombstone_horizon(const struct tree *tree)
{
	return tree ? tree->horizon : 0;
}

void tree_set_tombstone_horizon(struct tree *tree, uint64_t horizon)
{
	if (tree)
		tree->horizon = horizon;
}

static int cmp_link_path(const void *a, const void *b)
{
	const struct hlink *x = *(const struct hlink *const *)a;
	const struct hlink *y = *(const struct hlink *const *)b;

	return strcmp(x->path, y->path);
}

/* The items of H with a version above SINCE, sorted by path. */
static int changed_since(const struct tree *t, const struct htable *h,
			 uint64_t since, struct hlink ***out, size_t *n)
{
	int r = htable_items(h, out);

	*n = 0;
	if (r < 0)
		return r;
	for (size_t i = 0; i < h->count; i++) {
		struct hlink *l = (*out)[i];
		uint64_t v = h == &t->nodes ? ((struct node *)l)->e.version
					    : ((struct tomb *)l)->version;

		if (v > since && l != &t->root->link)
			(*out)[(*n)++] = l;
	}
	if (*n > 1)
		qsort(*out, *n, sizeof(**out), cmp_link_path);
	return 0;
}

int tree_foreach_since(const struct tree *tree, uint64_t since,
		       tree_entry_fn fn, void *userdata)
{
	_cleanup_free_ struct hlink **v = NULL;
	size_t n;
	int r;

	if (!tree || !fn)
		return -EINVAL;
	r = changed_since(tree, &tree->nodes, since, &v, &n);
	for (size_t i = 0; r >= 0 && i < n; i++)
		r = fn(&((struct node *)v[i])->e, userdata);
	return r < 0 ? r : 0;
}

int tree_foreach_tombstone_since(const struct tree *tree, uint64_t since,
				 tree_tombstone_fn fn, void *userdata)
{
	_cleanup_free_ struct hlink **v = NULL;
	size_t n;
	int r;

	if (!tree || !fn)
		return -EINVAL;
	r = changed_since(tree, &tree->tombs, since, &v, &n);
	for (size_t i = 0; r >= 0 && i < n; i++) {
		const struct tomb *tb = (const struct tomb *)v[i];

		r = fn(tb->path, tb->version, userdata);
	}
	return r < 0 ? r : 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Raise the horizon to CUTOFF and forget every tombstone at or below it.
 * Out of memory keeps the tombstones; the horizon, which is what keeps
 * sync safe, rises anyway. */
static void drop_upto(struct tree *t, uint64_t cutoff)
{
	_cleanup_free_ struct hlink **all = NULL;
	size_t n = t->tombs.count;

	if (cutoff > t->horizon)
		t->horizon = cutoff;
	if (htable_items(&t->tombs, &all) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (((struct tomb *)all[i])->version <= cutoff) {
			htable_del(&t->tombs, all[i]);
			free(all[i]);
		}
}

void tree_prune_tombstones(struct tree *tree, size_t max)
{
	_cleanup_free_ uint64_t *v = NULL;
	size_t i = 0, n = tree ? tree->tombs.count : 0;

	if (n <= max)
		return;
	v = malloc(n * sizeof(*v));
	if (!v)
		return;
	for (size_t b = 0; b < tree->tombs.nbuckets; b++)
		for (struct hlink *l = tree->tombs.buckets[b]; l; l = l->next)
			v[i++] = ((struct tomb *)l)->version;
	qsort(v, n, sizeof(*v), cmp_u64);
	drop_upto(tree, v[n - max - 1]);
}

/* After a snapshot nothing older than it can be diffed: see tree_clear. */
void tree_set_version(struct tree *tree, uint64_t version)
{
	if (!tree)
		return;
	tree->version = version;
	if (tree->cleared) {
		tree->cleared = false;
		tree->horizon = 0;
		drop_upto(tree, version);
	}
}
