/*
 * "clusterctl ha ..." (ha_cmd.c, ha_status_cmd.c, ha_tree.c, ha_help.c):
 * the HA configuration files and the CRM's command queue in the tree.
 */
#pragma once

#include "cli.h"

#include <stdbool.h>
#include <stdint.h>

#define HA_RESOURCES	"ha/resources.cfg"
#define HA_RULES	"ha/rules.cfg"
#define HA_STATUS	"ha/manager_status"
#define HA_COMMANDS_DIR "ha/commands"

/* PATH's text (empty when it does not exist) and its version (0: none). */
int ha_tree_read(struct cli_ctx *ctx, const char *path, char **text,
		 uint64_t *version);
/* Write TEXT if PATH is still at VERSION; *STALE when it is not. */
int ha_tree_write(struct cli_ctx *ctx, const char *path, const char *text,
		  uint64_t version, bool *stale);
/* Queue LINE ("migrate vm:101 n2") for the active CRM. */
int ha_tree_command(struct cli_ctx *ctx, const char *line);

int ha_simulate_cmd(struct cli_ctx *ctx, int argc, char **argv);
int ha_status_cmd(struct cli_ctx *ctx, int argc, char **argv);
int ha_rules_cmd(struct cli_ctx *ctx, int argc, char **argv);

extern const char ha_help_main[], ha_help_add[], ha_help_remove[],
    ha_help_set[], ha_help_status[], ha_help_migrate[], ha_help_relocate[],
    ha_help_rules[], ha_help_maintenance[];
