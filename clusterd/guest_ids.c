/*
 * Guest ID uniqueness (see guest_ids.h). The guest files of ID N can only
 * be nodes/<node>/{qemu,lxc}/N.conf, so the check looks those paths up for
 * every node directory: O(nodes), independent of the number of guests.
 */
#include "guest_ids.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const guest_types[] = {"qemu", "lxc"};

bool guest_path_parse(const char *path, uint64_t *id, const char **type,
		      char *node, size_t node_size)
{
	const char *n, *t, *f;
	size_t node_len, type_len;
	char *end;

	if (strncmp(path, "nodes/", 6) != 0)
		return false;
	n = path + 6;
	t = strchr(n, '/');
	if (!t || t == n)
		return false;
	node_len = t - n;
	t++;
	f = strchr(t, '/');
	if (!f)
		return false;
	type_len = f - t;
	f++;
	for (size_t i = 0; i < sizeof(guest_types) / sizeof(*guest_types);
	     i++) {
		if (strlen(guest_types[i]) != type_len ||
		    strncmp(t, guest_types[i], type_len) != 0)
			continue;
		if (f[0] < '1' || f[0] > '9')
			return false;
		errno = 0;
		*id = strtoull(f, &end, 10);
		if (errno || strcmp(end, ".conf") != 0)
			return false;
		if (type)
			*type = guest_types[i];
		if (node)
			snprintf(node, node_size, "%.*s", (int)node_len, n);
		return true;
	}
	return false;
}

struct id_search {
	const struct tree *tree;
	uint64_t id;
	const char *path, *renamed_from;
};

static int check_node(const struct tree_entry *node, void *userdata)
{
	const struct id_search *s = userdata;
	char other[4096];

	if (node->type != TREE_DIR)
		return 0;
	for (size_t i = 0; i < sizeof(guest_types) / sizeof(*guest_types);
	     i++) {
		snprintf(other, sizeof(other), "%s/%s/%llu.conf", node->path,
			 guest_types[i], (unsigned long long)s->id);
		if (strcmp(other, s->path) == 0 ||
		    (s->renamed_from && strcmp(other, s->renamed_from) == 0))
			continue;
		if (tree_lookup(s->tree, other))
			return -EEXIST;
	}
	return 0;
}

int guest_id_check_unique(const struct tree *tree, const char *path,
			  const char *renamed_from)
{
	struct id_search s = {tree, 0, path, renamed_from};
	int r;

	if (!guest_path_parse(path, &s.id, NULL, NULL, 0))
		return 0;
	r = tree_list(tree, "nodes", check_node, &s);
	return r == -ENOENT || r == -ENOTDIR ? 0 : r;
}
