/*
 * clusterctl's cluster lifecycle commands (create, join-token, join,
 * leave, node remove, status, nodes) and what they share.
 *
 *   create_cmd.c   "create": corosync.conf + authkey, start the services
 *   token_cmd.c    "join-token": a single-use token from a member
 *   join_cmd.c     "join": pre-flight, the TLS exchange, set up, start
 *   join_client.c  the TLS client side of the join protocol
 *   leave_cmd.c    "leave" and "node remove"
 *   status_cmd.c   "status" and "nodes"
 *   expected_cmd.c "expected N"
 *   starter.c      how services are started and stopped
 *   lc_util.c      files, addresses, IPC calls these commands share
 *
 * Paths are the installed ones; the environment may move them for tests
 * (CLUSTERCTL_COROSYNC_DIR, CLUSTERCTL_DATA_DIR), and CLUSTERCTL_STARTER
 * or /etc/clusterd/clusterctl.conf ("starter: PATH") names the program
 * that starts services (see starter.c).
 */
#pragma once

#include "cli.h"
#include "join_token.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LC_COROSYNC_DIR "/etc/corosync"
#define LC_DATA_DIR	"/var/lib/clusterd"
#define LC_AUTHKEY_LEN	256
/* How long commands wait for clusterd to be quorate and synced. */
#define LC_READY_TIMEOUT_MS 60000

int create_main(struct cli_ctx *ctx, int argc, char **argv);
int join_token_main(struct cli_ctx *ctx, int argc, char **argv);
int join_main(struct cli_ctx *ctx, int argc, char **argv);
int leave_main(struct cli_ctx *ctx, int argc, char **argv);
int node_main(struct cli_ctx *ctx, int argc, char **argv);
int status_main(struct cli_ctx *ctx, int argc, char **argv);
int nodes_main(struct cli_ctx *ctx, int argc, char **argv);
int expected_main(struct cli_ctx *ctx, int argc, char **argv);

/* ------------------------------------------------------- starter.c --- */

/* Run the service starter: "ACTION SERVICE" (start, stop, restart;
 * corosync, clusterd). 0 or -errno (a failure is reported on ctx->err). */
int lc_service(struct cli_ctx *ctx, const char *action, const char *service);

/* ------------------------------------------------------- lc_util.c --- */

/* "/etc/corosync/corosync.conf" etc., honouring the environment. */
void lc_path(char *buf, size_t len, bool data_dir, const char *name);
/* Whole file (NUL-terminated), -ENOENT when absent. */
int lc_read_file(const char *path, char **out, size_t *len);
/* Atomically (temporary file, fsync, rename) with MODE. */
int lc_write_file(const char *path, const void *data, size_t len, int mode);
/* This host's name (short) and its first global IPv4/IPv6 address. */
int lc_hostname(char *buf, size_t len);
int lc_default_address(char *buf, size_t len);
/* Valid as a link address: a numeric IPv4/IPv6 address or a host name. */
bool lc_valid_address(const char *s);
/* Send REQ to the local clusterd; a failure is reported as WHAT. 0 and a
 * reply of RESULT, or CLI_EXIT_FAILED (reported). */
int lc_call(struct cli_ctx *ctx, Clusterd__Request *req, const char *what,
	    Clusterd__Reply__ResultCase result, Clusterd__Reply **reply);
/* A get (LIST false) or ls of PATH in the tree: 0 and *REPLY, -ENOENT,
 * or CLI_EXIT_FAILED (reported). */
int lc_tree_read(struct cli_ctx *ctx, const char *path, bool list,
		 Clusterd__Reply **reply);
/* The members reply of the local clusterd (reported on failure). */
int lc_members(struct cli_ctx *ctx, Clusterd__Reply **reply);
/* Start corosync and clusterd and wait until clusterd is quorate and
 * synced; a failure is reported as WHAT. 0 or -errno. */
int lc_start_cluster(struct cli_ctx *ctx, const char *what);
/* Wait up to TIMEOUT_MS for a fresh connection to the local clusterd to
 * report quorate and synced, with NODES nodes (0: any). 0 or -ETIMEDOUT. */
int lc_wait_ready(unsigned nodes, int timeout_ms);
/* Move the tree database aside to DATA_DIR/backup/config-TIME.db (with
 * its -wal/-shm). 0 (also when there is none) or -errno. PATH_OUT gets
 * the backup's path, "" when nothing was there. */
int lc_backup_tree(char *path_out, size_t len);
/* Print a JSON object {"KEY": VALUE-string...} for -o json, or TEXT. */
int lc_done(struct cli_ctx *ctx, const char *text, const char *const *kv);

/* ---------------------------------------------------- create_cmd.c --- */

/* mkdir PATH (DATA NULL) or create the file PATH with DATA in the tree
 * through the local clusterd; EEXIST counts as success. 0 or -errno
 * (reported). */
int lc_tree_init(struct cli_ctx *ctx, const char *path, const char *data);
/* nodes/, nodes/NAME/ and priv/ of a new member. */
int lc_init_node_tree(struct cli_ctx *ctx, const char *name);

/* ------------------------------------------------- help_lifecycle.c --- */

extern const char cli_help_create[];
extern const char cli_help_join_token[];
extern const char cli_help_join[];
extern const char cli_help_leave[];
extern const char cli_help_node[];
extern const char cli_help_node_remove[];
extern const char cli_help_status[];
extern const char cli_help_nodes[];
extern const char cli_help_expected[];

/* ------------------------------------------------------- lc_args.c --- */

enum {
	LC_OPT_LINK0 = 0x200,
	LC_OPT_LINK1,
	LC_OPT_NO_CRYPTO,
	LC_OPT_FORCE,
	LC_OPT_TOKEN,
	LC_OPT_TTL,
};

/* Options and arguments of one lifecycle command. */
struct lc_args {
	const char *link[2];
	bool no_crypto;
	bool force;
	const char *token;
	int64_t ttl_s;
	char **pos; /* positional arguments, into argv (free the array) */
	int npos;
	/* Set by a command's check. */
	uint64_t number;
	struct join_token decoded;
};

/* A lifecycle command: its options (of those above), help, positional
 * arguments NAMES (MIN..MAX), extra usage checks (CLI_PARSED or a usage
 * error) and what it does (an exit code). */
struct lc_command {
	const char *name;
	const struct option *longopts;
	const char *help;
	const char *const *names;
	int min, max;
	int (*check)(struct cli_ctx *ctx, struct lc_args *a);
	int (*run)(struct cli_ctx *ctx, struct lc_args *a);
};

/* Parse ARGV for CMD, check and run it: the exit code. */
int lc_main(struct cli_ctx *ctx, int argc, char **argv,
	    const struct lc_command *cmd);

/* Parse CMD's ARGV with the options LONGOPTS (those above) and MIN..MAX
 * positional arguments named NAMES. CLI_PARSED, CLI_HANDLED or -EINVAL
 * (usage error printed). A is filled even on error (lc_args_done it). */
int lc_parse(struct cli_ctx *ctx, int argc, char **argv,
	     const struct option *longopts, const char *help, const char *cmd,
	     const char *const *names, int min, int max, struct lc_args *a);
void lc_args_done(struct lc_args *a);
/* "90", "90s", "30m", "1h", "7d": seconds in 1..30 days. 0 or -EINVAL. */
int lc_parse_ttl(const char *s, int64_t *out);

/* --------------------------------------------------- join_client.c --- */

/* Send REQ to the join endpoint HOST:PORT whose certificate has
 * FINGERPRINT; 0 and *REPLY (free with clusterd__join_reply__free_unpacked)
 * or -errno and *WHY. */
int join_exchange(const char *host, uint16_t port, const char *fingerprint,
		  const Clusterd__JoinRequest *req, int timeout_ms,
		  Clusterd__JoinReply **reply, const char **why);
