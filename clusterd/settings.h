/*
 * clusterd's own configuration keys (clusterd.conf(5)) and their defaults.
 */
#pragma once

#include "kvconf.h"
#include "store.h"
#include "tree.h"

#include <limits.h>
#include <stdint.h>

struct clusterd_settings {
	char data_dir[PATH_MAX];      /* database and lock */
	char run_dir[PATH_MAX];	      /* pidfile */
	char corosync_conf[PATH_MAX]; /* absent: run standalone */
	char mount_dir[PATH_MAX];     /* FUSE mount point; "": none */
	enum store_sync_mode sync_mode;
	struct tree_limits limits;
	uint64_t call_timeout_ms;
	uint64_t sync_timeout_ms;   /* no sync progress for this long: exclude */
	uint64_t audit_interval_ms; /* 0: no periodic divergence audit */
	uint32_t join_port;	    /* TCP port of the join endpoint; 0: off */
};

void settings_default(struct clusterd_settings *s);
/* A kvconf_entry_fn for daemon_info.config_key; USERDATA is the settings. */
int settings_apply_key(const char *key, const char *value, unsigned line,
		       struct kvconf_error *err, void *userdata);
