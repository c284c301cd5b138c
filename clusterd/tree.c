/*
 * The configuration tree: lifecycle, queries and the four operations
 * (put, mkdir, remove, rename).
 *
 * Each operation checks every documented error first, then allocates all
 * it needs, and only then bumps the version and applies the change with
 * primitives that cannot fail (tree_internal.h). That is what makes "a
 * failing operation changes nothing" true even for ENOMEM, and it keeps
 * the order of checks (hence the errno a client sees) the same on every
 * member.
 *
 * A change stamps what it creates or changes and the parent directory of
 * what it creates, removes or renames, like a directory mtime; the root is
 * stamped too but is outside the checksum, because sync never ships it.
 * The observer is told of each entry as it is done: removals (deepest
 * first) before creations (parents first), and the parents last.
 *
 * Rename moves a subtree by building new nodes for every entry and
 * tombstoning the old paths, so that a diff (entries and tombstones newer
 * than a version) describes the move completely. File contents move by
 * pointer, not by copy.
 */
#include "tree_internal.h"

#include "macro.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void tree_limits_default(struct tree_limits *limits)
{
	limits->max_file_size = 8ULL << 20;
	limits->max_tree_size = 1ULL << 30;
	limits->max_entries = 1000000;
}

int tree_path_check(const char *path)
{
	const char *p = path;

	if (!path)
		return -EINVAL;
	if (strnlen(path, TREE_PATH_MAX + 1) > TREE_PATH_MAX)
		return -ENAMETOOLONG;
	if (!*path)
		return 0;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (n == 0)
			return -EINVAL;
		if (n > TREE_NAME_MAX)
			return -ENAMETOOLONG;
		if (p[0] == '.' && (n == 1 || (n == 2 && p[1] == '.')))
			return -EINVAL;
		if (!slash)
			return 0;
		p = slash + 1;
	}
}

static void free_items(struct tree *t, bool keep_root)
{
	struct htable *h = &t->nodes;

	for (size_t i = 0; h->buckets && i < h->nbuckets; i++) {
		struct hlink *l = h->buckets[i], *next;

		for (; l; l = next) {
			next = l->next;
			if (!keep_root || (struct node *)l != t->root)
				node_free((struct node *)l);
		}
		h->buckets[i] = NULL;
	}
	h->count = 0;
	h = &t->tombs;
	for (size_t i = 0; h->buckets && i < h->nbuckets; i++) {
		struct hlink *l = h->buckets[i], *next;

		for (; l; l = next) {
			next = l->next;
			free(l);
		}
		h->buckets[i] = NULL;
	}
	h->count = 0;
}

void tree_free(struct tree *tree)
{
	if (!tree)
		return;
	free_items(tree, false);
	htable_done(&tree->nodes);
	htable_done(&tree->tombs);
	free(tree);
}

static void tree_freep(struct tree **t)
{
	tree_free(*t);
}

int tree_new(const struct tree_limits *limits, struct tree **out)
{
	_cleanup_(tree_freep) struct tree *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	if (limits)
		t->limits = *limits;
	else
		tree_limits_default(&t->limits);
	if (htable_init(&t->nodes) < 0 || htable_init(&t->tombs) < 0)
		return -ENOMEM;
	t->root = node_new("", 0, TREE_DIR);
	if (!t->root)
		return -ENOMEM;
	htable_add(&t->nodes, &t->root->link);
	t->root->sum = hash_entry(&t->root->e);
	*out = TAKE_PTR(t);
	return 0;
}

/* Root stays, with fresh stamps; version and horizon go back to 0. */
void tree_clear(struct tree *tree)
{
	struct node *root = tree->root;

	free_items(tree, true);
	htable_add(&tree->nodes, &root->link);
	root->n_kids = 0;
	root->e.version = 0;
	root->e.writer = 0;
	root->e.mtime_ms = 0;
	root->sum = hash_entry(&root->e);
	tree->count = tree->total_size = tree->checksum = 0;
	tree->version = tree->horizon = 0;
	tree->cleared = true;
	tree_notify_gone(tree, "", 0);
}

int tree_add_observer(struct tree *tree, tree_observer_fn fn, void *userdata)
{
	for (int i = 0; i < TREE_MAX_OBSERVERS; i++) {
		if (!tree->observers[i].fn) {
			tree->observers[i].fn = fn;
			tree->observers[i].userdata = userdata;
			return 0;
		}
	}
	return -ENOSPC;
}

void tree_remove_observer(struct tree *tree, tree_observer_fn fn,
			  void *userdata)
{
	for (int i = 0; i < TREE_MAX_OBSERVERS; i++)
		if (tree->observers[i].fn == fn &&
		    tree->observers[i].userdata == userdata)
			tree->observers[i].fn = NULL;
}

uint64_t tree_version(const struct tree *tree)
{
	return tree->version;
}

uint64_t tree_checksum(const struct tree *tree)
{
	return tree->checksum;
}

uint64_t tree_entry_count(const struct tree *tree)
{
	return tree->count;
}

uint64_t tree_total_size(const struct tree *tree)
{
	return tree->total_size;
}

const struct tree_limits *tree_get_limits(const struct tree *tree)
{
	return &tree->limits;
}

const struct tree_entry *tree_lookup(const struct tree *tree, const char *path)
{
	const struct node *n;

	if (!tree || tree_path_check(path) < 0)
		return NULL;
	n = tree_find(tree, path, strlen(path));
	return n ? &n->e : NULL;
}

int tree_list(const struct tree *tree, const char *dir, tree_entry_fn fn,
	      void *userdata)
{
	const struct node *d;
	int r = tree_path_check(dir);

	if (r < 0)
		return r;
	if (!tree || !fn)
		return -EINVAL;
	d = tree_find(tree, dir, strlen(dir));
	if (!d)
		return -ENOENT;
	if (d->e.type != TREE_DIR)
		return -ENOTDIR;
	for (size_t i = 0; i < d->n_kids; i++) {
		r = fn(&d->kids[i]->e, userdata);
		if (r < 0)
			return r;
	}
	return 0;
}

static int op_check(const struct tree *t, const char *path,
		    const struct tree_op_ctx *ctx)
{
	if (!t || !ctx)
		return -EINVAL;
	return tree_path_check(path);
}

/* Bump the version; the stamp of the change that does it. */
static struct stamp next_stamp(struct tree *t, const struct tree_op_ctx *ctx)
{
	t->version++;
	return (struct stamp){t->version, ctx->writer, ctx->mtime_ms};
}

static int check_limits(const struct tree *t, uint64_t old_size, uint64_t size,
			bool creates)
{
	const struct tree_limits *l = &t->limits;
	uint64_t rest = t->total_size - old_size;

	if (size > l->max_file_size)
		return -EFBIG;
	if (rest > l->max_tree_size || size > l->max_tree_size - rest)
		return -ENOSPC;
	if (creates && t->count >= l->max_entries)
		return -EMFILE;
	return 0;
}

static int create(struct tree *t, struct node *parent, const char *path,
		  enum tree_entry_type type, const void *data, size_t size,
		  const struct tree_op_ctx *ctx)
{
	struct node *n;
	struct stamp st;
	int r = node_prepare(t, parent, path, type, data, size, &n);

	if (r < 0)
		return r;
	st = next_stamp(t, ctx);
	node_install(t, n, parent, &st);
	tree_restamp(t, parent, &st);
	tree_notify(t, parent);
	return 0;
}

int tree_put(struct tree *tree, const char *path, const void *data, size_t size,
	     bool check_version, uint64_t expected_version,
	     const struct tree_op_ctx *ctx)
{
	struct node *n, *parent = NULL;
	uint8_t *copy;
	struct stamp st;
	int r = op_check(tree, path, ctx);

	if (r < 0)
		return r;
	if (size > 0 && !data)
		return -EINVAL;
	n = tree_find(tree, path, strlen(path));
	if (n && n->e.type == TREE_DIR)
		return -EISDIR;
	if (!n && (r = tree_find_parent(tree, path, &parent)) < 0)
		return r;
	if (check_version && expected_version == 0 && n)
		return -EEXIST;
	if (check_version && expected_version != 0 &&
	    (!n || n->e.version != expected_version))
		return -ESTALE;
	r = check_limits(tree, n ? n->e.size : 0, size, !n);
	if (r < 0)
		return r;
	if (!n)
		return create(tree, parent, path, TREE_FILE, data, size, ctx);
	r = data_dup(data, size, &copy);
	if (r < 0)
		return r;
	st = next_stamp(tree, ctx);
	tree_recontent(tree, n, TREE_FILE, copy, size, &st);
	tree_notify(tree, n);
	return 0;
}

int tree_mkdir(struct tree *tree, const char *path,
	       const struct tree_op_ctx *ctx)
{
	struct node *parent;
	int r = op_check(tree, path, ctx);

	if (r < 0)
		return r;
	if (tree_find(tree, path, strlen(path)))
		return -EEXIST;
	r = tree_find_parent(tree, path, &parent);
	if (r < 0)
		return r;
	if (tree->count >= tree->limits.max_entries)
		return -EMFILE;
	return create(tree, parent, path, TREE_DIR, NULL, 0, ctx);
}

int tree_remove(struct tree *tree, const char *path,
		const struct tree_op_ctx *ctx)
{
	_cleanup_(subtree_done) struct subtree s = {};
	struct node *n, *parent;
	struct stamp st;
	int r = op_check(tree, path, ctx);

	if (r < 0)
		return r;
	if (!*path)
		return -EBUSY;
	n = tree_find(tree, path, strlen(path));
	if (!n)
		return -ENOENT;
	if (n->n_kids > 0)
		return -ENOTEMPTY;
	r = subtree_collect(n, &s);
	if (r == 0)
		r = tombs_prepare(tree, &s);
	if (r < 0)
		return r;
	parent = n->parent;
	st = next_stamp(tree, ctx);
	tree_drop_subtree(tree, &s, 0, st.version);
	tree_restamp(tree, parent, &st);
	tree_notify(tree, parent);
	return 0;
}

static int rename_check(const struct tree *t, const char *from, const char *to,
			struct node **src, struct node **dst,
			struct node **dparent)
{
	size_t flen = strlen(from);
	int r;

	if (!*from || !*to)
		return -EINVAL;
	if (strncmp(to, from, flen) == 0 &&
	    (to[flen] == '\0' || to[flen] == '/'))
		return -EINVAL;
	*src = tree_find(t, from, flen);
	if (!*src)
		return -ENOENT;
	r = tree_find_parent(t, to, dparent);
	if (r < 0)
		return r;
	*dst = tree_find(t, to, strlen(to));
	if (!*dst)
		return 0;
	if ((*src)->e.type == TREE_FILE && (*dst)->e.type == TREE_DIR)
		return -EISDIR;
	if ((*src)->e.type == TREE_DIR && (*dst)->e.type == TREE_FILE)
		return -ENOTDIR;
	if ((*dst)->n_kids > 0)
		return -ENOTEMPTY;
	return 0;
}

/* A new node for every entry of S, under TO instead of FROM. */
static int rename_prepare(struct tree *t, struct subtree *s, size_t flen,
			  const char *to, struct node *dparent)
{
	size_t tlen = strlen(to);
	char buf[TREE_PATH_MAX + 1];
	int r;

	memcpy(buf, to, tlen);
	for (size_t i = 0; i < s->n; i++) {
		const struct node *old = s->v[i].old;
		size_t rest = old->link.len - flen;

		if (tlen + rest > TREE_PATH_MAX)
			return -ENAMETOOLONG;
		memcpy(buf + tlen, old->path + flen, rest);
		s->v[i].fresh = node_new(buf, tlen + rest, old->e.type);
		if (!s->v[i].fresh)
			return -ENOMEM;
		r = kids_reserve(s->v[i].fresh, old->n_kids);
		if (r < 0)
			return r;
	}
	r = tombs_prepare(t, s);
	if (r == 0)
		r = htable_reserve(&t->nodes, s->n);
	if (r == 0)
		r = kids_reserve(dparent, 1);
	return r;
}

static void rename_apply(struct tree *t, struct subtree *s, struct node *dst,
			 struct node *dparent, const struct stamp *st)
{
	struct node *sparent = s->v[0].old->parent;

	/* Contents move to the new nodes; the old ones keep their size and
	 * checksum term until detached. */
	for (size_t i = 0; i < s->n; i++) {
		struct node *f = s->v[i].fresh, *o = s->v[i].old;

		f->data = o->data;
		f->e.data = o->data;
		f->e.size = o->e.size;
		o->data = NULL;
		f->e.version = st->version;
		f->e.writer = st->writer;
		f->e.mtime_ms = st->mtime_ms;
	}
	tree_drop_subtree(t, s, 0, st->version);
	if (dst) {
		tree_detach(t, dst);
		node_free(dst);
	}
	for (size_t i = 0; i < s->n; i++) {
		struct node *f = s->v[i].fresh;

		tree_attach(t, f, i ? s->v[s->v[i].parent].fresh : dparent);
		tomb_drop(t, f->path, f->link.len);
		tree_notify(t, f);
	}
	for (size_t i = 0; i < s->n; i++)
		s->v[i].fresh = NULL;
	tree_restamp(t, sparent, st);
	tree_notify(t, sparent);
	if (dparent != sparent) {
		tree_restamp(t, dparent, st);
		tree_notify(t, dparent);
	}
}

int tree_rename(struct tree *tree, const char *from, const char *to,
		const struct tree_op_ctx *ctx)
{
	_cleanup_(subtree_done) struct subtree s = {};
	struct node *src = NULL, *dst = NULL, *dparent = NULL;
	struct stamp st;
	int r = op_check(tree, from, ctx);

	if (r == 0)
		r = tree_path_check(to);
	if (r == 0)
		r = rename_check(tree, from, to, &src, &dst, &dparent);
	if (r == 0)
		r = subtree_collect(src, &s);
	if (r == 0)
		r = rename_prepare(tree, &s, strlen(from), to, dparent);
	if (r < 0)
		return r;
	st = next_stamp(tree, ctx);
	rename_apply(tree, &s, dst, dparent, &st);
	return 0;
}
