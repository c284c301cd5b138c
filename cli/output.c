/*
 * clusterctl's output: a successful Reply as text or as JSON.
 *
 * Text is for people: "config get" writes the file's bytes unchanged,
 * "config ls"/"config stat" and "members" print tables with a header
 * row, and the writing commands print nothing. JSON (json-c) is for
 * programs: exactly one document per invocation, keys that do not change,
 * numbers as numbers (versions are unsigned 64-bit), times both as
 * milliseconds ("mtime_ms") and as ISO 8601 UTC ("mtime"). File contents
 * are a JSON string when they are valid UTF-8 ("encoding": "utf-8"), else
 * base64 ("encoding": "base64"); names are sanitised to valid UTF-8.
 * Failures have a document of their own (output_error_json). The keys are
 * listed in clusterctl(8).
 */
#include "config.h"

#include "cli.h"
#include "macro.h"

#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

static const Clusterd__Stat no_stat = CLUSTERD__STAT__INIT;

static const char *type_name(Clusterd__EntryType type)
{
	switch (type) {
	case CLUSTERD__ENTRY_TYPE__ENTRY_FILE: return "file";
	case CLUSTERD__ENTRY_TYPE__ENTRY_DIR: return "dir";
	case CLUSTERD__ENTRY_TYPE__ENTRY_NONE: return "none";
	default: return "unknown";
	}
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* ------------------------------------------------------------ JSON --- */

static json_object *jstring(const char *s)
{
	_cleanup_free_ char *clean = NULL;

	if (utf8_valid((const uint8_t *)s, strlen(s)))
		return json_object_new_string(s);
	clean = utf8_sanitize(s);
	return json_object_new_string(clean ? clean : "");
}

static void jadd(json_object *obj, const char *key, json_object *value)
{
	json_object_object_add(obj, key, value);
}

static json_object *jstat(const Clusterd__Stat *s)
{
	json_object *obj = json_object_new_object();
	char mtime[64];

	format_mtime_iso(s->mtime_ms, mtime, sizeof(mtime));
	jadd(obj, "path", jstring(s->path));
	jadd(obj, "name", jstring(base_name(s->path)));
	jadd(obj, "type", json_object_new_string(type_name(s->type)));
	jadd(obj, "size", json_object_new_uint64(s->size));
	jadd(obj, "version", json_object_new_uint64(s->version));
	jadd(obj, "writer", json_object_new_int64(s->writer));
	jadd(obj, "mtime_ms", json_object_new_int64(s->mtime_ms));
	jadd(obj, "mtime", json_object_new_string(mtime));
	return obj;
}

/* Print OBJ as the invocation's document and release it. */
static int print_json(struct cli_ctx *ctx, json_object *obj)
{
	const char *text;
	int e = 0;

	text = json_object_to_json_string_ext(
	    obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
		     JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text || fprintf(ctx->out, "%s\n", text) < 0)
		e = -EIO;
	json_object_put(obj);
	return e;
}

json_object *cli_json_string(const char *s)
{
	return jstring(s);
}

int cli_json_print(struct cli_ctx *ctx, json_object *obj)
{
	return print_json(ctx, obj);
}

int cli_json_add_data(json_object *obj, const char *data_key,
		      const uint8_t *data, size_t len)
{
	char *b64;

	if (utf8_valid(data, len)) {
		jadd(obj, "encoding", json_object_new_string("utf-8"));
		jadd(obj, data_key,
		     json_object_new_string_len((const char *)data, (int)len));
		return 0;
	}
	b64 = base64_encode(data, len);
	if (!b64)
		return -ENOMEM;
	jadd(obj, "encoding", json_object_new_string("base64"));
	jadd(obj, data_key, json_object_new_string(b64));
	free(b64);
	return 0;
}

static int json_get(struct cli_ctx *ctx, const Clusterd__GetReply *g)
{
	const Clusterd__Stat *s = g->stat ? g->stat : &no_stat;
	json_object *obj = jstat(s);

	if (cli_json_add_data(obj, "data", g->data.data, g->data.len) < 0) {
		json_object_put(obj);
		return -ENOMEM;
	}
	return print_json(ctx, obj);
}

static int json_write(struct cli_ctx *ctx, const struct cli_request *r,
		      const Clusterd__WriteReply *w)
{
	json_object *obj = json_object_new_object();

	if (r->op == CLI_OP_MV) {
		jadd(obj, "from", jstring(r->body.rename.from));
		jadd(obj, "to", jstring(r->body.rename.to));
	} else {
		jadd(obj, "path", jstring(cli_request_path(r)));
	}
	jadd(obj, "tree_version", json_object_new_uint64(w->tree_version));
	return print_json(ctx, obj);
}

static int compare_stat_names(const void *a, const void *b)
{
	const Clusterd__Stat *const *x = a, *const *y = b;

	return strcmp(base_name((*x)->path), base_name((*y)->path));
}

/* The entries of L sorted by name, or NULL (no memory). */
static const Clusterd__Stat **sorted_entries(const Clusterd__ListReply *l)
{
	const Clusterd__Stat **v = calloc(l->n_entries + 1, sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < l->n_entries; i++)
		v[i] = l->entries[i] ? l->entries[i] : &no_stat;
	qsort(v, l->n_entries, sizeof(*v), compare_stat_names);
	return v;
}

static int json_list(struct cli_ctx *ctx, const struct cli_request *r,
		     const Clusterd__ListReply *l)
{
	_cleanup_free_ const Clusterd__Stat **v = sorted_entries(l);
	json_object *obj, *entries;

	if (!v)
		return -ENOMEM;
	obj = json_object_new_object();
	entries = json_object_new_array();
	for (size_t i = 0; i < l->n_entries; i++)
		json_object_array_add(entries, jstat(v[i]));
	jadd(obj, "path", jstring(cli_request_path(r)));
	jadd(obj, "entries", entries);
	return print_json(ctx, obj);
}

static int compare_members(const void *a, const void *b)
{
	const Clusterd__Member *const *x = a, *const *y = b;

	return (*x)->nodeid < (*y)->nodeid ? -1 : (*x)->nodeid > (*y)->nodeid;
}

/* The members of M sorted by node ID, or NULL (no memory). */
static const Clusterd__Member **sorted_members(const Clusterd__MembersReply *m)
{
	static const Clusterd__Member none = CLUSTERD__MEMBER__INIT;
	const Clusterd__Member **v = calloc(m->n_members + 1, sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < m->n_members; i++)
		v[i] = m->members[i] ? m->members[i] : &none;
	qsort(v, m->n_members, sizeof(*v), compare_members);
	return v;
}

static json_object *jmember(const Clusterd__Member *m)
{
	json_object *obj = json_object_new_object();

	jadd(obj, "nodeid", json_object_new_int64(m->nodeid));
	jadd(obj, "name", jstring(m->name));
	jadd(obj, "online", json_object_new_boolean(m->online));
	jadd(obj, "votes", json_object_new_int64(m->votes));
	jadd(obj, "address", jstring(m->address));
	return obj;
}

static int json_members(struct cli_ctx *ctx, const Clusterd__MembersReply *m)
{
	char checksum[17];
	_cleanup_free_ const Clusterd__Member **v = sorted_members(m);
	json_object *obj, *members;

	if (!v)
		return -ENOMEM;
	obj = json_object_new_object();
	members = json_object_new_array();
	for (size_t i = 0; i < m->n_members; i++)
		json_object_array_add(members, jmember(v[i]));
	jadd(obj, "cluster_name", jstring(m->cluster_name));
	jadd(obj, "local_nodeid", json_object_new_int64(m->local_nodeid));
	jadd(obj, "quorate", json_object_new_boolean(m->quorate));
	jadd(obj, "synced", json_object_new_boolean(m->synced));
	jadd(obj, "tree_version", json_object_new_uint64(m->tree_version));
	snprintf(checksum, sizeof(checksum), "%016" PRIx64, m->tree_checksum);
	jadd(obj, "tree_checksum", jstring(checksum));
	jadd(obj, "expected_votes", json_object_new_int64(m->expected_votes));
	jadd(obj, "view_votes", json_object_new_int64(m->view_votes));
	jadd(obj, "members", members);
	return print_json(ctx, obj);
}

void output_error_json(struct cli_ctx *ctx, const char *what, int err,
		       const char *reason, const char *detail)
{
	json_object *obj = json_object_new_object();
	json_object *error = json_object_new_object();
	const char *name = strerrorname_np(err);

	jadd(error, "operation", jstring(what));
	jadd(error, "errno", json_object_new_int(err));
	jadd(error, "code", name ? json_object_new_string(name) : NULL);
	jadd(error, "reason", jstring(reason));
	jadd(error, "message", jstring(detail ? detail : ""));
	jadd(obj, "error", error);
	print_json(ctx, obj);
	fflush(ctx->out);
}

/* ------------------------------------------------------------ text --- */

static const char *const stat_headers[] = {"NAME",    "TYPE",	"SIZE",
					   "VERSION", "WRITER", "MTIME"};
static const bool stat_right[] = {false, false, true, true, true, false};

static int stat_row(struct table *t, const Clusterd__Stat *s, const char *name)
{
	char size[24], version[24], writer[16], mtime[64];
	const char *cells[6] = {name, type_name(s->type), size, version, writer,
				mtime};

	if (s->type == CLUSTERD__ENTRY_TYPE__ENTRY_DIR)
		snprintf(size, sizeof(size), "-");
	else
		snprintf(size, sizeof(size), "%" PRIu64, s->size);
	snprintf(version, sizeof(version), "%" PRIu64, s->version);
	snprintf(writer, sizeof(writer), "%" PRIu32, s->writer);
	format_mtime_text(s->mtime_ms, mtime, sizeof(mtime));
	return table_add_row(t, cells);
}

static int text_list(struct cli_ctx *ctx, const Clusterd__ListReply *l)
{
	_cleanup_free_ const Clusterd__Stat **v = sorted_entries(l);
	struct table *t = table_new(6, stat_headers, stat_right);
	int e = v && t ? 0 : -ENOMEM;

	for (size_t i = 0; e == 0 && i < l->n_entries; i++)
		e = stat_row(t, v[i], base_name(v[i]->path));
	if (e == 0)
		table_print(t, ctx->out);
	table_free(t);
	return e;
}

static int text_stat(struct cli_ctx *ctx, const Clusterd__Stat *s)
{
	static const char *const headers[] = {"PATH",	 "TYPE",   "SIZE",
					      "VERSION", "WRITER", "MTIME"};
	struct table *t = table_new(6, headers, stat_right);
	int e = t ? stat_row(t, s, *s->path ? s->path : "/") : -ENOMEM;

	if (e == 0)
		table_print(t, ctx->out);
	table_free(t);
	return e;
}

static int member_rows(struct table *t, const Clusterd__MembersReply *m)
{
	_cleanup_free_ const Clusterd__Member **v = sorted_members(m);
	char id[16], votes[16];
	int e = v ? 0 : -ENOMEM;

	for (size_t i = 0; e == 0 && i < m->n_members; i++) {
		const char *cells[5] = {id, v[i]->name,
					v[i]->online ? "yes" : "no", votes,
					v[i]->address};

		snprintf(id, sizeof(id), "%" PRIu32, v[i]->nodeid);
		snprintf(votes, sizeof(votes), "%" PRIu32, v[i]->votes);
		e = table_add_row(t, cells);
	}
	return e;
}

static int text_members(struct cli_ctx *ctx, const Clusterd__MembersReply *m)
{
	static const char *const headers[] = {"NODEID", "NAME", "ONLINE",
					      "VOTES", "ADDRESS"};
	static const bool right[] = {true, false, false, true, false};
	_cleanup_free_ char *name = text_escape(m->cluster_name);
	struct table *t = table_new(5, headers, right);
	int e = t && name ? member_rows(t, m) : -ENOMEM;

	if (e == 0) {
		fprintf(ctx->out,
			"Cluster:         %s\n"
			"Local node ID:   %" PRIu32 "\n"
			"Quorate:         %s\n"
			"Synced:          %s\n"
			"Tree version:    %" PRIu64 "\n"
			"Tree checksum:   %016" PRIx64 "\n"
			"Expected votes:  %" PRIu32 "\n"
			"View votes:      %" PRIu32 "\n\n",
			name, m->local_nodeid, m->quorate ? "yes" : "no",
			m->synced ? "yes" : "no", m->tree_version,
			m->tree_checksum, m->expected_votes, m->view_votes);
		table_print(t, ctx->out);
	}
	table_free(t);
	return e;
}

/* --------------------------------------------------------- dispatch --- */

static int output_json(struct cli_ctx *ctx, const struct cli_request *r,
		       const Clusterd__Reply *reply)
{
	switch (reply->result_case) {
	case CLUSTERD__REPLY__RESULT_GET: return json_get(ctx, reply->get);
	case CLUSTERD__REPLY__RESULT_WRITE:
		return json_write(ctx, r, reply->write);
	case CLUSTERD__REPLY__RESULT_LIST:
		return json_list(ctx, r, reply->list);
	case CLUSTERD__REPLY__RESULT_STAT:
		return print_json(ctx, jstat(reply->stat));
	case CLUSTERD__REPLY__RESULT_MEMBERS:
		return json_members(ctx, reply->members);
	default: return -EPROTO;
	}
}

static int output_text(struct cli_ctx *ctx, const Clusterd__Reply *reply)
{
	const Clusterd__GetReply *g;

	switch (reply->result_case) {
	case CLUSTERD__REPLY__RESULT_GET:
		g = reply->get;
		if (g->data.len > 0 && fwrite(g->data.data, 1, g->data.len,
					      ctx->out) != g->data.len)
			return errno > 0 ? -errno : -EIO;
		return 0;
	case CLUSTERD__REPLY__RESULT_WRITE: return 0;
	case CLUSTERD__REPLY__RESULT_LIST: return text_list(ctx, reply->list);
	case CLUSTERD__REPLY__RESULT_STAT: return text_stat(ctx, reply->stat);
	case CLUSTERD__REPLY__RESULT_MEMBERS:
		return text_members(ctx, reply->members);
	default: return -EPROTO;
	}
}

int output_reply(struct cli_ctx *ctx, const struct cli_request *r,
		 const Clusterd__Reply *reply)
{
	/* The oneof's pointers share storage: one test covers them all. */
	if (!reply->get)
		return -EPROTO;
	if (reply->result_case >= CLUSTERD__REPLY__RESULT_LOCK)
		return output_reply_ext(ctx, r, reply);
	if (ctx->output == CLI_OUTPUT_JSON)
		return output_json(ctx, r, reply);
	return output_text(ctx, reply);
}
