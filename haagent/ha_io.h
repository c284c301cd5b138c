/*
 * The HA daemon's reads of the cluster (ha_io.c): the membership as a
 * struct ha_view, the four configuration files parsed into a struct
 * ha_config (each guest's node from its place in the tree), and the LRM
 * reports of the node status store.
 */
#pragma once

#include "cdcall.h"
#include "ha_crm.h"

#include <stdbool.h>

#define HA_REPORT_KEY	"ha/lrm"
#define HA_COMMANDS_DIR "ha/commands"

/* The view; *READY: quorate and synced. */
int ha_io_view(struct ipc_client *c, struct ha_view *view, bool *ready);
/* Read the configuration into CFG. *CHANGED when any file's text differs
 * from TEXTS (the last texts, updated; free with ha_io_texts_free). */
int ha_io_config(struct ipc_client *c, char *texts[4], struct ha_config *cfg,
		 bool *changed);
void ha_io_texts_free(char *texts[4]);
/* Feed every fresh LRM report of the nodes in VIEW to CRM. */
int ha_io_reports(struct ipc_client *c, const struct ha_view *view,
		  struct ha_crm *crm);
/* Hand the queued user commands (ha/commands/, written by clusterctl ha
 * migrate|relocate|maintenance) to CRM in order, removing each. */
int ha_io_commands(struct ipc_client *c, struct ha_crm *crm);
