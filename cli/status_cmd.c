/*
 * "clusterctl status" and "clusterctl nodes".
 *
 * Both come from the local clusterd's members reply (the corosync
 * nodelist joined with clusterd's own view and quorum, which is what gates
 * writes). "status" adds the votes (expected, in the view, needed for
 * quorum) and, per node, the state of each knet link as corosync reports
 * it in cmap (stats.knet.nodeN.linkL.connected); a link corosync does not
 * know is shown as "-".
 */
#include "config.h"

#include "lifecycle.h"
#include "macro.h"

#include <corosync/cmap.h>
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <string.h>

#define MAX_LINKS 8

/* "0:up 1:down" for NODEID into BUF; JSON array into *ARR when given. */
static void links_of(cmap_handle_t h, bool have_cmap, uint32_t nodeid,
		     char *buf, size_t len, json_object *arr)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int l = 0; have_cmap && l < MAX_LINKS; l++) {
		char key[64];
		uint8_t up;

		snprintf(key, sizeof(key), "stats.knet.node%u.link%d.connected",
			 nodeid, l);
		if (cmap_get_uint8(h, key, &up) != CS_OK)
			continue;
		off += snprintf(buf + off, len - off, "%s%d:%s", off ? " " : "",
				l, up ? "up" : "down");
		if (arr) {
			json_object *o = json_object_new_object();

			json_object_object_add(o, "link",
					       json_object_new_int(l));
			json_object_object_add(o, "connected",
					       json_object_new_boolean(up));
			json_object_array_add(arr, o);
		}
		if (off >= len)
			break;
	}
	if (!buf[0])
		snprintf(buf, len, "-");
}

static json_object *json_node(const Clusterd__Member *m, json_object *links)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "nodeid", json_object_new_int64(m->nodeid));
	json_object_object_add(o, "name", cli_json_string(m->name));
	json_object_object_add(o, "address", cli_json_string(m->address));
	json_object_object_add(o, "online", json_object_new_boolean(m->online));
	json_object_object_add(o, "votes", json_object_new_int64(m->votes));
	if (links)
		json_object_object_add(o, "links", links);
	return o;
}

static int print_nodes(struct cli_ctx *ctx, const Clusterd__MembersReply *m,
		       bool with_links, json_object *arr)
{
	static const char *const headers[] = {"NODEID", "NAME",	 "ADDRESS",
					      "STATE",	"VOTES", "LINKS"};
	static const bool right[] = {true, false, false, false, true, false};
	struct table *t = table_new(with_links ? 6 : 5, headers, right);
	cmap_handle_t h = 0;
	bool have_cmap =
	    with_links && cmap_initialize_map(&h, CMAP_MAP_STATS) == CS_OK;

	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < m->n_members; i++) {
		const Clusterd__Member *n = m->members[i];
		char id[16], votes[16], links[128];
		json_object *la =
		    arr && with_links ? json_object_new_array() : NULL;
		const char *cells[] = {
		    id,		n->name,
		    n->address, n->online ? "online" : "offline",
		    votes,	links};

		snprintf(id, sizeof(id), "%u", n->nodeid);
		snprintf(votes, sizeof(votes), "%u", n->votes);
		links_of(h, have_cmap, n->nodeid, links, sizeof(links), la);
		if (arr)
			json_object_array_add(arr, json_node(n, la));
		else
			table_add_row(t, cells);
	}
	if (!arr)
		table_print(t, ctx->out);
	table_free(t);
	if (have_cmap)
		cmap_finalize(h);
	return 0;
}

static void print_summary(struct cli_ctx *ctx, const Clusterd__MembersReply *m)
{
	uint32_t quorum = m->expected_votes / 2 + 1;

	if (ctx->output == CLI_OUTPUT_JSON)
		return;
	fprintf(ctx->out,
		"Cluster:  %s\nQuorate:  %s\nVotes:    %u in view, %u "
		"expected, %u needed for quorum\nTree:     version %" PRIu64
		", %s\nLocal:    node ID %u\n\n",
		m->n_members ? m->cluster_name : "(standalone)",
		m->quorate ? "yes" : "no", m->view_votes, m->expected_votes,
		quorum, m->tree_version, m->synced ? "synced" : "syncing",
		m->local_nodeid);
}

/* The summary's members of the JSON document, in the order of the text. */
static void json_summary(json_object *obj, const Clusterd__MembersReply *m)
{
	const struct {
		const char *key;
		int64_t value;
	} numbers[] = {
	    {"local_nodeid", m->local_nodeid},
	    {"expected_votes", m->expected_votes},
	    {"view_votes", m->view_votes},
	    {"quorum", m->expected_votes / 2 + 1},
	};

	json_object_object_add(obj, "cluster_name",
			       cli_json_string(m->cluster_name));
	json_object_object_add(obj, "quorate",
			       json_object_new_boolean(m->quorate));
	for (size_t i = 0; i < ELEMENTSOF(numbers); i++)
		json_object_object_add(obj, numbers[i].key,
				       json_object_new_int64(numbers[i].value));
}

static int show(struct cli_ctx *ctx, bool full)
{
	Clusterd__Reply *rep = NULL;
	Clusterd__MembersReply *m;
	json_object *obj = NULL, *arr = NULL;
	int r = lc_members(ctx, &rep);

	if (r)
		return r;
	m = rep->members;
	if (ctx->output == CLI_OUTPUT_JSON) {
		obj = json_object_new_object();
		arr = json_object_new_array();
	}
	if (full)
		print_summary(ctx, m);
	r = print_nodes(ctx, m, full, arr);
	if (obj) {
		if (full)
			json_summary(obj, m);
		json_object_object_add(obj, "nodes", arr);
		r = cli_json_print(ctx, obj);
	}
	clusterd__reply__free_unpacked(rep, NULL);
	return r < 0 ? CLI_EXIT_FAILED : CLI_EXIT_OK;
}

static int run_status(struct cli_ctx *ctx, struct lc_args *a)
{
	return show(ctx, true);
}

static int run_nodes(struct cli_ctx *ctx, struct lc_args *a)
{
	return show(ctx, false);
}

int status_main(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct lc_command cmd = {
	    .name = "status", .help = cli_help_status, .run = run_status};

	return lc_main(ctx, argc, argv, &cmd);
}

int nodes_main(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct lc_command cmd = {
	    .name = "nodes", .help = cli_help_nodes, .run = run_nodes};

	return lc_main(ctx, argc, argv, &cmd);
}
