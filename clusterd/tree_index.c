/*
 * The tree's data structures: a path-keyed hash table, sorted child arrays,
 * the entry hash, and the primitives that link and unlink nodes.
 *
 * Why a hand-written hash table: lookups by full path are the hot path
 * (FUSE, every operation), and the two-phase change discipline (see
 * tree_internal.h) needs "reserve now, insert later without failing",
 * which libqb's maps do not offer. Items embed their link, so a node costs
 * one allocation.
 *
 * Why sorted arrays for children: tree_list must be sorted, directories
 * are small, and entries mostly arrive in order (load, sync, renames go
 * breadth-first), which makes inserts appends. A huge flat directory pays
 * a memmove per random insert; that is the accepted trade-off.
 *
 * Why FNV-1a plus a splitmix64 finaliser: no new dependency, and the
 * finaliser fixes FNV's weak high/low bits. The checksum is the sum of the
 * entry hashes modulo 2^64: order-independent and updated by subtracting
 * the old term and adding the new one. Every integer is fed little-endian
 * and every variable-length field with its length, so that the hash is the
 * same on every member and no two different entries feed the same bytes.
 */
#include "macro.h"
#include "tree_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME  0x100000001b3ULL

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= FNV_PRIME;
	}
	return h;
}

static uint64_t fnv_u64(uint64_t h, uint64_t v)
{
	uint8_t le[8];

	for (unsigned i = 0; i < 8; i++)
		le[i] = (uint8_t)(v >> (8 * i));
	return fnv(h, le, sizeof(le));
}

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t hash_path(const char *path, size_t len)
{
	return mix64(fnv(FNV_OFFSET, path, len));
}

uint64_t hash_entry(const struct tree_entry *e)
{
	size_t len = strlen(e->path);
	uint64_t h = FNV_OFFSET;

	h = fnv_u64(h, len);
	h = fnv(h, e->path, len);
	h = fnv_u64(h, (uint64_t)e->type);
	h = fnv_u64(h, e->size);
	if (e->size)
		h = fnv(h, e->data, e->size);
	h = fnv_u64(h, e->version);
	h = fnv_u64(h, e->writer);
	h = fnv_u64(h, (uint64_t)e->mtime_ms);
	return mix64(h);
}

int htable_init(struct htable *t)
{
	t->nbuckets = 16;
	t->count = 0;
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	return t->buckets ? 0 : -ENOMEM;
}

void htable_done(struct htable *t)
{
	free(t->buckets);
	t->buckets = NULL;
	t->nbuckets = t->count = 0;
}

/* Make room for EXTRA more items (load factor at most 1), so that the
 * following htable_add() calls cannot fail. */
int htable_reserve(struct htable *t, size_t extra)
{
	size_t need = t->count + extra, n = t->nbuckets;
	struct hlink **b;

	if (extra > SIZE_MAX / 4 - t->count)
		return -ENOMEM;
	if (need <= n)
		return 0;
	while (n < need)
		n *= 2;
	b = calloc(n, sizeof(*b));
	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < t->nbuckets; i++) {
		struct hlink *l = t->buckets[i], *next;

		for (; l; l = next) {
			next = l->next;
			l->next = b[l->key & (n - 1)];
			b[l->key & (n - 1)] = l;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = n;
	return 0;
}

struct hlink *htable_get(const struct htable *t, const char *path, size_t len)
{
	uint64_t key = hash_path(path, len);
	struct hlink *l = t->buckets[key & (t->nbuckets - 1)];

	for (; l; l = l->next)
		if (l->key == key && l->len == len &&
		    memcmp(l->path, path, len) == 0)
			return l;
	return NULL;
}

void htable_add(struct htable *t, struct hlink *l)
{
	struct hlink **b = &t->buckets[l->key & (t->nbuckets - 1)];

	l->next = *b;
	*b = l;
	t->count++;
}

void htable_del(struct htable *t, struct hlink *l)
{
	struct hlink **p = &t->buckets[l->key & (t->nbuckets - 1)];

	for (; *p; p = &(*p)->next)
		if (*p == l) {
			*p = l->next;
			t->count--;
			return;
		}
}

int htable_items(const struct htable *t, struct hlink ***out)
{
	struct hlink **v;
	size_t n = 0;

	*out = NULL;
	if (t->count == 0)
		return 0;
	v = malloc(t->count * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < t->nbuckets; i++)
		for (struct hlink *l = t->buckets[i]; l; l = l->next)
			v[n++] = l;
	*out = v;
	return 0;
}

/* Copy PATH (LEN bytes) into DST, the path of L's item, and key L by it. */
static void link_init(struct hlink *l, char *dst, const char *path, size_t len)
{
	memcpy(dst, path, len);
	l->path = dst;
	l->len = len;
	l->key = hash_path(path, len);
}

struct node *node_new(const char *path, size_t len, enum tree_entry_type type)
{
	struct node *n = calloc(1, sizeof(*n) + len + 1);
	const char *slash;

	if (!n)
		return NULL;
	link_init(&n->link, n->path, path, len);
	n->e.path = n->path;
	n->e.type = type;
	slash = memrchr(n->path, '/', len);
	n->name = slash ? slash + 1 : n->path;
	return n;
}

int node_prepare(struct tree *t, struct node *parent, const char *path,
		 enum tree_entry_type type, const void *data, size_t size,
		 struct node **out)
{
	_cleanup_(node_freep) struct node *n =
	    node_new(path, strlen(path), type);
	int r;

	if (!n)
		return -ENOMEM;
	r = data_dup(data, size, &n->data);
	if (r == 0)
		r = htable_reserve(&t->nodes, 1);
	if (r == 0)
		r = kids_reserve(parent, 1);
	if (r < 0)
		return r;
	n->e.data = n->data;
	n->e.size = size;
	*out = TAKE_PTR(n);
	return 0;
}

void node_install(struct tree *t, struct node *n, struct node *parent,
		  const struct stamp *st)
{
	n->e.version = st->version;
	n->e.writer = st->writer;
	n->e.mtime_ms = st->mtime_ms;
	tree_attach(t, n, parent);
	tomb_drop(t, n->path, n->link.len);
	tree_notify(t, n);
}

void node_free(struct node *n)
{
	if (!n)
		return;
	free(n->data);
	free(n->kids);
	free(n);
}

int data_dup(const void *data, size_t size, uint8_t **out)
{
	*out = NULL;
	if (size == 0)
		return 0;
	*out = malloc(size);
	if (!*out)
		return -ENOMEM;
	memcpy(*out, data, size);
	return 0;
}

/* Index of NAME among DIR's children, or where it would go. */
static size_t kids_pos(const struct node *dir, const char *name, bool *found)
{
	size_t lo = 0, hi = dir->n_kids;

	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(dir->kids[mid]->name, name);

		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int kids_reserve(struct node *dir, size_t extra)
{
	size_t cap = dir->cap_kids ? dir->cap_kids : 4;
	struct node **k;

	if (dir->n_kids + extra <= dir->cap_kids)
		return 0;
	while (cap < dir->n_kids + extra)
		cap *= 2;
	k = realloc(dir->kids, cap * sizeof(*k));
	if (!k)
		return -ENOMEM;
	dir->kids = k;
	dir->cap_kids = cap;
	return 0;
}

struct tomb *tomb_new(const char *path, size_t len)
{
	struct tomb *t = calloc(1, sizeof(*t) + len + 1);

	if (!t)
		return NULL;
	link_init(&t->link, t->path, path, len);
	return t;
}

/* One tombstone record per entry of S, and index room for all of them. */
int tombs_prepare(struct tree *t, struct subtree *s)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct node *n = s->v[i].old;

		s->v[i].tomb = tomb_new(n->path, n->link.len);
		if (!s->v[i].tomb)
			return -ENOMEM;
	}
	return htable_reserve(&t->tombs, s->n);
}

void tomb_set(struct tree *t, struct tomb *pre, uint64_t version)
{
	struct hlink *l = htable_get(&t->tombs, pre->path, pre->link.len);

	if (l) {
		((struct tomb *)l)->version = version;
		free(pre);
		return;
	}
	pre->version = version;
	htable_add(&t->tombs, &pre->link);
}

void tomb_drop(struct tree *t, const char *path, size_t len)
{
	struct hlink *l = htable_get(&t->tombs, path, len);

	if (l) {
		htable_del(&t->tombs, l);
		free(l);
	}
}

struct node *tree_find(const struct tree *t, const char *path, size_t len)
{
	return (struct node *)htable_get(&t->nodes, path, len);
}

/* The directory that holds PATH (a valid path, not the root). */
int tree_find_parent(const struct tree *t, const char *path, struct node **out)
{
	const char *slash = strrchr(path, '/');
	struct node *p = tree_find(t, path, slash ? (size_t)(slash - path) : 0);

	if (!p)
		return -ENOENT;
	if (p->e.type != TREE_DIR)
		return -ENOTDIR;
	*out = p;
	return 0;
}

static void account_in(struct tree *t, struct node *n)
{
	n->sum = hash_entry(&n->e);
	if (n == t->root)
		return;
	t->checksum += n->sum;
	t->total_size += n->e.size;
}

static void account_out(struct tree *t, struct node *n)
{
	if (n == t->root)
		return;
	t->checksum -= n->sum;
	t->total_size -= n->e.size;
}

/* PARENT has room for one more child (kids_reserve), the index too. */
void tree_attach(struct tree *t, struct node *n, struct node *parent)
{
	bool found;
	size_t pos = kids_pos(parent, n->name, &found);

	memmove(parent->kids + pos + 1, parent->kids + pos,
		(parent->n_kids - pos) * sizeof(*parent->kids));
	parent->kids[pos] = n;
	parent->n_kids++;
	n->parent = parent;
	htable_add(&t->nodes, &n->link);
	t->count++;
	account_in(t, n);
}

void tree_detach(struct tree *t, struct node *n)
{
	struct node *parent = n->parent;
	bool found;
	size_t pos = kids_pos(parent, n->name, &found);

	account_out(t, n);
	t->count--;
	htable_del(&t->nodes, &n->link);
	if (found) {
		memmove(parent->kids + pos, parent->kids + pos + 1,
			(parent->n_kids - pos - 1) * sizeof(*parent->kids));
		parent->n_kids--;
	}
	n->parent = NULL;
}

void tree_restamp(struct tree *t, struct node *n, const struct stamp *st)
{
	account_out(t, n);
	n->e.version = st->version;
	n->e.writer = st->writer;
	n->e.mtime_ms = st->mtime_ms;
	account_in(t, n);
}

void tree_recontent(struct tree *t, struct node *n, enum tree_entry_type type,
		    uint8_t *data, size_t size, const struct stamp *st)
{
	account_out(t, n);
	free(n->data);
	n->data = data;
	n->e.data = data;
	n->e.size = size;
	n->e.type = type;
	if (type == TREE_FILE) { /* the caller emptied a directory first */
		free(n->kids);
		n->kids = NULL;
		n->n_kids = n->cap_kids = 0;
	}
	n->e.version = st->version;
	n->e.writer = st->writer;
	n->e.mtime_ms = st->mtime_ms;
	account_in(t, n);
}

void tree_drop_subtree(struct tree *t, struct subtree *s, size_t first,
		       uint64_t version)
{
	for (size_t i = s->n; i-- > first;) {
		struct node *n = s->v[i].old;

		tree_detach(t, n);
		tomb_set(t, s->v[i].tomb, version);
		s->v[i].tomb = NULL;
		tree_notify_gone(t, n->path, version);
		node_free(n);
		s->v[i].old = NULL;
	}
}

int subtree_collect(struct node *top, struct subtree *out)
{
	size_t cap = 8;

	out->n = 0;
	out->v = calloc(cap, sizeof(*out->v));
	if (!out->v)
		return -ENOMEM;
	out->v[out->n++] = (struct sub){.old = top, .parent = SIZE_MAX};
	for (size_t i = 0; i < out->n; i++) {
		const struct node *d = out->v[i].old;

		if (out->n + d->n_kids > cap) {
			struct sub *v;

			while (cap < out->n + d->n_kids)
				cap *= 2;
			v = realloc(out->v, cap * sizeof(*v));
			if (!v)
				return -ENOMEM;
			out->v = v;
		}
		for (size_t k = 0; k < d->n_kids; k++)
			out->v[out->n++] =
			    (struct sub){.old = d->kids[k], .parent = i};
	}
	return 0;
}

/* Free what an operation prepared but did not use. */
void subtree_done(struct subtree *s)
{
	if (!s->v)
		return;
	for (size_t i = 0; i < s->n; i++) {
		node_free(s->v[i].fresh);
		free(s->v[i].tomb);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

void tree_notify(struct tree *t, const struct node *n)
{
	for (int i = 0; i < TREE_MAX_OBSERVERS; i++)
		if (t->observers[i].fn)
			t->observers[i].fn(n->path, &n->e, 0,
					   t->observers[i].userdata);
}

void tree_notify_gone(struct tree *t, const char *path, uint64_t version)
{
	for (int i = 0; i < TREE_MAX_OBSERVERS; i++)
		if (t->observers[i].fn)
			t->observers[i].fn(path, NULL, version,
					   t->observers[i].userdata);
}
