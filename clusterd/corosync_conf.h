/*
 * Ownership of corosync's configuration file.
 *
 * The tree's "corosync.conf" is the cluster's copy. Whenever it changes
 * (or at start), every node writes it to the local corosync.conf if its
 * totem.config_version is higher than the local file's, then asks corosync
 * to reload (libcfg). A cluster set up by hand is adopted: once synced and
 * quorate, a node whose tree has no corosync.conf but whose local file
 * exists imports it with a create-only write, so exactly one import wins.
 */
#pragma once

#include "clusterd.h"

#define COROSYNC_CONF_TREE_PATH "corosync.conf"

struct corosync_conf;

/* LOCAL_PATH: /etc/corosync/corosync.conf. STANDALONE: nothing to own. */
int corosync_conf_new(struct clusterd *cd, const char *local_path,
		      bool standalone, struct corosync_conf **out);
void corosync_conf_free(struct corosync_conf *cc);

/* Quorum or sync changed: maybe import the local file. */
void corosync_conf_state_changed(struct corosync_conf *cc);

/* "config_version: N" in TEXT (0 when absent or unreadable). */
uint64_t corosync_conf_version(const char *text, size_t len);
