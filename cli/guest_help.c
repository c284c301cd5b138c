/*
 * The --help texts of "clusterctl guest" (kept apart from help.c, in the
 * same style; clusterctl(8) has the long form).
 */
#include "config.h"

#include "guest.h"

#define GUEST_COMMON                                                           \
	"Global options (before or after the command):\n"                      \
	"  -o, --output FORMAT  text (default) or json\n"                      \
	"      --timeout SECS   wait at most SECS seconds for the "            \
	"operation;\n"                                                         \
	"                       for shutdown: the grace period before a\n"     \
	"                       hard stop (default 60)\n"                      \
	"  -h, --help           show this help\n"                              \
	"\n"                                                                   \
	"Exit status: 0 success, 1 the operation failed (one line on\n"        \
	"standard error says why), 2 usage error.\n"

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
    "with its number and reason, an ID in use anywhere is refused.\n"
    "\n"
    "QEMU keys: name, memory (MiB, or 512M, 2G), cores, disk0..disk7\n"
    "(FILE[,format=raw|qcow2][,size=SIZE], relative to the shared storage),\n"
    "net0..net7 (type=user|bridge|none[,bridge=BR][,mac=MAC]), boot (order\n"
    "of c, d, n), vnc (display number or none).\n"
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
