/*
 * The CRM's private state, shared by ha_crm.c (events, rounds, commands),
 * ha_crm_node.c (node states and fencing) and ha_crm_svc.c (the service
 * state machine). Not for use outside the CRM.
 */
#pragma once

#include "ha_crm.h"
#include "macro.h"

#define HA_CRM_MAX_CMDS 32

struct ha_crm {
	char self[HA_NAME_MAX];
	struct ha_crm_io io;
	bool active; /* holds ha/manager */
	uint64_t now;
	struct ha_config cfg;
	struct ha_view view;
	struct ha_status st;
	struct ha_lrm_report lrm[HA_MAX_NODES];
	size_t n_lrm;
	struct {
		char node[HA_NAME_MAX];
		bool removed;
	} forget[HA_MAX_NODES]; /* ha_crm_forget(), applied by a round */
	size_t n_forget;
	char cmds[HA_CRM_MAX_CMDS][256];
	size_t n_cmds;
	char *published; /* the last JSON handed to io.publish */
};

_printf_(2, 3) void crm_log(struct ha_crm *crm, const char *fmt, ...);
void crm_new_req(struct ha_crm *crm, struct ha_svc_status *s);
const struct ha_lrm_report *crm_lrm(const struct ha_crm *crm, const char *node);
bool crm_member(const struct ha_crm *crm, const char *node);
struct ha_node_status *crm_node(struct ha_crm *crm, const char *node);

/* ha_crm_node.c: update every node's state; fencing; then forget what
 * ha_crm_forget() asked to. */
void crm_nodes_round(struct ha_crm *crm);
/* ha_crm_cmd.c: services added to or removed from the config; queued
 * user commands. */
void crm_sync_config(struct ha_crm *crm);
void crm_run_commands(struct ha_crm *crm);
/* ha_crm_svc.c: bring services in line with the config, then step each. */
void crm_services_round(struct ha_crm *crm);
/* Move S away from its node (maintenance, failback, command): live
 * migration for VMs unless RELOCATE, else relocation. */
void crm_move(struct ha_crm *crm, struct ha_svc_status *s, const char *to,
	      bool relocate, const char *why);
