/*
 * The --help texts of "clusterctl guest" (kept apart from help.c, in the
 * same style; clusterctl(8) has the long form).
 */
#include "config.h"

#include "guest.h"

#define GUEST_COMMON                                                           \
	"Global options (before or after the command):\n"                      \
	"  -o, --output FORMAT  text (default) or json\n"                      \
	"      --timeout SECS   wait at most SECS seconds for the operation\n" \
	"                       (default 120; migrate 600); for shutdown:\n"   \
	"                       the grace period before a hard stop\n"         \
	"                       (default 60, the wait 30 s longer)\n"          \
	"  -h, --help           show this help\n"                              \
	"  -V, --version        show the version and exit\n"                   \
	"\n"                                                                   \
	"Exit status: 0 success, 1 the operation failed (one line on\n"        \
	"standard error says why), 2 usage error.\n"

/* What every command printing guests prints. */
#define GUEST_TABLE                                                            \
	"Prints the guest as a table: ID, TYPE, NODE, STATE (running, "        \
	"paused,\n"                                                            \
	"stopped, unknown), PID, UPTIME, MEMORY, CPU (seconds of CPU time),\n" \
	"RSS and NAME; progress lines go to standard error while it runs.\n"   \
	"With -o json: {\"guests\": [...], \"progress\": [...]}.\n"

const char cli_help_guest[] =
    "Usage: clusterctl guest COMMAND [OPTIONS] [ID]\n"
    "\n"
    "Create and run QEMU/KVM virtual machines and LXC containers on any\n"
    "node, from any node. A guest's configuration is the file\n"
    "nodes/NODE/qemu/ID.conf or nodes/NODE/lxc/ID.conf in the tree; the node\n"
    "whose directory holds it runs the guest (its haagent does, on request\n"
    "relayed by clusterd: no SSH). IDs are unique in the cluster.\n"
    "\n"
    "Commands:\n"
    "  create ID [KEY=VALUE...]  add a guest (--type, --node, --file)\n"
    "  destroy ID                remove a stopped guest's configuration\n"
    "  start ID                  start the guest on its node\n"
    "  shutdown ID               ACPI power-down / halt; hard stop after\n"
    "                            --timeout (default 60 s)\n"
    "  stop ID                   stop at once (hard)\n"
    "  status ID                 state, pid, uptime and memory\n"
    "  list                      every guest of the cluster\n"
    "  config ID                 print the guest's configuration\n"
    "  migrate ID --node N [--online]  move the guest to node N\n"
    "\n" GUEST_COMMON;

const char cli_help_guest_create[] =
    "Usage: clusterctl guest create ID [--type qemu|lxc] [--node NODE]\n"
    "                               [--file FILE | KEY=VALUE...]\n"
    "\n"
    "Write the configuration of a new guest ID (100 to 999999999) to\n"
    "nodes/NODE/TYPE/ID.conf (default: this node, type qemu) and have\n"
    "NODE's agent create what it needs (disk images with a size, with\n"
    "qemu-img). The configuration is checked first: a bad line is refused\n"
    "with its number and reason, an ID in use anywhere is refused, and so\n"
    "is a configuration NODE cannot run (the file is removed again).\n"
    "The configuration is KEY=VALUE arguments, or --file FILE ('-' for\n"
    "standard input) in the file's own 'key: value' lines.\n"
    "\n"
    "QEMU keys: name, memory (MiB, or 512M, 2G), cores, disk0..disk7\n"
    "(FILE[,format=raw|qcow2][,size=SIZE], relative to the shared storage),\n"
    "net0..net7 (type=user|bridge|none[,bridge=BR][,mac=MAC]), boot (order,\n"
    "up to 4 of a, c, d, n), vnc (display number 0-99, or none).\n"
    "LXC keys: name, memory, cores, rootfs (directory on shared storage with\n"
    "/sbin/init), net0..net7 (type=none|bridge,bridge=BR).\n"
    "\n"
    "Examples:\n"
    "  clusterctl guest create 100 memory=64 name=tiny --node n1\n"
    "  clusterctl guest create 200 --type lxc rootfs=ct200 memory=128\n"
    "  clusterctl guest create 300 --file vm300.conf\n"
    "\n" GUEST_COMMON;

const char cli_help_guest_migrate[] =
    "Usage: clusterctl guest migrate ID --node NODE [--online]\n"
    "\n"
    "Move guest ID to NODE. A stopped guest only has its configuration\n"
    "moved. A running QEMU guest needs --online: it migrates live (QEMU\n"
    "migration to a paused receiver on NODE, then one replicated rename of\n"
    "its configuration, then NODE resumes it); any failure before the\n"
    "rename leaves it running on its node, configuration unchanged.\n"
    "A running LXC container migrates by restart: it is shut down, its\n"
    "configuration moves, and it starts on NODE; its rootfs must be on\n"
    "storage both nodes reach.\n"
    "\n"
    "Examples:\n"
    "  clusterctl guest migrate 100 --node n2 --online\n"
    "  clusterctl guest migrate 200 --node n3\n"
    "\n" GUEST_COMMON;

const char cli_help_guest_start[] =
    "Usage: clusterctl guest start ID\n"
    "\n"
    "Start guest ID on the node that owns it (whose directory holds its\n"
    "configuration), from any node. The configuration is validated against\n"
    "that node first, as at create. Needs quorum.\n"
    "\n" GUEST_TABLE "\n"
    "Example:\n"
    "  clusterctl guest start 100\n"
    "\n" GUEST_COMMON;

const char cli_help_guest_shutdown[] =
    "Usage: clusterctl guest shutdown ID [--timeout SECS]\n"
    "\n"
    "Ask guest ID to power down (ACPI for QEMU, the halt signal for LXC),\n"
    "and stop it hard when it has not after --timeout seconds (default\n"
    "60). Needs quorum.\n"
    "\n" GUEST_TABLE "\n"
    "Example:\n"
    "  clusterctl guest shutdown 100 --timeout 120\n"
    "\n" GUEST_COMMON;

const char cli_help_guest_stop[] =
    "Usage: clusterctl guest stop ID\n"
    "\n"
    "Stop guest ID at once, without asking it first (a hard stop). Needs\n"
    "quorum.\n"
    "\n" GUEST_TABLE "\n"
    "Example:\n"
    "  clusterctl guest stop 100\n"
    "\n" GUEST_COMMON;

const char cli_help_guest_status[] =
    "Usage: clusterctl guest status ID\n"
    "\n"
    "Show guest ID as its node's agent sees it. Needs no quorum.\n"
    "\n" GUEST_TABLE "\n"
    "Example:\n"
    "  clusterctl -o json guest status 100\n"
    "\n" GUEST_COMMON;

const char cli_help_guest_destroy[] =
    "Usage: clusterctl guest destroy ID\n"
    "\n"
    "Remove the configuration of guest ID, which must be stopped (else\n"
    "\"resource busy\"). Its disk images and rootfs stay. Needs quorum.\n"
    "\n"
    "Example:\n"
    "  clusterctl guest destroy 100\n"
    "\n" GUEST_COMMON;

const char cli_help_guest_list[] =
    "Usage: clusterctl guest list\n"
    "\n"
    "List every guest of the cluster by ID, with the columns of 'guest\n"
    "status'. A guest whose node does not answer (offline, no haagent) is\n"
    "listed with state unknown. Each node has --timeout seconds to answer\n"
    "(default 10). With -o json: {\"guests\": [...], \"progress\": []}.\n"
    "\n"
    "Example:\n"
    "  clusterctl guest list\n"
    "\n" GUEST_COMMON;

const char cli_help_guest_config[] =
    "Usage: clusterctl guest config ID\n"
    "\n"
    "Print the configuration of guest ID, as stored in the tree. With -o\n"
    "json: {\"id\", \"type\", \"node\", \"config\": {KEY: VALUE}}.\n"
    "\n"
    "Example:\n"
    "  clusterctl guest config 100\n"
    "\n" GUEST_COMMON;
