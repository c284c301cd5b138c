/*
 * The HA daemon's reads of the cluster (see ha_io.h). Blocking calls on
 * the daemon's own clusterd connection, a handful per round: members, the
 * four files, the guest directories only when the tree changed
 * (ha_locate.c), and the status store.
 */
#include "ha_io.h"
#include "ha_config.h"
#include "ha_report.h"
#include "log.h"
#include "macro.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const files[4] = {"ha/resources.cfg", "ha/rules.cfg",
				     "ha/settings.cfg", "ha/fence.cfg"};

int ha_io_view(struct ipc_client *c, struct ha_view *view, bool *ready,
	       uint64_t *version)
{
	Clusterd__Reply *reply = NULL;
	char msg[CDCALL_MSG];
	int r = cdcall_members(c, &reply, msg);

	memset(view, 0, sizeof(*view));
	*ready = false;
	if (r < 0)
		return r;
	for (size_t i = 0; i < reply->members->n_members; i++) {
		Clusterd__Member *m = reply->members->members[i];

		if (view->n_nodes == HA_MAX_NODES || !m->name ||
		    !ha_name_copy(view->nodes[view->n_nodes], m->name))
			continue;
		view->member[view->n_nodes++] = m->online;
	}
	*ready = reply->members->quorate && reply->members->synced;
	*version = reply->members->tree_version;
	view->quorate = *ready;
	ipc_client_reply_free(reply);
	return 0;
}

static void report_bad(void *userdata, const char *file, unsigned line,
		       const char *reason)
{
	(void)userdata;
	log_warning("%s:%u: %s (line ignored)", file, line, reason);
}

typedef unsigned (*parse_fn)(struct ha_config *, const char *,
			     const struct ha_cfg_src *);

int ha_io_config(struct ipc_client *c, char *texts[4], struct ha_config *cfg,
		 bool *changed, struct ha_locate *loc, uint64_t version)
{
	static const parse_fn parse[4] = {
	    ha_config_parse_resources, ha_config_parse_rules,
	    ha_config_parse_settings, ha_config_parse_fence};
	char *now[4] = {};
	char msg[CDCALL_MSG];
	int r = 0;

	*changed = false;
	for (unsigned i = 0; i < 4 && r >= 0; i++) {
		r = cdcall_get(c, files[i], &now[i], msg);
		if (r == -ENOENT)
			r = 0;
	}
	if (r < 0) {
		ha_io_texts_free(now);
		return r;
	}
	ha_config_init(cfg);
	for (unsigned i = 0; i < 4; i++) {
		bool same = (!now[i] && !texts[i]) ||
			    (now[i] && texts[i] && !strcmp(now[i], texts[i]));
		struct ha_cfg_src src = {.file = files[i],
					 .report = same ? NULL : report_bad};

		if (!same) {
			*changed = true;
			free(texts[i]);
			texts[i] = now[i];
			now[i] = NULL;
		}
		if (texts[i])
			parse[i](cfg, texts[i], &src);
	}
	ha_io_texts_free(now);
	return ha_locate(c, loc, version, cfg) < 0 ? -EIO : 0;
}

void ha_io_texts_free(char *texts[4])
{
	for (unsigned i = 0; i < 4; i++) {
		free(texts[i]);
		texts[i] = NULL;
	}
}

static bool in_view(const struct ha_view *view, const char *node)
{
	for (size_t i = 0; i < view->n_nodes; i++)
		if (view->member[i] && strcmp(view->nodes[i], node) == 0)
			return true;
	return false;
}

static void forget(const struct ha_view *view, struct ha_crm *crm)
{
	const struct ha_status *st = ha_crm_status(crm);

	for (size_t i = 0; i < view->n_nodes; i++)
		if (!view->member[i])
			ha_crm_forget(crm, view->nodes[i], false);
	for (size_t i = 0; i < st->n_node; i++) {
		bool listed = false;

		for (size_t k = 0; k < view->n_nodes && !listed; k++)
			listed = strcmp(view->nodes[k], st->node[i].name) == 0;
		if (!listed)
			ha_crm_forget(crm, st->node[i].name, true);
	}
}

int ha_io_reports(struct ipc_client *c, const struct ha_view *view,
		  struct ha_crm *crm)
{
	Clusterd__Reply *reply = NULL;
	char msg[CDCALL_MSG];
	int r = cdcall_status_list(c, &reply, msg);

	forget(view, crm);
	if (r < 0)
		return r;
	for (size_t i = 0; i < reply->status_list->n_entries; i++) {
		Clusterd__StatusEntry *e = reply->status_list->entries[i];
		_cleanup_free_ char *text = NULL;
		struct ha_lrm_report rep;

		if (strcmp(e->key, HA_REPORT_KEY) != 0 || !e->node_name ||
		    !in_view(view, e->node_name))
			continue;
		text = strndup((const char *)e->value.data, e->value.len);
		if (text && ha_report_from_json(text, &rep) == 0 &&
		    strcmp(rep.node, e->node_name) == 0)
			ha_crm_lrm_report(crm, &rep);
	}
	ipc_client_reply_free(reply);
	return 0;
}

int ha_io_commands(struct ipc_client *c, struct ha_crm *crm)
{
	char **names = NULL, msg[CDCALL_MSG];
	size_t n = 0;
	int r = cdcall_list(c, HA_COMMANDS_DIR, &names, &n, msg);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	/* cdcall_list gives names sorted: the order they were queued in */
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *text = NULL;
		char path[300];

		snprintf(path, sizeof(path), HA_COMMANDS_DIR "/%s", names[i]);
		if (cdcall_get(c, path, &text, msg) < 0)
			continue;
		/* Removed first: a command runs at most once. */
		if (cdcall_remove(c, path, msg) < 0)
			continue;
		text[strcspn(text, "\n")] = '\0';
		log_notice("HA: command '%s'", text);
		ha_crm_command(crm, text);
	}
	cdcall_names_free(names, n);
	return 0;
}
