/*
 * The fixture of the test-tree program (see tree-fixture.h): the logging
 * observer, new trees that carry it, and the helpers and walk collectors
 * that cases in more than one file use. Separate from the cases so that
 * every file of tests uses this one copy.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tree-fixture.h"

const struct tree_op_ctx CTX = {.writer = 7, .mtime_ms = 1000};

/* Every observer call, as "+path@version;" or "-path@tombstone;". */
char obs_log[65536];
unsigned obs_calls;

static void observe(const char *path, const struct tree_entry *e, uint64_t tomb,
		    void *userdata)
{
	size_t used = strlen(obs_log);

	obs_calls++;
	if (used + 300 < sizeof(obs_log))
		snprintf(obs_log + used, sizeof(obs_log) - used,
			 "%c%s@%" PRIu64 ";", e ? '+' : '-', path,
			 e ? e->version : tomb);
}

void obs_reset(void)
{
	obs_log[0] = '\0';
	obs_calls = 0;
}

struct tree *tree_with(const struct tree_limits *limits)
{
	struct tree *t = NULL;

	assert_int_equal(tree_new(limits, &t), 0);
	assert_int_equal(tree_add_observer(t, observe, NULL), 0);
	obs_reset();
	return t;
}

struct tree *new_tree(void)
{
	return tree_with(NULL);
}

int put_str(struct tree *t, const char *path, const char *s)
{
	return tree_put(t, path, s, strlen(s), false, 0, &CTX);
}

struct tree_op_ctx ctx_at(uint32_t writer, int64_t mtime)
{
	return (struct tree_op_ctx){.writer = writer, .mtime_ms = mtime};
}

int collect_name(const struct tree_entry *e, void *userdata)
{
	struct names *n = userdata;

	strcat(n->text, e->path);
	strcat(n->text, ";");
	return --n->stop_after == 0 ? -ECANCELED : 0;
}

int collect_tomb(const char *path, uint64_t version, void *userdata)
{
	struct collected *c = userdata;
	size_t used = strlen(c->text);

	snprintf(c->text + used, sizeof(c->text) - used, "%s@%" PRIu64 ";",
		 path, version);
	return strcmp(path, "stop") == 0 ? -EINTR : 0;
}
