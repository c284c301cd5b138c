/*
 * "clusterctl leave" and "clusterctl node remove NAME".
 *
 * Both refuse while the node owns guests (nodes/NAME/qemu/NNN.conf,
 * nodes/NAME/lxc/NNN.conf) or HA resources (a line of ha/resources.cfg
 * naming it as a word) unless --force, then remove the node's block from
 * the tree's corosync.conf by compare-and-swap (config_version + 1; every
 * member writes it to /etc/corosync and reloads corosync). "node remove"
 * is for a dead node and refuses this node and an online one. "leave"
 * then stops corosync and clusterd here, moves the tree, corosync.conf and
 * authkey to the backup directory and starts clusterd standalone.
 */
#include "config.h"

#include "cd_requests.h"
#include "corosync_conf_gen.h"
#include "lifecycle.h"
#include "macro.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

static const struct option leave_longopts[] = {
    {"force", no_argument, NULL, LC_OPT_FORCE},
    {},
};

static bool names_word(const char *text, size_t len, const char *word)
{
	size_t n = strlen(word);

	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(text + i, word, n) == 0 &&
		    (i == 0 || !isalnum((unsigned char)text[i - 1])) &&
		    (i + n == len || !isalnum((unsigned char)text[i + n])))
			return true;
	return false;
}

/* CLI_EXIT_FAILED (reported) when NAME owns guests or HA resources. */
static int check_owned(struct cli_ctx *ctx, const char *name)
{
	static const char *const kinds[] = {"qemu", "lxc"};
	Clusterd__Reply *rep;
	char path[128];
	int r, owned = 0;

	for (size_t k = 0; k < ELEMENTSOF(kinds); k++) {
		snprintf(path, sizeof(path), "nodes/%s/%s", name, kinds[k]);
		r = lc_tree_read(ctx, path, true, &rep);
		if (r == -ENOENT)
			continue;
		if (r)
			return r;
		for (size_t i = 0; i < rep->list->n_entries; i++) {
			const char *p = rep->list->entries[i]->path;
			size_t n = strlen(p);

			owned += n > 5 && strcmp(p + n - 5, ".conf") == 0;
		}
		clusterd__reply__free_unpacked(rep, NULL);
	}
	if (owned)
		return cli_fail(ctx, name, EBUSY, "the node still owns guests",
				"move or remove them, or use --force");
	r = lc_tree_read(ctx, "ha/resources.cfg", false, &rep);
	if (r == -ENOENT)
		return 0;
	if (r)
		return r;
	owned = names_word((const char *)rep->get->data.data,
			   rep->get->data.len, name);
	clusterd__reply__free_unpacked(rep, NULL);
	if (owned)
		return cli_fail(ctx, name, EBUSY,
				"the node still owns HA resources",
				"move them, or use --force");
	return 0;
}

static int put_conf(struct cli_ctx *ctx, const char *text, uint64_t version)
{
	Clusterd__PutRequest put = CLUSTERD__PUT_REQUEST__INIT;
	Clusterd__Request req = CD_REQUEST(PUT, put, &put);
	Clusterd__Reply *rep = NULL;
	int r;

	put.path = "corosync.conf";
	put.data.data = (uint8_t *)text;
	put.data.len = strlen(text);
	put.check_version = true;
	put.expected_version = version;
	r = lc_call(ctx, &req, "corosync.conf", CLUSTERD__REPLY__RESULT_WRITE,
		    &rep);
	if (r == 0)
		clusterd__reply__free_unpacked(rep, NULL);
	return r;
}

/* Remove NAME from the tree's corosync.conf. */
static int remove_from_conf(struct cli_ctx *ctx, const char *name)
{
	Clusterd__Reply *rep;
	_cleanup_free_ char *text = NULL, *edited = NULL;
	uint64_t version;
	int r = lc_tree_read(ctx, "corosync.conf", false, &rep);

	if (r == -ENOENT)
		return cli_fail(ctx, name, ENOENT,
				"the tree has no corosync.conf",
				"not a cluster member");
	if (r)
		return r;
	text = strndup((const char *)rep->get->data.data, rep->get->data.len);
	version = rep->get->stat ? rep->get->stat->version : 0;
	clusterd__reply__free_unpacked(rep, NULL);
	if (!text)
		return cli_fail(ctx, name, ENOMEM, "out of memory", NULL);
	r = ccgen_remove_node(text, name, &edited);
	if (r == -ENOENT)
		return cli_fail(ctx, name, ENOENT,
				"no such node in the cluster", NULL);
	if (r < 0)
		return cli_fail(ctx, name, -r, "cannot edit corosync.conf",
				strerror(-r));
	return put_conf(ctx, edited, version);
}

static const Clusterd__Member *find_member(const Clusterd__MembersReply *m,
					   const char *name, uint32_t nodeid)
{
	for (size_t i = 0; i < m->n_members; i++)
		if (name ? strcmp(m->members[i]->name, name) == 0
			 : m->members[i]->nodeid == nodeid)
			return m->members[i];
	return NULL;
}

static int do_remove(struct cli_ctx *ctx, const char *name, bool force)
{
	Clusterd__Reply *rep = NULL;
	const Clusterd__Member *n, *self;
	int r = lc_members(ctx, &rep);

	if (r)
		return r;
	n = find_member(rep->members, name, 0);
	self = find_member(rep->members, NULL, rep->members->local_nodeid);
	if (!n)
		r = cli_fail(ctx, name, ENOENT, "no such node in the cluster",
			     NULL);
	else if (n == self)
		r = cli_fail(ctx, name, EINVAL, "this is the local node",
			     "use 'clusterctl leave'");
	else if (n->online && !force)
		r = cli_fail(ctx, name, EBUSY, "the node is online",
			     "run 'clusterctl leave' on it, or use --force");
	clusterd__reply__free_unpacked(rep, NULL);
	if (r == 0 && !force)
		r = check_owned(ctx, name);
	if (r == 0)
		r = remove_from_conf(ctx, name);
	if (r)
		return r;
	if (ctx->output == CLI_OUTPUT_TEXT)
		fprintf(ctx->out, "Node %s removed from the cluster\n", name);
	return lc_done(ctx, NULL, (const char *const[]){"removed", name, NULL});
}

/* Copy /etc/corosync/NAME next to the tree's BACKUP (another file
 * system, so no rename), then remove it. */
static int move_aside(const char *name, const char *backup)
{
	char from[PATH_MAX], to[PATH_MAX * 2 + 16];
	_cleanup_free_ char *data = NULL;
	size_t len;
	int r;

	lc_path(from, sizeof(from), false, name);
	r = lc_read_file(from, &data, &len);
	if (r == -ENOENT)
		return 0;
	if (r == 0 && backup[0]) {
		snprintf(to, sizeof(to), "%s.%s", backup, name);
		r = lc_write_file(to, data, len, 0400);
	}
	if (r == 0 && unlink(from) < 0)
		r = -errno;
	return r;
}

/* Stop the services, move everything of the cluster aside, restart
 * clusterd standalone. */
static int go_standalone(struct cli_ctx *ctx, char *backup, size_t len)
{
	static const char *const files[] = {"corosync.conf", "authkey"};
	int r = lc_service(ctx, "stop", "clusterd");

	if (r == 0)
		r = lc_service(ctx, "stop", "corosync");
	if (r == 0)
		r = lc_backup_tree(backup, len);
	for (size_t i = 0; r == 0 && i < ELEMENTSOF(files); i++)
		r = move_aside(files[i], backup);
	if (r == 0)
		r = lc_service(ctx, "start", "clusterd");
	if (r < 0)
		cli_fail(ctx, "leave", -r, "cannot return to standalone mode",
			 strerror(-r));
	return r;
}

static int do_leave(struct cli_ctx *ctx, bool force)
{
	Clusterd__Reply *rep = NULL;
	const Clusterd__Member *self;
	char name[64] = "", backup[PATH_MAX] = "";
	int r = lc_members(ctx, &rep);

	if (r)
		return r;
	self = find_member(rep->members, NULL, rep->members->local_nodeid);
	if (self)
		snprintf(name, sizeof(name), "%s", self->name);
	clusterd__reply__free_unpacked(rep, NULL);
	if (!name[0])
		return cli_fail(ctx, "leave", ENOENT,
				"this node is not in a cluster", NULL);
	r = force ? 0 : check_owned(ctx, name);
	if (r == 0)
		r = remove_from_conf(ctx, name);
	if (r == 0 && go_standalone(ctx, backup, sizeof(backup)) < 0)
		r = CLI_EXIT_FAILED;
	if (r)
		return r;
	if (ctx->output == CLI_OUTPUT_TEXT)
		fprintf(ctx->out, "Left the cluster; the tree is kept in %s\n",
			backup[0] ? backup : "(none)");
	return lc_done(
	    ctx, NULL,
	    (const char *const[]){"left", name, "backup", backup, NULL});
}

static int run_leave(struct cli_ctx *ctx, struct lc_args *a)
{
	return do_leave(ctx, a->force);
}

int leave_main(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct lc_command cmd = {.name = "leave",
					      .longopts = leave_longopts,
					      .help = cli_help_leave,
					      .run = run_leave};

	return lc_main(ctx, argc, argv, &cmd);
}

static int node_check(struct cli_ctx *ctx, struct lc_args *a)
{
	if (strcmp(a->pos[0], "remove") != 0)
		return cli_usage_error(ctx, "node: unknown command '%s'",
				       a->pos[0]);
	if (!ccgen_valid_name(a->pos[1]))
		return cli_usage_error(
		    ctx, "node remove: invalid node name '%s'", a->pos[1]);
	return CLI_PARSED;
}

static int run_remove(struct cli_ctx *ctx, struct lc_args *a)
{
	return do_remove(ctx, a->pos[1], a->force);
}

int node_main(struct cli_ctx *ctx, int argc, char **argv)
{
	static const char *const names[] = {"remove", "NAME"};
	struct lc_command cmd = {.name = "node",
				 .longopts = leave_longopts,
				 .help = cli_help_node,
				 .names = names,
				 .min = 2,
				 .max = 2,
				 .check = node_check,
				 .run = run_remove};

	/* "node remove --help" describes remove, "node --help" the group. */
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "remove") == 0) {
			cmd.help = cli_help_node_remove;
			break;
		}
	return lc_main(ctx, argc, argv, &cmd);
}
