/*
 * Output of the lock and node status commands, following output.c's
 * rules: text tables with a header row for people (values as they are,
 * "config get"-style, where a command reads one value), one JSON document
 * with stable keys for programs. A status value is a JSON string when it
 * is valid UTF-8 ("encoding": "utf-8"), else base64, like file contents.
 * The lock holder is named by node ID, clusterd pid and client (the IPC
 * connection of the holding clusterctl or agent on that node).
 */
#include "config.h"

#include "cli.h"
#include "macro.h"

#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <string.h>

#define VALUE_COLUMN_MAX 60

static json_object *jholder(const Clusterd__LockHolder *h)
{
	json_object *obj = json_object_new_object();

	json_object_object_add(obj, "nodeid", json_object_new_int64(h->nodeid));
	json_object_object_add(obj, "pid", json_object_new_int64(h->pid));
	json_object_object_add(obj, "client_id",
			       json_object_new_uint64(h->client_id));
	return obj;
}

static int json_lock(struct cli_ctx *ctx, const Clusterd__LockReply *l)
{
	static const Clusterd__LockHolder none = CLUSTERD__LOCK_HOLDER__INIT;
	json_object *obj = jholder(l->holder ? l->holder : &none);

	json_object_object_add(obj, "name", cli_json_string(l->name));
	return cli_json_print(ctx, obj);
}

static int text_lock(struct cli_ctx *ctx, const Clusterd__LockReply *l)
{
	_cleanup_free_ char *name = text_escape(l->name);

	if (!name)
		return -ENOMEM;
	return fprintf(ctx->out, "locked %s\n", name) < 0 ? -EIO : 0;
}

static int json_locks(struct cli_ctx *ctx, const Clusterd__LocksReply *l)
{
	json_object *obj = json_object_new_object();
	json_object *locks = json_object_new_array();

	for (size_t i = 0; i < l->n_locks; i++) {
		const Clusterd__LockInfo *info = l->locks[i];
		json_object *lock = json_object_new_object();
		json_object *waiters = json_object_new_array();

		if (!info)
			continue;
		for (size_t w = 0; w < info->n_waiters; w++)
			if (info->waiters[w])
				json_object_array_add(
				    waiters, jholder(info->waiters[w]));
		json_object_object_add(lock, "name",
				       cli_json_string(info->name));
		json_object_object_add(lock, "holder",
				       info->holder ? jholder(info->holder)
						    : NULL);
		json_object_object_add(lock, "waiters", waiters);
		json_object_array_add(locks, lock);
	}
	json_object_object_add(obj, "quorate",
			       json_object_new_boolean(l->quorate));
	json_object_object_add(obj, "synced",
			       json_object_new_boolean(l->synced));
	json_object_object_add(obj, "locks", locks);
	return cli_json_print(ctx, obj);
}

static int text_locks(struct cli_ctx *ctx, const Clusterd__LocksReply *l)
{
	static const char *const headers[] = {"NAME", "NODEID", "PID", "CLIENT",
					      "WAITERS"};
	static const bool right[] = {false, true, true, true, true};
	struct table *t = table_new(5, headers, right);
	char node[16], pid[16], client[24], waiters[16];
	int e = t ? 0 : -ENOMEM;

	for (size_t i = 0; e == 0 && i < l->n_locks; i++) {
		const Clusterd__LockInfo *info = l->locks[i];
		const Clusterd__LockHolder *h = info ? info->holder : NULL;
		const char *cells[5] = {info ? info->name : "", node, pid,
					client, waiters};

		if (!info)
			continue;
		snprintf(node, sizeof(node), "%" PRIu32, h ? h->nodeid : 0);
		snprintf(pid, sizeof(pid), "%" PRIu32, h ? h->pid : 0);
		snprintf(client, sizeof(client), "%" PRIu64,
			 h ? h->client_id : 0);
		if (!h)
			cells[1] = cells[2] = cells[3] = "-";
		snprintf(waiters, sizeof(waiters), "%zu", info->n_waiters);
		e = table_add_row(t, cells);
	}
	if (e == 0)
		table_print(t, ctx->out);
	table_free(t);
	return e;
}

static json_object *jentry(const Clusterd__StatusEntry *s, bool with_value)
{
	json_object *obj = json_object_new_object();

	json_object_object_add(obj, "nodeid", json_object_new_int64(s->nodeid));
	json_object_object_add(obj, "node", cli_json_string(s->node_name));
	json_object_object_add(obj, "key", cli_json_string(s->key));
	if (with_value &&
	    cli_json_add_data(obj, "value", s->value.data, s->value.len) < 0) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

static int json_status_list(struct cli_ctx *ctx,
			    const Clusterd__StatusListReply *l)
{
	json_object *obj = json_object_new_object();
	json_object *entries = json_object_new_array();

	json_object_object_add(obj, "entries", entries);
	for (size_t i = 0; i < l->n_entries; i++) {
		json_object *e =
		    l->entries[i] ? jentry(l->entries[i], true) : NULL;

		if (!e && l->entries[i]) {
			json_object_put(obj);
			return -ENOMEM;
		}
		if (e)
			json_object_array_add(entries, e);
	}
	return cli_json_print(ctx, obj);
}

/* A value for a table cell: text shortened to VALUE_COLUMN_MAX columns,
 * or its size when it is not text. */
static void value_cell(const ProtobufCBinaryData *v, char *buf, size_t size)
{
	bool text = utf8_valid(v->data, v->len) && !memchr(v->data, 0, v->len);
	size_t n = v->len < size - 4 ? v->len : size - 4;

	if (!text) {
		snprintf(buf, size, "(%zu bytes)", v->len);
		return;
	}
	memcpy(buf, v->data, n);
	buf[n] = '\0';
	if (text_width(buf) > VALUE_COLUMN_MAX || n < v->len) {
		/* Cut at a character boundary, then mark the cut. */
		size_t cols = 0, i = 0;

		while (buf[i] && cols < VALUE_COLUMN_MAX - 3)
			cols += ((unsigned char)buf[i++] & 0xc0) != 0x80;
		while (((unsigned char)buf[i] & 0xc0) == 0x80)
			i++;
		snprintf(buf + i, size - i, "...");
	}
}

static int text_status_list(struct cli_ctx *ctx,
			    const Clusterd__StatusListReply *l)
{
	static const char *const headers[] = {"NODEID", "NODE", "KEY", "VALUE"};
	static const bool right[] = {true, false, false, false};
	struct table *t = table_new(4, headers, right);
	char id[16], value[VALUE_COLUMN_MAX * 4 + 8];
	int e = t ? 0 : -ENOMEM;

	for (size_t i = 0; e == 0 && i < l->n_entries; i++) {
		const Clusterd__StatusEntry *s = l->entries[i];
		const char *cells[4] = {id, "", "", value};

		if (!s)
			continue;
		snprintf(id, sizeof(id), "%" PRIu32, s->nodeid);
		cells[1] = *s->node_name ? s->node_name : "-";
		cells[2] = s->key;
		value_cell(&s->value, value, sizeof(value));
		e = table_add_row(t, cells);
	}
	if (e == 0)
		table_print(t, ctx->out);
	table_free(t);
	return e;
}

static int status_entry(struct cli_ctx *ctx, const struct cli_request *r,
			const Clusterd__StatusEntry *s)
{
	bool get = r->op == CLI_OP_STATUS_GET;
	json_object *obj;

	if (ctx->output == CLI_OUTPUT_JSON) {
		obj = jentry(s, get);
		return obj ? cli_json_print(ctx, obj) : -ENOMEM;
	}
	if (get && s->value.len > 0 &&
	    fwrite(s->value.data, 1, s->value.len, ctx->out) != s->value.len)
		return -EIO;
	return 0;
}

int output_reply_ext(struct cli_ctx *ctx, const struct cli_request *r,
		     const Clusterd__Reply *reply)
{
	bool json = ctx->output == CLI_OUTPUT_JSON;

	switch (reply->result_case) {
	case CLUSTERD__REPLY__RESULT_LOCK:
		return json ? json_lock(ctx, reply->lock)
			    : text_lock(ctx, reply->lock);
	case CLUSTERD__REPLY__RESULT_LOCKS:
		return json ? json_locks(ctx, reply->locks)
			    : text_locks(ctx, reply->locks);
	case CLUSTERD__REPLY__RESULT_STATUS_ENTRY:
		return status_entry(ctx, r, reply->status_entry);
	case CLUSTERD__REPLY__RESULT_STATUS_LIST:
		return json ? json_status_list(ctx, reply->status_list)
			    : text_status_list(ctx, reply->status_list);
	default: return -EPROTO;
	}
}
