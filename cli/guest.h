/*
 * "clusterctl guest ...": what guest_cmd.c (commands), guest_tree.c
 * (finding guests in the tree) and guest_output.c share.
 */
#pragma once

#include "cli.h"
#include "guest_conf.h"

/* A guest as the tree knows it: its configuration file's place. */
struct guest_ref {
	uint32_t id;
	enum guest_type type;
	char node[64];
};

struct guest_refs {
	struct guest_ref *v;
	size_t n, cap;
};

/* Every guest configuration under nodes/ (sorted by node, then as the
 * tree lists). 0, or an exit code after reporting the failure. */
int guest_tree_scan(struct cli_ctx *ctx, struct guest_refs *out);
void guest_refs_done(struct guest_refs *refs);
/* The guest ID: 0 and *REF, or an exit code (reported: "no guest ID"). */
int guest_tree_find(struct cli_ctx *ctx, uint32_t id, struct guest_ref *ref);
/* This node's name (clusterd's members). 0, or an exit code. */
int guest_local_node(struct cli_ctx *ctx, char *name, size_t size);
/* The configuration text of REF (malloc'd). 0, or an exit code. */
int guest_tree_get(struct cli_ctx *ctx, const struct guest_ref *ref,
		   char **text);
/* Run GREQ on NODE's agent; 0 and *REPLY (free with
 * clusterd__reply__free_unpacked), or an exit code (reported). */
int guest_node_call(struct cli_ctx *ctx, const char *node,
		    Clusterd__GuestRequest *greq, int timeout_ms,
		    const char *what, Clusterd__Reply **reply);

/* guest_help.c */
extern const char cli_help_guest[];
extern const char cli_help_guest_create[];
extern const char cli_help_guest_migrate[];
extern const char cli_help_guest_start[];
extern const char cli_help_guest_shutdown[];
extern const char cli_help_guest_stop[];
extern const char cli_help_guest_status[];
extern const char cli_help_guest_destroy[];
extern const char cli_help_guest_list[];
extern const char cli_help_guest_config[];

/* Output (guest_output.c). */
/* Progress streamed during a call (ctx->on_event): PRINTED lines so far. */
struct guest_progress {
	struct cli_ctx *ctx;
	size_t printed;
};
void guest_output_progress(void *userdata, const Clusterd__Event *ev);
/* The result of an operation; progress lines from PRINTED on. */
int guest_output_result(struct cli_ctx *ctx, const Clusterd__GuestReply *gr,
			size_t printed);
int guest_output_list(struct cli_ctx *ctx, Clusterd__GuestInfo **guests,
		      size_t n);
int guest_output_config(struct cli_ctx *ctx, const struct guest_ref *ref,
			const char *text);
