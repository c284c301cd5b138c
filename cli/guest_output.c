/*
 * Output of "clusterctl guest ...": a table of guests (ID, TYPE, NODE,
 * STATE, PID, UPTIME, MEMORY, CPU, RSS, NAME) preceded by the operation's
 * progress lines, or with -o json one document {"guests": [...],
 * "progress": [...]}.
 *
 * In text mode progress lines go to standard error as they arrive (the
 * agent streams them, guest_output_progress()); the final answer carries
 * every line, and those not yet printed are printed then. JSON mode does
 * not stream: the document's "progress" array holds them all.
 */
#include "config.h"

#include "guest.h"
#include "macro.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

static void format_uptime(uint64_t ms, char *buf, size_t size)
{
	uint64_t s = ms / 1000;

	if (ms == 0)
		snprintf(buf, size, "-");
	else if (s >= 86400)
		snprintf(buf, size, "%llud%02lluh",
			 (unsigned long long)s / 86400,
			 (unsigned long long)(s % 86400) / 3600);
	else if (s >= 3600)
		snprintf(buf, size, "%lluh%02llum",
			 (unsigned long long)s / 3600,
			 (unsigned long long)(s % 3600) / 60);
	else if (s >= 60)
		snprintf(buf, size, "%llum%02llus", (unsigned long long)s / 60,
			 (unsigned long long)s % 60);
	else
		snprintf(buf, size, "%llus", (unsigned long long)s);
}

static int print_table(struct cli_ctx *ctx, Clusterd__GuestInfo **g, size_t n)
{
	static const char *const headers[] = {
	    "ID",     "TYPE",	"NODE", "STATE", "PID",
	    "UPTIME", "MEMORY", "CPU",	"RSS",	 "NAME"};
	static const bool right[] = {true, false, false, false, true,
				     true, true,  true,	 true,	false};
	struct table *t = table_new(ELEMENTSOF(headers), headers, right);
	int r = t ? 0 : -ENOMEM;

	for (size_t i = 0; r == 0 && i < n; i++) {
		char id[16], pid[16], up[32], mem[32], cpu[32], rss[32];
		const char *cells[10];

		snprintf(id, sizeof(id), "%u", g[i]->id);
		snprintf(pid, sizeof(pid), "%u", g[i]->pid);
		format_uptime(g[i]->uptime_ms, up, sizeof(up));
		snprintf(mem, sizeof(mem), "%lluM",
			 (unsigned long long)(g[i]->memory >> 20));
		snprintf(cpu, sizeof(cpu), "%.2fs", g[i]->cpu_ns / 1e9);
		snprintf(rss, sizeof(rss), "%lluM",
			 (unsigned long long)(g[i]->rss_bytes >> 20));
		cells[0] = id;
		cells[1] = g[i]->type;
		cells[2] = g[i]->node;
		cells[3] = g[i]->state;
		cells[4] = g[i]->pid ? pid : "-";
		cells[5] = up;
		cells[6] = g[i]->memory ? mem : "-";
		cells[7] = g[i]->cpu_ns ? cpu : "-";
		cells[8] = g[i]->rss_bytes ? rss : "-";
		cells[9] = g[i]->name;
		r = table_add_row(t, cells);
	}
	if (r == 0)
		table_print(t, ctx->out);
	table_free(t);
	return r;
}

static json_object *guest_json(const Clusterd__GuestInfo *g)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(g->id));
	json_object_object_add(o, "type", cli_json_string(g->type));
	json_object_object_add(o, "node", cli_json_string(g->node));
	json_object_object_add(o, "state", cli_json_string(g->state));
	json_object_object_add(o, "name", cli_json_string(g->name));
	json_object_object_add(o, "pid", json_object_new_int64(g->pid));
	json_object_object_add(o, "uptime_ms",
			       json_object_new_int64((int64_t)g->uptime_ms));
	json_object_object_add(o, "memory",
			       json_object_new_int64((int64_t)g->memory));
	json_object_object_add(o, "cpu_ns",
			       json_object_new_int64((int64_t)g->cpu_ns));
	json_object_object_add(o, "rss_bytes",
			       json_object_new_int64((int64_t)g->rss_bytes));
	return o;
}

static int print_json(struct cli_ctx *ctx, Clusterd__GuestInfo **g, size_t n,
		      char **progress, size_t np)
{
	json_object *doc = json_object_new_object();
	json_object *list = json_object_new_array();
	json_object *lines = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(list, guest_json(g[i]));
	for (size_t i = 0; i < np; i++)
		json_object_array_add(lines, cli_json_string(progress[i]));
	json_object_object_add(doc, "guests", list);
	json_object_object_add(doc, "progress", lines);
	return cli_json_print(ctx, doc);
}

void guest_output_progress(void *userdata, const Clusterd__Event *ev)
{
	struct guest_progress *p = userdata;
	const Clusterd__GuestProgress *gp = ev->guest_progress;

	if (ev->kind_case != CLUSTERD__EVENT__KIND_GUEST_PROGRESS || !gp ||
	    gp->first > p->printed)
		return; /* a dropped batch: the answer has its lines */
	for (size_t i = p->printed - gp->first; i < gp->n_lines; i++)
		fprintf(p->ctx->err, "%s\n", gp->lines[i]);
	if (gp->first + gp->n_lines > p->printed)
		p->printed = gp->first + gp->n_lines;
	fflush(p->ctx->err);
}

int guest_output_result(struct cli_ctx *ctx, const Clusterd__GuestReply *gr,
			size_t printed)
{
	static Clusterd__GuestReply empty = CLUSTERD__GUEST_REPLY__INIT;
	int r;

	if (!gr)
		gr = &empty;
	if (ctx->output == CLI_OUTPUT_JSON)
		r = print_json(ctx, gr->guests, gr->n_guests, gr->progress,
			       gr->n_progress);
	else {
		for (size_t i = printed; i < gr->n_progress; i++)
			fprintf(ctx->err, "%s\n", gr->progress[i]);
		r = gr->n_guests ? print_table(ctx, gr->guests, gr->n_guests)
				 : 0;
	}
	return r < 0 ? CLI_EXIT_FAILED : CLI_EXIT_OK;
}

int guest_output_list(struct cli_ctx *ctx, Clusterd__GuestInfo **guests,
		      size_t n)
{
	int r = ctx->output == CLI_OUTPUT_JSON
		    ? print_json(ctx, guests, n, NULL, 0)
		    : print_table(ctx, guests, n);

	return r < 0 ? CLI_EXIT_FAILED : CLI_EXIT_OK;
}

static int add_key(const char *key, const char *value, unsigned line,
		   struct kvconf_error *err, void *userdata)
{
	json_object_object_add(userdata, key, cli_json_string(value));
	return 0;
}

int guest_output_config(struct cli_ctx *ctx, const struct guest_ref *ref,
			const char *text)
{
	json_object *doc, *conf;

	if (ctx->output != CLI_OUTPUT_JSON) {
		fputs(text, ctx->out);
		if (*text && text[strlen(text) - 1] != '\n')
			fputc('\n', ctx->out);
		return CLI_EXIT_OK;
	}
	doc = json_object_new_object();
	conf = json_object_new_object();
	kvconf_parse(text, add_key, conf, NULL);
	json_object_object_add(doc, "id", json_object_new_int64(ref->id));
	json_object_object_add(
	    doc, "type", cli_json_string(guest_type_to_string(ref->type)));
	json_object_object_add(doc, "node", cli_json_string(ref->node));
	json_object_object_add(doc, "config", conf);
	return cli_json_print(ctx, doc) < 0 ? CLI_EXIT_FAILED : CLI_EXIT_OK;
}
