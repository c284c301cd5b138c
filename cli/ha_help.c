/*
 * The --help texts of "clusterctl ha ..." (ha_cmd.c, ha_status_cmd.c).
 */
#include "ha_cli.h"

const char ha_help_main[] =
    "Usage: clusterctl ha COMMAND [ARGS...]\n"
    "\n"
    "High availability (docs/ha.md). Commands:\n"
    "  add SID [KEY=VALUE...]      manage a guest (vm:ID or ct:ID)\n"
    "  set SID KEY=VALUE...        change how it is managed\n"
    "  remove SID                  stop managing it\n"
    "  status                      what the CRM decided\n"
    "  migrate SID NODE            move a VM live to NODE\n"
    "  relocate SID NODE           stop, move and start on NODE\n"
    "  rules                       the placement rules in force\n"
    "  maintenance enable|disable NODE   drain NODE / bring guests back\n"
    "  simulate FILE               run an HA scenario in the simulator\n"
    "\n"
    "All take --output json. Examples:\n"
    "  clusterctl ha add vm:101 state=started max_restart=2\n"
    "  clusterctl ha migrate vm:101 n2\n"
    "  clusterctl ha maintenance enable n2\n";

const char ha_help_add[] =
    "Usage: clusterctl ha add SID [KEY=VALUE...]\n"
    "\n"
    "Manage guest SID (vm:ID or ct:ID) with HA: a line in\n"
    "ha/resources.cfg. Keys: state=started|stopped|disabled|ignored\n"
    "(default started), max_restart=N (1), max_relocate=N (1),\n"
    "failback=0|1 (1). Fails when SID is managed already.\n"
    "\n"
    "Example:\n"
    "  clusterctl ha add ct:201 state=started max_relocate=2\n";

const char ha_help_set[] =
    "Usage: clusterctl ha set SID KEY=VALUE...\n"
    "\n"
    "Change the keys of a managed guest (see 'ha add --help'); the other\n"
    "keys stay.\n"
    "\n"
    "Example:\n"
    "  clusterctl ha set vm:101 state=stopped\n";

const char ha_help_remove[] =
    "Usage: clusterctl ha remove SID\n"
    "\n"
    "Stop managing SID with HA. The guest keeps running where it is.\n"
    "\n"
    "Example:\n"
    "  clusterctl ha remove vm:101\n";

const char ha_help_status[] =
    "Usage: clusterctl ha status\n"
    "\n"
    "The CRM's view (ha/manager_status): each service's state, node,\n"
    "target and request id, and each node's state and maintenance. With\n"
    "--output json the stored JSON itself.\n"
    "\n"
    "Example:\n"
    "  clusterctl -o json ha status\n";

const char ha_help_migrate[] =
    "Usage: clusterctl ha migrate SID NODE\n"
    "\n"
    "Ask the CRM to migrate SID to NODE: live for VMs (the guest keeps\n"
    "running), a relocation for containers. The command is queued in\n"
    "ha/commands/ and executed by the active CRM; see 'ha status'.\n"
    "\n"
    "Example:\n"
    "  clusterctl ha migrate vm:101 n2\n";

const char ha_help_relocate[] =
    "Usage: clusterctl ha relocate SID NODE\n"
    "\n"
    "Ask the CRM to stop SID, move it to NODE and start it there.\n"
    "\n"
    "Example:\n"
    "  clusterctl ha relocate ct:201 n1\n";

const char ha_help_rules[] =
    "Usage: clusterctl ha rules\n"
    "\n"
    "The placement rules (ha/rules.cfg); bad lines are named on standard\n"
    "error as FILE:LINE: reason. Edit them with 'clusterctl config put\n"
    "ha/rules.cfg'. With --output json: the parsed rules.\n"
    "\n"
    "Example:\n"
    "  clusterctl -o json ha rules\n";

const char ha_help_maintenance[] =
    "Usage: clusterctl ha maintenance enable|disable NODE\n"
    "\n"
    "enable: drain NODE (VMs migrate live, containers relocate; it takes\n"
    "no HA guests). disable: NODE takes guests again and those moved away\n"
    "by maintenance come back.\n"
    "\n"
    "Example:\n"
    "  clusterctl ha maintenance enable n2\n";
