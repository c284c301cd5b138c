/*
 * The HA daemon's reads of the cluster (ha_io.c): the membership as a
 * struct ha_view, the four configuration files parsed into a struct
 * ha_config (each guest's node from its place in the tree), and the LRM
 * reports of the node status store.
 */
#pragma once

#include "cdcall.h"
#include "ha_crm.h"
#include "ha_locate.h"

#include <stdbool.h>

#define HA_REPORT_KEY	"ha/lrm"
#define HA_COMMANDS_DIR "ha/commands"

/* The view; *READY: quorate and synced; *VERSION: the tree's. */
int ha_io_view(struct ipc_client *c, struct ha_view *view, bool *ready,
	       uint64_t *version);
/* Read the configuration into CFG, each guest's node from LOC at tree
 * VERSION (ha_locate.h). *CHANGED when any file's text differs from TEXTS
 * (the last texts, updated; free with ha_io_texts_free). */
int ha_io_config(struct ipc_client *c, char *texts[4], struct ha_config *cfg,
		 bool *changed, struct ha_locate *loc, uint64_t version);
void ha_io_texts_free(char *texts[4]);
/* Feed every fresh LRM report of the nodes in VIEW to CRM; the reports of
 * the others are gone (ha_crm_forget), and nodes of the CRM's status not
 * in the nodelist any more left the cluster for good. */
int ha_io_reports(struct ipc_client *c, const struct ha_view *view,
		  struct ha_crm *crm);
/* Hand the queued user commands (ha/commands/, written by clusterctl ha
 * migrate|relocate|maintenance) to CRM in order, removing each. */
int ha_io_commands(struct ipc_client *c, struct ha_crm *crm);
