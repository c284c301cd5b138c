/*
 * The --help texts of the cluster lifecycle commands (see help.c; the
 * same sections, kept in step with clusterctl(8)).
 */
#include "config.h"

#include "help_common.h"
#include "lifecycle.h"

#define LC_EXIT_STATUS                                                         \
	EXIT_STATUS "  (a malformed token or address is a usage error)\n"

const char cli_help_create[] =
    "Usage: clusterctl create NAME [--link0 ADDR] [--link1 ADDR] "
    "[--no-crypto]\n"
    "\n"
    "Make this node the first member of a new cluster NAME: write\n"
    "/etc/corosync/corosync.conf (knet transport, aes256/sha256 crypto,\n"
    "token 1000 ms, this node as node ID 1) and a fresh authkey, start\n"
    "corosync and clusterd, wait (at most 60 s) until clusterd is quorate\n"
    "and synced, and initialise the tree. Refused when this node already\n"
    "has a corosync.conf.\n"
    "\n"
    "Options:\n"
    "  --link0 ADDR   this node's address on link 0 (default: its first\n"
    "                 IPv4 address)\n"
    "  --link1 ADDR   a second, redundant link\n"
    "  --no-crypto    no knet encryption (test networks only)\n"
    "\n" GLOBAL_OPTIONS "\n" LC_EXIT_STATUS "\n"
    "Examples:\n"
    "  clusterctl create prod\n"
    "  clusterctl create prod --link0 10.0.0.1 --link1 192.168.7.1\n"
    "\n" SEE_ALSO;

const char cli_help_join_token[] =
    "Usage: clusterctl join-token [--ttl DURATION]\n"
    "\n"
    "Print a token that lets one node join this cluster, once. It carries\n"
    "a secret, this member's address and join port, and the fingerprint\n"
    "of its TLS certificate; the tree keeps only a hash of the secret.\n"
    "\n"
    "Options:\n"
    "  --ttl DURATION  validity: 90s, 30m, 1h (default), 2d, or seconds;\n"
    "                  at most 30d\n"
    "\n" GLOBAL_OPTIONS "\n" LC_EXIT_STATUS "\n"
    "Examples:\n"
    "  clusterctl join-token\n"
    "  clusterctl join-token --ttl 10m -o json\n"
    "\n" SEE_ALSO;

const char cli_help_join[] =
    "Usage: clusterctl join HOST --token TOKEN [--link0 ADDR] "
    "[--link1 ADDR]\n"
    "\n"
    "Join the cluster that HOST is a member of. Talks TLS to clusterd's\n"
    "join port on HOST, checks its certificate against the token, proves\n"
    "the token; the member allocates a node ID and adds this node to\n"
    "corosync.conf on every member. This node then installs that\n"
    "corosync.conf and the authkey, moves its own tree to\n"
    "/var/lib/clusterd/backup/, starts corosync and clusterd and waits\n"
    "until it is synced (at most 60 s). Refused when this node is already in\n"
    "a cluster, the token is wrong, expired or used, its name or address is\n"
    "taken, or the cluster is not quorate. The exchange with HOST gets\n"
    "--timeout seconds (default 30).\n"
    "\n"
    "Options:\n"
    "  --token TOKEN  from 'clusterctl join-token' on a member (required)\n"
    "  --link0 ADDR   this node's link 0 address (default: the address\n"
    "                 the member sees the connection come from)\n"
    "  --link1 ADDR   a second link\n"
    "\n" GLOBAL_OPTIONS "\n" LC_EXIT_STATUS "\n"
    "Examples:\n"
    "  clusterctl join 10.0.0.1 --token cdj1_MQpk...\n"
    "\n" SEE_ALSO;

const char cli_help_leave[] =
    "Usage: clusterctl leave [--force]\n"
    "\n"
    "Remove this node from the cluster: refused while it owns guests\n"
    "(nodes/NAME/qemu/*.conf, nodes/NAME/lxc/*.conf) or HA resources\n"
    "(ha/resources.cfg) unless --force. The other members drop it from\n"
    "corosync.conf; this node stops corosync, keeps its tree under\n"
    "/var/lib/clusterd/backup/ and runs clusterd standalone. It can join\n"
    "again later.\n"
    "\n"
    "Options:\n"
    "  --force   leave even though it still owns guests or HA resources\n"
    "\n" GLOBAL_OPTIONS "\n" LC_EXIT_STATUS "\n"
    "Examples:\n"
    "  clusterctl leave\n"
    "\n" SEE_ALSO;

const char cli_help_node[] =
    "Usage: clusterctl node remove NAME [--force]\n"
    "\n"
    "Manage the cluster's nodes.\n"
    "\n"
    "Commands:\n"
    "  remove NAME   remove a node (powered off or dead) from the cluster\n"
    "\n" GLOBAL_OPTIONS "\n" LC_EXIT_STATUS "\n"
    "Examples:\n"
    "  clusterctl node remove n3\n"
    "\n" SEE_ALSO;

const char cli_help_node_remove[] =
    "Usage: clusterctl node remove NAME [--force]\n"
    "\n"
    "Remove node NAME from corosync.conf on every member (a dead node; a\n"
    "live one should run 'clusterctl leave'). Refused for this node\n"
    "itself, and unless --force while NAME is online or owns guests\n"
    "(nodes/NAME/qemu/*.conf, nodes/NAME/lxc/*.conf) or HA resources\n"
    "(ha/resources.cfg). The removed node can join again with a new token\n"
    "once it is reset to a fresh installation (no corosync.conf).\n"
    "\n"
    "Options:\n"
    "  --force   remove it even though it is online or owns guests or HA\n"
    "            resources\n"
    "\n" GLOBAL_OPTIONS "\n" LC_EXIT_STATUS "\n"
    "Examples:\n"
    "  clusterctl node remove n3\n"
    "\n" SEE_ALSO;

const char cli_help_status[] =
    "Usage: clusterctl status\n"
    "\n"
    "Show the cluster's name, whether this node is quorate, the votes (in\n"
    "the current view, expected, needed for quorum), the tree's version,\n"
    "and every node with its state, votes and knet link states.\n"
    "\n" GLOBAL_OPTIONS "\n" LC_EXIT_STATUS "\n"
    "Examples:\n"
    "  clusterctl status\n"
    "  clusterctl status -o json | jq .quorate\n"
    "\n" SEE_ALSO;

const char cli_help_nodes[] =
    "Usage: clusterctl nodes\n"
    "\n"
    "List the cluster's nodes: node ID, name, address, online or offline,\n"
    "votes.\n"
    "\n" GLOBAL_OPTIONS "\n" LC_EXIT_STATUS "\n"
    "Examples:\n"
    "  clusterctl nodes -o json\n"
    "\n" SEE_ALSO;

const char cli_help_expected[] =
    "Usage: clusterctl expected N [--force]\n"
    "\n"
    "Set the expected votes to N, for clusterd's write quorum and for\n"
    "corosync's votequorum, until the next membership or configuration\n"
    "change: after a failure, the survivors regain quorum with fewer\n"
    "votes. Logged on every node. Refused below the votes present, and\n"
    "while a node outside this partition is still reachable over a knet\n"
    "link (both sides could then count themselves quorate) unless\n"
    "--force. When votequorum refuses N (its own membership holds more\n"
    "votes), it fails, or with --force overrides clusterd's write quorum\n"
    "only.\n"
    "\n"
    "Options:\n"
    "  --force   even though a node outside the partition is reachable, or\n"
    "            votequorum refuses N\n"
    "\n" GLOBAL_OPTIONS "\n" LC_EXIT_STATUS "\n"
    "Examples:\n"
    "  clusterctl expected 1     # the only survivor of three nodes\n"
    "\n" SEE_ALSO;
