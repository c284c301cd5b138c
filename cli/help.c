/*
 * Every --help text of clusterctl, in one place so that they read as one
 * manual and are easy to keep in step with clusterctl(8).
 *
 * Each text is printed by -h/--help at its level ("clusterctl --help",
 * "clusterctl config --help", "clusterctl config put --help") and fits 80
 * columns. The exit status section is part of the interface.
 */
#include "config.h"

#include "cli.h"

#include "help_common.h"

const char cli_help_main[] =
    "Usage: clusterctl [OPTIONS] COMMAND [ARGS...]\n"
    "\n"
    "Read and change clusterd's replicated configuration tree, show the\n"
    "cluster's membership, take cluster-wide locks and publish node status,\n"
    "build and change the cluster, run guests and manage HA, through the\n"
    "clusterd running on this node.\n"
    "\n"
    "Commands:\n"
    "  config get PATH          print a file's content\n"
    "  config put PATH [VALUE]  write a file (VALUE, or standard input)\n"
    "  config ls [PATH]         list a directory (default: the root)\n"
    "  config stat PATH         show an entry's type, size, version, ...\n"
    "  config rm PATH           remove a file or an empty directory\n"
    "  config mkdir PATH        create a directory\n"
    "  config mv FROM TO        rename a file or a directory\n"
    "  members                  show quorum, sync state and the nodes\n"
    "  watch [PREFIX]           print changes as they are applied\n"
    "  lock NAME [-- COMMAND]   hold a cluster lock (while COMMAND runs)\n"
    "  locks                    list the held locks and their waiters\n"
    "  node-status set KEY VAL  publish this node's KEY\n"
    "  node-status get NODE KEY print a node's KEY\n"
    "  node-status ls [NODE]    list the status entries of the nodes\n"
    "\n"
    "Cluster lifecycle:\n"
    "  create NAME              make this node a new cluster's first member\n"
    "  join-token [--ttl 1h]    print a single-use token for one joiner\n"
    "  join HOST --token T      join the cluster HOST is a member of\n"
    "  leave [--force]          leave the cluster, back to standalone\n"
    "  node remove NAME         remove a (dead) node from the cluster\n"
    "  status                   cluster name, quorum, votes, nodes, links\n"
    "  nodes                    the cluster's nodes and their state\n"
    "  expected N [--force]     temporarily expect N votes for quorum\n"
    "\n"
    "Guests and HA:\n"
    "  guest COMMAND [ID]       create, destroy, start, shutdown, stop,\n"
    "                           status, list, config, migrate guests\n"
    "  ha COMMAND [ARGS]        add, set, remove, status, migrate, relocate,\n"
    "                           rules, maintenance, simulate\n"
    "\n" GLOBAL_OPTIONS "\n"
    "Paths name entries of the tree from its root, such as\n"
    "nodes/n1/qemu/100.conf; a leading '/' is ignored. Changes need quorum\n"
    "and are replicated to every node; reads are answered by this node.\n"
    "\n" EXIT_STATUS "\n"
    "Examples:\n"
    "  clusterctl members\n"
    "  clusterctl config ls nodes/n1/qemu\n"
    "  clusterctl config get nodes/n1/qemu/100.conf > 100.conf\n"
    "  clusterctl config put nodes/n1/qemu/100.conf < 100.conf\n"
    "  clusterctl -o json config stat nodes/n1/qemu/100.conf\n"
    "\n"
    "'clusterctl COMMAND --help' describes a command.\n" SEE_ALSO;

const char cli_help_config[] =
    "Usage: clusterctl config COMMAND [OPTIONS] [ARGS...]\n"
    "\n"
    "Work on clusterd's configuration tree: directories and files (of at\n"
    "most 8 MiB) that every node holds the same copy of. Each change gets\n"
    "the next tree version, which also becomes the version of the entries\n"
    "it touched; 'put --expect-version' builds compare-and-swap on it.\n"
    "\n"
    "Commands:\n"
    "  get PATH            print a file's content\n"
    "  put PATH [VALUE]    write a file (VALUE, or standard input)\n"
    "  ls [PATH]           list a directory (default: the root)\n"
    "  stat PATH           show an entry's type, size, version, ...\n"
    "  rm PATH             remove a file or an empty directory\n"
    "  mkdir PATH          create a directory (its parent must exist)\n"
    "  mv FROM TO          rename a file or a directory\n"
    "\n" GLOBAL_OPTIONS "\n" EXIT_STATUS "\n"
    "'clusterctl config COMMAND --help' describes a command.\n" SEE_ALSO;

const char cli_help_config_get[] =
    "Usage: clusterctl config get [OPTIONS] PATH\n"
    "\n"
    "Print the content of the file PATH, byte for byte, with nothing added.\n"
    "With -o json, print the keys of 'config stat' plus \"encoding\" and\n"
    "\"data\": the content as a string when it is valid UTF-8 (encoding\n"
    "\"utf-8\"), else in base64 (encoding \"base64\").\n"
    "\n" GLOBAL_OPTIONS "\n" EXIT_STATUS "\n"
    "Examples:\n"
    "  clusterctl config get nodes/n1/qemu/100.conf\n"
    "  clusterctl -o json config get corosync.conf | jq -r .version\n";

const char cli_help_config_put[] =
    "Usage: clusterctl config put [OPTIONS] PATH [VALUE]\n"
    "\n"
    "Write the file PATH: create it, or replace its content. The content is\n"
    "VALUE, or without VALUE all of standard input (at most 8 MiB, any\n"
    "bytes). The parent directory must exist. The write needs quorum; it is\n"
    "done when it was applied and committed on this node. Prints nothing;\n"
    "with -o json {\"path\", \"tree_version\"}, the latter being the new\n"
    "version of the file.\n"
    "\n"
    "Options:\n"
    "      --expect-version N  compare-and-swap: write only if the file's\n"
    "                          version is still N (see 'config stat'),\n"
    "                          else fail with \"version mismatch\"; N = 0\n"
    "                          means the file must not exist\n"
    "      --create            write only if PATH does not exist yet, else\n"
    "                          fail with \"already exists\"\n"
    "Use '--' before a VALUE that starts with '-'.\n"
    "\n" GLOBAL_OPTIONS "\n" EXIT_STATUS "\n"
    "Examples:\n"
    "  clusterctl config put nodes/n1/motd 'maintenance at 18:00'\n"
    "  clusterctl config put nodes/n1/qemu/100.conf < 100.conf\n"
    "  clusterctl config put --create locks/owner \"$(hostname)\"\n"
    "  v=$(clusterctl -o json config stat app.conf | jq .version)\n"
    "  clusterctl config put --expect-version \"$v\" app.conf < new.conf\n";

const char cli_help_config_ls[] =
    "Usage: clusterctl config ls [OPTIONS] [PATH]\n"
    "\n"
    "List the directory PATH (default: the root), sorted by name: NAME,\n"
    "TYPE (file or dir), SIZE in bytes ('-' for a directory), VERSION (the\n"
    "tree version of its last change), WRITER (node ID of that change) and\n"
    "MTIME (the writer's clock then, local time). With -o json, print\n"
    "{\"path\", \"entries\": [...]}, each entry as 'config stat' prints it.\n"
    "\n" GLOBAL_OPTIONS "\n" EXIT_STATUS "\n"
    "Examples:\n"
    "  clusterctl config ls\n"
    "  clusterctl config ls /nodes/n1/qemu\n"
    "  clusterctl -o json config ls nodes | jq -r '.entries[].name'\n";

const char cli_help_config_stat[] =
    "Usage: clusterctl config stat [OPTIONS] PATH\n"
    "\n"
    "Show the metadata of the file or directory PATH, as one table row:\n"
    "PATH, TYPE, SIZE, VERSION, WRITER, MTIME (see 'config ls --help').\n"
    "With -o json, print {\"path\", \"name\", \"type\", \"size\",\n"
    "\"version\", \"writer\", \"mtime_ms\", \"mtime\"}; type is \"file\"\n"
    "or \"dir\", mtime_ms milliseconds since the epoch and mtime the same\n"
    "time in ISO 8601, UTC.\n"
    "\n" GLOBAL_OPTIONS "\n" EXIT_STATUS "\n"
    "Examples:\n"
    "  clusterctl config stat nodes/n1/qemu/100.conf\n"
    "  clusterctl -o json config stat corosync.conf | jq .version\n";

const char cli_help_config_rm[] =
    "Usage: clusterctl config rm [OPTIONS] PATH\n"
    "\n"
    "Remove the file PATH, or the directory PATH if it is empty. Needs\n"
    "quorum. Prints nothing; with -o json {\"path\", \"tree_version\"}.\n"
    "\n" GLOBAL_OPTIONS "\n" EXIT_STATUS "\n"
    "Example:\n"
    "  clusterctl config rm nodes/n1/qemu/100.conf\n";

const char cli_help_config_mkdir[] =
    "Usage: clusterctl config mkdir [OPTIONS] PATH\n"
    "\n"
    "Create the directory PATH; its parent must exist and PATH must not.\n"
    "Needs quorum. Prints nothing; with -o json\n"
    "{\"path\", \"tree_version\"}.\n"
    "\n" GLOBAL_OPTIONS "\n" EXIT_STATUS "\n"
    "Example:\n"
    "  clusterctl config mkdir nodes/n4\n";

const char cli_help_config_mv[] =
    "Usage: clusterctl config mv [OPTIONS] FROM TO\n"
    "\n"
    "Rename the file or directory FROM to TO, atomically; a directory moves\n"
    "with everything in it. A file at TO is replaced (so is an empty\n"
    "directory, when FROM is a directory). Needs quorum. Prints nothing;\n"
    "with -o json {\"from\", \"to\", \"tree_version\"}.\n"
    "\n" GLOBAL_OPTIONS "\n" EXIT_STATUS "\n"
    "Examples:\n"
    "  clusterctl config mv nodes/n1/qemu/100.conf nodes/n2/qemu/100.conf\n"
    "  clusterctl config put app.conf.tmp < app.conf && \\\n"
    "      clusterctl config mv app.conf.tmp app.conf\n";

const char cli_help_watch[] =
    "Usage: clusterctl watch [OPTIONS] [PREFIX]\n"
    "\n"
    "Print changes of the configuration tree as this node's clusterd\n"
    "applies them, one line per event, in the order they were applied (the\n"
    "same order on every node). PREFIX limits the events to that path and\n"
    "what is below it (\"nodes/n1\" matches nodes/n1 and nodes/n1/..., not\n"
    "nodes/n10); without it, the whole tree (less priv/ for non-root users).\n"
    "\n"
    "Events:\n"
    "  changed PATH version=V type=file|dir size=S writer=NODEID\n"
    "  removed PATH version=V\n"
    "  reset / version=V       the tree was replaced by a resync: re-read\n"
    "  membership quorate=yes|no synced=yes|no version=V view=ID,ID,...\n"
    "  status node=NODEID key=KEY   a node status entry was set or deleted\n"
    "                          (key=*: all of the node's entries replaced)\n"
    "\n"
    "Options:\n"
    "  -m, --membership   also print membership, quorum and sync changes\n"
    "  -s, --status[=KEY] also print node status store changes (of KEY)\n"
    "  -T, --no-tree      no tree events (with --membership or --status)\n"
    "  -n, --count N      exit after N events\n"
    "\n"
    "With -o json, each event is one JSON object on its own line: {\"seq\",\n"
    "\"event\": \"changed\"|\"removed\"|\"reset\"|\"membership\", \"path\",\n"
    "\"version\", \"type\", \"size\", \"writer\"} or {\"seq\", \"event\",\n"
    "\"quorate\", \"synced\", \"tree_version\", \"view\": [IDs]} or {\"seq\",\n"
    "\"event\": \"status\", \"node\", \"key\"}.\n"
    "\n"
    "It runs until interrupted or until --count events were printed. When\n"
    "clusterd closes the watch (it stopped, or this client did not keep up\n"
    "and was disconnected rather than miss events), it exits with status 1.\n"
    "\n"
    "Examples:\n"
    "  clusterctl watch nodes/n1/qemu\n"
    "  clusterctl watch --membership --no-tree -o json\n"
    "\n" GLOBAL_OPTIONS "\n" EXIT_STATUS "\n";

const char cli_help_members[] =
    "Usage: clusterctl members [OPTIONS]\n"
    "\n"
    "Show the cluster as this node's clusterd sees it: the cluster name,\n"
    "this node's ID, whether its view holds quorum, whether the sync after\n"
    "the last membership change completed, the tree version, the expected\n"
    "votes and the votes of the current view; then a table of the nodes of\n"
    "the cluster sorted by ID: NODEID, NAME, ONLINE (in this node's view),\n"
    "VOTES and ADDRESS (ring0).\n"
    "\n"
    "With -o json, print {\"cluster_name\", \"local_nodeid\", \"quorate\",\n"
    "\"synced\", \"tree_version\", \"tree_checksum\" (hex string; equal\n"
    "trees have equal checksums), \"expected_votes\", \"view_votes\",\n"
    "\"members\": [{\"nodeid\", \"name\", \"online\", \"votes\",\n"
    "\"address\"}, ...]}.\n"
    "\n" GLOBAL_OPTIONS "\n" EXIT_STATUS "\n"
    "Examples:\n"
    "  clusterctl members\n"
    "  clusterctl -o json members | jq .quorate\n";

const char cli_help_lock[] =
    "Usage: clusterctl lock [OPTIONS] NAME [--] [COMMAND [ARGS...]]\n"
    "\n"
    "Take the cluster-wide lock NAME (1 to 255 bytes, such as ha/manager),\n"
    "waiting in line behind its holder and earlier waiters, then:\n"
    "  - with COMMAND, run it holding the lock, release the lock when it\n"
    "    exits and exit with its status (128+N if signal N killed it);\n"
    "    SIGINT, SIGTERM and SIGHUP are passed on to it;\n"
    "  - without COMMAND, print 'locked NAME' (with -o json the lock's\n"
    "    {\"name\", \"nodeid\", \"pid\", \"client_id\"}) and hold the lock\n"
    "    until standard input reaches end of file or SIGINT, SIGTERM or\n"
    "    SIGHUP arrives; with standard input at /dev/null that is at once.\n"
    "Put '--' before a COMMAND that has options of its own.\n"
    "\n"
    "A lock belongs to this clusterctl: it is released when clusterctl\n"
    "exits in any way, when this node leaves the cluster or loses quorum,\n"
    "or when clusterd stops. It is granted only while this node's partition\n"
    "holds quorum. clusterctl checks every 2 seconds that it still holds the\n"
    "lock; if not, it reports 'lock lost', stops COMMAND with SIGTERM and\n"
    "exits with status 1.\n"
    "\n"
    "Options:\n"
    "      --try            fail at once (\"resource busy\") if the lock is\n"
    "                       held, instead of waiting\n"
    "      --timeout SECS   wait at most SECS seconds for the lock, then\n"
    "                       fail with \"timed out\" (without it: wait as\n"
    "                       long as it takes; with --try: the usual wait\n"
    "                       for clusterd's answer)\n"
    "\n" GLOBAL_OPTIONS "\n" EXIT_STATUS
    "  N  with COMMAND: COMMAND's exit status\n"
    "\n"
    "Examples:\n"
    "  clusterctl lock backup -- /usr/local/bin/nightly-backup\n"
    "  clusterctl lock --timeout 30 ha/manager -- crm-loop\n"
    "  coproc clusterctl lock maint; read -r _ <&\"${COPROC[0]}\"\n" SEE_ALSO;

const char cli_help_locks[] =
    "Usage: clusterctl locks [OPTIONS]\n"
    "\n"
    "List the cluster locks as this node's clusterd knows them, sorted by\n"
    "name: NAME, the holder's NODEID, the PID of the holder's clusterd and\n"
    "its CLIENT (one connection to that clusterd, such as one clusterctl),\n"
    "and the number of WAITERS in line. A node without quorum holds no\n"
    "locks and lists none. With -o json, print {\"quorate\", \"synced\",\n"
    "\"locks\": [{\"name\", \"holder\": {\"nodeid\", \"pid\", \"client_id\"}\n"
    "or null, \"waiters\": [{\"nodeid\", \"pid\", \"client_id\"}, ...]}]}.\n"
    "\n" GLOBAL_OPTIONS "\n" EXIT_STATUS "\n"
    "Examples:\n"
    "  clusterctl locks\n"
    "  clusterctl -o json locks | jq -r '.locks[].name'\n";

#define NODE_STATUS_ABOUT                                                      \
	"Each node publishes a small key/value map of its own state (keys\n"   \
	"of 1 to 255 bytes, values of at most 64 KiB). Only the node\n"        \
	"itself writes its map; every node reads all of them. Nothing is\n"    \
	"stored on disk: a node's entries are gone when it leaves the\n"       \
	"cluster, and it publishes them again when it comes back. No\n"        \
	"quorum is needed: a node cut off from the others still updates\n"     \
	"its own map.\n"

const char cli_help_node_status[] =
    "Usage: clusterctl node-status COMMAND [OPTIONS] [ARGS...]\n"
    "\n" NODE_STATUS_ABOUT "\n"
    "Commands:\n"
    "  set KEY VALUE    set this node's KEY to VALUE ('' deletes it)\n"
    "  get NODE KEY     print KEY of NODE (node ID or name)\n"
    "  ls [NODE]        list the entries of NODE, or of every node\n"
    "\n" GLOBAL_OPTIONS "\n" EXIT_STATUS "\n"
    "'clusterctl node-status COMMAND --help' describes a command.\n" SEE_ALSO;

const char cli_help_node_status_set[] =
    "Usage: clusterctl node-status set [OPTIONS] KEY VALUE\n"
    "\n"
    "Set this node's status entry KEY to VALUE; an empty VALUE deletes it.\n"
    "Done when the change was delivered back to this node, in the order\n"
    "every node applies it. Prints nothing; with -o json {\"nodeid\",\n"
    "\"node\", \"key\"}. Use '--' before a VALUE that starts with '-'.\n"
    "\n" NODE_STATUS_ABOUT "\n" GLOBAL_OPTIONS "\n" EXIT_STATUS "\n"
    "Examples:\n"
    "  clusterctl node-status set health ok\n"
    "  clusterctl node-status set guests \"$(virsh list --name | xargs)\"\n";

const char cli_help_node_status_get[] =
    "Usage: clusterctl node-status get [OPTIONS] NODE KEY\n"
    "\n"
    "Print the value of KEY in the status of NODE (a node ID, or a name\n"
    "from the corosync nodelist), byte for byte. With -o json, print\n"
    "{\"nodeid\", \"node\", \"key\", \"encoding\", \"value\"}: the value as\n"
    "a string when it is valid UTF-8 (encoding \"utf-8\"), else in base64.\n"
    "\n" GLOBAL_OPTIONS "\n" EXIT_STATUS "\n"
    "Examples:\n"
    "  clusterctl node-status get n2 health\n"
    "  clusterctl -o json node-status get 2 health | jq -r .value\n";

const char cli_help_node_status_ls[] =
    "Usage: clusterctl node-status ls [OPTIONS] [NODE]\n"
    "\n"
    "List the status entries of NODE (node ID or name), or of every node,\n"
    "sorted by node ID and key: NODEID, NODE (its name), KEY and VALUE\n"
    "(text shortened to 60 columns, or its size when it is not text). With\n"
    "-o json, print {\"entries\": [...]}, each as 'node-status get' does.\n"
    "\n" GLOBAL_OPTIONS "\n" EXIT_STATUS "\n"
    "Examples:\n"
    "  clusterctl node-status ls\n"
    "  clusterctl -o json node-status ls n3\n";
