/*
 * tree_signature(): see tree-sig.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>

#include "tree-sig.h"

static int sig_entry(const struct tree_entry *e, void *userdata)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < e->size; i++)
		h = (h ^ e->data[i]) * 1099511628211ULL;
	fprintf(userdata,
		"E %s %d %zu %" PRIx64 " %" PRIu64 " %u %" PRId64 "\n", e->path,
		e->type, e->size, h, e->version, e->writer, e->mtime_ms);
	return 0;
}

static int sig_tomb(const char *path, uint64_t version, void *userdata)
{
	fprintf(userdata, "T %s %" PRIu64 "\n", path, version);
	return 0;
}

/* Everything observable about a tree, as text (caller frees). */
char *tree_signature(const struct tree *t, bool with_root)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	const struct tree_entry *root = tree_lookup(t, "");

	assert_non_null(f);
	fprintf(f,
		"v%" PRIu64 " h%" PRIu64 " c%" PRIx64 " n%" PRIu64 " s%" PRIu64
		"\n",
		tree_version(t), tree_tombstone_horizon(t), tree_checksum(t),
		tree_entry_count(t), tree_total_size(t));
	if (with_root)
		fprintf(f, "R %" PRIu64 " %u %" PRId64 "\n", root->version,
			root->writer, root->mtime_ms);
	assert_int_equal(tree_foreach_since(t, 0, sig_entry, f), 0);
	assert_int_equal(tree_foreach_tombstone_since(t, 0, sig_tomb, f), 0);
	fclose(f);
	return buf;
}
