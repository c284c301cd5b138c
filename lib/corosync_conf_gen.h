/*
 * corosync.conf as clusterctl and the join endpoint write it.
 *
 * ccgen_create() writes a new cluster's file (knet, crypto on by default,
 * one node). The other functions edit an existing file as text, line by
 * line, so that whatever an operator added by hand survives: they only
 * insert or delete one "node { ... }" block of the nodelist and set
 * totem.config_version to the old value + 1 (clusterd writes the tree's
 * copy to every node only when its config_version is higher, see
 * clusterd/corosync_conf.h). The parser understands the subset corosync
 * itself accepts that matters here: "section {", "}", "key: value" and
 * '#' comments, one per line.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CCGEN_MAX_LINKS 2
#define CCGEN_NAME_MAX	64
#define CCGEN_ADDR_MAX	64

struct ccgen_node {
	char name[CCGEN_NAME_MAX];
	uint32_t nodeid;
	char addr[CCGEN_MAX_LINKS][CCGEN_ADDR_MAX]; /* "" when absent */
};

struct ccgen_info {
	char cluster_name[CCGEN_NAME_MAX];
	uint64_t config_version;
	struct ccgen_node *nodes;
	size_t n_nodes;
};

struct ccgen_options {
	bool crypto;	   /* aes256 + sha256 (default); false: none */
	unsigned token_ms; /* 0: 1000 */
};

/* Parse TEXT's cluster name, config_version and nodelist. 0, -EINVAL
 * (unbalanced braces, a node without name or nodeid) or -ENOMEM. */
int ccgen_parse(const char *text, struct ccgen_info *out);
void ccgen_info_done(struct ccgen_info *info);

/* Valid as a cluster or node name: 1..63 of [A-Za-z0-9_-], not starting
 * with '-'. */
bool ccgen_valid_name(const char *s);

/* A new cluster NAME of one node FIRST, config_version 1. malloc'd. */
int ccgen_create(const char *name, const struct ccgen_node *first,
		 const struct ccgen_options *opts, char **out);
/* TEXT plus node N: -EEXIST when its name, node ID or an address is
 * already in use. */
int ccgen_add_node(const char *text, const struct ccgen_node *n, char **out);
/* TEXT without the node NAME (-ENOENT when absent). */
int ccgen_remove_node(const char *text, const char *name, char **out);
/* The lowest node ID above every one in INFO. */
uint32_t ccgen_next_nodeid(const struct ccgen_info *info);
/* The node of INFO named NAME, or NULL. */
const struct ccgen_node *ccgen_find(const struct ccgen_info *info,
				    const char *name);
